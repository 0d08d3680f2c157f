package pages

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ictindex/workflows"
)

// TestCorrectionInBrowser: a leader issues a corrected decision from the
// dashboard in Chromium; the dashboard lists both issuances, the public
// page shows the correction in force and the replaced one still
// downloadable, and the replaced one's verification page says what
// replaced it. The pages fit 360/390/1366 px and pass axe-core.
func TestCorrectionInBrowser(t *testing.T) {
	needStack(t)
	const year = 2069
	y := itoa(year)
	openCampaign(t, year, time.Now().Add(72*time.Hour), unitA, unitB)
	as(uAdmin).Must(t, http.StatusOK, "POST", "/api/campaigns/"+y+"/close", payload{}, nil)
	waitPhase(t, year, workflows.PhaseDrafted)
	var cs workflows.CampaignStatus
	as(uLeader).Must(t, http.StatusOK, "POST", "/api/campaigns/"+y+"/publish", payload{}, &cs)
	first := cs.Issuances[0]

	base, dir, axe, ctx := env.srv.URL, screenshotDir(t), axePath(t), browser(t)
	const reason = "Sai tên đơn vị tại Phụ lục 01"
	err := within(ctx, 60*time.Second, chromedp.EmulateViewport(1366, 900), chromedp.Navigate(base+"/dang-nhap"), chromedp.WaitVisible("#username"),
		chromedp.SendKeys(chromedp.CSS("#username"), uLeader), chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Submit(chromedp.CSS("#login-form")), chromedp.WaitVisible(".who"),
		chromedp.Navigate(base+"/dot/"+y), chromedp.WaitVisible(chromedp.CSS("#reissue-box summary")),
		chromedp.Click(chromedp.CSS("#reissue-box summary")), chromedp.WaitVisible(chromedp.CSS("#reissue-reason")))
	if err != nil {
		t.Fatal(err)
	}
	audit(t, ctx, axe, dir, "bang-dieu-khien-thay-the")
	err = within(ctx, 60*time.Second, chromedp.EmulateViewport(390, 844),
		chromedp.SendKeys(chromedp.CSS("#reissue-reason"), reason), chromedp.Click(chromedp.CSS("#reissue")),
		chromedp.WaitVisible(chromedp.CSS("#issuances")))
	if err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#issuances")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, "đã được thay thế bởi Quyết định số") || !strings.Contains(got, "đang có hiệu lực") || !strings.Contains(got, reason) {
		t.Errorf("the dashboard's issuances: %q", got)
	}
	audit(t, ctx, axe, dir, "bang-dieu-khien-da-thay-the")

	st := waitPhase(t, year, workflows.PhasePublished)
	if len(st.Issuances) != 2 {
		t.Fatalf("%d issuances after the browser's correction", len(st.Issuances))
	}
	second := st.Issuances[1]
	get := func(path string) (int, string) { t.Helper(); return anonGet(t, path) }
	code, page := get("/cong-khai/" + y)
	if code != http.StatusOK || !strings.Contains(page, second.Number) || !strings.Contains(page, "thay thế Quyết định số "+first.Number) ||
		!strings.Contains(page, "/cong-khai/"+y+"/quyet-dinh/1") {
		t.Errorf("the public page (%d) does not show the correction and the replaced decision", code)
	}
	if code, pdf := get("/cong-khai/" + y + "/quyet-dinh/1"); code != http.StatusOK || !strings.HasPrefix(pdf, "%PDF") {
		t.Errorf("the replaced decision: %d", code)
	}
	oldVerify := strings.TrimPrefix(first.VerifyURL, "http://ictindex.test")
	if code, p := get(oldVerify); code != http.StatusOK || !strings.Contains(p, "đã được thay thế bởi Quyết định số <strong>"+second.Number) {
		t.Errorf("the replaced decision's verification page (%d) does not say it was replaced", code)
	}
	for name, path := range map[string]string{"cong-khai-thay-the": "/cong-khai/" + y, "xac-minh-da-thay-the": oldVerify} {
		if err := within(ctx, 30*time.Second, chromedp.EmulateViewport(1366, 900), chromedp.Navigate(base+path), chromedp.WaitReady("body")); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		audit(t, ctx, axe, dir, name)
	}
}
