package report

import (
	"fmt"

	"ictindex/scoring"
)

// renderer draws one decision: the plan of its appendices and the writer.
type renderer struct {
	w *writer
	d *Decision

	rankings      []rankingPart
	sheetsNumeral string
	// compareNumeral numbers the comparison with last year, between the
	// rankings and the sheets; "" when there is no previous year.
	compareNumeral string
	sheets         []*scoring.Sheet    // submitted sheets, in ranking order
	rankOf         map[string]rankInfo // by sheetKey

	stamp *stampLook     // the signature's stamp laid out; nil without one
	place SignaturePlace // where the signature's stamp is
}

// rankingPart is one ranking appendix (Phụ lục I, II, …).
type rankingPart struct {
	numeral string
	ranking *scoring.Ranking
	subject string // "các cơ quan, đơn vị cấp tỉnh"
}

// rankInfo places a unit in its ranking, for its score sheet's heading.
type rankInfo struct {
	rank, ranked int
	subject      string
}

func sheetKey(annex, code string) string { return annex + "\x00" + code }

// plan numbers the appendices and orders the score sheets as the rankings:
// one ranking appendix per annex, then the score sheets.
func (r *renderer) plan() {
	res := r.d.Results
	byKey := make(map[string]*scoring.Sheet, len(res.Sheets))
	for _, sh := range res.Sheets {
		if sh != nil {
			byKey[sheetKey(sh.Annex, sh.Unit.Code)] = sh
		}
	}
	r.rankOf = make(map[string]rankInfo, len(res.Sheets))
	placed := make(map[*scoring.Sheet]bool, len(res.Sheets))
	for i := range res.Rankings {
		rk := &res.Rankings[i]
		part := rankingPart{numeral: roman(i + 1), ranking: rk, subject: r.subject(rk.Annex)}
		r.rankings = append(r.rankings, part)
		ranked := 0
		for _, row := range rk.Rows {
			if row.Submitted {
				ranked++
			}
		}
		for _, row := range rk.Rows {
			k := sheetKey(rk.Annex, row.Unit.Code)
			r.rankOf[k] = rankInfo{rank: row.Rank, ranked: ranked, subject: part.subject}
			if sh := byKey[k]; sh != nil && sh.Submitted && !placed[sh] {
				r.sheets = append(r.sheets, sh)
				placed[sh] = true
			}
		}
	}
	for _, sh := range res.Sheets {
		if sh != nil && sh.Submitted && !placed[sh] {
			r.sheets = append(r.sheets, sh)
			placed[sh] = true
		}
	}
	r.sheetsNumeral = roman(len(r.rankings) + 1)
	if res.Comparison != nil {
		r.compareNumeral = r.sheetsNumeral
		r.sheetsNumeral = roman(len(r.rankings) + 2)
	}
}

// Who each annex assesses, as the decision names them.
var annexSubjects = map[string]string{
	scoring.AnnexPL01: "các cơ quan, đơn vị cấp tỉnh",
	scoring.AnnexPL02: "UBND các huyện, thị xã, thành phố",
}

// subject names who an annex assesses.
func (r *renderer) subject(annex string) string {
	if s, ok := annexSubjects[annex]; ok {
		return s
	}
	if set := r.d.Sets[annex]; set != nil && set.Subject != "" {
		return "các " + set.Subject
	}
	return "các đơn vị thuộc " + annex
}

// summary is the decision's trích yếu.
func (r *renderer) summary() string {
	return fmt.Sprintf("Về việc công bố kết quả đánh giá, xếp hạng mức độ ứng dụng công nghệ thông tin "+
		"trong các cơ quan hành chính nhà nước tỉnh %s năm %d", province, r.d.year())
}

// metadata fills the PDF's document information.
func (r *renderer) metadata() {
	p := r.w.pdf
	title := "Quyết định số " + documentNumber(r.d.Number) + " " + r.summary()
	if r.d.Draft {
		title = "Dự thảo Quyết định " + r.summary()
	}
	p.SetTitle(clean(title), true)
	subject := fmt.Sprintf("Kết quả đánh giá, xếp hạng mức độ ứng dụng CNTT năm %d", r.d.year())
	if rp := r.d.Replaces; rp != nil {
		subject += fmt.Sprintf("; thay thế Quyết định số %s ngày %s", documentNumber(rp.Number), shortDate(rp.Date))
	}
	p.SetSubject(clean(subject), true)
	p.SetAuthor(clean("Ủy ban nhân dân tỉnh "+province), true)
	p.SetCreator("ictindex", false)
}

// decisionRef is the appendices' "(Kèm theo Quyết định số …)" line.
func (r *renderer) decisionRef() string {
	return fmt.Sprintf("(Kèm theo Quyết định số %s ngày %s của UBND tỉnh %s)",
		documentNumber(r.d.Number), shortDate(r.d.Date), province)
}

// appendixHeading draws "Phụ lục N", its title and the reference to the
// decision at the cursor, centred.
func (r *renderer) appendixHeading(numeral, title string) {
	w := r.w
	w.paragraph([]run{{"Phụ lục " + numeral, bold}}, para{size: 14, align: 'C'})
	w.paragraph([]run{{upper(title), bold}}, para{size: 14, align: 'C'})
	ref := r.decisionRef()
	w.paragraph([]run{{ref, italic}}, para{size: max(13, fitSize(italic, 14, ref, w.textWidth())), align: 'C', after: 6})
}
