package api

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"ictindex/scoring"
	"ictindex/templates"
)

// pinnedSet is the criteria set an annex of a campaign uses.
type pinnedSet struct {
	ref      templates.SetRef
	set      *scoring.Set
	reported bool // the annex has no set: say so on each unit
}

// pinnedSets are a campaign's sets by annex, resolved once each.
type pinnedSets map[string]*pinnedSet

// campaignSets resolves the sets an open request names, checking that
// each is for the annex it is named for.
func campaignSets(ctx context.Context, lib *templates.Library, named map[string]templates.SetRef, add func(f, code, vi string)) pinnedSets {
	out := pinnedSets{}
	annexes := make([]string, 0, len(named))
	for a := range named {
		annexes = append(annexes, a)
	}
	sort.Strings(annexes)
	for _, annex := range annexes {
		ref, f := named[annex], "sets."+annex
		set, err := lib.Set(ctx, ref)
		switch {
		case errors.Is(err, templates.ErrUnknownSet):
			add(f, scoring.ErrUnknown, fmt.Sprintf("Không có bộ tiêu chí %s", ref))
			out[annex] = &pinnedSet{}
		case err != nil:
			add(f, scoring.ErrInvalid, "Không đọc được bộ tiêu chí "+ref.String()+": "+err.Error())
			out[annex] = &pinnedSet{}
		case set.Annex != annex:
			add(f, scoring.ErrInvalid, fmt.Sprintf("Bộ tiêu chí %s dành cho phụ lục %s, không phải %s", ref, set.Annex, annex))
			out[annex] = &pinnedSet{}
		default:
			out[annex] = &pinnedSet{ref: ref, set: set}
		}
	}
	return out
}

// of is the set of an annex: the one named, else the default decision's.
func (ps pinnedSets) of(ctx context.Context, lib *templates.Library, annex string) *pinnedSet {
	if p := ps[annex]; p != nil {
		return p
	}
	p := &pinnedSet{reported: true}
	if ref, err := templates.DefaultRef(annex); err == nil {
		if set, err := lib.Set(ctx, ref); err == nil {
			p = &pinnedSet{ref: ref, set: set}
		}
	}
	ps[annex] = p
	return p
}

// refs are the resolved sets' refs by annex.
func (ps pinnedSets) refs() map[string]templates.SetRef {
	out := map[string]templates.SetRef{}
	for a, p := range ps {
		if p.set != nil {
			out[a] = p.ref
		}
	}
	return out
}
