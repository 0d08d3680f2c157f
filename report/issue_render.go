package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/go-pdf/fpdf"
	"github.com/skip2/go-qrcode"
	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// placeOf is a box of the current page as a SignaturePlace: PDF points
// from the page's lower-left corner, to a hundredth of a point.
func (w *writer) placeOf(b box) SignaturePlace {
	p := func(mm float64) float64 { return math.Round(mm*pt*100) / 100 }
	return SignaturePlace{Page: w.pdf.PageNo(), LLX: p(b.x), LLY: p(w.ph - b.y - b.h), URX: p(b.x + b.wd), URY: p(w.ph - b.y)}
}

// The draft's mark: "DỰ THẢO" across every page, large, light grey and
// under everything else drawn there. It is drawn as the font's glyph
// outlines, not as text: diagonal text would be read into the lines of
// the body it crosses by text extraction. The mark is also written once
// as text, in a small frame in the top margin of the first page, where
// text extraction finds it whole.
const (
	watermarkText  = "DỰ THẢO"
	watermarkSize  = 110.0 // pt
	watermarkGrey  = 0.86
	watermarkAngle = 45.0 // degrees, rising to the right
	draftLabelSize = 12.0
)

// outline is a line of text as the glyph outlines of a style: a PDF path
// in font units with the y axis pointing down, and its advance width.
type outline struct {
	path    []byte
	advance float64 // font units
	upem    float64 // font units per em
}

// textOutline lays out clean text in a style from the font's outlines,
// with the font's kerning where it has a kerning table.
func textOutline(style, s string) (outline, error) {
	var data []byte
	for _, f := range fontFiles {
		if f.style == style {
			data = f.data
		}
	}
	f, err := sfnt.Parse(data)
	if err != nil {
		return outline{}, err
	}
	var buf sfnt.Buffer
	upem := f.UnitsPerEm()
	ppem := fixed.Int26_6(upem) << 6 // one unit of the outline is one font unit
	var o outline
	o.upem = float64(upem)
	num := func(v fixed.Int26_6, off float64) {
		o.path = appendHundredths(o.path, int64(math.Round((float64(v)/64+off)*100)))
		o.path = append(o.path, ' ')
	}
	var x fixed.Int26_6
	var prev sfnt.GlyphIndex
	for i, r := range s {
		g, err := f.GlyphIndex(&buf, r)
		if err != nil {
			return outline{}, err
		}
		if i > 0 {
			if k, err := f.Kern(&buf, prev, g, ppem, font.HintingNone); err == nil {
				x += k
			}
		}
		segs, err := f.LoadGlyph(&buf, g, ppem, nil)
		if err != nil {
			return outline{}, err
		}
		dx := float64(x) / 64
		var cur fixed.Point26_6
		for j, sg := range segs {
			a := sg.Args
			switch sg.Op {
			case sfnt.SegmentOpMoveTo:
				if j > 0 {
					o.path = append(o.path, "h\n"...)
				}
				num(a[0].X, dx)
				num(a[0].Y, 0)
				o.path = append(o.path, "m\n"...)
				cur = a[0]
			case sfnt.SegmentOpLineTo:
				num(a[0].X, dx)
				num(a[0].Y, 0)
				o.path = append(o.path, "l\n"...)
				cur = a[0]
			case sfnt.SegmentOpQuadTo:
				// The quadratic as a cubic: controls two thirds of the way
				// from each end to the quadratic's control point.
				c1 := fixed.Point26_6{X: cur.X + (a[0].X-cur.X)*2/3, Y: cur.Y + (a[0].Y-cur.Y)*2/3}
				c2 := fixed.Point26_6{X: a[1].X + (a[0].X-a[1].X)*2/3, Y: a[1].Y + (a[0].Y-a[1].Y)*2/3}
				for _, p := range []fixed.Point26_6{c1, c2, a[1]} {
					num(p.X, dx)
					num(p.Y, 0)
				}
				o.path = append(o.path, "c\n"...)
				cur = a[1]
			case sfnt.SegmentOpCubeTo:
				for _, p := range a {
					num(p.X, dx)
					num(p.Y, 0)
				}
				o.path = append(o.path, "c\n"...)
				cur = a[2]
			}
		}
		if len(segs) > 0 {
			o.path = append(o.path, "h\n"...)
		}
		adv, err := f.GlyphAdvance(&buf, g, ppem, font.HintingNone)
		if err != nil {
			return outline{}, err
		}
		x += adv
		prev = g
	}
	o.advance = float64(x) / 64
	return o, nil
}

// drawWatermark puts the mark, centred on the page, at the bottom of the
// page's graphics: it is called as the page starts. On the first page it
// also writes the mark as text in the top margin.
func (w *writer) drawWatermark() {
	s := clean(w.watermark)
	if w.mark == nil {
		o, err := textOutline(bold, s)
		if err != nil {
			w.pdf.SetError(fmt.Errorf("report: outlining the draft mark: %w", err))
			return
		}
		w.mark = &o
	}
	o := w.mark
	rad := watermarkAngle * math.Pi / 180
	c, sn := math.Cos(rad), math.Sin(rad)
	k := watermarkSize / o.upem // points per font unit
	// The mark's middle (half its advance along the baseline, half the cap
	// height across it) at the page's centre, in points.
	half, capH := o.advance*k/2, 0.66*watermarkSize/2
	x := w.pw*pt/2 - c*half + sn*capH
	y := w.ph*pt/2 - sn*half - c*capH
	w.gfx = append(w.gfx, "q "...)
	w.num(watermarkGrey)
	w.gfx = append(w.gfx, "g\n"...)
	// Font units (y down) to the page: scaled, flipped, turned, moved.
	for _, v := range []float64{c * k, sn * k, sn * k, -c * k} {
		w.gfx = strconv.AppendFloat(w.gfx, v, 'f', 6, 64)
		w.gfx = append(w.gfx, ' ')
	}
	w.num(x)
	w.num(y)
	w.gfx = append(w.gfx, "cm\n"...)
	w.gfx = append(w.gfx, o.path...)
	w.gfx = append(w.gfx, "f Q\n"...)

	if w.pdf.PageNo() == 1 {
		lw := measure(bold, draftLabelSize, s)
		lh := lineHeight(draftLabelSize)
		bx := box{marginLeft, marginTop - lh - 5, lw + 6, lh + 2}
		w.stroke(0.3, 0, seg{bx.x, bx.y, bx.x + bx.wd, bx.y}, seg{bx.x + bx.wd, bx.y, bx.x + bx.wd, bx.y + bx.h},
			seg{bx.x + bx.wd, bx.y + bx.h, bx.x, bx.y + bx.h}, seg{bx.x, bx.y + bx.h, bx.x, bx.y})
		style, size := w.style, w.size
		w.font(bold, draftLabelSize)
		w.cell(bx.x, bx.y+1, bx.wd, lh, s, 'C')
		w.style, w.size = style, size
	}
}

// registerText makes sure the characters of text drawn outside the
// page's text operations (a mark, a coloured line) are embedded in the
// style's subset, as register does for the page's text.
func (w *writer) registerText(style, s string) {
	set := w.runes[style]
	if set == nil {
		set = new(runeSet)
		w.runes[style] = set
	}
	var rs []rune
	for _, r := range s {
		if r <= 0xFFFF && !set.has(r) {
			set.add(r)
			rs = append(rs, r)
		}
	}
	if len(rs) > 0 {
		w.pdf.CreateTemplateCustom(fpdf.PointType{}, fpdf.SizeType{Wd: 10, Ht: 10}, func(t *fpdf.Tpl) {
			t.SetFont(family, style, 10)
			t.Text(0, 5, string(rs))
		})
	}
}

// replacesSentence is the sentence of the article on effect that names
// the decision this one replaces, or "" for a first issuance.
func (r *renderer) replacesSentence() string {
	rp := r.d.Replaces
	if rp == nil {
		return ""
	}
	return fmt.Sprintf("Quyết định này thay thế Quyết định số %s ngày %s của Ủy ban nhân dân tỉnh %s.",
		documentNumber(rp.Number), shortDate(rp.Date), province)
}

// The verification code: the decision's public verification page as a
// QR code and as text, at the foot of the last page.
const (
	qrSide        = 24.0 // mm, the code with its quiet zone
	qrQuiet       = 4    // modules of quiet zone around the code
	qrCaptionSize = 9.0
	qrCaptionW    = 95.0 // mm at most
	qrGap         = 4.0  // mm at least between the last content and the code
)

// verification draws the QR code of VerifyURL and its caption on the last
// page: at its foot, or at the top of a page of its own when the last
// page has no room left. The code's modules are filled rectangles, so
// the code is vector and the same every time; its quiet zone is painted
// white, the dark modules stand flush with the left margin.
func (r *renderer) verification() {
	url := strings.TrimSpace(clean(r.d.VerifyURL))
	if url == "" {
		return
	}
	w := r.w
	q, err := qrcode.New(url, qrcode.Medium)
	if err != nil {
		w.pdf.SetError(fmt.Errorf("report: the verification code: %w", err))
		return
	}
	bits := q.Bitmap()
	mod := qrSide / float64(len(bits))
	quiet := qrQuiet * mod
	inner := qrSide - 2*quiet // the dark part

	capX := marginLeft + inner + 3
	capW := math.Min(qrCaptionW, w.pw-marginRight-capX)
	lh := lineHeight(qrCaptionSize)
	lines := w.wrap(regular, qrCaptionSize, url, capW)
	capH := float64(1+len(lines)) * lh
	h := math.Max(inner, capH)

	top := w.bottom() - h // of the dark part
	if top < w.y+qrGap {
		w.continuePage()
		top = w.y + 2
	}
	x0, y0 := marginLeft-quiet, top+(h-inner)/2-quiet // the code's corner
	w.fill(255, 255, 255, box{x0, y0, qrSide, qrSide})
	var dark []box
	for i, row := range bits {
		for j := 0; j < len(row); {
			if !row[j] {
				j++
				continue
			}
			k := j
			for k < len(row) && row[k] {
				k++
			}
			dark = append(dark, box{x0 + float64(j)*mod, y0 + float64(i)*mod, float64(k-j) * mod, mod})
			j = k
		}
	}
	w.fill(0, 0, 0, dark...)

	y := top + (h-capH)/2
	w.font(italic, qrCaptionSize)
	w.cell(capX, y, capW, lh, "Tra cứu, xác minh văn bản tại:", 'L')
	w.font(regular, qrCaptionSize)
	for _, s := range lines {
		y += lh
		w.cell(capX, y, capW, lh, s, 'L')
	}
	w.y = math.Max(w.y, top+h)
}
