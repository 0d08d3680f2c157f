package pages

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"ictindex/api"
	"ictindex/workflows"
)

// TestJourneyInTheBrowser walks a year as its people do, in Chromium,
// with screenshots of every step at 1366 and 390 px: the admin imports
// units into the registry from XLSX, opens a campaign for them, adds a
// preparer and an approver for one unit (who set their passwords with the
// one-time codes) and extends that unit's deadline; the preparer types
// "1.250"-style numbers, sees an error beside a wrong field, fixes it,
// uploads evidence and hands the report over; the approver submits,
// withdraws, and submits again after the preparer hands it over anew; the
// appraiser takes it from the queue, corrects a figure in place, flags a
// criterion and finishes.
func TestJourneyInTheBrowser(t *testing.T) {
	needStack(t)
	const year = 2097
	const (
		uA, uB   = "HT1", "HT2"
		preparer = "cv-ht1"
		approver = "ld-ht1"
		pass     = "mat-khau-hanh-trinh-1"
	)
	y := strconv.Itoa(year)
	dir := screenshotDir(t)
	ctx := browser(t)
	base := env.srv.URL
	step := 0
	type act = chromedp.Action[chromedp.Void]
	shot := func(name string) act {
		return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			step++
			for _, w := range []int64{1366, 390} {
				if _, err := chromedp.EmulateViewport(w, 900)(ctx, tg); err != nil {
					return chromedp.Void{}, err
				}
				buf, err := chromedp.FullScreenshot(100)(ctx, tg)
				if err != nil {
					return chromedp.Void{}, err
				}
				if err := os.WriteFile(filepath.Join(dir, "hanh-trinh-"+twoDigits(step)+"-"+name+"-"+strconv.Itoa(int(w))+".png"), buf, 0o644); err != nil {
					return chromedp.Void{}, err
				}
			}
			_, err := chromedp.EmulateViewport(1366, 900)(ctx, tg)
			return chromedp.Void{}, err
		}
	}
	run := func(what string, steps ...act) {
		t.Helper()
		if err := within(ctx, time.Minute, steps...); err != nil {
			if buf, serr := chromedp.Run(ctx, chromedp.FullScreenshot(100)); serr == nil {
				_ = os.WriteFile(filepath.Join(dir, "hanh-trinh-loi-"+what+".png"), buf, 0o644)
			}
			msg, _ := chromedp.Run(ctx, chromedp.Evaluate[string]("location.href + ' ' + Array.from(document.querySelectorAll('.error, .error-summary, #error-summary, .flash')).map(e => e.textContent).join(' | ')"))
			t.Fatalf("%s: %v (page: %s)", what, err, msg)
		}
	}
	eval := func(expr string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return v
	}
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	js := func(expr string) act {
		return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := chromedp.Evaluate[bool]("(() => { "+expr+"; return true })()")(ctx, tg)
			return chromedp.Void{}, err
		}
	}
	visible := func(sel string) act { return chromedp.WaitVisible(css(sel)) }
	loginAs := func(name, pw string) []act {
		return []act{chromedp.EmulateViewport(1366, 900), chromedp.Navigate(base + "/dang-nhap"), visible("#username"),
			chromedp.SendKeys(css("#username"), name), chromedp.SendKeys(css("#password"), pw),
			chromedp.Submit(css("#login-form")), visible(".who")}
	}
	logout := []act{chromedp.EmulateViewport(1366, 900), chromedp.Click(css("form[action='/dang-xuat'] button")), visible("#username")}
	status := func(want string) {
		t.Helper()
		if st := unitState(t, year, uA); st.Status != want {
			t.Fatalf("unit %s: %s, want %s", uA, st.Status, want)
		}
	}

	// 1. The admin imports two units from XLSX into the registry.
	x := excelize.NewFile()
	for i, row := range [][]string{{"Mã đơn vị", "Tên đơn vị", "Phụ lục", "Đặc điểm", "Thư điện tử"},
		{uA, "Sở Hành Trình", "PL01", "", "vanthu@ht1.gov.vn"}, {uB, "UBND huyện Hành Trình", "PL02", "", ""}} {
		for j, v := range row {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			_ = x.SetCellValue("Sheet1", cell, v)
		}
	}
	xlsx := filepath.Join(t.TempDir(), "danh-muc-don-vi.xlsx")
	if err := x.SaveAs(xlsx); err != nil {
		t.Fatal(err)
	}
	run("admin login", loginAs(uAdmin, password)...)
	run("import units", chromedp.Navigate(base+"/quan-tri/nhap-don-vi"), visible("#import-form"),
		chromedp.SetUploadFiles(css("#f-file"), []string{xlsx}), shot("nhap-danh-muc"),
		chromedp.Submit(css("#import-form")), visible(".flash"), shot("da-nhap-danh-muc"))
	if u, ok, _ := env.users.GetUnit(context.Background(), uA); !ok || u.Name != "Sở Hành Trình" {
		t.Fatalf("unit %s after the import: %+v %v", uA, u, ok)
	}

	// 2. It opens the year's campaign for them, with a preview first.
	run("open campaign", chromedp.Navigate(base+"/dot/mo-moi"), visible("#open-form"),
		chromedp.SetValue(css("#nam"), y), chromedp.SetValue(css("#han-ngay"), y+"-11-20"), chromedp.SetValue(css("#chot"), y+"-11-15"),
		chromedp.Click(css(`button[data-pick="none"][data-annex="PL01"]`)), chromedp.Click(css(`button[data-pick="none"][data-annex="PL02"]`)),
		chromedp.Click(css("#dv-"+uA)), chromedp.Click(css("#dv-"+uB)), shot("mo-dot"),
		chromedp.Click(css("#preview-open")), visible("#confirm-open"), shot("xem-truoc"),
		chromedp.Click(css("#confirm-open")), visible(".flash"))
	cs := waitPhase(t, year, workflows.PhaseCollecting)
	if len(cs.Units) != 2 {
		t.Fatalf("campaign units: %+v", cs.Units)
	}

	// 3. It adds the unit's preparer and approver; each sets a password
	// with the one-time code.
	codes := map[string]string{}
	for _, u := range []struct {
		name string
		role api.Role
	}{{preparer, api.RoleSubmitter}, {approver, api.RoleApprover}} {
		run("add "+u.name, chromedp.Navigate(base+"/quan-tri/them-nguoi-dung"), visible("#add-user-form"),
			chromedp.SendKeys(css("#f-name"), u.name), chromedp.SetValue(css("#f-role"), string(u.role)), chromedp.SetValue(css("#f-unit"), uA),
			chromedp.Submit(css("#add-user-form")), visible("#reset-code"), shot("ma-"+u.name))
		codes[u.name] = eval(`document.getElementById("reset-code").textContent.trim()`)
	}
	// 4. And extends the unit's deadline from the dashboard, with a reason.
	run("extend", chromedp.Navigate(base+"/dot/"+y+"/gia-han/"+uA), visible("#extend-form"),
		chromedp.SetValue(css("#han-ngay"), y+"-11-27"), chromedp.SendKeys(css("#ly-do"), "Sự cố đường truyền của đơn vị"),
		shot("gia-han"), chromedp.Click(css("#extend")), visible(".flash"), shot("da-gia-han"))
	if d := unitState(t, year, uA).Deadline; d.Day() != 27 {
		t.Fatalf("deadline after the extension: %s", d)
	}
	run("admin logout", logout...)
	for name, code := range codes {
		run("redeem "+name, chromedp.Navigate(base+"/tai-khoan/dat-mat-khau"), visible("#reset-form"),
			chromedp.SendKeys(css("#f-name"), name), chromedp.SendKeys(css("#f-code"), code),
			chromedp.SendKeys(css("#f-new"), pass), chromedp.SendKeys(css("#f-new2"), pass),
			chromedp.Submit(css("#reset-form")), visible(".flash"))
	}

	// waitFor polls until the page's address holds a flash key: each
	// action answers with a redirect to the criterion, and the flash of the
	// one before may still be on the page.
	waitFor := func(key string) act {
		return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			for { // an evaluation cut short by the navigation is tried again
				ok, err := chromedp.Evaluate[bool](`location.search.includes("tb=`+key+`") && document.readyState === "complete"`)(ctx, tg)
				if err == nil && ok {
					return chromedp.Void{}, nil
				}
				select {
				case <-ctx.Done():
					return chromedp.Void{}, ctx.Err()
				case <-time.After(100 * time.Millisecond):
				}
			}
		}
	}
	// 5. The preparer fills the form: most figures are there already (the
	// API); the browser types the numbers of II.1.2, one wrong at first.
	figs := sample(t, "SNV").Figures
	for _, k := range []string{"docs_in", "docs_in_updated"} {
		delete(figs, k)
	}
	as(uAdmin).Must(t, 200, "PUT", unitPath(year, uA, "/figures"), jsonBody(map[string]any{"figures": figs}), nil)
	pdf := filepath.Join(t.TempDir(), "Sổ văn bản đến.pdf")
	if err := os.WriteFile(pdf, pdfBytes(3000), 0o644); err != nil {
		t.Fatal(err)
	}
	unitURL := base + "/dot/" + y + "/don-vi/" + uA
	run("preparer login", loginAs(preparer, pass)...)
	run("type", chromedp.Navigate(unitURL), visible("#figures-form"), shot("bieu-mau"),
		chromedp.SendKeys(css("#f-docs_in"), "5.120"), chromedp.SendKeys(css("#f-docs_in_updated"), "4.8"),
		chromedp.Focus(css("#f-docs_out")), chromedp.Sleep(200*time.Millisecond))
	if msg := eval(`document.getElementById("e-docs_in_updated").textContent.trim()`); msg == "" {
		t.Fatal("no error beside the wrong figure after leaving it")
	}
	run("wrong", shot("loi-canh-o"))
	run("fix", js(`document.getElementById("f-docs_in_updated").value = ""`), chromedp.SendKeys(css("#f-docs_in_updated"), "4.800"),
		chromedp.Focus(css("#f-docs_out")), chromedp.Sleep(200*time.Millisecond))
	if msg := eval(`document.getElementById("e-docs_in_updated").textContent.trim()`); msg != "" {
		t.Fatalf("the fixed figure still shows %q", msg)
	}
	run("evidence", chromedp.SetUploadFiles(css(`input[data-criterion="II.1.2"]`), []string{pdf}),
		visible(`ul[data-evidence="II.1.2"] li a`), shot("minh-chung"))
	run("hand over", chromedp.SendKeys(css("#handover-note"), "Kính trình lãnh đạo duyệt"),
		chromedp.Click(css("#hand-over")), waitFor("da-chuyen"), shot("da-chuyen-duyet"))
	st := unitState(t, year, uA)
	if st.Status != workflows.UnitAwaitingApproval || st.Figures["docs_in"] != float64(5120) || st.Figures["docs_in_updated"] != float64(4800) || len(st.Evidence) != 1 {
		t.Fatalf("after hand-over: %s docs_in=%v docs_in_updated=%v evidence %d", st.Status, st.Figures["docs_in"], st.Figures["docs_in_updated"], len(st.Evidence))
	}
	run("preparer logout", logout...)

	// 6. The approver submits, withdraws; the preparer hands it over again
	// and the approver submits once more.
	run("approver login", loginAs(approver, pass)...)
	run("approve", chromedp.Navigate(unitURL), visible("#approve-submit"), shot("duyet"),
		chromedp.Click(css("#approve-submit")), waitFor("da-nop-duyet"))
	status(workflows.UnitSubmitted)
	run("withdraw", visible("#withdraw"), shot("da-gui"), chromedp.Click(css("#withdraw")), waitFor("da-rut-lai"))
	status(workflows.UnitDraft)
	run("approver logout", logout...)
	run("preparer again", append(loginAs(preparer, pass), chromedp.Navigate(unitURL), visible("#hand-over"),
		chromedp.Click(css("#hand-over")), waitFor("da-chuyen"))...)
	run("preparer logout 2", logout...)
	run("approve again", append(loginAs(approver, pass), chromedp.Navigate(unitURL), visible("#approve-submit"),
		chromedp.Click(css("#approve-submit")), waitFor("da-nop-duyet"), shot("gui-lai"))...)
	status(workflows.UnitSubmitted)
	run("approver logout 2", logout...)

	// 7. The appraiser takes it from the queue, corrects a figure and flags
	// a criterion where they are, and finishes.
	run("appraiser login", loginAs(uAppraiser, password)...)
	run("queue", chromedp.Navigate(base+"/tham-dinh?nam="+y), visible("#take-"+uA), shot("hang-cho"),
		chromedp.Click(css("#take-"+uA)), visible("#figures-form, #appraisal"))
	if st := unitState(t, year, uA); st.Appraiser != uAppraiser || st.Status != workflows.UnitUnderAppraisal {
		t.Fatalf("after taking: %q %s", st.Appraiser, st.Status)
	}
	// Opening a form moves focus into it: wait for that before typing.
	focused := func(id string) act {
		return void(chromedp.Poll[bool](`document.activeElement && document.activeElement.id === "` + id + `"`))
	}
	run("correct", chromedp.Click(css("details:has(> #corr-form-docs_in_updated) > summary")), focused("corr-docs_in_updated"),
		chromedp.SetValue(css("#corr-docs_in_updated"), "4.400"), chromedp.SendKeys(css("#corr-reason-docs_in_updated"), "Đối chiếu phần mềm quản lý văn bản"),
		chromedp.Click(css("#corr-btn-docs_in_updated")), waitFor("da-dinh-chinh"), shot("dinh-chinh"))
	run("flag", chromedp.Click(css("details:has(> #flag-form-II-2-5) > summary")), focused("flag-reason-II-2-5"),
		chromedp.SendKeys(css("#flag-reason-II-2-5"), "Không có nhật ký truy cập hộp thư"),
		chromedp.Click(css("#flag-btn-II-2-5")), waitFor("da-gan-co"), shot("gan-co"),
		chromedp.Click(css("#finish")), waitFor("da-tham-dinh"), visible("#final-score"), shot("da-tham-dinh"))
	st = unitState(t, year, uA)
	if st.Status != workflows.UnitAppraised || len(st.Appraisal.Corrections) != 1 || st.Appraisal.Corrections[0].By != uAppraiser ||
		len(st.Appraisal.QualityFlags) != 1 || st.Appraisal.QualityFlags[0].Criterion != "II.2.5" || st.Appraised == nil {
		t.Fatalf("after appraisal: %s %+v", st.Status, st.Appraisal)
	}
	if !strings.Contains(st.Appraisal.Corrections[0].Reason, "Đối chiếu") {
		t.Errorf("correction reason %q", st.Appraisal.Corrections[0].Reason)
	}
	t.Logf("screenshots in %s", dir)
}
