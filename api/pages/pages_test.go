package pages

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"ictindex/workflows"
)

// TestWebPages renders the pages for each role on the real stack.
func TestWebPages(t *testing.T) {
	needStack(t)
	const year = 2041
	openCampaign(t, year, time.Now().Add(72*time.Hour), unitA, unitB)
	dash := "/dot/" + itoa(year)

	// Anonymous readers are sent to the login page, with the way back.
	st, _, resp := anonymous.Send(t, "GET", dash, payload{})
	if st != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/dang-nhap?tiep=") {
		t.Fatalf("anonymous dashboard: %d %q", st, resp.Header.Get("Location"))
	}
	st, body, _ := anonymous.Send(t, "GET", "/dang-nhap", payload{})
	if st != http.StatusOK || !strings.Contains(string(body), "Đăng nhập") {
		t.Fatalf("login page: %d", st)
	}
	// A wrong password is refused in Vietnamese; a right one opens a session.
	st, body, _ = anonymous.Send(t, "POST", "/dang-nhap", formBody(url.Values{"username": {uLeader}, "password": {"sai"}}))
	if st != http.StatusUnauthorized || !strings.Contains(string(body), "Tên đăng nhập hoặc mật khẩu không đúng") {
		t.Fatalf("bad login: %d %s", st, body)
	}
	st, _, resp = anonymous.Send(t, "POST", "/dang-nhap", formBody(url.Values{"username": {uLeader}, "password": {password}, "tiep": {dash}}))
	if st != http.StatusSeeOther || resp.Header.Get("Location") != dash || len(resp.Cookies()) == 0 {
		t.Fatalf("login: %d %q", st, resp.Header.Get("Location"))
	}
	leader := caller{Name: uLeader, Cookie: resp.Cookies()[0]}
	body = leader.Must(t, http.StatusOK, "GET", dash, payload{}, nil)
	for _, want := range []string{"Đợt đánh giá năm 2041", unitA, unitB, workflows.StatusLabel(workflows.UnitDraft), "Nhật ký đợt đánh giá", "mở đợt đánh giá"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("leader's dashboard lacks %q", want)
		}
	}

	// The submitter of A sees their unit only.
	subA := login(t, uSubA)
	body = subA.Must(t, http.StatusOK, "GET", "/dot/2041/don-vi/"+unitA, payload{}, nil)
	for _, want := range []string{"Lưu nháp", "Gửi báo cáo", `name="f.steering_committee"`, "I.1", "Tải biểu mẫu của đơn vị"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("unit page lacks %q", want)
		}
	}
	st, body, _ = subA.Send(t, "GET", "/dot/2041/don-vi/"+unitB, payload{})
	if st != http.StatusForbidden || !strings.Contains(string(body), "chỉ được truy cập báo cáo của đơn vị mình") {
		t.Fatalf("submitter on another unit: %d", st)
	}
	if st, _, _ = subA.Send(t, "GET", dash, payload{}); st != http.StatusSeeOther {
		t.Errorf("submitter on the dashboard: %d, want a redirect to their unit", st)
	}

	// A stale CSRF token (an earlier session's) is refused, nothing saved.
	old := login(t, uSubA)
	cur := login(t, uSubA)
	save := unitPage(year, unitA, "/luu")
	st, body, _ = cur.Page().Send(t, "POST", save, formBody(url.Values{"csrf": {old.CSRF}, "f.steering_committee": {"true"}}))
	if st != http.StatusForbidden || !strings.Contains(string(body), "CSRF") {
		t.Fatalf("stale CSRF: %d %s", st, body)
	}
	if st, _, _ = cur.Page().Send(t, "POST", save, formBody(url.Values{"f.steering_committee": {"true"}})); st != http.StatusForbidden {
		t.Fatalf("no CSRF: %d", st)
	}
	if v, ok := unitState(t, year, unitA).Figures["steering_committee"]; ok {
		t.Fatalf("refused save changed the draft: %v", v)
	}
	// With the session's token the save goes through.
	st, _, resp = cur.Page().Send(t, "POST", save, formBody(url.Values{"csrf": {cur.CSRF}, "f.steering_committee": {"true"}}))
	if st != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "tb=da-luu") {
		t.Fatalf("save: %d %q", st, resp.Header.Get("Location"))
	}
	if v := unitState(t, year, unitA).Figures["steering_committee"]; v != "true" && v != true {
		t.Fatalf("saved figure: %v", v)
	}
	// A bad figure comes back as a field error in Vietnamese, typed value kept.
	st, body, _ = cur.Page().Send(t, "POST", save, formBody(url.Values{"csrf": {cur.CSRF}, "f.it_staff": {"-3"}}))
	if st != http.StatusUnprocessableEntity || !strings.Contains(string(body), "field-error") || !vietnamese(string(body)) {
		t.Errorf("bad figure: %d", st)
	}
	// The live score endpoint answers per criterion, CSRF-protected.
	var pv struct {
		Scores map[string]previewScore `json:"scores"`
	}
	cur.Must(t, http.StatusOK, "POST", unitPage(year, unitA, "/diem-tam-tinh"), jsonBody(map[string]any{"figures": map[string]any{"steering_committee": "true"}}), &pv)
	// I.1's figures are not all typed: pending, not an error (nothing red
	// on a form being filled).
	if s, ok := pv.Scores["I.1"]; !ok || !s.Pending || s.Error != "" || s.Points != "" {
		t.Errorf("preview I.1: %+v, want pending", pv.Scores["I.1"])
	}
	if st, _, _ = cur.Page().Send(t, "POST", unitPage(year, unitA, "/diem-tam-tinh"), jsonBody(map[string]any{"figures": map[string]any{}})); st != http.StatusForbidden {
		t.Errorf("preview without CSRF: %d", st)
	}
	// Appraisal forms are the department's.
	if st, _, _ = cur.Page().Send(t, "POST", unitPage(year, unitA, "/hoan-thanh"), formBody(url.Values{"csrf": {cur.CSRF}})); st != http.StatusForbidden {
		t.Errorf("submitter finishing: %d", st)
	}
	// Logging out ends the session.
	cur.Page().Must(t, http.StatusSeeOther, "POST", "/dang-xuat", formBody(url.Values{"csrf": {cur.CSRF}}), nil)
	if st, _, _ = cur.Send(t, "GET", unitPage(year, unitA, ""), payload{}); st != http.StatusSeeOther {
		t.Errorf("after logout: %d", st)
	}
	// API paths still answer JSON 404s.
	if st, body, _ = anonymous.Send(t, "GET", "/api/khong-co", payload{}); st != http.StatusNotFound || !strings.HasPrefix(string(body), "{") {
		t.Errorf("API 404: %d %s", st, body)
	}
}

// unitPage is a unit page path.
func unitPage(year int, code, rest string) string {
	return "/dot/" + itoa(year) + "/don-vi/" + code + rest
}
