package report

import (
	"fmt"
	"math"
	"strings"

	"ictindex/scoring"
)

// Body text (Decree 30: 13–14 pt, justified, first-line indent 1–1.27 cm,
// at least 6 pt between paragraphs).
const (
	bodySize   = 14.0
	bodyIndent = 12.7
	paraAfter  = 6 * ptToMM
	// signatureSpace is left blank for the signature and the seal.
	signatureSpace = 28.0
)

// The criteria decision the ranking applies, when no set names it.
const (
	criteriaDecision     = "3299/QĐ-UBND"
	criteriaDecisionDate = "18/10/2018"
)

// decision draws the decision's own pages: header, title, grounds,
// articles and the signature block.
func (r *renderer) decision() {
	w := r.w
	w.newPart(portrait)
	r.header()
	w.y += 9
	w.paragraph([]run{{"QUYẾT ĐỊNH", bold}}, para{size: bodySize, align: 'C'})
	r.summaryBlock()
	w.y += 5
	w.paragraph([]run{{"ỦY BAN NHÂN DÂN TỈNH " + upper(province), bold}}, para{size: bodySize, align: 'C', after: paraAfter})

	number, date := r.criteriaDecision()
	grounds := []string{
		"Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015;",
		fmt.Sprintf("Căn cứ Quyết định số %s ngày %s của UBND tỉnh ban hành Bộ tiêu chí đánh giá, xếp hạng "+
			"mức độ ứng dụng công nghệ thông tin trong các cơ quan hành chính nhà nước tỉnh %s;", number, date, province),
		"Theo đề nghị của Giám đốc Sở Thông tin và Truyền thông.",
	}
	for _, g := range grounds {
		w.paragraph([]run{{g, italic}}, r.body())
	}
	w.paragraph([]run{{"QUYẾT ĐỊNH:", bold}}, para{size: bodySize, align: 'C', after: paraAfter, keep: true})

	w.paragraph([]run{{"Điều 1.", bold}, {fmt.Sprintf(" Công bố kết quả đánh giá, xếp hạng mức độ ứng dụng công nghệ "+
		"thông tin trong các cơ quan hành chính nhà nước tỉnh %s năm %d theo Bộ tiêu chí ban hành kèm theo "+
		"Quyết định số %s ngày %s của UBND tỉnh, cụ thể như sau:", province, r.d.year(), number, date), regular}}, r.body())
	item := 1
	for _, part := range r.rankings {
		w.paragraph([]run{{fmt.Sprintf("%d. %s", item, rankingSentence(part)), regular}}, r.body())
		item++
	}
	if cmp := r.d.Results.Comparison; cmp != nil {
		w.paragraph([]run{{fmt.Sprintf("%d. So sánh kết quả năm %d với năm %d theo từng lĩnh vực, các tiêu chí có tỷ lệ đạt thấp nhất "+
			"và số đơn vị đạt điểm tối đa: chi tiết tại Phụ lục %s.", item, cmp.Year, cmp.PreviousYear, r.compareNumeral), regular}}, r.body())
		item++
	}
	w.paragraph([]run{{fmt.Sprintf("%d. Phiếu chấm điểm chi tiết của %d cơ quan, đơn vị gửi báo cáo: chi tiết tại Phụ lục %s.",
		item, len(r.sheets), r.sheetsNumeral), regular}}, r.body())

	w.paragraph([]run{{"Điều 2.", bold}, {fmt.Sprintf(" Giao Sở Thông tin và Truyền thông công khai kết quả đánh giá, "+
		"xếp hạng trên Cổng Thông tin điện tử tỉnh; các cơ quan, đơn vị căn cứ kết quả đánh giá, xếp hạng, khắc phục "+
		"những tồn tại, hạn chế, nâng cao mức độ ứng dụng công nghệ thông tin của cơ quan, đơn vị mình trong năm %d.",
		r.d.year()+1), regular}}, r.body())
	effect := " Quyết định này có hiệu lực thi hành kể từ ngày ký."
	if s := r.replacesSentence(); s != "" {
		effect += " " + s
	}
	w.paragraph([]run{{"Điều 3.", bold}, {effect, regular}}, r.body())
	last := []run{{"Chánh Văn phòng UBND tỉnh; Giám đốc Sở Thông tin và Truyền thông; Thủ trưởng các sở, ban, " +
		"ngành thuộc UBND tỉnh; Chủ tịch UBND các huyện, thị xã, thành phố và các cơ quan, đơn vị có liên quan " +
		"chịu trách nhiệm thi hành Quyết định này./.", regular}}
	// The signature never stands alone on a page: the last paragraph goes
	// with it.
	if w.y+w.paragraphHeight(last, r.body())+r.signatureHeight() > w.bottom() {
		w.continuePage()
	}
	w.paragraph(last, r.body())
	r.signature()
}

// body is the paragraph style of the decision's text.
func (r *renderer) body() para {
	return para{size: bodySize, align: 'J', indent: bodyIndent, after: paraAfter}
}

// summaryBlock draws the trích yếu, bold and centred, with a short rule
// under it (1/3–1/2 of its longest line).
func (r *renderer) summaryBlock() {
	w := r.w
	x, wd := marginLeft, w.textWidth()
	lh := lineHeight(bodySize)
	widest := 0.0
	w.font(bold, bodySize)
	for _, ln := range w.balancedWrap(bold, bodySize, clean(r.summary()), wd) {
		w.cell(x, w.y, wd, lh, ln, 'C')
		widest = math.Max(widest, measure(bold, bodySize, ln))
		w.y += lh
	}
	rule := widest * 0.4
	w.hline(x+(wd-rule)/2, x+(wd+rule)/2, w.y+1.2, ruleWidth)
	w.y += 2
}

// criteriaDecision names the decision that issued the criteria.
func (r *renderer) criteriaDecision() (number, date string) {
	number, date = criteriaDecision, criteriaDecisionDate
	for _, part := range r.rankings {
		if set := r.d.Sets[part.ranking.Annex]; set != nil && set.Decision != "" {
			number, date = set.Decision, set.DecisionDate
			break
		}
	}
	if r.d.Results.Decision != "" && r.d.Results.Decision != number {
		number, date = r.d.Results.Decision, ""
	}
	if date == "" {
		return number, "     /     /"
	}
	return number, date
}

// rankingSentence summarises one ranking for Article 1.
func rankingSentence(part rankingPart) string {
	var ranked, absent int
	var top []string
	var topScore scoring.Fixed
	for _, row := range part.ranking.Rows {
		if !row.Submitted {
			absent++
			continue
		}
		ranked++
		if row.Rank == 1 {
			top = append(top, row.Unit.Name)
			topScore = row.Final
		}
	}
	var b strings.Builder
	subject := capitalize(part.subject)
	fmt.Fprintf(&b, "%s: %d đơn vị", subject, len(part.ranking.Rows))
	switch {
	case ranked == 0:
		b.WriteString(", không có đơn vị nào gửi báo cáo")
	case absent > 0:
		fmt.Fprintf(&b, ", trong đó %d đơn vị được đánh giá, xếp hạng và %d đơn vị không gửi báo cáo", ranked, absent)
	}
	switch len(top) {
	case 0:
	case 1:
		fmt.Fprintf(&b, "; đơn vị xếp thứ nhất là %s với %s điểm", top[0], topScore)
	default:
		fmt.Fprintf(&b, "; đồng xếp thứ nhất là %s với %s điểm", joinVI(top), topScore)
	}
	fmt.Fprintf(&b, ". Chi tiết tại Phụ lục %s.", part.numeral)
	return b.String()
}

// signatureWidth is the width of the "Nơi nhận" column.
const signatureLeftW = 80.0

// signatureLines are the wrapped recipients and the signature block's titles.
func (r *renderer) signatureLines() (recips, titles []string) {
	for _, s := range r.d.Recipients {
		recips = append(recips, r.w.wrap(regular, 11, clean(s), signatureLeftW-2)...)
	}
	titles = append([]string{signerOrg}, strings.Split(upper(r.d.SignerTitle), "\n")...)
	return recips, titles
}

// signatureHeight is the height of the signature block and recipients.
func (r *renderer) signatureHeight() float64 {
	recips, titles := r.signatureLines()
	leftH := lineHeight(12) + float64(len(recips))*lineHeight(11)
	rightH := float64(len(titles)+1)*lineHeight(bodySize) + r.signatureSpace()
	return 2 + math.Max(leftH, rightH)
}

// signature draws "Nơi nhận" on the left and the signature block on the
// right, level with each other; both go to the next page together when
// they do not fit.
func (r *renderer) signature() {
	w := r.w
	leftW := signatureLeftW
	rightX := marginLeft + leftW
	rightW := w.pw - marginRight - rightX
	recips, titles := r.signatureLines()
	lh := lineHeight(bodySize)
	if w.y+r.signatureHeight() > w.bottom() {
		w.continuePage()
	}
	y := w.y + 2

	w.font(boldItalic, 12)
	w.cell(marginLeft, y, leftW, lineHeight(12), "Nơi nhận:", 'L')
	w.font(regular, 11)
	ly := y + lineHeight(12)
	for _, s := range recips {
		w.cell(marginLeft, ly, leftW, lineHeight(11), s, 'L')
		ly += lineHeight(11)
	}

	w.font(bold, bodySize)
	ry := y
	for _, t := range titles {
		w.cell(rightX, ry, rightW, lh, t, 'C')
		ry += lh
	}
	space := r.signatureSpace()
	if r.stamp != nil {
		r.place = w.placeOf(r.drawStamp(rightX, ry, rightW))
	} else {
		r.place = w.placeOf(box{rightX, ry, rightW, space})
	}
	ry += space
	w.cell(rightX, ry, rightW, lh, clean(r.d.Signer), 'C')
	w.y = math.Max(ly, ry+lh)
}
