package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
)

// TestLogFormat: ICTINDEX_LOG_FORMAT=json writes one JSON object a line
// with the record's attributes; the default is text; an unknown format
// stops the command naming the variable.
func TestLogFormat(t *testing.T) {
	var buf bytes.Buffer
	t.Setenv(envLogFormat, "JSON")
	newLogger(&buf, slog.LevelInfo).Info("listening", "url", "http://127.0.0.1:8080", "đơn_vị", "Sở Nội vụ")
	newLogger(&buf, slog.LevelInfo).Debug("hidden")
	var rec map[string]any
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("%d lines: %q", len(lines), buf.String())
	}
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil || rec["msg"] != "listening" || rec["level"] != "INFO" ||
		rec["url"] != "http://127.0.0.1:8080" || rec["đơn_vị"] != "Sở Nội vụ" {
		t.Fatalf("%v: %v", err, rec)
	}
	buf.Reset()
	t.Setenv(envLogFormat, "")
	newLogger(&buf, slog.LevelInfo).Info("listening", "url", "x")
	if !strings.HasPrefix(buf.String(), "time=") || !strings.Contains(buf.String(), "msg=listening url=x") {
		t.Fatalf("text: %q", buf.String())
	}
	t.Setenv(envLogFormat, "xml")
	var out, errs bytes.Buffer
	if code := run(context.Background(), &env{stdout: &out, stderr: &errs}, []string{"demo"}); code != 2 ||
		!strings.Contains(errs.String(), envLogFormat) {
		t.Fatalf("unknown format: exit %d, %q", code, errs.String())
	}
}
