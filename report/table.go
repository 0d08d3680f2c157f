package report

import "strings"

// fpdf has no table API. A table here measures each row with the fonts'
// metrics, breaks the page itself when a row does not fit, repeats the
// header row on every page, and splits a row taller than a page.

// column is one column of a table.
type column struct {
	title string
	width float64
	align byte // 'L', 'C' or 'R' for the column's cells
}

// chunk is a piece of a cell's text in one style; each chunk starts on a
// new line.
type chunk struct {
	text  string
	style string
	size  float64 // 0 means the table's size
}

// cell is one cell of a row.
type cell struct {
	chunks []chunk
	span   int  // columns covered; 0 means 1
	align  byte // 0 means the column's
}

// txt is a cell of one chunk in the style.
func txt(s, style string) cell { return cell{chunks: []chunk{{text: s, style: style}}} }

// table draws rows under a header repeated on every page.
type table struct {
	w        *writer
	cols     []column
	size     float64 // cell text size
	pad      float64 // inner padding
	numbered bool    // a "(1) (2) …" row under the titles
	// onBreak runs on a new page before the header is redrawn: a running
	// caption, for instance. The page is added by the table.
	onBreak func()

	top      float64 // y under the header on the current page
	head     *stamp  // the header rows' text
	headH    []float64
	headRows [][]laidCell // the header rows' cells, text in the stamp
	xs       []float64    // x of each column boundary
	opened   bool

	// The grid is drawn as long vertical segments per column boundary and
	// one rule under each row, rather than a rectangle per cell.
	open  []float64 // y where the open segment at each boundary began; -1 none
	segs  []seg
	fills []box
}

// line is one laid-out line of a cell.
type line struct {
	text  string
	style string
	size  float64
}

// fixedText is text at a set place in a cell, relative to the top left of
// the cell's content box: a figure's value beside its label.
type fixedText struct {
	dx, dy, wd float64
	style      string
	size       float64
	text       string
	align      byte
}

// laidCell is a cell measured for its column span. The top skip of the
// content box belongs to the row's stamp; lines flow under it.
type laidCell struct {
	x, wd float64
	col   int // first column
	align byte
	skip  float64
	lines []line
	fixed []fixedText
}

func (lc *laidCell) height() float64 {
	h := lc.skip
	for _, l := range lc.lines {
		h += lineHeight(l.size)
	}
	return h
}

// laidRow is a measured row, with the stamp that carries its recurring
// text, placed at the row's top left.
type laidRow struct {
	cells []laidCell
	stamp *stamp
}

// init prepares the column geometry.
func (t *table) init() {
	if t.opened {
		return
	}
	t.opened = true
	t.xs = make([]float64, len(t.cols)+1)
	t.xs[0] = marginLeft
	for i, c := range t.cols {
		t.xs[i+1] = t.xs[i] + c.width
	}
	t.open = make([]float64, len(t.cols)+1)
	for i := range t.open {
		t.open[i] = -1
	}
}

// begin draws the header at the cursor, on a new page when the header and
// a line or two would not fit.
func (t *table) begin() {
	t.init()
	if t.w.y+t.headerHeight()+3*lineHeight(t.size) > t.w.bottom() {
		t.pageBreak()
		return
	}
	t.header()
}

// end draws the grid of the rows drawn so far; call it after the last row.
func (t *table) end() {
	y := t.w.y
	for i, start := range t.open {
		if start >= 0 {
			t.segs = append(t.segs, seg{t.xs[i], start, t.xs[i], y})
			t.open[i] = -1
		}
	}
	t.w.fill(232, 232, 232, t.fills...)
	t.w.stroke(0.2, 0, t.segs...)
	t.segs, t.fills = t.segs[:0], t.fills[:0]
}

// pageBreak continues the table on a new page.
func (t *table) pageBreak() {
	t.end()
	t.w.continuePage()
	if t.onBreak != nil {
		t.onBreak()
	}
	t.header()
}

// headerRows measures the titles and, when numbered, the "(n)" row.
func (t *table) headerRows() [][]laidCell {
	titles := make([]cell, len(t.cols))
	nums := make([]cell, len(t.cols))
	for i, c := range t.cols {
		titles[i] = cell{chunks: []chunk{{text: c.title, style: bold}}, align: 'C'}
		nums[i] = cell{chunks: []chunk{{text: "(" + itoa(i+1) + ")", style: italic}}, align: 'C'}
	}
	rows := [][]laidCell{t.layout(titles)}
	if t.numbered {
		rows = append(rows, t.layout(nums))
	}
	return rows
}

func (t *table) headerHeight() float64 {
	t.headerStamp()
	h := 0.0
	for _, rh := range t.headH {
		h += rh
	}
	return h
}

// headerStamp makes the header rows' text a stamp, the same on every page.
func (t *table) headerStamp() *stamp {
	if t.head != nil {
		return t.head
	}
	rows := t.headerRows()
	t.headH = nil
	var key strings.Builder
	key.WriteString("header")
	for _, c := range t.cols {
		key.WriteString("\x1f" + c.title + "\x1e" + ftoa(c.width))
	}
	if t.numbered {
		key.WriteString("\x1fnumbered")
	}
	key.WriteString("\x1f" + ftoa(t.size) + "\x1f" + ftoa(t.pad))
	total := 0.0
	for _, row := range rows {
		h := t.rowHeight(row)
		t.headH = append(t.headH, h)
		total += h
	}
	t.head = t.w.stamp(key.String(), t.xs[len(t.cols)]-t.xs[0], total, func() []stampText {
		var out []stampText
		top := 0.0
		for i, row := range rows {
			for _, lc := range row {
				y := top + t.pad
				for _, l := range lc.lines {
					lh := lineHeight(l.size)
					out = append(out, stampText{x: lc.x - t.xs[0] + t.pad, y: y, wd: lc.wd - 2*t.pad, h: lh,
						style: l.style, size: l.size, text: l.text, align: lc.align})
					y += lh
				}
			}
			top += t.headH[i]
		}
		return out
	})
	for _, row := range rows {
		for j := range row {
			row[j].lines = nil // the stamp carries the text
		}
	}
	t.headRows = rows
	return t.head
}

// header draws the header rows at the cursor.
func (t *table) header() {
	w := t.w
	s := t.headerStamp()
	t.segs = append(t.segs, seg{t.xs[0], w.y, t.xs[len(t.cols)], w.y})
	// The fill goes first: the stamp's text is drawn where it is placed.
	w.fill(232, 232, 232, box{t.xs[0], w.y, t.xs[len(t.cols)] - t.xs[0], t.headerHeight()})
	w.place(s, t.xs[0], w.y)
	for i, row := range t.headRows {
		t.draw(laidRow{cells: row}, t.headH[i], false)
		w.y += t.headH[i]
	}
	t.top = w.y
}

// span returns the x and width of a cell starting at column col.
func (t *table) span(col, n int) (x, wd float64) {
	n = max(n, 1)
	if col+n > len(t.cols) {
		n = len(t.cols) - col
	}
	return t.xs[col], t.xs[col+n] - t.xs[col]
}

// layout measures a row's cells.
func (t *table) layout(cells []cell) []laidCell {
	t.init()
	out := make([]laidCell, 0, len(cells))
	col := 0
	for _, c := range cells {
		if col >= len(t.cols) {
			break
		}
		span := min(max(c.span, 1), len(t.cols)-col)
		x, wd := t.span(col, span)
		lc := laidCell{x: x, wd: wd, align: c.align, col: col}
		if lc.align == 0 {
			lc.align = t.cols[col].align
		}
		for _, ch := range c.chunks {
			lc.lines = t.wrapChunk(lc.lines, ch, wd)
		}
		out = append(out, lc)
		col += span
	}
	return out
}

// wrapChunk appends a chunk's lines for a cell of the width.
func (t *table) wrapChunk(lines []line, ch chunk, wd float64) []line {
	size := ch.size
	if size == 0 {
		size = t.size
	}
	text := clean(ch.text)
	if text == "" {
		return lines
	}
	for _, s := range t.w.wrap(ch.style, size, text, wd-2*t.pad) {
		lines = append(lines, line{text: s, style: ch.style, size: size})
	}
	return lines
}

// rowHeight is the height of the tallest cell plus padding.
func (t *table) rowHeight(row []laidCell) float64 {
	h := lineHeight(t.size)
	for i := range row {
		h = max(h, row[i].height())
	}
	return h + 2*t.pad
}

// keep breaks the page unless the height still fits under the cursor
// (or the page holds nothing but the header yet).
func (t *table) keep(h float64) {
	if t.w.y+h > t.w.bottom()+0.01 && t.w.y > t.top+0.01 {
		t.pageBreak()
	}
}

// row draws one row, first breaking the page if it does not fit; a row
// taller than a whole page is split across pages.
func (t *table) row(cells []cell, fill bool) {
	t.put(laidRow{cells: t.layout(cells)}, fill, nil)
}

// put draws a measured row. A row with a stamp cannot be split: when it is
// taller than a page, the cells of fallback are drawn instead.
func (t *table) put(row laidRow, fill bool, fallback func() []cell) {
	w := t.w
	for {
		h := t.rowHeight(row.cells)
		avail := w.bottom() - w.y
		if h <= avail+0.01 {
			t.draw(row, h, fill)
			w.y += h
			return
		}
		if w.y > t.top+0.01 {
			t.pageBreak()
			continue
		}
		if row.stamp != nil {
			row = laidRow{cells: t.layout(fallback())}
			continue
		}
		// Taller than a page: draw what fits, continue on the next.
		head, rest := splitRow(row.cells, max(avail-2*t.pad, lineHeight(t.size)))
		t.draw(laidRow{cells: head}, avail, fill)
		w.y += avail
		row = laidRow{cells: rest}
		t.pageBreak()
	}
}

// splitRow cuts each cell's lines at the height given; when no cell gives
// a line, the first that has one gives it, so that a split always moves on.
func splitRow(row []laidCell, room float64) (head, rest []laidCell) {
	head = make([]laidCell, len(row))
	rest = make([]laidCell, len(row))
	moved := false
	for i, lc := range row {
		used, n := 0.0, 0
		for n < len(lc.lines) && used+lineHeight(lc.lines[n].size) <= room+0.01 {
			used += lineHeight(lc.lines[n].size)
			n++
		}
		moved = moved || n > 0
		head[i], rest[i] = lc, lc
		head[i].lines, rest[i].lines = lc.lines[:n], lc.lines[n:]
	}
	for i := range rest {
		if !moved && len(rest[i].lines) > 0 {
			head[i].lines, rest[i].lines = rest[i].lines[:1], rest[i].lines[1:]
			moved = true
		}
	}
	return head, rest
}

// draw draws a row at the cursor with the height: its fill, its part of
// the grid, its stamp and its text.
func (t *table) draw(row laidRow, h float64, fill bool) {
	w := t.w
	top := w.y
	if fill {
		t.fills = append(t.fills, box{t.xs[0], top, t.xs[len(t.cols)] - t.xs[0], h})
	}
	// Boundaries present in this row: each cell's left edge and the right edge.
	var present [32]bool
	present[len(t.cols)] = true
	for _, lc := range row.cells {
		present[lc.col] = true
	}
	for i := range t.open {
		on := present[i]
		switch {
		case on && t.open[i] < 0:
			t.open[i] = top
		case !on && t.open[i] >= 0:
			t.segs = append(t.segs, seg{t.xs[i], t.open[i], t.xs[i], top})
			t.open[i] = -1
		}
	}
	t.segs = append(t.segs, seg{t.xs[0], top + h, t.xs[len(t.cols)], top + h})
	if row.stamp != nil {
		w.place(row.stamp, t.xs[0], top)
	}
	for _, lc := range row.cells {
		x0, y := lc.x+t.pad, top+t.pad
		for _, f := range lc.fixed {
			w.font(f.style, f.size)
			w.cell(x0+f.dx, y+f.dy, f.wd, lineHeight(f.size), f.text, f.align)
		}
		y += lc.skip
		for _, l := range lc.lines {
			lh := lineHeight(l.size)
			w.font(l.style, l.size)
			w.cell(x0, y, lc.wd-2*t.pad, lh, l.text, lc.align)
			y += lh
		}
	}
}

func itoa(n int) string {
	if n < 0 {
		return "-" + itoa(-n)
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// ftoa writes a layout length for a stamp key.
func ftoa(v float64) string { return itoa(int(v * 100)) }
