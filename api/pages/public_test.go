package pages

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ictindex/workflows"
)

// TestPublicPages: without logging in, a published year shows its ranking
// and signed decision, and the verification page tells the issued file
// from one with a changed byte; nothing unpublished shows.
func TestPublicPages(t *testing.T) {
	needStack(t)
	const year, hidden = 2093, 2094
	openCampaign(t, year, time.Now().Add(72*time.Hour), unitA, unitB)
	openCampaign(t, hidden, time.Now().Add(72*time.Hour), unitA)
	as(uAdmin).Must(t, http.StatusOK, "POST", "/api/campaigns/"+itoa(year)+"/close", payload{}, nil)
	waitPhase(t, year, workflows.PhaseDrafted)
	var cs workflows.CampaignStatus
	as(uLeader).Must(t, http.StatusOK, "POST", "/api/campaigns/"+itoa(year)+"/publish", jsonBody(map[string]string{"note": "Đồng ý"}), &cs)
	if cs.Phase != workflows.PhasePublished || len(cs.Issuances) != 1 {
		t.Fatalf("after approval: %s", cs.Phase)
	}
	is := cs.Issuances[0]
	base := env.srv.URL
	verifyPath := strings.TrimPrefix(is.VerifyURL, "http://ictindex.test")

	get := func(path string) (int, string) { t.Helper(); return anonGet(t, path) }
	code, list := get("/cong-khai")
	if code != http.StatusOK || !strings.Contains(list, "/cong-khai/"+itoa(year)) || strings.Contains(list, "/cong-khai/"+itoa(hidden)) {
		t.Errorf("public list (%d) lacks %d or shows unpublished %d", code, year, hidden)
	}
	if code, _ := get("/cong-khai/" + itoa(hidden)); code != http.StatusNotFound {
		t.Errorf("unpublished year: %d", code)
	}
	code, page := get("/cong-khai/" + itoa(year))
	if code != http.StatusOK || !strings.Contains(page, is.Number) || !strings.Contains(page, "Sở Nội vụ") {
		t.Errorf("public year page (%d) lacks the number or the ranking", code)
	}
	resp, err := http.Get(base + "/cong-khai/" + itoa(year) + "/quyet-dinh.pdf")
	if err != nil {
		t.Fatal(err)
	}
	signed, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.HasPrefix(signed, []byte("%PDF")) {
		t.Fatalf("public decision: %d", resp.StatusCode)
	}
	if code, _ := get(strings.Replace(verifyPath, "/"+itoa(is.Seq), "/"+itoa(is.Seq+500), 1)); code != http.StatusNotFound {
		t.Errorf("unknown number: %d", code)
	}
	// A pasted hash, over HTTP.
	post := func(field, value string) string {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField(field, value)
		mw.Close()
		resp, err := http.Post(base+verifyPath, mw.FormDataContentType(), &buf)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if out := post("hash", strings.ToUpper(is.Signed.SHA256)); !strings.Contains(out, "Khớp") {
		t.Error("the issued hash is not recognised")
	}
	if out := post("hash", "xyz"); !strings.Contains(out, "SHA-256 gồm 64 ký tự") {
		t.Error("a malformed hash is not refused with a reason")
	}

	// In Chromium at 390 px: the pages fit and pass axe-core; uploading
	// the issued file matches, a changed byte does not.
	dir := screenshotDir(t)
	axe := axePath(t)
	ctx := browser(t)
	files := t.TempDir()
	good := filepath.Join(files, "quyet-dinh.pdf")
	bad := filepath.Join(files, "quyet-dinh-sua.pdf")
	changed := append([]byte{}, signed...)
	changed[len(changed)/3] ^= 1
	if err := os.WriteFile(good, signed, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, changed, 0o644); err != nil {
		t.Fatal(err)
	}
	for name, path := range map[string]string{"cong-khai": "/cong-khai", "cong-khai-nam": "/cong-khai/" + itoa(year), "xac-minh": verifyPath} {
		if err := within(ctx, 30*time.Second, chromedp.EmulateViewport(1366, 900), chromedp.Navigate(base+path), chromedp.WaitReady("body")); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		audit(t, ctx, axe, dir, name)
	}
	for _, c := range []struct{ file, want, shot string }{{good, "Khớp", "xac-minh-khop"}, {bad, "Không khớp", "xac-minh-khac"}} {
		err := within(ctx, 30*time.Second, chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+verifyPath), chromedp.WaitVisible(chromedp.CSS("#verify-file")),
			chromedp.SetUploadFiles(chromedp.CSS("#verify-file"), []string{c.file}), chromedp.Click(chromedp.CSS("#verify-submit")),
			chromedp.WaitVisible(chromedp.CSS("#verify-result")))
		if err != nil {
			t.Fatalf("verifying %s: %v", c.file, err)
		}
		got, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#verify-result")))
		if err != nil {
			t.Fatal(err)
		}
		if over, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("document.documentElement.scrollWidth > document.documentElement.clientWidth")); err != nil || over {
			t.Errorf("the verification result scrolls sideways at 390 px (%v)", err)
		}
		if !strings.HasPrefix(strings.TrimSpace(got), c.want) {
			t.Errorf("verifying %s: %q, want %q", filepath.Base(c.file), got, c.want)
		}
		shotAt(t, ctx, dir, c.shot)
	}
}

// shotAt saves a screenshot of the page as it is.
func shotAt(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

// anonGet fetches a page without logging in: its status and body.
func anonGet(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(env.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
