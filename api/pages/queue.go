package pages

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"ictindex/api"
	"ictindex/workflows"
)

// The appraisers' queue: the reports of a campaign that wait for the
// department — submitted, resubmitted after a revision, or under
// appraisal — oldest submission first, with who holds each. Taking a
// report is explicit (it can no longer be withdrawn by its unit). The
// list is built once per version of the campaign's entries, like the
// dashboard.

// queueRoutes are the appraisers' queue.
func (w *web) queueRoutes(p *gin.RouterGroup) {
	p.GET("/tham-dinh", w.allow(api.Appraisers), w.queue)
	p.POST("/tham-dinh/:year/:code/nhan", w.allow(api.Appraisers), w.takeReport)
}

// queueItem is one report waiting for the department.
type queueItem struct {
	Code, Name, Annex string
	Status            string
	SubmittedAt       time.Time
	LateDays          int
	Appraiser         string
	TakenAt           *time.Time
	Revision          bool // resubmitted after a revision request, or waiting for one
}

// queueView is a campaign's queue for one version.
type queueView struct {
	items []queueItem
}

// buildQueue picks the waiting reports, oldest first.
func buildQueue(_ uint64, cst workflows.CampaignStatus, unit func(string) (workflows.UnitState, bool)) (any, error) {
	v := &queueView{}
	for _, u := range cst.Units {
		us, ok := unit(u.Unit.Code)
		if !ok || u.Done {
			continue
		}
		switch us.Status {
		case workflows.UnitSubmitted, workflows.UnitUnderAppraisal, workflows.UnitRevisionRequested:
		default:
			continue
		}
		it := queueItem{Code: u.Unit.Code, Name: u.Unit.Name, Annex: u.Annex, Status: us.Status, LateDays: us.LateDays,
			Appraiser: us.Appraiser, TakenAt: us.TakenAt, Revision: us.Status == workflows.UnitRevisionRequested}
		if us.SubmittedAt != nil {
			it.SubmittedAt = *us.SubmittedAt
		}
		for _, e := range us.History {
			if e.Action == "gửi lại báo cáo đã bổ sung" {
				it.Revision = true
			}
		}
		v.items = append(v.items, it)
	}
	slices.SortStableFunc(v.items, func(a, b queueItem) int {
		if c := a.SubmittedAt.Compare(b.SubmittedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.Code, b.Code)
	})
	return v, nil
}

type queueData struct {
	base
	Years    []int
	Items    []queueItem
	Waiting  int // not yet taken
	Mine     bool
	Filtered bool
	Taken    string // the unit just taken
}

// queue shows a campaign's queue (?nam=year, default the newest; ?cua-toi=1
// only the reports the viewer holds).
func (w *web) queue(c *gin.Context) {
	year := w.latestYear(c)
	if y, err := strconv.Atoi(c.Query("nam")); err == nil && y >= 2000 && y <= 2200 {
		year = y
	}
	d := queueData{base: w.base(c, fmt.Sprintf("Hàng chờ thẩm định năm %d", year)), Mine: c.Query("cua-toi") == "1"}
	d.Year = year
	if code := c.Query("da-nhan"); code != "" {
		d.Flash = "Bạn đã nhận thẩm định đơn vị " + code + "."
	}
	v, _, err := w.s.ViewAs(c.Request.Context(), year, "queue", buildQueue)
	if err != nil {
		if status, _, _ := w.s.ErrorOf(err); status == http.StatusNotFound {
			w.errorPage(c, http.StatusNotFound, fmt.Sprintf("Chưa có đợt đánh giá năm %d", year))
			return
		}
		w.failPage(c, err)
		return
	}
	me := api.UserOf(c).Name
	for _, it := range v.(*queueView).items {
		if it.Appraiser == "" {
			d.Waiting++
		}
		if d.Mine && it.Appraiser != me {
			continue
		}
		d.Items = append(d.Items, it)
	}
	w.render(c, http.StatusOK, "queue", d)
}

// takeReport takes a report for appraisal and opens it.
func (w *web) takeReport(c *gin.Context) {
	year, code, id, err := api.UnitParams(c)
	if err != nil {
		w.failPage(c, err)
		return
	}
	var st workflows.UnitState
	if err := w.s.Update(c.Request.Context(), id, workflows.UpdateTake, workflows.ActorArgs{By: api.UserOf(c).Name}, &st); err != nil {
		w.failPage(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/dot/%d/don-vi/%s?nhan=1", year, url.PathEscape(code)))
}
