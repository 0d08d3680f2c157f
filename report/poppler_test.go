package report

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"ictindex/scoring"
)

func TestDecisionPageSizeAndCount(t *testing.T) {
	pdf, _ := samplePDF(t)
	info := poppler(t, pdf, "pdfinfo")
	size := regexp.MustCompile(`(?m)^Page size:\s+(.*)$`).FindStringSubmatch(info)
	if size == nil || !(strings.Contains(size[1], "(A4)") || strings.Contains(size[1], "595.276 x 841.89") ||
		strings.Contains(size[1], "595.28 x 841.89") || strings.Contains(size[1], "841.89 x 595.28")) {
		t.Errorf("page size is not A4: %q", size)
	}
	pages := regexp.MustCompile(`(?m)^Pages:\s+(\d+)$`).FindStringSubmatch(info)
	if pages == nil {
		t.Fatalf("no page count in pdfinfo output:\n%s", info)
	}
	if n, _ := strconv.Atoi(pages[1]); n <= 40 {
		t.Errorf("%d pages, want more than 40", n)
	}
	// Score sheets are landscape A4.
	last := poppler(t, pdf, "pdfinfo", "-f", pages[1], "-l", pages[1])
	if !strings.Contains(last, "841.89 x 595.28") {
		t.Errorf("the last page (a score sheet) is not landscape A4:\n%s", last)
	}
}

func TestDecisionFontsEmbedded(t *testing.T) {
	pdf, _ := samplePDF(t)
	out := poppler(t, pdf, "pdffonts")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 3 {
		t.Fatalf("no fonts listed:\n%s", out)
	}
	fonts := 0
	for _, l := range lines[2:] {
		f := strings.Fields(l)
		// name type… encoding emb sub uni object ID
		if len(f) < 7 {
			t.Errorf("unexpected pdffonts line %q", l)
			continue
		}
		emb, uni := f[len(f)-5], f[len(f)-3]
		if emb != "yes" || uni != "yes" {
			t.Errorf("font not embedded with a Unicode map: %q", l)
		}
		if !strings.Contains(strings.ToLower(f[0]), "liberationserif") {
			t.Errorf("unexpected font %q", f[0])
		}
		fonts++
	}
	if fonts != 4 {
		t.Errorf("%d fonts, want the four styles of Liberation Serif:\n%s", fonts, out)
	}
}

func TestDecisionText(t *testing.T) {
	pdf, res := samplePDF(t)
	text := sampleText(t)
	first := layoutText(t, pdf, "-f", "1", "-l", "1")
	for _, want := range []string{
		"ỦY BAN NHÂN DÂN", "TỈNH LÀO CAI", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
		"QUYẾT ĐỊNH", "QUYẾT ĐỊNH:", "Về việc công bố kết quả đánh giá, xếp hạng mức độ ứng dụng công",
		"Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015;",
		"Căn cứ Quyết định số 3299/QĐ-UBND ngày 18/10/2018", "Theo đề nghị của Giám đốc Sở Thông tin và Truyền thông.",
		"Điều 1.", "Điều 2.", "Điều 3.",
	} {
		if !strings.Contains(first, want) {
			t.Errorf("page 1 lacks %q", want)
		}
	}
	// The number and the place and date share a line.
	if !regexp.MustCompile(`Số: 123/QĐ-UBND\s+Lào Cai, ngày 05 tháng 01 năm 2027`).MatchString(first) {
		t.Errorf("the number and the date are not on one line:\n%s", first)
	}
	for _, want := range []string{
		"TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn A", "Nơi nhận:", "- Lưu: VT, KSTT.",
		"Phụ lục I\n", "Phụ lục II\n", "Phụ lục III\n",
		"THÔNG TIN CỦA CÁC CƠ QUAN, ĐƠN VỊ CẤP TỈNH NĂM 2026", "UBND CÁC HUYỆN, THỊ XÃ",
		"PHIẾU CHẤM ĐIỂM CHI TIẾT CỦA CÁC CƠ QUAN, ĐƠN VỊ NĂM 2026",
		"(Kèm theo Quyết định số 123/QĐ-UBND ngày 05/01/2027 của UBND tỉnh Lào Cai)",
		"Biểu đồ tổng điểm", "Tài liệu kiểm chứng", "Không có tài liệu kiểm chứng.",
		"danh-sach-may-tinh.xlsx", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "1.234.567",
		"Cách tính:", "Quy định chấm điểm: R3:", "TỔNG ĐIỂM CUỐI CÙNG",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the decision lacks %q", want)
		}
	}

	// What the sheets say about each unit: corrected figures, rulings,
	// criteria that do not apply, flags and every deduction with its reason.
	flat := strings.Join(strings.Fields(text), " ")
	for _, sh := range res.Sheets {
		for _, l := range sh.Lines {
			for _, v := range l.Figures {
				if v.Original != "" && !strings.Contains(text, "(đơn vị báo: "+v.Original+")") {
					t.Errorf("%s %s: the unit's own figure %q is not shown", sh.Unit.Code, l.Code, v.Original)
				}
			}
			if !l.Applicable && !strings.Contains(text, scoring.NotApplicable) {
				t.Errorf("%s %s: not marked %q", sh.Unit.Code, l.Code, scoring.NotApplicable)
			}
			if l.Flagged && !strings.Contains(text, "Số liệu không đảm bảo chất lượng") {
				t.Errorf("%s %s: the data-quality flag is not shown", sh.Unit.Code, l.Code)
			}
		}
		for _, d := range sh.Deductions {
			words := strings.Fields(d.Reason)
			if head := strings.Join(words[:min(6, len(words))], " "); !strings.Contains(flat, head) {
				t.Errorf("%s: deduction reason %q is not shown", sh.Unit.Code, head)
			}
			if !strings.Contains(text, "−"+d.Points.String()) {
				t.Errorf("%s: deduction −%s is not shown", sh.Unit.Code, d.Points)
			}
		}
	}

	lines := strings.Split(text, "\n")
	for _, rk := range res.Rankings {
		for _, row := range rk.Rows {
			words := strings.Fields(row.Unit.Name)
			prefix := strings.Join(words[:min(3, len(words))], " ")
			found := false
			for _, l := range lines {
				if !strings.Contains(l, prefix) {
					continue
				}
				if row.Submitted {
					found = found || strings.Contains(l, row.Final.String()) && strings.Contains(l, row.Self.String())
				} else {
					found = found || strings.Contains(l, scoring.NotSubmittedLabel)
				}
			}
			if !found {
				t.Errorf("%s %s: no ranking line with %q and its scores (final %s)", rk.Annex, row.Unit.Code, prefix, row.Final)
			}
			// Every submitted unit's score sheet is headed by its full name.
			if row.Submitted && !regexp.MustCompile(`(?m)^\d+\. `+regexp.QuoteMeta(row.Unit.Name)+`$`).MatchString(text) {
				t.Errorf("no score sheet headed %q", row.Unit.Name)
			}
		}
	}
	// Scores are written with a decimal comma.
	if regexp.MustCompile(`\b\d+\.\d\d\b`).FindString(first) != "" {
		t.Errorf("a decimal point on page 1:\n%s", first)
	}
}

// TestPageNumbers checks the numbering: none on the first page of the
// decision or of an appendix, then 2, 3, … within each part.
func TestPageNumbers(t *testing.T) {
	pages := strings.Split(sampleText(t), "\f")
	want := 0
	parts := 0
	for i, p := range pages {
		if strings.TrimSpace(p) == "" {
			continue
		}
		firstLine := strings.TrimSpace(strings.SplitN(strings.TrimLeft(p, "\n "), "\n", 2)[0])
		n, err := strconv.Atoi(firstLine)
		start := i == 0 || strings.HasPrefix(firstLine, "Phụ lục ")
		switch {
		case start:
			if err == nil {
				t.Errorf("page %d starts a part but shows number %d", i+1, n)
			}
			parts++
			want = 2
		case err != nil:
			t.Errorf("page %d shows no page number (first line %q)", i+1, firstLine)
			want++
		default:
			if n != want {
				t.Errorf("page %d is numbered %d, want %d", i+1, n, want)
			}
			want = n + 1
		}
	}
	if parts != 4 {
		t.Errorf("%d numbered parts, want the decision and three appendices", parts)
	}
}
