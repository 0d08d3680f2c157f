package workflows

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"

	"ictindex/activities"
	"ictindex/scoring"
)

func TestChunksHoldAtMostFanoutChildren(t *testing.T) {
	for _, c := range []struct{ n, fanout, want int }{
		{0, 500, 0}, {1, 500, 1}, {500, 500, 1}, {501, 500, 2}, {10000, 500, 20},
		{250000, 500, 500}, {250001, 500, 2}, {9, 2, 2}, {300, 20, 15},
	} {
		got := chunks(0, c.n, c.fanout)
		if len(got) != c.want {
			t.Errorf("chunks(%d, fanout %d): %d spans, want %d", c.n, c.fanout, len(got), c.want)
		}
		next := 0
		for _, sp := range got {
			if sp.lo != next || sp.hi <= sp.lo {
				t.Fatalf("chunks(%d, %d): %v not contiguous", c.n, c.fanout, got)
			}
			next = sp.hi
			if inner := chunks(sp.lo, sp.hi, c.fanout); sp.hi-sp.lo > c.fanout && len(inner) > c.fanout {
				t.Errorf("span %v splits into %d", sp, len(inner))
			}
		}
		if next != c.n {
			t.Errorf("chunks(%d, %d) cover [0, %d)", c.n, c.fanout, next)
		}
	}
}

// A campaign of nine units with a fan-out of two runs three levels of
// shards; closing reaches every unit, and the ranking gets every record
// once, in roster order.
func TestShardTreeClosesAndCollectsEveryUnit(t *testing.T) {
	h := newHarness(t)
	acts := &activities.Activities{}
	var rankIn activities.RankInput
	h.env.OnActivity(acts.IssueForms, mock.Anything, mock.Anything).Return(activities.IssueFormsResult{}, nil)
	h.env.OnActivity(acts.Rank, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.RankInput) (activities.RankResult, error) {
			rankIn = in
			return activities.RankResult{Results: activities.DocumentRef{Key: activities.ResultsKey(in.Year)}}, nil
		})
	h.env.OnActivity(acts.DraftDecision, mock.Anything, mock.Anything).Return(activities.DocumentRef{Key: activities.DecisionKey(2026)}, nil)
	h.env.OnActivity(acts.Publish, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.PublishInput) (activities.PublishResult, error) {
			return activities.PublishResult{Results: in.Results, Decision: in.Decision}, nil
		})
	snv, snvFigs := sample(t, "SNV")
	var units []activities.UnitRef
	for i := range 9 {
		u := snv
		u.Unit = scoring.Unit{Code: fmt.Sprintf("U%d", i), Name: fmt.Sprintf("Đơn vị %d", i)}
		units = append(units, u)
	}
	in := CampaignInput{Year: 2026, Settings: settings(), Units: units, Fanout: 2,
		Decision: activities.DecisionMeta{Number: "15/QĐ-UBND", Date: scoring.Date{Year: 2027, Month: 1, Day: 5}, Signer: "Nguyễn Văn A"}}
	h.update(time.Hour, UnitWorkflowID(2026, "U4"), "save", UpdateSaveFigures, SaveFiguresArgs{By: "u4", Figures: snvFigs})
	h.update(time.Hour+time.Minute, UnitWorkflowID(2026, "U4"), "submit", UpdateSubmit, ActorArgs{By: "u4"})
	var collecting CampaignStatus
	var inner ShardStatus
	h.env.RegisterDelayedCallback(func() {
		for id, out := range map[string]any{"": &collecting, ShardWorkflowID(2026, 0, 8): &inner} {
			var err error
			if id == "" {
				v, qerr := h.env.QueryWorkflow(QueryStatus)
				if err = qerr; err == nil {
					err = v.Get(out)
				}
			} else {
				v, qerr := h.env.QueryWorkflowByID(id, QueryStatus)
				if err = qerr; err == nil {
					err = v.Get(out)
				}
			}
			if err != nil {
				t.Error(id, err)
			}
		}
	}, 2*time.Hour)
	h.update(100*time.Hour, "", "close", UpdateCloseCollection, ActorArgs{By: "admin"})
	h.update(101*time.Hour, UnitWorkflowID(2026, "U4"), "finish", UpdateFinishAppraisal, ActorArgs{By: appraiser})
	h.update(110*time.Hour, "", "publish", UpdateApprovePublish, PublishArgs{By: "leader"})
	h.env.ExecuteWorkflow(Campaign, in)
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	h.ok("save", "submit", "close", "finish", "publish")
	if collecting.Phase != PhaseCollecting || collecting.Total != 9 || len(collecting.Shards) != 2 || len(collecting.Units) != 0 {
		t.Fatalf("campaign while collecting: phase %s, %d units, shards %+v", collecting.Phase, collecting.Total, collecting.Shards)
	}
	if len(inner.Shards) != 2 || inner.Units != nil || inner.Shards[1].Lo != 4 || !inner.Ready {
		t.Fatalf("inner shard: %+v", inner)
	}
	recs := h.docs.manifest(t, rankIn.Manifest)
	if len(recs) != 9 {
		t.Fatalf("ranked %d records", len(recs))
	}
	for i, r := range recs {
		if want := activities.RecordKey(2026, fmt.Sprintf("U%d", i)); r.Key != want {
			t.Errorf("record %d is %s, want %s", i, r.Key, want)
		}
	}
	statuses := map[string]int{}
	for _, r := range h.records {
		statuses[r.Status]++
	}
	if statuses[UnitAppraised] != 1 || statuses[UnitNotSubmitted] != 8 {
		t.Fatalf("statuses %v", statuses)
	}
}
