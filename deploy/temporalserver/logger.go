package temporalserver

import (
	"context"
	"log/slog"

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
