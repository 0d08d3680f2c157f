package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"ictindex/scoring"
	"ictindex/templates"
)

// syntheticDecision is a decision for n units, made by cloning the sample
// province's score sheets under new codes and names, with final scores
// spread so that the ranking has ties, every 50th unit a non-submitter and
// every third one an evidence manifest.
func syntheticDecision(tb testing.TB, n int) *Decision {
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
	evidence := map[string][]EvidenceItem{}
	for i := range sheets {
		c := *src[i%len(src)]
		c.Unit = scoring.Unit{Code: fmt.Sprintf("U%05d", i), Name: fmt.Sprintf("%s (đơn vị %05d)", c.Unit.Name, i)}
		switch {
		case i%50 == 49:
			c = scoring.Sheet{Decision: c.Decision, Annex: c.Annex, Year: c.Year, Unit: c.Unit}
		default:
			c.Final = max(0, c.Final-scoring.Fixed(i%700))
		}
		if i%3 == 0 {
			evidence[c.Unit.Code] = []EvidenceItem{
				{Criterion: "I.1", FileName: "danh-sach-may-tinh.xlsx", Size: int64(1000 + i), SHA256: strings.Repeat("a1", 32)},
				{Criterion: "II.1.2", FileName: "so-van-ban-den.pdf", Size: int64(20000 + i), SHA256: strings.Repeat("b2", 32)},
			}
		}
		sheets[i] = &c
	}
	res := scoring.NewResults(base.Decision, base.Settings, templates.Annexes(), sheets)
	d := NewDecision(res, sampleSets())
	d.Number, d.Date, d.Signer = "123/QĐ-UBND", scoring.Date{Year: 2027, Month: 1, Day: 5}, "Nguyễn Văn A"
	d.Evidence = evidence
	return d
}

// BenchmarkRender10000 renders a decision for 10,000 units: two ranking
// tables and charts of 10,000 rows and 9,800 score sheets. Run it once:
//
//	go test ./report -run x -bench Render10000 -benchtime 1x -benchmem
//
// Besides time and allocations it reports the pages, the highest heap
// sampled while rendering (peak-heap-MiB) and the heap obtained from the
// OS (heap-sys-MiB).
func BenchmarkRender10000(b *testing.B) {
	d := syntheticDecision(b, 10000)
	b.ResetTimer()
	report := peakHeap(b)
	pages := 0
	for i := 0; i < b.N; i++ {
		out, err := Render(d)
		if err != nil {
			b.Fatal(err)
		}
		pages = bytes.Count(out, []byte("/Type /Page\n"))
		b.SetBytes(int64(len(out)))
	}
	report()
	sec := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(pages), "pages")
	b.ReportMetric(float64(pages)/sec, "pages/s")
	b.ReportMetric(sec*1e9/float64(pages), "ns/page")
}

// BenchmarkRenderTo10000 writes the same decision to a writer that keeps
// nothing, as a file or an HTTP response would take it:
//
//	go test ./report -run x -bench RenderTo10000 -benchtime 1x -benchmem
func BenchmarkRenderTo10000(b *testing.B) {
	d := syntheticDecision(b, 10000)
	b.ResetTimer()
	report := peakHeap(b)
	for i := 0; i < b.N; i++ {
		var n countingWriter
		if err := RenderTo(&n, d); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(n))
	}
	report()
}

// countingWriter counts what it is given and drops it.
type countingWriter int

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}
