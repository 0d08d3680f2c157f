package pages

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"ictindex/scoring"
)

// Figures as the unit page reads and writes them: typed Vietnamese-style
// ("1.250"), shown back the same way, and posted as whole numbers when
// they parse.

// rawText is a figure's raw value as text.
func rawText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	}
	return fmt.Sprint(v)
}

// numeric reports whether a figure is typed as a whole number.
func numeric(f *scoring.Figure) bool {
	return f.Type == scoring.TypeCount || f.Type == scoring.TypeAmount
}

// wholeOf reads a count or amount from its raw value, saved or typed.
func wholeOf(v any) (int64, bool) {
	switch x := v.(type) {
	case float64:
		if x >= 0 && x == float64(int64(x)) {
			return int64(x), true
		}
	case int64:
		return x, x >= 0
	case int:
		return int64(x), x >= 0
	case string:
		n, we := scoring.ParseWholeText(x)
		return n, we == nil
	}
	return 0, false
}

// inputText is a raw value as its input holds it: whole numbers grouped
// ("1.250"), anything unreadable as it was typed.
func inputText(f *scoring.Figure, v any) string {
	if numeric(f) && v != nil {
		if n, ok := wholeOf(v); ok {
			return scoring.GroupThousands(n)
		}
	}
	return rawText(v)
}

// inputValue is what a figure's input holds: the value typed as it was
// when it is to be fixed, else formatted for its input.
func inputValue(f *scoring.Figure, v any, typed bool) string {
	switch {
	case typed:
		return rawText(v)
	case f.Type == scoring.TypeDate:
		return dateInput(v)
	}
	return inputText(f, v)
}

// entered reports whether a raw value holds something.
func entered(v any) bool {
	if s, ok := v.(string); ok {
		return strings.TrimSpace(s) != ""
	}
	return v != nil
}

// displayValue is a raw value as a reader sees it, with its unit.
func displayValue(f *scoring.Figure, v any) string {
	if !entered(v) {
		if f.Type == scoring.TypeDate && f.Optional {
			return "không có"
		}
		return "—"
	}
	s := rawText(v)
	switch f.Type {
	case scoring.TypeBool:
		switch strings.ToLower(s) {
		case "true", "có", "co", "yes":
			return "Có"
		case "false", "không", "khong", "no":
			return "Không"
		}
	case scoring.TypeChoice:
		for _, ch := range f.Choices {
			if ch.Key == s || ch.Label == s {
				return ch.Label
			}
		}
	case scoring.TypeCount, scoring.TypeAmount:
		if n, ok := wholeOf(v); ok {
			if f.Unit != "" {
				return scoring.GroupThousands(n) + " " + f.Unit
			}
			return scoring.GroupThousands(n)
		}
	case scoring.TypeDate:
		if d, err := scoring.ParseDate(s); err == nil {
			return d.String()
		}
	}
	return s
}

// dateInput is a date as <input type="date"> holds it (yyyy-mm-dd).
func dateInput(v any) string {
	if d, err := scoring.ParseDate(rawText(v)); err == nil {
		return d.ISO()
	}
	return rawText(v)
}

// sameValue reports whether a posted value changes nothing.
func sameValue(f *scoring.Figure, saved, posted any) bool {
	if !entered(saved) || !entered(posted) {
		return entered(saved) == entered(posted)
	}
	if numeric(f) {
		a, okA := wholeOf(saved)
		b, okB := wholeOf(posted)
		if okA && okB {
			return a == b
		}
	}
	if f.Type == scoring.TypeDate {
		return dateInput(saved) == dateInput(posted)
	}
	return rawText(saved) == rawText(posted)
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return strings.Replace(fmt.Sprintf("%.1f MB", float64(n)/(1<<20)), ".", ",", 1)
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// postedFigures reads the figure inputs (f.<key>) of a form: an empty
// input clears the figure; a count or amount typed Vietnamese-style
// becomes its whole number; anything else stays the text typed, for
// scoring to refuse with its Vietnamese message.
func postedFigures(c *gin.Context, set *scoring.Set) map[string]any {
	out := map[string]any{}
	for _, f := range set.Figures {
		v, ok := c.GetPostForm("f." + f.Key)
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch {
		case v == "":
			out[f.Key] = nil
		case numeric(&f):
			if n, we := scoring.ParseWholeText(v); we == nil {
				out[f.Key] = n
			} else {
				out[f.Key] = v
			}
		default:
			out[f.Key] = v
		}
	}
	return out
}

// changedFigures keeps the posted figures that differ from the saved ones.
func changedFigures(set *scoring.Set, saved, posted map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range posted {
		f := set.Figure(k)
		if f == nil || !sameValue(f, saved[k], v) {
			out[k] = v
		}
	}
	return out
}

// fixText is a field error's message in words that say how to fix it.
func fixText(f *scoring.Figure, fe scoring.FieldError, year int) string {
	if f == nil || fe.Code != scoring.ErrRequired {
		return fe.Message
	}
	switch f.Type {
	case scoring.TypeBool:
		return "Chưa chọn: chọn Có hoặc Không"
	case scoring.TypeChoice:
		return "Chưa chọn: chọn một mức trong danh sách"
	case scoring.TypeDate:
		return fmt.Sprintf("Chưa nhập ngày: nhập ngày/tháng/năm, ví dụ 15/01/%d", year)
	case scoring.TypeAmount:
		return "Chưa nhập số liệu: nhập số tiền bằng đồng, ví dụ 250.000.000 (nhập 0 nếu không có)"
	}
	if f.Unit != "" {
		return "Chưa nhập số liệu: nhập số " + f.Unit + ", ví dụ 45 (nhập 0 nếu không có)"
	}
	return "Chưa nhập số liệu: nhập một số nguyên, ví dụ 45"
}
