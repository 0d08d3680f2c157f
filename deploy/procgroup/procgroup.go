// Package procgroup runs a server binary as a child process in its own
// process group, with its output appended to a log file, and stops it
// again: SIGTERM to the whole group, SIGKILL after a timeout, then SIGKILL to
// whatever is left in the group. On Linux the child also receives SIGKILL if
// the owning process dies without calling Stop. Off Unix there are no process
// groups and only the child itself is signalled.
//
// It holds what deploy/minioserver and deploy/seaweedserver share: the
// process record, starting and stopping, retrying a start while an old
// port lingers, finding the binary, and keeping the tail of the output.
package procgroup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// Log says where a process's output (stdout and stderr) goes.
type Log struct {
	// Path is the file the output is appended to; "" or "-" for none.
	Path string
	// Also receives the output too, for example a Tail; may be nil.
	Also io.Writer
	// StartMark and StopMark are written to the file, after "---- " and the
	// time, when the process starts and once it has been stopped.
	StartMark, StopMark string
}

// Process is one run of a command in its own process group.
type Process struct {
	cmd      *exec.Cmd
	done     chan struct{} // closed when cmd has exited
	exitErr  error         // cmd.Wait's result; read only after done
	logFile  *os.File
	stopMark string

	mu      sync.Mutex
	stopped bool // Stop was called
}

// Start starts cmd (not yet started, with Stdout and Stderr unset) in a
// process group of its own, its output going to log. The errors are not
// prefixed with a package name; callers add their own.
func Start(cmd *exec.Cmd, log Log) (*Process, error) {
	var out io.Writer = io.Discard
	if log.Also != nil {
		out = log.Also
	}
	var logFile *os.File
	if log.Path != "" && log.Path != "-" {
		f, err := os.OpenFile(log.Path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o640)
		if err != nil {
			return nil, fmt.Errorf("log file: %w", err)
		}
		logFile = f
		if log.Also != nil {
			out = io.MultiWriter(f, log.Also)
		} else {
			out = f
		}
		mark(f, log.StartMark)
	}
	cmd.Stdout = out
	cmd.Stderr = out
	setProcAttr(cmd)
	if err := cmd.Start(); err != nil {
		if logFile != nil {
			logFile.Close()
		}
		return nil, fmt.Errorf("start %s: %w", cmd.Args[0], err)
	}
	p := &Process{cmd: cmd, done: make(chan struct{}), logFile: logFile, stopMark: log.StopMark}
	go func() {
		p.exitErr = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

func mark(f *os.File, text string) {
	if text != "" {
		fmt.Fprintf(f, "---- %s %s\n", time.Now().Format(time.RFC3339), text)
	}
}

// Done is closed once the process has exited and its output has been
// copied: a child of the process still holding the output open delays it.
func (p *Process) Done() <-chan struct{} { return p.done }

// Running reports whether the process has not exited yet.
func (p *Process) Running() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// ExitErr is the process's exit status as exec.Cmd.Wait reports it; nil
// while it runs.
func (p *Process) ExitErr() error {
	select {
	case <-p.done:
		return p.exitErr
	default:
		return nil
	}
}

// Pid is the process id, which is also the process group id on Unix.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Stop terminates the process group: SIGTERM, SIGKILL if the process has
// not exited after timeout, and SIGKILL again to whatever else is left in
// the group. It returns once the process has exited and the log file is
// closed. crashed reports that the process had exited on its own before the
// first Stop (ExitErr says how); stopping again does nothing and returns
// false.
func (p *Process) Stop(timeout time.Duration) (crashed bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return false
	}
	crashed = !p.Running()
	p.stopped = true
	signalGroup(p.cmd, false)
	select {
	case <-p.done:
	case <-time.After(timeout):
		signalGroup(p.cmd, true)
		<-p.done
	}
	// Anything else left in the group goes too.
	signalGroup(p.cmd, true)
	if p.logFile != nil {
		mark(p.logFile, p.stopMark)
		p.logFile.Close()
	}
	return crashed
}

// ErrAddrInUse marks a start that failed because a listen address was
// already taken; callers wrap it into their start errors (see AddrInUse).
var ErrAddrInUse = errors.New("address already in use")

// AddrInUse reports whether a server's output says it could not bind.
func AddrInUse(output string) bool { return strings.Contains(output, "address already in use") }

// RetryAddrInUse calls start until it succeeds, fails with an error that is
// not ErrAddrInUse, ctx ends, or wait has passed, pausing 200 ms between
// attempts: the ports of a server just stopped can linger briefly.
func RetryAddrInUse(ctx context.Context, wait time.Duration, start func() error) error {
	deadline := time.Now().Add(wait)
	for {
		err := start()
		if err == nil || !errors.Is(err, ErrAddrInUse) || time.Now().After(deadline) || ctx.Err() != nil {
			return err
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Environ is os.Environ minus the variables starting with any of the
// prefixes, so that the caller's own settings cannot reconfigure a child.
func Environ(without ...string) []string {
	var env []string
next:
	for _, kv := range os.Environ() {
		for _, p := range without {
			if strings.HasPrefix(kv, p) {
				continue next
			}
		}
		env = append(env, kv)
	}
	return env
}
