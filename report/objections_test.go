package report

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"ictindex/scoring"
)

// TestSheetListsObjections: a unit's score sheet is followed by its
// objections, each with its answer (accepted with the score change, or
// rejected with the reason); the rendering is deterministic and every
// character has a glyph.
func TestSheetListsObjections(t *testing.T) {
	d, _ := sampleDecision(t)
	at := time.Date(2026, 12, 1, 9, 30, 0, 0, scoring.Vietnam)
	d.Objections = map[string][]ObjectionNote{"SNV": {
		{ID: 1, At: at, By: "lanh-dao-snv", Target: "tiêu chí III.4 (Tổ chức họp trực tuyến)", Ask: "Số cuộc họp trực tuyến: 12",
			Explanation: "Đơn vị đã tổ chức 12 cuộc họp trực tuyến, biên bản kèm theo.", Files: 2,
			Answered: true, Accepted: true, Reason: "Biên bản khớp lịch công tác", AnsweredBy: "tham-dinh", AnsweredAt: at.Add(48 * time.Hour), Change: "74,64 → 76,14"},
		{ID: 2, At: at, By: "lanh-dao-snv", Target: "khoản trừ điểm nộp báo cáo muộn", Explanation: "Đường truyền gián đoạn.",
			Answered: true, Reason: "Hệ thống ghi nhận đúng giờ nhận", AnsweredBy: "tham-dinh", AnsweredAt: at.Add(72 * time.Hour)},
	}}
	pdf, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pdf, again) {
		t.Fatal("two renderings differ")
	}
	checkGlyphs(t, pdf)
	if out := os.Getenv("ICTINDEX_PDF_OUT"); out != "" { // to look at the page
		if err := os.WriteFile(out, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	flat := strings.Join(strings.Fields(layoutText(t, pdf)), " ")
	for _, want := range []string{
		"Phản hồi của đơn vị về kết quả sơ bộ",
		"Phản hồi số 1 (lanh-dao-snv, 09:30 01/12/2026) về tiêu chí III.4",
		"Đề nghị: Số cuộc họp trực tuyến: 12. Kèm 2 tệp.",
		"Chấp nhận (tham-dinh, 09:30 03/12/2026): Biên bản khớp lịch công tác; tổng điểm 74,64 → 76,14.",
		"Không chấp nhận (tham-dinh, 09:30 04/12/2026): Hệ thống ghi nhận đúng giờ nhận.",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("the decision lacks %q", want)
		}
	}
	if n := strings.Count(flat, "Phản hồi của đơn vị về kết quả sơ bộ"); n != 1 {
		t.Errorf("%d objection blocks, want one (only SNV objected)", n)
	}
}
