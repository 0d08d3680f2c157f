package scoring_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"ictindex/scoring"
	"ictindex/templates"
)

// synthetic returns n submissions spread over both annexes, with figures
// varied around a perfect unit so every rule branch is exercised.
func synthetic(n int) []*scoring.Submission {
	pl01, pl02 := templates.MustLoad(scoring.AnnexPL01), templates.MustLoad(scoring.AnnexPL02)
	_, den1 := roles(pl01)
	_, den2 := roles(pl02)
	rng := rand.New(rand.NewPCG(3299, 2026))
	subs := make([]*scoring.Submission, n)
	for i := range subs {
		set, den, flags := pl01, den1, []string(nil)
		switch {
		case i%5 == 4:
			set, den = pl02, den2
		case i%7 == 3:
			flags = []string{"no_procedures"}
		}
		raw := perfect(set, flags)
		for k, v := range raw {
			if x, ok := v.(int64); ok && !den[k] && x > 1 && set.Figure(k).Max == 0 && !strings.HasPrefix(k, "it_staff") {
				raw[k] = x * int64(50+rng.IntN(51)) / 100 // 50–100 % of the total
			}
		}
		subs[i] = submission(set, fmt.Sprintf("U%05d", i), fmt.Sprintf("Đơn vị %05d", i), flags, raw)
	}
	return subs
}

// BenchmarkScoreAndRank scores and ranks 10,000 synthetic units across both
// annexes per iteration.
func BenchmarkScoreAndRank(b *testing.B) {
	const units = 10_000
	subs := synthetic(units)
	sets := map[string]*scoring.Set{scoring.AnnexPL01: templates.MustLoad(scoring.AnnexPL01), scoring.AnnexPL02: templates.MustLoad(scoring.AnnexPL02)}
	st := scoring.DefaultSettings(2026)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		sheets := make([]*scoring.Sheet, 0, units)
		for _, sub := range subs {
			sh, err := sets[sub.Annex].Score(sub, &st)
			if err != nil {
				b.Fatal(err)
			}
			sheets = append(sheets, sh)
		}
		res := scoring.NewResults("3299/QĐ-UBND", st, templates.Annexes(), sheets)
		if len(res.Rankings[0].Rows)+len(res.Rankings[1].Rows) != units {
			b.Fatal("units lost")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*units), "ns/unit")
}
