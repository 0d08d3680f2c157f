package api

import (
	"context"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"ictindex/activities"
	"ictindex/workflows"
)

// This file is the open-campaign step as the pages use it: the same
// validation as POST /api/campaigns, and the same start.

// CampaignInput validates an open request and converts it into the
// workflow's input, with per-field Vietnamese errors (a 422 *Error).
func (s *Server) CampaignInput(ctx context.Context, r OpenCampaignRequest, now time.Time) (workflows.CampaignInput, error) {
	return r.campaignInput(ctx, s.sets, now)
}

// OpenCampaign validates an open request and starts the year's Campaign
// workflow; a second one for the same year is a conflict (409, "Đợt đánh
// giá của năm này đã được mở").
func (s *Server) OpenCampaign(ctx context.Context, req OpenCampaignRequest, now time.Time) (OpenCampaignResponse, error) {
	in, err := req.campaignInput(ctx, s.sets, now)
	if err != nil {
		return OpenCampaignResponse{}, err
	}
	return s.StartCampaign(ctx, in)
}

// StartCampaign starts the Campaign workflow of an input CampaignInput
// has validated (the pages add what the JSON request cannot say, such as
// the reminder days).
func (s *Server) StartCampaign(ctx context.Context, in workflows.CampaignInput) (OpenCampaignResponse, error) {
	n := len(in.Units)
	if in.Roster == nil && n > 0 {
		// The units go to the archive and the campaign gets their key, so
		// its input is as small at 10,000 units as at ten.
		ref, err := activities.PutRoster(ctx, activities.NewArchive(s.store), in.Year, in.Units)
		if err != nil {
			return OpenCampaignResponse{}, err
		}
		in.Roster, in.Total, in.Units = &ref, n, nil
	}
	if in.Fanout == 0 {
		in.Fanout = s.cfg.Fanout
	}
	run, err := s.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: workflows.CampaignWorkflowID(in.Year), TaskQueue: workflows.TaskQueue,
		WorkflowIDReusePolicy:                    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
	}, workflows.CampaignWorkflowName, in)
	if err != nil {
		return OpenCampaignResponse{}, err
	}
	return OpenCampaignResponse{Year: in.Year, WorkflowID: run.GetID(), RunID: run.GetRunID(), Units: n}, nil
}
