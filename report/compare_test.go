package report

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"ictindex/scoring"
	"ictindex/templates"
)

// The sample province compared with the year before, rendered once.
var (
	comparedOnce  sync.Once
	comparedBytes []byte
	comparedRes   *scoring.Results
	comparedErr   error
	comparedText  string
	comparedTOnce sync.Once
)

// comparedLayout is the compared decision's laid-out text, extracted once.
func comparedLayout(t *testing.T) string {
	t.Helper()
	pdf, _ := comparedPDF(t)
	if _, err := exec.LookPath("pdftotext"); err != nil {
		poppler(t, pdf, "pdftotext") // skips or fails
	}
	comparedTOnce.Do(func() { comparedText = layoutText(t, pdf) })
	return comparedText
}

// comparedDecision is the sample's decision with last year's results.
func comparedDecision(t testing.TB) *Decision {
	t.Helper()
	d, res := sampleDecision(t)
	prev, err := templates.SamplePreviousResults()
	if err != nil {
		t.Fatal(err)
	}
	res.AttachPrevious(prev)
	return d
}

func comparedPDF(t *testing.T) ([]byte, *scoring.Results) {
	t.Helper()
	comparedOnce.Do(func() {
		d := comparedDecision(t)
		comparedRes = d.Results
		comparedBytes, comparedErr = Render(d)
	})
	if comparedErr != nil {
		t.Fatal(comparedErr)
	}
	return comparedBytes, comparedRes
}

func TestComparedDecisionIsDeterministicWithGlyphs(t *testing.T) {
	first, _ := comparedPDF(t)
	second, err := Render(comparedDecision(t))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Fatalf("two renderings differ (%d and %d bytes)", len(first), len(second))
	}
	checkGlyphs(t, first) // the arrows, the minus sign and the legend's text
}

func TestComparedRankingShowsChanges(t *testing.T) {
	_, res := comparedPDF(t)
	text := comparedLayout(t)
	flat := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{
		"Điểm so", "Hạng so", "với năm", "So với năm 2025:",
		"Chi tiết tại Phụ lục I.", "chi tiết tại Phụ lục III.", "chi tiết tại Phụ lục IV.",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("the decision lacks %q", want)
		}
	}
	// Each unit's row ends with its score change and rank change.
	rk := &res.Rankings[0]
	changes := res.Changes(rk)
	seen := map[scoring.ChangeKind]bool{}
	for i, row := range rk.Rows {
		c := changes[i]
		if !row.Submitted || seen[c.Kind] {
			continue
		}
		seen[c.Kind] = true
		pat := regexp.QuoteMeta(row.Final.String()) + `\s+` + itoa(row.Rank) + `\s+` + regexp.QuoteMeta(c.ScoreLabel()) + `\s*` + regexp.QuoteMeta(strings.Fields(c.RankLabel())[0])
		if !regexp.MustCompile(pat).MatchString(text) {
			t.Errorf("%s (%s): no row with %q", row.Unit.Name, c.Kind, pat)
		}
	}
	for _, k := range []scoring.ChangeKind{scoring.ChangeUp, scoring.ChangeDown, scoring.ChangeNew, scoring.ChangeUnranked} {
		if !seen[k] {
			t.Errorf("no row of kind %q checked", k)
		}
	}
}

func TestComparisonAppendix(t *testing.T) {
	_, res := comparedPDF(t)
	text := strings.Join(strings.Fields(comparedLayout(t)), " ") // headings wrap
	i := strings.Index(text, "SO SÁNH KẾT QUẢ ỨNG DỤNG CÔNG NGHỆ THÔNG TIN NĂM 2026 VỚI NĂM 2025")
	j := strings.Index(text[max(i, 0):], "Phụ lục IV") + max(i, 0)
	if i < 0 || j <= i {
		t.Fatalf("no comparison appendix before the score sheets (%d, %d)", i, j)
	}
	if !strings.HasSuffix(text[:i], "Phụ lục III ") {
		t.Errorf("the comparison is not Phụ lục III: %q", text[max(0, i-30):i])
	}
	app := text[i:j]
	ac := res.Comparison.Annex(scoring.AnnexPL01)
	for _, want := range []string{
		"Năm 2026", "Năm 2025", "1.1. Tỷ lệ đạt theo lĩnh vực", "I. Hạ tầng kỹ thuật công nghệ thông tin",
		"Tổng điểm (sau điểm trừ)", "Đơn vị đạt tối đa", "tiêu chí có tỷ lệ đạt thấp nhất năm 2026",
		percent(ac.Sections[0].This.Share), percent(ac.Sections[0].Previous.Share),
		ac.Weakest[0] + ".", "UBND CÁC HUYỆN",
	} {
		if !strings.Contains(app, want) {
			t.Errorf("the comparison appendix lacks %q", want)
		}
	}
}

// TestComparisonPageImage renders the comparison's first page for a
// person to look at (kept when ICTINDEX_KEEP_PNG names a folder).
func TestComparisonPageImage(t *testing.T) {
	pdf, _ := comparedPDF(t)
	bin, err := exec.LookPath("pdftoppm")
	if err != nil {
		t.Skip("pdftoppm (poppler-utils) is not installed")
	}
	page := pageOf(t, "SO SÁNH KẾT QUẢ")
	dir := os.Getenv("ICTINDEX_KEEP_PNG")
	if dir == "" {
		dir = t.TempDir()
	}
	in := filepath.Join(t.TempDir(), "d.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{itoa(page), itoa(page + 1)} {
		out, err := exec.Command(bin, "-png", "-r", "80", "-f", p, "-l", p, "-singlefile", in, filepath.Join(dir, "compare-"+p)).CombinedOutput()
		if err != nil {
			t.Fatalf("pdftoppm: %v\n%s", err, out)
		}
	}
}

// pageOf is the first page whose text holds s.
func pageOf(t *testing.T, s string) int {
	t.Helper()
	for i, p := range strings.Split(comparedLayout(t), "\f") {
		if strings.Contains(p, s) {
			return i + 1
		}
	}
	t.Fatalf("no page with %q", s)
	return 0
}
