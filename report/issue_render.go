package report

import "math"

// placeOf is a box of the current page as a SignaturePlace: PDF points
// from the page's lower-left corner, to a hundredth of a point.
func (w *writer) placeOf(b box) SignaturePlace {
	p := func(mm float64) float64 { return math.Round(mm*pt*100) / 100 }
	return SignaturePlace{Page: w.pdf.PageNo(), LLX: p(b.x), LLY: p(w.ph - b.y - b.h), URX: p(b.x + b.wd), URY: p(w.ph - b.y)}
}
