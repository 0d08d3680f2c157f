package workflows

import (
	"fmt"

	"go.temporal.io/sdk/workflow"

	"ictindex/activities"
)

// Campaign is a report year's cycle: opened → forms issued → collecting →
// appraising → ranked → decision drafted → published (after a leader
// approves). Since version 1 it runs its units in shards (see Shard), so
// that nothing in it grows with the number of units; histories recorded
// before run one Unit child per unit, as they were.
func Campaign(ctx workflow.Context, in CampaignInput) (CampaignResult, error) {
	if workflow.GetVersion(ctx, "sharded", workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return CampaignPerUnit(ctx, in)
	}
	return campaignSharded(ctx, in)
}

// CampaignPerUnit is the Campaign workflow as it ran before shards: one
// Unit child per unit, each held open by the campaign, and every unit in
// its input, status and activity payloads. It replays the histories
// recorded then; new campaigns never take it (tests register it to show
// the limits it breaks).
func CampaignPerUnit(ctx workflow.Context, in CampaignInput) (CampaignResult, error) {
	c := &campaign{in: in}
	c.status = CampaignStatus{Year: in.Year, Phase: PhaseOpened, Deadline: in.Settings.Deadline}
	for _, u := range in.Units {
		c.status.Units = append(c.status.Units, UnitSummary{Unit: u.Unit, Annex: u.Annex})
	}
	c.log(ctx, "hệ thống", "mở đợt đánh giá", fmt.Sprintf("%d đơn vị", len(in.Units)))
	if err := c.register(ctx); err != nil {
		return CampaignResult{}, err
	}
	if err := c.issueForms(ctx); err != nil {
		return CampaignResult{}, err
	}
	if err := c.startUnits(ctx); err != nil {
		return CampaignResult{}, err
	}
	c.status.Phase = PhaseCollecting
	c.log(ctx, "hệ thống", "bắt đầu thu thập báo cáo", "")
	workflow.Go(ctx, c.collectResults)
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

// finish waits for the approval and, since version "reissue", for the
// year's record to close; it returns the locked documents in force.
func (c *campaign) finish(ctx workflow.Context) (CampaignResult, error) {
	if err := workflow.Await(ctx, func() bool {
		return c.status.Phase == PhasePublished && workflow.AllHandlersFinished(ctx)
	}); err != nil {
		return CampaignResult{}, err
	}
	if c.issuing {
		c.correcting = workflow.GetVersion(ctx, "reissue", workflow.DefaultVersion, 1) == 1
	}
	if c.correcting {
		if err := c.awaitClose(ctx); err != nil {
			return CampaignResult{}, err
		}
	}
	return CampaignResult{Year: c.in.Year, Results: *c.status.Results, Decision: *c.status.Decision,
		Issuance: c.status.Current()}, nil
}

// campaign is the Campaign workflow's state and steps.
type campaign struct {
	in       CampaignInput
	status   CampaignStatus
	children []workflow.ChildWorkflowFuture // units, or shards when sharded
	records  []activities.DocumentRef       // by unit, once done
	done     int

	sharded  bool
	started  bool                     // the shards are started
	manifest *activities.DocumentRef  // of every unit's record, when sharded
	parts    []activities.DocumentRef // by shard, once done
	failed   ShardResult              // units that ended without a record
	issuing  bool                     // version "issuance": numbered, signed issuance
	busy     bool                     // an issuance or a signed upload is under way
	// version "reissue": open for corrected decisions once published,
	// until status.Closed.
	correcting bool
	// version "objections": records revised by accepted objections, and
	// an answer being applied.
	revised  []activities.DocumentRef
	revising bool
}

func (c *campaign) log(ctx workflow.Context, by, action, detail string) {
	c.status.History = append(c.status.History, Event{At: workflow.Now(ctx), By: by, Action: action, Detail: detail})
}

func (c *campaign) register(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryStatus, func() (CampaignStatus, error) { return c.status, nil }); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateCloseCollection, c.closeCollection,
		workflow.UpdateHandlerOptions{Validator: c.validateCloseCollection}); err != nil {
		return err
	}
	if err := c.registerCorrections(ctx); err != nil {
		return err
	}
	if err := c.registerObjections(ctx); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateAttachSigned, c.attachSigned,
		workflow.UpdateHandlerOptions{Validator: c.validateAttachSigned}); err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, UpdateApprovePublish, c.approvePublish,
		workflow.UpdateHandlerOptions{Validator: c.validateApprovePublish})
}

// issueForms archives each unit's XLSX form.
func (c *campaign) issueForms(ctx workflow.Context) error {
	var res activities.IssueFormsResult
	if err := workflow.ExecuteActivity(documentCtx(ctx), act.IssueForms, activities.IssueFormsInput{Year: c.in.Year, Units: c.in.Units}).Get(ctx, &res); err != nil {
		return err
	}
	c.status.Forms = res.Forms
	c.status.Phase = PhaseFormsIssued
	c.log(ctx, "hệ thống", "phát hành biểu mẫu", fmt.Sprintf("%d biểu mẫu", len(res.Forms)))
	return nil
}

// startUnits starts one Unit child per unit, with business-keyed IDs.
func (c *campaign) startUnits(ctx workflow.Context) error {
	c.records = make([]activities.DocumentRef, len(c.in.Units))
	for _, u := range c.in.Units {
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{WorkflowID: UnitWorkflowID(c.in.Year, u.Unit.Code)})
		c.children = append(c.children, workflow.ExecuteChildWorkflow(cctx, UnitWorkflowName,
			UnitInput{Year: c.in.Year, Ref: u, Settings: c.in.Settings, RemindBefore: c.in.RemindBefore}))
	}
	for i, f := range c.children {
		if err := f.GetChildWorkflowExecution().Get(ctx, nil); err != nil {
			return fmt.Errorf("starting unit %s: %w", c.in.Units[i].Unit.Code, err)
		}
	}
	return nil
}

// collectResults records each unit's outcome as its child completes.
func (c *campaign) collectResults(ctx workflow.Context) {
	sel := workflow.NewSelector(ctx)
	for i, f := range c.children {
		sel.AddFuture(f, func(f workflow.Future) {
			var res UnitResult
			s := &c.status.Units[i]
			if err := f.Get(ctx, &res); err != nil {
				s.Status = "error: " + err.Error()
			} else {
				s.Status, s.Record = res.Status, &res.Record
				c.records[i] = res.Record
			}
			s.Done = true
			c.done++
		})
	}
	for range c.children {
		sel.Select(ctx)
	}
}

// CloseCollection: the department closes collection; units that have not
// submitted become non-submitters.

func (c *campaign) validateCloseCollection(ctx workflow.Context, a ActorArgs) error {
	if err := needBy(a.By); err != nil {
		return err
	}
	if c.status.Phase != PhaseCollecting {
		return wrongState("đợt đánh giá không ở giai đoạn thu thập báo cáo", "the campaign is not collecting")
	}
	return nil
}

func (c *campaign) closeCollection(ctx workflow.Context, a ActorArgs) (CampaignStatus, error) {
	c.status.Phase = PhaseAppraising
	c.log(ctx, a.By, "khóa thu thập báo cáo", "")
	if c.sharded {
		signalOpen(ctx, c.children, func(i int) bool { return c.status.Shards[i].Done })
		return c.status, nil
	}
	for i, f := range c.children {
		if !c.status.Units[i].Done {
			_ = f.SignalChildWorkflow(ctx, SignalCollectionClosed, nil).Get(ctx, nil) // a unit that just finished needs no signal
		}
	}
	return c.status, nil
}

// rank scores and ranks every unit from the archived records.
func (c *campaign) rank(ctx workflow.Context) error {
	if c.sharded {
		return c.rankSharded(ctx)
	}
	var out activities.RankResult
	for i, s := range c.status.Units {
		if !s.Done || s.Record == nil {
			return fmt.Errorf("unit %s ended without a record: %s", c.in.Units[i].Unit.Code, s.Status)
		}
	}
	err := workflow.ExecuteActivity(documentCtx(ctx), act.Rank, activities.RankInput{Year: c.in.Year, Settings: c.in.Settings, Records: c.records}).Get(ctx, &out)
	if err != nil {
		return err
	}
	c.status.Results, c.status.Places = &out.Results, out.Places
	c.status.Phase = PhaseRanked
	c.log(ctx, "hệ thống", "xếp hạng", "")
	return nil
}

// draft renders the decision PDF.
func (c *campaign) draft(ctx workflow.Context) error {
	c.issuing = workflow.GetVersion(ctx, "issuance", workflow.DefaultVersion, 1) == 1
	var ref activities.DocumentRef
	err := workflow.ExecuteActivity(documentCtx(ctx), act.DraftDecision,
		activities.DraftInput{Year: c.in.Year, Results: *c.status.Results, Records: c.records, Decision: c.in.Decision, Manifest: c.manifest,
			Draft: c.issuing}).Get(ctx, &ref)
	if err != nil {
		return err
	}
	c.status.Decision = &ref
	if c.issuing {
		c.status.Draft = &ref
	}
	c.status.Phase = PhaseDrafted
	c.log(ctx, "hệ thống", "dự thảo quyết định", ref.Key)
	notice := activities.Notice{Kind: "drafted", Year: c.in.Year, At: workflow.Now(ctx),
		Subject: "Dự thảo quyết định công bố kết quả đánh giá năm " + fmt.Sprint(c.in.Year), Body: "Chờ lãnh đạo phê duyệt và ban hành."}
	_ = workflow.ExecuteActivity(notifyCtx(ctx), act.Notify, notice).Get(ctx, nil)
	return nil
}

// ApprovePublish: a leader approves; the decision and results are locked.

func (c *campaign) validateApprovePublish(ctx workflow.Context, a PublishArgs) error {
	if err := needBy(a.By); err != nil {
		return err
	}
	if c.status.Phase != PhaseDrafted {
		return wrongState("chưa có dự thảo quyết định để phê duyệt", "there is no drafted decision to approve")
	}
	if c.busy {
		return wrongState("quyết định đang được ban hành", "the decision is being issued")
	}
	return nil
}

func (c *campaign) approvePublish(ctx workflow.Context, a PublishArgs) (CampaignStatus, error) {
	if c.issuing {
		return c.issue(ctx, a)
	}
	c.log(ctx, a.By, "phê duyệt ban hành", a.Note)
	var out activities.PublishResult
	err := workflow.ExecuteActivity(archiveCtx(ctx), act.Publish,
		activities.PublishInput{Year: c.in.Year, Results: *c.status.Results, Decision: *c.status.Decision}).Get(ctx, &out)
	if err != nil {
		return c.status, err
	}
	c.status.Results, c.status.Decision = &out.Results, &out.Decision
	c.status.Phase = PhasePublished
	c.log(ctx, "hệ thống", "ban hành quyết định", out.Decision.Key)
	return c.status, nil
}
