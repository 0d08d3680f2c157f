package pages

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"ictindex/activities"
	"ictindex/api"
	"ictindex/scoring"
	"ictindex/workflows"
)

// The dashboard reads the campaign's status and its units' states from
// the read model (stateCache). Everything that depends only on them — the
// units table, the counts, the ranking, the audit trail — is built once per
// version of the campaign's entries and reused; a request adds only what
// depends on who asks.

// unitBrief is a unit's line on the dashboard.
type unitBrief struct {
	Code, Name, Annex string
	Status            string
	LateDays          int
	SubmittedAt       *time.Time
	Deadline          time.Time
	Self, Appraised   *activities.ScoreResult
}

// dashView is a campaign's dashboard for one version of its entries.
type dashView struct {
	version   uint64
	st        workflows.CampaignStatus
	body      template.HTML
	total     int
	submitted int
	appraised int
	late      int
}

// dashBody is what the cached part of the dashboard shows.
type dashBody struct {
	St      workflows.CampaignStatus
	Units   []unitBrief
	Total   int
	Ranking []rankingAnnex
	History []workflows.Event
}

// dashView answers the campaign's dashboard view, built once per version
// of the campaign's entries, and when its units were last read.
func (w *web) dashView(ctx context.Context, year int) (*dashView, time.Time, error) {
	v, at, err := w.s.View(ctx, year, func(version uint64, cst workflows.CampaignStatus, unit func(string) (workflows.UnitState, bool)) (any, error) {
		units := make([]unitBrief, len(cst.Units))
		for i, u := range cst.Units {
			b := unitBrief{Code: u.Unit.Code, Name: u.Unit.Name, Annex: u.Annex, Status: u.Status}
			if us, ok := unit(u.Unit.Code); ok {
				b.LateDays, b.SubmittedAt, b.Deadline, b.Self, b.Appraised = us.LateDays, us.SubmittedAt, us.Deadline, us.Self, us.Appraised
				if !u.Done {
					b.Status = us.Status
				}
			}
			units[i] = b
		}
		return w.buildDash(version, cst, units)
	})
	if err != nil {
		return nil, time.Time{}, err
	}
	return v.(*dashView), at, nil
}

// buildDash counts and renders the cached part of a dashboard.
func (w *web) buildDash(version uint64, cst workflows.CampaignStatus, units []unitBrief) (*dashView, error) {
	v := &dashView{version: version, st: cst, total: len(units)}
	names := map[string]string{}
	for _, u := range units {
		names[u.Code] = u.Name
		switch u.Status {
		case workflows.UnitSubmitted, workflows.UnitUnderAppraisal, workflows.UnitRevisionRequested:
			v.submitted++
		case workflows.UnitAppraised:
			v.submitted++
			v.appraised++
		}
		if u.LateDays > 0 {
			v.late++
		}
	}
	b := dashBody{St: cst, Units: units, Total: len(units), History: slices.Clone(cst.History), Ranking: ranking(cst.Places, names)}
	slices.Reverse(b.History)
	var buf strings.Builder
	if err := w.pages["dashboard"].ExecuteTemplate(&buf, "dash-body", b); err != nil {
		return nil, err
	}
	v.body = template.HTML(buf.String())
	return v, nil
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
	Body        template.HTML
	Total       int
	Submitted   int
	Appraised   int
	Late        int
	PctSub      int
	PctApp      int
	CanClose    bool
	CanPublish  bool
	CanDownload bool
	SnapAt      time.Time
}

// dashboard is the department's view of a campaign; a submitter is sent
// to their own unit.
func (w *web) dashboard(c *gin.Context) {
	year, err := api.YearParam(c)
	if err != nil {
		w.failPage(c, err)
		return
	}
	usr := api.UserOf(c)
	if usr.Role.UnitScoped() {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/dot/%d/don-vi/%s", year, usr.Unit))
		return
	}
	v, at, err := w.dashView(c.Request.Context(), year)
	if err != nil {
		if status, _, _ := w.s.ErrorOf(err); status == http.StatusNotFound {
			w.errorPage(c, http.StatusNotFound, fmt.Sprintf("Chưa có đợt đánh giá năm %d", year))
			return
		}
		w.failPage(c, err)
		return
	}
	cst := v.st
	d := dashboardData{base: w.base(c, fmt.Sprintf("Đợt đánh giá năm %d", year)), St: cst, Body: v.body,
		Total: v.total, Submitted: v.submitted, Appraised: v.appraised, Late: v.late, SnapAt: at}
	d.Year = year
	if d.Total > 0 {
		d.PctSub, d.PctApp = d.Submitted*100/d.Total, d.Appraised*100/d.Total
	}
	d.CanClose = usr.Role == api.RoleAdmin && cst.Phase == workflows.PhaseCollecting
	d.CanPublish = usr.Role == api.RoleLeader && cst.Phase == workflows.PhaseDrafted
	d.CanDownload = !usr.Role.UnitScoped()
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
	year, err := api.YearParam(c)
	if err != nil {
		w.failPage(c, err)
		return
	}
	var st workflows.CampaignStatus
	err = w.s.Update(c.Request.Context(), workflows.CampaignWorkflowID(year), name, args(api.UserOf(c).Name), &st)
	if err != nil {
		w.failPage(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/dot/%d?tb=%s", year, flash))
}
