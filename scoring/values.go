package scoring

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Upper bounds for figures whose declaration sets none. Counts are bounded
// so that exact integer arithmetic cannot overflow.
const (
	MaxCount  = 1_000_000_000
	MaxAmount = 1_000_000_000_000_000
)

// Date is a calendar date without a time zone.
type Date struct {
	Year, Month, Day int
}

// ParseDate reads "2025-12-20", "20/12/2025" or an RFC 3339 time at midnight.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	layouts := []string{"2006-01-02", "02/01/2006", "2/1/2006", time.RFC3339}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			if l == time.RFC3339 && (t.Hour() != 0 || t.Minute() != 0 || t.Second() != 0) {
				break
			}
			return Date{t.Year(), int(t.Month()), t.Day()}, nil
		}
	}
	return Date{}, fmt.Errorf("%q is not a date", s)
}

// DateOf returns the calendar date of t in t's location.
func DateOf(t time.Time) Date { return Date{t.Year(), int(t.Month()), t.Day()} }

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d.Year == 0 }

// Before reports whether d is strictly before e.
func (d Date) Before(e Date) bool { return d.ordinal() < e.ordinal() }

func (d Date) ordinal() int { return d.Year*10000 + d.Month*100 + d.Day }

// Time returns midnight of the date in loc.
func (d Date) Time(loc *time.Location) time.Time {
	return time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, loc)
}

// String formats the date Vietnamese-style: "05/01/2027".
func (d Date) String() string { return fmt.Sprintf("%02d/%02d/%04d", d.Day, d.Month, d.Year) }

// ISO formats the date as "2027-01-05".
func (d Date) ISO() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// MarshalJSON writes the ISO form.
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.ISO()) }

// UnmarshalJSON reads any form ParseDate accepts, and the zero date as
// MarshalJSON writes it ("0000-00-00": no date).
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("date must be a string")
	}
	if s == (Date{}).ISO() {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Value is one parsed figure, kept small: scoring holds one per declared
// figure per unit. Int is the count or amount, 1 or 0 for yes/no, the
// option's position for a choice, and the date as yyyymmdd.
type Value struct {
	Int     int64
	Present bool // parsed (an absent figure is the zero Value)
	Empty   bool // an optional date left empty
}

func dateValue(d Date) Value { return Value{Int: int64(d.ordinal()), Present: true} }

// Date returns a date figure's date.
func (v Value) Date() Date {
	n := int(v.Int)
	return Date{n / 10000, n / 100 % 100, n % 100}
}

// Bool returns a yes/no figure's answer.
func (v Value) Bool() bool { return v.Int != 0 }

// Display formats the value of figure f for a score sheet, Vietnamese-style.
func (v Value) Display(f *Figure) string {
	switch f.Type {
	case TypeCount:
		return GroupThousands(v.Int)
	case TypeAmount:
		return GroupThousands(v.Int) + " đ"
	case TypeBool:
		if v.Bool() {
			return "Có"
		}
		return "Không"
	case TypeDate:
		if v.Empty {
			return "không có"
		}
		return v.Date().String()
	case TypeChoice:
		if v.Int >= 0 && int(v.Int) < len(f.Choices) {
			return f.Choices[v.Int].Label
		}
	}
	return ""
}

// parseValue converts a raw figure (from JSON, YAML or a form) to a Value,
// or explains in both languages why it cannot.
func parseValue(f *Figure, raw any) (Value, *FieldError) {
	bad := func(code, vi, en string) (Value, *FieldError) {
		return Value{}, &FieldError{Field: "figures." + f.Key, Label: f.Label, Code: code, Message: vi, MessageEN: en}
	}
	if raw == nil && !(f.Type == TypeDate && f.Optional) {
		return bad(ErrRequired, "chưa nhập số liệu", "the figure is missing")
	}
	switch f.Type {
	case TypeCount, TypeAmount:
		limit := int64(MaxCount)
		if f.Type == TypeAmount {
			limit = MaxAmount
		}
		if f.Max > 0 {
			limit = f.Max
		}
		var n int64
		var code string
		if text, ok := raw.(string); ok {
			// typed text: Vietnamese grouping, with a message that says how
			v, we := ParseWholeText(text)
			switch {
			case we == nil:
				n = v
			case we.Code == ErrTooLarge:
				code = ErrTooLarge
			default:
				return bad(we.Code, we.Message, we.MessageEN)
			}
		} else {
			n, code = toInt(raw)
		}
		switch code {
		case ErrNotNumber:
			return bad(ErrNotNumber, "phải là số nguyên không âm", "must be a non-negative whole number")
		case ErrNegative:
			return bad(ErrNegative, "không được là số âm", "must not be negative")
		case ErrTooLarge:
			n = math.MaxInt64
		}
		if n > limit {
			return bad(ErrTooLarge, "vượt quá giới hạn "+GroupThousands(limit), "exceeds the limit of "+strconv.FormatInt(limit, 10))
		}
		return Value{Int: n, Present: true}, nil
	case TypeBool:
		switch r := raw.(type) {
		case bool:
			return boolValue(r), nil
		case string:
			switch strings.ToLower(strings.TrimSpace(r)) {
			case "có", "co", "yes", "true":
				return boolValue(true), nil
			case "không", "khong", "no", "false":
				return boolValue(false), nil
			}
		}
		return bad(ErrNotBool, "phải là Có hoặc Không", "must be yes or no")
	case TypeDate:
		switch r := raw.(type) {
		case nil:
			return Value{Present: true, Empty: true}, nil
		case time.Time:
			return dateValue(DateOf(r)), nil
		case string:
			if strings.TrimSpace(r) == "" {
				if f.Optional {
					return Value{Present: true, Empty: true}, nil
				}
				return bad(ErrRequired, "chưa nhập ngày", "the date is missing")
			}
			if d, err := ParseDate(r); err == nil {
				return dateValue(d), nil
			}
		}
		return bad(ErrNotDate, "phải là ngày hợp lệ (ngày/tháng/năm)", "must be a valid date (YYYY-MM-DD or DD/MM/YYYY)")
	case TypeChoice:
		if s, ok := raw.(string); ok {
			for i, c := range f.Choices {
				if c.Key == s || c.Label == s {
					return Value{Int: int64(i), Present: true}, nil
				}
			}
		}
		keys := make([]string, len(f.Choices))
		labels := make([]string, len(f.Choices))
		for i, c := range f.Choices {
			keys[i], labels[i] = c.Key, c.Label
		}
		return bad(ErrNotChoice, "phải là một trong: "+strings.Join(labels, "; "), "must be one of: "+strings.Join(keys, ", "))
	}
	return bad(ErrInvalid, "kiểu số liệu không hỗ trợ", "unsupported figure type")
}

// toInt reads a whole number from the raw types JSON, YAML and forms produce.
func toInt(raw any) (int64, string) {
	switch r := raw.(type) {
	case json.Number:
		return intFromString(string(r))
	case string:
		n, we := ParseWholeText(r)
		if we != nil {
			return 0, we.Code
		}
		return n, ""
	case int:
		return intSign(int64(r))
	case int64:
		return intSign(r)
	case uint64:
		if r > math.MaxInt64 {
			return 0, ErrTooLarge
		}
		return int64(r), ""
	case float64:
		if math.IsNaN(r) || math.IsInf(r, 0) || r != math.Trunc(r) {
			return 0, ErrNotNumber
		}
		if r < 0 {
			return 0, ErrNegative
		}
		if r >= 1<<62 {
			return 0, ErrTooLarge
		}
		return int64(r), ""
	}
	return 0, ErrNotNumber
}

func intSign(n int64) (int64, string) {
	if n < 0 {
		return 0, ErrNegative
	}
	return n, ""
}

// intFromString reads a JSON number's text: an optional sign, digits, a
// zero fraction ("12", "12.0") or an exponent. Typed text goes through
// ParseWholeText, where a dot groups thousands.
func intFromString(s string) (int64, string) {
	if s == "" {
		return 0, ErrNotNumber
	}
	neg := false
	if s[0] == '-' || s[0] == '+' {
		neg, s = s[0] == '-', s[1:]
	}
	if whole, frac, ok := strings.Cut(s, "."); ok {
		if strings.Trim(frac, "0") != "" || frac == "" {
			return 0, ErrNotNumber
		}
		s = whole
	}
	if s == "" || !allDigits(s) {
		if exp, err := strconv.ParseFloat(s, 64); err == nil && !neg {
			return toInt(exp)
		}
		return 0, ErrNotNumber
	}
	if neg && strings.Trim(s, "0") != "" {
		return 0, ErrNegative
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, ErrTooLarge
	}
	return n, ""
}

func boolValue(b bool) Value {
	if b {
		return Value{Int: 1, Present: true}
	}
	return Value{Present: true}
}
