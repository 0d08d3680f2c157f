package report

import (
	"fmt"

	"ictindex/scoring"
)

// Ranking tables (Phụ lục I, II): 12 pt on a portrait page.
const rankingSize = 12.0

// rankingAppendix draws one annex's ranking (R9) and its bar chart as an
// appendix numbered on its own.
func (r *renderer) rankingAppendix(part *rankingPart) {
	w := r.w
	w.newPart(portrait)
	r.appendixHeading(part.numeral, fmt.Sprintf("Kết quả đánh giá, xếp hạng mức độ ứng dụng công nghệ thông tin của %s năm %d",
		part.subject, r.d.year()))

	t := &table{w: w, size: rankingSize, pad: 1.2, cols: []column{
		{title: "STT", width: 11, align: 'C'},
		{title: "Tên cơ quan, đơn vị", width: 60, align: 'L'},
		{title: "Điểm tự đánh giá", width: 19, align: 'C'},
		{title: "Điểm thẩm định", width: 19, align: 'C'},
		{title: "Điểm trừ", width: 17, align: 'C'},
		{title: "Tổng điểm", width: 19, align: 'C'},
		{title: "Xếp hạng", width: 20, align: 'C'},
	}}
	t.begin()
	for i, row := range part.ranking.Rows {
		t.row(rankingRow(i+1, row), false)
	}
	if len(part.ranking.Rows) == 0 {
		t.row([]cell{{chunks: []chunk{{text: "Không có đơn vị", style: italic}}, span: 7, align: 'C'}}, false)
	}
	t.end()
	w.y += 2
	w.paragraph([]run{{"Ghi chú: ", boldItalic}, {"Tổng điểm = Điểm thẩm định − Điểm trừ. Các đơn vị có tổng điểm bằng nhau " +
		"được xếp đồng hạng và liệt kê theo thứ tự chữ cái; đơn vị " + scoring.NotSubmittedLabel +
		" được liệt kê cuối danh sách, không xếp hạng.", italic}}, para{size: 12, align: 'J', after: paraAfter})
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
