package apitest

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"testing"
	"time"
)

// BaseURL is the server the callers talk to (the test's httptest server).
var BaseURL string

// CSRFHeader carries the session's CSRF token (as api.CSRFHeader).
const CSRFHeader = "X-CSRF-Token"

// Caller is who a test request comes from: an API token, a cookie session
// with its CSRF token, or nobody.
type Caller struct {
	Name   string
	Token  string
	Cookie *http.Cookie
	CSRF   string
}

// Page is the caller posting page forms: the CSRF token goes in the hidden
// field, not the header.
func (c Caller) Page() Caller { c.CSRF = ""; return c }

// Payload is a request body and its content type.
type Payload struct {
	R     io.Reader
	CType string
}

// JSONBody is v as a JSON body.
func JSONBody(v any) Payload {
	b, _ := json.Marshal(v)
	return Payload{bytes.NewReader(b), "application/json"}
}

// RawJSON is s as a JSON body.
func RawJSON(s string) Payload { return Payload{strings.NewReader(s), "application/json"} }

// FormBody is an urlencoded page form.
func FormBody(v url.Values) Payload {
	return Payload{strings.NewReader(v.Encode()), "application/x-www-form-urlencoded"}
}

// FileBody is a multipart body with an optional criterion field before the
// file part.
func FileBody(criterion, name string, data []byte) Payload {
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
	return Payload{&buf, w.FormDataContentType()}
}

// noRedirect keeps 30x answers visible.
var noRedirect = &http.Client{Timeout: 2 * time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// Send makes a request and returns status, body and the response.
func (c Caller) Send(t testing.TB, method, path string, p Payload) (int, []byte, *http.Response) {
	t.Helper()
	var body io.Reader = http.NoBody
	if p.R != nil {
		body = p.R
	}
	req, err := http.NewRequest(method, BaseURL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if p.CType != "" {
		req.Header.Set("Content-Type", p.CType)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	if c.Cookie != nil {
		req.AddCookie(c.Cookie)
		if c.CSRF != "" {
			req.Header.Set(CSRFHeader, c.CSRF)
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

// Must sends and fails the test unless the status is want; it decodes a
// JSON answer into out when out is not nil.
func (c Caller) Must(t testing.TB, want int, method, path string, p Payload, out any) []byte {
	t.Helper()
	st, body, _ := c.Send(t, method, path, p)
	if st != want {
		t.Fatalf("%s %s %s: status %d, want %d: %s", c.Name, method, path, st, want, body)
	}
	if out != nil {
		MustJSON(t, body, out)
	}
	return body
}

// MustJSON decodes data into v or fails the test.
func MustJSON(t testing.TB, data []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("decoding %q: %v", data, err)
	}
}

// Vietnamese reports whether s has a Vietnamese letter outside ASCII.
func Vietnamese(s string) bool {
	return strings.ContainsAny(s, "ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵĐ")
}

// PDFBytes is a small file that sniffs as PDF.
func PDFBytes(n int) []byte {
	b := []byte("%PDF-1.4\n% tài liệu kiểm chứng\n")
	for len(b) < n {
		b = append(b, "0123456789abcdef\n"...)
	}
	return append(b, "%%EOF\n"...)
}
