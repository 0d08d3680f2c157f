package report

import (
	"os"
	"testing"

	"ictindex/scoring"
	"ictindex/templates"
)

func TestQuick(t *testing.T) {
	res, err := templates.ScoreResults(templates.SampleProvince())
	if err != nil {
		t.Fatal(err)
	}
	sets := map[string]*scoring.Set{"PL01": templates.MustLoad("PL01"), "PL02": templates.MustLoad("PL02")}
	d := NewDecision(res, sets)
	d.Number = "123/QĐ-UBND"
	d.Date = scoring.Date{Year: 2027, Month: 1, Day: 5}
	d.Signer = "Nguyễn Văn A"
	d.Evidence = map[string][]EvidenceItem{"STTTT": {{Criterion: "I.1", FileName: "danh-sach-may-tinh.xlsx", Size: 123456, SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}}}
	b, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile("/tmp/rep/decision.pdf", b, 0o644)
}
