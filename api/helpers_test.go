package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"ictindex/scoring"
	"ictindex/templates"
	"ictindex/workflows"
)

// caller is who a test request comes from: an API token, a cookie session
// with its CSRF token, or nobody.
type caller struct {
	name   string
	token  string
	cookie *http.Cookie
	csrf   string
}

var (
	anonymous = caller{name: "anonymous"}
	badToken  = caller{name: "bad-token", token: "ictx_not-a-real-token"}
)

// as is a user calling with their API token.
func as(name string) caller { return caller{name: name, token: env.tokens[name]} }

// login opens a cookie session.
func login(t *testing.T, name string) caller {
	t.Helper()
	st, body, resp := anonymous.send(t, "POST", "/api/login", jsonBody(map[string]string{"username": name, "password": password}))
	if st != http.StatusOK {
		t.Fatalf("login %s: %d %s", name, st, body)
	}
	var lr loginResponse
	mustJSON(t, body, &lr)
	for _, ck := range resp.Cookies() {
		if ck.Name == SessionCookie {
			return caller{name: name, cookie: ck, csrf: lr.CSRFToken}
		}
	}
	t.Fatal("login set no session cookie")
	return caller{}
}

// payload is a request body and its content type.
type payload struct {
	r     io.Reader
	ctype string
}

func jsonBody(v any) payload {
	b, _ := json.Marshal(v)
	return payload{bytes.NewReader(b), "application/json"}
}

func rawJSON(s string) payload { return payload{strings.NewReader(s), "application/json"} }

// fileBody is a multipart body with an optional criterion field before the
// file part.
func fileBody(criterion, name string, data []byte) payload {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if criterion != "" {
		_ = w.WriteField("criterion", criterion)
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+name+`"`)
	h.Set("Content-Type", "application/octet-stream")
	p, _ := w.CreatePart(h)
	_, _ = p.Write(data)
	_ = w.Close()
	return payload{&buf, w.FormDataContentType()}
}

// noRedirect keeps 302 answers visible.
var noRedirect = &http.Client{Timeout: 2 * time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// send makes a request and returns status and body.
func (c caller) send(t *testing.T, method, path string, p payload) (int, []byte, *http.Response) {
	t.Helper()
	var body io.Reader = http.NoBody
	if p.r != nil {
		body = p.r
	}
	req, err := http.NewRequest(method, env.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if p.ctype != "" {
		req.Header.Set("Content-Type", p.ctype)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.cookie != nil {
		req.AddCookie(c.cookie)
		if c.csrf != "" {
			req.Header.Set(CSRFHeader, c.csrf)
		}
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data, resp
}

// must sends and fails the test unless the status is want; it decodes a
// JSON answer into out when out is not nil.
func (c caller) must(t *testing.T, want int, method, path string, p payload, out any) []byte {
	t.Helper()
	st, body, _ := c.send(t, method, path, p)
	if st != want {
		t.Fatalf("%s %s %s: status %d, want %d: %s", c.name, method, path, st, want, body)
	}
	if out != nil {
		mustJSON(t, body, out)
	}
	return body
}

func mustJSON(t *testing.T, data []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("decoding %q: %v", data, err)
	}
}

// apiError decodes an error body and checks it is well formed, with a
// Vietnamese message.
func apiError(t *testing.T, body []byte) *Error {
	t.Helper()
	var eb struct {
		Error *Error `json:"error"`
	}
	mustJSON(t, body, &eb)
	if eb.Error == nil || eb.Error.Code == "" || eb.Error.Message == "" {
		t.Fatalf("not an error body: %s", body)
	}
	if !vietnamese(eb.Error.Message) {
		t.Errorf("message %q does not look Vietnamese", eb.Error.Message)
	}
	return eb.Error
}

// vietnamese reports whether s has a Vietnamese letter outside ASCII.
func vietnamese(s string) bool {
	return strings.ContainsAny(s, "ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵĐ")
}

// sample is a sample-province unit's submission.
func sample(t *testing.T, code string) scoring.Submission {
	t.Helper()
	for _, u := range templates.SampleProvince().Units {
		if u.Unit.Code == code {
			return u
		}
	}
	t.Fatalf("no sample unit %s", code)
	return scoring.Submission{}
}

// openCampaign opens a campaign of sample units and waits until it
// collects.
func openCampaign(t *testing.T, year int, deadline time.Time, codes ...string) {
	t.Helper()
	as(uAdmin).must(t, http.StatusCreated, "POST", "/api/campaigns", jsonBody(map[string]any{
		"year": year, "deadline": deadline, "sample_units": codes,
		"decision": map[string]string{"number": "15/QĐ-UBND", "signer": "Trịnh Xuân Trường"}}), nil)
	waitPhase(t, year, workflows.PhaseCollecting)
}

// waitPhase polls the campaign status until it reaches phase.
func waitPhase(t *testing.T, year int, phase string) workflows.CampaignStatus {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var st workflows.CampaignStatus
	for {
		code, body, _ := as(uAdmin).send(t, "GET", "/api/campaigns/"+itoa(year), payload{})
		if code == http.StatusOK {
			mustJSON(t, body, &st)
			if st.Phase == phase {
				return st
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("campaign %d: phase %q, waiting for %q (last answer %d %s)", year, st.Phase, phase, code, body)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// unitState reads a unit's state as the admin.
func unitState(t *testing.T, year int, code string) workflows.UnitState {
	t.Helper()
	var st workflows.UnitState
	as(uAdmin).must(t, http.StatusOK, "GET", "/api/campaigns/"+itoa(year)+"/units/"+code, payload{}, &st)
	return st
}

// unitPath is a unit route.
func unitPath(year int, code, rest string) string {
	return "/api/campaigns/" + itoa(year) + "/units/" + code + rest
}

// pdfBytes is a small file that sniffs as PDF.
func pdfBytes(n int) []byte {
	b := []byte("%PDF-1.4\n% tài liệu kiểm chứng\n")
	for len(b) < n {
		b = append(b, "0123456789abcdef\n"...)
	}
	return append(b, "%%EOF\n"...)
}
