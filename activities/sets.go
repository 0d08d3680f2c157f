package activities

import (
	"context"
	"fmt"
	"sort"

	"ictindex/scoring"
	"ictindex/templates"
)

// recordSets are the criteria sets of a campaign's records by annex: one
// set an annex, as the campaign pinned them.
type recordSets struct {
	byAnnex map[string]*scoring.Set
	refs    map[string]templates.SetRef
}

// recordSets resolves every record's set, refusing two different sets for
// one annex (a campaign pins one set an annex).
func (a *Activities) recordSets(ctx context.Context, recs []UnitRecord) (recordSets, error) {
	rs := recordSets{byAnnex: map[string]*scoring.Set{}, refs: map[string]templates.SetRef{}}
	for _, r := range recs {
		annex := r.Submission.Annex
		if ref, ok := rs.refs[annex]; ok {
			if ref != r.Set {
				return rs, invalid(fmt.Errorf("annex %s is scored with two criteria sets: %s and %s (unit %s)", annex, ref, r.Set, r.Submission.Unit.Code))
			}
			continue
		}
		s, err := a.set(ctx, r.Set, annex)
		if err != nil {
			return rs, fmt.Errorf("unit %s: %w", r.Submission.Unit.Code, err)
		}
		rs.byAnnex[annex], rs.refs[annex] = s, r.Set
	}
	return rs, nil
}

// annexes are the annexes in code order.
func (rs recordSets) annexes() []string {
	out := make([]string, 0, len(rs.byAnnex))
	for a := range rs.byAnnex {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// decision is the decision the sets belong to (that of the first annex).
func (rs recordSets) decision() string {
	for _, a := range rs.annexes() {
		return rs.byAnnex[a].Decision
	}
	return templates.MustLoad(scoring.AnnexPL01).Decision
}
