package api

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"ictindex/activities"
	"ictindex/workflows"
)

// A sharded campaign's status names its shards, not its units: the API
// reads the units from the shards' own status queries, each bounded by
// the fan-out, and the places from the archive, and hands the pages and
// clients the whole status as before. Shards whose units have all ended
// no longer change and are kept; the others are read again at most every
// shardRefresh.

// shardRefresh is the shortest interval between two reads of a running
// shard's status.
const shardRefresh = 2 * time.Second

// shardQueries bounds the shard queries in flight for one campaign read.
const shardQueries = 4

// shardCache keeps shard statuses and places documents.
type shardCache struct {
	mu      sync.Mutex
	shards  map[string]shardEntry           // by workflow ID
	places  map[string][]activities.Place   // by key and version
	rosters map[string][]activities.UnitRef // by key and version
}

type shardEntry struct {
	st workflows.ShardStatus
	at time.Time
}

// expandCampaign fills a sharded campaign's status with its units (from
// its shards) and places (from the archive).
func (s *Server) expandCampaign(ctx context.Context, st *workflows.CampaignStatus) error {
	if len(st.Shards) > 0 && len(st.Units) == 0 {
		units, err := s.shardUnits(ctx, st.Roster, st.Shards)
		if err != nil {
			return err
		}
		st.Units = units
	}
	if st.PlacesDoc != nil && st.Places == nil {
		places, err := s.placesOf(ctx, *st.PlacesDoc)
		if err != nil {
			return err
		}
		st.Places = places
	}
	return nil
}

// shardUnits reads the units of shards, in roster order. A shard not yet
// ready may not answer yet: its units are read from the roster.
func (s *Server) shardUnits(ctx context.Context, roster *activities.DocumentRef, sums []workflows.ShardSummary) ([]workflows.UnitSummary, error) {
	parts := make([][]workflows.UnitSummary, len(sums))
	errs := make([]error, len(sums))
	sem := make(chan struct{}, shardQueries)
	var wg sync.WaitGroup
	for i, sum := range sums {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			st, err := s.shardStatus(ctx, sum.ID)
			switch {
			case err != nil && !sum.Ready:
				parts[i], errs[i] = s.rosterUnits(ctx, roster, sum.Lo, sum.Hi)
			case err != nil:
				errs[i] = fmt.Errorf("shard %s: %w", sum.ID, err)
			case len(st.Shards) > 0:
				parts[i], errs[i] = s.shardUnits(ctx, roster, st.Shards)
			case st.Units == nil && !st.Ready:
				parts[i], errs[i] = s.rosterUnits(ctx, roster, sum.Lo, sum.Hi)
			default:
				parts[i] = st.Units
			}
		}()
	}
	wg.Wait()
	var units []workflows.UnitSummary
	for i := range sums {
		if errs[i] != nil {
			return nil, errs[i]
		}
		units = append(units, parts[i]...)
	}
	return units, nil
}

// shardStatus answers a shard's status, from the cache when it is final
// or recent.
func (s *Server) shardStatus(ctx context.Context, id string) (workflows.ShardStatus, error) {
	c := &s.shards
	c.mu.Lock()
	e, ok := c.shards[id]
	c.mu.Unlock()
	if ok && (e.st.Manifest != nil || time.Since(e.at) < shardRefresh) {
		return e.st, nil
	}
	var st workflows.ShardStatus
	if err := s.query(ctx, id, &st); err != nil {
		return st, err
	}
	c.mu.Lock()
	if c.shards == nil {
		c.shards = map[string]shardEntry{}
	}
	c.shards[id] = shardEntry{st: st, at: time.Now()}
	c.mu.Unlock()
	return st, nil
}

// rosterUnits are units lo ≤ i < hi of a campaign's roster, as lines not
// yet started.
func (s *Server) rosterUnits(ctx context.Context, roster *activities.DocumentRef, lo, hi int) ([]workflows.UnitSummary, error) {
	if roster == nil {
		return nil, nil
	}
	c := &s.shards
	k := roster.Key + "@" + roster.VersionID
	c.mu.Lock()
	units, ok := c.rosters[k]
	c.mu.Unlock()
	if !ok {
		data, err := s.store.GetDocument(ctx, roster.Key, roster.VersionID)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(data, &units); err != nil {
			return nil, fmt.Errorf("%s: %w", roster.Key, err)
		}
		c.mu.Lock()
		if c.rosters == nil {
			c.rosters = map[string][]activities.UnitRef{}
		}
		c.rosters[k] = units
		c.mu.Unlock()
	}
	if lo < 0 || hi > len(units) || lo > hi {
		return nil, fmt.Errorf("%s has %d units, not [%d, %d)", roster.Key, len(units), lo, hi)
	}
	out := make([]workflows.UnitSummary, 0, hi-lo)
	for _, u := range units[lo:hi] {
		out = append(out, workflows.UnitSummary{Unit: u.Unit, Annex: u.Annex})
	}
	return out, nil
}

// forgetShards drops the running shards' statuses, after a change to
// their campaign (closing collection changes every unit).
func (s *Server) forgetShards() {
	c := &s.shards
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, e := range c.shards {
		if e.st.Manifest == nil {
			delete(c.shards, id)
		}
	}
}

// placesOf reads an archived places document (kept: a version never
// changes).
func (s *Server) placesOf(ctx context.Context, ref activities.DocumentRef) ([]activities.Place, error) {
	c := &s.shards
	k := ref.Key + "@" + ref.VersionID
	c.mu.Lock()
	p, ok := c.places[k]
	c.mu.Unlock()
	if ok {
		return p, nil
	}
	data, err := s.store.GetDocument(ctx, ref.Key, ref.VersionID)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("%s: %w", ref.Key, err)
	}
	if p == nil {
		p = []activities.Place{}
	}
	c.mu.Lock()
	if c.places == nil {
		c.places = map[string][]activities.Place{}
	}
	c.places[k] = p
	c.mu.Unlock()
	return p, nil
}
