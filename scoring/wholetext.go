package scoring

import (
	"strconv"
	"strings"
)

// WholeError says why a typed text is not a whole number: an Err… code
// and the messages in both languages.
type WholeError struct {
	Code      string
	Message   string
	MessageEN string
}

// Messages of ParseWholeText, shared with the XLSX import.
var (
	errWholeNotNumber = &WholeError{ErrNotNumber, "phải là số nguyên không âm", "must be a non-negative whole number"}
	errWholeGrouping  = &WholeError{ErrNotNumber,
		"phải là số nguyên không âm; dấu chấm hoặc khoảng trắng chỉ dùng để ngăn cách hàng nghìn và phải đứng trước đúng 3 chữ số, ví dụ 1.250 hoặc 1.250.000",
		"must be a non-negative whole number; a dot or space only groups thousands and must be followed by exactly three digits, e.g. 1.250 or 1.250.000"}
	errWholeComma = &WholeError{ErrNotNumber,
		"phải là số nguyên không âm; dùng dấu chấm để ngăn cách hàng nghìn (ví dụ 1.250), không dùng dấu phẩy",
		"must be a non-negative whole number; group thousands with a dot (1.250), not a comma"}
	errWholeFraction = &WholeError{ErrNotNumber, "phải là số nguyên không âm, không có phần thập phân",
		"must be a non-negative whole number, without a fraction"}
	errWholeNegative = &WholeError{ErrNegative, "không được là số âm", "must not be negative"}
	errWholeTooLarge = &WholeError{ErrTooLarge, "số quá lớn", "the number is too large"}
)

// ParseWholeText reads a whole number as a person types it, Vietnamese
// style (R1: dot for thousands): "1250", "1.250", "1 250", "1.250.000".
// Groups are strict: one to three digits, then groups of exactly three
// after each dot or space (one kind of separator throughout), so "1.25"
// is refused rather than read as 125. A decimal comma with a zero fraction
// ("12,0") is the whole number; any other fraction is refused. Texts
// without a dot, comma or space are read as before: digits, a sign, or an
// exponent ("1e3").
func ParseWholeText(s string) (int64, *WholeError) {
	s = strings.TrimSpace(strings.Map(func(r rune) rune {
		switch r {
		case '\u00a0', '\u202f', '\u2009', '\t':
			return ' ' // no-break, narrow no-break and thin spaces group thousands too
		}
		return r
	}, s))
	if !strings.ContainsAny(s, "., ") {
		n, code := intFromString(s)
		switch code {
		case "":
			return n, nil
		case ErrNegative:
			return 0, errWholeNegative
		case ErrTooLarge:
			return 0, errWholeTooLarge
		}
		return 0, errWholeNotNumber
	}
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg, s = s[0] == '-', strings.TrimSpace(s[1:])
	}
	digits, we := ungroup(s)
	if we != nil {
		return 0, we
	}
	if neg && strings.Trim(digits, "0") != "" {
		return 0, errWholeNegative
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0, errWholeTooLarge
	}
	return n, nil
}

// ungroup checks the grouping of an unsigned number text and returns its
// digits.
func ungroup(s string) (string, *WholeError) {
	whole, frac, comma := strings.Cut(s, ",")
	if comma {
		switch {
		case strings.Contains(frac, ","):
			return "", errWholeComma // "1,250,000"
		case frac == "" || !allDigits(frac):
			return "", errWholeNotNumber
		case len(frac) == 3 && len(whole) <= 3 && whole != "" && allDigits(whole):
			return "", errWholeComma // "1,250": English grouping
		case strings.Trim(frac, "0") != "":
			return "", errWholeFraction
		}
	}
	if whole == "" {
		return "", errWholeNotNumber
	}
	sep := ""
	switch dot, space := strings.Contains(whole, "."), strings.Contains(whole, " "); {
	case dot && space:
		return "", errWholeGrouping
	case dot:
		sep = "."
	case space:
		sep = " "
	}
	if sep == "" {
		if !allDigits(whole) {
			return "", errWholeNotNumber
		}
		return whole, nil
	}
	groups := strings.Split(whole, sep)
	for _, g := range groups {
		if !allDigits(g) {
			return "", errWholeNotNumber
		}
	}
	for i, g := range groups {
		if i == 0 && (len(g) < 1 || len(g) > 3) || i > 0 && len(g) != 3 {
			return "", errWholeGrouping
		}
	}
	return strings.Join(groups, ""), nil
}
