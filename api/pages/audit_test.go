package pages

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"ictindex/workflows"
)

// axePath finds axe-core's browser build: ICTINDEX_AXE, or where
// deploy/install-deps.sh puts it. Under CI its absence fails the test.
func axePath(t *testing.T) string {
	t.Helper()
	cands := []string{os.Getenv("ICTINDEX_AXE")}
	if home, err := os.UserCacheDir(); err == nil {
		cands = append(cands, filepath.Join(home, "ictindex", "axe", "node_modules", "axe-core", "axe.min.js"))
	}
	for _, p := range cands {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("axe-core is not installed (deploy/install-deps.sh installs it from npm)")
	}
	t.Skip("axe-core is not installed (deploy/install-deps.sh)")
	return ""
}

// browser starts a headless Chromium for a test; the context ends with it.
func browser(t *testing.T) context.Context {
	t.Helper()
	exe := chromiumPath(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1366, 900),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	bctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	go func() { // every confirmation dialog is accepted
		for _, err := range chromedp.Events(bctx, page.JavascriptDialogOpening) {
			if err != nil {
				return
			}
			if _, err := chromedp.Call(bctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true}); err != nil {
				return
			}
		}
	}()
	return bctx
}

// screenshotDir is where page screenshots go: ICTINDEX_SCREENSHOTS, or the
// test's temporary folder.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("ICTINDEX_SCREENSHOTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// within runs browser steps with a time limit, so that a page that never
// shows what a step waits for fails the test instead of hanging it.
func within(ctx context.Context, d time.Duration, steps ...chromedp.Action[chromedp.Void]) error {
	sctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return chromedp.Do(sctx, steps...)
}

// void runs an action for its effect only, as a step of chromedp.Do.
func void[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := a(ctx, tg)
		return chromedp.Void{}, err
	}
}

// axeViolation is what the audit keeps of one axe-core finding.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []string `json:"target"`
	} `json:"nodes"`
}

// audit checks the page the browser shows: at 360 and 390 px wide nothing
// is wider than the screen; axe-core finds no serious or critical
// violation; and it leaves screenshots at 1366 and 390 px.
func audit(t *testing.T, ctx context.Context, axe, dir, name string) {
	t.Helper()
	var title string
	var problems []string
	for _, width := range []int64{360, 390, 1366} {
		var sw, cw int
		err := within(ctx, 30*time.Second,
			chromedp.EmulateViewport(width, 900),
			chromedp.Sleep(150*time.Millisecond),
			chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
				var err error
				if sw, err = chromedp.Evaluate[int]("document.documentElement.scrollWidth")(ctx, tg); err != nil {
					return chromedp.Void{}, err
				}
				if cw, err = chromedp.Evaluate[int]("document.documentElement.clientWidth")(ctx, tg); err != nil {
					return chromedp.Void{}, err
				}
				title, err = chromedp.Evaluate[string]("document.title")(ctx, tg)
				if err != nil || width == 360 {
					return chromedp.Void{}, err
				}
				buf, err := chromedp.FullScreenshot(100)(ctx, tg) // quality 100: PNG
				if err != nil {
					return chromedp.Void{}, err
				}
				return chromedp.Void{}, os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, width)), buf, 0o644)
			}))
		if err != nil {
			t.Fatalf("%s at %d px: %v", name, width, err)
		}
		if width < 1000 && sw > cw {
			problems = append(problems, fmt.Sprintf("%d px wide at a %d px screen", sw, width))
		}
	}
	if strings.HasPrefix(title, "Lỗi") {
		t.Errorf("%s: an error page (%q)", name, title)
	}
	js, err := os.ReadFile(axe)
	if err != nil {
		t.Fatal(err)
	}
	run := string(js) + `;axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}})` +
		`.then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => ({target: n.target}))}))))`
	actx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	out, err := chromedp.Run(actx, chromedp.Evaluate[string](run, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: axe-core: %v", name, err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		t.Fatalf("%s: axe-core answered %q", name, out)
	}
	for _, v := range vs {
		if v.Impact == "serious" || v.Impact == "critical" {
			problems = append(problems, fmt.Sprintf("axe %s (%s): %s %v", v.ID, v.Impact, v.Help, v.Nodes))
		}
	}
	for _, p := range problems {
		t.Errorf("%s: %s", name, p)
	}
}

// TestEveryPageFitsAndPassesAxe visits every page each role reaches, at
// 360, 390 and 1366 px, in Chromium: no sideways scrolling on a phone, no
// serious or critical axe-core violation, screenshots of each.
func TestEveryPageFitsAndPassesAxe(t *testing.T) {
	needStack(t)
	axe := axePath(t)
	const year = 2044
	openCampaign(t, year, time.Now().Add(72*time.Hour), unitA, unitB)
	as(uAdmin).Must(t, 200, "PUT", unitPath(year, unitB, "/figures"), jsonBody(map[string]any{"figures": sample(t, unitB).Figures}), nil)
	as(uAdmin).Must(t, 200, "POST", unitPath(year, unitB, "/submit"), payload{}, nil)
	dir := screenshotDir(t)
	ctx := browser(t)
	base := env.srv.URL
	y := itoa(year)
	visit := func(name, path string) {
		t.Helper()
		if err := within(ctx, 30*time.Second, chromedp.EmulateViewport(1366, 900), chromedp.Navigate(base+path), chromedp.WaitReady("body")); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		audit(t, ctx, axe, dir, name)
	}
	loginAs := func(name string) {
		t.Helper()
		if err := within(ctx, 30*time.Second, chromedp.EmulateViewport(1366, 900), chromedp.Navigate(base+"/dang-nhap"), chromedp.WaitVisible("#username"),
			chromedp.SendKeys(chromedp.CSS("#username"), name), chromedp.SendKeys(chromedp.CSS("#password"), password),
			chromedp.Submit(chromedp.CSS("#login-form")), chromedp.WaitVisible(".who")); err != nil {
			t.Fatalf("login %s: %v", name, err)
		}
	}
	logout := func() {
		t.Helper()
		if err := within(ctx, 30*time.Second, chromedp.EmulateViewport(1366, 900), chromedp.Click(chromedp.CSS("form[action='/dang-xuat'] button")), chromedp.WaitVisible("#username")); err != nil {
			t.Fatalf("logout: %v", err)
		}
	}
	visit("dang-nhap", "/dang-nhap")
	waitPhase(t, year, workflows.PhaseCollecting)
	for _, role := range []struct {
		user  string
		pages [][2]string
	}{
		{uSubA, [][2]string{{"don-vi-nhap", "/dot/" + y + "/don-vi/" + unitA}, {"tai-khoan", "/tai-khoan"}}},
		{uAppraiser, [][2]string{{"hang-cho", "/tham-dinh?nam=" + y}, {"tham-dinh-don-vi", "/dot/" + y + "/don-vi/" + unitB}, {"bang-dieu-khien-tham-dinh", "/dot/" + y}}},
		{uAdmin, [][2]string{{"cac-dot", "/dot"}, {"bang-dieu-khien", "/dot/" + y}, {"mo-dot", "/dot/mo-moi"}, {"quan-tri", "/quan-tri"},
			{"nguoi-dung", "/quan-tri/nguoi-dung"}, {"don-vi-danh-muc", "/quan-tri/don-vi"}, {"nhat-ky", "/quan-tri/nhat-ky"}}},
		{uLeader, [][2]string{{"bang-dieu-khien-lanh-dao", "/dot/" + y}}},
	} {
		loginAs(role.user)
		for _, p := range role.pages {
			visit(p[0], p[1])
		}
		logout()
	}
	t.Logf("screenshots in %s", dir)
}
