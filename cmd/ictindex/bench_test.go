package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/workflow"
	"google.golang.org/protobuf/proto"

	"ictindex/activities"
	"ictindex/scoring"
	"ictindex/templates"
	"ictindex/workflows"
)

// noop is the baseline workflow: it accepts updates that do nothing and
// ends after a given number of them.
func noop(ctx workflow.Context, updates int) error {
	n := 0
	if err := workflow.SetUpdateHandlerWithOptions(ctx, "noop", func(ctx workflow.Context, _ workflows.ActorArgs) (int, error) {
		n++
		return n, nil
	}, workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, a workflows.ActorArgs) error { return nil }}); err != nil {
		return err
	}
	return workflow.Await(ctx, func() bool { return n >= updates && workflow.AllHandlersFinished(ctx) })
}

// syntheticProvince clones the sample province's submitting units to n units.
func syntheticProvince(n int) *scoring.Batch { return templates.SyntheticProvince(n) }

// parallel runs fn(i) for i < n, k at a time, and returns the first error.
func parallel(n, k int, fn func(i int) error) error {
	sem := make(chan struct{}, k)
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := fn(i); err != nil {
				once.Do(func() { first = err })
			}
		}()
	}
	wg.Wait()
	return first
}

// BenchmarkCampaignVsBaseline runs a campaign of ICTINDEX_BENCH_UNITS units
// (default 1,000) end to end on the embedded stack — forms, three updates
// per unit, closing, ranking, the decision PDF, approval — and, on the same
// server, as many no-op workflows receiving as many updates. It reports
// both wall times and their ratio. Run with -benchtime 1x.
func BenchmarkCampaignVsBaseline(b *testing.B) {
	units := 1000
	if v, err := strconv.Atoi(os.Getenv("ICTINDEX_BENCH_UNITS")); err == nil && v > 0 {
		units = v
	}
	ctx := context.Background()
	dir := b.TempDir()
	st, err := startStack(ctx, stackOptions{DataDir: dir})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	w := newWorker(st.client, st.store, activities.LogNotifier{Log: st.log}, testIssuer(b))
	w.RegisterWorkflowWithOptions(noop, workflow.RegisterOptions{Name: "Noop"})
	if err := w.Start(); err != nil {
		b.Fatal(err)
	}
	defer w.Stop()
	d := driver{c: st.client}
	const k = 16
	for b.Loop() {
		batch := syntheticProvince(units)
		// The campaign.
		start := time.Now()
		settings := batch.Resolve()
		settings.Deadline = time.Now().Add(time.Hour)
		in := workflows.CampaignInput{Year: batch.Year, Settings: settings,
			Decision: activities.DecisionMeta{Number: "15/QĐ-UBND", Date: scoring.DateOf(time.Now()), Signer: "Trịnh Xuân Trường"}}
		var roster []activities.UnitRef
		for _, u := range batch.Units {
			roster = append(roster, activities.UnitRef{Unit: u.Unit, Annex: u.Annex, Flags: u.Flags})
		}
		// As the API opens a campaign: the units go to the archive first.
		ref, err := activities.PutRoster(ctx, activities.NewArchive(st.store), batch.Year, roster)
		if err != nil {
			b.Fatal(err)
		}
		in.Roster, in.Total = &ref, len(roster)
		run, err := st.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.CampaignWorkflowID(batch.Year), TaskQueue: workflows.TaskQueue},
			workflows.CampaignWorkflowName, in)
		if err != nil {
			b.Fatal(err)
		}
		lap := func(what string) { b.Logf("%8s  %s", time.Since(start).Round(time.Millisecond), what) }
		if _, err := d.waitPhase(ctx, batch.Year, workflows.PhaseCollecting); err != nil {
			b.Fatal(err)
		}
		lap("forms issued, units started")
		if err := parallel(units, k, func(i int) error {
			u := batch.Units[i]
			id := workflows.UnitWorkflowID(batch.Year, u.Unit.Code)
			if err := d.update(ctx, id, workflows.UpdateSaveFigures, workflows.SaveFiguresArgs{By: "u", Figures: u.Figures}, nil); err != nil {
				return err
			}
			return d.update(ctx, id, workflows.UpdateSubmit, workflows.ActorArgs{By: "u"}, nil)
		}); err != nil {
			b.Fatal(err)
		}
		lap("figures saved and submitted")
		if err := d.update(ctx, workflows.CampaignWorkflowID(batch.Year), workflows.UpdateCloseCollection, workflows.ActorArgs{By: "admin"}, nil); err != nil {
			b.Fatal(err)
		}
		if err := parallel(units, k, func(i int) error {
			return d.update(ctx, workflows.UnitWorkflowID(batch.Year, batch.Units[i].Unit.Code), workflows.UpdateFinishAppraisal, workflows.ActorArgs{By: "a"}, nil)
		}); err != nil {
			b.Fatal(err)
		}
		lap("appraisals finished")
		if _, err := d.waitPhase(ctx, batch.Year, workflows.PhaseDrafted); err != nil {
			b.Fatal(err)
		}
		lap("ranked, decision drafted")
		if err := d.update(ctx, workflows.CampaignWorkflowID(batch.Year), workflows.UpdateApprovePublish, workflows.PublishArgs{By: "leader"}, nil); err != nil {
			b.Fatal(err)
		}
		if err := d.update(ctx, workflows.CampaignWorkflowID(batch.Year), workflows.UpdateCloseYear, workflows.ActorArgs{By: "admin"}, nil); err != nil {
			b.Fatal(err)
		}
		if err := run.Get(ctx, nil); err != nil {
			b.Fatal(err)
		}
		campaign := time.Since(start)
		logMilestones(b, st.client, workflows.CampaignWorkflowID(batch.Year), start)
		events, payload, which := largestHistory(b, st.client, batch.Year, batch.Units[0].Unit.Code)
		b.ReportMetric(float64(events), "max-history-events")
		b.ReportMetric(float64(payload), "max-event-bytes")
		b.Logf("largest history %d events, largest event %d bytes (%s)", events, payload, which)

		// The baseline: as many workflows, as many updates, doing nothing.
		start = time.Now()
		runs := make([]client.WorkflowRun, units+1)
		for i := range runs {
			n := 3
			if i == units {
				n = 2 // the campaign's own updates
			}
			runs[i], err = st.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: fmt.Sprintf("noop-%d-%d", b.N, i), TaskQueue: workflows.TaskQueue}, "Noop", n)
			if err != nil {
				b.Fatal(err)
			}
		}
		if err := parallel(units+1, k, func(i int) error {
			n := 3
			if i == units {
				n = 2
			}
			for j := 0; j < n; j++ {
				if err := d.update(ctx, runs[i].GetID(), "noop", workflows.ActorArgs{By: "x"}, nil); err != nil {
					return err
				}
			}
			return runs[i].Get(ctx, nil)
		}); err != nil {
			b.Fatal(err)
		}
		baseline := time.Since(start)
		b.ReportMetric(campaign.Seconds(), "campaign-s")
		b.ReportMetric(baseline.Seconds(), "baseline-s")
		b.ReportMetric(campaign.Seconds()/baseline.Seconds(), "ratio")
		if peak := peakRSS(); peak > 0 {
			b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MiB")
		}
		b.Logf("%d units: campaign %s, baseline %s, ratio %.2f", units, campaign.Round(time.Millisecond), baseline.Round(time.Millisecond), campaign.Seconds()/baseline.Seconds())
	}
}

// logMilestones logs when the campaign's activities ran and its children
// started and ended, relative to start.
func logMilestones(b *testing.B, c client.Client, id string, start time.Time) {
	it := c.GetWorkflowHistory(context.Background(), id, "", false, 0)
	children, done := 0, 0
	names := map[int64]string{}
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			b.Fatal(err)
		}
		at := ev.GetEventTime().AsTime().Sub(start).Round(100 * time.Millisecond)
		switch {
		case ev.GetActivityTaskScheduledEventAttributes() != nil:
			names[ev.GetEventId()] = ev.GetActivityTaskScheduledEventAttributes().GetActivityType().GetName()
			b.Logf("%8s  %s scheduled", at, names[ev.GetEventId()])
		case ev.GetActivityTaskCompletedEventAttributes() != nil:
			b.Logf("%8s  %s completed", at, names[ev.GetActivityTaskCompletedEventAttributes().GetScheduledEventId()])
		case ev.GetChildWorkflowExecutionStartedEventAttributes() != nil:
			if children++; children == 1 || children%100 == 0 {
				b.Logf("%8s  %d units started", at, children)
			}
		case ev.GetChildWorkflowExecutionCompletedEventAttributes() != nil:
			if done++; done == 1 || done%100 == 0 {
				b.Logf("%8s  %d units done", at, done)
			}
		}
	}
}

// largestHistory walks the histories of the campaign, its shards and one
// unit, and answers the most events of any and the largest single event
// (its payloads included), with the workflow holding it.
func largestHistory(b *testing.B, c client.Client, year int, unit string) (events, bytes int, which string) {
	ctx := context.Background()
	ids := []string{workflows.CampaignWorkflowID(year), workflows.UnitWorkflowID(year, unit)}
	for i := 0; i < len(ids); i++ {
		it := c.GetWorkflowHistory(ctx, ids[i], "", false, 0)
		n := 0
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				b.Fatal(err)
			}
			n++
			if sz := proto.Size(ev); sz > bytes {
				bytes, which = sz, ids[i]
			}
			if a := ev.GetStartChildWorkflowExecutionInitiatedEventAttributes(); a != nil && a.GetWorkflowType().GetName() == workflows.ShardWorkflowName {
				ids = append(ids, a.GetWorkflowId())
			}
		}
		if n > events {
			events = n
		}
	}
	return events, bytes, which
}

// peakRSS is the process's peak resident memory in bytes (Linux), or 0.
func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
