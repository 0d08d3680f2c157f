package pages

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ictindex/api"
	"ictindex/scoring"
	"ictindex/templates"
	"ictindex/workflows"
)

// The appraiser's view of the unit page: taking the report, correcting a
// figure and flagging a criterion in place, a refused correction shown
// beside its form, the appraised total the workflow gives on finishing,
// and nobody else seeing or posting the forms.

// submitted opens a campaign and submits the units' sample figures.
func submitted(t *testing.T, year int, codes ...string) {
	t.Helper()
	openCampaign(t, year, time.Now().Add(72*time.Hour), codes...)
	for _, code := range codes {
		as(uAdmin).Must(t, http.StatusOK, "PUT", unitPath(year, code, "/figures"), jsonBody(map[string]any{"figures": sample(t, code).Figures}), nil)
		as(uAdmin).Must(t, http.StatusOK, "POST", unitPath(year, code, "/submit"), payload{}, nil)
	}
}

// flagTarget is an applicable criterion other than the one given, to flag.
func flagTarget(t *testing.T, st workflows.UnitState, not string) string {
	t.Helper()
	set, err := templates.Load(st.Ref.Annex)
	if err != nil {
		t.Fatal(err)
	}
	for _, cr := range set.Criteria() {
		if cr.Applies(st.Ref.Flags) && cr.Rule.Kind != scoring.KindDerived && cr.Code != not && strings.Contains(cr.Code, ".") {
			return cr.Code
		}
	}
	t.Fatal("no criterion to flag")
	return ""
}

var apprFinal = regexp.MustCompile(`id="appr-final">([^<]*)<`)

func TestAppraisalInPlace(t *testing.T) {
	needStack(t)
	const year = 2090
	const appraiser, approver = "td-tai-cho", "lanh-dao-td"
	addUser(t, appraiser, api.RoleAppraiser, "")
	addUser(t, approver, api.RoleApprover, unitA)
	submitted(t, year, unitA)
	ap := login(t, appraiser)
	post := func(c caller, path string, form url.Values) (int, string, string) {
		t.Helper()
		form.Set("csrf", c.CSRF)
		st, body, resp := c.Page().Send(t, "POST", path, formBody(form))
		return st, string(body), resp.Header.Get("Location")
	}
	page := func(c caller) string {
		t.Helper()
		return string(c.Must(t, http.StatusOK, "GET", unitPage(year, unitA, ""), payload{}, nil))
	}
	st0 := unitState(t, year, unitA)
	set, err := templates.Load(st0.Ref.Annex)
	if err != nil {
		t.Fatal(err)
	}
	hold := holder(set, st0.Ref.Flags, "it_staff")
	flagged := flagTarget(t, st0, hold)
	fid := strings.ReplaceAll(flagged, ".", "-")

	// Nobody holds the report yet: the page offers to take it, and the
	// forms are beside each figure and criterion.
	// (appraise.js builds each form from the page's template; without
	// JavaScript its link renders it.)
	cardOf := func(body, code string) string {
		t.Helper()
		i := strings.Index(body, `id="c-`+code+`"`)
		if i < 0 {
			t.Fatalf("no card for %s", code)
		}
		card := body[i:]
		return card[:strings.Index(card, "</article>")]
	}
	body := page(ap)
	for _, want := range []string{`action="/tham-dinh/2090/` + unitA + `/nhan"`, `id="take"`, `id="corr-tpl"`, `id="flag-tpl"`, `action="` + unitPage(year, unitA, "/dinh-chinh") + `"`,
		`action="` + unitPage(year, unitA, "/chat-luong") + `"`, `id="finish"`, `id="revision-form"`, `id="email-form"`, `id="corrections"`, `id="history"`, `id="appr-final"`, "appraise.js"} {
		if !strings.Contains(body, want) {
			t.Errorf("the appraiser's page lacks %s", want)
		}
	}
	if strings.Contains(body, `id="correction-form"`) || strings.Contains(body, `id="kiem-tra"`) || strings.Contains(body, "unit.js") {
		t.Error("the old bottom form, the unit's check or the form's script is still on the appraiser's page")
	}
	if card := cardOf(body, hold); !strings.Contains(card, `data-fig="it_staff"`) || !strings.Contains(card, `href="?dc=it_staff#corr-it_staff"`) || !strings.Contains(card, `data-evidence="`+hold+`"`) {
		t.Errorf("criterion %s's card lacks its correction form or its evidence", hold)
	}
	if card := cardOf(body, flagged); !strings.Contains(card, `href="?gc=`+flagged+`#flag-reason-`+fid+`"`) {
		t.Errorf("criterion %s's card lacks its flag form", flagged)
	}
	// Without JavaScript, the links render the forms, in their cards.
	b := string(ap.Must(t, http.StatusOK, "GET", unitPage(year, unitA, "?dc=it_staff"), payload{}, nil))
	card := cardOf(b, hold)
	for _, want := range []string{`<details class="corr" open>`, `id="corr-form-it_staff"`, `name="figure" value="it_staff"`, `id="corr-it_staff"`, `id="corr-reason-it_staff"`, `id="corr-btn-it_staff"`} {
		if !strings.Contains(card, want) {
			t.Errorf("?dc=it_staff: the card lacks %s", want)
		}
	}
	b = string(ap.Must(t, http.StatusOK, "GET", unitPage(year, unitA, "?gc="+flagged), payload{}, nil))
	card = cardOf(b, flagged)
	for _, want := range []string{`id="flag-form-` + fid + `"`, `name="criterion" value="` + flagged + `"`, `id="flag-reason-` + fid + `"`, `id="flag-btn-` + fid + `"`} {
		if !strings.Contains(card, want) {
			t.Errorf("?gc=%s: the card lacks %s", flagged, want)
		}
	}

	// Taking it.
	if st, _, loc := post(ap, "/tham-dinh/"+itoa(year)+"/"+unitA+"/nhan", url.Values{}); st != http.StatusSeeOther || !strings.Contains(loc, "nhan=1") {
		t.Fatalf("take: %d %q", st, loc)
	}
	if st := unitState(t, year, unitA); st.Appraiser != appraiser || st.TakenAt == nil || st.Status != workflows.UnitUnderAppraisal {
		t.Fatalf("after take: %q %v %s", st.Appraiser, st.TakenAt, st.Status)
	}
	body = page(ap)
	if !strings.Contains(body, `id="appraiser">`+appraiser+`<`) || strings.Contains(body, `id="take"`) {
		t.Error("the page does not say who holds the report, or still offers to take it")
	}

	// A correction without a reason is refused beside its form, which is
	// shown open with the value typed; the summary at the top links to it.
	st, body, _ := post(ap, unitPage(year, unitA, "/dinh-chinh"), url.Values{"figure": {"it_staff"}, "value": {"3"}, "reason": {""}})
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("correction without a reason: %d", st)
	}
	for _, want := range []string{`id="error-summary"`, "Chưa ghi nhận được đính chính", `href="#corr-reason-it_staff"`, `id="cre-it_staff"`,
		`id="corr-it_staff" value="3"`, "Nhập lý do đính chính", `aria-describedby="cre-it_staff" aria-invalid="true"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the refused correction's page lacks %s", want)
		}
	}
	form := body[:strings.Index(body, `id="corr-form-it_staff"`)]
	if i := strings.LastIndex(form, `<details class="corr"`); i < 0 || !strings.HasPrefix(form[i:], `<details class="corr" open>`) {
		t.Error("the refused correction's form is not shown open")
	}
	if c := strings.Index(body, `id="c-`+hold+`"`); c < 0 || c > strings.Index(body, `id="cre-it_staff"`) || strings.Index(body, `id="cre-it_staff"`) > strings.Index(body[c:], "</article>")+c {
		t.Error("the error is not in the figure's criterion card")
	}
	if n := len(unitState(t, year, unitA).Appraisal.Corrections); n != 0 {
		t.Fatalf("a refused correction was saved: %d", n)
	}

	// Corrected in place: back at the criterion, with the message.
	st, _, loc := post(ap, unitPage(year, unitA, "/dinh-chinh"), url.Values{"figure": {"it_staff"}, "value": {"2"}, "reason": {"Danh sách chỉ có hai người chuyên trách"}})
	if st != http.StatusSeeOther || !strings.HasSuffix(loc, "?tb=da-dinh-chinh#c-"+hold) {
		t.Fatalf("correct: %d %q", st, loc)
	}
	cs := unitState(t, year, unitA).Appraisal.Corrections
	if len(cs) != 1 || cs[0].Figure != "it_staff" || rawText(cs[0].Value) != "2" || cs[0].Reason != "Danh sách chỉ có hai người chuyên trách" || cs[0].By != appraiser {
		t.Fatalf("corrections: %+v", cs)
	}
	body = string(ap.Must(t, http.StatusOK, "GET", loc[:strings.Index(loc, "#")], payload{}, nil))
	card = cardOf(body, hold)
	for _, want := range []string{"Đã ghi nhận đính chính số liệu", "Danh sách chỉ có hai người chuyên trách", "(" + appraiser + ")", "Điểm thẩm định"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page after correcting lacks %q", want)
		}
	}
	if !strings.Contains(card, `class="corrected"`) || !strings.Contains(card, `data-appr="`+hold+`"`) {
		t.Errorf("criterion %s's card shows no appraised value or points", hold)
	}

	// A flag without a reason is refused beside it; with one, recorded and
	// shown instead of the form.
	st, body, _ = post(ap, unitPage(year, unitA, "/chat-luong"), url.Values{"criterion": {flagged}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, `id="fe-`+fid+`"`) || !strings.Contains(body, `href="#flag-reason-`+fid+`"`) {
		t.Errorf("flag without a reason: %d", st)
	}
	st, _, loc = post(ap, unitPage(year, unitA, "/chat-luong"), url.Values{"criterion": {flagged}, "reason": {"Số liệu không khớp văn bản"}})
	if st != http.StatusSeeOther || !strings.HasSuffix(loc, "?tb=da-gan-co#c-"+flagged) {
		t.Fatalf("flag: %d %q", st, loc)
	}
	if qf := unitState(t, year, unitA).Appraisal.QualityFlags; len(qf) != 1 || qf[0].Criterion != flagged || qf[0].Reason != "Số liệu không khớp văn bản" {
		t.Fatalf("flags: %+v", qf)
	}
	body = page(ap)
	if strings.Contains(cardOf(body, flagged), `details class="flag"`) || !strings.Contains(cardOf(body, flagged), "Số liệu không đảm bảo chất lượng: Số liệu không khớp văn bản") {
		t.Error("the flagged criterion still shows its form, or not its flag")
	}

	// Others see no appraisal forms and may not post them.
	for _, who := range []string{uSubA, approver} {
		c := login(t, who)
		b := page(c)
		for _, no := range []string{"corr-form-", "flag-form-", "corr-tpl", "data-fig=", `id="finish"`, "/dinh-chinh", "/chat-luong", `id="take"`} {
			if strings.Contains(b, no) {
				t.Errorf("%s's page shows %s", who, no)
			}
		}
		for path, form := range map[string]url.Values{"/dinh-chinh": {"figure": {"it_staff"}, "value": {"9"}, "reason": {"x"}},
			"/chat-luong": {"criterion": {hold}, "reason": {"x"}}, "/hoan-thanh": {}} {
			if st, _, _ := post(c, unitPage(year, unitA, path), form); st != http.StatusForbidden {
				t.Errorf("%s posting %s: %d, want 403", who, path, st)
			}
		}
	}
	if a := unitState(t, year, unitA).Appraisal; len(a.Corrections) != 1 || len(a.QualityFlags) != 1 {
		t.Fatalf("others changed the appraisal: %+v", a)
	}

	// The appraised total shown is what finishing gives.
	body = page(ap)
	m := apprFinal.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no appraised total on the page")
	}
	if st, _, _ := post(ap, unitPage(year, unitA, "/hoan-thanh"), url.Values{}); st != http.StatusSeeOther {
		t.Fatalf("finish: %d", st)
	}
	fin := unitState(t, year, unitA)
	if fin.Status != workflows.UnitAppraised || fin.Appraised == nil || fin.Appraised.Final.String() != m[1] {
		t.Fatalf("finished %s with %+v; the page showed %s", fin.Status, fin.Appraised, m[1])
	}
	if fin.Self != nil && fin.Appraised.Final == fin.Self.SelfTotal {
		t.Logf("note: the correction and flag left the total unchanged (%s)", m[1])
	}
	body = page(ap)
	if !strings.Contains(body, `id="final-score">`+m[1]+`<`) || strings.Contains(body, "corr-tpl") {
		t.Error("after finishing: no final score, or the forms remain")
	}
}

// TestAppraisalPageWeight: the appraiser's view of a submitted PL02 unit
// (its largest page: a form per figure) stays under 150 KB with its CSS
// and JavaScript.
func TestAppraisalPageWeight(t *testing.T) {
	needStack(t)
	const year = 2092
	submitted(t, year, "TPLC")
	const appraiser = "td-can-nang"
	addUser(t, appraiser, api.RoleAppraiser, "")
	c := login(t, appraiser)
	assets := 0
	page := c.Must(t, http.StatusOK, "GET", unitPage(year, "TPLC", ""), payload{}, nil)
	// The assets the page loads (the appraiser's script instead of the form's).
	for _, m := range regexp.MustCompile(`(?:href|src)="(/tai-nguyen/[^"]+\.(?:css|js))"`).FindAllSubmatch(page, -1) {
		assets += len(c.Must(t, http.StatusOK, "GET", string(m[1]), payload{}, nil))
	}
	if p := os.Getenv("ICTINDEX_DUMP"); p != "" {
		_ = os.WriteFile(p+"-appraiser.html", page, 0o644)
	}
	if !strings.Contains(string(page), `id="corr-tpl"`) {
		t.Fatal("not the appraiser's view")
	}
	total := len(page) + assets
	t.Logf("PL02 appraiser's view: HTML %d B, with CSS and JS %d B", len(page), total)
	if total > 150_000 {
		t.Errorf("the appraiser's PL02 page weighs %d B (HTML %d B), over 150 KB", total, len(page))
	}
}

// TestAppraisalInBrowser: the appraiser's view in Chromium, before and
// after a correction and with a refused one: nothing wider than a phone,
// no serious axe-core violation, the error summary focused and its link
// moving focus to the field; screenshots at 1366 and 390 px.
func TestAppraisalInBrowser(t *testing.T) {
	needStack(t)
	axe := axePath(t)
	const year = 2091
	const appraiser = "td-trinh-duyet"
	addUser(t, appraiser, api.RoleAppraiser, "")
	submitted(t, year, unitA)
	hold := holder(mustSet(t, unitState(t, year, unitA).Ref.Annex), unitState(t, year, unitA).Ref.Flags, "it_staff")
	sel := "#c-" + strings.ReplaceAll(hold, ".", "\\.")
	dir := screenshotDir(t)
	ctx := browser(t)
	base := env.srv.URL
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := within(ctx, 45*time.Second, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	// parts saves the viewport at the top panel and at the criterion, at
	// both widths, for looking at.
	parts := func(name string, sels ...string) {
		t.Helper()
		for _, w := range []int64{1366, 390} {
			for i, s := range sels {
				do("viewport", chromedp.EmulateViewport(w, 900), chromedp.Sleep(100*time.Millisecond))
				evalIn[any](t, ctx, "scroll", `document.querySelector(`+strconv.Quote(s)+`).scrollIntoView({block: "start"}); 0`)
				buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d-%d.png", name, w, i+1)), buf, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	do("login", chromedp.EmulateViewport(1366, 900), chromedp.Navigate(base+"/dang-nhap"), chromedp.WaitVisible("#username"),
		chromedp.SendKeys(chromedp.CSS("#username"), appraiser), chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Submit(chromedp.CSS("#login-form")), chromedp.WaitVisible(".who"))
	do("open", chromedp.Navigate(base+unitPage(year, unitA, "")), chromedp.WaitVisible("#take"))
	audit(t, ctx, axe, dir, "tham-dinh-truoc")
	parts("tham-dinh-truoc", "#appraisal", sel)
	do("take", chromedp.EmulateViewport(1366, 900), chromedp.Click(chromedp.CSS("#take")))
	waitFor(t, ctx, `location.search.includes("nhan=1") && document.readyState === "complete" && !!document.getElementById("corr-form-it_staff")`)

	// Correct it_staff with the keyboard: open the form, type, send.
	evalIn[any](t, ctx, "focus the summary", `document.getElementById("corr-form-it_staff").parentNode.querySelector("summary").focus(); 0`)
	do("open the form", chromedp.KeyEvent("\r"), chromedp.WaitVisible("#corr-it_staff"))
	waitFor(t, ctx, `document.activeElement && document.activeElement.id === "corr-it_staff"`)
	evalIn[any](t, ctx, "clear", `document.getElementById("corr-it_staff").value = ""; 0`)
	do("correct", chromedp.SendKeys(chromedp.CSS("#corr-it_staff"), "2"),
		chromedp.SendKeys(chromedp.CSS("#corr-reason-it_staff"), "Danh sách chỉ có hai người chuyên trách"),
		chromedp.Click(chromedp.CSS("#corr-btn-it_staff")))
	waitFor(t, ctx, `location.search.includes("tb=da-dinh-chinh") && document.readyState === "complete" && !!document.querySelector(".flash")`)
	if h := evalIn[string](t, ctx, "hash", `location.hash`); h != "#c-"+hold {
		t.Errorf("after correcting at %q, want #c-%s", h, hold)
	}
	if cs := unitState(t, year, unitA).Appraisal.Corrections; len(cs) != 1 || cs[0].By != appraiser {
		t.Fatalf("corrections: %+v", cs)
	}
	audit(t, ctx, axe, dir, "tham-dinh-sau")
	parts("tham-dinh-sau", "#appraisal", sel)

	// A refused correction: the summary is focused, its link moves focus
	// to the reason beside the figure.
	do("viewport", chromedp.EmulateViewport(1366, 900))
	evalIn[any](t, ctx, "open", `document.getElementById("corr-form-it_staff").parentNode.open = true; 0`)
	do("refused", chromedp.SetValue(chromedp.CSS("#corr-it_staff"), "3"), chromedp.Click(chromedp.CSS("#corr-btn-it_staff")), chromedp.WaitVisible("#error-summary"))
	if f := evalIn[string](t, ctx, "focus", `document.activeElement.id`); f != "error-summary" {
		t.Errorf("focus on %q, want the error summary", f)
	}
	do("summary link", chromedp.Click(chromedp.CSS("#error-summary a")))
	if f := evalIn[string](t, ctx, "focus", `document.activeElement.id`); f != "corr-reason-it_staff" {
		t.Errorf("the summary link focused %q", f)
	}
	if v := evalIn[string](t, ctx, "kept", `document.getElementById("corr-it_staff").value`); v != "3" {
		t.Errorf("the typed value is %q after the refusal", v)
	}
	audit(t, ctx, axe, dir, "tham-dinh-loi")
	parts("tham-dinh-loi", "#error-summary", sel)
	t.Logf("screenshots in %s", dir)
}

// waitFor polls the page until a JavaScript condition holds.
func waitFor(t *testing.T, ctx context.Context, cond string) {
	t.Helper()
	for range 100 {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond)); err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	state, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname + location.search + location.hash + " | active=" + (document.activeElement ? document.activeElement.id : "") + " | " + ((document.getElementById("error-summary") || document.querySelector(".flash") || {}).innerText || "")`))
	t.Fatalf("the page never met %s (it shows %s)", cond, state)
}

func mustSet(t *testing.T, annex string) *scoring.Set {
	t.Helper()
	set, err := templates.Load(annex)
	if err != nil {
		t.Fatal(err)
	}
	return set
}
