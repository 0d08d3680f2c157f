package temporalserver

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// logRecorder is a slog.Handler keeping every record it is given, with its
// attributes flattened into one line.
type logRecorder struct {
	mu      sync.Mutex
	records []recordedLine
	attrs   string
	parent  *logRecorder
}

type recordedLine struct {
	level slog.Level
	text  string // message and attributes
	short string // message and error only
}

func (r *logRecorder) root() *logRecorder {
	if r.parent != nil {
		return r.parent
	}
	return r
}

func (r *logRecorder) Enabled(context.Context, slog.Level) bool { return true }

func (r *logRecorder) Handle(_ context.Context, rec slog.Record) error {
	var b strings.Builder
	b.WriteString(rec.Message)
	b.WriteString(r.attrs)
	short := rec.Message
	rec.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		if a.Key == "error" {
			short += fmt.Sprintf(" error=%v", a.Value)
		}
		return true
	})
	root := r.root()
	root.mu.Lock()
	root.records = append(root.records, recordedLine{rec.Level, b.String(), short})
	root.mu.Unlock()
	return nil
}

func (r *logRecorder) WithAttrs(attrs []slog.Attr) slog.Handler {
	var b strings.Builder
	b.WriteString(r.attrs)
	for _, a := range attrs {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
	}
	return &logRecorder{attrs: b.String(), parent: r.root()}
}

func (r *logRecorder) WithGroup(string) slog.Handler { return r }

func (r *logRecorder) lines() []recordedLine {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recordedLine(nil), r.records...)
}

func isBusyLine(text string) bool {
	return strings.Contains(text, "SQLITE_BUSY") || strings.Contains(text, "database is locked")
}

// logCounts summarises recorded lines: per level, and busy lines per level.
type logCounts struct {
	byLevel, busyByLevel map[slog.Level]int
}

func countLines(lines []recordedLine) logCounts {
	c := logCounts{byLevel: map[slog.Level]int{}, busyByLevel: map[slog.Level]int{}}
	for _, l := range lines {
		c.byLevel[l.level]++
		if isBusyLine(l.text) {
			c.busyByLevel[l.level]++
		}
	}
	return c
}

func (c logCounts) String() string {
	return fmt.Sprintf("ERROR %d, WARN %d, INFO %d, DEBUG %d; SQLITE_BUSY lines: ERROR %d, WARN %d, INFO %d, DEBUG %d",
		c.byLevel[slog.LevelError], c.byLevel[slog.LevelWarn], c.byLevel[slog.LevelInfo], c.byLevel[slog.LevelDebug],
		c.busyByLevel[slog.LevelError], c.busyByLevel[slog.LevelWarn], c.busyByLevel[slog.LevelInfo], c.busyByLevel[slog.LevelDebug])
}

const loadTaskQueue = "temporalserver-load"

func pingActivity(_ context.Context, n int) (int, error) { return n + 1, nil }

// pingWorkflow runs one activity and a short timer: enough to exercise
// history, matching, transfer and timer tasks.
func pingWorkflow(ctx workflow.Context, n int) (int, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute})
	var out int
	if err := workflow.ExecuteActivity(ctx, pingActivity, n).Get(ctx, &out); err != nil {
		return 0, err
	}
	if err := workflow.Sleep(ctx, 10*time.Millisecond); err != nil {
		return 0, err
	}
	return out, nil
}

// TestQuietStartAndLoad starts a file-backed server (twice: a new database
// and a restart on it), runs 200 short workflows at once, and checks that
// the start logs nothing at WARN or above and that no "database is locked"
// line reaches the logger at ERROR (or, demoted, at WARN) level. It logs
// the counts per level and the warnings and errors grouped by message.
func TestQuietStartAndLoad(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()
	dir := t.TempDir()
	rec := &logRecorder{}
	logger := slog.New(rec)
	sdkLogger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))

	for run := 1; run <= 2; run++ {
		before := len(rec.lines())
		srv := startServer(t, Config{DataDir: dir, Logger: logger})
		startLines := rec.lines()[before:]
		t.Logf("run %d, start: %v", run, countLines(startLines))
		for _, l := range startLines {
			if l.level >= slog.LevelWarn {
				t.Errorf("run %d, start logged %v: %s", run, l.level, l.text)
			}
		}

		c, err := srv.NewClient(client.Options{Logger: sdklog.NewStructuredLogger(sdkLogger)})
		if err != nil {
			t.Fatal(err)
		}
		w := worker.New(c, loadTaskQueue, worker.Options{})
		w.RegisterWorkflow(pingWorkflow)
		w.RegisterActivityWithOptions(pingActivity, activity.RegisterOptions{Name: "pingActivity"})
		if err := w.Start(); err != nil {
			t.Fatal(err)
		}

		const n = 200
		began := time.Now()
		errs := make(chan error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
					ID: fmt.Sprintf("ping-%d-%d", run, i), TaskQueue: loadTaskQueue,
					WorkflowExecutionTimeout: 3 * time.Minute,
				}, pingWorkflow, i)
				if err != nil {
					errs <- err
					return
				}
				var out int
				if err := run.Get(ctx, &out); err != nil {
					errs <- err
					return
				}
				if out != i+1 {
					errs <- fmt.Errorf("workflow %d returned %d", i, out)
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		t.Logf("run %d: %d workflows in %v", run, n, time.Since(began).Round(time.Millisecond))
		w.Stop()
		c.Close()
		if err := srv.Stop(); err != nil {
			t.Fatal(err)
		}
		t.Logf("run %d, start + load + stop: %v", run, countLines(rec.lines()[before:]))
	}

	all := rec.lines()
	t.Logf("total: %v", countLines(all))
	// The warnings and errors, grouped by message.
	busy := 0
	seen, example := map[string]int{}, map[string]string{}
	var order []string
	for _, l := range all {
		if l.level < slog.LevelWarn {
			continue
		}
		if l.level >= slog.LevelError && isBusyLine(l.text) {
			busy++
		}
		key := l.level.String() + " " + l.short
		if len(key) > 300 {
			key = key[:300]
		}
		if seen[key] == 0 {
			order = append(order, key)
			example[key] = l.text
		}
		seen[key]++
	}
	for _, k := range order {
		t.Logf("%4d× %s\n\te.g. %.600s", seen[k], k, example[k])
	}
	if busy > 0 {
		t.Errorf("%d SQLITE_BUSY lines logged at ERROR level", busy)
	}
	// The logger demotes busy lines to WARN: count those too, so that the
	// demotion does not hide contention coming back.
	if n := countLines(all).busyByLevel[slog.LevelWarn]; n > 0 {
		t.Errorf("%d SQLITE_BUSY lines logged at WARN level", n)
	}
}
