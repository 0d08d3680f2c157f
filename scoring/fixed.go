package scoring

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Fixed is an exact decimal with two places, stored as hundredths. Points,
// maxima, percent thresholds and deductions are all Fixed (R1).
type Fixed int64

// Whole returns the Fixed value of an integer.
func Whole(n int64) Fixed { return Fixed(n * 100) }

// ParseFixed reads a decimal with at most two places. Both "3.5" and the
// Vietnamese "3,5" are accepted; anything else is an error.
func ParseFixed(s string) (Fixed, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, fmt.Errorf("empty decimal")
	}
	neg := false
	if t[0] == '-' {
		neg, t = true, t[1:]
	}
	t = strings.Replace(t, ",", ".", 1)
	whole, frac, hasFrac := strings.Cut(t, ".")
	if whole == "" || !allDigits(whole) || (hasFrac && (frac == "" || len(frac) > 2 || !allDigits(frac))) {
		return 0, fmt.Errorf("%q is not a decimal with at most two places", s)
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > 1e15 {
		return 0, fmt.Errorf("%q is out of range", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	v := Fixed(w*100 + f)
	if neg {
		v = -v
	}
	return v, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String formats the value Vietnamese-style with two decimals: "2,86", "1.250,00".
func (f Fixed) String() string { return string(appendFixed(nil, f, false)) }

// Short formats the value Vietnamese-style without trailing zero decimals:
// "3", "0,5", "2,86". It is used inside working lines.
func (f Fixed) Short() string { return string(appendFixed(nil, f, true)) }

// Plain formats the value with a decimal point and two places ("2.86"), as
// used in JSON.
func (f Fixed) Plain() string {
	v := int64(f)
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// GroupThousands writes an integer with Vietnamese thousands separators:
// 1250 → "1.250".
func GroupThousands(n int64) string { return string(appendGrouped(nil, n)) }

// MarshalJSON writes the value as a JSON number with two decimals.
func (f Fixed) MarshalJSON() ([]byte, error) { return []byte(f.Plain()), nil }

// UnmarshalJSON accepts a JSON number or string with at most two decimals.
func (f *Fixed) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	v, err := ParseFixed(s)
	if err != nil {
		return err
	}
	*f = v
	return nil
}

var _ json.Marshaler = Fixed(0)

// roundDiv returns num/den rounded half-up, for num ≥ 0 and den > 0.
func roundDiv(num, den int64) int64 { return (2*num + den) / (2 * den) }

// RatioPercent returns 100·n/d rounded half-up to two decimals (d > 0).
func RatioPercent(n, d int64) Fixed { return Fixed(roundDiv(n*10000, d)) }
