package workflows

import (
	"fmt"

	"go.temporal.io/sdk/workflow"

	"ictindex/activities"
)

// Shard is a part of a campaign's units: a leaf holds at most Fanout units
// and runs one Unit child for each; a larger shard runs shards of them.
// (Each unit's XLSX form is rendered and archived at its first download,
// not here: at 40–100 ms of CPU a form, issuing 10,000 at once would
// hold the campaign's start for minutes.) It tells its parent when its units are
// started, passes the closing of collection down, and when every unit's
// part has ended archives the manifest of their records and returns it.
// Its history, pending children and payloads are bounded by Fanout,
// whatever the campaign's size.
func Shard(ctx workflow.Context, in ShardInput) (ShardResult, error) {
	s := &shard{in: in, fanout: fanoutOf(in.Fanout)}
	s.status = ShardStatus{Lo: in.Lo, Hi: in.Hi}
	if err := workflow.SetQueryHandler(ctx, QueryStatus, func() (ShardStatus, error) { return s.status, nil }); err != nil {
		return ShardResult{}, err
	}
	workflow.Go(ctx, s.passClosing)
	var err error
	if in.Hi-in.Lo <= s.fanout {
		err = s.startUnits(ctx)
	} else {
		err = s.startShards(ctx)
	}
	if err != nil {
		return ShardResult{}, err
	}
	s.status.Ready = true
	if p := workflow.GetInfo(ctx).ParentWorkflowExecution; p != nil {
		if err := workflow.SignalExternalWorkflow(ctx, p.ID, "", SignalShardReady, ShardReady{Lo: in.Lo, Hi: in.Hi}).Get(ctx, nil); err != nil {
			return ShardResult{}, fmt.Errorf("telling %s the shard is ready: %w", p.ID, err)
		}
	}
	workflow.Go(ctx, s.collect)
	if err := workflow.Await(ctx, func() bool { return s.done == len(s.children) && !s.signalling }); err != nil {
		return ShardResult{}, err
	}
	mi := activities.ManifestInput{Year: in.Year, Shard: fmt.Sprintf("%d-%d", in.Lo, in.Hi), Records: s.records, Parts: s.parts}
	var ref activities.DocumentRef
	if err := workflow.ExecuteActivity(archiveCtx(ctx), act.WriteManifest, mi).Get(ctx, &ref); err != nil {
		return ShardResult{}, err
	}
	s.status.Manifest = &ref
	s.result.Manifest, s.result.Units = ref, in.Hi-in.Lo
	return s.result, nil
}

// shard is the Shard workflow's state and steps.
type shard struct {
	in       ShardInput
	fanout   int
	status   ShardStatus
	children []workflow.ChildWorkflowFuture
	started  bool
	ready    int // child shards ready
	done     int // children ended

	records    []activities.DocumentRef // a leaf's unit records, in roster order
	parts      []activities.DocumentRef // a larger shard's child manifests
	result     ShardResult
	signalling bool // passing the closing on
}

// startUnits starts one Unit child for each of a leaf's units.
func (s *shard) startUnits(ctx workflow.Context) error {
	var units []activities.UnitRef
	err := workflow.ExecuteActivity(archiveCtx(ctx), act.ReadRoster, activities.RosterSlice{Roster: s.in.Roster, Lo: s.in.Lo, Hi: s.in.Hi}).Get(ctx, &units)
	if err != nil {
		return err
	}
	s.records = make([]activities.DocumentRef, len(units))
	for _, u := range units {
		s.status.Units = append(s.status.Units, UnitSummary{Unit: u.Unit, Annex: u.Annex})
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{WorkflowID: UnitWorkflowID(s.in.Year, u.Unit.Code)})
		s.children = append(s.children, workflow.ExecuteChildWorkflow(cctx, UnitWorkflowName,
			UnitInput{Year: s.in.Year, Ref: u, Settings: s.in.Settings, RemindBefore: s.in.RemindBefore}))
	}
	for i, f := range s.children {
		if err := f.GetChildWorkflowExecution().Get(ctx, nil); err != nil {
			return fmt.Errorf("starting unit %s: %w", units[i].Unit.Code, err)
		}
	}
	s.started = true
	return nil
}

// startShards starts the shards of a larger shard and waits until each
// has started its units.
func (s *shard) startShards(ctx workflow.Context) error {
	for _, sp := range chunks(s.in.Lo, s.in.Hi, s.fanout) {
		id := ShardWorkflowID(s.in.Year, sp.lo, sp.hi)
		s.status.Shards = append(s.status.Shards, ShardSummary{ID: id, Lo: sp.lo, Hi: sp.hi})
		in := s.in
		in.Lo, in.Hi = sp.lo, sp.hi
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{WorkflowID: id})
		s.children = append(s.children, workflow.ExecuteChildWorkflow(cctx, ShardWorkflowName, in))
	}
	s.parts = make([]activities.DocumentRef, len(s.children))
	return awaitShards(ctx, s.children, s.status.Shards, &s.started)
}

// awaitShards waits until every child shard has started and signalled
// that its units are started, marking each ready in sums.
func awaitShards(ctx workflow.Context, children []workflow.ChildWorkflowFuture, sums []ShardSummary, started *bool) error {
	for i, f := range children {
		if err := f.GetChildWorkflowExecution().Get(ctx, nil); err != nil {
			return fmt.Errorf("starting shard %s: %w", sums[i].ID, err)
		}
	}
	*started = true
	ch := workflow.GetSignalChannel(ctx, SignalShardReady)
	for ready := 0; ready < len(children); {
		var r ShardReady
		ch.Receive(ctx, &r)
		for i := range sums {
			if sums[i].Lo == r.Lo && sums[i].Hi == r.Hi && !sums[i].Ready {
				sums[i].Ready = true
				ready++
			}
		}
	}
	return nil
}

// collect records each child's outcome as it ends.
func (s *shard) collect(ctx workflow.Context) {
	sel := workflow.NewSelector(ctx)
	leaf := s.status.Units != nil
	for i, f := range s.children {
		sel.AddFuture(f, func(f workflow.Future) {
			defer func() { s.done++ }()
			if leaf {
				var res UnitResult
				u := &s.status.Units[i]
				u.Done = true
				if err := f.Get(ctx, &res); err != nil {
					u.Status = "error: " + err.Error()
					s.result.fail(u.Unit.Code + ": " + err.Error())
					return
				}
				u.Status, u.Record = res.Status, &res.Record
				s.records[i] = res.Record
				return
			}
			endShard(ctx, f, &s.status.Shards[i], &s.parts[i], &s.result)
		})
	}
	for range s.children {
		sel.Select(ctx)
	}
}

// fail counts a unit (or shard) that ended without a record.
func (r *ShardResult) fail(msg string) {
	r.Failed++
	if r.FirstError == "" {
		r.FirstError = msg
	}
}

// endShard records a child shard's outcome: its manifest in part, or its
// failure and its units' failures in tally.
func endShard(ctx workflow.Context, f workflow.Future, sum *ShardSummary, part *activities.DocumentRef, tally *ShardResult) {
	sum.Done = true
	var res ShardResult
	if err := f.Get(ctx, &res); err != nil {
		sum.Error = err.Error()
		tally.fail(sum.ID + ": " + err.Error())
		return
	}
	*part = res.Manifest
	tally.Failed += res.Failed
	if tally.FirstError == "" {
		tally.FirstError = res.FirstError
	}
}

// passClosing waits for the closing of collection and passes it to every
// child whose part has not ended, all at once.
func (s *shard) passClosing(ctx workflow.Context) {
	workflow.GetSignalChannel(ctx, SignalCollectionClosed).Receive(ctx, nil)
	s.signalling = true
	defer func() { s.signalling = false }()
	s.status.Closed = true
	if err := workflow.Await(ctx, func() bool { return s.started }); err != nil {
		return
	}
	signalOpen(ctx, s.children, func(i int) bool {
		if s.status.Units != nil {
			return s.status.Units[i].Done
		}
		return s.status.Shards[i].Done
	})
}

// signalOpen signals the closing of collection to every child not done,
// then waits for the signals to be delivered. A child that has just ended
// needs no signal, so a failed delivery is ignored.
func signalOpen(ctx workflow.Context, children []workflow.ChildWorkflowFuture, done func(int) bool) {
	var sent []workflow.Future
	for i, f := range children {
		if !done(i) {
			sent = append(sent, f.SignalChildWorkflow(ctx, SignalCollectionClosed, nil))
		}
	}
	for _, f := range sent {
		_ = f.Get(ctx, nil)
	}
}
