package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/workflow"

	"ictindex/activities"
	"ictindex/deploy/minioserver"
	"ictindex/deploy/temporalserver"
	"ictindex/scoring"
	"ictindex/workflows"
)

// loweredLimits are Temporal's per-workflow limits set far below the
// campaign's 300 units, in Temporal's own dynamic-config format.
const loweredLimits = `# Limits far below the number of units: a campaign that holds one child,
# signal or event per unit in one workflow cannot run under them.
limit.numPendingChildExecutions.error:
  - value: 50
limit.numPendingActivities.error:
  - value: 50
limit.numPendingSignals.error:
  - value: 50
limit.numPendingCancelRequests.error:
  - value: 50
limit.historyCount.error:
  - value: 1000
limit.historyCount.warn:
  - value: 500
limit.historySize.error:
  - value: 1048576
limit.historySize.warn:
  - value: 524288
`

// TestCampaignUnderLoweredLimits runs a 300-unit campaign on the embedded
// server with limits of 50 pending children, activities and signals and
// 1,000 history events per workflow: with a fan-out of 20 it goes from
// opening to publication, every workflow's history stays under the limit,
// and every unit is ranked. The same units under the design before shards
// (one child per unit in the campaign) stall at their start: the server
// fails the campaign's workflow task for too many pending children.
func TestCampaignUnderLoweredLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("a 300-unit campaign")
	}
	if _, err := minioserver.Binary(); err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("MinIO is not installed (deploy/install-minio.sh):", err)
		}
		t.Fatal(err)
	}
	const units, fanout = 300, 20
	cfg := filepath.Join(t.TempDir(), "limits.yaml")
	if err := os.WriteFile(cfg, []byte(loweredLimits), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(temporalserver.DynamicConfigEnv, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	st, err := startStack(ctx, stackOptions{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	w := newWorker(st.client, st.store, activities.LogNotifier{Log: st.log}, testIssuer(t))
	w.RegisterWorkflowWithOptions(workflows.CampaignPerUnit, workflow.RegisterOptions{Name: "CampaignPerUnit"})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	d := driver{c: st.client}

	batch := syntheticProvince(units)
	input := func(year int) workflows.CampaignInput {
		s := batch.Resolve()
		s.Deadline = time.Now().Add(time.Hour)
		in := workflows.CampaignInput{Year: year, Settings: s, Fanout: fanout,
			Decision: activities.DecisionMeta{Number: "15/QĐ-UBND", Date: scoring.DateOf(time.Now()), Signer: "Trịnh Xuân Trường"}}
		for _, u := range batch.Units {
			in.Units = append(in.Units, activities.UnitRef{Unit: u.Unit, Annex: u.Annex, Flags: u.Flags})
		}
		return in
	}

	// The design before shards, same units: the server refuses its start
	// of 300 children.
	year := 2025
	legacy, err := st.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.CampaignWorkflowID(year), TaskQueue: workflows.TaskQueue},
		"CampaignPerUnit", input(year))
	if err != nil {
		t.Fatal(err)
	}
	if cause := firstTaskFailure(ctx, t, st.client, legacy.GetID()); cause != enumspb.WORKFLOW_TASK_FAILED_CAUSE_PENDING_CHILD_WORKFLOWS_LIMIT_EXCEEDED {
		t.Fatalf("one child per unit: workflow task failed with %v", cause)
	}
	if err := st.client.TerminateWorkflow(ctx, legacy.GetID(), "", "shown to stall"); err != nil {
		t.Fatal(err)
	}

	// Today's campaign, to publication.
	year = 2026
	run, err := st.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.CampaignWorkflowID(year), TaskQueue: workflows.TaskQueue},
		workflows.CampaignWorkflowName, input(year))
	if err != nil {
		t.Fatal(err)
	}
	cst, err := d.waitPhase(ctx, year, workflows.PhaseCollecting)
	if err != nil {
		t.Fatal(err)
	}
	if cst.Total != units || len(cst.Shards) != units/fanout || len(cst.Units) != 0 {
		t.Fatalf("collecting: %d units, %d shards, %d inline", cst.Total, len(cst.Shards), len(cst.Units))
	}
	// One unit in ten submits and is appraised; the others do not submit.
	if err := parallel(units, 8, func(i int) error {
		if i%10 != 0 {
			return nil
		}
		u := batch.Units[i]
		id := workflows.UnitWorkflowID(year, u.Unit.Code)
		if err := d.update(ctx, id, workflows.UpdateSaveFigures, workflows.SaveFiguresArgs{By: "u", Figures: u.Figures}, nil); err != nil {
			return err
		}
		return d.update(ctx, id, workflows.UpdateSubmit, workflows.ActorArgs{By: "u"}, nil)
	}); err != nil {
		t.Fatal(err)
	}
	if err := d.update(ctx, workflows.CampaignWorkflowID(year), workflows.UpdateCloseCollection, workflows.ActorArgs{By: "admin"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := parallel(units, 8, func(i int) error {
		if i%10 != 0 {
			return nil
		}
		return d.update(ctx, workflows.UnitWorkflowID(year, batch.Units[i].Unit.Code), workflows.UpdateFinishAppraisal, workflows.ActorArgs{By: "a"}, nil)
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.waitPhase(ctx, year, workflows.PhaseDrafted); err != nil {
		t.Fatal(err)
	}
	if err := d.update(ctx, workflows.CampaignWorkflowID(year), workflows.UpdateApprovePublish, workflows.PublishArgs{By: "leader"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := d.update(ctx, workflows.CampaignWorkflowID(year), workflows.UpdateCloseYear, workflows.ActorArgs{By: "admin"}, nil); err != nil {
		t.Fatal(err)
	}
	var res workflows.CampaignResult
	if err := run.Get(ctx, &res); err != nil {
		t.Fatal(err)
	}
	data, err := st.store.GetDocument(ctx, res.Results.Key, res.Results.VersionID)
	if err != nil {
		t.Fatal(err)
	}
	var results scoring.Results
	if err := json.Unmarshal(data, &results); err != nil {
		t.Fatal(err)
	}
	ranked, submitted := 0, 0
	for _, r := range results.Rankings {
		for _, row := range r.Rows {
			ranked++
			if row.Rank > 0 {
				submitted++
			}
		}
	}
	if ranked != units || submitted != units/10 {
		t.Fatalf("results rank %d units, %d submitted; want %d and %d", ranked, submitted, units, units/10)
	}
	// No workflow came near the history limit.
	ids := []string{workflows.CampaignWorkflowID(year), workflows.UnitWorkflowID(year, batch.Units[0].Unit.Code)}
	for _, s := range cst.Shards {
		ids = append(ids, s.ID)
	}
	longest, which := int64(0), ""
	for _, id := range ids {
		desc, err := st.client.DescribeWorkflowExecution(ctx, id, "")
		if err != nil {
			t.Fatal(err)
		}
		if n := desc.GetWorkflowExecutionInfo().GetHistoryLength(); n > longest {
			longest, which = n, id
		}
	}
	t.Logf("%d units, fan-out %d: longest history %d events (%s)", units, fanout, longest, which)
	if longest >= 500 {
		t.Errorf("history of %s is %d events, over the lowered warning of 500", which, longest)
	}
}

// firstTaskFailure waits for the first failed workflow task of a workflow
// and returns its cause.
func firstTaskFailure(ctx context.Context, t *testing.T, c client.Client, id string) enumspb.WorkflowTaskFailedCause {
	t.Helper()
	for {
		it := c.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				t.Fatal(err)
			}
			if a := ev.GetWorkflowTaskFailedEventAttributes(); a != nil {
				return a.GetCause()
			}
		}
		select {
		case <-ctx.Done():
			t.Fatal("no workflow task failed:", ctx.Err())
		case <-time.After(500 * time.Millisecond):
		}
	}
}
