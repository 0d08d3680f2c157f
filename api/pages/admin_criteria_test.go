package pages

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ictindex/templates"
)

func dtiSet(t *testing.T, annex string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "templates", "testdata", "sets", "dti-2026-"+annex+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestCriteriaPage: the admin sees the built-in sets, imports a new
// decision's set from its file and finds it listed with its hash; a
// broken file is refused with every problem and stores nothing; the set
// is then offered when opening a campaign.
func TestCriteriaPage(t *testing.T) {
	needStack(t)
	admin := login(t, uAdmin)
	st, body, _ := adminGet(t, admin, "/quan-tri/bo-tieu-chi")
	if st != http.StatusOK {
		t.Fatalf("criteria page: %d", st)
	}
	adminHas(t, "criteria page", body, "3299-PL01", "3299-PL02", "Có sẵn trong chương trình", `id="f-file"`)

	raw := dtiSet(t, "HUYEN")
	bad := strings.Replace(string(raw), "figures: [data_platform]", "figures: [data_platfrom]", 1)
	st, body = postFile(t, admin, "/quan-tri/bo-tieu-chi", admin.CSRF, "sai.yaml", []byte(bad))
	if st != http.StatusUnprocessableEntity {
		t.Errorf("broken set: %d", st)
	}
	adminHas(t, "broken set", body, `role="alert"`, "Chưa nhập", "data_platfrom", `href="#f-file"`, `aria-invalid="true"`)
	if strings.Contains(body, "12-HUYEN</span></th>") {
		t.Error("the broken set is listed")
	}
	before := auditTotal(t)
	st, body = postFile(t, admin, "/quan-tri/bo-tieu-chi", admin.CSRF, "dti-2026-HUYEN.yaml", raw)
	if st != http.StatusSeeOther {
		t.Fatalf("import: %d %s", st, body)
	}
	if auditTotal(t) != before+1 {
		t.Error("the import is not in the audit log")
	}
	st, body, _ = adminGet(t, admin, "/quan-tri/bo-tieu-chi?tb=da-nhap-bo-tieu-chi")
	adminHas(t, "after import", body, "12-HUYEN", templates.HashOf(raw)[:12], "Nhập ngày", "1.000,00", "Đã nhập bộ tiêu chí")

	for _, name := range []string{uAppraiser, uLeader} {
		c := login(t, name)
		if st, _, _ := adminGet(t, c, "/quan-tri/bo-tieu-chi"); st != http.StatusForbidden {
			t.Errorf("%s GET the criteria page: %d", name, st)
		}
		if st, _ := postFile(t, c, "/quan-tri/bo-tieu-chi", c.CSRF, "x.yaml", raw); st != http.StatusForbidden {
			t.Errorf("%s imports: %d", name, st)
		}
	}
}

// TestCriteriaPageInBrowser: the page and its refusal at phone and
// desktop widths, with axe-core.
func TestCriteriaPageInBrowser(t *testing.T) {
	needStack(t)
	axe := axePath(t)
	dir := screenshotDir(t)
	bad := filepath.Join(t.TempDir(), "bo-tieu-chi-sai.yaml")
	if err := os.WriteFile(bad, []byte(strings.Replace(string(dtiSet(t, "XA")), "max: 500", "max: 550", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := browser(t)
	base := env.srv.URL
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := within(ctx, 45*time.Second, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	do("login", chromedp.EmulateViewport(1366, 900), chromedp.Navigate(base+"/dang-nhap"), chromedp.WaitVisible("#username"),
		chromedp.SendKeys(chromedp.CSS("#username"), uAdmin), chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Submit(chromedp.CSS("#login-form")), chromedp.WaitVisible(".who"))
	do("open", chromedp.Navigate(base+"/quan-tri/bo-tieu-chi"), chromedp.WaitVisible("#sets"))
	audit(t, ctx, axe, dir, "bo-tieu-chi")
	do("refused", chromedp.EmulateViewport(1366, 900), chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{bad}),
		chromedp.Click(chromedp.CSS("#criteria-form button")), chromedp.WaitVisible(".error-summary"))
	audit(t, ctx, axe, dir, "bo-tieu-chi-loi")
	t.Logf("screenshots in %s", dir)
}
