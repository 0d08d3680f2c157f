package report

import (
	"fmt"

	"ictindex/scoring"
)

// The leaders' appendix compares the year with the previous one, annex by
// annex: each section's share of its maximum in both years as paired
// horizontal bars, then in a table with the units at the maximum, then
// the weakest criteria the same way. It exists only when the results
// were compared with a previous year.

// Chart geometry (mm) and colours of the paired bars.
const (
	pairSize   = 9.0  // labels and values, pt
	pairTitleH = 4.6  // the row's title line
	pairBarH   = 3.6  // one bar
	pairGap    = 1.0  // between the two bars
	pairAfter  = 2.6  // under a row
	pairYearW  = 11.0 // the year before each bar
	pairValueW = 18.0 // the value after the longest bar
)

var (
	colourThis = [3]int{58, 95, 160}
	colourLast = [3]int{176, 176, 176}
)

// pairRow is one section or criterion in the chart: shares in percent.
type pairRow struct {
	label      string
	this, last scoring.Fixed
	hasLast    bool
}

// compareAppendix draws the comparison with last year.
func (r *renderer) compareAppendix() {
	cmp := r.d.Results.Comparison
	if cmp == nil {
		return
	}
	w := r.w
	w.newPart(portrait)
	r.appendixHeading(r.compareNumeral, fmt.Sprintf("So sánh kết quả ứng dụng công nghệ thông tin năm %d với năm %d", cmp.Year, cmp.PreviousYear))
	w.paragraph([]run{{"Tỷ lệ đạt là tổng điểm thẩm định của các đơn vị gửi báo cáo chia cho tổng điểm tối đa của các đơn vị đó " +
		"(nhân 100); điểm bình quân là điểm thẩm định trung bình của một đơn vị. Điểm trừ không tính theo từng lĩnh vực nên " +
		"chỉ có trong dòng tổng điểm. Lĩnh vực, tiêu chí được đối chiếu theo mã giữa hai năm.", italic}},
		para{size: 12, align: 'J', after: paraAfter})
	for i, part := range r.rankings {
		ac := cmp.Annex(part.ranking.Annex)
		if ac == nil {
			continue
		}
		if i > 0 {
			w.continuePage()
		}
		r.compareAnnex(cmp, ac, part, i+1)
	}
}

// compareAnnex draws one annex's comparison: sections, then the weakest
// criteria.
func (r *renderer) compareAnnex(cmp *scoring.Comparison, ac *scoring.AnnexComparison, part rankingPart, n int) {
	w := r.w
	w.paragraph([]run{{fmt.Sprintf("%s. %s", roman(n), upper(part.subject)), bold}}, para{size: 13, align: 'L', after: 2, keep: true})

	rows := []pairRow{pairOf("Tổng điểm (sau điểm trừ)", &ac.Final)}
	for i := range ac.Sections {
		s := &ac.Sections[i]
		rows = append(rows, pairOf(fmt.Sprintf("%s. %s (tối đa %s điểm)", s.Code, capitalize(lowerTitle(s.Title)), s.This.Max.Short()), s))
	}
	r.pairChart(fmt.Sprintf("%d.1. Tỷ lệ đạt theo lĩnh vực", n), cmp, rows)

	t := &table{w: w, size: 10, pad: 1, cols: []column{
		{title: "Lĩnh vực", width: 47, align: 'L'},
		{title: "Điểm tối đa", width: 14, align: 'C'},
		{title: fmt.Sprintf("Bình quân %d", cmp.PreviousYear), width: 17, align: 'C'},
		{title: fmt.Sprintf("Bình quân %d", cmp.Year), width: 17, align: 'C'},
		{title: fmt.Sprintf("Tỷ lệ đạt %d", cmp.PreviousYear), width: 17, align: 'C'},
		{title: fmt.Sprintf("Tỷ lệ đạt %d", cmp.Year), width: 17, align: 'C'},
		{title: "Tăng, giảm (điểm %)", width: 17, align: 'C'},
		{title: "Đơn vị đạt tối đa", width: 19, align: 'C'},
	}}
	t.begin()
	t.row(measureCells("Tổng điểm (sau điểm trừ)", &ac.Final, cmp), true)
	for i := range ac.Sections {
		s := &ac.Sections[i]
		t.row(measureCells(s.Code+". "+capitalize(lowerTitle(s.Title)), s, cmp), false)
	}
	t.end()
	w.y += 1
	w.paragraph([]run{{fmt.Sprintf("Đơn vị đạt tối đa: số đơn vị đạt đủ điểm tối đa của lĩnh vực năm %d / năm %d.", cmp.Year, cmp.PreviousYear), italic}},
		para{size: 10, align: 'L', after: paraAfter})

	if len(ac.Weakest) == 0 {
		return
	}
	var weak []pairRow
	for _, code := range ac.Weakest {
		if m := ac.Criterion(code); m != nil {
			weak = append(weak, pairOf(fmt.Sprintf("%s. %s (tối đa %s điểm)", m.Code, m.Title, m.This.Max.Short()), m))
		}
	}
	r.pairChart(fmt.Sprintf("%d.2. %d tiêu chí có tỷ lệ đạt thấp nhất năm %d", n, len(weak), cmp.Year), cmp, weak)
	t = &table{w: w, size: 10, pad: 1, cols: []column{
		{title: "Tiêu chí", width: 64, align: 'L'},
		{title: fmt.Sprintf("Tỷ lệ đạt %d", cmp.PreviousYear), width: 17, align: 'C'},
		{title: fmt.Sprintf("Tỷ lệ đạt %d", cmp.Year), width: 17, align: 'C'},
		{title: "Tăng, giảm (điểm %)", width: 17, align: 'C'},
		{title: fmt.Sprintf("Đạt tối đa %d", cmp.PreviousYear), width: 25, align: 'C'},
		{title: fmt.Sprintf("Đạt tối đa %d", cmp.Year), width: 25, align: 'C'},
	}}
	t.begin()
	for _, code := range ac.Weakest {
		m := ac.Criterion(code)
		if m == nil {
			continue
		}
		lastShare, lastMax, change := notCompared, notCompared, notCompared
		if m.Previous != nil {
			lastShare, lastMax = percent(m.Previous.Share), fmt.Sprintf("%d/%d đơn vị", m.Previous.AtMax, m.Previous.Units)
		}
		if d, ok := m.ShareChange(); ok {
			change = scoring.SignedString(d)
		}
		t.row([]cell{
			{chunks: []chunk{{text: m.Code + ". ", style: bold}, {text: m.Title, style: regular}}},
			txt(lastShare, regular), txt(percent(m.This.Share), bold), txt(change, regular),
			txt(lastMax, regular), txt(fmt.Sprintf("%d/%d đơn vị", m.This.AtMax, m.This.Units), bold),
		}, false)
	}
	t.end()
	w.y += paraAfter
}

// notCompared fills a cell that has no previous year's figure.
const notCompared = "—"

// measureCells is one row of the sections' table.
func measureCells(label string, m *scoring.Measure, cmp *scoring.Comparison) []cell {
	lastAvg, lastShare, change, lastMax := notCompared, notCompared, notCompared, "—"
	if p := m.Previous; p != nil {
		lastAvg, lastShare, lastMax = p.Average.String(), percent(p.Share), itoa(p.AtMax)
	}
	if d, ok := m.ShareChange(); ok {
		change = scoring.SignedString(d)
	}
	return []cell{
		txt(label, regular), txt(m.This.Max.Short(), regular),
		txt(lastAvg, regular), txt(m.This.Average.String(), bold),
		txt(lastShare, regular), txt(percent(m.This.Share), bold), txt(change, regular),
		txt(fmt.Sprintf("%d / %s", m.This.AtMax, lastMax), regular),
	}
}

// pairOf is a measure's shares for the chart.
func pairOf(label string, m *scoring.Measure) pairRow {
	p := pairRow{label: label, this: m.This.Share}
	if m.Previous != nil {
		p.last, p.hasLast = m.Previous.Share, true
	}
	return p
}

// percent writes a share: "84,38%".
func percent(f scoring.Fixed) string { return f.String() + "%" }

// pairChart draws rows of paired bars, this year over last year, on a
// 0–100 % scale with a legend, breaking pages between rows.
func (r *renderer) pairChart(title string, cmp *scoring.Comparison, rows []pairRow) {
	w := r.w
	rowH := pairTitleH + 2*pairBarH + pairGap + pairAfter
	legendH := lineHeight(pairSize) + 2
	if w.y+lineHeight(12)+legendH+chartAxisH+2*rowH > w.bottom() {
		w.continuePage()
	}
	w.paragraph([]run{{title, bold}}, para{size: 12, align: 'L', after: 1.5})
	r.pairLegend(cmp)
	barX := marginLeft + pairYearW
	barW := w.textWidth() - pairYearW - pairValueW
	for i := 0; i < len(rows); {
		if w.y+chartAxisH+rowH > w.bottom() {
			w.continuePage()
		}
		n := min(len(rows)-i, int((w.bottom()-w.y-chartAxisH)/rowH))
		r.chartAxisPercent(barX, barW, float64(n)*rowH)
		var this, last []box
		for _, row := range rows[i : i+n] {
			y := w.y
			w.font(bold, pairSize)
			w.cell(marginLeft, y, w.textWidth(), pairTitleH, fitText(bold, pairSize, clean(row.label), w.textWidth()), 'L')
			y += pairTitleH
			wd := barW * float64(row.this) / 10000
			if wd > 0 {
				this = append(this, box{barX, y, wd, pairBarH})
			}
			w.font(regular, pairSize)
			w.cell(marginLeft, y, pairYearW-1, pairBarH, itoa(cmp.Year), 'R')
			w.font(bold, pairSize)
			w.cell(barX+wd+1, y, pairValueW, pairBarH, percent(row.this), 'L')
			y += pairBarH + pairGap
			w.font(regular, pairSize)
			w.cell(marginLeft, y, pairYearW-1, pairBarH, itoa(cmp.PreviousYear), 'R')
			if row.hasLast {
				lw := barW * float64(row.last) / 10000
				if lw > 0 {
					last = append(last, box{barX, y, lw, pairBarH})
				}
				w.cell(barX+lw+1, y, pairValueW, pairBarH, percent(row.last), 'L')
			} else {
				w.font(italic, pairSize)
				w.cell(barX+1, y, barW, pairBarH, fmt.Sprintf("chưa có số liệu năm %d", cmp.PreviousYear), 'L')
			}
			w.y += rowH
		}
		w.fill(colourThis[0], colourThis[1], colourThis[2], this...)
		w.fill(colourLast[0], colourLast[1], colourLast[2], last...)
		i += n
	}
	w.y += 2
}

// pairLegend draws the two colours and their years.
func (r *renderer) pairLegend(cmp *scoring.Comparison) {
	w := r.w
	h := lineHeight(pairSize)
	x := marginLeft + pairYearW
	for _, it := range []struct {
		c    [3]int
		year int
	}{{colourThis, cmp.Year}, {colourLast, cmp.PreviousYear}} {
		w.fill(it.c[0], it.c[1], it.c[2], box{x, w.y + (h-3)/2, 6, 3})
		label := fmt.Sprintf("Năm %d", it.year)
		w.font(regular, pairSize)
		w.cell(x+7.5, w.y, 30, h, label, 'L')
		x += 7.5 + measure(regular, pairSize, label) + 8
	}
	w.y += h + 2
}

// chartAxisPercent draws the 0–100 % scale and its grid, then moves the
// cursor under the scale.
func (r *renderer) chartAxisPercent(x, wd, rowsH float64) {
	w := r.w
	w.font(regular, pairSize)
	var grid []seg
	for k := 0; k <= 5; k++ {
		gx := x + wd*float64(k)/5
		w.cell(gx-10, w.y, 20, chartAxisH-1, itoa(k*20)+"%", 'C')
		grid = append(grid, seg{gx, w.y + chartAxisH - 1, gx, w.y + chartAxisH + rowsH})
	}
	w.stroke(0.1, 0.75, grid...)
	w.stroke(0.2, 0, seg{x, w.y + chartAxisH, x, w.y + chartAxisH + rowsH})
	w.y += chartAxisH
}
