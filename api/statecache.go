package api

import (
	"context"
	"reflect"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"ictindex/workflows"
)

// The pages read the campaigns and units from a read model instead of
// querying a workflow per request. It holds the latest state of every
// unit and campaign seen, filled in three ways:
//
//   - write-through: every update run by the API or the pages answers the
//     new state, which is stored at once (a user sees their own change);
//   - on a miss, by one query (concurrent misses share it);
//   - in the background: a state older than its refresh interval is
//     served as it is while a query refreshes it (stale-while-revalidate),
//     with few refreshes in flight.
//
// A change to a unit marks its campaign for a re-read before its next use,
// and a change to a campaign (closing collection, publishing) does the same
// for its units, since each changes the other. Nothing is evicted: a unit's
// state is a few KB, ten thousand units some tens of MB.

const (
	// unitRefresh and campaignRefresh are the shortest intervals between
	// background refreshes of one entry.
	unitRefresh     = 5 * time.Second
	campaignRefresh = time.Second
	// sweepMin is the shortest interval between two background sweeps of
	// a campaign's units (at least ten times as long as a sweep took).
	sweepMin = 10 * time.Second
	// asyncRefreshes bounds the single-entry refreshes in flight; a refresh
	// that finds no room is skipped (the next read tries again).
	asyncRefreshes = 2
	// sweepQueries bounds the queries of one sweep or first fill in flight.
	sweepQueries = 4
)

// entry is one cached state.
type entry[T any] struct {
	val        T
	ok         bool      // val holds a state
	at         time.Time // when val was read or written
	gen        uint64    // bumped by every write, so an older read does not overwrite it
	invalid    bool      // re-read before serving where freshness matters
	refreshing bool
}

// yearState is a campaign's entries.
type yearState struct {
	camp    entry[workflows.CampaignStatus]
	units   map[string]*entry[workflows.UnitState] // by unit code
	version uint64                                 // bumped on any change of the campaign or a unit

	sweeping   bool
	sweepStart time.Time
	sweepTook  time.Duration
	sweptAt    time.Time // end of the last sweep or fill: the units' age

	views map[string]builtView // the pages' views, by name (see ViewAs)

	complete  bool   // every running unit had a state at version checked
	checkedAt uint64 // the version complete was found at
}

type stateCache struct {
	s     *Server
	mu    sync.Mutex
	years map[int]*yearState
	sf    singleflight.Group
	slots chan struct{} // async refreshes in flight
}

func newStateCache(s *Server) *stateCache {
	return &stateCache{s: s, years: map[int]*yearState{}, slots: make(chan struct{}, asyncRefreshes)}
}

// year returns a campaign's entries; c.mu is held.
func (c *stateCache) year(y int) *yearState {
	ys := c.years[y]
	if ys == nil {
		ys = &yearState{units: map[string]*entry[workflows.UnitState]{}}
		c.years[y] = ys
	}
	return ys
}

// unitEntry returns a unit's entry; c.mu is held.
func (c *stateCache) unitEntry(y int, code string) *entry[workflows.UnitState] {
	ys := c.year(y)
	e := ys.units[code]
	if e == nil {
		e = &entry[workflows.UnitState]{}
		ys.units[code] = e
	}
	return e
}

// set stores a state in an entry and bumps the campaign's version when it
// changed; c.mu is held.
func set[T any](ys *yearState, e *entry[T], v T, write bool) {
	if !e.ok || !reflect.DeepEqual(e.val, v) {
		ys.version++
	}
	e.val, e.ok, e.at, e.invalid = v, true, time.Now(), false
	if write {
		e.gen++
	}
}

// wroteUnit stores a unit's state answered by an update.
func (c *stateCache) wroteUnit(st workflows.UnitState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ys := c.year(st.Year)
	set(ys, c.unitEntry(st.Year, st.Ref.Unit.Code), st, true)
	ys.camp.invalid = true
}

// wroteCampaign stores a campaign's status answered by an update; its units
// are read again before a unit page shows them, and swept soon.
func (c *stateCache) wroteCampaign(st workflows.CampaignStatus) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ys := c.year(st.Year)
	set(ys, &ys.camp, st, true)
	for _, e := range ys.units {
		e.invalid = true
	}
	ys.sweepStart = time.Time{}
}

// failedUpdate marks a workflow's entry for a re-read after an update that
// failed: it may or may not have happened.
func (c *stateCache) failedUpdate(workflowID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for y, ys := range c.years {
		if workflowID == workflows.CampaignWorkflowID(y) {
			ys.camp.invalid = true
			for _, e := range ys.units {
				e.invalid = true
			}
			return
		}
		for code, e := range ys.units {
			if workflowID == workflows.UnitWorkflowID(y, code) {
				e.invalid = true
				ys.camp.invalid = true
				return
			}
		}
	}
}

// readUnit queries a unit and stores the answer unless a write came
// first.
func (c *stateCache) readUnit(ctx context.Context, y int, code string) (workflows.UnitState, error) {
	c.mu.Lock()
	var gen uint64
	if e := c.year(y).units[code]; e != nil {
		gen = e.gen
	}
	c.mu.Unlock()
	var st workflows.UnitState
	if err := c.s.query(ctx, workflows.UnitWorkflowID(y, code), &st); err != nil {
		return st, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.unitEntry(y, code); e.gen == gen {
		set(c.year(y), e, st, false)
	} else if e.ok {
		st = e.val
	}
	return st, nil
}

// readCampaign queries a campaign and stores the answer unless a write
// came first.
func (c *stateCache) readCampaign(ctx context.Context, y int) (workflows.CampaignStatus, error) {
	c.mu.Lock()
	gen := c.year(y).camp.gen
	c.mu.Unlock()
	var st workflows.CampaignStatus
	if err := c.s.query(ctx, workflows.CampaignWorkflowID(y), &st); err != nil {
		return st, err
	}
	if err := c.s.expandCampaign(ctx, &st); err != nil {
		return st, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := &c.year(y).camp; e.gen == gen {
		set(c.year(y), e, st, false)
	} else if e.ok {
		st = e.val
	}
	return st, nil
}

// shared runs a read once for all concurrent callers of the same key; a
// caller that gives up does not cancel it for the others.
func shared[T any](ctx context.Context, c *stateCache, key string, read func(context.Context) (T, error)) (T, error) {
	ch := c.sf.DoChan(key, func() (any, error) {
		qctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		return read(qctx)
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			var zero T
			return zero, r.Err
		}
		return r.Val.(T), nil
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// refresh runs a background read of an entry when one is due and there is
// room; c.mu is held.
func refresh[T any](c *stateCache, e *entry[T], every time.Duration, read func(context.Context)) {
	if e.refreshing || time.Since(e.at) < every {
		return
	}
	select {
	case c.slots <- struct{}{}:
	default:
		return
	}
	e.refreshing = true
	go func() {
		defer func() { <-c.slots }()
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		read(ctx)
		c.mu.Lock()
		e.refreshing = false
		c.mu.Unlock()
	}()
}

// unit answers a unit's state: cached (refreshed in the background when
// old), or read when missing or marked for a re-read.
func (c *stateCache) unit(ctx context.Context, y int, code string) (workflows.UnitState, error) {
	c.mu.Lock()
	if e := c.year(y).units[code]; e != nil && e.ok && !e.invalid {
		st := e.val
		refresh(c, e, unitRefresh, func(ctx context.Context) { _, _ = c.readUnit(ctx, y, code) })
		c.mu.Unlock()
		return st, nil
	}
	c.mu.Unlock()
	return shared(ctx, c, "u"+strconv.Itoa(y)+"/"+code, func(ctx context.Context) (workflows.UnitState, error) {
		return c.readUnit(ctx, y, code)
	})
}

// campaign answers a campaign's status, like unit.
func (c *stateCache) campaign(ctx context.Context, y int) (workflows.CampaignStatus, error) {
	c.mu.Lock()
	e := &c.year(y).camp
	if e.ok && !e.invalid {
		st := e.val
		refresh(c, e, campaignRefresh, func(ctx context.Context) { _, _ = c.readCampaign(ctx, y) })
		c.mu.Unlock()
		return st, nil
	}
	c.mu.Unlock()
	return shared(ctx, c, "c"+strconv.Itoa(y), func(ctx context.Context) (workflows.CampaignStatus, error) {
		return c.readCampaign(ctx, y)
	})
}

// units makes sure every unit of a campaign still running has a state,
// reading the missing ones (once, for every caller) and sweeping the others
// in the background when due. Units whose part has ended are read only if
// they were never seen: their state no longer changes.
func (c *stateCache) units(ctx context.Context, y int, st workflows.CampaignStatus) error {
	c.mu.Lock()
	ys := c.year(y)
	if !ys.complete || ys.checkedAt != ys.version { // look once per version, not per request
		ys.complete, ys.checkedAt = true, ys.version
		for _, u := range st.Units {
			if e := ys.units[u.Unit.Code]; (e == nil || !e.ok) && !u.Done {
				ys.complete = false
				break
			}
		}
	}
	if ys.complete {
		if !ys.sweeping && time.Since(ys.sweepStart) >= max(sweepMin, 10*ys.sweepTook) {
			ys.sweeping, ys.sweepStart = true, time.Now()
			go c.sweep(y, st, false)
		}
		c.mu.Unlock()
		return nil
	}
	c.mu.Unlock()
	_, err := shared(ctx, c, "fill"+strconv.Itoa(y), func(context.Context) (struct{}, error) {
		c.sweep(y, st, true)
		return struct{}{}, nil
	})
	return err
}

// sweep reads the units of a campaign: the missing ones (fill) or those due
// for a refresh or marked for a re-read.
func (c *stateCache) sweep(y int, st workflows.CampaignStatus, fill bool) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 2*callTimeout)
	defer cancel()
	sem := make(chan struct{}, sweepQueries)
	var wg sync.WaitGroup
	for _, u := range st.Units {
		code := u.Unit.Code
		c.mu.Lock()
		e := c.unitEntry(y, code)
		due := !e.ok || e.invalid || time.Since(e.at) >= unitRefresh
		if fill {
			due = !e.ok
		}
		if u.Done && e.ok && !e.invalid || u.Done && !e.ok || !due || e.refreshing {
			c.mu.Unlock()
			continue
		}
		e.refreshing = true
		c.mu.Unlock()
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			_, _ = c.readUnit(ctx, y, code)
			c.mu.Lock()
			e.refreshing = false
			c.mu.Unlock()
		}()
	}
	wg.Wait()
	c.mu.Lock()
	ys := c.year(y)
	ys.sweptAt = time.Now()
	if !fill {
		ys.sweeping, ys.sweepTook = false, time.Since(start)
	}
	c.mu.Unlock()
}

// builtView is a page's view and the version it was built at.
type builtView struct {
	val     any
	version uint64
}

// ViewBuilder builds a page's view of a campaign for one version of its
// entries; unit answers a unit's cached state (ok false when never read).
type ViewBuilder func(version uint64, st workflows.CampaignStatus, unit func(code string) (workflows.UnitState, bool)) (any, error)

// View is ViewAs for the dashboard.
func (s *Server) View(ctx context.Context, year int, build ViewBuilder) (any, time.Time, error) {
	return s.ViewAs(ctx, year, "dashboard", build)
}

// ViewAs answers a campaign's view named name as build makes it, built
// once per version of the campaign's entries and shared by every request
// until the next change, and when its units were last read. Every running
// unit has a state before build runs.
func (s *Server) ViewAs(ctx context.Context, year int, name string, build ViewBuilder) (any, time.Time, error) {
	c := s.cache
	cst, err := c.campaign(ctx, year)
	if err != nil {
		return nil, time.Time{}, err
	}
	if err := c.units(ctx, year, cst); err != nil {
		return nil, time.Time{}, err
	}
	c.mu.Lock()
	ys := c.year(year)
	v, at := ys.views[name], ys.sweptAt
	if v.val != nil && v.version == ys.version {
		c.mu.Unlock()
		return v.val, at, nil
	}
	version := ys.version
	if ys.camp.ok {
		cst = ys.camp.val
	}
	units := make(map[string]workflows.UnitState, len(cst.Units))
	for _, u := range cst.Units {
		if e := ys.units[u.Unit.Code]; e != nil && e.ok {
			units[u.Unit.Code] = e.val
		}
	}
	c.mu.Unlock()
	r, err, _ := c.sf.Do(name+strconv.Itoa(year)+"/"+strconv.FormatUint(version, 10), func() (any, error) {
		v, err := build(version, cst, func(code string) (workflows.UnitState, bool) { u, ok := units[code]; return u, ok })
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		if old := ys.views[name]; old.val == nil || old.version < version {
			if ys.views == nil {
				ys.views = map[string]builtView{}
			}
			ys.views[name] = builtView{v, version}
		}
		c.mu.Unlock()
		return v, nil
	})
	if err != nil {
		return nil, time.Time{}, err
	}
	return r, at, nil
}
