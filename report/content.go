package report

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/go-pdf/fpdf"
)

// Page content. The writer collects a page's graphics and text itself and
// adds the whole page to its content stream when the page is done (the
// streams are kept compressed, pages.go): the text grouped by font in one
// text object per font, positions relative to the previous line, and no
// per-call overhead. What fpdf does not expose for this is obtained
// through its public API: the resource names of the fonts (readFontIDs)
// and the glyphs each font must embed (register).

// pt converts a length in mm to PDF points.
const pt = 72 / 25.4

// op is one line of text waiting to be drawn at its baseline (mm).
type op struct {
	style string
	size  float64
	x, y  float64
	text  string
}

// cell puts one line of text (already clean) in the box at (x, y) of
// width wd and height h, aligned 'L', 'C' or 'R', vertically centred as
// fpdf's cells are, in the pen's font.
func (w *writer) cell(x, y, wd, h float64, s string, align byte) {
	if s == "" {
		return
	}
	switch align {
	case 'C':
		x += (wd - measure(w.style, w.size, s)) / 2
	case 'R':
		x += wd - measure(w.style, w.size, s)
	}
	w.ops = append(w.ops, op{style: w.style, size: w.size, x: x, y: y + h/2 + 0.3*w.size*ptToMM, text: s})
}

// flush writes the page's graphics, then its text grouped by font, as one
// piece of content.
func (w *writer) flush() {
	if len(w.ops) == 0 && len(w.gfx) == 0 {
		return
	}
	sort.SliceStable(w.ops, func(i, j int) bool {
		a, b := &w.ops[i], &w.ops[j]
		if a.style != b.style {
			return a.style < b.style
		}
		return a.size < b.size
	})
	w.register()
	b := append(w.pages.cur, w.gfx...)
	var px, py int64 // the previous line's start, hundredths of a point
	for i := range w.ops {
		o := &w.ops[i]
		if i == 0 || o.style != w.ops[i-1].style || o.size != w.ops[i-1].size {
			if i > 0 {
				b = append(b, "ET\n"...)
			}
			b = append(b, "BT /F"...)
			b = append(b, w.fontIDs[o.style]...)
			b = append(b, ' ')
			b = appendHundredths(b, int64(math.Round(o.size*100)))
			b = append(b, " Tf\n"...)
			px, py = 0, 0
		}
		x := int64(math.Round(o.x * pt * 100))
		y := int64(math.Round((w.ph - o.y) * pt * 100))
		b = appendHundredths(b, x-px)
		b = append(b, ' ')
		b = appendHundredths(b, y-py)
		b = append(b, " Td "...)
		b = appendText(b, o.text)
		b = append(b, "Tj\n"...)
		px, py = x, y
	}
	if len(w.ops) > 0 {
		b = append(b, "ET"...)
	}
	w.pages.cur = append(b, '\n')
	clear(w.ops)
	w.ops = w.ops[:0]
	w.gfx = w.gfx[:0]
}

// emitGraphics adds the graphics so far to the page, before what fpdf
// itself writes there (the first placement of a stamp).
func (w *writer) emitGraphics() {
	if len(w.gfx) > 0 {
		w.pages.write(w.gfx)
		w.gfx = w.gfx[:0]
	}
}

// appendHundredths writes hundredths as a decimal: 12345 → "123.45".
func appendHundredths(b []byte, v int64) []byte {
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	b = strconv.AppendInt(b, v/100, 10)
	if f := v % 100; f != 0 {
		b = append(b, '.', byte('0'+f/10))
		if f%10 != 0 {
			b = append(b, byte('0'+f%10))
		}
	}
	return b
}

// appendText writes clean text as a PDF string in the fonts' encoding
// (Identity-H: two bytes per character), escaped.
func appendText(b []byte, s string) []byte {
	b = append(b, '(')
	for _, r := range s {
		if r > 0xFFFF {
			r = '?'
		}
		for _, c := range [2]byte{byte(r >> 8), byte(r)} {
			switch c {
			case '\\', '(', ')':
				b = append(b, '\\', c)
			case '\r':
				b = append(b, '\\', 'r')
			default:
				b = append(b, c)
			}
		}
	}
	return append(b, ')')
}

// runeSet marks the characters of the Basic Multilingual Plane.
type runeSet [0x10000 / 64]uint64

func (s *runeSet) has(r rune) bool { return s[r>>6]&(1<<(r&63)) != 0 }
func (s *runeSet) add(r rune)      { s[r>>6] |= 1 << (r & 63) }

// register makes sure every character the page's text uses is embedded in
// its font's subset. fpdf embeds the characters drawn through its own
// calls, templates included, so the new ones are drawn once into a
// template that is never placed.
func (w *writer) register() {
	var pending map[string][]rune
	for i := range w.ops {
		o := &w.ops[i]
		set := w.runes[o.style]
		if set == nil {
			set = new(runeSet)
			w.runes[o.style] = set
		}
		for _, r := range o.text {
			if r <= 0xFFFF && !set.has(r) {
				set.add(r)
				if pending == nil {
					pending = map[string][]rune{}
				}
				pending[o.style] = append(pending[o.style], r)
			}
		}
	}
	for _, f := range fontFiles { // fixed order
		if rs := pending[f.style]; len(rs) > 0 {
			w.pdf.CreateTemplateCustom(fpdf.PointType{}, fpdf.SizeType{Wd: 10, Ht: 10}, func(t *fpdf.Tpl) {
				t.SetFont(family, f.style, 10)
				t.Text(0, 5, string(rs))
			})
		}
	}
}

// readFontIDs learns the resource name fpdf gives each style, from what
// it writes when the font is selected in a template.
func (w *writer) readFontIDs() map[string]string {
	ids := map[string]string{}
	for _, f := range fontFiles {
		tpl := w.pdf.CreateTemplateCustom(fpdf.PointType{}, fpdf.SizeType{Wd: 10, Ht: 10}, func(t *fpdf.Tpl) {
			t.SetFont(family, f.style, 7.5)
		})
		s := string(tpl.Bytes())
		i := strings.LastIndex(s, "BT /F")
		j := strings.Index(s[max(i, 0):], " 7.50 Tf")
		if i < 0 || j < 0 {
			w.pdf.SetError(fmt.Errorf("report: cannot find the resource name of font style %q", f.style))
			continue
		}
		ids[f.style] = s[i+len("BT /F") : i+j]
	}
	return ids
}

// Graphics go into the page's graphics operators inside q … Q, so that no
// colour or line width leaks into what follows.

func (w *writer) num(v float64) {
	w.gfx = appendHundredths(w.gfx, int64(math.Round(v*100)))
	w.gfx = append(w.gfx, ' ')
}

// seg is a line segment in mm, page coordinates.
type seg struct{ x1, y1, x2, y2 float64 }

// stroke draws segments with a line width (mm) and grey level (0 black).
func (w *writer) stroke(width, grey float64, segs ...seg) {
	if len(segs) == 0 {
		return
	}
	w.gfx = append(w.gfx, "q "...)
	w.num(width * pt)
	w.gfx = append(w.gfx, "w "...)
	w.num(grey)
	w.gfx = append(w.gfx, "G\n"...)
	for _, s := range segs {
		w.num(s.x1 * pt)
		w.num((w.ph - s.y1) * pt)
		w.gfx = append(w.gfx, "m "...)
		w.num(s.x2 * pt)
		w.num((w.ph - s.y2) * pt)
		w.gfx = append(w.gfx, "l\n"...)
	}
	w.gfx = append(w.gfx, "S Q\n"...)
}

// hline draws a horizontal rule in black.
func (w *writer) hline(x1, x2, y, width float64) { w.stroke(width, 0, seg{x1, y, x2, y}) }

// box is a rectangle in mm, page coordinates.
type box struct{ x, y, wd, h float64 }

// fill paints rectangles in an RGB colour (0–255).
func (w *writer) fill(r, g, b int, boxes ...box) {
	if len(boxes) == 0 {
		return
	}
	w.gfx = append(w.gfx, "q "...)
	for _, c := range []int{r, g, b} {
		w.num(float64(c) / 255)
	}
	w.gfx = append(w.gfx, "rg\n"...)
	for _, bx := range boxes {
		w.num(bx.x * pt)
		w.num((w.ph - bx.y - bx.h) * pt)
		w.num(bx.wd * pt)
		w.num(bx.h * pt)
		w.gfx = append(w.gfx, "re\n"...)
	}
	w.gfx = append(w.gfx, "f Q\n"...)
}
