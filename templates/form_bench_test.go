package templates

import (
	"testing"

	"ictindex/scoring"
)

// BenchmarkForm renders one unit's XLSX form of each annex, as the
// campaign issues one per unit when it opens.
func BenchmarkForm(b *testing.B) {
	for _, annex := range []string{"PL01", "PL02"} {
		b.Run(annex, func(b *testing.B) {
			set := MustLoad(annex)
			sub := &scoring.Submission{Unit: scoring.Unit{Code: "U0001", Name: "Sở Nội vụ"}, Annex: annex, Year: 2026}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Form(set, sub, 2026); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
