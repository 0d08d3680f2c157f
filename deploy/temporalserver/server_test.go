package temporalserver

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
)

// startServer starts a server for a test and stops it when the test ends.
func startServer(t *testing.T, cfg Config) *Server {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	}
	began := time.Now()
	srv, err := Start(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Logf("server at %s ready in %v", srv.HostPort(), time.Since(began).Round(time.Millisecond))
	t.Cleanup(func() {
		if err := srv.Stop(); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return srv
}

func newClient(t *testing.T, srv *Server) client.Client {
	t.Helper()
	c, err := srv.NewClient(client.Options{})
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

func TestStateSurvivesRestart(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	dir := t.TempDir()
	campaignYear := temporal.NewSearchAttributeKeyInt64("CampaignYear")

	// First run: one workflow completes, one stays open with a total of 5.
	first := startServer(t, Config{
		DataDir:   dir,
		Namespace: "ictindex",
		SearchAttributes: map[string]enumspb.IndexedValueType{
			"CampaignYear": enumspb.INDEXED_VALUE_TYPE_INT,
			"UnitCode":     enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		},
	})
	if first.Namespace() != "ictindex" {
		t.Fatalf("Namespace() = %q", first.Namespace())
	}
	c := newClient(t, first)
	stopWorker := startWorker(t, c)

	done := startCounter(t, ctx, c, "done", client.StartWorkflowOptions{})
	if total, err := add(ctx, c, "done", 2); err != nil || total != 2 {
		t.Fatalf("add to done: total %d, err %v", total, err)
	}
	if err := c.SignalWorkflow(ctx, "done", "", finishSignal, nil); err != nil {
		t.Fatal(err)
	}
	var result int
	if err := done.Get(ctx, &result); err != nil || result != 2 {
		t.Fatalf("done result %d, err %v", result, err)
	}

	startCounter(t, ctx, c, "open", client.StartWorkflowOptions{
		TypedSearchAttributes: temporal.NewSearchAttributes(campaignYear.ValueSet(2026)),
	})
	began := time.Now()
	total, err := add(ctx, c, "open", 5)
	if err != nil || total != 5 {
		t.Fatalf("add 5: total %d, err %v", total, err)
	}
	t.Logf("update round trip: %v", time.Since(began).Round(time.Microsecond))
	if _, err := add(ctx, c, "open", -1); err == nil || !strings.Contains(err.Error(), rejectionMessage) {
		t.Fatalf("add -1: want the validator's rejection %q, got %v", rejectionMessage, err)
	}

	// Stop everything of the first run; Stop is idempotent.
	port := portOf(t, first.HostPort())
	stopWorker()
	c.Close()
	began = time.Now()
	if err := first.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	t.Logf("stop took %v", time.Since(began).Round(time.Millisecond))
	if err := first.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}

	// Second run on the same folder and port, with one more search attribute.
	second := startServer(t, Config{
		DataDir:   dir,
		Port:      port,
		Namespace: "ictindex",
		SearchAttributes: map[string]enumspb.IndexedValueType{
			"CampaignYear": enumspb.INDEXED_VALUE_TYPE_INT,
			"UnitCode":     enumspb.INDEXED_VALUE_TYPE_KEYWORD,
			"Annex":        enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		},
	})
	if got := portOf(t, second.HostPort()); got != port {
		t.Fatalf("restarted on port %d, want %d", got, port)
	}
	c = newClient(t, second)
	stopWorker = startWorker(t, c)

	desc, err := c.DescribeWorkflowExecution(ctx, "done", "")
	if err != nil {
		t.Fatalf("describe done after restart: %v", err)
	}
	if s := desc.GetWorkflowExecutionInfo().GetStatus(); s != enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED {
		t.Fatalf("done has status %v after restart", s)
	}
	if err := c.GetWorkflow(ctx, "done", "").Get(ctx, &result); err != nil || result != 2 {
		t.Fatalf("done result after restart %d, err %v", result, err)
	}

	if total, err := add(ctx, c, "open", 3); err != nil || total != 8 {
		t.Fatalf("add 3 after restart: total %d (want 8), err %v", total, err)
	}
	if err := c.SignalWorkflow(ctx, "open", "", finishSignal, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.GetWorkflow(ctx, "open", "").Get(ctx, &result); err != nil || result != 8 {
		t.Fatalf("open result %d (want 8), err %v", result, err)
	}

	attrs, err := c.OperatorService().ListSearchAttributes(ctx,
		&operatorservice.ListSearchAttributesRequest{Namespace: "ictindex"})
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]enumspb.IndexedValueType{
		"CampaignYear": enumspb.INDEXED_VALUE_TYPE_INT,
		"UnitCode":     enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		"Annex":        enumspb.INDEXED_VALUE_TYPE_KEYWORD,
	} {
		if got := attrs.GetCustomAttributes()[name]; got != want {
			t.Errorf("search attribute %s: type %v, want %v", name, got, want)
		}
	}

	// Visibility kept the search attribute set in the first run.
	waitFor(t, ctx, func() error {
		n, err := c.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Query: "CampaignYear = 2026"})
		if err != nil {
			return err
		}
		if n.GetCount() != 1 {
			return fmt.Errorf("%d workflows with CampaignYear = 2026, want 1", n.GetCount())
		}
		return nil
	})

	// A search attribute configured with another type than it has fails Start.
	stopWorker()
	c.Close()
	if err := second.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	_, err = Start(ctx, Config{
		DataDir:          dir,
		Namespace:        "ictindex",
		SearchAttributes: map[string]enumspb.IndexedValueType{"CampaignYear": enumspb.INDEXED_VALUE_TYPE_KEYWORD},
		Logger:           slog.New(slog.DiscardHandler),
	})
	if err == nil || !strings.Contains(err.Error(), `"CampaignYear" has type`) {
		t.Fatalf("Start with a conflicting search attribute type: %v", err)
	}
}

func TestInMemory(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	srv := startServer(t, Config{})
	if srv.Namespace() != DefaultNamespace {
		t.Fatalf("Namespace() = %q, want %q", srv.Namespace(), DefaultNamespace)
	}
	resp, err := http.Get("http://" + srv.HTTPHostPort() + "/api/v1/namespaces/" + DefaultNamespace)
	if err != nil {
		t.Fatalf("HTTP API: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("HTTP API: describe namespace answered %s", resp.Status)
	}
	c := newClient(t, srv)
	startWorker(t, c)
	run := startCounter(t, ctx, c, "memory", client.StartWorkflowOptions{})
	if total, err := add(ctx, c, "memory", 4); err != nil || total != 4 {
		t.Fatalf("add: total %d, err %v", total, err)
	}
	if _, err := add(ctx, c, "memory", 0); err == nil || !strings.Contains(err.Error(), rejectionMessage) {
		t.Fatalf("add 0: want the validator's rejection, got %v", err)
	}
	if err := c.SignalWorkflow(ctx, "memory", "", finishSignal, nil); err != nil {
		t.Fatal(err)
	}
	var result int
	if err := run.Get(ctx, &result); err != nil || result != 4 {
		t.Fatalf("result %d, err %v", result, err)
	}
}

func TestConfigRejectsBadValues(t *testing.T) {
	for _, cfg := range []Config{
		{Host: "example.org"},
		{Port: 70000},
		{HTTPPort: -2},
		{Port: -1},
		{Retention: -time.Hour},
	} {
		if _, err := Start(t.Context(), cfg); err == nil {
			t.Errorf("Start(%+v) succeeded", cfg)
		}
	}
}

func TestStartFailsOnTakenPort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, err = Start(t.Context(), Config{Port: l.Addr().(*net.TCPAddr).Port})
	if err == nil || !strings.Contains(err.Error(), "not free") {
		t.Fatalf("Start on a taken port: %v", err)
	}
}

func portOf(t *testing.T, hostPort string) int {
	t.Helper()
	_, p, err := net.SplitHostPort(hostPort)
	if err != nil {
		t.Fatal(err)
	}
	port, err := strconv.Atoi(p)
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// waitFor retries check until it succeeds or 20 s pass.
func waitFor(t *testing.T, ctx context.Context, check func() error) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
