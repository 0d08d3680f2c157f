package scoring

import "strconv"

// line builds a working line in a stack buffer with one allocation at the
// end; scoring 10,000 units writes close to a million of them.
type line struct {
	b []byte
}

func newLine(buf []byte) *line { return &line{b: buf[:0]} }

func (l *line) s(str string) *line { l.b = append(l.b, str...); return l }

// n writes a whole number with Vietnamese thousands separators.
func (l *line) n(v int64) *line { l.b = appendGrouped(l.b, v); return l }

// fx writes a Fixed with two decimals ("2,86").
func (l *line) fx(f Fixed) *line { l.b = appendFixed(l.b, f, false); return l }

// short writes a Fixed without trailing zero decimals ("3", "0,5").
func (l *line) short(f Fixed) *line { l.b = appendFixed(l.b, f, true); return l }

func (l *line) String() string { return string(l.b) }

func appendGrouped(b []byte, v int64) []byte {
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	var digits [20]byte
	d := strconv.AppendInt(digits[:0], v, 10)
	lead := len(d) % 3
	if lead == 0 {
		lead = 3
	}
	b = append(b, d[:lead]...)
	for i := lead; i < len(d); i += 3 {
		b = append(b, '.')
		b = append(b, d[i:i+3]...)
	}
	return b
}

func appendFixed(b []byte, f Fixed, short bool) []byte {
	v := int64(f)
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	b = appendGrouped(b, v/100)
	frac := v % 100
	switch {
	case short && frac == 0:
	case short && frac%10 == 0:
		b = append(b, ',', byte('0'+frac/10))
	default:
		b = append(b, ',', byte('0'+frac/10), byte('0'+frac%10))
	}
	return b
}
