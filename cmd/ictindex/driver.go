package main

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/client"

	"ictindex/workflows"
)

// driver acts on campaigns through the Temporal client, as the API does.
type driver struct {
	c client.Client
}

// update runs an update and waits for its result; a refusal comes back as
// an error whose field errors workflows.FieldErrors extracts.
func (d driver) update(ctx context.Context, workflowID, name string, args, result any) error {
	h, err := d.c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: workflowID, UpdateName: name,
		Args: []any{args}, WaitForStage: client.WorkflowUpdateStageCompleted})
	if err != nil {
		return fmt.Errorf("%s %s: %w", workflowID, name, err)
	}
	if err := h.Get(ctx, result); err != nil {
		return fmt.Errorf("%s %s: %w", workflowID, name, err)
	}
	return nil
}

// campaignStatus queries a campaign.
func (d driver) campaignStatus(ctx context.Context, year int) (workflows.CampaignStatus, error) {
	var st workflows.CampaignStatus
	v, err := d.c.QueryWorkflow(ctx, workflows.CampaignWorkflowID(year), "", workflows.QueryStatus)
	if err == nil {
		err = v.Get(&st)
	}
	return st, err
}

// waitPhase polls a campaign until it reaches the phase.
func (d driver) waitPhase(ctx context.Context, year int, phase string) (workflows.CampaignStatus, error) {
	for {
		st, err := d.campaignStatus(ctx, year)
		if err == nil && st.Phase == phase {
			return st, nil
		}
		// An error here is usually the first query racing the first
		// workflow task: keep trying until ctx ends.
		select {
		case <-ctx.Done():
			return st, fmt.Errorf("waiting for phase %s (now %q): %w", phase, st.Phase, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}
