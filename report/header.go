package report

import "math"

// The national header (Decree 30/2020/NĐ-CP, Appendix I): the issuing body
// top left, the national title and motto top right, then the number and
// the place and date on one line.
const (
	headerLeftW  = 62.0 // width of the issuing body's column
	ruleWidth    = 0.25
	issuerSize   = 13.0
	nationSize   = 13.0
	mottoSize    = 14.0
	numberSize   = 13.0
	placeSize    = 14.0
	nationalName = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
	motto        = "Độc lập - Tự do - Hạnh phúc"
)

// header draws the header block from the top margin and leaves the cursor
// under the place-and-date line.
func (r *renderer) header() {
	w := r.w
	leftX, leftW := marginLeft, headerLeftW
	rightX := leftX + leftW
	rightW := w.pw - marginRight - rightX

	y := w.y
	issuer := []string{"ỦY BAN NHÂN DÂN", "TỈNH " + upper(province)}
	lh := lineHeight(issuerSize)
	w.font(bold, issuerSize)
	widest := 0.0
	for i, s := range issuer {
		w.cell(leftX, y+float64(i)*lh, leftW, lh, s, 'C')
		widest = math.Max(widest, measure(bold, issuerSize, s))
	}
	// A short rule under the issuing body: 2/5 of its text, centred.
	ruleY := y + 2*lh + 0.8
	ruleLen := widest * 0.4
	w.hline(leftX+(leftW-ruleLen)/2, leftX+(leftW+ruleLen)/2, ruleY, ruleWidth)

	nation := fitSize(bold, nationSize, nationalName, rightW)
	w.font(bold, nation)
	w.cell(rightX, y, rightW, lh, nationalName, 'C')
	mh := lineHeight(mottoSize)
	w.font(bold, mottoSize)
	w.cell(rightX, y+lh, rightW, mh, motto, 'C')
	// The motto is underlined by a rule as long as the text.
	mw := measure(bold, mottoSize, motto)
	w.hline(rightX+(rightW-mw)/2, rightX+(rightW+mw)/2, y+lh+mh+0.2, ruleWidth)

	y = math.Max(ruleY, y+lh+mh) + 4
	w.font(regular, numberSize)
	w.cell(leftX, y, leftW, lineHeight(numberSize), "Số: "+documentNumber(r.d.Number), 'C')
	place := clean(r.d.Place) + ", " + longDate(r.d.Date)
	w.font(italic, fitSize(italic, placeSize, place, rightW))
	w.cell(rightX, y, rightW, lineHeight(placeSize), place, 'C')
	w.y = y + lineHeight(placeSize)
}

// fitSize returns size, made smaller in half points until s fits in wd.
func fitSize(style string, size float64, s string, wd float64) float64 {
	for size > 8 && measure(style, size, s) > wd {
		size -= 0.5
	}
	return size
}
