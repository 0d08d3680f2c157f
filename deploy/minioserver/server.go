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
	"sync"
	"time"

	"ictindex/deploy/procgroup"
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
	tail *procgroup.Tail

	mu   sync.Mutex
	proc *procgroup.Process // nil when stopped
}

// Start runs `minio server` with cfg and returns once it answers
// /minio/health/ready (or fails after ReadyTimeout, or when ctx ends). The
// process lives until Stop, independent of ctx.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	cfg, err := resolve(cfg)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, tail: procgroup.NewTail(64 << 10)}
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
		if err != nil && (pickAddr || pickConsole) && attempt < 3 && errors.Is(err, procgroup.ErrAddrInUse) {
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
	} else if err := procgroup.Executable(cfg.Binary); err != nil {
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

// startLocked launches the process and waits until it is ready.
func (s *Server) startLocked(ctx context.Context) error {
	cmd := exec.Command(s.cfg.Binary, "server", s.cfg.DataDir,
		"--address", s.cfg.Addr,
		"--console-address", s.cfg.ConsoleAddr,
		"--certs-dir", s.cfg.CertsDir)
	cmd.Env = append(procgroup.Environ("MINIO_"),
		"MINIO_ROOT_USER="+s.cfg.User,
		"MINIO_ROOT_PASSWORD="+s.cfg.Password,
		"MINIO_BROWSER=off",
		"MINIO_UPDATE=off",
	)
	cmd.Dir = filepath.Dir(s.cfg.DataDir)
	p, err := procgroup.Start(cmd, procgroup.Log{
		Path:      s.cfg.LogPath,
		Also:      s.tail,
		StartMark: "starting minio on " + s.cfg.Addr,
		StopMark:  "minio stopped",
	})
	if err != nil {
		return fmt.Errorf("minioserver: %w", err)
	}
	s.proc = p

	if err := s.waitReady(ctx, p.Done()); err != nil {
		_ = s.stopLocked()
		if procgroup.AddrInUse(s.tail.String()) {
			return fmt.Errorf("minioserver: %w: %v\n%s", procgroup.ErrAddrInUse, err, s.tail.Last(2048))
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
	s.proc = nil
	if p.Stop(StopTimeout) {
		return fmt.Errorf("minioserver: minio had exited on its own: %v", p.ExitErr())
	}
	return nil
}

// Restart stops the server and starts it again on the same addresses with
// the same data folder and credentials.
func (s *Server) Restart(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	// An error only says it had crashed; starting again is what is wanted.
	_ = s.stopLocked()
	// The old process's port can linger briefly.
	return procgroup.RetryAddrInUse(ctx, 10*time.Second, func() error { return s.startLocked(ctx) })
}

// Running reports whether the server process is up (started and not yet
// exited).
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.proc != nil && s.proc.Running()
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
	return s.proc.Pid()
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
