package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
)

// envLogFormat chooses the logs' form: "text" (the default, for a
// terminal) or "json" (one object a line, for a log collector).
const envLogFormat = "ICTINDEX_LOG_FORMAT"

// logFormat is the configured log format, checked once at start.
func logFormat() (string, error) {
	switch f := strings.ToLower(strings.TrimSpace(os.Getenv(envLogFormat))); f {
	case "", "text":
		return "text", nil
	case "json":
		return "json", nil
	default:
		return "", fmt.Errorf("%s=%q: chỉ nhận \"text\" hoặc \"json\"", envLogFormat, f)
	}
}

// newLogger is the process's structured logger at level, in the
// configured format; an unknown format falls back to text (startup
// refuses it first, see logFormat).
func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if f, _ := logFormat(); f == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
