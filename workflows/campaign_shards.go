package workflows

import (
	"fmt"

	"go.temporal.io/sdk/workflow"

	"ictindex/activities"
)

// campaignSharded is the Campaign workflow since version 1: the units are
// in the archived roster, run by at most Fanout shards (each holding at
// most Fanout children), and their records reach the ranking through
// archived manifests. The campaign's history, pending children, status
// and payloads stay the same size at 30 units and at 10,000.
func campaignSharded(ctx workflow.Context, in CampaignInput) (CampaignResult, error) {
	c := &campaign{in: in, sharded: true}
	c.status = CampaignStatus{Year: in.Year, Phase: PhaseOpened, Deadline: in.Settings.Deadline}
	if err := c.register(ctx); err != nil {
		return CampaignResult{}, err
	}
	if err := c.roster(ctx); err != nil {
		return CampaignResult{}, err
	}
	c.log(ctx, "hệ thống", "mở đợt đánh giá", fmt.Sprintf("%d đơn vị", c.status.Total))
	if err := c.startShards(ctx); err != nil {
		return CampaignResult{}, err
	}
	c.status.Phase = PhaseFormsIssued
	c.log(ctx, "hệ thống", "phát hành biểu mẫu", fmt.Sprintf("%d biểu mẫu (mỗi đơn vị tải biểu mẫu của mình)", c.status.Total))
	c.status.Phase = PhaseCollecting
	c.log(ctx, "hệ thống", "bắt đầu thu thập báo cáo", "")
	workflow.Go(ctx, c.collectShards)
	if err := workflow.Await(ctx, func() bool { return c.status.Phase == PhaseAppraising && c.done == len(c.children) }); err != nil {
		return CampaignResult{}, err
	}
	if err := c.rank(ctx); err != nil {
		return CampaignResult{}, err
	}
	if err := c.preliminary(ctx); err != nil {
		return CampaignResult{}, err
	}
	if err := c.draft(ctx); err != nil {
		return CampaignResult{}, err
	}
	return c.finish(ctx)
}

// roster makes sure the units are in the archive: a campaign given its
// units inline archives them (the input was that large already).
func (c *campaign) roster(ctx workflow.Context) error {
	if c.in.Roster != nil {
		c.status.Total, c.status.Roster = c.in.Total, c.in.Roster
		return nil
	}
	var ref activities.DocumentRef
	if err := workflow.ExecuteActivity(archiveCtx(ctx), act.StoreRoster, activities.StoreRosterInput{Year: c.in.Year, Units: c.in.Units}).Get(ctx, &ref); err != nil {
		return err
	}
	c.in.Roster, c.status.Total, c.status.Roster = &ref, len(c.in.Units), &ref
	c.in.Units = nil
	return nil
}

// startShards starts the campaign's shards and waits until every unit is
// started.
func (c *campaign) startShards(ctx workflow.Context) error {
	f := fanoutOf(c.in.Fanout)
	for _, sp := range chunks(0, c.status.Total, f) {
		id := ShardWorkflowID(c.in.Year, sp.lo, sp.hi)
		c.status.Shards = append(c.status.Shards, ShardSummary{ID: id, Lo: sp.lo, Hi: sp.hi})
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{WorkflowID: id})
		c.children = append(c.children, workflow.ExecuteChildWorkflow(cctx, ShardWorkflowName, ShardInput{
			Year: c.in.Year, Roster: *c.in.Roster, Lo: sp.lo, Hi: sp.hi, Fanout: f, Settings: c.in.Settings, RemindBefore: c.in.RemindBefore}))
	}
	c.parts = make([]activities.DocumentRef, len(c.children))
	return awaitShards(ctx, c.children, c.status.Shards, &c.started)
}

// collectShards records each shard's outcome as it ends.
func (c *campaign) collectShards(ctx workflow.Context) {
	sel := workflow.NewSelector(ctx)
	for i, f := range c.children {
		sel.AddFuture(f, func(f workflow.Future) {
			c.done++
			endShard(ctx, f, &c.status.Shards[i], &c.parts[i], &c.failed)
		})
	}
	for range c.children {
		sel.Select(ctx)
	}
}

// rankSharded merges the shards' manifests and ranks every unit from it.
func (c *campaign) rankSharded(ctx workflow.Context) error {
	if c.failed.Failed > 0 {
		return fmt.Errorf("%d unit(s) ended without a record, first %s", c.failed.Failed, c.failed.FirstError)
	}
	var m activities.DocumentRef
	if err := workflow.ExecuteActivity(archiveCtx(ctx), act.WriteManifest,
		activities.ManifestInput{Year: c.in.Year, Shard: "all", Parts: c.parts}).Get(ctx, &m); err != nil {
		return err
	}
	c.manifest = &m
	var out activities.RankResult
	err := workflow.ExecuteActivity(documentCtx(ctx), act.Rank, activities.RankInput{Year: c.in.Year, Settings: c.in.Settings, Manifest: c.manifest}).Get(ctx, &out)
	if err != nil {
		return err
	}
	c.status.Results, c.status.PlacesDoc = &out.Results, out.PlacesDoc
	c.status.Phase = PhaseRanked
	c.log(ctx, "hệ thống", "xếp hạng", "")
	return nil
}
