package report

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"ictindex/scoring"
)

func TestDocumentNumber(t *testing.T) {
	for in, want := range map[string]string{
		"123/QĐ-UBND": "123/QĐ-UBND",
		"5/QĐ-UBND":   "05/QĐ-UBND",
		"05/QĐ-UBND":  "05/QĐ-UBND",
		" 9/QĐ-UBND ": "09/QĐ-UBND",
		"":            "        /QĐ-UBND",
	} {
		if got := documentNumber(in); got != want {
			t.Errorf("documentNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLongDate(t *testing.T) {
	for _, c := range []struct {
		d    scoring.Date
		want string
	}{
		{scoring.Date{Year: 2027, Month: 1, Day: 5}, "ngày 05 tháng 01 năm 2027"},
		{scoring.Date{Year: 2027, Month: 2, Day: 28}, "ngày 28 tháng 02 năm 2027"},
		{scoring.Date{Year: 2027, Month: 3, Day: 9}, "ngày 09 tháng 3 năm 2027"},
		{scoring.Date{Year: 2027, Month: 12, Day: 31}, "ngày 31 tháng 12 năm 2027"},
	} {
		if got := longDate(c.d); got != c.want {
			t.Errorf("longDate(%v) = %q, want %q", c.d, got, c.want)
		}
	}
	if got := longDate(scoring.Date{}); !strings.HasPrefix(got, "ngày ") || strings.ContainsAny(got, "0123456789") {
		t.Errorf("a blank date gives %q", got)
	}
}

func TestClean(t *testing.T) {
	nfd := norm.NFD.String("Sở Thông tin và Truyền thông")
	if got := clean(nfd); got != "Sở Thông tin và Truyền thông" || !norm.NFC.IsNormalString(got) {
		t.Errorf("clean(NFD) = %q, not NFC", got)
	}
	if got := clean("a\tb\x00c😀d\ne"); got != "a b c?d\ne" {
		t.Errorf("clean = %q", got)
	}
	if got := upper("năm đầu"); got != "NĂM ĐẦU" {
		t.Errorf("upper = %q", got)
	}
}

func TestRoman(t *testing.T) {
	for n, want := range map[int]string{1: "I", 2: "II", 3: "III", 4: "IV", 9: "IX", 14: "XIV", 39: "XXXIX"} {
		if got := roman(n); got != want {
			t.Errorf("roman(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestShownFigure(t *testing.T) {
	v := scoring.ShownValue{Label: "Số văn bản đến", Value: "1.942", Unit: "văn bản", Original: "2.342"}
	if got, want := shownFigure(v), "Số văn bản đến: 1.942 văn bản (đơn vị báo: 2.342 văn bản)"; got != want {
		t.Errorf("shownFigure = %q, want %q", got, want)
	}
	v = scoring.ShownValue{Label: "Có cán bộ", Value: "Có", Unit: "người"}
	if got, want := shownFigure(v), "Có cán bộ: Có"; got != want {
		t.Errorf("shownFigure = %q, want %q", got, want)
	}
}

func TestWrap(t *testing.T) {
	w := newWriter(time.Date(2027, 1, 5, 0, 0, 0, 0, time.UTC))
	wrap := w.wrap
	text := "Tổng số văn bản đến được cập nhật vào phần mềm trong năm báo cáo (có quét văn bản và đính kèm vào phần mềm)"
	for _, wd := range []float64{20, 45, 80, 300} {
		lines := wrap(regular, 9, text, wd)
		if got := strings.Join(lines, " "); got != text {
			t.Errorf("width %v: lines do not rejoin to the text: %q", wd, got)
		}
		for _, l := range lines {
			if measure(regular, 9, l) > wd+0.01 {
				t.Errorf("width %v: line %q is %.1f mm wide", wd, l, measure(regular, 9, l))
			}
		}
	}
	// A word wider than the line is cut; a newline always breaks.
	hash := strings.Repeat("0123456789abcdef", 4)
	lines := wrap(regular, 9, hash, 30)
	if len(lines) < 2 || strings.Join(lines, "") != hash {
		t.Errorf("a long word is not cut: %q", lines)
	}
	if got := wrap(regular, 9, "a\nb", 100); len(got) != 2 {
		t.Errorf("newline: %q", got)
	}
}

func TestRenderRefusesNoResults(t *testing.T) {
	if _, err := Render(nil); err != ErrNoResults {
		t.Errorf("Render(nil) = %v", err)
	}
	if _, err := Render(&Decision{}); err != ErrNoResults {
		t.Errorf("Render(no results) = %v", err)
	}
}

// TestRenderEmptyAndOddInput renders results with no units, a blank
// number and date, and names that are decomposed, overlong or carry
// characters the fonts lack: it must not fail, and text stays NFC.
func TestRenderEmptyAndOddInput(t *testing.T) {
	empty := &scoring.Results{Year: 2026, Rankings: []scoring.Ranking{{Annex: "PL01", Year: 2026}}}
	if _, err := Render(NewDecision(empty, nil)); err != nil {
		t.Fatalf("no units: %v", err)
	}
	d, res := sampleDecision(t)
	d.Number, d.Date = "", scoring.Date{}
	for i := range res.Sheets {
		sh := *res.Sheets[i]
		sh.Unit.Name = norm.NFD.String(sh.Unit.Name)
		if i == 0 {
			sh.Unit.Name = strings.Repeat("Trung tâm Công nghệ thông tin và Truyền thông ", 8) + "😀\t\x01"
		}
		res.Sheets[i] = &sh
	}
	res.Rankings = scoring.NewResults(res.Decision, res.Settings, []string{"PL01", "PL02"}, res.Sheets).Rankings
	pdf, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	checkGlyphs(t, pdf)
	raw := poppler(t, pdf, "pdftotext", "-layout", "-l", "12")
	if !strings.Contains(raw, "Sở Thông tin và Truyền thông") {
		t.Error("a decomposed name is not drawn in NFC")
	}
	if !regexp.MustCompile(`Số:\s+/QĐ-UBND\s+Lào Cai, ngày\s+tháng\s+năm`).MatchString(norm.NFC.String(raw)) {
		t.Error("no number and date left blank to fill in")
	}
}

func TestLowerTitleKeepsAcronyms(t *testing.T) {
	for in, want := range map[string]string{
		"HẠ TẦNG KỸ THUẬT CÔNG NGHỆ THÔNG TIN":     "hạ tầng kỹ thuật công nghệ thông tin",
		"ỨNG DỤNG CNTT TRONG HOẠT ĐỘNG CỦA ĐƠN VỊ": "ứng dụng CNTT trong hoạt động của đơn vị",
		"Đã viết thường":                           "Đã viết thường",
	} {
		if got := lowerTitle(in); got != want {
			t.Errorf("lowerTitle(%q) = %q, want %q", in, got, want)
		}
	}
}
