package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"math"
	"strconv"
	"strings"

	"github.com/go-pdf/fpdf"
	"github.com/skip2/go-qrcode"
	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"ictindex/scoring"
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

// The stamp: the visible appearance of the digital signature in the
// space of the signature block (Decree 30/2020/NĐ-CP, Appendix I): the
// signer's handwritten signature, the body's seal over its left third at
// the seal's real size, and a framed block saying who signed, as what,
// for which body and when.
const (
	stampTextSize = 8.5
	stampPad      = 1.5  // mm inside the frame
	stampTextMaxW = 78.0 // mm, the frame at most
	sealSize      = 36.0 // mm, the seal's larger side: its real size
	signatureMaxW = 50.0 // mm, the handwritten signature's box
	signatureMaxH = 24.0
	stampGap      = 1.5 // mm between the images and the frame, and above
	stampBelow    = 2.5 // mm between the frame and the signer's name
)

// stampInk is the colour of the stamp's text and frame.
var stampInk = [3]int{0, 60, 160}

// stampImage is an image of the stamp, ready for fpdf: a PNG re-encoded
// as 8-bit RGB(A), whatever the input's format, and its size in pixels.
type stampImage struct {
	name          string // fpdf's registration name, from the content
	png           []byte
	width, height int
	wd, h         float64 // drawn size, mm
}

// stampLook is the stamp laid out: its text lines and images, and the
// height of the space it takes on the signature block.
type stampLook struct {
	lines     [][]word
	textW     float64 // the frame's width
	textH     float64 // the frame's height
	signature *stampImage
	seal      *stampImage
	imagesH   float64
	space     float64
}

// prepareStamp reads the stamp's images and lays out its text, before
// anything is drawn: an unreadable image is an error of the decision.
func (r *renderer) prepareStamp() error {
	st := r.d.Stamp
	if st == nil {
		return nil
	}
	look := &stampLook{}
	name := strings.TrimSpace(st.Name)
	if name == "" {
		name = r.d.Signer
	}
	org := strings.TrimSpace(st.Org)
	if org == "" {
		org = "Ủy ban nhân dân tỉnh " + province
	}
	var runs [][]run
	add := func(label, value string) {
		if value = strings.TrimSpace(value); value != "" {
			runs = append(runs, []run{{label, bold}, {" " + value, regular}})
		}
	}
	add("Ký bởi:", name)
	add("Chức vụ:", st.Title)
	add("Cơ quan:", org)
	if !st.At.IsZero() {
		add("Thời gian ký:", st.At.In(scoring.Vietnam).Format("02/01/2006 15:04:05 -07:00"))
	}
	p := para{size: stampTextSize, wd: stampTextMaxW - 2*stampPad}
	widest := 0.0
	space := measure(regular, stampTextSize, " ")
	for _, rs := range runs {
		for _, ln := range layoutWords(rs, p) {
			lw := 0.0
			for j, wd := range ln {
				if j > 0 && wd.space {
					lw += space
				}
				lw += wd.w
			}
			widest = math.Max(widest, lw)
			look.lines = append(look.lines, ln)
		}
	}
	look.textW = widest + 2*stampPad
	look.textH = float64(len(look.lines))*lineHeight(stampTextSize) + 2*stampPad

	var err error
	if len(st.SignatureImage) > 0 {
		if look.signature, err = readStampImage("signature", st.SignatureImage, 0); err != nil {
			return fmt.Errorf("report: the signature image: %w", err)
		}
		fitImage(look.signature, signatureMaxW, signatureMaxH)
		look.imagesH = look.signature.h
	}
	if len(st.SealImage) > 0 {
		// fpdf orders images of the same width as a map gives them: a
		// seal as wide as the signature is made a pixel wider, so that
		// the file's objects come out in one order.
		widen := 0
		if look.signature != nil {
			if cfg, err := png.DecodeConfig(bytes.NewReader(st.SealImage)); err == nil && cfg.Width == look.signature.width {
				widen = 1
			}
		}
		if look.seal, err = readStampImage("seal", st.SealImage, widen); err != nil {
			return fmt.Errorf("report: the seal image: %w", err)
		}
		fitImage(look.seal, sealSize, sealSize)
		look.imagesH = math.Max(look.imagesH, look.seal.h)
	}
	if look.imagesH > 0 {
		look.space = stampGap + look.imagesH + stampGap + look.textH + stampBelow
	} else {
		look.space = math.Max(signatureSpace, look.textH+2*stampGap)
	}
	r.stamp = look
	return nil
}

// readStampImage decodes a PNG and encodes it again as fpdf reads it
// best, widened by transparent columns on the right when asked.
func readStampImage(kind string, data []byte, widen int) (*stampImage, error) {
	src, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	b := src.Bounds()
	if b.Dx() < 1 || b.Dy() < 1 {
		return nil, fmt.Errorf("an empty image")
	}
	img := image.NewNRGBA(image.Rect(0, 0, b.Dx()+widen, b.Dy()))
	draw.Draw(img, image.Rect(0, 0, b.Dx(), b.Dy()), src, b.Min, draw.Src)
	var out bytes.Buffer
	if err := png.Encode(&out, img); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(out.Bytes())
	return &stampImage{name: "stamp-" + kind + "-" + hex.EncodeToString(sum[:8]), png: out.Bytes(),
		width: img.Rect.Dx(), height: img.Rect.Dy()}, nil
}

// fitImage sizes an image to fit a box, keeping its proportions.
func fitImage(im *stampImage, maxW, maxH float64) {
	scale := math.Min(maxW/float64(im.width), maxH/float64(im.height))
	im.wd, im.h = float64(im.width)*scale, float64(im.height)*scale
}

// signatureSpace is the height left on the signature block for the
// signature: that of a hand signature, or what the stamp needs.
func (r *renderer) signatureSpace() float64 {
	if r.stamp != nil {
		return r.stamp.space
	}
	return signatureSpace
}

// drawStamp draws the stamp in the space of the signature block at
// (x, y), wd wide, and returns the box it covers.
func (r *renderer) drawStamp(x, y, wd float64) box {
	w, look := r.w, r.stamp
	cx := x + wd/2
	var covered []box
	top := y + stampGap
	sig, seal := look.signature, look.seal
	switch {
	case sig != nil && seal != nil:
		// The seal over the left third of the signature.
		groupW := seal.wd + sig.wd*2/3
		sealX := cx - groupW/2
		sigX := sealX + seal.wd - sig.wd/3
		covered = append(covered, w.drawImage(sig, sigX, top+(look.imagesH-sig.h)/2),
			w.drawImage(seal, sealX, top+(look.imagesH-seal.h)/2))
	case sig != nil:
		covered = append(covered, w.drawImage(sig, cx-sig.wd/2, top+(look.imagesH-sig.h)/2))
	case seal != nil:
		covered = append(covered, w.drawImage(seal, cx-seal.wd/2, top+(look.imagesH-seal.h)/2))
	}
	ty := y + (look.space-look.textH)/2
	if look.imagesH > 0 {
		ty = top + look.imagesH + stampGap
	}
	frame := box{cx - look.textW/2, ty, look.textW, look.textH}
	w.frame(frame, 0.3, stampInk)
	lh := lineHeight(stampTextSize)
	space := measure(regular, stampTextSize, " ")
	for i, ln := range look.lines {
		lx := frame.x + stampPad
		base := frame.y + stampPad + float64(i)*lh + lh/2 + 0.3*stampTextSize*ptToMM
		for j, wd := range ln {
			if j > 0 && wd.space {
				lx += space
			}
			w.colourText(wd.style, stampTextSize, lx, base, stampInk, wd.text)
			lx += wd.w
		}
	}
	covered = append(covered, frame)
	u := covered[0]
	for _, b := range covered[1:] {
		x1, y1 := math.Max(u.x+u.wd, b.x+b.wd), math.Max(u.y+u.h, b.y+b.h)
		u.x, u.y = math.Min(u.x, b.x), math.Min(u.y, b.y)
		u.wd, u.h = x1-u.x, y1-u.y
	}
	return u
}

// drawImage places a stamp image with its top left corner at (x, y) mm
// and returns the box it covers. The page's content refers to the image
// by the resource name fpdf gives it; the image itself is registered with
// the document when the drawing is done (registerImages).
func (w *writer) drawImage(im *stampImage, x, y float64) box {
	b := box{x, y, im.wd, im.h}
	id := w.imageID(im)
	if id == "" {
		return b
	}
	w.images = append(w.images, im)
	w.gfx = append(w.gfx, "q "...)
	w.num(b.wd * pt)
	w.gfx = append(w.gfx, "0 0 "...)
	w.num(b.h * pt)
	w.num(b.x * pt)
	w.num((w.ph - b.y - b.h) * pt)
	w.gfx = append(w.gfx, "cm /I"...)
	w.gfx = append(w.gfx, id...)
	w.gfx = append(w.gfx, " Do Q\n"...)
	return b
}

// imageID learns the resource name fpdf gives an image — a digest of the
// image as read — by registering it with the measuring document and
// drawing it in a template of that document, never placed.
func (w *writer) imageID(im *stampImage) string {
	opts := fpdf.ImageOptions{ImageType: "PNG"}
	w.meas.RegisterImageOptionsReader(im.name, opts, bytes.NewReader(im.png))
	if w.meas.Err() {
		w.pdf.SetError(fmt.Errorf("report: image %q: %w", im.name, w.meas.Error()))
		return ""
	}
	tpl := w.meas.CreateTemplateCustom(fpdf.PointType{}, fpdf.SizeType{Wd: 10, Ht: 10}, func(t *fpdf.Tpl) {
		t.ImageOptions(im.name, 0, 0, 1, 1, false, opts, 0, "")
	})
	s := string(tpl.Bytes())
	i := strings.LastIndex(s, " cm /I")
	j := strings.LastIndex(s, " Do Q")
	if i < 0 || j < i {
		w.pdf.SetError(fmt.Errorf("report: cannot find the resource name of image %q", im.name))
		return ""
	}
	return s[i+len(" cm /I") : j]
}

// registerImages registers the images drawn with the document, once the
// pages are drawn. fpdf copies the document's images into every template
// made after them and lists them in the template's resources in a map's
// order; registered last, they are in no template placed.
func (w *writer) registerImages() {
	opts := fpdf.ImageOptions{ImageType: "PNG"}
	for _, im := range w.images {
		w.pdf.RegisterImageOptionsReader(im.name, opts, bytes.NewReader(im.png))
	}
	w.images = nil
}

// frame strokes a rectangle's outline in a colour.
func (w *writer) frame(b box, width float64, rgb [3]int) {
	w.gfx = append(w.gfx, "q "...)
	w.num(width * pt)
	w.gfx = append(w.gfx, "w "...)
	for _, c := range rgb {
		w.num(float64(c) / 255)
	}
	w.gfx = append(w.gfx, "RG\n"...)
	w.num(b.x * pt)
	w.num((w.ph - b.y - b.h) * pt)
	w.num(b.wd * pt)
	w.num(b.h * pt)
	w.gfx = append(w.gfx, "re S Q\n"...)
}

// colourText draws clean text in a colour with its baseline starting at
// (x, y) mm, among the page's graphics.
func (w *writer) colourText(style string, size, x, y float64, rgb [3]int, s string) {
	if s == "" {
		return
	}
	w.registerText(style, s)
	w.gfx = append(w.gfx, "q "...)
	for _, c := range rgb {
		w.num(float64(c) / 255)
	}
	w.gfx = append(w.gfx, "rg\nBT /F"...)
	w.gfx = append(w.gfx, w.fontIDs[style]...)
	w.gfx = append(w.gfx, ' ')
	w.gfx = appendHundredths(w.gfx, int64(math.Round(size*100)))
	w.gfx = append(w.gfx, " Tf\n"...)
	w.num(x * pt)
	w.num((w.ph - y) * pt)
	w.gfx = append(w.gfx, "Td "...)
	w.gfx = appendText(w.gfx, s)
	w.gfx = append(w.gfx, "Tj\nET Q\n"...)
}
