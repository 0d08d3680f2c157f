package temporalserver

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// The test workflow keeps a running total changed by the "add" update and
// returns it when the "finish" signal arrives.
const (
	testTaskQueue    = "temporalserver-test"
	addUpdate        = "add"
	finishSignal     = "finish"
	rejectionMessage = "amount must be positive"
)

func counterWorkflow(ctx workflow.Context, start int) (int, error) {
	total := start
	err := workflow.SetUpdateHandlerWithOptions(ctx, addUpdate,
		func(ctx workflow.Context, n int) (int, error) {
			total += n
			return total, nil
		},
		workflow.UpdateHandlerOptions{
			Validator: func(ctx workflow.Context, n int) error {
				if n <= 0 {
					return errors.New(rejectionMessage)
				}
				return nil
			},
		})
	if err != nil {
		return 0, err
	}
	workflow.GetSignalChannel(ctx, finishSignal).Receive(ctx, nil)
	// Let updates accepted together with the signal finish first.
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return 0, err
	}
	return total, nil
}

// startWorker runs a worker for counterWorkflow until the returned function
// is called or the test ends.
func startWorker(t *testing.T, c client.Client) (stop func()) {
	t.Helper()
	w := worker.New(c, testTaskQueue, worker.Options{})
	w.RegisterWorkflow(counterWorkflow)
	if err := w.Start(); err != nil {
		t.Fatalf("starting worker: %v", err)
	}
	stop = sync.OnceFunc(w.Stop)
	t.Cleanup(stop)
	return stop
}

// add sends the "add" update and waits for its result.
func add(ctx context.Context, c client.Client, workflowID string, n int) (int, error) {
	h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID:   workflowID,
		UpdateName:   addUpdate,
		Args:         []any{n},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		return 0, err
	}
	var total int
	err = h.Get(ctx, &total)
	return total, err
}

// startCounter starts counterWorkflow with the given ID and options.
func startCounter(t *testing.T, ctx context.Context, c client.Client, id string, opts client.StartWorkflowOptions) client.WorkflowRun {
	t.Helper()
	opts.ID = id
	opts.TaskQueue = testTaskQueue
	opts.WorkflowExecutionTimeout = 10 * time.Minute
	run, err := c.ExecuteWorkflow(ctx, opts, counterWorkflow, 0)
	if err != nil {
		t.Fatalf("starting workflow %s: %v", id, err)
	}
	return run
}
