package workflows

import (
	"strings"
	"testing"
	"time"

	"ictindex/templates"
)

// TestUnitPinnedSet: a unit whose campaign pinned a set loads that set
// through the local activity, scores with it, and archives the pin in its
// record; a pin naming no set fails the unit at once, naming the set.
func TestUnitPinnedSet(t *testing.T) {
	h := newHarness(t)
	in, figs := unitInput(t, "SNV")
	ref, err := templates.DefaultRef(in.Ref.Annex)
	if err != nil {
		t.Fatal(err)
	}
	in.Ref.Set = ref
	h.update(time.Hour, "", "save", UpdateSaveFigures, SaveFiguresArgs{By: "snv", Figures: figs})
	h.update(2*time.Hour, "", "submit", UpdateSubmit, ActorArgs{By: "snv"})
	h.update(3*time.Hour, "", "finish", UpdateFinishAppraisal, ActorArgs{By: appraiser})
	h.env.ExecuteWorkflow(Unit, in)
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	h.ok("save", "submit", "finish")
	if len(h.records) != 1 || h.records[0].Set != ref {
		t.Fatalf("records %+v, want the pin %v", h.records, ref)
	}

	h = newHarness(t)
	in.Ref.Set = templates.SetRef{Key: "9999-PL01", Hash: strings.Repeat("0", 64)}
	h.env.ExecuteWorkflow(Unit, in)
	if err := h.env.GetWorkflowError(); err == nil || !strings.Contains(err.Error(), "9999-PL01") {
		t.Fatalf("a unit pinned to no set: %v", err)
	}
}
