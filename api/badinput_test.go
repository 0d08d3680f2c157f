package api

import (
	"bytes"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"ictindex/workflows"
)

// TestBadInput sends malformed and hostile requests: each gets a clear
// error body with a Vietnamese message, and the unit is left as it was.
func TestBadInput(t *testing.T) {
	needStack(t)
	const year = 2033
	openCampaign(t, year, time.Now().Add(time.Hour), unitA)
	before := unitState(t, year, unitA)
	sub := as(uSubA)
	fig := unitPath(year, unitA, "/figures")
	ev := unitPath(year, unitA, "/evidence")
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), bytes.Repeat([]byte{0}, 512)...)
	cases := []struct {
		name      string
		who       caller
		method    string
		path      string
		body      payload
		status    int
		code      string
		field     string // the field error expected, if any
		inMessage string
	}{
		{"malformed JSON", sub, "PUT", fig, rawJSON(`{"figures": {`), 400, CodeValidation, "", "JSON"},
		{"wrong type", sub, "PUT", fig, rawJSON(`{"figures": "nhiều"}`), 400, CodeValidation, "figures", "số liệu"},
		{"unknown field", sub, "PUT", fig, rawJSON(`{"figures": {}, "by": "ke-gia-mao"}`), 400, CodeValidation, "by", "không được hỗ trợ"},
		{"wrong type of year", as(uAdmin), "POST", "/api/campaigns", rawJSON(`{"year": "năm nay"}`), 400, CodeValidation, "year", "năm báo cáo"},
		{"bad year in path", sub, "GET", "/api/campaigns/abc/units/" + unitA, payload{}, 400, CodeValidation, "year", "Năm"},
		{"unknown figure", sub, "PUT", fig, jsonBody(map[string]any{"figures": map[string]any{"khong_co": 1}}), 422, CodeValidation, "khong_co", ""},
		{"submit incomplete", as(uApprA), "POST", unitPath(year, unitA, "/submit"), payload{}, 422, CodeValidation, "", ""},
		{"hand over incomplete", sub, "POST", unitPath(year, unitA, "/hand-over"), payload{}, 422, CodeValidation, "", ""},
		{"return without note", as(uApprA), "POST", unitPath(year, unitA, "/return"), jsonBody(map[string]string{}), 422, CodeValidation, "", ""},
		{"oversized file", sub, "POST", ev, fileBody("I.1", "lon.pdf", pdfBytes(testMaxEvidence+1000)), 413, CodeTooLarge, "", "quá lớn"},
		{"executable renamed .pdf", sub, "POST", ev, fileBody("I.1", "bao-cao.pdf", exe), 415, CodeUnsupportedType, "", "Loại tệp"},
		{"path traversal name", sub, "POST", ev, fileBody("I.1", "../../etc/passwd.pdf", pdfBytes(200)), 400, CodeValidation, "file", "đường dẫn"},
		{"criterion after file", sub, "POST", ev, fileBody("", "a.pdf", pdfBytes(200)), 400, CodeValidation, "criterion", "tiêu chí"},
		{"criterion not applicable", sub, "POST", ev, fileBody("XX.9", "a.pdf", pdfBytes(200)), 422, CodeValidation, "evidence.criterion", "tiêu chí"},
		{"not multipart", sub, "POST", ev, rawJSON(`{}`), 400, CodeValidation, "", "multipart"},
		{"unknown unit", as(uAdmin), "GET", unitPath(year, "KHONGCO", ""), payload{}, 404, CodeNotFound, "", ""},
		{"unknown campaign", as(uAdmin), "GET", "/api/campaigns/2199", payload{}, 404, CodeNotFound, "", ""},
		{"not an xlsx", sub, "POST", unitPath(year, unitA, "/import"), fileBody("", "a.xlsx", []byte("không phải excel")), 422, CodeValidation, "document", "xlsx"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, body, _ := c.who.Send(t, c.method, c.path, c.body)
			if st != c.status {
				t.Fatalf("status %d, want %d: %s", st, c.status, body)
			}
			e := apiError(t, body)
			if e.Code != c.code {
				t.Errorf("code %q, want %q", e.Code, c.code)
			}
			if c.inMessage != "" && !strings.Contains(strings.ToLower(e.Message), strings.ToLower(c.inMessage)) {
				t.Errorf("message %q lacks %q", e.Message, c.inMessage)
			}
			if c.field != "" {
				found := false
				for _, f := range e.Fields {
					found = found || f.Field == c.field || strings.HasSuffix(f.Field, "."+c.field)
				}
				if !found {
					t.Errorf("no field error on %q: %+v", c.field, e.Fields)
				}
			}
		})
	}
	t.Run("CSRF", func(t *testing.T) {
		session := login(t, uSubA)
		missing, stale := session, session
		missing.CSRF = ""
		stale.CSRF = login(t, uSubA).CSRF // another session's token
		for _, c := range []caller{missing, stale} {
			st, resp, _ := c.Send(t, "PUT", fig, jsonBody(map[string]any{"figures": map[string]any{"steering_committee": true}}))
			if st != http.StatusForbidden {
				t.Fatalf("status %d: %s", st, resp)
			}
			if e := apiError(t, resp); e.Code != CodeForbidden || !strings.Contains(e.Message, "CSRF") {
				t.Errorf("%+v", e)
			}
		}
		// A read needs no token; after logout the cookie is dead.
		missing.Must(t, http.StatusOK, "GET", unitPath(year, unitA, ""), payload{}, nil)
		session.Must(t, http.StatusNoContent, "POST", "/api/logout", payload{}, nil)
		session.Must(t, http.StatusUnauthorized, "GET", unitPath(year, unitA, ""), payload{}, nil)
	})
	if after := unitState(t, year, unitA); !reflect.DeepEqual(before, after) {
		t.Errorf("bad input changed the unit:\nbefore %+v\nafter  %+v", before, after)
	}
	// The refused attach left the uploaded object unreferenced; the unit
	// records nothing.
	if after := unitState(t, year, unitA); len(after.Evidence) != 0 || after.Status != workflows.UnitDraft {
		t.Errorf("unit after bad input: %s, %d evidence", after.Status, len(after.Evidence))
	}
}

// TestLoginRateLimit: five failures per user and IP within a minute, then
// 429 even with the right password; other users are unaffected.
func TestLoginRateLimit(t *testing.T) {
	needStack(t)
	const victim = uAppraiser
	for i := 0; i < 5; i++ {
		st, body, _ := anonymous.Send(t, "POST", "/api/login", jsonBody(map[string]string{"username": victim, "password": "sai-mat-khau"}))
		if st != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d %s", i+1, st, body)
		}
	}
	st, body, _ := anonymous.Send(t, "POST", "/api/login", jsonBody(map[string]string{"username": victim, "password": password}))
	if st != http.StatusTooManyRequests {
		t.Fatalf("sixth attempt: %d %s", st, body)
	}
	if e := apiError(t, body); e.Code != CodeRateLimited {
		t.Errorf("%+v", e)
	}
	login(t, uLeader)
	st, body, _ = anonymous.Send(t, "POST", "/api/login", rawJSON(`{"username": 5}`))
	if st != http.StatusBadRequest {
		t.Fatalf("malformed login: %d %s", st, body)
	}
	apiError(t, body)
}
