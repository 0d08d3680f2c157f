package templates

import (
	_ "embed"

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
