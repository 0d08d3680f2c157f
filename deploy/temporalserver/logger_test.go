package temporalserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"

	"go.temporal.io/server/common/log/tag"
)

func TestLoggerDemotesRecoveredErrors(t *testing.T) {
	busy := errors.New("updateCurrentExecution failed. Error: database is locked (5) (SQLITE_BUSY)")
	for _, tc := range []struct {
		level slog.Level
		tags  []tag.Tag
		want  slog.Level
	}{
		{slog.LevelError, []tag.Tag{tag.Error(busy)}, slog.LevelWarn},
		{slog.LevelError, []tag.Tag{tag.Error(fmt.Errorf("x: %w", context.Canceled))}, slog.LevelInfo},
		{slog.LevelWarn, []tag.Tag{tag.Error(context.Canceled)}, slog.LevelInfo},
		{slog.LevelError, []tag.Tag{tag.ShardID(1), tag.Error(context.DeadlineExceeded)}, slog.LevelWarn},
		{slog.LevelWarn, []tag.Tag{tag.Error(context.DeadlineExceeded)}, slog.LevelWarn},
		// Everything else keeps its level.
		{slog.LevelError, []tag.Tag{tag.Error(errors.New("the number of pending child workflow executions, 2, has reached the per-workflow limit of 2"))}, slog.LevelError},
		{slog.LevelError, nil, slog.LevelError},
		{slog.LevelDebug, []tag.Tag{tag.Error(context.Canceled)}, slog.LevelDebug},
	} {
		if got := demoted(tc.level, tc.tags); got != tc.want {
			t.Errorf("demoted(%v, %v) = %v, want %v", tc.level, tc.tags, got, tc.want)
		}
	}

	rec := &logRecorder{}
	l := newSlogLogger(slog.New(rec))
	l.Error("Operation failed with internal error.", tag.Error(busy))
	l.Error("real trouble", tag.Error(errors.New("disk full")))
	lines := rec.lines()
	if len(lines) != 2 || lines[0].level != slog.LevelWarn || lines[1].level != slog.LevelError {
		t.Fatalf("recorded %+v", lines)
	}
}
