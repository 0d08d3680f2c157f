package pages

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ictindex/api/apitest"
	"ictindex/workflows"
)

// preliminaryCampaign opens a campaign with a five-day objection window,
// fills, submits and appraises both units and closes collection: the
// preliminary results are out.
func preliminaryCampaign(t *testing.T, year int) {
	t.Helper()
	as(uAdmin).Must(t, http.StatusCreated, "POST", "/api/campaigns", jsonBody(map[string]any{
		"year": year, "deadline": time.Now().Add(time.Hour), "sample_units": []string{unitA, unitB}, "objection_days": 5,
		"decision": map[string]string{"signer": "Trịnh Xuân Trường"}}), nil)
	waitPhase(t, year, workflows.PhaseCollecting)
	for _, code := range []string{unitA, unitB} {
		as(uAdmin).Must(t, http.StatusOK, "PUT", apitest.UnitPath(year, code, "/figures"), jsonBody(map[string]any{"figures": sample(t, code).Figures}), nil)
		as(uAdmin).Must(t, http.StatusOK, "POST", apitest.UnitPath(year, code, "/submit"), payload{}, nil)
		as(uAppraiser).Must(t, http.StatusOK, "POST", apitest.UnitPath(year, code, "/finish"), payload{}, nil)
	}
	as(uAdmin).Must(t, http.StatusOK, "POST", "/api/campaigns/"+itoa(year)+"/close", payload{}, nil)
	waitPhase(t, year, workflows.PhasePreliminary)
}

// TestObjectionsInBrowser: the unit's preparer finds the preliminary
// results from the unit page, reads the appraised sheet and rank, is told
// what is missing when sending an empty objection, then files one with a
// file at 390 px; the appraiser answers it from the department's page at
// 1366 px; the unit reads the answer. Each page fits 360/390/1366 px and
// passes axe-core.
func TestObjectionsInBrowser(t *testing.T) {
	needStack(t)
	const year = 2063
	y := itoa(year)
	preliminaryCampaign(t, year)
	pdf := filepath.Join(t.TempDir(), "Biên bản họp trực tuyến.pdf")
	if err := os.WriteFile(pdf, pdfBytes(4000), 0o644); err != nil {
		t.Fatal(err)
	}
	base, dir, axe := env.srv.URL, screenshotDir(t), axePath(t)
	signIn := func(name string) []chromedp.Action[chromedp.Void] {
		return []chromedp.Action[chromedp.Void]{chromedp.Navigate(base + "/dang-nhap"), chromedp.WaitVisible("#username"),
			chromedp.SendKeys(chromedp.CSS("#username"), name), chromedp.SendKeys(chromedp.CSS("#password"), password),
			chromedp.Submit(chromedp.CSS("#login-form")), chromedp.WaitVisible(".who")}
	}

	unit := browser(t)
	steps := append([]chromedp.Action[chromedp.Void]{chromedp.EmulateViewport(390, 844)}, signIn(uSubA)...)
	steps = append(steps, chromedp.Navigate(base+"/dot/"+y+"/don-vi/"+unitA), chromedp.WaitVisible(chromedp.CSS("#prelim-link")),
		chromedp.Click(chromedp.CSS("#prelim-link")), chromedp.WaitVisible(chromedp.CSS("#gui-phan-hoi")))
	if err := within(unit, 90*time.Second, steps...); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(unit, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Đang nhận phản hồi", "Xếp hạng sơ bộ", "Bảng điểm đã thẩm định", "III.4"} {
		if !strings.Contains(got, want) {
			t.Errorf("the unit's preliminary page lacks %q", want)
		}
	}
	audit(t, unit, axe, dir, "ket-qua-so-bo-don-vi")
	// An empty objection: the summary names what is missing.
	if err := within(unit, 30*time.Second, chromedp.EmulateViewport(390, 844), chromedp.Click(chromedp.CSS("#send-objection")),
		chromedp.WaitVisible(chromedp.CSS("#error-summary"))); err != nil {
		t.Fatal(err)
	}
	if got, _ := chromedp.Run(unit, chromedp.Text(chromedp.CSS("#error-summary"))); !strings.Contains(got, "Chọn tiêu chí hoặc khoản trừ điểm") {
		t.Errorf("the error summary of an empty objection: %q", got)
	}
	audit(t, unit, axe, dir, "ket-qua-so-bo-loi")
	err = within(unit, 60*time.Second, chromedp.EmulateViewport(390, 844),
		chromedp.SetValue(chromedp.CSS("#o-target"), "c:III.4"), chromedp.SetValue(chromedp.CSS("#o-figure"), "online_meetings"),
		chromedp.SendKeys(chromedp.CSS("#o-value"), "12"),
		chromedp.SendKeys(chromedp.CSS("#o-explanation"), "Đơn vị đã tổ chức 12 cuộc họp trực tuyến; biên bản kèm theo."),
		chromedp.SetUploadFiles(chromedp.CSS("#o-file"), []string{pdf}),
		chromedp.Click(chromedp.CSS("#send-objection")), chromedp.WaitVisible(chromedp.CSS("#o1")))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := chromedp.Run(unit, chromedp.Text(chromedp.CSS("#o1"))); !strings.Contains(got, "chờ trả lời") || !strings.Contains(got, "Biên bản họp trực tuyến.pdf") ||
		!strings.Contains(got, ": 12") {
		t.Errorf("the filed objection: %q", got)
	}
	audit(t, unit, axe, dir, "ket-qua-so-bo-da-phan-hoi")

	dept := browser(t)
	steps = append([]chromedp.Action[chromedp.Void]{chromedp.EmulateViewport(1366, 900)}, signIn(uAppraiser)...)
	steps = append(steps, chromedp.Navigate(base+"/dot/"+y), chromedp.WaitVisible(chromedp.CSS("#objections-link")),
		chromedp.Click(chromedp.CSS("#objections-link")), chromedp.WaitVisible(chromedp.CSS("#answer-1")))
	if err := within(dept, 90*time.Second, steps...); err != nil {
		t.Fatal(err)
	}
	audit(t, dept, axe, dir, "phan-hoi-so")
	// Refused without a reason, then answered.
	if err := within(dept, 30*time.Second, chromedp.EmulateViewport(1366, 900), chromedp.Click(chromedp.CSS("#answer-1")),
		chromedp.WaitVisible(chromedp.CSS("#o1-reason-err"))); err != nil {
		t.Fatal(err)
	}
	err = within(dept, 60*time.Second, chromedp.SendKeys(chromedp.CSS("#o1-reason"), "Biên bản họp khớp lịch công tác của đơn vị"),
		chromedp.Click(chromedp.CSS("#answer-1")), chromedp.WaitVisible(chromedp.CSS("#o1 .answer")))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := chromedp.Run(dept, chromedp.Text(chromedp.CSS("main"))); !strings.Contains(got, "Đã trả lời (1)") || !strings.Contains(got, "chấp nhận") {
		t.Errorf("the department's page after the answer: %q", got)
	}
	audit(t, dept, axe, dir, "phan-hoi-da-tra-loi")
	var st workflows.CampaignStatus
	as(uAdmin).Must(t, http.StatusOK, "GET", "/api/campaigns/"+y, payload{}, &st)
	if len(st.Objections) != 1 || st.Objections[0].Answer == nil || !st.Objections[0].Answer.Accepted || len(st.Objections[0].Evidence) != 1 {
		t.Fatalf("the objection after the browser's answer: %+v", st.Objections)
	}
	// The unit reads the answer.
	if err := within(unit, 30*time.Second, chromedp.EmulateViewport(390, 844), chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#o1 .answer"))); err != nil {
		t.Fatal(err)
	}
	audit(t, unit, axe, dir, "ket-qua-so-bo-da-tra-loi")
}
