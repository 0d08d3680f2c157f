package pages

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"ictindex/api"
	"ictindex/scoring"
	"ictindex/templates"
	"ictindex/workflows"
)

// The unit form, as the person filling it meets it.

// inputValue is the value attribute of the input with the id, or "" and
// false when the page has no such input.
func pageInput(body, id string) (string, bool) {
	m := regexp.MustCompile(`<input[^>]*\bid="` + regexp.QuoteMeta(id) + `"[^>]*>`).FindString(body)
	if m == "" {
		return "", false
	}
	v := regexp.MustCompile(`\bvalue="([^"]*)"`).FindStringSubmatch(m)
	if v == nil {
		return "", true
	}
	return html.UnescapeString(v[1]), true
}

// pageText is the text of the first element with the id.
func pageText(body, id string) string {
	m := regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `"[^>]*>([^<]*)<`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// scoreText is the live score shown for a criterion.
func scoreText(body, code string) string {
	m := regexp.MustCompile(`data-score="` + regexp.QuoteMeta(code) + `">[^<]*<strong class="pts">([^<]*)</strong>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

func TestUnitGroupedNumberSaved(t *testing.T) {
	needStack(t)
	const year = 2081
	openCampaign(t, year, time.Now().Add(72*time.Hour), unitA)
	sub := login(t, uSubA)
	save := unitPage(year, unitA, "/luu")
	st, _, resp := sub.Page().Send(t, "POST", save, formBody(url.Values{"csrf": {sub.CSRF},
		"f.docs_in": {"1.250"}, "f.docs_out": {"1 250 000"}, "f.it_budget": {"314.000.000"}}))
	if st != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "tb=da-luu") {
		t.Fatalf("save: %d %q", st, resp.Header.Get("Location"))
	}
	us := unitState(t, year, unitA)
	for k, want := range map[string]float64{"docs_in": 1250, "docs_out": 1_250_000, "it_budget": 314_000_000} {
		if got, ok := us.Figures[k].(float64); !ok || got != want {
			t.Errorf("%s saved as %#v, want %v", k, us.Figures[k], want)
		}
	}
	// The page shows the saved value back, grouped.
	body := string(sub.Must(t, http.StatusOK, "GET", unitPage(year, unitA, ""), payload{}, nil))
	if v, _ := pageInput(body, "f-docs_in"); v != "1.250" {
		t.Errorf("docs_in shown as %q, want 1.250", v)
	}
	if v, _ := pageInput(body, "f-it_budget"); v != "314.000.000" {
		t.Errorf("it_budget shown as %q, want 314.000.000", v)
	}
	if !strings.Contains(body, `inputmode="numeric"`) || strings.Contains(body, `type="number"`) {
		t.Error("number inputs are not text inputs with a numeric keyboard")
	}
	// Saving the same again runs no update (the draft is saved already).
	n := len(unitState(t, year, unitA).History)
	st, _, resp = sub.Page().Send(t, "POST", save, formBody(url.Values{"csrf": {sub.CSRF}, "f.docs_in": {"1250"}}))
	if st != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "tb=da-luu") {
		t.Errorf("an unchanged save: %d %q", st, resp.Header.Get("Location"))
	}
	if m := len(unitState(t, year, unitA).History); m != n {
		t.Errorf("an unchanged save logged %d events", m-n)
	}
	// An appraiser-style misplaced dot is refused, not read as 125.
	st, body2, _ := sub.Page().Send(t, "POST", save, formBody(url.Values{"csrf": {sub.CSRF}, "f.docs_in": {"1.25"}}))
	if st != http.StatusUnprocessableEntity || !strings.Contains(string(body2), "đúng 3 chữ số") {
		t.Errorf("1.25: %d, want refused with the grouping explained", st)
	}
	if v := unitState(t, year, unitA).Figures["docs_in"]; v != float64(1250) {
		t.Errorf("a refused save changed docs_in to %v", v)
	}
}

func TestUnitBlankFormHasNoErrors(t *testing.T) {
	needStack(t)
	const year = 2082
	openCampaign(t, year, time.Now().Add(72*time.Hour), unitA, "TPLC")
	admin := login(t, uAdmin)
	for _, code := range []string{unitA, "TPLC"} {
		body := string(admin.Must(t, http.StatusOK, "GET", unitPage(year, code, ""), payload{}, nil))
		for _, bad := range []string{"chưa nhập số liệu", "Chưa nhập số liệu", `aria-invalid`, `id="error-summary"`, `class="error"`, "has-error"} {
			if strings.Contains(body, bad) {
				t.Errorf("%s: a blank form shows %q", code, bad)
			}
		}
		for _, m := range regexp.MustCompile(`class="(?:field-error|problem)"[^>]*>([^<]*)<`).FindAllStringSubmatch(body, -1) {
			if strings.TrimSpace(m[1]) != "" {
				t.Errorf("%s: a blank form shows the error %q", code, m[1])
			}
		}
		for _, want := range []string{"Chưa bắt đầu", "Còn ", "Kiểm tra trước khi gửi", `id="live-total"`, `data-evidence="I.1"`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: a blank form lacks %q", code, want)
			}
		}
		if got := scoreText(body, "I.1"); got != "—" {
			t.Errorf("%s: I.1 scored %q on a blank form, want —", code, got)
		}
	}
}

func TestUnitRefusedSaveKeepsTyping(t *testing.T) {
	needStack(t)
	const year = 2083
	openCampaign(t, year, time.Now().Add(72*time.Hour), unitA)
	sub := login(t, uSubA)
	st, raw, _ := sub.Page().Send(t, "POST", unitPage(year, unitA, "/luu"), formBody(url.Values{"csrf": {sub.CSRF},
		"f.staff": {"1.25"}, "f.desktops": {"40"}, "f.it_officer": {"true"}, "f.laptops": {"-2"}}))
	body := string(raw)
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("save: %d", st)
	}
	// What was typed is still there, the bad and the good.
	for id, want := range map[string]string{"f-staff": "1.25", "f-desktops": "40", "f-laptops": "-2"} {
		if v, ok := pageInput(body, id); !ok || v != want {
			t.Errorf("%s holds %q after the refusal, want %q", id, v, want)
		}
	}
	if !strings.Contains(body, `<option value="true" selected>`) {
		t.Error("the yes/no answer typed is lost")
	}
	// The error beside the field, tied to it…
	if msg := pageText(body, "e-staff"); !strings.Contains(msg, "đúng 3 chữ số") {
		t.Errorf("beside staff: %q", msg)
	}
	if msg := pageText(body, "e-laptops"); !strings.Contains(msg, "âm") {
		t.Errorf("beside laptops: %q", msg)
	}
	if !regexp.MustCompile(`id="f-staff"[^>]*aria-describedby="[^"]*e-staff[^"]*"[^>]*aria-invalid="true"`).MatchString(body) {
		t.Error("the staff input is not described by its error, or not marked invalid")
	}
	// …and in the summary at the top, each line a link to its field.
	if !strings.Contains(body, `id="error-summary" role="alert"`) || !strings.Contains(body, "Chưa lưu được") {
		t.Fatal("no error summary")
	}
	summary := body[strings.Index(body, `id="error-summary"`):]
	summary = summary[:strings.Index(summary, "</div>")]
	for _, href := range []string{`href="#f-staff"`, `href="#f-laptops"`} {
		if !strings.Contains(summary, href) {
			t.Errorf("the summary lacks a link %s: %s", href, summary)
		}
	}
	if strings.Contains(summary, "#f-desktops") {
		t.Error("the summary lists a good figure")
	}
	// Nothing was saved, and the page knows what is unsaved.
	if us := unitState(t, year, unitA); len(us.Figures) != 0 {
		t.Errorf("a refused save saved %v", us.Figures)
	}
	if !regexp.MustCompile(`id="f-desktops"[^>]*data-saved=""`).MatchString(body) {
		t.Error("the page does not mark the unsaved value")
	}

	// Submitting with figures missing: refused by the workflow field by
	// field, shown the same way.
	st, raw, _ = sub.Page().Send(t, "POST", unitPage(year, unitA, "/nop"), formBody(url.Values{"csrf": {sub.CSRF}, "f.desktops": {"40"}}))
	body = string(raw)
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "Chưa gửi được báo cáo") {
		t.Fatalf("submitting a blank report: %d", st)
	}
	if msg := pageText(body, "e-staff"); !strings.Contains(msg, "nhập số người") {
		t.Errorf("beside staff after submitting: %q", msg)
	}
	if !strings.Contains(body, `<a href="#f-staff">`) {
		t.Error("the summary does not link the missing staff figure")
	}
	if us := unitState(t, year, unitA); us.Status != workflows.UnitDraft || us.Figures["desktops"] != float64(40) {
		t.Errorf("after the refused submission: %s %v (the typed figure is saved first)", us.Status, us.Figures)
	}
}

// TestUnitLiveScoreIsTheSubmitted: a campaign with its own holidays and
// cut-off scores II.2.5 (accesses per working day) with them, live as on
// submission.
func TestUnitLiveScoreIsTheSubmitted(t *testing.T) {
	needStack(t)
	const year = 2084
	holidays := []scoring.Date{{Year: year, Month: 2, Day: 5}, {Year: year, Month: 2, Day: 6}, {Year: year, Month: 2, Day: 7},
		{Year: year, Month: 2, Day: 8}, {Year: year, Month: 2, Day: 9}, {Year: year, Month: 4, Day: 16}, {Year: year, Month: 9, Day: 3}}
	cut := scoring.Date{Year: year, Month: 10, Day: 30}
	as(uAdmin).Must(t, http.StatusCreated, "POST", "/api/campaigns", jsonBody(map[string]any{
		"year": year, "deadline": time.Now().Add(72 * time.Hour), "sample_units": []string{unitA},
		"holidays": holidays, "cut_off": cut,
		"decision": map[string]string{"number": "15/QĐ-UBND", "signer": "Trịnh Xuân Trường"}}), nil)
	waitPhase(t, year, workflows.PhaseCollecting)

	figs := sample(t, unitA).Figures
	figs["mailbox_accesses"] = 390
	as(uAdmin).Must(t, http.StatusOK, "PUT", unitPath(year, unitA, "/figures"), jsonBody(map[string]any{"figures": figs}), nil)
	us := unitState(t, year, unitA)
	if us.Settings == nil || us.Settings.WorkingDays == scoring.DefaultSettings(year).WorkingDays {
		t.Fatalf("the campaign's settings are not the defaults' ones: %+v", us.Settings)
	}
	set := templates.MustLoad(scoring.AnnexPL01)
	own, err := set.Evaluate("II.2.5", figs, us.Settings)
	if err != nil {
		t.Fatal(err)
	}
	def := scoring.DefaultSettings(year)
	other, _ := set.Evaluate("II.2.5", figs, &def)
	if own.Points == other.Points {
		t.Fatalf("the test figures score II.2.5 alike with both settings (%s)", own.Points)
	}

	sub := login(t, uSubA)
	body := string(sub.Must(t, http.StatusOK, "GET", unitPage(year, unitA, ""), payload{}, nil))
	if got := scoreText(body, "II.2.5"); got != own.Points.String() {
		t.Errorf("live II.2.5 = %q, want %s (the campaign's working days; the defaults give %s)", got, own.Points, other.Points)
	}
	live := pageText(body, "live-total")
	if !strings.Contains(body, "đúng điểm khi gửi") {
		t.Errorf("the live total %s is not marked complete", live)
	}
	// The live endpoint agrees.
	var pv struct {
		Scores   map[string]previewScore `json:"scores"`
		Total    string                  `json:"total"`
		Complete bool                    `json:"complete"`
	}
	sub.Must(t, http.StatusOK, "POST", unitPage(year, unitA, "/diem-tam-tinh"), jsonBody(map[string]any{"figures": figs}), &pv)
	if pv.Scores["II.2.5"].Points != own.Points.String() || pv.Total != live || !pv.Complete {
		t.Errorf("preview: II.2.5 %+v, total %s complete %v; page %s", pv.Scores["II.2.5"], pv.Total, pv.Complete, live)
	}
	// Submitting through the page gives the same self score.
	st, _, resp := sub.Page().Send(t, "POST", unitPage(year, unitA, "/nop"), formBody(url.Values{"csrf": {sub.CSRF}}))
	if st != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "tb=da-nop") {
		t.Fatalf("submit: %d %q", st, resp.Header.Get("Location"))
	}
	us = unitState(t, year, unitA)
	if us.Self == nil || us.Self.SelfTotal.String() != live {
		t.Fatalf("submitted self score %v, live %s", us.Self, live)
	}
}

// TestUnitPageWeight: a PL02 unit's page (the larger annex), filled in
// or blank, stays under 150 KB with its CSS and JavaScript.
func TestUnitPageWeight(t *testing.T) {
	needStack(t)
	const year = 2085
	openCampaign(t, year, time.Now().Add(72*time.Hour), "TPLC", "HBX")
	as(uAdmin).Must(t, http.StatusOK, "PUT", unitPath(year, "TPLC", "/figures"), jsonBody(map[string]any{"figures": sample(t, "TPLC").Figures}), nil)
	admin := login(t, uAdmin)
	assets := 0
	for _, f := range []string{"/tai-nguyen/style.css", "/tai-nguyen/app.js", "/tai-nguyen/unit.css", "/tai-nguyen/unit.js"} {
		assets += len(admin.Must(t, http.StatusOK, "GET", f, payload{}, nil))
	}
	for code, what := range map[string]string{"TPLC": "filled", "HBX": "blank"} {
		page := admin.Must(t, http.StatusOK, "GET", unitPage(year, code, ""), payload{}, nil)
		if p := os.Getenv("ICTINDEX_DUMP"); p != "" {
			_ = os.WriteFile(p+"-"+what+".html", page, 0o644)
		}
		total := len(page) + assets
		t.Logf("PL02 unit page, %s: HTML %d B, with CSS and JS %d B", what, len(page), total)
		if total > 150_000 {
			t.Errorf("the %s PL02 unit page weighs %d B (HTML %d B), over 150 KB", what, total, len(page))
		}
	}
}

// newBrowser starts a headless Chromium for a test.
func newBrowser(t *testing.T, width, height int) (context.Context, context.CancelFunc) {
	t.Helper()
	exe := chromiumPath(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(width, height),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelB := chromedp.NewContext(actx)
	if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil {
		cancelB()
		cancelA()
		t.Fatalf("starting Chromium: %v", err)
	}
	ctx, cancelT := context.WithTimeout(bctx, 3*time.Minute)
	return ctx, func() { cancelT(); cancelB(); cancelA() }
}

// evalIn evaluates a JavaScript expression in the page.
func evalIn[T any](t *testing.T, ctx context.Context, what, expr string, opts ...chromedp.EvaluateOption) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, opts...))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// TestUnitFormInBrowser: the form at phone and desktop widths, never wider
// than the screen; a number typed plainly is shown back grouped, a bad one
// is explained once the field is left; the autosave saves the changed
// figure; axe-core (when ICTINDEX_AXE names axe.min.js) finds nothing
// serious. Screenshots go to ICTINDEX_SCREENSHOTS when set.
func TestUnitFormInBrowser(t *testing.T) {
	needStack(t)
	const year = 2086
	const bSub = "trinh-duyet-don-vi"
	if _, found, _ := env.users.Get(context.Background(), bSub); !found {
		if err := env.users.AddUser(context.Background(), "test", bSub, api.RoleSubmitter, unitA, password); err != nil {
			t.Fatal(err)
		}
	}
	openCampaign(t, year, time.Now().Add(72*time.Hour), unitA, unitB)
	// Part of the form filled, so that the shots show every state.
	figs := sample(t, unitA).Figures
	for k := range figs {
		if strings.HasPrefix(k, "docs_") || strings.HasPrefix(k, "apps_") || strings.HasPrefix(k, "procedures") || strings.HasPrefix(k, "results_") {
			delete(figs, k)
		}
	}
	as(uAdmin).Must(t, http.StatusOK, "PUT", unitPath(year, unitA, "/figures"), jsonBody(map[string]any{"figures": figs}), nil)
	shots := os.Getenv("ICTINDEX_SCREENSHOTS")
	if shots != "" {
		if err := os.MkdirAll(shots, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var axe string
	if p := os.Getenv("ICTINDEX_AXE"); p != "" {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		axe = string(b)
	}

	ctx, cancel := newBrowser(t, 1366, 900)
	defer cancel()
	// Dialogs are accepted; a warning before leaving with unsaved changes
	// is counted.
	var leaveWarnings atomic.Int32
	go func() {
		for ev, err := range chromedp.Events(ctx, page.JavascriptDialogOpening) {
			if err != nil {
				return
			}
			if ev.Type == page.DialogTypeBeforeunload {
				leaveWarnings.Add(1)
			}
			if _, err := chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true}); err != nil {
				return
			}
		}
	}()
	base := env.srv.URL
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 45*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	type css = chromedp.CSS
	do("login", chromedp.Navigate(base+"/dang-nhap"), chromedp.WaitVisible(css("#username")),
		chromedp.SendKeys(css("#username"), bSub), chromedp.SendKeys(css("#password"), password),
		chromedp.Submit(css("#login-form")), chromedp.WaitVisible(css(".who")))
	// wide says what makes the page scroll sideways at a width, if anything.
	wide := func(width int) string {
		do(fmt.Sprintf("width %d", width), chromedp.EmulateViewport(int64(width), 800), chromedp.Sleep(200*time.Millisecond))
		return evalIn[string](t, ctx, "width", `(() => { const d = document.documentElement, w = d.clientWidth;
			if (d.scrollWidth <= w) return "";
			for (const el of document.querySelectorAll("body *")) { const r = el.getBoundingClientRect();
				if (r.right > w + 1 && r.width > 0) return el.tagName + "." + el.className + "#" + el.id + " right " + Math.round(r.right) + " > " + w; }
			return "scrollWidth " + d.scrollWidth + " > " + w; })()`)
	}
	// shot saves the viewport scrolled to each selector in turn.
	shot := func(name string, sels ...string) {
		if shots == "" {
			return
		}
		for i, sel := range sels {
			evalIn[any](t, ctx, "scroll", `(document.querySelector(`+strconv.Quote(sel)+`) || document.body).scrollIntoView({block: "start"}); 0`)
			do("settle", chromedp.Sleep(100*time.Millisecond))
			buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(shots, fmt.Sprintf("%s-%d.png", name, i+1)), buf, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	type violation struct {
		ID     string `json:"id"`
		Impact string `json:"impact"`
		Help   string `json:"help"`
		Nodes  int    `json:"nodes"`
		Target string `json:"target"`
	}
	axeCheck := func(name string) {
		if axe == "" {
			return
		}
		evalIn[any](t, ctx, "axe", axe+";0")
		type result struct {
			Passes     int         `json:"passes"`
			Violations []violation `json:"violations"`
		}
		out := evalIn[result](t, ctx, "axe "+name, `axe.run(document).then(r => ({passes: r.passes.length,
			violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length, target: String(v.nodes[0].target)}))}))`,
			chromedp.EvalAwaitPromise)
		if out.Passes == 0 {
			t.Errorf("axe %s ran no rule", name)
		}
		t.Logf("axe %s: %d rules passed, %d violations", name, out.Passes, len(out.Violations))
		res := out.Violations
		for _, v := range res {
			if v.Impact == "serious" || v.Impact == "critical" {
				t.Errorf("axe %s: %s (%s) on %d nodes, first %s: %s", name, v.ID, v.Impact, v.Nodes, v.Target, v.Help)
			} else {
				t.Logf("axe %s: %s (%s) on %d nodes: %s", name, v.ID, v.Impact, v.Nodes, v.Help)
			}
		}
	}
	unit := base + unitPage(year, unitA, "")
	do("open", chromedp.EmulateViewport(1366, 900), chromedp.Navigate(unit), chromedp.WaitVisible(css("#figures-form")))
	places := []string{"main", ".tasks", "#c-I\\.1", "#c-II\\.1\\.2", "#c-IV\\.2\\.1", "#kiem-tra"}
	shot("don-vi-1366", places...)
	axeCheck("1366")
	for _, w := range []int{1366, 1000, 390, 360} {
		if why := wide(w); why != "" {
			t.Errorf("the unit page at %d px scrolls sideways: %s", w, why)
		}
	}
	do("390", chromedp.EmulateViewport(390, 844))
	shot("don-vi-390", places...)
	axeCheck("390")
	// Nothing red on a form being filled.
	if n := evalIn[int](t, ctx, "red", `[...document.querySelectorAll(".field-error, .problem, [aria-invalid]")].filter(e => e.textContent.trim() || e.hasAttribute("aria-invalid")).length`); n != 0 {
		t.Errorf("%d error marks on a form nobody has saved", n)
	}

	// Typing: "1250" is shown back as 1.250 when the field is left, and
	// saved by the autosave; "1.25" is explained beside its field.
	do("type", chromedp.SendKeys(css("#f-docs_in"), "1250"), chromedp.SendKeys(css("#f-docs_in_updated"), "1.25"),
		chromedp.Focus(css("#f-docs_out")))
	if v := evalIn[string](t, ctx, "value", `document.getElementById("f-docs_in").value`); v != "1.250" {
		t.Errorf("1250 shown back as %q, want 1.250", v)
	}
	if msg := evalIn[string](t, ctx, "error", `document.getElementById("e-docs_in_updated").textContent`); !strings.Contains(msg, "đúng 3 chữ số") {
		t.Errorf("beside 1.25: %q", msg)
	}
	if d := evalIn[string](t, ctx, "described", `document.getElementById("f-docs_in_updated").getAttribute("aria-describedby") + " " + document.getElementById("f-docs_in_updated").getAttribute("aria-invalid")`); !strings.Contains(d, "e-docs_in_updated") || !strings.HasSuffix(d, "true") {
		t.Errorf("the bad input is described by %q", d)
	}
	do("autosave", chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Poll[bool](`document.getElementById("save-status").textContent.startsWith("Đã lưu lúc")`,
			chromedp.WithPollingTimeout(10*time.Second))(ctx, tg)
		return chromedp.Void{}, err
	}))
	status := evalIn[string](t, ctx, "status", `document.getElementById("save-status").textContent`)
	us := unitState(t, year, unitA)
	if got := us.Figures["docs_in"]; got != float64(1250) {
		t.Errorf("autosaved docs_in = %v", got)
	}
	if _, ok := us.Figures["docs_in_updated"]; ok {
		t.Error("the bad figure was saved")
	}
	if !strings.Contains(status, "có lỗi chưa lưu") {
		t.Errorf("save status %q does not say a figure is not saved", status)
	}
	if p := evalIn[string](t, ctx, "progress", `document.querySelector('[data-tag="II"]').textContent`); !strings.HasPrefix(p, "Đang nhập — còn ") {
		t.Errorf("section II's tag: %q", p)
	}
	shot("don-vi-390-loi", "#c-II\\.1\\.2", ".savebar")
	// Saving with the bad figure: the summary at the top, linked to it.
	do("save with an error", chromedp.Click(css("#save")), chromedp.WaitVisible(css("#error-summary")))
	if s := evalIn[string](t, ctx, "summary", `document.getElementById("error-summary").textContent`); !strings.Contains(s, "Chưa lưu được") || !strings.Contains(s, "đúng 3 chữ số") {
		t.Errorf("summary %q", s)
	}
	if f := evalIn[string](t, ctx, "focus", `document.activeElement.id`); f != "error-summary" {
		t.Errorf("focus on %q, want the summary", f)
	}
	do("summary link", chromedp.Click(css("#error-summary a")))
	if f := evalIn[string](t, ctx, "focus", `document.activeElement.id`); f != "f-docs_in_updated" {
		t.Errorf("the summary link focused %q", f)
	}
	axeCheck("errors")
	shot("don-vi-390-tom-tat-loi", "main")

	// Leaving with the refused figure unsaved warns first.
	do("leave", chromedp.Click(css("form[action='/dang-xuat'] button")), chromedp.WaitVisible(css("#username")))
	if leaveWarnings.Load() == 0 {
		t.Error("leaving with unsaved changes did not warn")
	}

	// The appraiser's view of a submitted report fits the phone too.
	as(uAdmin).Must(t, http.StatusOK, "PUT", unitPath(year, unitB, "/figures"), jsonBody(map[string]any{"figures": sample(t, unitB).Figures}), nil)
	as(uAdmin).Must(t, http.StatusOK, "POST", unitPath(year, unitB, "/submit"), payload{}, nil)
	const bAppraiser = "trinh-duyet-td"
	if _, found, _ := env.users.Get(context.Background(), bAppraiser); !found {
		if err := env.users.AddUser(context.Background(), "test", bAppraiser, api.RoleAppraiser, "", password); err != nil {
			t.Fatal(err)
		}
	}
	do("appraiser", chromedp.SendKeys(css("#username"), bAppraiser), chromedp.SendKeys(css("#password"), password),
		chromedp.Submit(css("#login-form")), chromedp.WaitVisible(css(".who")),
		chromedp.Navigate(base+unitPage(year, unitB, "")), chromedp.WaitVisible(css("#finish")))
	for _, w := range []int{1366, 390, 360} {
		if why := wide(w); why != "" {
			t.Errorf("the appraiser's unit page at %d px scrolls sideways: %s", w, why)
		}
	}
	do("390", chromedp.EmulateViewport(390, 844))
	shot("tham-dinh-390", "#c-I\\.1", "#appraisal")
	axeCheck("appraiser")
}

// addUser adds a test user once (enabled again if an earlier test left it
// disabled). An approver is disabled when the test ends, so that other
// tests' preparers of the same unit may still submit directly.
func addUser(t *testing.T, name string, role api.Role, unit string) {
	t.Helper()
	ctx := context.Background()
	if _, found, _ := env.users.Get(ctx, name); !found {
		if err := env.users.AddUser(ctx, "test", name, role, unit, password); err != nil {
			t.Fatal(err)
		}
	} else if err := env.users.SetDisabled(ctx, "test", name, false); err != nil {
		t.Fatal(err)
	}
	if role == api.RoleApprover {
		t.Cleanup(func() { _ = env.users.SetDisabled(ctx, "test", name, true) })
	}
}

// TestUnitApproverSteps: the preparer hands the report to the unit's
// approver, who returns it with a note or submits it, and may withdraw it
// before an appraiser takes it; each from the page, with the role checked.
func TestUnitApproverSteps(t *testing.T) {
	needStack(t)
	const year = 2087
	const approverA, approverB = "lanh-dao-a", "lanh-dao-b"
	addUser(t, approverA, api.RoleApprover, unitA)
	addUser(t, approverB, api.RoleApprover, unitB)
	openCampaign(t, year, time.Now().Add(72*time.Hour), unitA, unitB)
	sub, appr, other := login(t, uSubA), login(t, approverA), login(t, approverB)
	post := func(c caller, path string, form url.Values) (int, string, string) {
		t.Helper()
		form.Set("csrf", c.CSRF)
		st, body, resp := c.Page().Send(t, "POST", unitPage(year, unitA, path), formBody(form))
		return st, string(body), resp.Header.Get("Location")
	}
	page := func(c caller) string {
		t.Helper()
		return string(c.Must(t, http.StatusOK, "GET", unitPage(year, unitA, ""), payload{}, nil))
	}
	status := func() string { t.Helper(); return unitState(t, year, unitA).Status }

	// The preparer sees the hand-over; a blank report is refused field by field.
	if body := page(sub); !strings.Contains(body, `id="hand-over"`) || !strings.Contains(body, "Chuyển lãnh đạo đơn vị duyệt") {
		t.Fatal("the preparer has no hand-over button")
	}
	st, body, _ := post(sub, "/chuyen-duyet", url.Values{"note": {"Nhờ anh xem"}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "Chưa chuyển được cho lãnh đạo đơn vị") || !strings.Contains(body, `href="#f-staff"`) {
		t.Fatalf("handing over a blank report: %d", st)
	}
	// With every figure, typed in the same form, it goes through.
	form := url.Values{"note": {"Nhờ anh xem"}}
	for k, v := range sample(t, unitA).Figures {
		form.Set("f."+k, rawText(v))
	}
	if st, _, loc := post(sub, "/chuyen-duyet", form); st != http.StatusSeeOther || !strings.Contains(loc, "tb=da-chuyen") {
		t.Fatalf("hand-over: %d %q", st, loc)
	}
	if s := status(); s != workflows.UnitAwaitingApproval {
		t.Fatalf("after the hand-over: %s", s)
	}
	if body := page(sub); strings.Contains(body, `id="figures-form"`) || !strings.Contains(body, "chờ lãnh đạo đơn vị duyệt") {
		t.Error("the preparer can still edit a report awaiting approval, or is not told why not")
	}
	// Only the unit's own approver (or an admin) acts on it.
	body = page(appr)
	for _, want := range []string{`id="approve-submit"`, `id="return-note"`, "Trả lại chuyên viên", "Duyệt báo cáo"} {
		if !strings.Contains(body, want) {
			t.Errorf("the approver's page lacks %s", want)
		}
	}
	if strings.Contains(body, `id="figures-form"`) {
		t.Error("the approver's page is editable")
	}
	for _, c := range []caller{sub, other, login(t, uAppraiser)} {
		if st, body, _ := post(c, "/gui-bao-cao", url.Values{}); st != http.StatusForbidden || !vietnamese(body) {
			t.Errorf("%s submitting as the approver: %d", c.Name, st)
		}
	}
	if s := status(); s != workflows.UnitAwaitingApproval {
		t.Fatalf("a refused approval changed the status to %s", s)
	}
	// Returning needs a note, beside its field and in the summary.
	st, body, _ = post(appr, "/tra-lai-chuyen-vien", url.Values{"note": {"  "}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(pageText(body, "e-return-note"), "lý do") || !strings.Contains(body, `href="#return-note"`) {
		t.Errorf("returning without a note: %d", st)
	}
	if st, _, loc := post(appr, "/tra-lai-chuyen-vien", url.Values{"note": {"Số văn bản đến chưa khớp sổ"}}); st != http.StatusSeeOther || !strings.Contains(loc, "tb=da-tra-cv") {
		t.Fatalf("return: %d %q", st, loc)
	}
	if s := status(); s != workflows.UnitDraft {
		t.Fatalf("after the return: %s", s)
	}
	if body := page(sub); !strings.Contains(body, "Số văn bản đến chưa khớp sổ") || !strings.Contains(body, `id="figures-form"`) {
		t.Error("the preparer does not see the approver's note, or cannot edit again")
	}
	// Handed over again, the approver submits.
	if st, _, _ := post(sub, "/chuyen-duyet", url.Values{}); st != http.StatusSeeOther {
		t.Fatalf("second hand-over: %d", st)
	}
	if st, _, loc := post(appr, "/gui-bao-cao", url.Values{}); st != http.StatusSeeOther || !strings.Contains(loc, "tb=da-nop-duyet") {
		t.Fatalf("the approver's submission: %d %q", st, loc)
	}
	us := unitState(t, year, unitA)
	if us.Status != workflows.UnitSubmitted || us.Self == nil {
		t.Fatalf("after the approver submitted: %s %v", us.Status, us.Self)
	}
	// Not yet taken by an appraiser: the approver may withdraw it.
	if body := page(appr); !strings.Contains(body, `id="withdraw"`) {
		t.Error("the approver cannot withdraw a submitted report")
	}
	if body := page(sub); strings.Contains(body, `id="withdraw"`) {
		t.Error("the preparer is offered the withdrawal")
	}
	if st, _, _ := post(sub, "/rut-lai", url.Values{}); st != http.StatusForbidden {
		t.Errorf("the preparer withdrawing: %d", st)
	}
	if st, _, loc := post(appr, "/rut-lai", url.Values{"note": {"Bổ sung tài liệu"}}); st != http.StatusSeeOther || !strings.Contains(loc, "tb=da-rut-lai") {
		t.Fatalf("withdraw: %d %q", st, loc)
	}
	if us := unitState(t, year, unitA); us.Status != workflows.UnitDraft || us.SubmittedAt != nil {
		t.Errorf("after the withdrawal: %s %v", us.Status, us.SubmittedAt)
	}
}
