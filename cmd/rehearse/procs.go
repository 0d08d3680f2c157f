package main

import (
	"context"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// proc is one process of the rehearsal: how to start it, and the running
// instance when there is one. Each instance runs in a process group of its
// own, so killing it kills what it started and nothing else.
type proc struct {
	name string
	bin  string
	args []string
	env  []string
	log  string // standard output and error, appended across restarts

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
}

// supervisor starts the rehearsal's processes and lists every process
// group it started in pidFile, one "PID NAME" line each, for the shell
// script's exit trap.
type supervisor struct {
	pidFile string

	mu    sync.Mutex
	procs []*proc
}

// start launches p (again, after a stop or a kill).
func (s *supervisor) start(p *proc) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd != nil && !closed(p.done) {
		return fmt.Errorf("%s is already running (pid %d)", p.name, p.cmd.Process.Pid)
	}
	out, err := os.OpenFile(p.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\n=== rehearse: starting %s at %s\n", p.name, time.Now().Format(time.RFC3339Nano))
	cmd := exec.Command(p.bin, p.args...)
	cmd.Env = append(os.Environ(), p.env...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		out.Close()
		return fmt.Errorf("starting %s: %w", p.name, err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		out.Close()
		close(done)
	}()
	p.cmd, p.done = cmd, done
	s.mu.Lock()
	defer s.mu.Unlock()
	if !containsProc(s.procs, p) {
		s.procs = append(s.procs, p)
	}
	f, err := os.OpenFile(s.pidFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = fmt.Fprintf(f, "%d %s\n", cmd.Process.Pid, p.name)
	return err
}

func containsProc(list []*proc, p *proc) bool {
	for _, q := range list {
		if q == p {
			return true
		}
	}
	return false
}

func closed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// running reports whether p's current instance is alive.
func (p *proc) running() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cmd != nil && !closed(p.done)
}

// exited is closed when p's current instance has exited.
func (p *proc) exited() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done == nil {
		ch := make(chan struct{})
		close(ch)
		return ch
	}
	return p.done
}

// signal sends sig to p's process group.
func (p *proc) signal(sig syscall.Signal) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd != nil && !closed(p.done) {
		_ = syscall.Kill(-p.cmd.Process.Pid, sig)
	}
}

// kill ends p at once (SIGKILL), as a crash would, and waits for it.
func (p *proc) kill() {
	p.signal(syscall.SIGKILL)
	<-p.exited()
}

// stop asks p to end (SIGTERM), and kills it after grace.
func (p *proc) stop(grace time.Duration) {
	p.signal(syscall.SIGTERM)
	select {
	case <-p.exited():
	case <-time.After(grace):
		p.kill()
	}
}

// stopAll stops every process, the last started first.
func (s *supervisor) stopAll() {
	s.mu.Lock()
	procs := append([]*proc(nil), s.procs...)
	s.mu.Unlock()
	for i := len(procs) - 1; i >= 0; i-- {
		procs[i].stop(10 * time.Second)
	}
}

// freePorts finds n distinct free ports on 127.0.0.1 in [lo, hi), from a
// random start. Temporal keeps its ports in a PostgreSQL smallint, so its
// ports must stay below 32768, under the kernel's ephemeral range.
func freePorts(n, lo, hi int) ([]int, error) {
	var lns []net.Listener
	defer func() {
		for _, l := range lns {
			l.Close()
		}
	}()
	ports := make([]int, 0, n)
	start := lo + mrand.IntN(hi-lo)
	for i := 0; i < hi-lo && len(ports) < n; i++ {
		port := lo + (start-lo+i)%(hi-lo)
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			continue
		}
		lns = append(lns, l)
		ports = append(ports, port)
	}
	if len(ports) < n {
		return nil, fmt.Errorf("only %d free ports in %d-%d on 127.0.0.1, %d needed", len(ports), lo, hi-1, n)
	}
	return ports, nil
}

// errTimeout is returned by waitFor when the condition never held.
var errTimeout = errors.New("timed out")

// permanent marks a failure that waiting will not cure (the process
// awaited has exited).
type permanent struct{ error }

// waitFor polls check every interval until it returns nil or timeout
// passes, or check fails with a permanent error; the error names what was
// awaited and the last failure.
func waitFor(ctx context.Context, what string, timeout, interval time.Duration, check func() error) error {
	end := time.Now().Add(timeout)
	for {
		if ctx.Err() != nil {
			return fmt.Errorf("waiting for %s: %w", what, ctx.Err())
		}
		err := check()
		if err == nil {
			return nil
		}
		if p, ok := err.(permanent); ok {
			return fmt.Errorf("waiting for %s: %w", what, p.error)
		}
		if time.Now().After(end) {
			return fmt.Errorf("waiting for %s: %w after %s: %v", what, errTimeout, timeout, err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(interval):
		}
	}
}
