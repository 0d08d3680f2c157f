package report

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/text/unicode/norm"

	"ictindex/scoring"
	"ictindex/templates"
)

// The sample province's decision, rendered once for the tests that read it.
var (
	sampleOnce    sync.Once
	sampleResults *scoring.Results
	sampleBytes   []byte
	sampleErr     error
)

// sampleSets are the criteria sets of the default decision by annex.
func sampleSets() map[string]*scoring.Set {
	return map[string]*scoring.Set{"PL01": templates.MustLoad("PL01"), "PL02": templates.MustLoad("PL02")}
}

// sampleEvidence is an evidence manifest for two units of the sample.
func sampleEvidence() map[string][]EvidenceItem {
	return map[string][]EvidenceItem{
		"STTTT": {
			{Criterion: "II.1.2", FileName: "bao-cao-van-ban-den-2026.pdf", Size: 1_234_567, SHA256: strings.Repeat("ab", 32)},
			{Criterion: "I.1", FileName: "danh-sach-may-tinh.xlsx", Size: 48_213, SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
		},
		"HMK": {{Criterion: "I.1", FileName: "thiết-bị.pdf", Size: 900, SHA256: strings.Repeat("0f", 32)}},
	}
}

// sampleDecision is the decision for the sample province.
func sampleDecision(t testing.TB) (*Decision, *scoring.Results) {
	t.Helper()
	res, err := templates.ScoreResults(templates.SampleProvince())
	if err != nil {
		t.Fatal(err)
	}
	d := NewDecision(res, sampleSets())
	d.Number, d.Date, d.Signer = "123/QĐ-UBND", scoring.Date{Year: 2027, Month: 1, Day: 5}, "Nguyễn Văn A"
	d.Evidence = sampleEvidence()
	return d, res
}

// samplePDF is the sample province's decision as rendered, with its results.
func samplePDF(t *testing.T) ([]byte, *scoring.Results) {
	t.Helper()
	sampleOnce.Do(func() {
		var d *Decision
		d, sampleResults = sampleDecision(t)
		sampleBytes, sampleErr = Render(d)
	})
	if sampleErr != nil {
		t.Fatal(sampleErr)
	}
	return sampleBytes, sampleResults
}

// poppler runs a poppler-utils tool on the PDF and returns its output. The
// test is skipped when the tool is missing, unless CI is set: there it fails.
func poppler(t *testing.T, pdf []byte, tool string, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath(tool)
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("%s (poppler-utils) is not installed", tool)
		}
		t.Fatalf("%s (poppler-utils) is required in CI", tool)
	}
	name := filepath.Join(t.TempDir(), "decision.pdf")
	if err := os.WriteFile(name, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	args = append(args, name)
	if tool == "pdftotext" {
		args = append(args, "-")
	}
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", tool, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// The sample's text, extracted once: poppler takes a while over ~300 pages.
var (
	sampleTextOnce sync.Once
	sampleTextAll  string
)

// sampleText is the laid-out text of the whole sample decision, in NFC.
func sampleText(t *testing.T) string {
	t.Helper()
	pdf, _ := samplePDF(t)
	if _, err := exec.LookPath("pdftotext"); err != nil {
		poppler(t, pdf, "pdftotext") // skips or fails
	}
	sampleTextOnce.Do(func() { sampleTextAll = layoutText(t, pdf) })
	return sampleTextAll
}

// layoutText is the text of the pages, laid out, in NFC.
func layoutText(t *testing.T, pdf []byte, args ...string) string {
	t.Helper()
	return norm.NFC.String(poppler(t, pdf, "pdftotext", append([]string{"-layout"}, args...)...))
}
