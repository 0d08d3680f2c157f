package templates

import (
	"testing"

	"ictindex/scoring"
)

func TestEmbeddedSetsAreValid(t *testing.T) {
	counts := map[string]int{"PL01": 39, "PL02": 55}
	for annex, want := range counts {
		s, err := Load(annex)
		if err != nil {
			t.Fatalf("%s: %v", annex, err)
		}
		if got := len(s.Criteria()); got != want {
			t.Errorf("%s: %d criteria, want %d", annex, got, want)
		}
		var sum scoring.Fixed
		for _, c := range s.Criteria() {
			sum += s.EffectiveMax(c, nil)
		}
		if sum != scoring.Whole(100) {
			t.Errorf("%s: maxima sum to %s", annex, sum)
		}
	}
}
