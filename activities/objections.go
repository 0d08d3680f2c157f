package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"ictindex/scoring"
)

// Objection kinds: to a criterion's points (with the figure the unit asks
// for, where relevant) or to a deduction.
const (
	ObjectCriterion = "criterion"
	ObjectDeduction = "deduction"
)

// Objection is a unit's "văn bản phản hồi, giải trình" to its preliminary
// result, with the appraiser's answer once given.
type Objection struct {
	ID   int    `json:"id"`
	Unit string `json:"unit"` // the unit's code
	Name string `json:"name"` // the unit's name, for lists
	Kind string `json:"kind"` // ObjectCriterion or ObjectDeduction
	// Target is the criterion's code, or the deduction's kind ("late",
	// "free_email") or "quality:<criterion>".
	Target string `json:"target"`
	// Figure and Value: the figure the unit asks to be read differently
	// and the value it asks for.
	Figure      string        `json:"figure,omitempty"`
	Value       any           `json:"value,omitempty"`
	Explanation string        `json:"explanation"`
	Evidence    []EvidenceRef `json:"evidence,omitempty"`
	By          string        `json:"by"`
	At          time.Time     `json:"at"`
	Answer      *Answer       `json:"answer,omitempty"`
}

// Answer is the appraiser's answer to an objection.
type Answer struct {
	Accepted bool      `json:"accepted"`
	Reason   string    `json:"reason"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
	// Figure and Value are the correction an accepted criterion objection
	// made (the unit's ask unless the appraiser read it otherwise).
	Figure string `json:"figure,omitempty"`
	Value  any    `json:"value,omitempty"`
	// Before and After are the unit's final score before and after the
	// accepted objection.
	Before scoring.Fixed `json:"before,omitempty"`
	After  scoring.Fixed `json:"after,omitempty"`
}

// DeductionTarget is the Target naming a deduction line of a sheet.
func DeductionTarget(d scoring.DeductionLine) string {
	if d.Kind == scoring.DeductQuality {
		return "quality:" + d.Criterion
	}
	return string(d.Kind)
}

// ApplyAnswer changes a submission as an accepted objection decides,
// through the appraisal (R8): a criterion's figure is corrected with the
// objection as its reason; a quality flag or the free-e-mail finding is
// withdrawn; a late submission counts as on time (the unit's deadline
// becomes the moment it was received).
func ApplyAnswer(sub *scoring.Submission, o Objection) error {
	a := o.Answer
	if a == nil || !a.Accepted {
		return nil
	}
	if sub.Appraisal == nil {
		sub.Appraisal = &scoring.Appraisal{}
	}
	ap := sub.Appraisal
	switch {
	case o.Kind == ObjectCriterion:
		if a.Figure == "" {
			return fmt.Errorf("phản hồi số %d: chưa nêu số liệu được đính chính", o.ID)
		}
		k := scoring.Correction{Figure: a.Figure, Value: a.Value, By: a.By,
			Reason: fmt.Sprintf("Chấp nhận phản hồi số %d của đơn vị: %s", o.ID, a.Reason)}
		ap.Corrections = slices.DeleteFunc(ap.Corrections, func(c scoring.Correction) bool { return c.Figure == a.Figure })
		ap.Corrections = append(ap.Corrections, k)
	case o.Target == string(scoring.DeductFreeEmail):
		ap.FreeEmail = ""
	case o.Target == string(scoring.DeductLate):
		if sub.SubmittedAt != nil {
			d := *sub.SubmittedAt
			sub.Deadline = &d
		}
	case strings.HasPrefix(o.Target, "quality:"):
		c := strings.TrimPrefix(o.Target, "quality:")
		ap.QualityFlags = slices.DeleteFunc(ap.QualityFlags, func(q scoring.QualityFlag) bool { return q.Criterion == c })
	default:
		return fmt.Errorf("phản hồi số %d: không rõ khoản trừ %q", o.ID, o.Target)
	}
	return nil
}

// ReviseInput asks for a unit's record revised by an accepted objection:
// the record (Record, or found in the Manifest by the unit's code).
type ReviseInput struct {
	Year      int              `json:"year"`
	Settings  scoring.Settings `json:"settings"`
	Record    *DocumentRef     `json:"record,omitempty"`
	Manifest  *DocumentRef     `json:"manifest,omitempty"`
	Objection Objection        `json:"objection"`
}

// ReviseResult is the revised record and the unit's final score before
// and after.
type ReviseResult struct {
	Record DocumentRef   `json:"record"`
	Before scoring.Fixed `json:"before"`
	After  scoring.Fixed `json:"after"`
}

// ReviseRecord applies an accepted objection to the unit's archived record,
// scores it again (a correction that cannot be scored is refused with the
// field's error, nothing stored) and archives the new version of the
// record under the same key; the earlier version stays.
func (a *Activities) ReviseRecord(ctx context.Context, in ReviseInput) (ReviseResult, error) {
	ref, err := a.recordOf(ctx, in)
	if err != nil {
		return ReviseResult{}, err
	}
	recs, err := a.loadRecords(ctx, []DocumentRef{ref})
	if err != nil {
		return ReviseResult{}, err
	}
	rec := recs[0]
	set, err := a.set(ctx, rec.Set, rec.Submission.Annex)
	if err != nil {
		return ReviseResult{}, err
	}
	before, err := set.Score(&rec.Submission, &in.Settings)
	if err != nil {
		return ReviseResult{}, invalid(err)
	}
	if err := ApplyAnswer(&rec.Submission, in.Objection); err != nil {
		return ReviseResult{}, invalid(err)
	}
	after, err := set.Score(&rec.Submission, &in.Settings)
	if err != nil {
		return ReviseResult{}, invalid(err)
	}
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return ReviseResult{}, invalid(err)
	}
	out, err := a.Archive.PutDocument(ctx, ref.Key, data, "application/json", false)
	if err != nil {
		return ReviseResult{}, err
	}
	return ReviseResult{Record: out, Before: before.Final, After: after.Final}, nil
}

// recordOf is the record a revision starts from.
func (a *Activities) recordOf(ctx context.Context, in ReviseInput) (DocumentRef, error) {
	if in.Record != nil {
		return *in.Record, nil
	}
	if in.Manifest == nil {
		return DocumentRef{}, invalid(fmt.Errorf("no record nor manifest for unit %s", in.Objection.Unit))
	}
	refs, err := a.loadManifest(ctx, *in.Manifest)
	if err != nil {
		return DocumentRef{}, err
	}
	key := RecordKey(in.Year, in.Objection.Unit)
	for _, r := range refs {
		if r.Key == key {
			return r, nil
		}
	}
	return DocumentRef{}, invalid(fmt.Errorf("unit %s has no record in %s", in.Objection.Unit, in.Manifest.Key))
}
