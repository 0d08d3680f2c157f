package pages

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"

	"ictindex/activities"
	"ictindex/api"
	"ictindex/archive"
	"ictindex/scoring"
	"ictindex/workflows"
)

// The list of campaigns: every year with a Campaign workflow in Temporal's
// visibility, running or closed, and the years whose workflow is gone but
// whose published decision is in the archive. A running campaign is read
// from the read model (the dashboard's cached view); a closed one from its
// archived results (results JSON and decision PDF, written under object
// lock when published, at activities.ResultsKey/DecisionKey).

// campaignLine is one campaign on the list.
type campaignLine struct {
	Year                 int
	Running              bool
	Phase                string // a workflows.Phase…, or "" when unknown
	State                string // the workflow's state in words
	Deadline             time.Time
	Units                int
	Submitted, Appraised int
	Counts               bool // Submitted and Appraised are known
	Decision, Results    string
	DecisionDraft        bool
	Note                 string
	UnitsPL01, UnitsPL02 int
}

type campaignsData struct {
	base
	Campaigns []campaignLine
	CanOpen   bool
	Problem   string
}

// campaignList is the department's list of campaigns; unit staff are sent
// to their unit in the newest one.
func (w *web) campaignList(c *gin.Context) {
	usr := api.UserOf(c)
	if usr.Role.UnitScoped() {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/dot/%d/don-vi/%s", w.latestYear(c), usr.Unit))
		return
	}
	ctx := c.Request.Context()
	d := campaignsData{base: w.base(c, "Các đợt đánh giá"), CanOpen: usr.Role == api.RoleAdmin}
	if d.Flash == "" {
		d.Flash = consoleFlash(c.Query("tb"))
	}
	lines, err := w.campaignLines(ctx)
	if err != nil {
		w.s.Log().Error("campaign list", "err", err)
		d.Problem = "Không đọc được danh sách đợt đánh giá từ hệ thống quy trình; danh sách dưới đây có thể thiếu."
	}
	d.Campaigns = lines
	w.render(c, http.StatusOK, "campaigns", d)
}

// campaignLines lists the campaigns, newest first.
func (w *web) campaignLines(ctx context.Context) ([]campaignLine, error) {
	type exec struct {
		running bool
		status  enumspb.WorkflowExecutionStatus
	}
	found := map[int]exec{}
	var token []byte
	var listErr error
	for {
		resp, err := w.s.Temporal().ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: "WorkflowType = '" + workflows.CampaignWorkflowName + "'", PageSize: 200, NextPageToken: token})
		if err != nil {
			listErr = err
			break
		}
		for _, e := range resp.GetExecutions() {
			y, ok := campaignYear(e.GetExecution().GetWorkflowId())
			if !ok {
				continue
			}
			running := e.GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING
			if prev, seen := found[y]; !seen || (running && !prev.running) {
				found[y] = exec{running: running, status: e.GetStatus()}
			}
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			break
		}
	}
	// Years whose workflow has left visibility: their archived decision.
	now := time.Now().In(scoring.Vietnam).Year()
	for y := now - archiveProbeYears; y <= now+1; y++ {
		if _, ok := found[y]; !ok && w.archivedYear(ctx, y) {
			found[y] = exec{status: enumspb.WORKFLOW_EXECUTION_STATUS_UNSPECIFIED}
		}
	}
	var out []campaignLine
	for y, e := range found {
		l := campaignLine{Year: y, Running: e.running}
		if e.running {
			w.runningLine(ctx, &l)
		} else {
			w.closedLine(ctx, &l, e.status)
		}
		out = append(out, l)
	}
	slices.SortFunc(out, func(a, b campaignLine) int { return b.Year - a.Year })
	return out, listErr
}

// campaignYear reads the year of a campaign's workflow ID.
func campaignYear(id string) (int, bool) {
	s, ok := strings.CutPrefix(id, "campaign-")
	if !ok {
		return 0, false
	}
	y, err := strconv.Atoi(s)
	return y, err == nil && workflows.CampaignWorkflowID(y) == id
}

// runningLine fills a running campaign's line from the dashboard's view.
func (w *web) runningLine(ctx context.Context, l *campaignLine) {
	l.State = "đang diễn ra"
	v, _, err := w.dashView(ctx, l.Year)
	if err != nil {
		_, msg, _ := w.s.ErrorOf(err)
		l.Note = msg
		return
	}
	st := v.st
	l.Phase, l.Deadline, l.Units = st.Phase, st.Deadline, v.total
	l.Submitted, l.Appraised, l.Counts = v.submitted, v.appraised, true
	for _, u := range st.Units {
		switch u.Annex {
		case scoring.AnnexPL01:
			l.UnitsPL01++
		case scoring.AnnexPL02:
			l.UnitsPL02++
		}
	}
	if st.Decision != nil {
		l.Decision, l.DecisionDraft = fmt.Sprintf("/api/campaigns/%d/decision.pdf", l.Year), st.Phase != workflows.PhasePublished
	}
	if st.Results != nil {
		l.Results = fmt.Sprintf("/api/campaigns/%d/results.json", l.Year)
	}
}

// closedSummary is what the list needs of archived results.
type closedSummary struct {
	ok        bool
	deadline  time.Time
	units     int
	pl01      int
	pl02      int
	appraised int
	decision  bool
}

// closedCache keeps archived summaries: published results do not change.
var closedCache sync.Map // closedKey → closedSummary

type closedKey struct {
	store *archive.Store
	year  int
}

// closedLine fills a closed campaign's line from the archive.
func (w *web) closedLine(ctx context.Context, l *campaignLine, status enumspb.WorkflowExecutionStatus) {
	switch status {
	case enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED:
		l.State = "đã kết thúc"
	case enumspb.WORKFLOW_EXECUTION_STATUS_UNSPECIFIED:
		l.State = "đã kết thúc (lưu trữ)"
	default:
		l.State = "đã dừng (" + strings.ToLower(strings.TrimPrefix(status.String(), "WORKFLOW_EXECUTION_STATUS_")) + ")"
	}
	sum := w.closedSummary(ctx, l.Year)
	if !sum.ok {
		l.Note = "Không có kết quả lưu trữ"
		return
	}
	l.Deadline, l.Units, l.UnitsPL01, l.UnitsPL02 = sum.deadline, sum.units, sum.pl01, sum.pl02
	l.Results = fmt.Sprintf("/dot/%d/ket-qua.json", l.Year)
	if sum.decision {
		l.Decision = fmt.Sprintf("/dot/%d/quyet-dinh.pdf", l.Year)
		if status == enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED || status == enumspb.WORKFLOW_EXECUTION_STATUS_UNSPECIFIED {
			l.Phase = workflows.PhasePublished
		}
	}
}

func (w *web) closedSummary(ctx context.Context, year int) closedSummary {
	key := closedKey{w.s.Archive(), year}
	if v, ok := closedCache.Load(key); ok {
		return v.(closedSummary)
	}
	var sum closedSummary
	data, err := w.s.Archive().GetDocument(ctx, activities.ResultsKey(year), "")
	if err != nil {
		if !errors.Is(err, archive.ErrNotFound) {
			w.s.Log().Error("archived results", "year", year, "err", err)
			return sum // not cached: try again next time
		}
		closedCache.Store(key, sum)
		return sum
	}
	var res struct {
		Settings scoring.Settings `json:"settings"`
		Rankings []struct {
			Annex string `json:"annex"`
			Rows  []struct {
				Rank int `json:"rank"`
			} `json:"rows"`
		} `json:"rankings"`
	}
	if err := json.Unmarshal(data, &res); err != nil {
		w.s.Log().Error("archived results", "year", year, "err", err)
		return sum
	}
	sum.ok, sum.deadline = true, res.Settings.Deadline
	for _, r := range res.Rankings {
		sum.units += len(r.Rows)
		switch r.Annex {
		case scoring.AnnexPL01:
			sum.pl01 += len(r.Rows)
		case scoring.AnnexPL02:
			sum.pl02 += len(r.Rows)
		}
	}
	_, err = w.s.Archive().StatDocument(ctx, activities.DecisionKey(year), "")
	sum.decision = err == nil
	if err == nil || errors.Is(err, archive.ErrNotFound) {
		closedCache.Store(key, sum)
	}
	return sum
}

// archiveProbeYears is how many years back the list looks in the archive
// for campaigns no longer in Temporal's visibility.
const archiveProbeYears = 10

// probeCache remembers which years have an archived decision (positives
// for good, negatives for a while).
var probeCache sync.Map // closedKey → probeResult

type probeResult struct {
	found bool
	at    time.Time
}

func (w *web) archivedYear(ctx context.Context, year int) bool {
	key := closedKey{w.s.Archive(), year}
	if v, ok := probeCache.Load(key); ok {
		if p := v.(probeResult); p.found || time.Since(p.at) < 10*time.Minute {
			return p.found
		}
	}
	_, err := w.s.Archive().StatDocument(ctx, activities.DecisionKey(year), "")
	if err != nil && !errors.Is(err, archive.ErrNotFound) {
		return false
	}
	probeCache.Store(key, probeResult{found: err == nil, at: time.Now()})
	return err == nil
}

// archivedDecision serves a campaign's archived decision PDF (the current,
// published version), also when its workflow is gone.
func (w *web) archivedDecision(c *gin.Context) {
	w.archived(c, activities.DecisionKey, "application/pdf", "decision.pdf", "Chưa có quyết định lưu trữ cho năm này")
}

// archivedResults serves a campaign's archived results JSON.
func (w *web) archivedResults(c *gin.Context) {
	w.archived(c, activities.ResultsKey, "application/json", "results.json", "Chưa có kết quả lưu trữ cho năm này")
}

func (w *web) archived(c *gin.Context, key func(int) string, ctype, name, missing string) {
	year, err := api.YearParam(c)
	if err != nil {
		w.failPage(c, err)
		return
	}
	data, err := w.s.Archive().GetDocument(c.Request.Context(), key(year), "")
	if errors.Is(err, archive.ErrNotFound) {
		w.errorPage(c, http.StatusNotFound, missing)
		return
	}
	if err != nil {
		w.failPage(c, err)
		return
	}
	c.Header("Cache-Control", "private, no-cache")
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Content-Disposition", fmt.Sprintf(`inline; filename="%d-%s"`, year, name))
	c.Data(http.StatusOK, ctype, data)
}
