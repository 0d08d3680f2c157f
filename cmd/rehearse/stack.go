package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/types/known/durationpb"

	"ictindex/api/store"
	"ictindex/scoring"
)

// binaries are the programs the rehearsal runs.
type binaries struct {
	ictindex, temporal, sqlTool, minio, nginx string
}

// stack is the production topology on loopback ports: PostgreSQL (started
// by the shell script), the Temporal server on it, four MinIO nodes, two
// workers, two web replicas and nginx in front of the web replicas and of
// the MinIO nodes.
type stack struct {
	dir    string
	bin    binaries
	pgPort int
	sup    *supervisor

	temporalPort         int   // frontend gRPC
	temporalHTTPPort     int   // frontend HTTP
	temporalServicePorts []int // the other services' gRPC and membership ports
	temporal             *proc
	minioPorts           []int
	minio                []*proc
	s3Port               int // nginx in front of the MinIO nodes
	webPorts             []int
	web                  []*proc
	workers              []*proc
	proxyPort            int // nginx in front of the web replicas
	nginx                *proc
	dev                  *proc // ictindex dev, when the embedded default is played instead

	accessKey, secretKey string
	env                  []string // the ictindex processes' environment
}

const (
	namespace      = "default"
	evidenceBucket = "ictindex-evidence"
	documentBucket = "ictindex-documents"
)

// newStack allocates the ports and secrets of a stack in dir.
func newStack(dir string, bin binaries, pgPort int) (*stack, error) {
	ports, err := freePorts(1+4+1+2+1+8+1, 20000, 32000)
	if err != nil {
		return nil, err
	}
	take := func(n int) []int { p := ports[:n]; ports = ports[n:]; return p }
	s := &stack{dir: dir, bin: bin, pgPort: pgPort, sup: &supervisor{pidFile: filepath.Join(dir, "pids")}}
	s.temporalPort = take(1)[0]
	s.minioPorts = take(4)
	s.s3Port = take(1)[0]
	s.webPorts = take(2)
	s.proxyPort = take(1)[0]
	s.temporalServicePorts = take(8)
	s.temporalHTTPPort = take(1)[0]
	s.accessKey = "rehearse-" + randomHex(4)
	s.secretKey = randomHex(20)
	return s, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *stack) logPath(name string) string { return filepath.Join(s.dir, "logs", name+".log") }

// pgDSN is a DSN of database db on the rehearsal's PostgreSQL.
func (s *stack) pgDSN(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.pgPort, db)
}

// run runs a short command to its end, its output in the log named name.
func (s *stack) run(ctx context.Context, name string, env []string, bin string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	f, ferr := os.OpenFile(s.logPath(name), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if ferr == nil {
		fmt.Fprintf(f, "$ %s %s\n%s", filepath.Base(bin), strings.Join(args, " "), stderr.Bytes())
		f.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w: %s", filepath.Base(bin), strings.Join(args, " "), err, lastLines(stderr.String(), 5))
	}
	return stdout.Bytes(), nil
}

// lastLines is the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// setupDatabases creates Temporal's two databases and ictindex's users
// database with Temporal's SQL tool, and Temporal's schemas from the ones
// built into the tool (postgresql/v12).
func (s *stack) setupDatabases(ctx context.Context) error {
	base := []string{"--plugin", "postgres12", "--ep", "127.0.0.1", "-p", strconv.Itoa(s.pgPort), "-u", "postgres"}
	for _, db := range []string{"temporal", "temporal_visibility", "ictindex"} {
		if _, err := s.run(ctx, "schema", nil, s.bin.sqlTool, append(base, "--db", db, "create-database")...); err != nil {
			return err
		}
	}
	for db, schema := range map[string]string{"temporal": "postgresql/v12/temporal", "temporal_visibility": "postgresql/v12/visibility"} {
		if _, err := s.run(ctx, "schema", nil, s.bin.sqlTool, append(base, "--db", db, "setup-schema", "-v", "0.0")...); err != nil {
			return err
		}
		if _, err := s.run(ctx, "schema", nil, s.bin.sqlTool, append(base, "--db", db, "update-schema", "--schema-name", schema)...); err != nil {
			return err
		}
	}
	return nil
}

// temporalConfig is the server's configuration: the reference
// development-postgres12.yaml of the module, on this rehearsal's ports.
var temporalConfig = template.Must(template.New("temporal").Parse(`log:
  stdout: true
  level: warn

persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: 4
  datastores:
    postgres-default:
      sql:
        pluginName: "postgres12"
        databaseName: "temporal"
        connectAddr: "127.0.0.1:{{.PG}}"
        connectProtocol: "tcp"
        user: "postgres"
        password: ""
        maxConns: 20
        maxIdleConns: 20
        maxConnLifetime: "1h"
    postgres-visibility:
      sql:
        pluginName: "postgres12"
        databaseName: "temporal_visibility"
        connectAddr: "127.0.0.1:{{.PG}}"
        connectProtocol: "tcp"
        user: "postgres"
        password: ""
        maxConns: 4
        maxIdleConns: 4
        maxConnLifetime: "1h"

global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"

services:
  frontend:
    rpc:
      grpcPort: {{.Frontend}}
      membershipPort: {{index .Svc 0}}
      bindOnLocalHost: true
      httpPort: {{.HTTP}}
  matching:
    rpc:
      grpcPort: {{index .Svc 1}}
      membershipPort: {{index .Svc 2}}
      bindOnLocalHost: true
  history:
    rpc:
      grpcPort: {{index .Svc 3}}
      membershipPort: {{index .Svc 4}}
      bindOnLocalHost: true
  worker:
    rpc:
      grpcPort: {{index .Svc 5}}
      membershipPort: {{index .Svc 6}}
      bindOnLocalHost: true

clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "127.0.0.1:{{.Frontend}}"

dcRedirectionPolicy:
  policy: "noop"

dynamicConfigClient:
  filepath: "{{.Dynamic}}"
  pollInterval: "10s"
`))

// temporalDynamicConfig holds the settings ictindex's embedded server sets
// (deploy/temporalserver): updates on, with the asynchronous stage, search
// attributes read straight from the database, long workflow IDs.
const temporalDynamicConfig = `frontend.enableUpdateWorkflowExecution:
  - value: true
frontend.enableUpdateWorkflowExecutionAsyncAccepted:
  - value: true
system.forceSearchAttributesCacheRefreshOnRead:
  - value: true
limit.maxIDLength:
  - value: 1000
`

// startTemporal writes the server's configuration and starts it.
func (s *stack) startTemporal(ctx context.Context) error {
	dyn := filepath.Join(s.dir, "temporal-dynamic.yaml")
	if err := os.WriteFile(dyn, []byte(temporalDynamicConfig), 0o644); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := temporalConfig.Execute(&buf, map[string]any{"PG": s.pgPort, "Frontend": s.temporalPort, "HTTP": s.temporalHTTPPort,
		"Svc": s.temporalServicePorts, "Dynamic": dyn}); err != nil {
		return err
	}
	cfg := filepath.Join(s.dir, "temporal.yaml")
	if err := os.WriteFile(cfg, buf.Bytes(), 0o644); err != nil {
		return err
	}
	s.temporal = &proc{name: "temporal", bin: s.bin.temporal, args: []string{"--config-file", cfg, "--allow-no-auth", "start"},
		log: s.logPath("temporal")}
	if err := s.sup.start(s.temporal); err != nil {
		return err
	}
	return s.waitTemporal(ctx, 2*time.Minute)
}

// waitTemporal waits until the frontend answers and the namespace is
// served, registering the namespace the first time.
func (s *stack) waitTemporal(ctx context.Context, timeout time.Duration) error {
	hostPort := "127.0.0.1:" + strconv.Itoa(s.temporalPort)
	return waitFor(ctx, "the Temporal server", timeout, 250*time.Millisecond, func() error {
		if !s.temporal.running() {
			return permanent{fmt.Errorf("the server exited (see %s)", s.temporal.log)}
		}
		nc, err := client.NewNamespaceClient(client.Options{HostPort: hostPort, Logger: quiet{}})
		if err != nil {
			return err
		}
		defer nc.Close()
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if _, err := nc.Describe(cctx, namespace); err == nil {
			return nil
		} else if !errors.As(err, new(*serviceerror.NamespaceNotFound)) {
			return err
		}
		err = nc.Register(cctx, &workflowservice.RegisterNamespaceRequest{Namespace: namespace,
			WorkflowExecutionRetentionPeriod: durationpb.New(72 * time.Hour)})
		if err != nil && !errors.As(err, new(*serviceerror.NamespaceAlreadyExists)) {
			return err
		}
		return errors.New("namespace registered; waiting for it to be served")
	})
}

// quiet is a Temporal SDK logger that says nothing: the rehearsal reports
// what it waits for itself.
type quiet struct{}

func (quiet) Debug(string, ...any) {}
func (quiet) Info(string, ...any)  {}
func (quiet) Warn(string, ...any)  {}
func (quiet) Error(string, ...any) {}

// startMinIO starts four MinIO nodes forming one erasure-coded
// deployment: every node lists all four endpoints, each with its own
// folder.
func (s *stack) startMinIO(ctx context.Context) error {
	var endpoints []string
	for i, port := range s.minioPorts {
		d := filepath.Join(s.dir, "minio", fmt.Sprintf("node%d", i+1))
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
		endpoints = append(endpoints, fmt.Sprintf("http://127.0.0.1:%d%s", port, d))
	}
	for i, port := range s.minioPorts {
		p := &proc{name: fmt.Sprintf("minio%d", i+1), bin: s.bin.minio,
			args: append([]string{"server", "--quiet", "--address", "127.0.0.1:" + strconv.Itoa(port)}, endpoints...),
			// In a container (/.dockerenv) MinIO waits for a node name
			// that does not resolve to loopback; _MINIO_SERVER_LOCAL names
			// the node's own endpoint instead (ignored elsewhere).
			env: []string{"_MINIO_SERVER_LOCAL=127.0.0.1:" + strconv.Itoa(port), "MINIO_ROOT_USER=" + s.accessKey, "MINIO_ROOT_PASSWORD=" + s.secretKey, "MINIO_CI_CD=1",
				"MINIO_BROWSER=off", "MINIO_UPDATE=off"},
			log: s.logPath(fmt.Sprintf("minio%d", i+1))}
		s.minio = append(s.minio, p)
		if err := s.sup.start(p); err != nil {
			return err
		}
	}
	for i := range s.minio {
		if err := s.waitMinIONode(ctx, i, 3*time.Minute); err != nil {
			return err
		}
	}
	return nil
}

// waitMinIONode waits until node i is live and the deployment has its
// write quorum as that node sees it.
func (s *stack) waitMinIONode(ctx context.Context, i int, timeout time.Duration) error {
	base := fmt.Sprintf("http://127.0.0.1:%d", s.minioPorts[i])
	return waitFor(ctx, s.minio[i].name, timeout, 250*time.Millisecond, func() error {
		if !s.minio[i].running() {
			return permanent{fmt.Errorf("the node exited (see %s)", s.minio[i].log)}
		}
		for _, path := range []string{"/minio/health/live", "/minio/health/cluster"} {
			if err := httpOK(base + path); err != nil {
				return err
			}
		}
		return nil
	})
}

// httpOK reports whether GET url answers 200.
func httpOK(url string) error {
	c := http.Client{Timeout: 3 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return nil
}

// nginxConfig balances the web replicas and the MinIO nodes. A replica or
// node that refuses a connection is skipped for 5 s; request and response
// bodies stream through unbuffered (evidence uploads and downloads).
var nginxConfig = template.Must(template.New("nginx").Parse(`worker_processes 2;
pid {{.Dir}}/nginx.pid;
error_log {{.Dir}}/logs/nginx-error.log warn;
events { worker_connections 1024; }
http {
  default_type application/octet-stream;
  log_format rehearse '$time_iso8601 $request_method $uri $status up=$upstream_addr upstatus=$upstream_status rt=$request_time';
  access_log {{.Dir}}/logs/nginx-access.log rehearse;
  client_body_temp_path {{.Dir}}/nginx/body;
  proxy_temp_path {{.Dir}}/nginx/proxy;
  fastcgi_temp_path {{.Dir}}/nginx/fastcgi;
  uwsgi_temp_path {{.Dir}}/nginx/uwsgi;
  scgi_temp_path {{.Dir}}/nginx/scgi;
  client_max_body_size 0;
  proxy_request_buffering off;
  proxy_buffering off;
  proxy_http_version 1.1;
  proxy_read_timeout 300s;
  proxy_send_timeout 300s;
  proxy_connect_timeout 2s;

  upstream web {
{{- range .Web}}
    server 127.0.0.1:{{.}} max_fails=1 fail_timeout=5s;
{{- end}}
    keepalive 16;
  }
  upstream s3 {
{{- range .S3}}
    server 127.0.0.1:{{.}} max_fails=1 fail_timeout=5s;
{{- end}}
    keepalive 16;
  }
  server {
    listen 127.0.0.1:{{.Proxy}};
    location / {
      proxy_pass http://web;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_next_upstream error timeout http_502;
    }
  }
  server {
    listen 127.0.0.1:{{.S3Port}};
    location / {
      proxy_pass http://s3;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_next_upstream error timeout http_502 http_503;
    }
  }
}
`))

// startNginx writes nginx's configuration and starts it in the
// foreground.
func (s *stack) startNginx(ctx context.Context) error {
	// nginx makes its temporary folders itself, owned by its workers' user.
	if err := os.MkdirAll(filepath.Join(s.dir, "nginx"), 0o755); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := nginxConfig.Execute(&buf, map[string]any{"Dir": s.dir, "Web": s.webPorts, "S3": s.minioPorts,
		"Proxy": s.proxyPort, "S3Port": s.s3Port}); err != nil {
		return err
	}
	cfg := filepath.Join(s.dir, "nginx.conf")
	if err := os.WriteFile(cfg, buf.Bytes(), 0o644); err != nil {
		return err
	}
	s.nginx = &proc{name: "nginx", bin: s.bin.nginx, args: []string{"-c", cfg, "-p", filepath.Join(s.dir, "nginx"), "-g", "daemon off;"},
		log: s.logPath("nginx")}
	if err := s.sup.start(s.nginx); err != nil {
		return err
	}
	return waitFor(ctx, "nginx", 30*time.Second, 100*time.Millisecond, func() error {
		if !s.nginx.running() {
			return permanent{fmt.Errorf("nginx exited (see %s)", s.nginx.log)}
		}
		return httpOK(fmt.Sprintf("http://127.0.0.1:%d/minio/health/live", s.s3Port))
	})
}

// writeSigningKey makes the body's signing key for the workers: a P-256
// key with a self-signed certificate marked as a rehearsal, in PEM.
func (s *stack) writeSigningKey() (string, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", err
	}
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		return "", err
	}
	now := time.Now()
	tmpl := &x509.Certificate{SerialNumber: serial,
		Subject: pkix.Name{CommonName: "Ủy ban nhân dân tỉnh Lào Cai (khóa diễn tập)", Organization: []string{"Ủy ban nhân dân tỉnh Lào Cai"},
			Country: []string{"VN"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(1, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return "", err
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return "", err
	}
	out := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder})
	out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	path := filepath.Join(s.dir, "signing-key.pem")
	return path, os.WriteFile(path, out, 0o600)
}

// startIctindex starts the two workers and the two web replicas with the
// production environment, the first worker alone first (it creates the
// buckets), and waits until every replica is ready.
func (s *stack) startIctindex(ctx context.Context) error {
	keyPath, err := s.writeSigningKey()
	if err != nil {
		return err
	}
	s.env = []string{
		"ICTINDEX_TEMPORAL_ADDRESS=127.0.0.1:" + strconv.Itoa(s.temporalPort),
		"ICTINDEX_TEMPORAL_NAMESPACE=" + namespace,
		"ICTINDEX_S3_ENDPOINT=127.0.0.1:" + strconv.Itoa(s.s3Port),
		"ICTINDEX_S3_ACCESS_KEY=" + s.accessKey,
		"ICTINDEX_S3_SECRET_KEY=" + s.secretKey,
		"ICTINDEX_S3_SSL=false",
		"ICTINDEX_EVIDENCE_BUCKET=" + evidenceBucket,
		"ICTINDEX_DOCUMENT_BUCKET=" + documentBucket,
		"ICTINDEX_DATABASE_URL=" + s.pgDSN("ictindex"),
		"ICTINDEX_SESSION_KEY=" + randomHex(32),
		"ICTINDEX_COOKIE_SECURE=false",
		"ICTINDEX_PUBLIC_URL=http://127.0.0.1:" + strconv.Itoa(s.proxyPort),
	}
	workerEnv := append([]string{"ICTINDEX_SIGN_P12=" + keyPath}, s.env...)
	for i := range 2 {
		s.workers = append(s.workers, &proc{name: fmt.Sprintf("worker%d", i+1), bin: s.bin.ictindex, args: []string{"worker"},
			env: workerEnv, log: s.logPath(fmt.Sprintf("worker%d", i+1))})
		s.web = append(s.web, &proc{name: fmt.Sprintf("web%d", i+1), bin: s.bin.ictindex,
			args: []string{"serve", "--addr", "127.0.0.1:" + strconv.Itoa(s.webPorts[i])}, env: s.env,
			log: s.logPath(fmt.Sprintf("web%d", i+1))})
	}
	if err := s.startWorker(ctx, 0); err != nil {
		return err
	}
	for _, p := range []*proc{s.workers[1], s.web[0], s.web[1]} {
		if err := s.sup.start(p); err != nil {
			return err
		}
	}
	for i := range s.web {
		if err := s.waitWeb(ctx, i, time.Minute); err != nil {
			return err
		}
	}
	return nil
}

// startWorker starts worker i and waits until it polls (its log says
// "Started Worker" once more).
func (s *stack) startWorker(ctx context.Context, i int) error {
	w := s.workers[i]
	count := func() int {
		data, _ := os.ReadFile(w.log)
		return bytes.Count(data, []byte("Started Worker"))
	}
	before := count()
	if err := s.sup.start(w); err != nil {
		return err
	}
	return waitFor(ctx, w.name, time.Minute, 100*time.Millisecond, func() error {
		if !w.running() {
			return permanent{fmt.Errorf("it exited (see %s)", w.log)}
		}
		if count() == before {
			return errors.New("not polling yet")
		}
		return nil
	})
}

// waitWeb waits until web replica i answers /readyz with 200.
func (s *stack) waitWeb(ctx context.Context, i int, timeout time.Duration) error {
	return waitFor(ctx, s.web[i].name, timeout, 100*time.Millisecond, func() error {
		if !s.web[i].running() {
			return permanent{fmt.Errorf("it exited (see %s)", s.web[i].log)}
		}
		return httpOK(fmt.Sprintf("http://127.0.0.1:%d/readyz", s.webPorts[i]))
	})
}

// importRegistry puts the units in the unit registry on PostgreSQL, as
// the department's import of its registry file does (users of a unit
// need their unit there).
func (s *stack) importRegistry(ctx context.Context, subs []scoring.Submission) error {
	db, err := store.Open(ctx, s.usersDSN(), store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	units := make([]store.Unit, len(subs))
	for i, sub := range subs {
		units[i] = store.Unit{Code: sub.Unit.Code, Name: sub.Unit.Name, Annex: sub.Annex, Flags: sub.Flags, Active: true}
	}
	return db.ImportUnits(ctx, "diễn tập", units)
}

// addUsers creates the users with `ictindex user add` and returns each
// one's API token from `ictindex user token`, four at a time.
func (s *stack) addUsers(ctx context.Context, users []user) (map[string]string, error) {
	return tokensOf(ctx, users, 4, func(u user) (string, error) {
		env := append([]string{"ICTINDEX_NEW_PASSWORD=" + randomHex(12)}, s.env...)
		args := []string{"user", "add", "--name", u.name, "--role", u.role}
		if u.unit != "" {
			args = append(args, "--unit", u.unit)
		}
		if _, err := s.run(ctx, "users", env, s.bin.ictindex, args...); err != nil {
			return "", err
		}
		out, err := s.run(ctx, "users", s.env, s.bin.ictindex, "user", "token", "--name", u.name)
		return strings.TrimSpace(string(out)), err
	})
}

// tokensOf makes each user's account and token with mint, k at a time,
// and answers the tokens by name and the first error.
func tokensOf(ctx context.Context, users []user, k int, mint func(u user) (string, error)) (map[string]string, error) {
	tokens := make(map[string]string, len(users))
	var mu sync.Mutex
	err := forEach(ctx, len(users), k, func(i int) error {
		token, err := mint(users[i])
		if err != nil {
			return fmt.Errorf("user %s: %w", users[i].name, err)
		}
		mu.Lock()
		defer mu.Unlock()
		tokens[users[i].name] = token
		return nil
	})
	return tokens, err
}

// user is an account of the rehearsal.
type user struct{ name, role, unit string }
