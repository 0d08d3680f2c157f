package report

import (
	"fmt"
	"math"

	"ictindex/scoring"
)

// The bar chart of final scores, one bar per ranked unit in ranking order,
// drawn with rectangles and text; it runs on over pages like a table.
const (
	chartSize   = 9.0
	chartRowH   = 5.0
	chartBarH   = 3.4
	chartLabelW = 64.0
	chartValueW = 13.0
	chartAxisH  = 6.0
)

// chart draws the annex's bar chart from the cursor.
func (r *renderer) chart(part *rankingPart) {
	w := r.w
	var rows []scoring.RankRow
	absent := 0
	top := r.annexTotal(part.ranking.Annex)
	for _, row := range part.ranking.Rows {
		if !row.Submitted {
			absent++
			continue
		}
		rows = append(rows, row)
		top = max(top, row.Final)
	}
	if len(rows) == 0 {
		return
	}
	scale := math.Ceil(float64(top)/1000) * 10 // whole tens of points
	titleH := lineHeight(13) + 2
	if w.y+titleH+chartAxisH+3*chartRowH > w.bottom() {
		w.continuePage()
	}
	w.y += 4
	w.paragraph([]run{{fmt.Sprintf("Biểu đồ tổng điểm của %s năm %d", part.subject, r.d.year()), bold}}, para{size: 13, align: 'C', after: 2})

	barX := marginLeft + chartLabelW + 2
	barW := w.textWidth() - chartLabelW - 2 - chartValueW
	for i := 0; i < len(rows); {
		if w.y+chartAxisH+chartRowH > w.bottom() {
			w.continuePage()
		}
		n := min(len(rows)-i, int((w.bottom()-w.y-chartAxisH)/chartRowH))
		r.chartAxis(barX, barW, scale, float64(n)*chartRowH)
		bars := make([]box, 0, n)
		for _, row := range rows[i : i+n] {
			y := w.y
			label := fitText(regular, chartSize, fmt.Sprintf("%d. %s", row.Rank, clean(row.Unit.Name)), chartLabelW)
			wd := barW * float64(row.Final) / (scale * 100)
			if wd > 0 {
				bars = append(bars, box{barX, y + (chartRowH-chartBarH)/2, wd, chartBarH})
			}
			w.font(regular, chartSize)
			w.cell(marginLeft, y, chartLabelW, chartRowH, label, 'L')
			w.font(bold, chartSize)
			w.cell(barX+wd+1, y, chartValueW, chartRowH, row.Final.String(), 'L')
			w.y += chartRowH
		}
		w.fill(58, 95, 160, bars...)
		i += n
	}
	if absent > 0 {
		w.y += 1
		w.paragraph([]run{{fmt.Sprintf("Biểu đồ không thể hiện %d đơn vị %s.", absent, scoring.NotSubmittedLabel), italic}},
			para{size: 11, align: 'L'})
	}
}

// annexTotal is the total points of an annex's set: from the set when the
// decision has it, else from a sheet of the annex, else 100.
func (r *renderer) annexTotal(annex string) scoring.Fixed {
	if set := r.d.Sets[annex]; set != nil && set.Total > 0 {
		return set.Total
	}
	if res := r.d.Results; res != nil {
		for _, sh := range res.Sheets {
			if sh != nil && sh.Annex == annex && sh.Max > 0 {
				return sh.Max
			}
		}
	}
	return scoring.DefaultTotal
}

// chartAxis draws the scale above the bars and light grid lines down
// through the rows to come, then moves the cursor under the scale.
func (r *renderer) chartAxis(x, wd, scale, rowsH float64) {
	w := r.w
	w.font(regular, chartSize)
	step := scale / 5
	var grid []seg
	for k := 0; k <= 5; k++ {
		v := step * float64(k)
		gx := x + wd*v/scale
		w.cell(gx-10, w.y, 20, chartAxisH-1, scoring.Whole(int64(v)).Short(), 'C')
		grid = append(grid, seg{gx, w.y + chartAxisH - 1, gx, w.y + chartAxisH + rowsH})
	}
	w.stroke(0.1, 0.75, grid...)
	w.stroke(0.2, 0, seg{x, w.y + chartAxisH, x, w.y + chartAxisH + rowsH})
	w.y += chartAxisH
}

// fitText shortens s with "…" until it fits in wd.
func fitText(style string, size float64, s string, wd float64) string {
	if measure(style, size, s) <= wd {
		return s
	}
	rs := []rune(s)
	for len(rs) > 1 {
		rs = rs[:len(rs)-1]
		if t := string(rs) + "…"; measure(style, size, t) <= wd {
			return t
		}
	}
	return "…"
}
