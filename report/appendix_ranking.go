package report

import (
	"fmt"

	"ictindex/scoring"
)

// Ranking tables (Phụ lục I, II): 12 pt on a portrait page, 11 pt when
// two more columns compare with the previous year.
const (
	rankingSize         = 12.0
	rankingSizeCompared = 11.0
)

// rankingAppendix draws one annex's ranking (R9) and its bar chart as an
// appendix numbered on its own.
func (r *renderer) rankingAppendix(part *rankingPart) {
	w := r.w
	w.newPart(portrait)
	r.appendixHeading(part.numeral, fmt.Sprintf("Kết quả đánh giá, xếp hạng mức độ ứng dụng công nghệ thông tin của %s năm %d",
		part.subject, r.d.year()))

	cols := []column{
		{title: "STT", width: 11, align: 'C'},
		{title: "Tên cơ quan, đơn vị", width: 60, align: 'L'},
		{title: "Điểm tự đánh giá", width: 19, align: 'C'},
		{title: "Điểm thẩm định", width: 19, align: 'C'},
		{title: "Điểm trừ", width: 17, align: 'C'},
		{title: "Tổng điểm", width: 19, align: 'C'},
		{title: "Xếp hạng", width: 20, align: 'C'},
	}
	size := rankingSize
	res := r.d.Results
	var changes []scoring.Change
	prevYear := 0
	if res.HasPrevious() {
		// Two more columns: the score and rank against last year.
		prevYear = res.Comparison.PreviousYear
		size = rankingSizeCompared
		cols = []column{
			{title: "STT", width: 10, align: 'C'},
			{title: "Tên cơ quan, đơn vị", width: 43, align: 'L'},
			{title: "Điểm tự đánh giá", width: 16, align: 'C'},
			{title: "Điểm thẩm định", width: 16, align: 'C'},
			{title: "Điểm trừ", width: 14, align: 'C'},
			{title: "Tổng điểm", width: 16, align: 'C'},
			{title: "Xếp hạng", width: 14, align: 'C'},
			{title: fmt.Sprintf("Điểm so với năm %d", prevYear), width: 18, align: 'C'},
			{title: fmt.Sprintf("Hạng so với năm %d", prevYear), width: 18, align: 'C'},
		}
		changes = res.Changes(part.ranking)
	}
	t := &table{w: w, size: size, pad: 1.2, cols: cols}
	t.begin()
	for i, row := range part.ranking.Rows {
		cells := rankingRow(i+1, row)
		if changes != nil {
			cells = appendChange(cells, row, changes[i])
		}
		t.row(cells, false)
	}
	if len(part.ranking.Rows) == 0 {
		t.row([]cell{{chunks: []chunk{{text: "Không có đơn vị", style: italic}}, span: len(cols), align: 'C'}}, false)
	}
	t.end()
	w.y += 2
	w.paragraph([]run{{"Ghi chú: ", boldItalic}, {"Tổng điểm = Điểm thẩm định − Điểm trừ. Các đơn vị có tổng điểm bằng nhau " +
		"được xếp đồng hạng và liệt kê theo thứ tự chữ cái; đơn vị " + scoring.NotSubmittedLabel +
		" được liệt kê cuối danh sách, không xếp hạng.", italic}}, para{size: 12, align: 'J', after: paraAfter})
	if changes != nil {
		w.paragraph([]run{{fmt.Sprintf("So với năm %d: ", prevYear), boldItalic}, {fmt.Sprintf("điểm là tổng điểm năm %d trừ tổng điểm năm %d; "+
			"↑, ↓ là số bậc xếp hạng tăng, giảm (so sánh thứ hạng đã công bố, kể cả đồng hạng); = là giữ nguyên thứ hạng; "+
			"“%s” là đơn vị chưa tham gia đánh giá năm %d; “%s” là đơn vị không gửi báo cáo năm %d. Đơn vị được đối chiếu theo mã đơn vị.",
			r.d.year(), prevYear, scoring.NewUnitLabel, prevYear, scoring.UnrankedLabel, prevYear), italic}},
			para{size: 12, align: 'J', after: paraAfter})
	}
	r.chart(part)
}

// rankingRow is one unit's row: a non-submitter has "không gửi báo cáo" in
// place of its scores and rank.
func rankingRow(n int, row scoring.RankRow) []cell {
	cells := []cell{txt(itoa(n), regular), txt(row.Unit.Name, regular)}
	if !row.Submitted {
		return append(cells, cell{chunks: []chunk{{text: scoring.NotSubmittedLabel, style: italic}}, span: 5, align: 'C'})
	}
	return append(cells,
		txt(row.Self.String(), regular),
		txt(row.Appraised.String(), regular),
		txt(row.Deductions.String(), regular),
		txt(row.Final.String(), bold),
		txt(itoa(row.Rank), bold))
}

// appendChange adds the score and rank changes against last year to a
// unit's row; a non-submitter's "không gửi báo cáo" spans them too.
func appendChange(cells []cell, row scoring.RankRow, c scoring.Change) []cell {
	if !row.Submitted {
		cells[len(cells)-1].span += 2
		return cells
	}
	rank := txt(c.RankLabel(), bold)
	if c.Kind == scoring.ChangeNew || c.Kind == scoring.ChangeUnranked {
		rank = txt(c.RankLabel(), italic)
	}
	return append(cells, txt(c.ScoreLabel(), regular), rank)
}
