package pages

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestPagesCompressed: a client that accepts gzip gets the pages and their
// CSS compressed, and the same bytes once decompressed; one that does not
// gets them plain; a HEAD answer carries no body.
func TestPagesCompressed(t *testing.T) {
	needStack(t)
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	get := func(method, path, enc string) (*http.Response, []byte) {
		t.Helper()
		req, err := http.NewRequest(method, env.srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if enc != "" {
			req.Header.Set("Accept-Encoding", enc)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, body
	}
	for _, path := range []string{"/dang-nhap", "/tai-nguyen/style.css", "/tai-nguyen/unit.js"} {
		plainResp, plain := get("GET", path, "")
		zResp, z := get("GET", path, "gzip, deflate, br")
		if plainResp.Header.Get("Content-Encoding") != "" || zResp.Header.Get("Content-Encoding") != "gzip" || zResp.Header.Get("Vary") == "" {
			t.Errorf("%s: encodings %q and %q", path, plainResp.Header.Get("Content-Encoding"), zResp.Header.Get("Content-Encoding"))
			continue
		}
		zr, err := gzip.NewReader(bytes.NewReader(z))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		unz, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if !bytes.Equal(unz, plain) && !strings.HasPrefix(path, "/dang-nhap") { // the login page carries a fresh token
			t.Errorf("%s: decompressed %d B differ from the plain %d B", path, len(unz), len(plain))
		}
		if len(z) >= len(plain) {
			t.Errorf("%s: compressed %d B, plain %d B", path, len(z), len(plain))
		}
	}
	if resp, body := get("HEAD", "/tai-nguyen/style.css", "gzip"); len(body) != 0 || resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("HEAD: %d B, encoding %q", len(body), resp.Header.Get("Content-Encoding"))
	}
}
