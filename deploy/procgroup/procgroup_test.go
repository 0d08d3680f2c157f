//go:build unix

package procgroup

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestStartStop(t *testing.T) {
	logPath := filepath.Join(t.TempDir(), "sleep.log")
	tail := NewTail(1024)
	p, err := Start(exec.Command("sh", "-c", "echo hello; exec sleep 60"), Log{
		Path: logPath, Also: tail, StartMark: "starting sleep", StopMark: "sleep stopped",
	})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return strings.Contains(tail.String(), "hello") })
	if !p.Running() || p.ExitErr() != nil {
		t.Fatalf("Running() = %v, ExitErr() = %v right after Start", p.Running(), p.ExitErr())
	}
	start := time.Now()
	if p.Stop(10 * time.Second) {
		t.Fatal("Stop reported a crash for a running process")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Stop took %v; sleep should leave on SIGTERM", d)
	}
	if p.Running() {
		t.Fatal("Running() after Stop")
	}
	select {
	case <-p.Done():
	default:
		t.Fatal("Done() not closed after Stop")
	}
	if p.Stop(time.Second) {
		t.Fatal("second Stop reported a crash")
	}
	log, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(log)), "\n")
	if len(lines) != 3 || !strings.HasSuffix(lines[0], " starting sleep") || lines[1] != "hello" || !strings.HasSuffix(lines[2], " sleep stopped") {
		t.Fatalf("log file:\n%s", log)
	}
}

func TestStopReportsCrash(t *testing.T) {
	tail := NewTail(1024)
	p, err := Start(exec.Command("sh", "-c", "echo boom >&2; exit 3"), Log{Path: "-", Also: tail})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("process did not exit")
	}
	if p.Running() {
		t.Fatal("Running() after exit")
	}
	if !p.Stop(time.Second) {
		t.Fatal("Stop did not report the crash")
	}
	var exit *exec.ExitError
	if !errors.As(p.ExitErr(), &exit) || exit.ExitCode() != 3 {
		t.Fatalf("ExitErr() = %v, want exit status 3", p.ExitErr())
	}
	if !strings.Contains(tail.String(), "boom") {
		t.Fatalf("output %q lacks stderr", tail.String())
	}
}

// A grandchild that ignores SIGTERM outlives its parent's exit; Stop's
// final SIGKILL to the group must take it too. (It must not hold the output
// pipe: Done waits for that to close, so Stop would only kill it after the
// timeout.)
func TestStopKillsGroup(t *testing.T) {
	tail := NewTail(1024)
	p, err := Start(exec.Command("sh", "-c", `trap "" TERM; sleep 60 >/dev/null 2>&1 & echo "child $!"; trap - TERM; wait`), Log{Also: tail})
	if err != nil {
		t.Fatal(err)
	}
	var child int
	waitFor(t, func() bool {
		_, err := fmt.Sscanf(tail.String(), "child %d", &child)
		return err == nil
	})
	if p.Stop(10 * time.Second) {
		t.Fatal("Stop reported a crash")
	}
	waitFor(t, func() bool { return errors.Is(syscall.Kill(child, 0), syscall.ESRCH) })
	if err := syscall.Kill(-p.Pid(), 0); !errors.Is(err, syscall.ESRCH) {
		t.Fatalf("process group %d still there after Stop: %v", p.Pid(), err)
	}
}

func TestStopKillsAfterTimeout(t *testing.T) {
	tail := NewTail(1024)
	p, err := Start(exec.Command("sh", "-c", `trap "" TERM; echo ready; while :; do sleep 1; done`), Log{Also: tail})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return strings.Contains(tail.String(), "ready") })
	start := time.Now()
	if p.Stop(300 * time.Millisecond) {
		t.Fatal("Stop reported a crash")
	}
	if d := time.Since(start); d < 300*time.Millisecond || d > 5*time.Second {
		t.Fatalf("Stop took %v, want about the 300ms timeout", d)
	}
	if p.Running() {
		t.Fatal("Running() after Stop")
	}
}

func TestStartErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Start(exec.Command(filepath.Join(dir, "missing")), Log{}); err == nil || !strings.HasPrefix(err.Error(), "start ") {
		t.Fatalf("Start of a missing binary = %v", err)
	}
	if _, err := Start(exec.Command("true"), Log{Path: filepath.Join(dir, "no", "such", "x.log")}); err == nil || !strings.HasPrefix(err.Error(), "log file: ") {
		t.Fatalf("Start with an unwritable log = %v", err)
	}
}

func TestFindBinary(t *testing.T) {
	dir := t.TempDir()
	fake := filepath.Join(dir, "fake-server")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PROCGROUP_TEST_BIN", fake)
	if got, err := FindBinary("PROCGROUP_TEST_BIN", "no-such-binary-here"); err != nil || got != fake {
		t.Fatalf("FindBinary with the override = %q, %v", got, err)
	}
	t.Setenv("PROCGROUP_TEST_BIN", filepath.Join(dir, "missing"))
	if _, err := FindBinary("PROCGROUP_TEST_BIN", "sh"); err == nil || !strings.Contains(err.Error(), "PROCGROUP_TEST_BIN=") {
		t.Fatalf("FindBinary with a missing override = %v", err)
	}
	t.Setenv("PROCGROUP_TEST_BIN", "")
	if got, err := FindBinary("PROCGROUP_TEST_BIN", "sh"); err != nil || filepath.Base(got) != "sh" {
		t.Fatalf("FindBinary(sh) = %q, %v", got, err)
	}
	t.Setenv("PATH", dir)
	t.Setenv("GOBIN", dir)
	if got, err := FindBinary("PROCGROUP_TEST_BIN", "fake-server"); err != nil || got != fake {
		t.Fatalf("FindBinary from GOBIN = %q, %v", got, err)
	}
	if _, err := FindBinary("PROCGROUP_TEST_BIN", "no-such-binary-here"); err == nil || !strings.Contains(err.Error(), "not on PATH") {
		t.Fatalf("FindBinary of a missing binary = %v", err)
	}
	if err := Executable(dir); err == nil {
		t.Fatal("Executable(a directory) = nil")
	}
}

func TestRetryAddrInUse(t *testing.T) {
	n := 0
	err := RetryAddrInUse(context.Background(), 10*time.Second, func() error {
		if n++; n < 3 {
			return fmt.Errorf("x: %w", ErrAddrInUse)
		}
		return nil
	})
	if err != nil || n != 3 {
		t.Fatalf("RetryAddrInUse = %v after %d attempts", err, n)
	}
	other := errors.New("other")
	n = 0
	if err := RetryAddrInUse(context.Background(), 10*time.Second, func() error { n++; return other }); err != other || n != 1 {
		t.Fatalf("RetryAddrInUse = %v after %d attempts, want other after 1", err, n)
	}
	n = 0
	if err := RetryAddrInUse(context.Background(), 0, func() error { n++; return ErrAddrInUse }); err != ErrAddrInUse || n != 1 {
		t.Fatalf("RetryAddrInUse past its deadline = %v after %d attempts", err, n)
	}
}

func TestTailAndEnviron(t *testing.T) {
	tail := NewTail(8)
	fmt.Fprint(tail, "0123456789")
	if tail.String() != "23456789" || tail.Last(3) != "789" || tail.Last(0) != "23456789" {
		t.Fatalf("tail = %q, Last(3) = %q", tail.String(), tail.Last(3))
	}
	t.Setenv("PROCGROUP_TEST_X", "1")
	t.Setenv("PROCGROUP_KEEP", "1")
	env := strings.Join(Environ("PROCGROUP_TEST_"), "\n") + "\n"
	if strings.Contains(env, "PROCGROUP_TEST_X=") || !strings.Contains(env, "PROCGROUP_KEEP=1\n") {
		t.Fatal("Environ kept or dropped the wrong variables")
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
