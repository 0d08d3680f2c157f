package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"ictindex/report"
	"ictindex/scoring"
)

// RecordObjectionsInput asks for the objections written into the records
// of the units that filed them: each unit's record as it stands (Records by
// unit code, else found in the Manifest).
type RecordObjectionsInput struct {
	Year       int                    `json:"year"`
	Objections []Objection            `json:"objections"`
	Records    map[string]DocumentRef `json:"records,omitempty"`
	Manifest   *DocumentRef           `json:"manifest,omitempty"`
}

// RecordObjections writes each objecting unit's objections, with their
// answers, into its archived record (a new version under the same key; the
// same bytes make none) and returns the records written, in unit order.
func (a *Activities) RecordObjections(ctx context.Context, in RecordObjectionsInput) ([]DocumentRef, error) {
	byUnit := map[string][]Objection{}
	var units []string
	for _, o := range in.Objections {
		if _, ok := byUnit[o.Unit]; !ok {
			units = append(units, o.Unit)
		}
		byUnit[o.Unit] = append(byUnit[o.Unit], o)
	}
	slices.Sort(units)
	var manifest []DocumentRef
	out := make([]DocumentRef, 0, len(units))
	for _, code := range units {
		ref, ok := in.Records[code]
		if !ok {
			if in.Manifest == nil {
				return nil, invalid(fmt.Errorf("no record of unit %s", code))
			}
			if manifest == nil {
				var err error
				if manifest, err = a.loadManifest(ctx, *in.Manifest); err != nil {
					return nil, err
				}
			}
			key := RecordKey(in.Year, code)
			i := slices.IndexFunc(manifest, func(r DocumentRef) bool { return r.Key == key })
			if i < 0 {
				return nil, invalid(fmt.Errorf("unit %s has no record in %s", code, in.Manifest.Key))
			}
			ref = manifest[i]
		}
		recs, err := a.loadRecords(ctx, []DocumentRef{ref})
		if err != nil {
			return nil, err
		}
		rec := recs[0]
		rec.Objections = byUnit[code]
		data, err := json.MarshalIndent(rec, "", "  ")
		if err != nil {
			return nil, invalid(err)
		}
		w, err := a.Archive.PutDocument(ctx, ref.Key, data, "application/json", false)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, nil
}

// ObjectionNote is an objection as the decision's score sheet prints it,
// its target and the figure asked for named from the unit's set.
func ObjectionNote(o Objection, set *scoring.Set) report.ObjectionNote {
	n := report.ObjectionNote{ID: o.ID, At: o.At, By: o.By, Target: objectionTarget(o, set), Explanation: o.Explanation, Files: len(o.Evidence)}
	if o.Figure != "" {
		label := o.Figure
		if set != nil {
			if f := set.Figure(o.Figure); f != nil {
				label = f.Label
			}
		}
		n.Ask = label + ": " + valueText(o.Value)
	}
	if a := o.Answer; a != nil {
		n.Answered, n.Accepted, n.Reason, n.AnsweredBy, n.AnsweredAt = true, a.Accepted, a.Reason, a.By, a.At
		if a.Accepted && a.Before != a.After {
			n.Change = a.Before.String() + " → " + a.After.String()
		}
	}
	return n
}

// objectionTarget names what an objection is about.
func objectionTarget(o Objection, set *scoring.Set) string {
	if o.Kind == ObjectCriterion {
		if set != nil {
			if cr := set.Criterion(o.Target); cr != nil {
				return "tiêu chí " + cr.Code + " (" + cr.Title + ")"
			}
		}
		return "tiêu chí " + o.Target
	}
	switch {
	case o.Target == string(scoring.DeductLate):
		return "khoản trừ điểm nộp báo cáo muộn"
	case o.Target == string(scoring.DeductFreeEmail):
		return "khoản trừ điểm dùng thư điện tử miễn phí"
	case strings.HasPrefix(o.Target, "quality:"):
		return "khoản trừ điểm chất lượng số liệu tiêu chí " + strings.TrimPrefix(o.Target, "quality:")
	}
	return o.Target
}

// valueText writes a figure's value as asked: numbers with Vietnamese
// thousands, yes/no in words.
func valueText(v any) string {
	switch x := v.(type) {
	case nil:
		return "(trống)"
	case bool:
		if x {
			return "có"
		}
		return "không"
	case float64:
		if x == float64(int64(x)) {
			return scoring.GroupThousands(int64(x))
		}
		return strings.ReplaceAll(strconv.FormatFloat(x, 'f', -1, 64), ".", ",")
	case int:
		return scoring.GroupThousands(int64(x))
	case int64:
		return scoring.GroupThousands(x)
	case json.Number:
		return x.String()
	}
	return fmt.Sprint(v)
}
