package pages

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"ictindex/activities"
	"ictindex/api"
	"ictindex/archive"
	"ictindex/scoring"
)

// The leaders' comparison (/dot/:year/so-sanh) sets the year's results
// against the previous year's, as the ranking compared them and the
// archive keeps them: each section's share of its maximum in both years as
// bars, the weakest criteria, the units at the maximum, and each unit's
// change of rank and score. It reads only the archived results, so it
// stays readable after the campaign's workflows are gone.

// compareBarW is the width of a 100 % bar in the charts' viewBox units;
// the charts scale to the screen.
const compareBarW = 200

// compareRoutes registers the comparison page.
func (w *web) compareRoutes(p gin.IRoutes) {
	p.GET("/dot/:year/so-sanh", w.allow(api.Department), w.compare)
}

// compareBar is one section or criterion drawn as two bars.
type compareBar struct {
	Label        string
	This, Last   string // "84,38%"
	ThisW, LastW int    // bar widths
	HasLast      bool
	Year, Prev   int
}

// compareRow is one row of a comparison table.
type compareRow struct {
	Label                string
	Max                  string
	LastAvg, ThisAvg     string
	LastShare, ThisShare string
	Change               string
	LastAtMax, ThisAtMax string
}

// compareUnit is one unit's line: this year's rank against last year's.
type compareUnit struct {
	Rank      int
	Name      string
	Final     string
	LastRank  string
	LastFinal string
	Score     string
	RankLabel string
	RankWords string
	Kind      string
}

// compareAnnex is one annex's part of the page.
type compareAnnex struct {
	Annex, Title string
	Bars         []compareBar
	Rows         []compareRow
	WeakBars     []compareBar
	Weak         []compareRow
	Units        []compareUnit
}

type compareData struct {
	base
	PrevYear int
	Annexes  []compareAnnex
	Missing  string // why there is nothing to compare
}

// archivedResults is what the page reads of a year's results.
type archivedResults struct {
	Year       int                  `json:"year"`
	Rankings   []scoring.Ranking    `json:"rankings"`
	Comparison *scoring.Comparison  `json:"comparison"`
	Sheets     []archivedSheetBrief `json:"sheets"`
}

type archivedSheetBrief struct {
	Annex    string            `json:"annex"`
	Unit     scoring.Unit      `json:"unit"`
	Previous *scoring.Previous `json:"previous"`
}

// compare draws the comparison page.
func (w *web) compare(c *gin.Context) {
	year, err := api.YearParam(c)
	if err != nil {
		w.failPage(c, err)
		return
	}
	data, err := w.s.Archive().GetDocument(c.Request.Context(), activities.ResultsKey(year), "")
	if errors.Is(err, archive.ErrNotFound) {
		w.errorPage(c, http.StatusNotFound, fmt.Sprintf("Chưa có kết quả xếp hạng năm %d", year))
		return
	}
	if err != nil {
		w.failPage(c, err)
		return
	}
	var res archivedResults
	if err := json.Unmarshal(data, &res); err != nil {
		w.s.Log().Error("archived results", "year", year, "err", err)
		w.errorPage(c, http.StatusInternalServerError, fmt.Sprintf("Không đọc được kết quả xếp hạng năm %d", year))
		return
	}
	d := compareData{base: w.base(c, fmt.Sprintf("So sánh năm %d với năm %d", year, year-1)), PrevYear: year - 1}
	d.Year = year
	if res.Comparison == nil {
		d.Missing = fmt.Sprintf("Không có kết quả năm %d trong kho lưu trữ để so sánh: năm %d là năm đầu tiên đánh giá trên hệ thống.", year-1, year)
		w.render(c, http.StatusOK, "compare", d)
		return
	}
	d.PrevYear = res.Comparison.PreviousYear
	prev := map[string]*scoring.Previous{}
	for _, sh := range res.Sheets {
		prev[sh.Annex+"\x00"+sh.Unit.Code] = sh.Previous
	}
	for i := range res.Rankings {
		rk := &res.Rankings[i]
		ac := res.Comparison.Annex(rk.Annex)
		if ac == nil {
			continue
		}
		d.Annexes = append(d.Annexes, compareAnnexOf(rk, ac, prev, year, d.PrevYear))
	}
	w.render(c, http.StatusOK, "compare", d)
}

// annexTitles name who each annex assesses.
var annexTitles = map[string]string{
	scoring.AnnexPL01: "Sở, ban, ngành (PL01)",
	scoring.AnnexPL02: "UBND cấp huyện (PL02)",
}

func compareAnnexOf(rk *scoring.Ranking, ac *scoring.AnnexComparison, prevOf map[string]*scoring.Previous, year, prev int) compareAnnex {
	a := compareAnnex{Annex: rk.Annex, Title: annexTitles[rk.Annex]}
	if a.Title == "" {
		a.Title = rk.Annex
	}
	measures := append([]scoring.Measure{ac.Final}, ac.Sections...)
	for i := range measures {
		m := &measures[i]
		label := m.Code + ". " + m.Title
		if i == 0 {
			label = "Tổng điểm (sau điểm trừ)"
		}
		a.Bars = append(a.Bars, barOf(label, m, year, prev))
		a.Rows = append(a.Rows, rowOf(label, m))
	}
	for _, code := range ac.Weakest {
		m := ac.Criterion(code)
		if m == nil {
			continue
		}
		label := m.Code + ". " + m.Title
		a.WeakBars = append(a.WeakBars, barOf(label, m, year, prev))
		a.Weak = append(a.Weak, rowOf(label, m))
	}
	for _, row := range rk.Rows {
		u := compareUnit{Rank: row.Rank, Name: row.Unit.Name, Final: row.Final.String()}
		if !row.Submitted {
			u.Final = scoring.NotSubmittedLabel
		}
		p := prevOf[rk.Annex+"\x00"+row.Unit.Code]
		if p != nil {
			u.LastRank, u.LastFinal = "không xếp hạng", ""
			if p.Ranked() {
				u.LastRank, u.LastFinal = strconv.Itoa(p.Rank), p.Final.String()
			}
		}
		ch := scoring.Compare(row, p)
		u.Score, u.RankLabel, u.RankWords, u.Kind = ch.ScoreLabel(), ch.RankLabel(), ch.RankWords(), string(ch.Kind)
		a.Units = append(a.Units, u)
	}
	return a
}

func barOf(label string, m *scoring.Measure, year, prev int) compareBar {
	b := compareBar{Label: label, Year: year, Prev: prev, This: pct(m.This.Share), ThisW: shareWidth(m.This.Share)}
	if m.Previous != nil {
		b.HasLast, b.Last, b.LastW = true, pct(m.Previous.Share), shareWidth(m.Previous.Share)
	}
	return b
}

func rowOf(label string, m *scoring.Measure) compareRow {
	r := compareRow{Label: label, Max: m.This.Max.Short(), ThisAvg: m.This.Average.String(), ThisShare: pct(m.This.Share),
		ThisAtMax: fmt.Sprintf("%d/%d", m.This.AtMax, m.This.Units), LastAvg: "—", LastShare: "—", LastAtMax: "—", Change: "—"}
	if p := m.Previous; p != nil {
		r.LastAvg, r.LastShare, r.LastAtMax = p.Average.String(), pct(p.Share), fmt.Sprintf("%d/%d", p.AtMax, p.Units)
	}
	if d, ok := m.ShareChange(); ok {
		r.Change = scoring.SignedString(d)
	}
	return r
}

func pct(f scoring.Fixed) string { return f.String() + "%" }

// shareWidth is a share's bar width: 100 % is compareBarW.
func shareWidth(f scoring.Fixed) int { return int(min(max(int64(f), 0), 10000) * compareBarW / 10000) }
