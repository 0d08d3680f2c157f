package pages

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ictindex/api/store"
)

// recordNotices logs n notices of the year, one a minute, the oldest a
// broadcast with failures (a long address, a unit without any).
func recordNotices(t *testing.T, year, n int) {
	t.Helper()
	at := time.Date(year, 11, 1, 1, 0, 0, 0, time.UTC)
	ds := []store.NoticeDelivery{
		{Notice: fmt.Sprintf("p%d-0", year), Kind: "preliminary", Year: year, Unit: unitA, Subject: "Kết quả sơ bộ đánh giá: gửi phản hồi trước 17:00 20/12", Address: "vanthu@snv.example.vn", Status: store.DeliverySent, At: at},
		{Notice: fmt.Sprintf("p%d-0", year), Kind: "preliminary", Year: year, Unit: unitB, Subject: "Kết quả sơ bộ đánh giá: gửi phản hồi trước 17:00 20/12",
			Address: "mot.dia.chi.rat.dai.khong.ton.tai.tren.may.chu@so-tai-chinh.tinh.example.gov.vn", Status: store.DeliveryFailed, Error: "550 5.1.1 mailbox unavailable", At: at},
		{Notice: fmt.Sprintf("p%d-0", year), Kind: "preliminary", Year: year, Unit: "UBND-XA", Subject: "Kết quả sơ bộ đánh giá: gửi phản hồi trước 17:00 20/12", Status: store.DeliveryFailed, Error: "Chưa có địa chỉ thư điện tử nào", At: at},
	}
	for i := 1; i < n; i++ {
		ds = append(ds, store.NoticeDelivery{Notice: fmt.Sprintf("p%d-%d", year, i), Kind: "reminder", Year: year, Unit: unitA,
			Subject: fmt.Sprintf("Nhắc hạn lần %d", i), Address: "vanthu@snv.example.vn", Status: store.DeliverySent, At: at.Add(time.Duration(i) * time.Minute)})
	}
	if err := env.users.RecordDeliveries(context.Background(), ds); err != nil {
		t.Fatal(err)
	}
}

func TestNoticesPage(t *testing.T) {
	needStack(t)
	const year = 2046
	recordNotices(t, year, 22)
	leader := login(t, uLeader)
	st, body, _ := adminGet(t, leader, "/dot/2046/thong-bao")
	if st != http.StatusOK {
		t.Fatalf("status %d", st)
	}
	adminHas(t, "first page", body, `id="notices-total">22<`, `id="notices-sent">22<`, `id="notices-failed">2`,
		"Nhắc hạn lần 21", "Nhắc hạn", `href="/dot/2046/thong-bao?trang=2"`, `href="/dot/2046">Đợt đánh giá năm 2046`)
	if strings.Contains(body, "Nhắc hạn lần 1<") || strings.Contains(body, "Kết quả sơ bộ") {
		t.Error("the first page holds older notices than its 20 newest")
	}
	st, body, _ = adminGet(t, leader, "/dot/2046/thong-bao?trang=2")
	if st != http.StatusOK {
		t.Fatalf("page 2: %d", st)
	}
	adminHas(t, "second page", body, "Kết quả sơ bộ đánh giá", "3 đơn vị", "2 địa chỉ", "550 5.1.1 mailbox unavailable",
		"UBND-XA: chưa có địa chỉ", "Nhắc hạn lần 1<", `rel="prev"`)
	if !vietnamese(body) {
		t.Error("not Vietnamese")
	}
	for q, want := range map[string]int{"?trang=3": http.StatusNotFound, "?trang=0": http.StatusBadRequest, "?trang=x": http.StatusBadRequest} {
		if st, _, _ := adminGet(t, leader, "/dot/2046/thong-bao"+q); st != want {
			t.Errorf("%s: %d, want %d", q, st, want)
		}
	}
	if st, _, _ := adminGet(t, login(t, uSubA), "/dot/2046/thong-bao"); st != http.StatusForbidden {
		t.Errorf("a unit's submitter sees the department's notices: %d", st)
	}
	st, body, _ = adminGet(t, login(t, uAppraiser), "/dot/2047/thong-bao")
	if st != http.StatusOK || !strings.Contains(body, `id="no-notices"`) {
		t.Errorf("a year without notices: %d", st)
	}
}

func TestUserEmailForms(t *testing.T) {
	needStack(t)
	admin := login(t, uAdmin)
	ctx := context.Background()
	const name = "email.moi"
	st, body, _ := adminPost(t, admin, "/quan-tri/them-nguoi-dung", url.Values{"name": {name}, "role": {"appraiser"}, "email": {"không phải địa chỉ"}})
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("bad address: %d", st)
	}
	errorShown(t, "add with bad address", body, "email", "Thư điện tử «không phải địa chỉ» không hợp lệ")
	if _, found, _ := env.users.Get(ctx, name); found {
		t.Fatal("the user was added despite the bad address")
	}
	st, _, _ = adminPost(t, admin, "/quan-tri/them-nguoi-dung", url.Values{"name": {name}, "role": {"appraiser"}, "email": {" thamdinh@stttt.example.vn "}})
	if st != http.StatusCreated {
		t.Fatalf("add: %d", st)
	}
	u, _, _ := env.users.Get(ctx, name)
	if u.Email != "thamdinh@stttt.example.vn" {
		t.Errorf("email %q", u.Email)
	}
	path := "/quan-tri/nguoi-dung/" + name
	st, body, _ = adminGet(t, admin, path)
	adminHas(t, "user page", body, `id="user-email">thamdinh@stttt.example.vn<`, `id="email-form"`, `value="thamdinh@stttt.example.vn"`)
	st, body, _ = adminPost(t, admin, path+"/thu-dien-tu", url.Values{"email": {"a@b"}})
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("bad address on the user page: %d", st)
	}
	errorShown(t, "set bad address", body, "email", "Thư điện tử «a@b» không hợp lệ")
	adminHas(t, "typed address kept", body, `value="a@b"`)
	st, _, resp := adminPost(t, admin, path+"/thu-dien-tu", url.Values{"email": {"moi@stttt.example.vn"}})
	if st != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "tb=da-doi-thu") {
		t.Fatalf("set: %d %q", st, resp.Header.Get("Location"))
	}
	if v, _, _ := env.users.Get(ctx, name); v.Email != "moi@stttt.example.vn" || v.Epoch != u.Epoch {
		t.Errorf("after setting: %q, epoch %d→%d (sessions must survive)", v.Email, u.Epoch, v.Epoch)
	}
	if st, _, _ = adminPost(t, admin, path+"/thu-dien-tu", url.Values{"email": {""}}); st != http.StatusSeeOther {
		t.Fatalf("clear: %d", st)
	}
	if v, _, _ := env.users.Get(ctx, name); v.Email != "" {
		t.Errorf("after clearing: %q", v.Email)
	}
}

// TestNoticesPageFitsAndPassesAxe checks the notices page, its failures
// opened, and the user page with its e-mail form, in Chromium.
func TestNoticesPageFitsAndPassesAxe(t *testing.T) {
	needStack(t)
	axe := axePath(t)
	recordNotices(t, 2048, 3)
	if err := env.users.SetEmail(context.Background(), "test", uAdmin, "quan.tri@stttt.example.gov.vn"); err != nil {
		t.Fatal(err)
	}
	dir := screenshotDir(t)
	ctx := browser(t)
	base := env.srv.URL
	if err := within(ctx, 30*time.Second, chromedp.EmulateViewport(1366, 900), chromedp.Navigate(base+"/dang-nhap"), chromedp.WaitVisible("#username"),
		chromedp.SendKeys(chromedp.CSS("#username"), uAdmin), chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Submit(chromedp.CSS("#login-form")), chromedp.WaitVisible(".who")); err != nil {
		t.Fatalf("login: %v", err)
	}
	if err := within(ctx, 30*time.Second, chromedp.Navigate(base+"/dot/2048/thong-bao"), chromedp.WaitVisible("#notices"),
		chromedp.Click(chromedp.CSS(".notice-failures summary"))); err != nil {
		t.Fatal(err)
	}
	audit(t, ctx, axe, dir, "thong-bao")
	if err := within(ctx, 30*time.Second, chromedp.Navigate(base+"/quan-tri/nguoi-dung/"+uAdmin), chromedp.WaitVisible("#email-form")); err != nil {
		t.Fatal(err)
	}
	audit(t, ctx, axe, dir, "nguoi-dung-thu-dien-tu")
	t.Logf("screenshots in %s", dir)
}
