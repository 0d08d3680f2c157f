package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"ictindex/archive"
	"ictindex/scoring"
	"ictindex/templates"
)

// Archive is what the activities need of the document store (package
// archive over MinIO, see NewArchive).
type Archive interface {
	PutDocument(ctx context.Context, key string, data []byte, contentType string, lock bool) (DocumentRef, error)
	GetDocument(ctx context.Context, key, versionID string) ([]byte, error)
	LockDocument(ctx context.Context, key, versionID string) error
	VerifyEvidence(ctx context.Context, ev EvidenceRef) error
}

// Activities are the campaign's activities with their dependencies.
// Workflows name them through a typed nil: (*Activities)(nil).Rank.
type Activities struct {
	Archive  Archive
	Notifier Notifier
	// Sets resolves pinned criteria sets (nil: the embedded sets only).
	Sets *templates.Library
	// Register numbers issued decisions; Issuer says how they are signed
	// and where they are verified (nil: unsigned, no public link).
	Register Register
	Issuer   *Issuer
}

// set is the criteria set a unit is scored with: its pinned ref, or its
// annex's default set for campaigns opened before sets were pinned.
func (a *Activities) set(ctx context.Context, ref templates.SetRef, annex string) (*scoring.Set, error) {
	s, err := a.Sets.Resolve(ctx, ref, annex)
	if err != nil && errors.Is(err, templates.ErrUnknownSet) {
		return nil, invalid(err)
	}
	return s, err
}

// LoadCriteriaSet returns a pinned set's file, gzip-compressed, for a
// workflow to keep in its history: replaying it never needs the archive.
func (a *Activities) LoadCriteriaSet(ctx context.Context, ref templates.SetRef) ([]byte, error) {
	raw, err := a.Sets.Raw(ctx, ref)
	if err != nil {
		if errors.Is(err, templates.ErrUnknownSet) {
			return nil, invalid(err)
		}
		return nil, err
	}
	return templates.Compress(raw)
}

// ErrInvalidInput is the application error type of input that no retry
// can fix: the workflow validators should have refused it.
const ErrInvalidInput = "InvalidInput"

// invalid wraps an error as non-retryable, keeping scoring's field errors as
// details.
func invalid(err error) error {
	var ve *scoring.ValidationError
	if errors.As(err, &ve) {
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrInvalidInput, err, ve.Errors)
	}
	return temporal.NewNonRetryableApplicationError(err.Error(), ErrInvalidInput, err)
}

// ScoreSubmission computes a unit's self or appraised score from its
// figures (R8): deterministic, no side effects.
func (a *Activities) ScoreSubmission(ctx context.Context, in ScoreInput) (ScoreResult, error) {
	set, err := a.set(ctx, in.Set, in.Submission.Annex)
	if err != nil {
		return ScoreResult{}, err
	}
	sh, err := set.Score(&in.Submission, &in.Settings)
	if err != nil {
		return ScoreResult{}, invalid(err)
	}
	return ScoreResult{SelfTotal: sh.SelfTotal, AppraisedTotal: sh.AppraisedTotal, DeductionTotal: sh.DeductionTotal, Final: sh.Final}, nil
}

// RecordKey is where a unit's record is archived.
func RecordKey(year int, code string) string { return fmt.Sprintf("%d/units/%s.json", year, code) }

// ResultsKey is where a campaign's results are archived.
func ResultsKey(year int) string { return fmt.Sprintf("%d/results.json", year) }

// DecisionKey is where a campaign's decision PDF is archived.
func DecisionKey(year int) string { return fmt.Sprintf("%d/decision.pdf", year) }

// FormKey is where a unit's XLSX form is archived.
func FormKey(year int, code string) string { return fmt.Sprintf("%d/forms/%s.xlsx", year, code) }

// StoreRecord archives a unit's final record. The same record gives the
// same bytes, so a retry finds the version already there.
func (a *Activities) StoreRecord(ctx context.Context, in StoreRecordInput) (DocumentRef, error) {
	data, err := json.MarshalIndent(in.Record, "", "  ")
	if err != nil {
		return DocumentRef{}, invalid(err)
	}
	return a.Archive.PutDocument(ctx, RecordKey(in.Year, in.Record.Submission.Unit.Code), data, "application/json", false)
}

// IssueForms renders each unit's XLSX form, pre-filled with the unit, into
// the archive, a few at a time.
func (a *Activities) IssueForms(ctx context.Context, in IssueFormsInput) (IssueFormsResult, error) {
	out := IssueFormsResult{Forms: make([]DocumentRef, len(in.Units))}
	var done atomic.Int64
	err := forEach(ctx, len(in.Units), runtime.GOMAXPROCS(0)+2, func(ctx context.Context, i int) error {
		u := in.Units[i]
		set, err := a.set(ctx, u.Set, u.Annex)
		if err != nil {
			return err
		}
		data, err := templates.Form(set, &scoring.Submission{Unit: u.Unit, Annex: u.Annex, Year: in.Year, Flags: u.Flags}, in.Year)
		if err != nil {
			return invalid(err)
		}
		ref, err := a.Archive.PutDocument(ctx, FormKey(in.Year, u.Unit.Code), data,
			"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", false)
		if err != nil {
			return err
		}
		out.Forms[i] = ref
		activity.RecordHeartbeat(ctx, done.Add(1))
		return nil
	})
	return out, err
}

// forEach runs fn for 0 ≤ i < n, k at a time, stopping at the first error.
func forEach(ctx context.Context, n, k int, fn func(context.Context, int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, k)
	errc := make(chan error, n)
	var wg sync.WaitGroup
	for i := 0; i < n && ctx.Err() == nil; i++ {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := fn(ctx, i); err != nil {
				errc <- err
				cancel()
			}
		}()
	}
	wg.Wait()
	close(errc)
	return <-errc
}

// loadRecords reads unit records from the archive, eight at a time.
func (a *Activities) loadRecords(ctx context.Context, refs []DocumentRef) ([]UnitRecord, error) {
	recs := make([]UnitRecord, len(refs))
	var done atomic.Int64
	err := forEach(ctx, len(refs), 8, func(ctx context.Context, i int) error {
		data, err := a.Archive.GetDocument(ctx, refs[i].Key, refs[i].VersionID)
		if err != nil {
			return fmt.Errorf("reading %s: %w", refs[i].Key, err)
		}
		if err := json.Unmarshal(data, &recs[i]); err != nil {
			return invalid(fmt.Errorf("%s: %w", refs[i].Key, err))
		}
		if n := done.Add(1); n%100 == 0 {
			activity.RecordHeartbeat(ctx, n)
		}
		return nil
	})
	return recs, err
}

// Rank scores every archived unit record, ranks each annex (R9) and
// archives the results JSON.
func (a *Activities) Rank(ctx context.Context, in RankInput) (RankResult, error) {
	refs, err := a.recordRefs(ctx, in.Records, in.Manifest)
	if err != nil {
		return RankResult{}, err
	}
	recs, err := a.loadRecords(ctx, refs)
	if err != nil {
		return RankResult{}, err
	}
	sets, err := a.recordSets(ctx, recs)
	if err != nil {
		return RankResult{}, err
	}
	sheets, err := scoreWith(recs, sets, &in.Settings)
	if err != nil {
		return RankResult{}, invalid(err)
	}
	res := scoring.NewResults(sets.decision(), in.Settings, sets.annexes(), sheets)
	prev, err := a.previousResults(ctx, in.Year)
	if err != nil {
		return RankResult{}, err
	}
	res.AttachPrevious(prev)
	data, err := res.JSON()
	if err != nil {
		return RankResult{}, invalid(err)
	}
	ref, err := a.Archive.PutDocument(ctx, ResultsKey(in.Year), data, "application/json", false)
	if err != nil {
		return RankResult{}, err
	}
	out := RankResult{Results: ref}
	for _, r := range res.Rankings {
		for _, row := range r.Rows {
			out.Places = append(out.Places, Place{Annex: r.Annex, Code: row.Unit.Code, Rank: row.Rank, Final: row.Final})
		}
	}
	if in.Manifest == nil {
		return out, nil
	}
	data, err = json.Marshal(out.Places)
	if err != nil {
		return RankResult{}, invalid(err)
	}
	pd, err := a.Archive.PutDocument(ctx, PlacesKey(in.Year), data, "application/json", false)
	if err != nil {
		return RankResult{}, err
	}
	out.Places, out.PlacesDoc = nil, &pd
	return out, nil
}

// previousResults reads the results of the year before from the archive,
// where a published year's stay locked after its workflows are gone. No
// results for that year is no comparison, not an error; results that
// cannot be read stop the ranking with a message naming them, since no
// retry can mend them.
func (a *Activities) previousResults(ctx context.Context, year int) (*scoring.Results, error) {
	key := ResultsKey(year - 1)
	data, err := a.Archive.GetDocument(ctx, key, "")
	if errors.Is(err, archive.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the results of %d (%s): %w", year-1, key, err)
	}
	var prev scoring.Results
	if err := json.Unmarshal(data, &prev); err != nil {
		return nil, invalid(fmt.Errorf("the results of %d in the archive (%s) are not valid results JSON: %w", year-1, key, err))
	}
	if y := prev.Year; y != year-1 {
		return nil, invalid(fmt.Errorf("the results at %s are of year %d, not %d", key, y, year-1))
	}
	return &prev, nil
}

// scoreWith scores each record with its set and the campaign's settings.
func scoreWith(recs []UnitRecord, sets recordSets, st *scoring.Settings) ([]*scoring.Sheet, error) {
	sheets := make([]*scoring.Sheet, 0, len(recs))
	for i := range recs {
		sh, err := sets.byAnnex[recs[i].Submission.Annex].Score(&recs[i].Submission, st)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", recs[i].Submission.Unit.Code, err)
		}
		sheets = append(sheets, sh)
	}
	return sheets, nil
}

// Publish locks the decision and the results so they cannot be altered or
// deleted (object lock).
func (a *Activities) Publish(ctx context.Context, in PublishInput) (PublishResult, error) {
	for _, d := range []DocumentRef{in.Results, in.Decision} {
		if err := a.Archive.LockDocument(ctx, d.Key, d.VersionID); err != nil {
			return PublishResult{}, fmt.Errorf("locking %s: %w", d.Key, err)
		}
	}
	return PublishResult{Results: in.Results, Decision: in.Decision}, nil
}

// VerifyEvidence re-reads an evidence document and checks its hash.
func (a *Activities) VerifyEvidence(ctx context.Context, ev EvidenceRef) error {
	return a.Archive.VerifyEvidence(ctx, ev)
}

// Notify sends a notice through the configured notifier.
func (a *Activities) Notify(ctx context.Context, n Notice) error {
	if a.Notifier == nil {
		return nil
	}
	err := a.Notifier.Notify(ctx, n)
	if activity.IsActivity(ctx) {
		// ictindex_notices{kind, result}: delivered, or an attempt that
		// failed and is retried; the worker's metrics show it.
		result := "ok"
		if err != nil {
			result = "error"
		}
		activity.GetMetricsHandler(ctx).WithTags(map[string]string{"kind": n.Kind, "result": result}).Counter("ictindex_notices").Inc(1)
	}
	return err
}
