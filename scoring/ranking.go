package scoring

import "sort"

// Ranking is the ranked list of one annex (R9).
type Ranking struct {
	Annex string    `json:"annex"`
	Year  int       `json:"year"`
	Rows  []RankRow `json:"rows"`
}

// RankRow is one unit in a ranking. Rank is 0 for a unit that never
// submitted: it is listed last as "không gửi báo cáo".
type RankRow struct {
	Rank       int   `json:"rank"`
	Unit       Unit  `json:"unit"`
	Submitted  bool  `json:"submitted"`
	Self       Fixed `json:"self"`
	Appraised  Fixed `json:"appraised"`
	Deductions Fixed `json:"deductions"`
	Final      Fixed `json:"final"`
}

// NotSubmittedLabel is shown in place of a rank for a non-submitter.
const NotSubmittedLabel = "không gửi báo cáo"

// Rank ranks the sheets of one annex: highest final score first; equal
// scores share a rank and the next rank skips (1, 2, 2, 4); within a tie,
// Vietnamese alphabetical order of names; non-submitters last, unranked.
// Sheets of other annexes are ignored.
func Rank(annex string, year int, sheets []*Sheet) Ranking {
	rows := make([]RankRow, 0, len(sheets))
	for _, sh := range sheets {
		if sh.Annex != annex {
			continue
		}
		rows = append(rows, RankRow{Unit: sh.Unit, Submitted: sh.Submitted, Self: sh.SelfTotal,
			Appraised: sh.AppraisedTotal, Deductions: sh.DeductionTotal, Final: sh.Final})
	}
	keys := make([]string, len(rows))
	for i := range rows {
		keys[i] = CollationKey(rows[i].Unit.Name)
	}
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		ra, rb := &rows[idx[a]], &rows[idx[b]]
		if ra.Submitted != rb.Submitted {
			return ra.Submitted
		}
		if ra.Submitted && ra.Final != rb.Final {
			return ra.Final > rb.Final
		}
		if ka, kb := keys[idx[a]], keys[idx[b]]; ka != kb {
			return ka < kb
		}
		return ra.Unit.Code < rb.Unit.Code
	})
	out := Ranking{Annex: annex, Year: year, Rows: make([]RankRow, len(rows))}
	for i, j := range idx {
		r := rows[j]
		if r.Submitted {
			r.Rank = i + 1
			if i > 0 && out.Rows[i-1].Submitted && out.Rows[i-1].Final == r.Final {
				r.Rank = out.Rows[i-1].Rank
			}
		} else {
			r.Final, r.Self, r.Appraised, r.Deductions = 0, 0, 0, 0
		}
		out.Rows[i] = r
	}
	return out
}
