package templates

import (
	_ "embed"
	"fmt"

	"ictindex/scoring"
)

//go:embed sample/laocai-2026.json
var sampleProvince []byte

// SampleYear is the report year of the sample province.
const SampleYear = 2026

// SampleProvince returns a fresh copy of the sample province: 29
// provincial agencies (six without administrative procedures, one that
// never submits) and 9 district People's Committees, with realistic
// figures, a few late submissions, appraisals with corrections and flags,
// and a tie. Tests, the demo and the documents use it.
func SampleProvince() *scoring.Batch {
	b, err := ParseInput(sampleProvince, SampleYear)
	if err != nil {
		panic("embedded sample province: " + err.Error())
	}
	return b
}

// SyntheticProvince is a province of n units for measuring at scale: the
// sample province's submitting units cloned in turn, coded U0000, U0001, …
// and named after their model with the number appended, without the
// sample's appraisals. The clones of one model share its figures map and
// flags: treat them as read-only.
func SyntheticProvince(n int) *scoring.Batch {
	src := SampleProvince()
	var pool []scoring.Submission
	for _, u := range src.Units {
		if !u.NotSubmitted {
			u.Appraisal = nil
			pool = append(pool, u)
		}
	}
	b := &scoring.Batch{Year: src.Year, Settings: src.Settings}
	for i := range n {
		u := pool[i%len(pool)]
		u.Unit = scoring.Unit{Code: fmt.Sprintf("U%04d", i), Name: fmt.Sprintf("%s %04d", u.Unit.Name, i)}
		b.Units = append(b.Units, u)
	}
	return b
}
