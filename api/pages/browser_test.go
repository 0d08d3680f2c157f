package pages

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"ictindex/api"
	"ictindex/workflows"
)

// chromiumPath finds the headless browser; the test is skipped without
// one only outside CI.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no Chromium installed, and CI requires the browser test")
	}
	t.Skip("no Chromium installed")
	return ""
}

// TestBrowserJourney drives a real headless Chromium through a campaign:
// a unit fills in, uploads evidence and submits; an appraiser corrects a
// figure and finishes; the admin closes collection; a leader publishes and
// downloads the decision. Each step leaves a full-page screenshot.
func TestBrowserJourney(t *testing.T) {
	needStack(t)
	exe := chromiumPath(t)
	shots := os.Getenv("ICTINDEX_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	const year = 2042
	// The browser logs in as its own users: other tests spend the login
	// attempts of the shared ones.
	const (
		bSub       = "trinh-duyet-snv"
		bAppraiser = "trinh-duyet-tham-dinh"
		bAdmin     = "trinh-duyet-quan-tri"
		bLeader    = "trinh-duyet-lanh-dao"
	)
	for _, u := range []struct {
		name string
		role api.Role
		unit string
	}{{bSub, api.RoleSubmitter, unitA}, {bAppraiser, api.RoleAppraiser, ""}, {bAdmin, api.RoleAdmin, ""}, {bLeader, api.RoleLeader, ""}} {
		if _, found, _ := env.users.Get(context.Background(), u.name); !found {
			if err := env.users.AddUser(context.Background(), "test", u.name, u.role, u.unit, password); err != nil {
				t.Fatal(err)
			}
		}
	}
	codes := []string{unitA, unitB}
	openCampaign(t, year, time.Now().Add(72*time.Hour), codes...)

	// Unit B goes through the API; unit A's figures are set through the
	// API but for the few the browser types.
	typed := map[string]string{"it_staff": "", "steering_committee": ""}
	subA := sample(t, unitA)
	rest := map[string]any{}
	for k, v := range subA.Figures {
		if _, ok := typed[k]; ok {
			typed[k] = rawText(v)
			continue
		}
		rest[k] = v
	}
	if typed["it_staff"] == "" || typed["steering_committee"] == "" {
		t.Fatalf("sample %s lacks the typed figures: %v", unitA, typed)
	}
	as(uAdmin).Must(t, http.StatusOK, "PUT", unitPath(year, unitA, "/figures"), jsonBody(map[string]any{"figures": rest}), nil)
	as(uAdmin).Must(t, http.StatusOK, "PUT", unitPath(year, unitB, "/figures"), jsonBody(map[string]any{"figures": sample(t, unitB).Figures}), nil)
	as(uAdmin).Must(t, http.StatusOK, "POST", unitPath(year, unitB, "/submit"), payload{}, nil)

	pdf := filepath.Join(t.TempDir(), "Quyết định thành lập BCĐ.pdf")
	if err := os.WriteFile(pdf, pdfBytes(3000), 0o644); err != nil {
		t.Fatal(err)
	}

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil { // starts the browser
		t.Fatalf("starting Chromium: %v", err)
	}
	ctx, cancel := context.WithTimeout(bctx, 4*time.Minute)
	defer cancel()
	// Every confirmation dialog is accepted.
	go func() {
		for _, err := range chromedp.Events(ctx, page.JavascriptDialogOpening) {
			if err != nil {
				return
			}
			if _, err := chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true}); err != nil {
				return
			}
		}
	}()
	base := env.srv.URL
	step := 0
	type act = chromedp.Action[chromedp.Void]
	do := func(f func(ctx context.Context, tg *chromedp.Target) error) act {
		return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			return chromedp.Void{}, f(ctx, tg)
		}
	}
	shot := func(name string) act {
		return do(func(ctx context.Context, tg *chromedp.Target) error {
			step++
			buf, err := chromedp.FullScreenshot(100)(ctx, tg)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(shots, twoDigits(step)+"-"+name+".png"), buf, 0o644)
		})
	}
	run := func(what string, actions ...act) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 45*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			if buf, serr := chromedp.Run(ctx, chromedp.FullScreenshot(100)); serr == nil {
				_ = os.WriteFile(filepath.Join(shots, "failed-"+what+".png"), buf, 0o644)
			}
			msg, _ := chromedp.Run(ctx, chromedp.Evaluate[string]("location.href + ' ' + Array.from(document.querySelectorAll('.error, .error-list, .flash')).map(e => e.textContent).join(' | ')"))
			t.Fatalf("%s: %v (page: %s)", what, err, msg)
		}
	}
	text := func(sel string, out *string) act {
		return do(func(ctx context.Context, tg *chromedp.Target) error {
			v, err := chromedp.Evaluate[string]("(document.querySelector("+strconv.Quote(sel)+") || {}).textContent || ''")(ctx, tg)
			*out = v
			return err
		})
	}
	flash := func(want string) act {
		return do(func(ctx context.Context, tg *chromedp.Target) error {
			var got string
			if _, err := text(".flash", &got)(ctx, tg); err != nil {
				return err
			}
			if !strings.Contains(got, want) {
				t.Errorf("flash %q, want %q", got, want)
			}
			return nil
		})
	}
	visible := func(sel string) act { return chromedp.WaitVisible(chromedp.CSS(sel)) }
	// openUntil loads a page until an element shows (the dashboard reads
	// the campaign's status up to a second old).
	openUntil := func(url, sel string) act {
		return do(func(ctx context.Context, tg *chromedp.Target) error {
			for {
				if _, err := chromedp.Navigate(url)(ctx, tg); err != nil {
					return err
				}
				found, err := chromedp.Evaluate[bool]("!!document.querySelector("+strconv.Quote(sel)+")")(ctx, tg)
				if err != nil || found {
					return err
				}
				if _, err := chromedp.Sleep(300*time.Millisecond)(ctx, tg); err != nil {
					return err
				}
			}
		})
	}
	loginAs := func(name string) []act {
		return []act{
			chromedp.Navigate(base + "/dang-nhap"),
			visible("#username"),
			chromedp.SendKeys(chromedp.CSS("#username"), name),
			chromedp.SendKeys(chromedp.CSS("#password"), password),
			chromedp.Submit(chromedp.CSS("#login-form")),
			visible(".who"),
		}
	}
	logout := chromedp.Steps(chromedp.Click(chromedp.CSS("form[action='/dang-xuat'] button")), visible("#username"))
	unitURL := base + unitPage(year, unitA, "")

	// 1. The unit logs in (from the home page), types two figures, saves.
	var self string
	run("home", chromedp.Navigate(base+"/"), visible("#login-form"), shot("dang-nhap"))
	run("unit login", loginAs(bSub)...)
	run("unit form",
		chromedp.Navigate(unitURL), visible("#figures-form"),
		chromedp.SetValue(chromedp.CSS("#f-steering_committee"), typed["steering_committee"]),
		chromedp.SendKeys(chromedp.CSS("#f-it_staff"), typed["it_staff"]),
		chromedp.Sleep(800*time.Millisecond), // the live score answers
		text(`[data-score="I.1"] .pts`, &self),
		shot("don-vi-nhap-lieu"),
		chromedp.Submit(chromedp.CSS("#figures-form")), visible(".flash"), flash("Đã lưu"))
	if strings.TrimSpace(self) == "" {
		t.Errorf("no live score for I.1")
	}
	st := unitState(t, year, unitA)
	if rawText(st.Figures["it_staff"]) != typed["it_staff"] {
		t.Fatalf("it_staff saved as %v, typed %s", st.Figures["it_staff"], typed["it_staff"])
	}
	// 2. Evidence through the file input, with its progress bar.
	run("evidence",
		chromedp.SetUploadFiles(chromedp.CSS(`input[data-criterion="I.1"]`), []string{pdf}),
		visible(`ul[data-evidence="I.1"] li a`),
		shot("minh-chung"))
	if st = unitState(t, year, unitA); len(st.Evidence) != 1 || st.Evidence[0].Uploader != bSub {
		t.Fatalf("evidence: %+v", st.Evidence)
	}
	// 3. Submit, accepting the confirmation.
	run("submit",
		chromedp.Navigate(unitURL), visible("#submit"),
		chromedp.Click(chromedp.CSS("#submit")), visible(".flash"), flash("Đã gửi báo cáo"),
		shot("da-gui"), logout)
	if st = unitState(t, year, unitA); st.Status != workflows.UnitSubmitted {
		t.Fatalf("after submit: %s", st.Status)
	}

	// 4. The appraiser corrects a figure with a reason, then finishes.
	run("appraiser login", loginAs(bAppraiser)...)
	run("correct",
		chromedp.Navigate(unitURL), visible("#finish"),
		chromedp.Click(chromedp.CSS("details:has(> #corr-form-it_staff) > summary")),
		// Opening the form moves focus into it: wait for that before typing.
		void(chromedp.Poll[bool](`document.activeElement && document.activeElement.id === "corr-it_staff"`)),
		chromedp.SetValue(chromedp.CSS("#corr-it_staff"), "1"),
		chromedp.SendKeys(chromedp.CSS("#corr-reason-it_staff"), "Danh sách cán bộ chỉ có một người chuyên trách"),
		chromedp.Click(chromedp.CSS("#corr-btn-it_staff")), visible(".flash"), flash("đính chính"),
		shot("dinh-chinh"),
		chromedp.Click(chromedp.CSS("#finish")), visible("#final-score"), flash("Đã hoàn thành thẩm định"),
		shot("da-tham-dinh"), logout)
	if st = unitState(t, year, unitA); st.Status != workflows.UnitAppraised || len(st.Appraisal.Corrections) != 1 || st.Appraisal.Corrections[0].By != bAppraiser {
		t.Fatalf("after appraisal: %s %+v", st.Status, st.Appraisal.Corrections)
	}
	as(uAppraiser).Must(t, http.StatusOK, "POST", unitPath(year, unitB, "/finish"), payload{}, nil)

	// 5. The admin closes collection from the dashboard.
	run("admin login", loginAs(bAdmin)...)
	run("close",
		openUntil(base+"/dot/"+itoa(year), "#close-collection"), visible("#close-collection"),
		shot("bang-dieu-khien"),
		chromedp.Click(chromedp.CSS("#close-collection")), visible(".flash"), flash("khóa thu thập"),
		logout)
	waitPhase(t, year, workflows.PhaseDrafted)

	// 6. A leader publishes and downloads the decision.
	var href string
	run("leader login", loginAs(bLeader)...)
	run("publish",
		openUntil(base+"/dot/"+itoa(year), "#publish"), visible("#publish"),
		chromedp.SendKeys(chromedp.CSS("#publish-note"), "Đồng ý ban hành"),
		chromedp.Click(chromedp.CSS("#publish")), visible(".flash"), flash("ban hành"),
		visible("svg.chart"),
		do(func(ctx context.Context, tg *chromedp.Target) error {
			r, err := chromedp.AttributeValue(chromedp.CSS("#decision-link"), "href")(ctx, tg)
			href = r.Value
			return err
		}),
		shot("da-ban-hanh"))
	if href == "" {
		t.Fatal("no decision link")
	}
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{base}})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", base+href, nil)
	for _, c := range res.Cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !bytes.HasPrefix(data, []byte("%PDF")) {
		t.Fatalf("decision download: %d %q", resp.StatusCode, data[:min(len(data), 16)])
	}
	cs := waitPhase(t, year, workflows.PhasePublished)
	if !slices.ContainsFunc(cs.History, func(e workflows.Event) bool { return e.By == bLeader }) {
		t.Errorf("publish not recorded by the leader: %+v", cs.History)
	}
	t.Logf("screenshots in %s", shots)
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + itoa(n)
	}
	return itoa(n)
}
