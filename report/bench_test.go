package report

import (
	"bytes"
	"fmt"
	"testing"

	"ictindex/scoring"
	"ictindex/templates"
)

// syntheticResults makes n units by cloning the sample province's sheets
// under new codes and names, with final scores spread so that the ranking
// has ties and every 50th unit never submits.
func syntheticResults(tb testing.TB, n int) *scoring.Results {
	tb.Helper()
	base, err := templates.ScoreResults(templates.SampleProvince())
	if err != nil {
		tb.Fatal(err)
	}
	var src []*scoring.Sheet
	for _, sh := range base.Sheets {
		if sh.Submitted {
			src = append(src, sh)
		}
	}
	sheets := make([]*scoring.Sheet, n)
	for i := range sheets {
		c := *src[i%len(src)]
		c.Unit = scoring.Unit{Code: fmt.Sprintf("U%05d", i), Name: fmt.Sprintf("%s (đơn vị %05d)", c.Unit.Name, i)}
		if i%50 == 49 {
			c = scoring.Sheet{Decision: c.Decision, Annex: c.Annex, Year: c.Year, Unit: c.Unit}
		} else {
			c.Final = max(0, c.Final-scoring.Fixed(i%700))
		}
		sheets[i] = &c
	}
	return scoring.NewResults(base.Decision, base.Settings, templates.Annexes(), sheets)
}

func BenchmarkRender10000(b *testing.B) {
	res := syntheticResults(b, benchUnits)
	d := NewDecision(res, map[string]*scoring.Set{"PL01": templates.MustLoad("PL01"), "PL02": templates.MustLoad("PL02")})
	d.Number, d.Date, d.Signer = "123/QĐ-UBND", scoring.Date{Year: 2027, Month: 1, Day: 5}, "Nguyễn Văn A"
	b.ResetTimer()
	var pages int
	for i := 0; i < b.N; i++ {
		out, err := Render(d)
		if err != nil {
			b.Fatal(err)
		}
		pages = countPages(out)
		b.SetBytes(int64(len(out)))
	}
	sec := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(pages), "pages")
	b.ReportMetric(float64(pages)/sec, "pages/s")
	b.ReportMetric(sec*1e9/float64(pages), "ns/page")
}

// countPages counts the page objects of a PDF written by fpdf.
func countPages(pdf []byte) int {
	return bytes.Count(pdf, []byte("/Type /Page\n"))
}

var benchUnits = 10000
