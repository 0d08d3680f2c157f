package seaweedserver

import (
	"context"
	"encoding/json"
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

	"ictindex/deploy/procgroup"
)

// Default settings used when a Config field is empty.
const (
	DefaultHost     = "127.0.0.1"
	DefaultUser     = "ictindex"
	DefaultPassword = "ictindex-dev-secret"

	// ReadyTimeout bounds how long Start waits for the S3 gateway and a
	// registered volume server.
	ReadyTimeout = 60 * time.Second
	// StopTimeout is how long Stop waits after SIGTERM before it kills. The
	// master takes about 15 s to leave on its own; the data is written
	// through to the files by then, so a test server need not wait for it.
	StopTimeout = 5 * time.Second
)

// Config describes one SeaweedFS server process.
type Config struct {
	// DataDir is the folder SeaweedFS keeps volumes and metadata in
	// (created if missing).
	DataDir string
	// Host is the loopback address every component listens on; default
	// 127.0.0.1. Each component's ports are picked free at Start and stay
	// fixed across Restart.
	Host string
	// User and Password are the access key and secret key of the one S3
	// identity, which may do everything.
	User, Password string
	// Binary is the weed executable; default Binary().
	Binary string
	// LogPath receives the server's output, appended; default weed.log in
	// DataDir's parent folder. "-" keeps the log in memory only.
	LogPath string
}

// ports are the listen ports of one server, fixed for its lifetime.
type ports struct {
	master, masterGRPC, volume, volumeGRPC, filer, filerGRPC, s3, s3GRPC int
}

// Server is a running (or stopped) SeaweedFS server process.
type Server struct {
	cfg        Config // resolved: absolute paths
	ports      ports
	configPath string // the S3 identities file
	tail       *procgroup.Tail

	mu   sync.Mutex
	proc *procgroup.Process // nil when stopped
}

// Start runs `weed server -s3` with cfg and returns once the S3 gateway
// answers /healthz and the master knows the volume server (or fails after
// ReadyTimeout, or when ctx ends). The process lives until Stop, independent
// of ctx.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	cfg, err := resolve(cfg)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, tail: procgroup.NewTail(64 << 10)}
	s.configPath = filepath.Join(filepath.Dir(cfg.DataDir), "s3-identities.json")
	if err := writeIdentities(s.configPath, cfg.User, cfg.Password); err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		if s.ports, err = freePorts(cfg.Host); err != nil {
			return nil, err
		}
		s.mu.Lock()
		err = s.startLocked(ctx)
		s.mu.Unlock()
		// A free port picked above may be taken by someone else before weed
		// binds it: pick again.
		if err != nil && attempt < 3 && errors.Is(err, procgroup.ErrAddrInUse) {
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
		return cfg, errors.New("seaweedserver: Config.DataDir is empty")
	}
	dir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return cfg, fmt.Errorf("seaweedserver: Config.DataDir: %w", err)
	}
	cfg.DataDir = dir
	if cfg.Host == "" {
		cfg.Host = DefaultHost
	}
	if cfg.User == "" {
		cfg.User = DefaultUser
	}
	if cfg.Password == "" {
		cfg.Password = DefaultPassword
	}
	if cfg.Binary == "" {
		if cfg.Binary, err = Binary(); err != nil {
			return cfg, err
		}
	} else if err := procgroup.Executable(cfg.Binary); err != nil {
		return cfg, fmt.Errorf("%w: Config.Binary: %v", ErrNotInstalled, err)
	}
	if cfg.LogPath == "" {
		cfg.LogPath = filepath.Join(filepath.Dir(cfg.DataDir), "weed.log")
	}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return cfg, fmt.Errorf("seaweedserver: %w", err)
	}
	return cfg, nil
}

// writeIdentities writes the S3 identities file: one identity with every
// action.
func writeIdentities(path, accessKey, secretKey string) error {
	type credential struct {
		AccessKey string `json:"accessKey"`
		SecretKey string `json:"secretKey"`
	}
	type identity struct {
		Name        string       `json:"name"`
		Credentials []credential `json:"credentials"`
		Actions     []string     `json:"actions"`
	}
	doc := struct {
		Identities []identity `json:"identities"`
	}{[]identity{{
		Name:        "ictindex",
		Credentials: []credential{{accessKey, secretKey}},
		Actions:     []string{"Admin", "Read", "List", "Tagging", "Write"},
	}}}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return fmt.Errorf("seaweedserver: S3 identities file: %w", err)
	}
	return nil
}

// args is the weed command line: every component on loopback ports of its
// own, no telemetry, no Iceberg or Lance endpoints, and volumes small enough
// for a test machine.
func (s *Server) args() []string {
	p := s.ports
	host := s.cfg.Host
	return []string{"server",
		"-dir=" + s.cfg.DataDir,
		"-ip=" + host, "-ip.bind=" + host,
		"-master.telemetry=false",
		"-master.port=" + strconv.Itoa(p.master), "-master.port.grpc=" + strconv.Itoa(p.masterGRPC),
		"-master.volumeSizeLimitMB=64",
		"-volume.port=" + strconv.Itoa(p.volume), "-volume.port.grpc=" + strconv.Itoa(p.volumeGRPC),
		"-volume.max=0", "-volume.preStopSeconds=0",
		"-filer.port=" + strconv.Itoa(p.filer), "-filer.port.grpc=" + strconv.Itoa(p.filerGRPC),
		"-s3",
		"-s3.port=" + strconv.Itoa(p.s3), "-s3.port.grpc=" + strconv.Itoa(p.s3GRPC),
		"-s3.port.iceberg=0", "-s3.port.lance=0",
		"-s3.config=" + s.configPath,
	}
}

// startLocked launches the process and waits until it is ready.
func (s *Server) startLocked(ctx context.Context) error {
	cmd := exec.Command(s.cfg.Binary, s.args()...)
	// weed reads WEED_* variables and ~/.seaweedfs/*.toml as settings:
	// neither the caller's environment nor home folder may reconfigure it.
	home := filepath.Dir(s.cfg.DataDir)
	cmd.Env = append(procgroup.Environ("WEED_", "AWS_", "HOME="), "HOME="+home)
	cmd.Dir = home
	p, err := procgroup.Start(cmd, procgroup.Log{
		Path:      s.cfg.LogPath,
		Also:      s.tail,
		StartMark: "starting weed, S3 on " + s.Endpoint(),
		StopMark:  "weed stopped",
	})
	if err != nil {
		return fmt.Errorf("seaweedserver: %w", err)
	}
	s.proc = p

	if err := s.waitReady(ctx, p.Done()); err != nil {
		_ = s.stopLocked()
		if procgroup.AddrInUse(s.tail.String()) {
			return fmt.Errorf("seaweedserver: %w: %v\n%s", procgroup.ErrAddrInUse, err, s.tail.Last(2048))
		}
		return fmt.Errorf("seaweedserver: %v\nweed log (last lines):\n%s", err, s.tail.Last(4096))
	}
	return nil
}

// waitReady polls until the S3 gateway answers /healthz and the master's
// topology lists the volume server: before that, writes fail with "Not
// enough data nodes found".
func (s *Server) waitReady(ctx context.Context, done <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(ctx, ReadyTimeout)
	defer cancel()
	client := &http.Client{Timeout: 2 * time.Second}
	get := func(url string) (string, bool) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := client.Do(req)
		if err != nil {
			return "", false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		return string(b), resp.StatusCode == http.StatusOK
	}
	volume := fmt.Sprintf(`"Url":"%s"`, net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.ports.volume)))
	master := "http://" + net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.ports.master))
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		if _, ok := get(s.URL() + "/healthz"); ok {
			if body, ok := get(master + "/dir/status"); ok && strings.Contains(body, volume) {
				return nil
			}
		}
		select {
		case <-done:
			return errors.New("weed exited before it was ready")
		case <-ctx.Done():
			return fmt.Errorf("weed not ready at %s: %w", s.URL(), context.Cause(ctx))
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
		return fmt.Errorf("seaweedserver: weed had exited on its own: %v", p.ExitErr())
	}
	return nil
}

// Restart stops the server and starts it again on the same ports with the
// same data folder and credentials.
func (s *Server) Restart(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	// An error only says it had crashed; starting again is what is wanted.
	_ = s.stopLocked()
	// The old process's ports can linger briefly.
	return procgroup.RetryAddrInUse(ctx, 10*time.Second, func() error { return s.startLocked(ctx) })
}

// Endpoint is the S3 API address, "127.0.0.1:PORT" (host:port, no scheme),
// as minio-go's minio.New expects it.
func (s *Server) Endpoint() string {
	return net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.ports.s3))
}

// URL is the S3 API base URL, "http://127.0.0.1:PORT".
func (s *Server) URL() string { return "http://" + s.Endpoint() }

// User is the S3 access key.
func (s *Server) User() string { return s.cfg.User }

// Password is the S3 secret key.
func (s *Server) Password() string { return s.cfg.Password }

// DataDir is the absolute data folder.
func (s *Server) DataDir() string { return s.cfg.DataDir }

// LogTail returns the last n bytes (at most 64 KiB) of the server's output.
func (s *Server) LogTail(n int) string { return s.tail.Last(n) }

// freePorts picks eight free ports on host: the kernel chooses each, and all
// are held open until the last is chosen, so that none repeats.
func freePorts(host string) (ports, error) {
	var got [8]int
	for i := range got {
		l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
		if err != nil {
			return ports{}, fmt.Errorf("seaweedserver: find a free port: %w", err)
		}
		defer l.Close()
		got[i] = l.Addr().(*net.TCPAddr).Port
	}
	return ports{got[0], got[1], got[2], got[3], got[4], got[5], got[6], got[7]}, nil
}
