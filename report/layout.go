package report

import (
	"fmt"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
)

// Page geometry in millimetres (decision-format.md: top and bottom 20–25,
// left 30–35, right 15–20).
const (
	marginTop    = 20.0
	marginBottom = 20.0
	marginLeft   = 30.0
	marginRight  = 15.0
	a4Short      = 210.0
	a4Long       = 297.0

	ptToMM = 25.4 / 72
	// pageNumberSize is the size of the page number in the top margin.
	pageNumberSize = 13.0
)

// a4 is the page size given to fpdf for either orientation.
var a4 = fpdf.SizeType{Wd: a4Short, Ht: a4Long}

// Orientations as fpdf names them.
const (
	portrait  = "P"
	landscape = "L"
)

// lineHeight is the height of one line of text of the size (single spacing).
func lineHeight(size float64) float64 { return size * 1.15 * ptToMM }

// writer draws onto one fpdf document and keeps what fpdf does not: the
// current part for page numbering, the cursor, the pen, the page's
// content until the page is done (content.go) and the content streams of
// the pages done (pages.go).
type writer struct {
	pdf       *fpdf.Fpdf
	style     string  // the pen: style and size for the next cell
	size      float64 //
	partStart int     // page number of the first page of the current part
	pw, ph    float64
	y         float64

	meas    *fpdf.Fpdf // measures text (SplitText); never drawn on
	ops     []op       // the page's text, drawn grouped by font at the end
	gfx     []byte     // the page's graphics operators, in order
	pages   pageStore
	fontIDs map[string]string
	runes   map[string]*runeSet // the runes each style has registered
	stamps  map[string]*stamp   // by key
	// watermark, when set, is drawn across every page (a draft's mark).
	watermark string
	mark      *outline      // the watermark's outlines, once laid out
	images    []*stampImage // drawn, registered with the document at the end
}

// newWriter prepares a document whose creation and modification dates are
// the fixed time given, so that the same input gives the same bytes.
func newWriter(created time.Time) *writer {
	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: portrait, UnitStr: "mm", Size: fpdf.SizeType{Wd: a4Short, Ht: a4Long}})
	pdf.SetMargins(marginLeft, marginTop, marginRight)
	pdf.SetAutoPageBreak(false, marginBottom)
	pdf.SetCellMargin(0)
	// fpdf writes the document uncompressed; the writer compresses the
	// pages and forms as fpdf would have (pages.go, splice.go).
	pdf.SetCompression(false)
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(created)
	pdf.SetLang("vi-VN")
	for _, f := range fontFiles {
		pdf.AddUTF8FontFromBytes(family, f.style, f.data)
	}
	meas := fpdf.New(portrait, "mm", "A4", "")
	meas.SetCellMargin(0)
	for _, f := range fontFiles {
		meas.AddUTF8FontFromBytes(family, f.style, f.data)
	}
	w := &writer{pdf: pdf, meas: meas, runes: map[string]*runeSet{}}
	w.fontIDs = w.readFontIDs()
	pdf.SetHeaderFuncMode(w.pageHeader, false)
	return w
}

// err returns fpdf's sticky error, or the measuring document's.
func (w *writer) err() error {
	if err := w.meas.Error(); err != nil {
		return err
	}
	return w.pdf.Error()
}

// finish draws what waits for the last page and puts the page away.
func (w *writer) finish() {
	w.registerImages()
	w.flush()
	w.sealPage()
}

// sealPage puts the finished page's content stream away, compressed.
func (w *writer) sealPage() {
	if err := w.pages.seal(); err != nil {
		w.pdf.SetError(err)
	}
}

// newPart starts a part numbered on its own (the decision, each appendix)
// on a new page.
func (w *writer) newPart(orientation string) {
	w.partStart = w.pdf.PageNo() + 1
	w.newPage(orientation)
}

// newPage adds a page of the orientation and puts the cursor at the top margin.
func (w *writer) newPage(orientation string) {
	w.flush()
	w.sealPage()
	w.pages.start()
	w.pdf.AddPageFormat(orientation, a4)
	w.pw, w.ph = w.pdf.GetPageSize()
	w.y = marginTop
	if w.watermark != "" {
		w.drawWatermark()
	}
}

// pageHeader draws the page number, in Arabic numerals centred in the top
// margin, on every page of a part but its first (Decree 30). Digits also
// occur in the body, so no glyph depends on a page-count alias.
func (w *writer) pageHeader() {
	n := w.pdf.PageNo() - w.partStart + 1
	if n <= 1 {
		return
	}
	style, size := w.style, w.size
	w.font(regular, pageNumberSize)
	w.cell(marginLeft, marginTop-10, w.textWidth(), lineHeight(pageNumberSize), strconv.Itoa(n), 'C')
	w.style, w.size = style, size
}

// textWidth is the width between the margins of the current page.
func (w *writer) textWidth() float64 { return w.pw - marginLeft - marginRight }

// bottom is the lowest y text may reach on the current page.
func (w *writer) bottom() float64 { return w.ph - marginBottom }

// font sets the pen's style and size for the cells that follow.
func (w *writer) font(style string, size float64) { w.style, w.size = style, size }

// run is a piece of a paragraph in one style.
type run struct {
	text  string
	style string
}

// para describes how a paragraph is set.
type para struct {
	size   float64
	align  byte    // 'J' justified, 'L', 'C', 'R'
	indent float64 // first-line indent
	x, wd  float64 // box; wd 0 means the text width
	after  float64 // space after, mm
	lineH  float64 // 0 means lineHeight(size)
	keep   bool    // do not break the paragraph across pages
}

// word is a measured piece of a paragraph.
type word struct {
	text  string
	style string
	w     float64
	space bool // a space precedes it
}

// paragraph sets runs as one paragraph from the cursor, breaking pages
// (in the same orientation) when a line does not fit. Justified lines get
// their extra space between words; the last line is set left.
func (w *writer) paragraph(runs []run, p para) {
	if p.wd == 0 {
		p.x, p.wd = marginLeft, w.textWidth()
	}
	if p.lineH == 0 {
		p.lineH = lineHeight(p.size)
	}
	lines := layoutWords(runs, p)
	if p.align == 'C' && len(lines) > 1 {
		lines = balance(runs, p, len(lines))
	}
	if p.keep && w.y+float64(len(lines))*p.lineH > w.bottom() {
		w.continuePage()
	}
	for i, ln := range lines {
		if w.y+p.lineH > w.bottom() {
			w.continuePage()
		}
		x, avail := p.x, p.wd
		if i == 0 {
			x, avail = x+p.indent, avail-p.indent
		}
		var used float64
		gaps := 0
		for j, wd := range ln {
			used += wd.w
			if j > 0 && wd.space {
				used += measure(regular, p.size, " ")
				gaps++
			}
		}
		extra := 0.0
		switch {
		case p.align == 'J' && i < len(lines)-1 && gaps > 0:
			extra = (avail - used) / float64(gaps)
		case p.align == 'C':
			x += (avail - used) / 2
		case p.align == 'R':
			x += avail - used
		}
		for j := 0; j < len(ln); {
			// Words of one style set without extra space go out as one piece.
			k, text := j+1, ln[j].text
			for extra == 0 && k < len(ln) && ln[k].style == ln[j].style {
				if ln[k].space {
					text += " "
				}
				text += ln[k].text
				k++
			}
			if j > 0 && ln[j].space {
				x += measure(regular, p.size, " ") + extra
			}
			w.font(ln[j].style, p.size)
			w.cell(x, w.y, 0, p.lineH, text, 'L')
			x += measure(ln[j].style, p.size, text)
			j = k
		}
		w.y += p.lineH
	}
	w.y += p.after
}

// balance narrows a centred paragraph's lines as far as it can without
// adding a line, so that a title breaks into lines of even length.
func balance(runs []run, p para, n int) [][]word {
	lo, hi := p.wd/float64(n), p.wd
	for hi-lo > 0.5 {
		mid := (lo + hi) / 2
		q := p
		q.wd = mid
		if len(layoutWords(runs, q)) > n {
			lo = mid
		} else {
			hi = mid
		}
	}
	q := p
	q.wd = hi
	return layoutWords(runs, q)
}

// balancedWrap wraps text into as few lines as wrap does at the width,
// but of even length: for centred titles.
func (w *writer) balancedWrap(style string, size float64, s string, wd float64) []string {
	n := len(w.wrap(style, size, s, wd))
	lo, hi := wd/float64(n), wd
	for hi-lo > 0.5 {
		mid := (lo + hi) / 2
		if len(w.wrap(style, size, s, mid)) > n {
			lo = mid
		} else {
			hi = mid
		}
	}
	return w.wrap(style, size, s, hi)
}

// paragraphHeight is the height paragraph would take.
func (w *writer) paragraphHeight(runs []run, p para) float64 {
	if p.wd == 0 {
		p.x, p.wd = marginLeft, w.textWidth()
	}
	if p.lineH == 0 {
		p.lineH = lineHeight(p.size)
	}
	return float64(len(layoutWords(runs, p)))*p.lineH + p.after
}

// continuePage goes on to a new page of the same orientation and part.
func (w *writer) continuePage() {
	o := portrait
	if w.pw > w.ph {
		o = landscape
	}
	w.newPage(o)
}

// layoutWords breaks runs into lines of words.
func layoutWords(runs []run, p para) [][]word {
	var words []word
	space := false
	for _, r := range runs {
		text := clean(r.text)
		start := -1
		for i, c := range text {
			if c == ' ' || c == '\n' {
				if start >= 0 {
					words = append(words, word{text: text[start:i], style: r.style, space: space})
					start = -1
				}
				space = true
				continue
			}
			if start < 0 {
				start = i
			}
		}
		if start >= 0 {
			words = append(words, word{text: text[start:], style: r.style, space: space})
			space = false
		}
	}
	spaceW := measure(regular, p.size, " ")
	var lines [][]word
	var cur []word
	width := p.wd - p.indent
	used := 0.0
	for _, wd := range words {
		wd.w = measure(wd.style, p.size, wd.text)
		add := wd.w
		if len(cur) > 0 && wd.space {
			add += spaceW
		}
		if len(cur) > 0 && used+add > width {
			lines = append(lines, cur)
			cur, used, width = nil, 0, p.wd
			add = wd.w
		}
		cur = append(cur, wd)
		used += add
	}
	if len(cur) > 0 {
		lines = append(lines, cur)
	}
	return lines
}

// Font metrics: advance widths per style in thousandths of the font size,
// read once from the embedded fonts through fpdf so that measuring never
// has to switch the document's font (each switch is written to the page).
var (
	metricsOnce sync.Once
	metrics     map[string]*[0x10000]uint16
)

func loadMetrics() {
	metrics = map[string]*[0x10000]uint16{}
	pdf := fpdf.New(portrait, "mm", "A4", "")
	for _, f := range fontFiles {
		pdf.AddUTF8FontFromBytes(family, f.style, f.data)
		pdf.SetFont(family, f.style, 10) // no page yet: nothing is written
		t := new([0x10000]uint16)
		var buf [4]byte
		for r := rune(0); r < 0x10000; r++ {
			if r >= 0xD800 && r < 0xE000 {
				continue
			}
			n := utf8.EncodeRune(buf[:], r)
			t[r] = uint16(pdf.GetStringSymbolWidth(string(buf[:n])))
		}
		metrics[f.style] = t
	}
	if err := pdf.Error(); err != nil {
		panic(fmt.Sprintf("report: embedded fonts: %v", err))
	}
}

// measure returns the width in mm of clean text in a style and size.
func measure(style string, size float64, s string) float64 {
	metricsOnce.Do(loadMetrics)
	t := metrics[style]
	n := 0
	for _, r := range s {
		if r < 0x10000 {
			n += int(t[r])
		}
	}
	return float64(n) * size * ptToMM / 1000
}

// wrap splits clean text into lines no wider than wd with fpdf's
// SplitText: at spaces where it can, inside a word wider than a line, and
// at newlines. It measures on the writer's own measuring document, which
// has the fonts but no page, so that selecting a font there writes
// nothing to the decision.
func (w *writer) wrap(style string, size float64, s string, wd float64) []string {
	w.meas.SetFont(family, style, size)
	lines := w.meas.SplitText(s, wd)
	if len(lines) == 0 {
		return []string{""}
	}
	return lines
}
