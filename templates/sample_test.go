package templates

import "testing"

func TestSampleProvinceScores(t *testing.T) {
	res, err := ScoreResults(SampleProvince())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Rankings {
		for _, row := range r.Rows {
			t.Logf("%s %2d %-45s self %6s appr %6s ded %5s final %6s", r.Annex, row.Rank, row.Unit.Name, row.Self, row.Appraised, row.Deductions, row.Final)
		}
	}
}
