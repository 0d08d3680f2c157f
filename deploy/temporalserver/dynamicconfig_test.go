package temporalserver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"go.temporal.io/server/common/dynamicconfig"
)

func writeFile(t *testing.T, name, contents string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(contents), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestDynamicConfigFileMergesWithDefaults(t *testing.T) {
	path := writeFile(t, "dynamic.yaml", `
limit.maxIDLength:
  - value: 600
limit.numPendingChildExecutions.error:
  - value: 100
    constraints: {}
limit.blobSize.error:
  - value: 1024
    constraints: {namespace: ictindex}
`)
	values, err := dynamicConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	// The file replaces a default ...
	if got := values.GetValue(dynamicconfig.MaxIDLengthLimit.Key()); len(got) != 1 || got[0].Value != 600 {
		t.Errorf("limit.maxIDLength = %+v, want the file's 600", got)
	}
	if got := values.GetValue(dynamicconfig.BlobSizeLimitError.Key()); len(got) != 1 || got[0].Value != 1024 ||
		got[0].Constraints.Namespace != "ictindex" {
		t.Errorf("limit.blobSize.error = %+v, want 1024 for namespace ictindex", got)
	}
	// ... and the defaults it does not name stay.
	if got := values.GetValue(dynamicconfig.ForceSearchAttributesCacheRefreshOnRead.Key()); len(got) != 1 || got[0].Value != true {
		t.Errorf("system.forceSearchAttributesCacheRefreshOnRead = %+v, want the default true", got)
	}
	if len(values) != len(defaultDynamicConfig())+2 {
		t.Errorf("%d keys, want the %d defaults and 2 from the file", len(values), len(defaultDynamicConfig()))
	}

	// No file: the defaults.
	values, err = dynamicConfig("")
	if err != nil || len(values) != len(defaultDynamicConfig()) {
		t.Errorf("no file: %d keys, err %v", len(values), err)
	}
	// An empty file overrides nothing.
	if values, err := dynamicConfig(writeFile(t, "empty.yaml", "")); err != nil || len(values) != len(defaultDynamicConfig()) {
		t.Errorf("empty file: %d keys, err %v", len(values), err)
	}
}

func TestDynamicConfigFileRefused(t *testing.T) {
	for _, tc := range []struct {
		name, contents, problem string
	}{
		{"not-yaml", "limit.blobSize.error: [value: 1\n", "decode error"},
		{"not-a-list", "limit.blobSize.error: 1024\n", "decode error"},
		{"unknown-key", "limit.blobSize.eror:\n  - value: 1024\n", `unregistered key "limit.blobsize.eror"`},
		{"wrong-type", "limit.blobSize.error:\n  - value: lots\n", "validation failed"},
		{"unknown-constraint", "limit.blobSize.error:\n  - value: 1024\n    constraints: {planet: mars}\n", `unknown constraint type "planet"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, tc.name+".yaml", tc.contents)
			dataDir := filepath.Join(t.TempDir(), "data")
			_, err := Start(t.Context(), Config{DataDir: dataDir, DynamicConfigFile: path})
			if err == nil {
				t.Fatal("Start accepted the file")
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.problem) {
				t.Fatalf("error %q does not name %s and %q", err, path, tc.problem)
			}
			if _, statErr := os.Stat(dataDir); !errors.Is(statErr, os.ErrNotExist) {
				t.Errorf("the data folder was created before the file was checked (%v)", statErr)
			}
		})
	}

	missing := filepath.Join(t.TempDir(), "missing.yaml")
	_, err := Start(t.Context(), Config{DynamicConfigFile: missing})
	if err == nil || !strings.Contains(err.Error(), missing) || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

func echoWorkflow(_ workflow.Context, s string) (string, error) { return s, nil }

// childrenWorkflow starts n counterWorkflow children, waits until all run,
// then finishes them and returns how many there were.
func childrenWorkflow(ctx workflow.Context, n int) (int, error) {
	var children []workflow.ChildWorkflowFuture
	for range n {
		children = append(children, workflow.ExecuteChildWorkflow(ctx, counterWorkflow, 0))
	}
	for _, c := range children {
		var run workflow.Execution
		if err := c.GetChildWorkflowExecution().Get(ctx, &run); err != nil {
			return 0, err
		}
		if err := workflow.SignalExternalWorkflow(ctx, run.ID, "", finishSignal, nil).Get(ctx, nil); err != nil {
			return 0, err
		}
	}
	for _, c := range children {
		if err := c.Get(ctx, nil); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// TestDynamicConfigFileHonoured runs a real server with a file that lowers
// three limits and watches the server enforce each of them.
func TestDynamicConfigFileHonoured(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	path := writeFile(t, "dynamic.yaml", `
limit.numPendingChildExecutions.error:
  - value: 2
limit.blobSize.error:   # checked only above the warning limit
  - value: 2048
    constraints: {}
limit.blobSize.warn:
  - value: 1536
limit.maxIDLength:   # the package's default is 1000
  - value: 100
`)
	srv := startServer(t, Config{DynamicConfigFile: path})
	c := newClient(t, srv)
	w := worker.New(c, testTaskQueue, worker.Options{})
	w.RegisterWorkflow(counterWorkflow)
	w.RegisterWorkflow(childrenWorkflow)
	w.RegisterWorkflow(echoWorkflow)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	opts := func(id string) client.StartWorkflowOptions {
		return client.StartWorkflowOptions{ID: id, TaskQueue: testTaskQueue, WorkflowExecutionTimeout: 2 * time.Minute}
	}

	// limit.blobSize.error: an input over 2 KiB is refused, a small one taken.
	_, err := c.ExecuteWorkflow(ctx, opts("blob-big"), echoWorkflow, strings.Repeat("x", 4096))
	if err == nil || !strings.Contains(err.Error(), "Blob data size exceeds limit") {
		t.Errorf("a 4 KiB input: want the blob size refusal, got %v", err)
	}
	small, err := c.ExecuteWorkflow(ctx, opts("blob-small"), echoWorkflow, strings.Repeat("x", 1024))
	if err != nil {
		t.Fatal(err)
	}
	var echoed string
	if err := small.Get(ctx, &echoed); err != nil || len(echoed) != 1024 {
		t.Errorf("a 1 KiB input: %d bytes back, err %v", len(echoed), err)
	}

	// limit.maxIDLength, which the file sets below the package's default.
	_, err = c.ExecuteWorkflow(ctx, opts(strings.Repeat("i", 150)), childrenWorkflow, 0)
	if err == nil || !strings.Contains(err.Error(), "maximum allowed length (150/100)") {
		t.Errorf("a 150-character workflow ID: want the length refusal, got %v", err)
	}

	// limit.numPendingChildExecutions.error: two children are fine ...
	run, err := c.ExecuteWorkflow(ctx, opts("two-children"), childrenWorkflow, 2)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := run.Get(ctx, &n); err != nil || n != 2 {
		t.Fatalf("two children: %d, %v", n, err)
	}
	// ... a third is refused: every workflow task that starts it fails.
	run, err = c.ExecuteWorkflow(ctx, opts("three-children"), childrenWorkflow, 3)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, func() error {
		it := c.GetWorkflowHistory(ctx, run.GetID(), run.GetRunID(), false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			e, err := it.Next()
			if err != nil {
				return err
			}
			if f := e.GetWorkflowTaskFailedEventAttributes(); f != nil &&
				f.GetCause() == enumspb.WORKFLOW_TASK_FAILED_CAUSE_PENDING_CHILD_WORKFLOWS_LIMIT_EXCEEDED {
				return nil
			}
		}
		return fmt.Errorf("no workflow task failed with %v yet", enumspb.WORKFLOW_TASK_FAILED_CAUSE_PENDING_CHILD_WORKFLOWS_LIMIT_EXCEEDED)
	})
	desc, err := c.DescribeWorkflowExecution(ctx, run.GetID(), run.GetRunID())
	if err != nil {
		t.Fatal(err)
	}
	if s := desc.GetWorkflowExecutionInfo().GetStatus(); s != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		t.Errorf("three-children has status %v, want it running (stuck on the limit)", s)
	}
	if got := len(desc.GetPendingChildren()); got > 2 {
		t.Errorf("three-children has %d pending children, the limit is 2", got)
	}
	if err := c.TerminateWorkflow(ctx, run.GetID(), run.GetRunID(), "test over"); err != nil {
		t.Fatal(err)
	}
}
