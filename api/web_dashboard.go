package api

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"ictindex/activities"
	"ictindex/scoring"
	"ictindex/workflows"
)

// The dashboard needs every unit's state. The campaign's status query
// carries a line per unit, but a unit's status there is only filled in
// once its part has ended; until then the unit's own workflow is asked.
// A campaign has up to a thousand units, so the dashboard reads a
// snapshot that is rebuilt in the background: it is at most a few seconds
// old (ten times as long as building it took, at least dashMinTTL), and a
// page action on the campaign or one of its units drops it at once.

// dashMinTTL is the shortest life of a dashboard snapshot.
const dashMinTTL = 3 * time.Second

// dashQueries bounds the unit queries of one snapshot in flight.
const dashQueries = 8

// unitBrief is a unit's line on the dashboard.
type unitBrief struct {
	Code, Name, Annex string
	Status            string
	LateDays          int
	SubmittedAt       *time.Time
	Deadline          time.Time
	Self, Appraised   *activities.ScoreResult
}

// dashSnap is one campaign's dashboard data.
type dashSnap struct {
	at    time.Time
	took  time.Duration
	st    workflows.CampaignStatus
	units []unitBrief
}

type dashBuild struct {
	done chan struct{}
	gen  int
	snap *dashSnap
	err  error
}

type dashEntry struct {
	snap     *dashSnap
	building *dashBuild
	gen      int
}

type dashCache struct {
	s     *Server
	mu    sync.Mutex
	years map[int]*dashEntry
	camps map[int]*campEntry
}

func newDashCache(s *Server) *dashCache { return &dashCache{s: s, years: map[int]*dashEntry{}} }

func (d *dashCache) ttl(snap *dashSnap) time.Duration { return max(dashMinTTL, 10*snap.took) }

// get answers a fresh snapshot, or a stale one while a new one is built.
func (d *dashCache) get(ctx context.Context, year int) (*dashSnap, error) {
	for {
		d.mu.Lock()
		e := d.years[year]
		if e == nil {
			e = &dashEntry{}
			d.years[year] = e
		}
		if e.snap != nil {
			snap := e.snap
			if time.Since(snap.at) >= d.ttl(snap) && e.building == nil {
				d.start(year, e)
			}
			d.mu.Unlock()
			return snap, nil
		}
		if e.building == nil {
			d.start(year, e)
		}
		b, gen := e.building, e.gen
		d.mu.Unlock()
		select {
		case <-b.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if b.err != nil {
			return nil, b.err
		}
		if b.gen == gen {
			return b.snap, nil
		}
	}
}

// start builds a snapshot in the background; d.mu is held.
func (d *dashCache) start(year int, e *dashEntry) {
	b := &dashBuild{done: make(chan struct{}), gen: e.gen}
	e.building = b
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		b.snap, b.err = d.load(ctx, year)
		d.mu.Lock()
		e.building = nil
		if b.err == nil && e.gen == b.gen {
			e.snap = b.snap
		}
		d.mu.Unlock()
		close(b.done)
	}()
}

// drop forgets a campaign's snapshot after a change made from a page.
func (d *dashCache) drop(year int) {
	d.dropCampaign(year)
	d.mu.Lock()
	defer d.mu.Unlock()
	if e := d.years[year]; e != nil {
		e.snap = nil
		e.gen++
	}
}

// load reads the campaign's status and the state of every unit still
// running.
func (d *dashCache) load(ctx context.Context, year int) (*dashSnap, error) {
	start := time.Now()
	var st workflows.CampaignStatus
	if err := d.s.query(ctx, workflows.CampaignWorkflowID(year), &st); err != nil {
		return nil, err
	}
	units := make([]unitBrief, len(st.Units))
	sem := make(chan struct{}, dashQueries)
	var wg sync.WaitGroup
	for i, u := range st.Units {
		units[i] = unitBrief{Code: u.Unit.Code, Name: u.Unit.Name, Annex: u.Annex, Status: u.Status}
		if u.Done {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func(b *unitBrief) {
			defer func() { <-sem; wg.Done() }()
			var us workflows.UnitState
			if err := d.s.query(ctx, workflows.UnitWorkflowID(year, b.Code), &us); err != nil {
				return
			}
			b.Status, b.LateDays, b.SubmittedAt, b.Deadline = us.Status, us.LateDays, us.SubmittedAt, us.Deadline
			b.Self, b.Appraised = us.Self, us.Appraised
		}(&units[i])
	}
	wg.Wait()
	return &dashSnap{at: time.Now(), took: time.Since(start), st: st, units: units}, nil
}

// place is a ranking line with its bar.
type place struct {
	activities.Place
	Name  string
	Width int // of 300
}

type rankingAnnex struct {
	Annex  string
	Places []place
	Height int
}

type dashboardData struct {
	base
	St          workflows.CampaignStatus
	Units       []unitBrief
	Total       int
	Submitted   int
	Appraised   int
	Late        int
	PctSub      int
	PctApp      int
	Ranking     []rankingAnnex
	History     []workflows.Event
	CanClose    bool
	CanPublish  bool
	CanDownload bool
	SnapAt      time.Time
}

// dashboard is the department's view of a campaign; a submitter is sent
// to their own unit.
func (w *web) dashboard(c *gin.Context) {
	year, err := yearParam(c)
	if err != nil {
		w.failPage(c, err)
		return
	}
	usr := userOf(c)
	if usr.Role == RoleSubmitter {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/dot/%d/don-vi/%s", year, usr.Unit))
		return
	}
	snap, err := w.dash.get(c.Request.Context(), year)
	if err != nil {
		if toError(err).status == http.StatusNotFound {
			w.errorPage(c, http.StatusNotFound, fmt.Sprintf("Chưa có đợt đánh giá năm %d", year))
			return
		}
		w.failPage(c, err)
		return
	}
	// The campaign's own status is one query: read it fresh, so that a
	// phase change shows at once; only running units' states come from
	// the snapshot.
	cst, err := w.dash.campaign(c.Request.Context(), year)
	if err != nil {
		w.failPage(c, err)
		return
	}
	units := slices.Clone(snap.units)
	for i := range units {
		if i < len(cst.Units) && cst.Units[i].Unit.Code == units[i].Code && cst.Units[i].Done {
			units[i].Status = cst.Units[i].Status
		}
	}
	d := dashboardData{base: w.base(c, fmt.Sprintf("Đợt đánh giá năm %d", year)), St: cst, Units: units,
		Total: len(units), SnapAt: snap.at}
	d.Year = year
	names := map[string]string{}
	for _, u := range units {
		names[u.Code] = u.Name
		switch u.Status {
		case workflows.UnitSubmitted, workflows.UnitUnderAppraisal, workflows.UnitRevisionRequested:
			d.Submitted++
		case workflows.UnitAppraised:
			d.Submitted++
			d.Appraised++
		}
		if u.LateDays > 0 {
			d.Late++
		}
	}
	if d.Total > 0 {
		d.PctSub, d.PctApp = d.Submitted*100/d.Total, d.Appraised*100/d.Total
	}
	d.History = slices.Clone(cst.History)
	slices.Reverse(d.History)
	d.Ranking = ranking(cst.Places, names)
	d.CanClose = usr.Role == RoleAdmin && cst.Phase == workflows.PhaseCollecting
	d.CanPublish = usr.Role == RoleLeader && cst.Phase == workflows.PhaseDrafted
	d.CanDownload = usr.Role != RoleSubmitter
	w.render(c, http.StatusOK, "dashboard", d)
}

// ranking groups places by annex, best first, with bar widths.
func ranking(places []activities.Place, names map[string]string) []rankingAnnex {
	var out []rankingAnnex
	for _, annex := range []string{scoring.AnnexPL01, scoring.AnnexPL02} {
		var ps []place
		var best scoring.Fixed
		for _, p := range places {
			if p.Annex == annex {
				ps = append(ps, place{Place: p, Name: names[p.Code]})
				best = max(best, p.Final)
			}
		}
		if len(ps) == 0 {
			continue
		}
		slices.SortStableFunc(ps, func(a, b place) int {
			ra, rb := a.Rank, b.Rank
			if ra == 0 {
				ra = 1 << 30
			}
			if rb == 0 {
				rb = 1 << 30
			}
			return ra - rb
		})
		for i := range ps {
			if best > 0 && ps[i].Final > 0 {
				ps[i].Width = int(int64(ps[i].Final) * 300 / int64(best))
			}
		}
		out = append(out, rankingAnnex{Annex: annex, Places: ps, Height: 22 * len(ps)})
	}
	return out
}

func (w *web) closeCollection(c *gin.Context) {
	w.campaignAction(c, workflows.UpdateCloseCollection, func(by string) any { return workflows.ActorArgs{By: by} }, "da-khoa")
}

func (w *web) publish(c *gin.Context) {
	note := c.PostForm("note")
	w.campaignAction(c, workflows.UpdateApprovePublish, func(by string) any { return workflows.PublishArgs{By: by, Note: note} }, "da-ban-hanh")
}

// campaignAction runs a campaign update from a dashboard form.
func (w *web) campaignAction(c *gin.Context, name string, args func(by string) any, flash string) {
	year, err := yearParam(c)
	if err != nil {
		w.failPage(c, err)
		return
	}
	var st workflows.CampaignStatus
	err = w.s.update(c.Request.Context(), workflows.CampaignWorkflowID(year), name, args(userOf(c).Name), &st)
	w.dash.drop(year)
	if err != nil {
		w.failPage(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/dot/%d?tb=%s", year, flash))
}

// campaignTTL is how long the dashboard reuses the campaign's status:
// every dashboard of the second shares one query.
const campaignTTL = time.Second

type campEntry struct {
	mu sync.Mutex // held while querying: one query at a time per year
	at time.Time
	st workflows.CampaignStatus
}

// campaign answers the campaign's status, at most campaignTTL old (a page
// action on the campaign drops it).
func (d *dashCache) campaign(ctx context.Context, year int) (workflows.CampaignStatus, error) {
	d.mu.Lock()
	if d.camps == nil {
		d.camps = map[int]*campEntry{}
	}
	e := d.camps[year]
	if e == nil {
		e = &campEntry{}
		d.camps[year] = e
	}
	d.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if time.Since(e.at) < campaignTTL {
		return e.st, nil
	}
	var st workflows.CampaignStatus
	if err := d.s.query(ctx, workflows.CampaignWorkflowID(year), &st); err != nil {
		return st, err
	}
	e.st, e.at = st, time.Now()
	return st, nil
}

func (d *dashCache) dropCampaign(year int) {
	d.mu.Lock()
	e := d.camps[year]
	d.mu.Unlock()
	if e != nil {
		e.mu.Lock()
		e.at = time.Time{}
		e.mu.Unlock()
	}
}
