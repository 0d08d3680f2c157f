package pages

import (
	"context"
	"html"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ictindex/activities"
	"ictindex/scoring"
	"ictindex/templates"
)

// TestComparePage puts a year's results compared with the year before in
// the archive, as the ranking leaves them, and reads the leaders' page:
// the section charts and tables, the weakest criteria, each unit's change;
// in Chromium it fits 360 px and passes axe-core.
func TestComparePage(t *testing.T) {
	needStack(t)
	const year = 2089
	cur, err := templates.ScoreResults(templates.SampleProvince())
	if err != nil {
		t.Fatal(err)
	}
	prev, err := templates.SamplePreviousResults()
	if err != nil {
		t.Fatal(err)
	}
	cur.Year, cur.Settings.Year, prev.Year = year, year, year-1
	cur.AttachPrevious(prev)
	data, err := cur.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.store.PutDocument(context.Background(), activities.ResultsKey(year), data, "application/json", false); err != nil {
		t.Fatal(err)
	}
	path := "/dot/" + itoa(year) + "/so-sanh"
	page := html.UnescapeString(string(login(t, uLeader).Must(t, http.StatusOK, "GET", path, payload{}, nil)))
	weak := cur.Comparison.Annex("PL01").Weakest[0]
	for _, want := range []string{
		"So sánh kết quả năm 2089 với năm 2088", `<svg class="pair" role="img"`, "Tổng điểm (sau điểm trừ)",
		"I. HẠ TẦNG KỸ THUẬT CÔNG NGHỆ THÔNG TIN", "Tỷ lệ đạt theo lĩnh vực", weak + ". ", "Đạt tối đa 2089",
		"↑", "↓", ">mới<", ">chưa xếp hạng<", "tăng ", "Trung tâm Xúc tiến Đầu tư tỉnh", "UBND cấp huyện (PL02)",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the comparison page lacks %q", want)
		}
	}
	if strings.Contains(page, "Sở Bưu chính, Viễn thông") {
		t.Error("a unit gone this year is listed")
	}
	if st, _, _ := login(t, uSubA).Send(t, "GET", path, payload{}); st != http.StatusForbidden {
		t.Errorf("a unit's submitter: %d", st)
	}
	if st, _, _ := login(t, uLeader).Send(t, "GET", "/dot/2088/so-sanh", payload{}); st != http.StatusNotFound {
		t.Errorf("a year without results: %d", st)
	}

	axe := axePath(t)
	dir := screenshotDir(t)
	ctx := browser(t)
	base := env.srv.URL
	err = within(ctx, 30*time.Second, chromedp.Navigate(base+"/dang-nhap"), chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), uLeader), chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Submit(chromedp.CSS("#login-form")), chromedp.WaitVisible(chromedp.CSS(".who")),
		chromedp.Navigate(base+path), chromedp.WaitVisible(chromedp.CSS("#sections-PL01")))
	if err != nil {
		t.Fatal(err)
	}
	audit(t, ctx, axe, dir, "so-sanh")
}

// TestDashboardRankingShowsChanges renders the dashboard's ranking with
// last year's ranks: each unit's change beside its place, in words for
// screen readers; without last year, no column.
func TestDashboardRankingShowsChanges(t *testing.T) {
	places := []activities.Place{
		{Annex: "PL01", Code: "A", Rank: 1, Final: 9000}, {Annex: "PL01", Code: "B", Rank: 2, Final: 8000},
		{Annex: "PL01", Code: "N", Rank: 3, Final: 7000}, {Annex: "PL01", Code: "X", Rank: 0},
	}
	names := map[string]string{"A": "Sở A", "B": "Sở B", "N": "Sở Mới", "X": "Sở Vắng"}
	prev := scoring.IndexPrevious(&scoring.Results{Year: 2025, Rankings: []scoring.Ranking{{Annex: "PL01", Rows: []scoring.RankRow{
		{Rank: 1, Unit: scoring.Unit{Code: "B"}, Submitted: true, Final: 8500}, {Rank: 2, Unit: scoring.Unit{Code: "A"}, Submitted: true, Final: 8000},
	}}}})
	pages := parsePages()
	render := func(prev *scoring.PreviousResults) string {
		var buf strings.Builder
		if err := pages["dashboard"].ExecuteTemplate(&buf, "dash-rest", dashRest{Ranking: withChanges(ranking(places, names), prev)}); err != nil {
			t.Fatal(err)
		}
		return html.UnescapeString(buf.String())
	}
	got := render(prev)
	for _, want := range []string{"So với năm trước", "↑1 (+10,00)", "tăng 1 bậc, điểm +10,00", "↓1 (−5,00)", ">mới<", "đơn vị mới"} {
		if !strings.Contains(got, want) {
			t.Errorf("the ranking lacks %q", want)
		}
	}
	if plain := render(nil); strings.Contains(plain, "So với năm trước") {
		t.Error("a change column without last year")
	}
}
