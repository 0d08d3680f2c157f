package report

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"ictindex/scoring"
)

// clean returns s ready to draw: NFC (decomposed Vietnamese renders with
// misplaced accents), tabs and other control characters as spaces, and
// runes outside the Basic Multilingual Plane (which the font tables cannot
// index) as "?". Newlines are kept: they separate lines on purpose.
func clean(s string) string {
	if !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	ok := true
	for _, r := range s {
		if r > 0xFFFF || (r != '\n' && unicode.IsControl(r)) || r == unicode.ReplacementChar {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	for _, r := range strings.ReplaceAll(s, "\r\n", "\n") {
		switch {
		case r == '\n':
			b.WriteRune(r)
		case r > 0xFFFF || r == unicode.ReplacementChar:
			b.WriteByte('?')
		case unicode.IsControl(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// upper upper-cases Vietnamese text ("năm" → "NĂM", "đ" → "Đ").
func upper(s string) string { return strings.ToUpper(clean(s)) }

// capitalize upper-cases the first letter.
func capitalize(s string) string {
	for i, r := range s {
		return string(unicode.ToUpper(r)) + s[i+utf8.RuneLen(r):]
	}
	return s
}

// longDate writes a date as the decree wants it in the place-and-date line:
// "ngày 05 tháng 01 năm 2027". Days below 10 and the months 1 and 2 get a
// leading zero; other months do not ("tháng 3").
func longDate(d scoring.Date) string {
	if d.IsZero() {
		return "ngày      tháng      năm"
	}
	month := fmt.Sprint(d.Month)
	if d.Month < 3 {
		month = fmt.Sprintf("%02d", d.Month)
	}
	return fmt.Sprintf("ngày %02d tháng %s năm %d", d.Day, month, d.Year)
}

// shortDate writes "05/01/2027", or a blank to fill in by hand.
func shortDate(d scoring.Date) string {
	if d.IsZero() {
		return "     /     /"
	}
	return d.String()
}

// documentNumber writes the decision's number with a leading zero below 10
// ("5/QĐ-UBND" → "05/QĐ-UBND"); an empty number leaves room to fill it in
// when the decision is registered.
func documentNumber(n string) string {
	n = strings.TrimSpace(clean(n))
	if n == "" {
		return "        /QĐ-UBND"
	}
	head, tail, found := strings.Cut(n, "/")
	if len(head) == 1 && head[0] >= '0' && head[0] <= '9' {
		head = "0" + head
	}
	if found {
		return head + "/" + tail
	}
	return head
}

// roman writes 1…39 as Roman numerals for appendix numbers.
func roman(n int) string {
	if n <= 0 || n >= 40 {
		return fmt.Sprint(n)
	}
	tens := []string{"", "X", "XX", "XXX"}
	ones := []string{"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"}
	return tens[n/10] + ones[n%10]
}

// joinVI joins items Vietnamese-style: "I", "I và II", "I, II và III".
func joinVI(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " và " + items[len(items)-1]
}

// shownFigure writes one figure of column (3): "label: value unit", with
// the unit's own figure when the appraiser corrected it.
func shownFigure(v scoring.ShownValue) string {
	s := v.Label + ": " + withUnit(v.Value, v.Unit)
	if v.Original != "" && v.Original != v.Value {
		s += " (đơn vị báo: " + withUnit(v.Original, v.Unit) + ")"
	}
	return s
}

// withUnit appends a figure's unit unless the value already carries it or
// is a word ("Có", "không có").
func withUnit(value, unit string) string {
	if unit == "" || value == "" || strings.HasSuffix(value, " đ") {
		return value
	}
	if r := []rune(value)[0]; r < '0' || r > '9' {
		return value
	}
	return value + " " + unit
}

// criterionNumber is a line's number within its section: "II.1.2" → "1.2".
func criterionNumber(code, section string) string {
	if rest, ok := strings.CutPrefix(code, section+"."); ok {
		return rest
	}
	return code
}

// minusPoints writes a deduction as a negative number: "−0,50".
func minusPoints(f scoring.Fixed) string {
	if f == 0 {
		return "0,00"
	}
	return "−" + f.String()
}

// lowerTitle writes a section's upper-case title in lower case for a
// sentence ("HẠ TẦNG KỸ THUẬT CNTT" → "hạ tầng kỹ thuật CNTT"), keeping
// acronyms: a Vietnamese word always has a vowel, "CNTT" or "UBND" none.
// A title not wholly upper case is returned as it is.
func lowerTitle(s string) string {
	s = clean(s)
	if s != strings.ToUpper(s) {
		return s
	}
	words := strings.Split(s, " ")
	for i, wd := range words {
		if hasVowel(wd) {
			words[i] = strings.ToLower(wd)
		}
	}
	return strings.Join(words, " ")
}

// hasVowel reports whether a word has a Vietnamese vowel letter.
func hasVowel(wd string) bool {
	for _, r := range norm.NFD.String(strings.ToLower(wd)) {
		if strings.ContainsRune("aeiouy", r) {
			return true
		}
	}
	return false
}
