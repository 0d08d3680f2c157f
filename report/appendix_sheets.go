package report

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"ictindex/scoring"
)

// Score sheets (the last appendix): landscape pages, 9 pt tables with the
// seed's seven columns.
const (
	sheetSize   = 9.0
	sheetSmall  = 8.5 // working lines and notes
	sheetPad    = 0.8
	hashSize    = 8.0
	headingSize = 12.0
)

// sheetColumns are the seed's columns (1)–(7).
var sheetColumns = []column{
	{title: "TT", width: 10, align: 'C'},
	{title: "Tiêu chí", width: 45, align: 'L'},
	{title: "Số liệu", width: 104, align: 'L'},
	{title: "Điểm tối đa", width: 13, align: 'C'},
	{title: "Đơn vị tự đánh giá", width: 15, align: 'C'},
	{title: "Kết quả thẩm định", width: 15, align: 'C'},
	{title: "Ghi chú", width: 50, align: 'L'},
}

// evidenceColumns are the evidence manifest's columns.
var evidenceColumns = []column{
	{title: "TT", width: 11, align: 'C'},
	{title: "Tiêu chí", width: 20, align: 'C'},
	{title: "Tên tệp", width: 97, align: 'L'},
	{title: "Dung lượng (byte)", width: 26, align: 'R'},
	{title: "Mã SHA-256", width: 98, align: 'L'},
}

// sheetsAppendix draws every submitted unit's score sheet, each from a new
// page, as an appendix numbered on its own.
func (r *renderer) sheetsAppendix() {
	w := r.w
	w.newPart(landscape)
	r.appendixHeading(r.sheetsNumeral, fmt.Sprintf("Phiếu chấm điểm chi tiết của các cơ quan, đơn vị năm %d", r.d.year()))
	if len(r.sheets) == 0 {
		w.paragraph([]run{{"Không có phiếu chấm điểm: không đơn vị nào gửi báo cáo.", italic}}, para{size: bodySize, align: 'C'})
		return
	}
	for i, sh := range r.sheets {
		if i > 0 {
			w.continuePage()
		}
		r.sheet(i+1, sh)
	}
}

// sheet draws one unit's score sheet and evidence manifest.
func (r *renderer) sheet(n int, sh *scoring.Sheet) {
	w := r.w
	set := r.d.Sets[sh.Annex]
	info := r.rankOf[sheetKey(sh.Annex, sh.Unit.Code)]
	name := clean(sh.Unit.Name)

	w.paragraph([]run{{fmt.Sprintf("%d. %s", n, name), bold}}, para{size: headingSize, align: 'L', after: 0.5})
	facts := []string{"Mã đơn vị: " + sh.Unit.Code}
	if info.subject != "" {
		facts = append(facts, "khối "+strings.TrimPrefix(info.subject, "các "))
	}
	if sh.SubmittedAt != nil {
		facts = append(facts, "hệ thống nhận báo cáo lúc "+sh.SubmittedAt.In(scoring.Vietnam).Format("15:04 02/01/2006"))
	}
	facts = append(facts, "tổng điểm "+sh.Final.String())
	if info.rank > 0 {
		facts = append(facts, fmt.Sprintf("xếp hạng %d/%d", info.rank, info.ranked))
	}
	w.paragraph([]run{{strings.Join(facts, "; ") + ".", italic}}, para{size: 10, align: 'L', after: 1.5})

	caption := func() {
		w.paragraph([]run{{name + " (tiếp theo)", italic}}, para{size: sheetSize, align: 'L', after: 1})
	}
	t := &table{w: w, cols: sheetColumns, size: sheetSize, pad: sheetPad, numbered: true, onBreak: caption}
	t.begin()
	r.sheetLines(t, sh, set)
	r.sheetDeductions(t, sh, set)
	r.sheetTotals(t, sh, info)
	t.end()
	w.y += 4
	r.evidence(sh, caption)
	r.objections(sh, caption)
}

// objections prints the unit's objections to its preliminary result, each
// with its answer, after the evidence.
func (r *renderer) objections(sh *scoring.Sheet, caption func()) {
	notes := r.d.Objections[sh.Unit.Code]
	if len(notes) == 0 {
		return
	}
	w := r.w
	w.y += 2
	if w.y+3*lineHeight(10) > w.bottom() {
		w.continuePage()
		caption()
	}
	w.paragraph([]run{{"Phản hồi của đơn vị về kết quả sơ bộ và trả lời của Sở Thông tin và Truyền thông", bold}}, para{size: 10, align: 'L', after: 1})
	when := func(t time.Time) string { return t.In(scoring.Vietnam).Format("15:04 02/01/2006") }
	for _, o := range notes {
		head := fmt.Sprintf("Phản hồi số %d (%s, %s) về %s: ", o.ID, clean(o.By), when(o.At), clean(o.Target))
		body := clean(o.Explanation)
		if o.Ask != "" {
			body += " Đề nghị: " + clean(o.Ask) + "."
		}
		if o.Files > 0 {
			body += fmt.Sprintf(" Kèm %d tệp.", o.Files)
		}
		w.paragraph([]run{{head, bold}, {body, regular}}, para{size: 10, align: 'J', after: 0.5})
		answer := "Chưa có trả lời."
		if o.Answered {
			verdict := "Không chấp nhận"
			if o.Accepted {
				verdict = "Chấp nhận"
			}
			answer = fmt.Sprintf("%s (%s, %s): %s", verdict, clean(o.AnsweredBy), when(o.AnsweredAt), clean(o.Reason))
			if o.Change != "" {
				answer += "; tổng điểm " + o.Change
			}
			answer += "."
		}
		w.paragraph([]run{{"Trả lời: ", italic}, {answer, regular}}, para{size: 10, align: 'J', after: 1.5, indent: 0})
	}
}

// sheetLines draws the sections, group headings and criteria. A heading
// is kept on the page of the criterion under it.
func (r *renderer) sheetLines(t *table, sh *scoring.Sheet, set *scoring.Set) {
	section, group := "", ""
	for i := range sh.Lines {
		l := &sh.Lines[i]
		var heads [][]laidCell
		fills := []bool{}
		if l.Section != section {
			section, group = l.Section, ""
			st := sectionTotal(sh, l.Section)
			heads = append(heads, t.layout([]cell{txt(l.Section, bold), {chunks: []chunk{{text: upper(st.Title), style: bold}}, span: 2},
				txt(st.Max.String(), bold), txt(st.Self.String(), bold), txt(st.Appraised.String(), bold), {}}))
			fills = append(fills, true)
		}
		if l.Group != "" && l.Group != group {
			group = l.Group
			title := ""
			if set != nil {
				title = set.GroupTitle(l.Group)
			}
			heads = append(heads, t.layout([]cell{txt(criterionNumber(l.Group, l.Section), bold),
				{chunks: []chunk{{text: title, style: boldItalic}}, span: 2}, txt(groupMax(sh, l.Group).String(), italic), {}, {}, {}}))
			fills = append(fills, false)
		}
		row := r.criterionRow(t, sh, l)
		if len(heads) > 0 {
			need := t.rowHeight(row.cells)
			for _, h := range heads {
				need += t.rowHeight(h)
			}
			t.keep(need)
			for j, h := range heads {
				t.put(laidRow{cells: h}, fills[j], nil)
			}
		}
		t.put(row, false, func() []cell { return r.lineCells(sh, l) })
	}
}

// valueW is the part of column (3) where a figure's value stands beside
// its label.
const valueW = 25.0

// criterionRow lays out one criterion. What every unit's sheet repeats —
// number, title, the figures' labels, maximum, the seed's note and the
// ruling — goes into a stamp; the unit's values, working, points and
// marks are drawn over it.
func (r *renderer) criterionRow(t *table, sh *scoring.Sheet, l *scoring.Line) laidRow {
	w := r.w
	pad := t.pad
	lh := lineHeight(sheetSize)
	x1, w1 := t.span(0, 1)
	x2, w2 := t.span(1, 1)
	x4, w4 := t.span(3, 1)
	x3, w3 := t.span(2, 1)
	x7, w7 := t.span(6, 1)
	left := t.xs[0]

	title := w.wrap(regular, sheetSize, clean(l.Title), w2-2*pad)
	labelW := w3 - 2*pad - valueW - 1.5
	type figure struct {
		label []string
		start int // first line
	}
	figures := make([]figure, len(l.Figures))
	var key strings.Builder
	number, maxPoints := criterionNumber(l.Code, l.Section), "–"
	if l.Applicable {
		maxPoints = l.Max.String()
	}
	key.WriteString("criterion\x1f" + number + "\x1f" + maxPoints + "\x1f" + l.Title)
	n := 0
	for i, v := range l.Figures {
		figures[i] = figure{label: w.wrap(regular, sheetSize, clean(v.Label), labelW), start: n}
		reserve := len(figures[i].label)
		if v.Original != "" {
			reserve = max(reserve, 2)
			key.WriteString("\x1e*")
		}
		n += reserve
		key.WriteString("\x1e" + v.Label)
	}
	labelsH := float64(n) * lh
	var notes []line
	if !l.Applicable {
		notes = t.wrapChunk(notes, chunk{text: "Không áp dụng đối với đơn vị.", style: bold, size: sheetSmall}, w7)
	}
	if l.Note != "" {
		notes = t.wrapChunk(notes, chunk{text: l.Note, style: regular, size: sheetSmall}, w7)
	}
	if l.Ruling != "" {
		notes = t.wrapChunk(notes, chunk{text: "Quy định chấm điểm: " + l.Ruling, style: italic, size: sheetSmall}, w7)
	}
	notesH := 0.0
	for _, nl := range notes {
		notesH += lineHeight(nl.size)
	}
	key.WriteString("\x1f" + l.Note + "\x1f" + l.Ruling)
	if !l.Applicable {
		key.WriteString("\x1fna")
	}
	titleH := float64(len(title)) * lh
	height := max(titleH, labelsH, notesH) + 2*pad
	st := w.stamp(key.String(), t.xs[len(t.cols)]-left, height, func() []stampText {
		out := []stampText{
			{x: x1 - left + pad, y: pad, wd: w1 - 2*pad, h: lh, style: regular, size: sheetSize, text: number, align: 'C'},
			{x: x4 - left + pad, y: pad, wd: w4 - 2*pad, h: lh, style: regular, size: sheetSize, text: maxPoints, align: 'C'},
		}
		for i, s := range title {
			out = append(out, stampText{x: x2 - left + pad, y: pad + float64(i)*lh, wd: w2 - 2*pad, h: lh, style: regular, size: sheetSize, text: s, align: 'L'})
		}
		for _, f := range figures {
			for i, s := range f.label {
				out = append(out, stampText{x: x3 - left + pad, y: pad + float64(f.start+i)*lh, wd: labelW, h: lh, style: regular, size: sheetSize, text: s, align: 'L'})
			}
		}
		y := pad
		for _, nl := range notes {
			h := lineHeight(nl.size)
			out = append(out, stampText{x: x7 - left + pad, y: y, wd: w7 - 2*pad, h: h, style: nl.style, size: nl.size, text: nl.text, align: 'L'})
			y += h
		}
		return out
	})

	cells := t.layout(r.pointCells(l))
	// Columns (1), (2) and (4) are the stamp's.
	cells[0].lines, cells[3].lines = nil, nil
	cells[0].skip, cells[1].skip, cells[3].skip = lh, titleH, lh
	// Column (3): values beside their labels, then the working.
	c3 := &cells[2]
	c3.skip = labelsH
	for i, v := range l.Figures {
		value := clean(withUnit(v.Value, v.Unit))
		c3.fixed = append(c3.fixed, fixedText{dx: w3 - 2*pad - valueW, dy: float64(figures[i].start) * lh, wd: valueW,
			style: regular, size: fitSize(regular, sheetSize, value, valueW), text: value, align: 'R'})
		if v.Original != "" {
			orig := clean("(đơn vị báo: " + v.Original + ")")
			c3.fixed = append(c3.fixed, fixedText{dx: w3 - 2*pad - valueW, dy: float64(figures[i].start+1) * lh, wd: valueW,
				style: italic, size: fitSize(italic, sheetSmall, orig, valueW), text: orig, align: 'R'})
		}
	}
	for _, ch := range workingChunks(l) {
		c3.lines = t.wrapChunk(c3.lines, ch, w3)
	}
	// Column (7): the stamp's note and ruling, then this unit's marks.
	c7 := &cells[6]
	c7.skip = notesH
	for _, ch := range markChunks(sh, l) {
		c7.lines = t.wrapChunk(c7.lines, ch, w7)
	}
	return laidRow{cells: cells, stamp: st}
}

// pointCells are a criterion's cells without its recurring text: the
// number and the points.
func (r *renderer) pointCells(l *scoring.Line) []cell {
	num := txt(criterionNumber(l.Code, l.Section), regular)
	if !l.Applicable {
		return []cell{num, {}, {}, txt("–", regular), txt("–", regular), txt("–", regular), {}}
	}
	return []cell{num, {}, {}, txt(l.Max.String(), regular), txt(l.Self.Points.String(), regular),
		txt(l.Appraised.Points.String(), bold), {}}
}

// workingChunks are column (3)'s working lines: the appraised working, and
// the unit's own when it differs.
func workingChunks(l *scoring.Line) []chunk {
	if !l.Applicable {
		return []chunk{{text: scoring.NotApplicable, style: italic}}
	}
	var out []chunk
	working := l.Appraised.Working
	if working != "" {
		out = append(out, chunk{text: "Cách tính: " + working, style: italic, size: sheetSmall})
	}
	if l.Self.Working != "" && l.Self.Working != working {
		out = append(out, chunk{text: "Đơn vị tự tính: " + l.Self.Working, style: italic, size: sheetSmall})
	}
	return out
}

// markChunks are column (7)'s notes about this unit: a data-quality flag
// and the appraiser's corrections.
func markChunks(sh *scoring.Sheet, l *scoring.Line) []chunk {
	var out []chunk
	if l.Flagged {
		out = append(out, chunk{text: flagNote(sh, l.Code), style: bold, size: sheetSmall})
	}
	for _, c := range corrections(sh, l) {
		out = append(out, chunk{text: c, style: regular, size: sheetSmall})
	}
	return out
}

// lineCells are one criterion's seven cells with all its text inline:
// the layout for a row too tall for a stamp.
func (r *renderer) lineCells(sh *scoring.Sheet, l *scoring.Line) []cell {
	cells := r.pointCells(l)
	cells[1] = txt(l.Title, regular)
	for _, v := range l.Figures {
		cells[2].chunks = append(cells[2].chunks, chunk{text: shownFigure(v), style: regular})
	}
	cells[2].chunks = append(cells[2].chunks, workingChunks(l)...)
	cells[6].chunks = markChunks(sh, l)
	if !l.Applicable {
		cells[6].chunks = append(cells[6].chunks, chunk{text: "Không áp dụng đối với đơn vị.", style: bold, size: sheetSmall})
	}
	if l.Note != "" {
		cells[6].chunks = append(cells[6].chunks, chunk{text: l.Note, style: regular, size: sheetSmall})
	}
	if l.Ruling != "" {
		cells[6].chunks = append(cells[6].chunks, chunk{text: "Quy định chấm điểm: " + l.Ruling, style: italic, size: sheetSmall})
	}
	return cells
}

// flagNote marks a criterion whose data the appraiser flagged (R7).
func flagNote(sh *scoring.Sheet, code string) string {
	for _, d := range sh.Deductions {
		if d.Kind == scoring.DeductQuality && d.Criterion == code {
			return fmt.Sprintf("Số liệu không đảm bảo chất lượng đánh giá: trừ %s điểm (mục %s).", d.Points.Short(), d.Code)
		}
	}
	return "Số liệu không đảm bảo chất lượng đánh giá."
}

// corrections lists the appraiser's reasons for the figures of a line
// that were corrected.
func corrections(sh *scoring.Sheet, l *scoring.Line) []string {
	var out []string
	for _, v := range l.Figures {
		if v.Original == "" {
			continue
		}
		for _, c := range sh.Corrections {
			if c.Figure == v.Key {
				out = append(out, "Thẩm định điều chỉnh «"+v.Label+"»: "+c.Reason)
			}
		}
	}
	return out
}

// sectionTotal returns the subtotal of a section.
func sectionTotal(sh *scoring.Sheet, code string) scoring.SectionTotal {
	for _, st := range sh.Sections {
		if st.Code == code {
			return st
		}
	}
	return scoring.SectionTotal{Code: code}
}

// groupMax sums the maxima of a group's lines.
func groupMax(sh *scoring.Sheet, group string) scoring.Fixed {
	var sum scoring.Fixed
	for _, l := range sh.Lines {
		if l.Group == group {
			sum += l.Max
		}
	}
	return sum
}

// sheetDeductions draws the deduction section, each deduction with its reason.
func (r *renderer) sheetDeductions(t *table, sh *scoring.Sheet, set *scoring.Set) {
	code, title := "", "ĐIỂM TRỪ"
	if set != nil {
		code = set.DeductSect
		if set.DeductTitle != "" {
			title = set.DeductTitle
		}
	}
	if code == "" && len(sh.Deductions) > 0 {
		code, _, _ = strings.Cut(sh.Deductions[0].Code, ".")
	}
	t.row([]cell{txt(code, bold), {chunks: []chunk{{text: upper(title), style: bold}}, span: 2}, {}, {},
		txt(minusPoints(sh.DeductionTotal), bold), {}}, true)
	if len(sh.Deductions) == 0 {
		t.row([]cell{{}, {chunks: []chunk{{text: "Không có điểm trừ.", style: italic}}, span: 6}}, false)
		return
	}
	for _, d := range sh.Deductions {
		what, rate := string(d.Kind), scoring.Fixed(0)
		if set != nil {
			for _, sd := range set.Deductions {
				if sd.Code == d.Code {
					what, rate = sd.Title, sd.Points
				}
			}
		}
		var note cell
		if d.Count > 1 && rate > 0 {
			note = txt(fmt.Sprintf("%d × %s điểm", d.Count, rate.Short()), regular)
		}
		t.row([]cell{txt(criterionNumber(d.Code, code), regular), txt(what, regular), txt(d.Reason, regular), {}, {},
			txt(minusPoints(d.Points), bold), note}, false)
	}
}

// sheetTotals draws the self, appraised, deducted and final totals.
func (r *renderer) sheetTotals(t *table, sh *scoring.Sheet, info rankInfo) {
	codes := make([]string, len(sh.Sections))
	for i, st := range sh.Sections {
		codes[i] = st.Code
	}
	label := func(s string) cell { return cell{chunks: []chunk{{text: s, style: bold}}, span: 3, align: 'L'} }
	t.row([]cell{label("TỔNG ĐIỂM (" + strings.Join(codes, " + ") + ")"), txt(sh.Max.String(), bold),
		txt(sh.SelfTotal.String(), bold), txt(sh.AppraisedTotal.String(), bold),
		txt("Cột (5): đơn vị tự đánh giá; cột (6): kết quả thẩm định.", italic)}, true)
	t.row([]cell{label("ĐIỂM TRỪ"), {}, {}, txt(minusPoints(sh.DeductionTotal), bold), {}}, true)
	rank := cell{}
	if info.rank > 0 {
		rank = txt(fmt.Sprintf("Xếp hạng: %d/%d", info.rank, info.ranked), bold)
	}
	t.row([]cell{label("TỔNG ĐIỂM CUỐI CÙNG (điểm thẩm định − điểm trừ)"), {}, {}, txt(sh.Final.String(), bold), rank}, true)
}

// evidence draws the unit's evidence manifest: file, size and SHA-256.
func (r *renderer) evidence(sh *scoring.Sheet, caption func()) {
	w := r.w
	items := append([]EvidenceItem(nil), r.d.Evidence[sh.Unit.Code]...)
	if w.y+3*lineHeight(10) > w.bottom() {
		w.continuePage()
		caption()
	}
	w.paragraph([]run{{"Tài liệu kiểm chứng", bold}}, para{size: 10, align: 'L', after: 1})
	if len(items) == 0 {
		w.paragraph([]run{{"Không có tài liệu kiểm chứng.", italic}}, para{size: 10, align: 'L'})
		return
	}
	// Criterion order of the sheet, then as given.
	order := make(map[string]int, len(sh.Lines))
	for i, l := range sh.Lines {
		order[l.Code] = i
	}
	pos := func(c string) int {
		if i, ok := order[c]; ok {
			return i
		}
		return len(sh.Lines)
	}
	sort.SliceStable(items, func(i, j int) bool { return pos(items[i].Criterion) < pos(items[j].Criterion) })
	t := &table{w: w, cols: evidenceColumns, size: sheetSize, pad: sheetPad, onBreak: caption}
	t.begin()
	for i, it := range items {
		t.row([]cell{txt(itoa(i+1), regular), txt(it.Criterion, regular), txt(it.FileName, regular),
			txt(scoring.GroupThousands(it.Size), regular),
			{chunks: []chunk{{text: strings.ToLower(it.SHA256), style: regular, size: hashSize}}}}, false)
	}
	t.end()
}
