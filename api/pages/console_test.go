package pages

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"ictindex/templates"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"ictindex/api"
	"ictindex/api/store"
	"ictindex/scoring"
	"ictindex/workflows"
)

// consoleUnits are registry units the console tests open campaigns with.
var consoleUnits = []store.Unit{
	{Code: "KT-A1", Name: "Sở Kiểm thử Một", Annex: scoring.AnnexPL01, Active: true},
	{Code: "KT-A2", Name: "Sở Kiểm thử Hai", Annex: scoring.AnnexPL01, Active: true},
	{Code: "KT-B1", Name: "UBND huyện Kiểm Thử", Annex: scoring.AnnexPL02, Active: true},
	{Code: "KT-X", Name: "Ban Kiểm thử đã giải thể", Annex: scoring.AnnexPL01, Active: false},
}

func putConsoleUnits(t *testing.T) {
	t.Helper()
	for _, u := range consoleUnits {
		if err := env.users.PutUnit(context.Background(), "test", u); err != nil {
			t.Fatal(err)
		}
	}
}

// campaignStarted says whether a year's campaign workflow exists.
func campaignStarted(t *testing.T, year int) bool {
	t.Helper()
	var st workflows.CampaignStatus
	code, _, _ := as(uAdmin).Send(t, "GET", "/api/campaigns/"+itoa(year), payload{})
	_ = st
	return code == http.StatusOK
}

// openForm is a filled open-campaign form.
func openFormValues(c caller, year int, step string, units ...string) url.Values {
	y := itoa(year)
	return url.Values{"csrf": {c.CSRF}, "nam": {y}, "bo-PL01": {defaultSet("PL01")}, "bo-PL02": {defaultSet("PL02")},
		"han-ngay": {y + "-11-20"}, "han-gio": {"23:59:59"}, "chot": {y + "-11-10"}, "nghi": {"17/02/" + y + "\n" + y + "-02-18"},
		"nhac": {"5, 2"}, "qd-ky": {"Trịnh Xuân Trường"}, "buoc": {step}, "don-vi": units}
}

// defaultSet is the form value of an annex's built-in set.
func defaultSet(annex string) string {
	ref, err := templates.DefaultRef(annex)
	if err != nil {
		panic(err)
	}
	return ref.Key + "@" + ref.Hash
}

var errField = regexp.MustCompile(`id="([a-z-]+)-err"`)

// fieldErrors lists the fields a page marks as wrong.
func fieldErrors(body []byte) []string {
	var out []string
	for _, m := range errField.FindAllSubmatch(body, -1) {
		out = append(out, string(m[1]))
	}
	return out
}

func TestConsoleOpenCampaign(t *testing.T) {
	needStack(t)
	putConsoleUnits(t)
	const year = 2071
	admin := login(t, uAdmin)

	// The form: registry units, active ones checked, the 3299 sets.
	body := admin.Must(t, http.StatusOK, "GET", "/dot/mo-moi", payload{}, nil)
	for _, want := range []string{`id="dv-KT-A1" data-annex="PL01" checked`, `id="dv-KT-B1" data-annex="PL02" checked`,
		`id="dv-KT-X" data-annex="PL01">`, "3299/QĐ-UBND", `name="han-ngay"`, `name="nghi"`, "do hệ thống cấp khi lãnh đạo phê duyệt", "tiêu chí, tối đa"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("open form lacks %q", want)
		}
	}

	// The preview shows scoring's working days, and starts nothing.
	f := openFormValues(admin, year, "xem-truoc", "KT-A1", "KT-B1")
	body = admin.Page().Must(t, http.StatusOK, "POST", "/dot/mo-moi", formBody(f), nil)
	b := scoring.Batch{Year: year, Settings: &scoring.BatchSettings{CutOff: &scoring.Date{Year: year, Month: 11, Day: 10},
		Holidays: []scoring.Date{{Year: year, Month: 2, Day: 17}, {Year: year, Month: 2, Day: 18}}}}
	wantDays := b.Resolve().WorkingDays
	if want := fmt.Sprintf(`<strong id="pv-working-days">%d</strong>`, wantDays); !strings.Contains(string(body), want) {
		t.Errorf("preview lacks %s", want)
	}
	for _, want := range []string{"20/11/2071 23:59", "10/11/2071", "17/02/2071", "01/01/2071", "5 ngày, 2 ngày", "KT-A1", "KT-B1", `id="confirm-open"`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("preview lacks %q", want)
		}
	}
	if strings.Contains(string(body), "KT-A2") {
		t.Error("preview lists an unchecked unit")
	}
	if campaignStarted(t, year) {
		t.Fatal("the preview started the campaign")
	}

	// Bad input: the field named, typed values kept, nothing started.
	for _, bad := range []struct {
		name, field string
		edit        func(url.Values)
	}{
		{"deadline before cut-off", "han-ngay", func(v url.Values) { v.Set("han-ngay", itoa(year)+"-11-05") }},
		{"no units", "don-vi", func(v url.Values) { v.Del("don-vi") }},
		{"malformed date", "chot", func(v url.Values) { v.Set("chot", "32/13/2071") }},
		{"year out of range", "nam", func(v url.Values) { v.Set("nam", "1999") }},
		{"bad holiday", "nghi", func(v url.Values) { v.Set("nghi", "ngày Tết") }},
		{"no signer", "qd-ky", func(v url.Values) { v.Set("qd-ky", "") }},
	} {
		for _, step := range []string{"xem-truoc", "mo"} {
			v := openFormValues(admin, year, step, "KT-A1", "KT-B1")
			bad.edit(v)
			st, body, _ := admin.Page().Send(t, "POST", "/dot/mo-moi", formBody(v))
			if st != http.StatusUnprocessableEntity || !strings.Contains(strings.Join(fieldErrors(body), " "), bad.field) ||
				!strings.Contains(string(body), `id="error-summary"`) || !vietnamese(string(body)) {
				t.Errorf("%s (%s): %d, fields %v", bad.name, step, st, fieldErrors(body))
			}
			if bad.field == "chot" && !strings.Contains(string(body), `value="32/13/2071"`) {
				t.Errorf("%s: typed value not kept", bad.name)
			}
		}
	}
	if campaignStarted(t, year) {
		t.Fatal("a refused form started the campaign")
	}
	// Only the admin opens.
	for _, who := range []string{uAppraiser, uLeader, uSubA} {
		c := login(t, who)
		if st, _, _ := c.Send(t, "GET", "/dot/mo-moi", payload{}); st != http.StatusForbidden {
			t.Errorf("%s on the open form: %d", who, st)
		}
		if st, _, _ := c.Page().Send(t, "POST", "/dot/mo-moi", formBody(openFormValues(c, year, "mo", "KT-A1"))); st != http.StatusForbidden {
			t.Errorf("%s opening: %d", who, st)
		}
	}
	if campaignStarted(t, year) {
		t.Fatal("a refused user started the campaign")
	}

	// Confirming the preview (its hidden fields) starts it with those
	// units and settings.
	confirm := url.Values{"buoc": {"mo"}}
	i := bytes.Index(body, []byte(`id="confirm-form"`))
	if i < 0 {
		t.Fatal("no confirmation form")
	}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`).FindAllSubmatch(body[i:], -1) {
		confirm.Add(string(m[1]), html.UnescapeString(string(m[2])))
	}
	_, _, resp := admin.Page().Send(t, "POST", "/dot/mo-moi", formBody(confirm))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/dot/2071?tb=da-mo" {
		t.Fatalf("open: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	st := waitPhase(t, year, workflows.PhaseCollecting)
	var codes []string
	for _, u := range st.Units {
		codes = append(codes, u.Unit.Code+"/"+u.Annex+"/"+u.Unit.Name)
	}
	if got := strings.Join(codes, " "); got != "KT-A1/PL01/Sở Kiểm thử Một KT-B1/PL02/UBND huyện Kiểm Thử" {
		t.Errorf("campaign units: %s", got)
	}
	if want := time.Date(year, 11, 20, 23, 59, 59, 0, scoring.Vietnam); !st.Deadline.Equal(want) {
		t.Errorf("deadline %s, want %s", st.Deadline, want)
	}
	us := unitState(t, year, "KT-A1")
	if us.Settings == nil || us.Settings.CutOff != (scoring.Date{Year: year, Month: 11, Day: 10}) || us.Settings.WorkingDays != wantDays {
		t.Fatalf("unit settings: %+v", us.Settings)
	}
	for _, h := range []scoring.Date{{Year: year, Month: 2, Day: 17}, {Year: year, Month: 2, Day: 18}, {Year: year, Month: 9, Day: 2}} {
		found := false
		for _, x := range us.Settings.Holidays {
			found = found || x == h
		}
		if !found {
			t.Errorf("holiday %v missing from %v", h, us.Settings.Holidays)
		}
	}
	body = admin.Must(t, http.StatusOK, "GET", "/dot/2071?tb=da-mo", payload{}, nil)
	if !strings.Contains(string(body), "Đã mở đợt đánh giá") {
		t.Error("no flash after opening")
	}

	// The same year again is refused beside the year.
	for _, step := range []string{"xem-truoc", "mo"} {
		st, body, _ := admin.Page().Send(t, "POST", "/dot/mo-moi", formBody(openFormValues(admin, year, step, "KT-A2")))
		if st != http.StatusUnprocessableEntity && st != http.StatusConflict || !strings.Contains(string(body), "Đợt đánh giá của năm này đã được mở") ||
			!strings.Contains(strings.Join(fieldErrors(body), " "), "nam") {
			t.Errorf("duplicate year (%s): %d %v", step, st, fieldErrors(body))
		}
	}
	// The form's default year skips years with a campaign.
	body = admin.Must(t, http.StatusOK, "GET", "/dot/mo-moi", payload{}, nil)
	if m := regexp.MustCompile(`id="nam" name="nam"[^>]*value="(\d+)"`).FindSubmatch(body); m == nil || campaignStarted(t, atoi(t, string(m[1]))) {
		t.Errorf("default year: %q", m)
	}

	// The list shows it, for the department; unit staff go to their unit.
	body = admin.Must(t, http.StatusOK, "GET", "/dot", payload{}, nil)
	for _, want := range []string{`id="dot-2071"`, `href="/dot/2071"`, "Mở đợt đánh giá mới", phaseLabel(workflows.PhaseCollecting), "20/11/2071 23:59", "0/2"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("list lacks %q", want)
		}
	}
	for _, who := range []string{uAppraiser, uLeader} {
		body := login(t, who).Must(t, http.StatusOK, "GET", "/dot", payload{}, nil)
		if !strings.Contains(string(body), `id="dot-2071"`) || strings.Contains(string(body), "Mở đợt đánh giá mới") {
			t.Errorf("%s's list", who)
		}
	}
	if st, _, resp := login(t, uSubA).Send(t, "GET", "/dot", payload{}); st != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "/don-vi/"+unitA) {
		t.Errorf("submitter on the list: %d %q", st, resp.Header.Get("Location"))
	}
}

func atoi(t *testing.T, s string) int {
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// rows counts the units table's rows.
func rows(body []byte) int {
	i := bytes.Index(body, []byte(`id="units"`))
	if i < 0 {
		return -1
	}
	j := bytes.Index(body[i:], []byte("</table>"))
	return bytes.Count(body[i:i+j], []byte(`<tr class="st-`))
}

func TestConsoleDashboard(t *testing.T) {
	needStack(t)
	const year, n = 2073, 55
	var units []api.UnitRequest
	pl02 := 0
	for i := range n {
		annex := scoring.AnnexPL01
		if i%5 == 0 {
			annex = scoring.AnnexPL02
			pl02++
		}
		units = append(units, api.UnitRequest{Code: fmt.Sprintf("D%03d", i), Name: fmt.Sprintf("Đơn vị thử %03d", n-i), Annex: annex})
	}
	as(uAdmin).Must(t, http.StatusCreated, "POST", "/api/campaigns", jsonBody(map[string]any{"year": year, "deadline": time.Now().Add(72 * time.Hour),
		"units": units, "decision": map[string]string{"number": "15/QĐ-UBND", "signer": "Trịnh Xuân Trường"}}), nil)
	waitPhase(t, year, workflows.PhaseCollecting)
	admin := login(t, uAdmin)
	dash := "/dot/" + itoa(year)

	// Paging: 50 rows, then the rest.
	body := admin.Must(t, http.StatusOK, "GET", dash, payload{}, nil)
	if r := rows(body); r != 50 {
		t.Errorf("first page: %d rows", r)
	}
	for _, want := range []string{`href="/dot/2073?trang=2#units"`, `aria-current="page"`, "Xuất XLSX", `href="/dot/2073/gia-han/D000"`, `id="unit-filters"`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	if body = admin.Must(t, http.StatusOK, "GET", dash+"?trang=2", payload{}, nil); rows(body) != 5 || !strings.Contains(string(body), "D054") {
		t.Errorf("second page: %d rows", rows(body))
	}
	// Filters and sorts.
	for _, c := range []struct {
		q     string
		rows  int
		first string
	}{
		{"tim=D007", 1, "D007"},
		{"tim=" + url.QueryEscape("don vi thu 048"), 1, "D007"}, // without diacritics
		{"phu-luc=PL02", pl02, "D000"},
		{"sap-xep=code&chieu=giam", 50, "D054"},
		{"sap-xep=name", 50, "D054"}, // "Đơn vị thử 001"
		{"trang-thai=draft&phu-luc=PL01", n - pl02, "D001"},
		{"trang-thai=appraised", 0, ""},
		{"muon=1", 0, ""},
		{"trang-thai=khong-co", 50, "D000"}, // unknown values are ignored
	} {
		body := admin.Must(t, http.StatusOK, "GET", dash+"?"+c.q, payload{}, nil)
		if r := rows(body); r != c.rows {
			t.Errorf("%s: %d rows, want %d", c.q, r, c.rows)
		}
		i := bytes.Index(body, []byte(`<tr class="st-`))
		if c.first != "" && (i < 0 || !bytes.Contains(body[i:i+300], []byte(">"+c.first+"<"))) {
			t.Errorf("%s: first row is not %s", c.q, c.first)
		}
		if c.rows == 0 && !strings.Contains(string(body), "Không có đơn vị nào phù hợp") {
			t.Errorf("%s: no empty message", c.q)
		}
	}

	// The export has the filtered rows, all of them.
	for _, c := range []struct {
		q    string
		rows int
	}{{"", n}, {"?phu-luc=PL02", pl02}} {
		st, data, resp := admin.Send(t, "GET", dash+"/xuat.xlsx"+c.q, payload{})
		if st != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("export%s: %d", c.q, st)
		}
		x, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		all, err := x.GetRows(x.GetSheetName(0))
		x.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != c.rows+1 || strings.Join(all[0], "|") != "Mã|Tên đơn vị|Phụ lục|Trạng thái|Gửi lúc|Số ngày muộn|Điểm tự chấm|Điểm thẩm định|Xếp hạng" {
			t.Fatalf("export%s: %d rows, header %v", c.q, len(all), all[0])
		}
		if all[1][0] != "D000" || all[1][3] != workflows.StatusLabel(workflows.UnitDraft) {
			t.Errorf("export%s first row: %v", c.q, all[1])
		}
	}

	// Extension: a reason and a later date are required.
	ext := dash + "/gia-han/D001"
	admin.Must(t, http.StatusOK, "GET", ext, payload{}, nil)
	cur := unitState(t, year, "D001").Deadline
	later := cur.Add(48 * time.Hour).In(scoring.Vietnam)
	form := func(day time.Time, reason string) payload {
		return formBody(url.Values{"csrf": {admin.CSRF}, "han-ngay": {day.Format("2006-01-02")}, "han-gio": {day.Format("15:04:05")}, "ly-do": {reason}})
	}
	for _, bad := range []struct {
		name, field string
		p           payload
	}{
		{"no reason", "ly-do", form(later, " ")},
		{"earlier date", "han-ngay", form(cur.Add(-24*time.Hour).In(scoring.Vietnam), "Mất điện")},
		{"bad date", "han-ngay", formBody(url.Values{"csrf": {admin.CSRF}, "han-ngay": {"hôm qua"}, "ly-do": {"x"}})},
	} {
		st, body, _ := admin.Page().Send(t, "POST", ext, bad.p)
		if st != http.StatusUnprocessableEntity || !strings.Contains(strings.Join(fieldErrors(body), " "), bad.field) {
			t.Errorf("extension with %s: %d %v", bad.name, st, fieldErrors(body))
		}
	}
	if d := unitState(t, year, "D001").Deadline; !d.Equal(cur) {
		t.Fatalf("a refused extension moved the deadline to %s", d)
	}
	for _, who := range []string{uAppraiser, uLeader, uSubA} {
		c := login(t, who)
		if st, _, _ := c.Page().Send(t, "POST", ext, formBody(url.Values{"csrf": {c.CSRF}, "han-ngay": {later.Format("2006-01-02")}, "ly-do": {"x"}})); st != http.StatusForbidden {
			t.Errorf("%s extending: %d", who, st)
		}
	}
	_, _, resp := admin.Page().Send(t, "POST", ext, form(later, "Mất điện kéo dài"))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("extension: %d", resp.StatusCode)
	}
	if d := unitState(t, year, "D001").Deadline; !d.Equal(later.Truncate(time.Second)) {
		t.Errorf("deadline after extension %s, want %s", d, later)
	}

	// Readers: the department reads and exports; unit staff do not.
	for _, who := range []string{uAppraiser, uLeader} {
		c := login(t, who)
		body := c.Must(t, http.StatusOK, "GET", dash+"?sap-xep=late&chieu=giam", payload{}, nil)
		if rows(body) != 50 || strings.Contains(string(body), "/gia-han/") {
			t.Errorf("%s's dashboard: %d rows, extension links %v", who, rows(body), strings.Contains(string(body), "/gia-han/"))
		}
		c.Must(t, http.StatusOK, "GET", dash+"/xuat.xlsx", payload{}, nil)
	}
	subA := login(t, uSubA)
	if st, _, _ := subA.Send(t, "GET", dash+"/xuat.xlsx", payload{}); st != http.StatusForbidden {
		t.Errorf("submitter export: %d", st)
	}
	if st, _, _ := subA.Send(t, "GET", ext, payload{}); st != http.StatusForbidden {
		t.Errorf("submitter extension form: %d", st)
	}
}

// TestConsoleBrowser renders the console's pages in headless Chromium at
// 1366 and 390 px (and checks 360 px for sideways scrolling), runs axe-core
// on each (axe-core where axePath finds it), and leaves
// screenshots (ICTINDEX_SCREENSHOTS).
func TestConsoleBrowser(t *testing.T) {
	needStack(t)
	chromiumPath(t) // skips without Chromium before any set-up
	shots := os.Getenv("ICTINDEX_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	axe, err := os.ReadFile(axePath(t))
	if err != nil {
		t.Fatal(err)
	}
	putConsoleUnits(t)
	const bAdmin, year, dashYear = "trinh-duyet-bang", 2074, 2075
	if _, found, _ := env.users.Get(context.Background(), bAdmin); !found {
		if err := env.users.AddUser(context.Background(), "test", bAdmin, api.RoleAdmin, "", password); err != nil {
			t.Fatal(err)
		}
	}
	var units []api.UnitRequest
	for i := range 12 {
		annex := scoring.AnnexPL01
		if i%3 == 0 {
			annex = scoring.AnnexPL02
		}
		units = append(units, api.UnitRequest{Code: fmt.Sprintf("B%02d", i), Name: fmt.Sprintf("Sở Thông tin và Truyền thông thử nghiệm số %d", i), Annex: annex})
	}
	if !campaignStarted(t, dashYear) {
		as(uAdmin).Must(t, http.StatusCreated, "POST", "/api/campaigns", jsonBody(map[string]any{"year": dashYear, "deadline": time.Now().Add(72 * time.Hour),
			"units": units, "decision": map[string]string{"number": "15/QĐ-UBND", "signer": "Trịnh Xuân Trường"}}), nil)
	}
	waitPhase(t, dashYear, workflows.PhaseCollecting)

	ctx, cancel := context.WithTimeout(browser(t), 4*time.Minute) // dialogs are accepted
	defer cancel()
	base := env.srv.URL
	type act = chromedp.Action[chromedp.Void]
	run := func(what string, actions ...act) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	eval := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("evaluate: %v", err)
		}
		return v
	}
	// check screenshots a page at both widths, looks for sideways
	// scrolling at 360 and 390 px, and runs axe.
	check := func(name string) {
		t.Helper()
		for _, width := range []int64{1366, 390, 360} {
			run(name+" viewport", chromedp.EmulateViewport(width, 900), chromedp.Sleep(150*time.Millisecond))
			if width != 1366 {
				if sw := eval(`String(document.documentElement.scrollWidth) + " " + String(document.documentElement.clientWidth)`); func() bool {
					var a, b int
					fmt.Sscan(sw, &a, &b)
					return a > b
				}() {
					wide := eval(`Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 5).map(e => e.tagName + "#" + e.id + "." + e.className).join(", ")`)
					t.Errorf("%s at %d px scrolls sideways (%s): %s", name, width, sw, wide)
				}
			}
			if width == 360 {
				continue
			}
			buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(shots, fmt.Sprintf("console-%s-%d.png", name, width)), buf, 0o644); err != nil {
				t.Fatal(err)
			}
			if axe == nil {
				continue
			}
			if eval(`typeof window.axe`) != "object" {
				eval(string(axe) + `; "loaded"`)
			}
			res := eval(`axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => v.impact + " " + v.id + ": " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | ")).join("\n"))`)
			if res != "" {
				t.Errorf("axe on %s at %d px:\n%s", name, width, res)
			}
			t.Logf("axe on %s at %d px: %s", name, width, eval(`axe.run(document).then(r => r.passes.length + " rules passed; minor/moderate: " + r.violations.map(v => v.impact + " " + v.id).join(", "))`))
		}
		run("reset", chromedp.EmulateViewport(1366, 900))
	}

	run("login",
		chromedp.Navigate(base+"/dang-nhap"), chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), bAdmin), chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Submit(chromedp.CSS("#login-form")), chromedp.WaitVisible(chromedp.CSS(".who")))

	run("list", chromedp.Navigate(base+"/dot"), chromedp.WaitVisible(chromedp.CSS("#open-new")))
	check("danh-sach")

	run("open form", chromedp.Navigate(base+"/dot/mo-moi"), chromedp.WaitVisible(chromedp.CSS("#open-form")),
		chromedp.SetValue(chromedp.CSS("#nam"), itoa(year)),
		chromedp.SetValue(chromedp.CSS("#han-ngay"), itoa(year)+"-11-20"),
		chromedp.SetValue(chromedp.CSS("#chot"), itoa(year)+"-11-15"),
		// Select none, then two units, by keyboard-reachable controls.
		chromedp.Click(chromedp.CSS(`button[data-pick="none"][data-annex="PL01"]`)),
		chromedp.Click(chromedp.CSS(`button[data-pick="none"][data-annex="PL02"]`)),
	)
	if got := eval(`document.querySelector("[data-count=PL01]").textContent + "/" + document.querySelectorAll("input[name=don-vi]:checked").length`); got != "0/0" {
		t.Errorf("select none: %s", got)
	}
	check("mo-moi")
	// With no units the form comes back with the error beside the list.
	run("no units", chromedp.Click(chromedp.CSS("#preview-open")), chromedp.WaitVisible(chromedp.CSS("#error-summary")))
	check("mo-moi-loi")
	run("pick", chromedp.Click(chromedp.CSS(`#dv-KT-A1`)), chromedp.Click(chromedp.CSS(`#dv-KT-B1`)))
	if got := eval(`Array.from(document.querySelectorAll("input[name=don-vi]:checked")).map(e => e.value).join(" ")`); got != "KT-A1 KT-B1" {
		t.Errorf("picked %q", got)
	}
	run("preview", chromedp.Click(chromedp.CSS("#preview-open")), chromedp.WaitVisible(chromedp.CSS("#confirm-open")))
	check("xem-truoc")
	run("confirm", chromedp.Click(chromedp.CSS("#confirm-open")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if cs := waitPhase(t, year, workflows.PhaseCollecting); len(cs.Units) != 2 {
		t.Errorf("opened from the browser with %d units", len(cs.Units))
	}

	run("dashboard", chromedp.Navigate(base+"/dot/"+itoa(dashYear)), chromedp.WaitVisible(chromedp.CSS("#units")))
	check("bang-dieu-khien")
	run("filter", chromedp.SetValue(chromedp.CSS("#f-phu-luc"), "PL02"), chromedp.Click(chromedp.CSS("#apply-filters")),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/dot/`+itoa(dashYear)+`#units"]`))) // "Bỏ lọc"
	if n := eval(`String(document.querySelectorAll("#units tbody tr").length)`); n != "4" {
		t.Errorf("PL02 filter in the browser: %s rows", n)
	}
	check("bang-loc")
	run("extend", chromedp.Navigate(base+"/dot/"+itoa(dashYear)+"/gia-han/B01"), chromedp.WaitVisible(chromedp.CSS("#extend-form")),
		chromedp.Click(chromedp.CSS("#extend")), chromedp.WaitVisible(chromedp.CSS("#error-summary")))
	check("gia-han")
	t.Logf("screenshots in %s", shots)
}

// TestConsoleClosedCampaign publishes a campaign, closes its year and
// finds it on the list as closed, its decision and results served from the archive.
func TestConsoleClosedCampaign(t *testing.T) {
	needStack(t)
	const year = 2076
	openCampaign(t, year, time.Now().Add(72*time.Hour), unitB)
	as(uAdmin).Must(t, http.StatusOK, "PUT", unitPath(year, unitB, "/figures"), jsonBody(map[string]any{"figures": sample(t, unitB).Figures}), nil)
	as(uAdmin).Must(t, http.StatusOK, "POST", unitPath(year, unitB, "/submit"), payload{}, nil)
	as(uAppraiser).Must(t, http.StatusOK, "POST", unitPath(year, unitB, "/finish"), payload{}, nil)
	as(uAdmin).Must(t, http.StatusOK, "POST", "/api/campaigns/"+itoa(year)+"/close", payload{}, nil)
	waitPhase(t, year, workflows.PhaseDrafted)
	as(uLeader).Must(t, http.StatusOK, "POST", "/api/campaigns/"+itoa(year)+"/publish", payload{}, nil)
	// Published, the campaign stays open for corrections until the year
	// is closed.
	as(uAdmin).Must(t, http.StatusOK, "POST", "/api/campaigns/"+itoa(year)+"/close-year", payload{}, nil)

	leader := login(t, uLeader)
	deadline := time.Now().Add(time.Minute)
	var body []byte
	for {
		body = leader.Must(t, http.StatusOK, "GET", "/dot", payload{}, nil)
		if strings.Contains(string(body), `id="dot-2076" class="closed"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the published campaign is not listed as closed")
		}
		time.Sleep(200 * time.Millisecond)
	}
	for _, want := range []string{`href="/dot/2076/quyet-dinh.pdf"`, `href="/dot/2076/ket-qua.json"`, phaseLabel(workflows.PhasePublished), "đã kết thúc"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("closed line lacks %q", want)
		}
	}
	if data := leader.Must(t, http.StatusOK, "GET", "/dot/2076/quyet-dinh.pdf", payload{}, nil); !bytes.HasPrefix(data, []byte("%PDF")) {
		t.Errorf("archived decision: %q", data[:min(16, len(data))])
	}
	var res scoring.Results
	mustJSON(t, leader.Must(t, http.StatusOK, "GET", "/dot/2076/ket-qua.json", payload{}, nil), &res)
	if res.Year != year || len(res.Rankings) == 0 {
		t.Errorf("archived results: year %d, %d rankings", res.Year, len(res.Rankings))
	}
	if st, _, _ := login(t, uSubB).Send(t, "GET", "/dot/2076/quyet-dinh.pdf", payload{}); st != http.StatusForbidden {
		t.Errorf("submitter on the archived decision: %d", st)
	}
	if st, _, _ := leader.Send(t, "GET", "/dot/2099/quyet-dinh.pdf", payload{}); st != http.StatusNotFound {
		t.Errorf("missing decision: %d", st)
	}
}

// TestConsoleDashboardScale filters, sorts and pages a cached list of
// 5,000 units per request in well under the time of a page.
func TestConsoleDashboardScale(t *testing.T) {
	w := &web{pages: parsePages()}
	const n = 5000
	cst := workflows.CampaignStatus{Year: 2099, Phase: workflows.PhaseCollecting}
	units := make([]unitBrief, n)
	for i := range units {
		units[i] = unitBrief{Code: fmt.Sprintf("U%04d", i), Name: fmt.Sprintf("Ủy ban nhân dân xã Đông %d", (i*7919)%n),
			Annex: []string{scoring.AnnexPL01, scoring.AnnexPL02}[i%2], Status: workflows.UnitDraft, LateDays: i % 4}
		cst.Units = append(cst.Units, workflows.UnitSummary{Unit: scoring.Unit{Code: units[i].Code, Name: units[i].Name}, Annex: units[i].Annex})
	}
	v, err := w.buildDash(1, cst, units)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	const rounds = 20
	var p dashUnitsPage
	for range rounds {
		p = w.dashUnits(2099, v, dashQuery{Text: "dong 1", Sort: "name", Desc: true, Late: true, Page: 3}, true)
	}
	per := time.Since(start) / rounds
	if len(p.Rows) != dashPageSize || p.Matched == 0 || p.Q.Page != 3 {
		t.Fatalf("page: %d rows of %d, page %d", len(p.Rows), p.Matched, p.Q.Page)
	}
	for i := 1; i < len(p.Rows); i++ {
		if bytes.Compare(p.Rows[i-1].nameKey, p.Rows[i].nameKey) < 0 {
			t.Fatalf("not sorted by name, descending: %s before %s", p.Rows[i-1].Name, p.Rows[i].Name)
		}
	}
	t.Logf("5,000 units: filter, sort and page in %s", per)
	if per > 50*time.Millisecond {
		t.Errorf("filter, sort and page of 5,000 units took %s", per)
	}
}
