package temporalserver

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/log/tag"
)

// slogLogger adapts an *slog.Logger to the server's log.Logger interface.
// Panic and fatal levels are logged as errors: the embedding process decides
// what to do about failures, not the logger. Records below floor are dropped
// whatever the handler accepts; Stop raises it to silence the warnings the
// services emit while they shut each other down.
type slogLogger struct {
	log   *slog.Logger
	floor *slog.LevelVar
}

func newSlogLogger(l *slog.Logger) slogLogger {
	floor := new(slog.LevelVar)
	floor.Set(slog.LevelDebug)
	return slogLogger{log: l, floor: floor}
}

var (
	_ log.Logger      = slogLogger{}
	_ log.WithLogger  = slogLogger{}
	_ log.SLogWrapper = slogLogger{}
)

func (l slogLogger) Debug(msg string, tags ...tag.Tag)  { l.emit(slog.LevelDebug, msg, tags) }
func (l slogLogger) Info(msg string, tags ...tag.Tag)   { l.emit(slog.LevelInfo, msg, tags) }
func (l slogLogger) Warn(msg string, tags ...tag.Tag)   { l.emit(slog.LevelWarn, msg, tags) }
func (l slogLogger) Error(msg string, tags ...tag.Tag)  { l.emit(slog.LevelError, msg, tags) }
func (l slogLogger) DPanic(msg string, tags ...tag.Tag) { l.emit(slog.LevelError, msg, tags) }
func (l slogLogger) Panic(msg string, tags ...tag.Tag)  { l.emit(slog.LevelError, msg, tags) }
func (l slogLogger) Fatal(msg string, tags ...tag.Tag)  { l.emit(slog.LevelError, msg, tags) }

// With returns a logger that adds tags to every record.
func (l slogLogger) With(tags ...tag.Tag) log.Logger {
	attrs := tagsToAttrs(tags)
	args := make([]any, len(attrs))
	for i, a := range attrs {
		args[i] = a
	}
	return slogLogger{log: l.log.With(args...), floor: l.floor}
}

// SLog exposes the underlying logger to server code that wants one.
func (l slogLogger) SLog() *slog.Logger { return l.log }

func (l slogLogger) emit(level slog.Level, msg string, tags []tag.Tag) {
	ctx := context.Background()
	level = demoted(level, tags)
	if level < l.floor.Level() || !l.log.Enabled(ctx, level) {
		return
	}
	l.log.LogAttrs(ctx, level, msg, tagsToAttrs(tags)...)
}

func tagsToAttrs(tags []tag.Tag) []slog.Attr {
	attrs := make([]slog.Attr, len(tags))
	for i, t := range tags {
		attrs[i] = slog.Any(t.Key(), t.Value())
	}
	return attrs
}

// demoted lowers the level of records whose error the server recovers from
// by itself, so that ERROR stays for what needs a look:
//   - the caller went away ("context canceled": a poll or a request given
//     up, a task the queue runs again): INFO;
//   - a deadline passed ("context deadline exceeded") or SQLite was busy
//     ("database is locked", returned as Unavailable): the operation is
//     retried, but it says the store is overloaded or held by another
//     process: WARN.
func demoted(level slog.Level, tags []tag.Tag) slog.Level {
	if level < slog.LevelWarn {
		return level
	}
	for _, t := range tags {
		if t.Key() != "error" {
			continue
		}
		errText := fmt.Sprint(t.Value())
		switch {
		case strings.Contains(errText, context.Canceled.Error()):
			return slog.LevelInfo
		case strings.Contains(errText, context.DeadlineExceeded.Error()),
			strings.Contains(errText, "database is locked"),
			strings.Contains(errText, "SQLITE_BUSY"):
			return min(level, slog.LevelWarn)
		}
	}
	return level
}
