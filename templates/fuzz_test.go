package templates

import (
	"errors"
	"testing"

	"ictindex/scoring"
)

// FuzzScoreInput feeds arbitrary bytes through the submission parser and
// the scorer: errors are fine, panics and non-field errors are not. The
// seed corpus is in testdata/fuzz/FuzzScoreInput.
func FuzzScoreInput(f *testing.F) {
	f.Add(sampleProvince)
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ParseInput(data, 2026)
		if err != nil {
			var ve *scoring.ValidationError
			if !errors.As(err, &ve) || len(ve.Errors) == 0 {
				t.Fatalf("parse error without fields: %v", err)
			}
			return
		}
		if b.Year < 2000 || b.Year > 2200 {
			return // DefaultSettings of absurd years is the caller's problem
		}
		sheets, err := ScoreBatch(b)
		if err != nil {
			var ve *scoring.ValidationError
			if !errors.As(err, &ve) || len(ve.Errors) == 0 {
				t.Fatalf("score error without fields: %v", err)
			}
			return
		}
		for _, sh := range sheets {
			if sh.Final < 0 || sh.Final > scoring.Whole(100) || sh.SelfTotal > scoring.Whole(100) {
				t.Fatalf("%s scored %s / %s", sh.Unit.Code, sh.SelfTotal, sh.Final)
			}
		}
	})
}
