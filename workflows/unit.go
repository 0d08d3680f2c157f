package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"ictindex/activities"
	"ictindex/scoring"
)

// act names the activities through a typed nil; the worker registers the
// real ones.
var act *activities.Activities

// DefaultRemindBefore is when units that have not submitted are reminded.
var DefaultRemindBefore = []time.Duration{72 * time.Hour, 24 * time.Hour}

// Unit is one unit's part of a campaign: draft → submitted → under
// appraisal ⇄ revision requested → appraised; or not submitted when
// collection closes first. It archives the unit's record and returns it.
func Unit(ctx workflow.Context, in UnitInput) (UnitResult, error) {
	set, err := loadSet(ctx, in.Ref)
	if err != nil {
		return UnitResult{}, err
	}
	u := &unit{in: in, set: set}
	u.state = UnitState{Year: in.Year, Ref: in.Ref, Status: UnitDraft, Deadline: in.Settings.Deadline, Figures: map[string]any{}}
	if len(u.in.RemindBefore) == 0 {
		u.in.RemindBefore = DefaultRemindBefore
	}
	u.sent = make([]bool, len(u.in.RemindBefore))
	u.log(ctx, "hệ thống", "mở biểu mẫu", "")
	if err := u.register(ctx); err != nil {
		return UnitResult{}, err
	}
	workflow.Go(ctx, u.remind)
	closed := workflow.GetSignalChannel(ctx, SignalCollectionClosed)
	workflow.Go(ctx, func(ctx workflow.Context) {
		closed.Receive(ctx, nil)
		u.closed = true
		if u.state.Status == UnitDraft || u.state.Status == UnitAwaitingApproval && u.origin() == UnitDraft {
			u.state.Status = UnitNotSubmitted
			u.log(ctx, "hệ thống", "khóa thu thập", "đơn vị không gửi báo cáo")
		}
	})
	if err := workflow.Await(ctx, func() bool {
		return u.state.Status == UnitAppraised || u.state.Status == UnitNotSubmitted
	}); err != nil {
		return UnitResult{}, err
	}
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return UnitResult{}, err
	}
	var ref activities.DocumentRef
	err = workflow.ExecuteActivity(archiveCtx(ctx), act.StoreRecord, activities.StoreRecordInput{Year: in.Year, Record: u.record()}).Get(ctx, &ref)
	if err != nil {
		return UnitResult{}, err
	}
	return UnitResult{Code: in.Ref.Unit.Code, Status: u.state.Status, Record: ref}, nil
}

// unit is the Unit workflow's state and steps.
type unit struct {
	in     UnitInput
	set    *scoring.Set
	state  UnitState
	closed bool   // collection closed
	sent   []bool // reminders sent, per RemindBefore
	gen    int    // bumped when the deadline moves
	revGen int    // bumped on each revision request

	handedFrom string // the status a report awaiting approval came from
	reminding  bool   // the reminder loop runs
}

func (u *unit) log(ctx workflow.Context, by, action, detail string) {
	u.state.History = append(u.state.History, Event{At: workflow.Now(ctx), By: by, Action: action, Detail: detail})
}

// submission is the unit's figures in the public submission format.
func (u *unit) submission() scoring.Submission {
	sub := scoring.Submission{Unit: u.in.Ref.Unit, Annex: u.in.Ref.Annex, Year: u.in.Year, Flags: u.in.Ref.Flags,
		Figures: u.state.Figures, SubmittedAt: u.state.SubmittedAt, NotSubmitted: u.state.Status == UnitNotSubmitted}
	if !u.state.Deadline.Equal(u.in.Settings.Deadline) {
		d := u.state.Deadline
		sub.Deadline = &d
	}
	if a := u.state.Appraisal; len(a.Corrections)+len(a.QualityFlags) > 0 || a.FreeEmail != "" {
		sub.Appraisal = &a
	}
	return sub
}

func (u *unit) record() activities.UnitRecord {
	sub := u.submission()
	if sub.NotSubmitted {
		sub.Figures, sub.Appraisal = nil, nil
	}
	return activities.UnitRecord{Set: u.in.Ref.Set, Submission: sub, Evidence: u.state.Evidence, Status: u.state.Status}
}

// score runs the scoring activity on the figures as they stand. Scoring
// is pure and takes microseconds, so since version 1 it runs as a local
// activity in the workflow worker: no task-queue round trip per submission.
func (u *unit) score(ctx workflow.Context) (*activities.ScoreResult, error) {
	var res activities.ScoreResult
	in := activities.ScoreInput{Set: u.in.Ref.Set, Settings: u.in.Settings, Submission: u.submission()}
	if workflow.GetVersion(ctx, "local-scoring", workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		err := workflow.ExecuteActivity(scoreCtx(ctx), act.ScoreSubmission, in).Get(ctx, &res)
		return &res, err
	}
	err := workflow.ExecuteLocalActivity(localScoreCtx(ctx), act.ScoreSubmission, in).Get(ctx, &res)
	return &res, err
}

// remind sends the reminders before the deadline to a unit that has not
// submitted, starting over when the deadline moves.
func (u *unit) remind(ctx workflow.Context) {
	u.reminding = true
	defer func() { u.reminding = false }()
	for {
		now := workflow.Now(ctx)
		next, idx := time.Time{}, -1
		for i, d := range u.in.RemindBefore {
			at := u.state.Deadline.Add(-d)
			if u.sent[i] || !at.After(now) {
				continue
			}
			if idx < 0 || at.Before(next) {
				next, idx = at, i
			}
		}
		gen := u.gen
		if idx < 0 { // none left: wait for an extension to bring new ones
			if workflow.Await(ctx, func() bool { return u.gen != gen || u.state.Status != UnitDraft }) != nil || u.state.Status != UnitDraft {
				return
			}
			continue
		}
		moved, err := workflow.AwaitWithTimeout(ctx, next.Sub(now), func() bool { return u.gen != gen || u.state.Status != UnitDraft })
		if err != nil || u.state.Status != UnitDraft {
			return
		}
		if moved {
			continue
		}
		u.sent[idx] = true
		u.state.RemindersSent++
		notice := activities.Notice{Kind: "reminder", Year: u.in.Year, Unit: u.in.Ref.Unit.Code, At: workflow.Now(ctx),
			Subject: "Nhắc hạn gửi báo cáo đánh giá mức độ ứng dụng CNTT",
			Body:    u.in.Ref.Unit.Name + " chưa gửi báo cáo; hạn gửi là " + u.state.Deadline.In(scoring.Vietnam).Format("15:04 02/01/2006") + "."}
		_ = workflow.ExecuteActivity(notifyCtx(ctx), act.Notify, notice).Get(ctx, nil) // a lost reminder must not stop the campaign
		u.log(ctx, "hệ thống", "nhắc hạn", notice.Body)
	}
}

// Activity options, each fitting its activity.

// scoreCtx: scoring is pure and fast; a failure is a bug or bad input.
func scoreCtx(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 3, NonRetryableErrorTypes: []string{activities.ErrInvalidInput}},
	})
}

// localSetCtx: reading a pinned set from the archive; retried while the
// archive is down, refused at once when no such set exists.
func localSetCtx(ctx workflow.Context) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout:    30 * time.Second,
		ScheduleToCloseTimeout: time.Hour,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute,
			NonRetryableErrorTypes: []string{activities.ErrInvalidInput}},
	})
}

// localScoreCtx: the same policy for scoring as a local activity.
func localScoreCtx(ctx workflow.Context) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 3, NonRetryableErrorTypes: []string{activities.ErrInvalidInput}},
	})
}

// archiveCtx: the archive may be down for a while; keep retrying for a day.
func archiveCtx(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    2 * time.Minute,
		ScheduleToCloseTimeout: 24 * time.Hour,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute,
			NonRetryableErrorTypes: []string{activities.ErrInvalidInput}},
	})
}

// documentCtx: rendering and ranking thousands of units takes a while and
// heartbeats; the archive behind it may be down.
func documentCtx(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    30 * time.Minute,
		HeartbeatTimeout:       2 * time.Minute,
		ScheduleToCloseTimeout: 24 * time.Hour,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute,
			NonRetryableErrorTypes: []string{activities.ErrInvalidInput}},
	})
}

// notifyCtx: five tries with backoff (about 30 s of waiting in all), then
// give up. Update handlers wait for their notice, so the waiting stays
// short; what was not delivered is in the delivery log. A notice to every
// unit may take minutes: the mailer heartbeats after each batch, and a
// retry sends only to the addresses not yet logged.
func notifyCtx(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 5 * time.Minute,
		HeartbeatTimeout:    time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    2 * time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    30 * time.Second,
			MaximumAttempts:    5,
		},
	})
}
