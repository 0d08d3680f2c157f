package pages

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ictindex/api"
	"ictindex/api/apitest"
	"ictindex/scoring"
	"ictindex/workflows"
)

// TestUnitFormShowsLastYear plays 2053 for a unit (two documents, a
// corrected figure), then opens 2054. The 2054 form shows each figure's
// 2053 value as appraised beside its empty input, tied to it; a unit new
// this year shows none. Without JavaScript the unit carries a 2053
// document forward (the figure typed meanwhile is saved too) and the
// check before submitting lists it until it is confirmed; in Chromium,
// with the page's script, it confirms it, and the page passes axe-core
// at 360, 390 and 1366 px before and after.
func TestUnitFormShowsLastYear(t *testing.T) {
	needStack(t)
	const last, year = 2053, 2054
	openCampaign(t, last, time.Now().Add(72*time.Hour), unitB)
	admin := as(uAdmin)
	figs := sample(t, unitB).Figures
	admin.Must(t, http.StatusOK, "PUT", unitPath(last, unitB, "/figures"), jsonBody(map[string]any{"figures": figs}), nil)
	var st workflows.UnitState
	for _, f := range []struct{ crit, name string }{{"I.1", "Danh sách máy tính 2053.pdf"}, {"I.2", "Hợp đồng Internet.pdf"}} {
		as(uSubB).Must(t, http.StatusCreated, "POST", unitPath(last, unitB, "/evidence"), apitest.FileBody(f.crit, f.name, pdfBytes(1200)), &st)
	}
	docs := st.Evidence
	admin.Must(t, http.StatusOK, "POST", unitPath(last, unitB, "/submit"), payload{}, nil)
	const corrected = 1250
	as(uAppraiser).Must(t, http.StatusOK, "POST", unitPath(last, unitB, "/corrections"),
		jsonBody(map[string]any{"figure": "desktops", "value": corrected, "reason": "Đối chiếu sổ tài sản"}), nil)
	as(uAppraiser).Must(t, http.StatusOK, "POST", unitPath(last, unitB, "/finish"), payload{}, nil)
	admin.Must(t, http.StatusOK, "POST", "/api/campaigns/"+itoa(last)+"/close", payload{}, nil)
	waitPhase(t, last, workflows.PhaseDrafted)

	openCampaign(t, year, time.Now().Add(72*time.Hour), unitB, "TPLC")
	const bSub = "dung-lai-stc" // the browser's own user: others spend the shared ones' logins
	if _, found, _ := env.users.Get(context.Background(), bSub); !found {
		if err := env.users.AddUser(context.Background(), "test", bSub, api.RoleSubmitter, unitB, password); err != nil {
			t.Fatal(err)
		}
	}
	sub := login(t, bSub)
	page := unitPage(year, unitB, "")
	body := string(sub.Must(t, http.StatusOK, "GET", page, payload{}, nil))
	want := "Năm 2053: " + scoring.GroupThousands(corrected) + " máy"
	if got := pageText(body, "l-desktops"); got != want {
		t.Errorf("last year's desktops shown as %q, want %q (as appraised)", got, want)
	}
	if v, _ := pageInput(body, "f-desktops"); v != "" {
		t.Errorf("the desktops input is pre-filled with %q", v)
	}
	in := regexp.MustCompile(`<input[^>]*id="f-desktops"[^>]*>`).FindString(body)
	if !regexp.MustCompile(`aria-describedby="[^"]*\bl-desktops\b`).MatchString(in) {
		t.Errorf("the desktops input is not described by last year's value: %s", in)
	}
	if n := strings.Count(body, "Dùng lại tài liệu năm trước</button>"); n != 2 {
		t.Errorf("%d carry buttons, want 2", n)
	}
	newUnit := string(login(t, uAdmin).Must(t, http.StatusOK, "GET", unitPage(year, "TPLC", ""), payload{}, nil))
	if strings.Contains(newUnit, "Năm 2053") || strings.Contains(newUnit, "Dùng lại tài liệu") {
		t.Error("a unit new this year shows last year's values or documents")
	}

	// Without JavaScript: a refused carry, then one carried with a figure typed.
	carry := unitPage(year, unitB, "/dung-lai")
	code, refused, _ := sub.Page().Send(t, "POST", carry, formBody(url.Values{"csrf": {sub.CSRF}, "carry": {docs[0].Key + "|khac"}}))
	if code != http.StatusUnprocessableEntity || !strings.Contains(string(refused), "Chưa dùng lại được tài liệu năm trước") {
		t.Errorf("a document not in last year's record: %d", code)
	}
	code, _, resp := sub.Page().Send(t, "POST", carry, formBody(url.Values{"csrf": {sub.CSRF}, "carry": {docs[0].Key + "|" + docs[0].VersionID}, "f.staff": {"52"}}))
	if loc := resp.Header.Get("Location"); code != http.StatusSeeOther || !strings.Contains(loc, "tb=da-dung-lai") || !strings.HasSuffix(loc, "#c-I.1") {
		t.Fatalf("carry: %d %q", code, loc)
	}
	us := unitState(t, year, unitB)
	if len(us.Evidence) != 1 || us.Evidence[0].CarriedFrom != last || us.Evidence[0].Confirmed || us.Evidence[0].VersionID != docs[0].VersionID {
		t.Fatalf("after carrying: %+v", us.Evidence)
	}
	if us.Figures["staff"] != float64(52) {
		t.Errorf("the figure typed before carrying was not saved: %v", us.Figures["staff"])
	}
	body = string(sub.Must(t, http.StatusOK, "GET", page, payload{}, nil))
	for _, s := range []string{"cần xác nhận lại", `id="unconfirmed"`, "Danh sách máy tính 2053.pdf (tiêu chí I.1)", "dùng lại từ năm 2053"} {
		if !strings.Contains(body, s) {
			t.Errorf("after carrying, the page lacks %q", s)
		}
	}
	if n := strings.Count(body, "Dùng lại tài liệu năm trước</button>"); n != 1 {
		t.Errorf("%d carry buttons after carrying one, want 1", n)
	}

	// In Chromium, with unit.js: the page passes the audit, the unit confirms.
	axe := axePath(t)
	dir := screenshotDir(t)
	ctx := browser(t)
	if err := within(ctx, 30*time.Second, chromedp.EmulateViewport(1366, 900), chromedp.Navigate(env.srv.URL+"/dang-nhap"), chromedp.WaitVisible("#username"),
		chromedp.SendKeys(chromedp.CSS("#username"), bSub), chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Submit(chromedp.CSS("#login-form")), chromedp.WaitVisible(".who"),
		chromedp.Navigate(env.srv.URL+page+"#c-I.1"), chromedp.WaitVisible("#l-desktops")); err != nil {
		t.Fatal(err)
	}
	audit(t, ctx, axe, dir, "dung-lai-can-xac-nhan")
	if err := within(ctx, 30*time.Second, chromedp.EmulateViewport(1366, 900),
		chromedp.Click(chromedp.CSS(`button[formaction$="/xac-nhan-tai-lieu"]`)), chromedp.WaitVisible(".flash")); err != nil {
		t.Fatal(err)
	}
	if us := unitState(t, year, unitB); !us.Evidence[0].Confirmed {
		t.Fatalf("not confirmed after the click: %+v", us.Evidence)
	}
	audit(t, ctx, axe, dir, "dung-lai-da-xac-nhan")
	body = string(sub.Must(t, http.StatusOK, "GET", page, payload{}, nil))
	if strings.Contains(body, `id="unconfirmed"`) || !strings.Contains(body, "đã xác nhận còn hiệu lực") {
		t.Error("after confirming, the page still asks for it")
	}
	t.Logf("screenshots in %s", dir)
}
