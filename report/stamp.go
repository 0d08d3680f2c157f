package report

import (
	"fmt"
	"sort"

	"github.com/go-pdf/fpdf"
)

// A stamp is text that recurs unchanged from page to page — a table's
// header row, a criterion's title, figure labels and ruling on every
// unit's score sheet — drawn once into a PDF form XObject and placed
// wherever it recurs. Ten thousand score sheets then carry each
// criterion's text once rather than ten thousand times: the pages'
// content, and so the memory a large decision takes, roughly halves, and
// the file shrinks to a third. (Poppler pays for it: it loads a form's
// fonts each time the form is placed.)
type stamp struct {
	tpl    fpdf.Template
	id     string // the form's resource name, less its "/TPL" prefix
	wd, h  float64
	placed bool // fpdf knows it: it has been placed once through fpdf
}

// stampText is one line of a stamp: its box relative to the stamp's top
// left corner, as for writer.cell.
type stampText struct {
	x, y, wd, h float64
	style       string
	size        float64
	text        string
	align       byte
}

// stamp returns the stamp for the key, drawing it from texts the first
// time. The key must identify the texts and their layout.
func (w *writer) stamp(key string, wd, h float64, texts func() []stampText) *stamp {
	if s, ok := w.stamps[key]; ok {
		return s
	}
	items := texts()
	sort.SliceStable(items, func(i, j int) bool {
		if items[i].style != items[j].style {
			return items[i].style < items[j].style
		}
		return items[i].size < items[j].size
	})
	tpl := w.pdf.CreateTemplateCustom(fpdf.PointType{}, fpdf.SizeType{Wd: wd, Ht: h}, func(t *fpdf.Tpl) {
		style, size := "", 0.0
		for _, it := range items {
			if it.text == "" {
				continue
			}
			if it.style != style || it.size != size {
				t.SetFont(family, it.style, it.size)
				style, size = it.style, it.size
			}
			x := it.x
			switch it.align {
			case 'C':
				x += (it.wd - measure(it.style, it.size, it.text)) / 2
			case 'R':
				x += it.wd - measure(it.style, it.size, it.text)
			}
			t.Text(x, it.y+it.h/2+0.3*it.size*ptToMM, it.text)
		}
	})
	s := &stamp{tpl: tpl, id: tpl.ID(), wd: wd, h: h}
	if w.stamps == nil {
		w.stamps = map[string]*stamp{}
	}
	w.stamps[key] = s
	return s
}

// place draws a stamp with its top left corner at (x, y). The first time,
// fpdf places it, which makes it a resource of the document, and the
// page's content stream gets the operators fpdf writes for it; after that
// the page's content refers to it directly.
func (w *writer) place(s *stamp, x, y float64) {
	if !s.placed {
		s.placed = true
		w.emitGraphics() // keep the order: what was drawn before lies under it
		// fpdf v0.9.0 positions a template from the height of the page size
		// given to AddPageFormat, not of the page as turned: on a landscape
		// page that is the long side. Shift by the difference.
		corner := fpdf.PointType{X: x, Y: y + (a4Long - w.ph)}
		size := fpdf.SizeType{Wd: s.wd, Ht: s.h}
		w.pdf.UseTemplateScaled(s.tpl, corner, size)
		w.pages.fpdfWrote(w.templateUse(s, corner, size))
		return
	}
	w.gfx = append(w.gfx, "q 1 0 0 1 "...)
	w.num(x * pt)
	w.num((w.ph - y - s.h) * pt)
	w.gfx = append(w.gfx, "cm /TPL"...)
	w.gfx = append(w.gfx, s.id...)
	w.gfx = append(w.gfx, " Do Q\n"...)
}

// templateUse is what fpdf v0.9.0's UseTemplateScaled writes on the page,
// computed as it computes it: from the height of the page size the page
// was added with, which is always a4.
func (w *writer) templateUse(s *stamp, corner fpdf.PointType, size fpdf.SizeType) string {
	_, ts := s.tpl.Size()
	k := w.pdf.GetConversionRatio()
	tx := corner.X * k
	ty := (a4.Ht - corner.Y - size.Ht) * k
	return fmt.Sprintf("q %.4f 0 0 %.4f %.4f %.4f cm\n/TPL%s Do Q\n", size.Wd/ts.Wd, size.Ht/ts.Ht, tx, ty, s.id)
}
