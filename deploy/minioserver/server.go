package minioserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Default settings used when a Config field is empty.
const (
	DefaultAddr     = "127.0.0.1:0"
	DefaultUser     = "ictindex"
	DefaultPassword = "ictindex-dev-secret"

	// ReadyTimeout bounds how long Start waits for /minio/health/ready.
	ReadyTimeout = 60 * time.Second
	// StopTimeout is how long Stop waits after SIGTERM before it kills.
	StopTimeout = 15 * time.Second
)

// Config describes one MinIO server process.
type Config struct {
	// DataDir is the folder MinIO stores objects in (created if missing).
	DataDir string
	// Addr is the S3 API listen address; a port of 0 ("127.0.0.1:0", the
	// default) picks a free port, which then stays fixed across Restart.
	Addr string
	// ConsoleAddr is the console listen address (the browser UI is off, but
	// MinIO still wants one); default a free loopback port.
	ConsoleAddr string
	// User and Password are the root credentials (MINIO_ROOT_USER and
	// MINIO_ROOT_PASSWORD); MinIO requires at least 3 and 8 characters.
	User, Password string
	// Binary is the MinIO server executable; default Binary().
	Binary string
	// LogPath receives the server's output, appended; default minio.log in
	// DataDir's parent folder. "-" keeps the log in memory only.
	LogPath string
	// CertsDir is passed as --certs-dir so that certificates in the user's
	// ~/.minio never switch the server to TLS; default minio-certs in
	// DataDir's parent folder.
	CertsDir string
}

// Server is a running (or stopped) MinIO server process.
type Server struct {
	cfg  Config // resolved: absolute paths, fixed ports
	tail *tailBuffer

	mu   sync.Mutex
	proc *process // nil when stopped
}

// process is one run of the MinIO binary.
type process struct {
	cmd     *exec.Cmd
	done    chan struct{} // closed when cmd has exited
	exitErr error         // cmd.Wait's result; read only after done
	logFile *os.File
	stopped bool // Stop was called (guarded by Server.mu)
}

// Start runs `minio server` with cfg and returns once it answers
// /minio/health/ready (or fails after ReadyTimeout, or when ctx ends). The
// process lives until Stop, independent of ctx.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	cfg, err := resolve(cfg)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, tail: newTailBuffer(64 << 10)}
	pickAddr := portIsZero(cfg.Addr)
	pickConsole := portIsZero(cfg.ConsoleAddr)
	for attempt := 1; ; attempt++ {
		if pickAddr {
			if s.cfg.Addr, err = freeAddr(cfg.Addr); err != nil {
				return nil, err
			}
		}
		if pickConsole {
			if s.cfg.ConsoleAddr, err = freeAddr(cfg.ConsoleAddr); err != nil {
				return nil, err
			}
		}
		s.mu.Lock()
		err = s.startLocked(ctx)
		s.mu.Unlock()
		// A free port picked above may be taken by someone else before MinIO
		// binds it: pick again.
		if err != nil && (pickAddr || pickConsole) && attempt < 3 && errors.Is(err, errAddrInUse) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return s, nil
	}
}

func resolve(cfg Config) (Config, error) {
	if cfg.DataDir == "" {
		return cfg, errors.New("minioserver: Config.DataDir is empty")
	}
	dir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return cfg, fmt.Errorf("minioserver: Config.DataDir: %w", err)
	}
	cfg.DataDir = dir
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	if cfg.ConsoleAddr == "" {
		cfg.ConsoleAddr = DefaultAddr
	}
	for name, a := range map[string]string{"Addr": cfg.Addr, "ConsoleAddr": cfg.ConsoleAddr} {
		if _, _, err := net.SplitHostPort(a); err != nil {
			return cfg, fmt.Errorf("minioserver: Config.%s %q: %w", name, a, err)
		}
	}
	if cfg.User == "" {
		cfg.User = DefaultUser
	}
	if cfg.Password == "" {
		cfg.Password = DefaultPassword
	}
	if len(cfg.User) < 3 {
		return cfg, errors.New("minioserver: Config.User must have at least 3 characters")
	}
	if len(cfg.Password) < 8 {
		return cfg, errors.New("minioserver: Config.Password must have at least 8 characters")
	}
	if cfg.Binary == "" {
		if cfg.Binary, err = Binary(); err != nil {
			return cfg, err
		}
	} else if err := executable(cfg.Binary); err != nil {
		return cfg, fmt.Errorf("%w: Config.Binary: %v", ErrNotInstalled, err)
	}
	if cfg.LogPath == "" {
		cfg.LogPath = filepath.Join(filepath.Dir(cfg.DataDir), "minio.log")
	}
	if cfg.CertsDir == "" {
		cfg.CertsDir = filepath.Join(filepath.Dir(cfg.DataDir), "minio-certs")
	}
	for _, d := range []string{cfg.DataDir, cfg.CertsDir} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return cfg, fmt.Errorf("minioserver: %w", err)
		}
	}
	return cfg, nil
}

var errAddrInUse = errors.New("address already in use")

// startLocked launches the process and waits until it is ready.
func (s *Server) startLocked(ctx context.Context) error {
	var out io.Writer = s.tail
	var logFile *os.File
	if s.cfg.LogPath != "-" {
		f, err := os.OpenFile(s.cfg.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o640)
		if err != nil {
			return fmt.Errorf("minioserver: log file: %w", err)
		}
		logFile = f
		out = io.MultiWriter(f, s.tail)
		fmt.Fprintf(f, "---- %s starting minio on %s\n", time.Now().Format(time.RFC3339), s.cfg.Addr)
	}
	cmd := exec.Command(s.cfg.Binary, "server", s.cfg.DataDir,
		"--address", s.cfg.Addr,
		"--console-address", s.cfg.ConsoleAddr,
		"--certs-dir", s.cfg.CertsDir)
	cmd.Env = append(environWithout("MINIO_"),
		"MINIO_ROOT_USER="+s.cfg.User,
		"MINIO_ROOT_PASSWORD="+s.cfg.Password,
		"MINIO_BROWSER=off",
		"MINIO_UPDATE=off",
	)
	cmd.Stdout = out
	cmd.Stderr = out
	cmd.Dir = filepath.Dir(s.cfg.DataDir)
	setProcAttr(cmd)
	if err := cmd.Start(); err != nil {
		if logFile != nil {
			logFile.Close()
		}
		return fmt.Errorf("minioserver: start %s: %w", s.cfg.Binary, err)
	}
	p := &process{cmd: cmd, done: make(chan struct{}), logFile: logFile}
	s.proc = p
	go func() {
		p.exitErr = cmd.Wait()
		close(p.done)
	}()

	if err := s.waitReady(ctx, p.done); err != nil {
		_ = s.stopLocked()
		if strings.Contains(s.tail.String(), "address already in use") {
			return fmt.Errorf("minioserver: %w: %v\n%s", errAddrInUse, err, s.tail.Last(2048))
		}
		return fmt.Errorf("minioserver: %v\nminio log (last lines):\n%s", err, s.tail.Last(4096))
	}
	return nil
}

// waitReady polls until /minio/health/ready answers 200 and then
// /minio/health/cluster too: "ready" comes a moment before the object layer
// is initialised, and S3 calls made in between fail with
// XMinioServerNotInitialized.
func (s *Server) waitReady(ctx context.Context, done <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(ctx, ReadyTimeout)
	defer cancel()
	base := "http://" + s.Endpoint()
	client := &http.Client{Timeout: 2 * time.Second}
	ok := func(path string) bool {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		resp, err := client.Do(req)
		if err != nil {
			return false
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	url := base + "/minio/health/ready"
	for {
		if ok("/minio/health/ready") && ok("/minio/health/cluster") {
			return nil
		}
		select {
		case <-done:
			return errors.New("minio exited before it was ready")
		case <-ctx.Done():
			return fmt.Errorf("minio not ready at %s: %w", url, context.Cause(ctx))
		case <-tick.C:
		}
	}
}

// Stop terminates the server: SIGTERM to its process group, SIGKILL after
// StopTimeout, and waits until it has exited. Stopping a stopped server is a
// no-op. The error reports a process that had died on its own before Stop.
func (s *Server) Stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopLocked()
}

func (s *Server) stopLocked() error {
	p := s.proc
	if p == nil {
		return nil
	}
	var crashed error
	select {
	case <-p.done:
		if !p.stopped {
			crashed = fmt.Errorf("minioserver: minio had exited on its own: %v", p.exitErr)
		}
	default:
	}
	p.stopped = true
	signalGroup(p.cmd, sigTerm)
	select {
	case <-p.done:
	case <-time.After(StopTimeout):
		signalGroup(p.cmd, sigKill)
		<-p.done
	}
	// Anything else left in the group goes too.
	signalGroup(p.cmd, sigKill)
	if p.logFile != nil {
		fmt.Fprintf(p.logFile, "---- %s minio stopped\n", time.Now().Format(time.RFC3339))
		p.logFile.Close()
	}
	s.proc = nil
	return crashed
}

// Restart stops the server and starts it again on the same addresses with
// the same data folder and credentials.
func (s *Server) Restart(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	// An error only says it had crashed; starting again is what is wanted.
	_ = s.stopLocked()
	var err error
	deadline := time.Now().Add(10 * time.Second)
	for {
		err = s.startLocked(ctx)
		// The old process's port can linger briefly.
		if err == nil || !errors.Is(err, errAddrInUse) || time.Now().After(deadline) || ctx.Err() != nil {
			return err
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Running reports whether the server process is up (started and not yet
// exited).
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc == nil {
		return false
	}
	select {
	case <-s.proc.done:
		return false
	default:
		return true
	}
}

// Endpoint is the S3 API address, "127.0.0.1:PORT" (host:port, no scheme),
// as minio-go's minio.New expects it.
func (s *Server) Endpoint() string { return s.cfg.Addr }

// URL is the S3 API base URL, "http://127.0.0.1:PORT".
func (s *Server) URL() string { return "http://" + s.cfg.Addr }

// User is the root access key.
func (s *Server) User() string { return s.cfg.User }

// Password is the root secret key.
func (s *Server) Password() string { return s.cfg.Password }

// DataDir is the absolute data folder.
func (s *Server) DataDir() string { return s.cfg.DataDir }

// LogPath is the log file ("-" when the log is kept in memory only).
func (s *Server) LogPath() string { return s.cfg.LogPath }

// LogTail returns the last n bytes (at most 64 KiB) of the server's output.
func (s *Server) LogTail(n int) string { return s.tail.Last(n) }

// PID is the server's process id, 0 when it is not running.
func (s *Server) PID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc == nil {
		return 0
	}
	return s.proc.cmd.Process.Pid
}

func portIsZero(addr string) bool {
	_, port, err := net.SplitHostPort(addr)
	return err == nil && (port == "0" || port == "")
}

// freeAddr binds host:0, notes the port the kernel chose and releases it.
func freeAddr(addr string) (string, error) {
	host, _, _ := net.SplitHostPort(addr)
	if host == "" {
		host = "127.0.0.1"
	}
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return "", fmt.Errorf("minioserver: find a free port: %w", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return net.JoinHostPort(host, strconv.Itoa(port)), nil
}

// environWithout is os.Environ minus variables starting with prefix, so that
// the caller's own MINIO_* settings cannot reconfigure the child.
func environWithout(prefix string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, prefix) {
			env = append(env, kv)
		}
	}
	return env
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func newTailBuffer(max int) *tailBuffer { return &tailBuffer{max: max} }

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - b.max; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
	}
	return len(p), nil
}

func (b *tailBuffer) String() string { return b.Last(b.max) }

// Last returns up to the last n bytes.
func (b *tailBuffer) Last(n int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if n <= 0 || n > len(b.buf) {
		n = len(b.buf)
	}
	return string(b.buf[len(b.buf)-n:])
}
