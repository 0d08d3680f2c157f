package templates_test

import (
	"testing"

	"ictindex/scoring"
	"ictindex/templates"
)

func TestSamplePreviousYear(t *testing.T) {
	prev, err := templates.SamplePreviousResults()
	if err != nil {
		t.Fatal(err)
	}
	if prev.Year != templates.SampleYear-1 {
		t.Fatalf("year %d", prev.Year)
	}
	if prev.Sheet(templates.SampleNewUnit) != nil || prev.Sheet(templates.SampleGoneUnit) == nil {
		t.Error("the new unit is there or the dissolved one is not")
	}
	if sh := prev.Sheet(templates.SampleLateStarter); sh == nil || sh.Submitted {
		t.Error("the late starter submitted the year before")
	}
	cur, err := templates.ScoreResults(templates.SampleProvince())
	if err != nil {
		t.Fatal(err)
	}
	if prev.Sheet(templates.SampleRenamedUnit).Unit.Name == cur.Sheet(templates.SampleRenamedUnit).Unit.Name {
		t.Error("the renamed unit has the same name")
	}
	cur.AttachPrevious(prev)
	kinds := map[scoring.ChangeKind]int{}
	for i := range cur.Rankings {
		for _, c := range cur.Changes(&cur.Rankings[i]) {
			kinds[c.Kind]++
		}
	}
	for _, k := range []scoring.ChangeKind{scoring.ChangeUp, scoring.ChangeDown, scoring.ChangeSame, scoring.ChangeNew, scoring.ChangeUnranked} {
		if kinds[k] == 0 {
			t.Errorf("no unit with change %q: %v", k, kinds)
		}
	}
}
