package pages

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ictindex/activities"
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
	page := string(login(t, uLeader).Must(t, http.StatusOK, "GET", path, payload{}, nil))
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
