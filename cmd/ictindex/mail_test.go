package main

import (
	"strings"
	"testing"
)

func TestBadMailSettingsStopTheStart(t *testing.T) {
	for _, args := range [][]string{{"worker"}, {"dev", "-data", t.TempDir()}} {
		t.Run(args[0], func(t *testing.T) {
			t.Setenv("ICTINDEX_S3_ENDPOINT", "127.0.0.1:1")
			t.Setenv("ICTINDEX_S3_ACCESS_KEY", "k")
			t.Setenv("ICTINDEX_S3_SECRET_KEY", "s")
			t.Setenv("ICTINDEX_SMTP_HOST", "mail.example.vn")
			t.Setenv("ICTINDEX_SMTP_PORT", "cổng")
			t.Setenv("ICTINDEX_SMTP_FROM", "noreply@example.vn")
			code, _, errOut := runCLI(t, "", args...)
			if code != 2 || !strings.Contains(errOut, "ICTINDEX_SMTP_PORT") {
				t.Errorf("exit %d, stderr %q: want 2 and the variable named", code, errOut)
			}
		})
	}
}
