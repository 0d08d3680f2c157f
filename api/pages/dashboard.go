package pages

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"

	"ictindex/activities"
	"ictindex/api"
	"ictindex/archive"
	"ictindex/scoring"
	"ictindex/workflows"
)

// The dashboard reads the campaign's status and its units' states from
// the read model (stateCache). Everything that depends only on them — the
// unit list with its sort keys, the counts, the ranking, the audit trail —
// is built once per version of the campaign's entries and reused; a
// request filters, sorts and pages the cached list and renders only its
// page of rows (50), so a campaign of thousands of units stays fast.

// unitBrief is a unit's line on the dashboard.
type unitBrief struct {
	Code, Name, Annex string
	Status            string
	LateDays          int
	SubmittedAt       *time.Time
	Deadline          time.Time
	Self, Appraised   *activities.ScoreResult
	Rank              int // 0: not ranked (yet)

	search  string // code and name, lower case without diacritics
	nameKey []byte // Vietnamese collation key of the name
}

// canExtend says whether the unit's deadline can still be moved.
func (u unitBrief) CanExtend() bool { return u.Status == workflows.UnitDraft }

// dashView is a campaign's dashboard for one version of its entries.
type dashView struct {
	version   uint64
	st        workflows.CampaignStatus
	units     []unitBrief
	rest      template.HTML // the ranking and the audit trail
	total     int
	submitted int
	appraised int
	late      int
}

// dashRest is what the cached part of the dashboard shows below the units.
type dashRest struct {
	St      workflows.CampaignStatus
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
		var prev *scoring.PreviousResults
		if len(cst.Places) > 0 {
			prev = w.previousRanks(ctx, year)
		}
		return w.buildDashWith(version, cst, units, prev)
	})
	if err != nil {
		return nil, time.Time{}, err
	}
	return v.(*dashView), at, nil
}

// buildDash counts, keys and renders the cached part of a dashboard.
func (w *web) buildDash(version uint64, cst workflows.CampaignStatus, units []unitBrief) (*dashView, error) {
	return w.buildDashWith(version, cst, units, nil)
}

// buildDashWith is buildDash with last year's ranks, when there are any,
// beside each unit's place.
func (w *web) buildDashWith(version uint64, cst workflows.CampaignStatus, units []unitBrief, prev *scoring.PreviousResults) (*dashView, error) {
	v := &dashView{version: version, st: cst, total: len(units), units: units}
	names := map[string]string{}
	ranks := map[string]int{}
	for _, p := range cst.Places {
		ranks[p.Code] = p.Rank
	}
	col := collate.New(language.Vietnamese, collate.IgnoreCase)
	var kb collate.Buffer
	for i := range units {
		u := &units[i]
		names[u.Code] = u.Name
		u.Rank = ranks[u.Code]
		u.search = foldSearch(u.Code + " " + u.Name)
		u.nameKey = bytes.Clone(col.KeyFromString(&kb, u.Name))
		kb.Reset()
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
	b := dashRest{St: cst, History: slices.Clone(cst.History), Ranking: withChanges(ranking(cst.Places, names), prev)}
	slices.Reverse(b.History)
	var buf strings.Builder
	if err := w.pages["dashboard"].ExecuteTemplate(&buf, "dash-rest", b); err != nil {
		return nil, err
	}
	v.rest = template.HTML(buf.String())
	return v, nil
}

// fold is s in lower case without diacritics (đ as d), for search.
func foldSearch(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'đ':
			b.WriteRune('d')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// dashPageSize is the units shown per dashboard page.
const dashPageSize = 50

// dashQuery is the dashboard's filter, sort and page, from the URL's
// query: bookmarkable, and a plain GET form without JS.
type dashQuery struct {
	Status string // trang-thai: a unit status, "" for all
	Annex  string // phu-luc: PL01, PL02 or ""
	Late   bool   // muon=1: late units only
	Text   string // tim: in code and name
	Sort   string // sap-xep: name, code, status, self, appraised, late ("" = the campaign's order)
	Desc   bool   // chieu=giam
	Page   int    // trang, from 1
}

var dashSortKeys = []struct{ Key, Label string }{
	{"", "Thứ tự trong đợt"}, {"name", "Tên đơn vị"}, {"code", "Mã đơn vị"}, {"status", "Trạng thái"},
	{"self", "Điểm tự chấm"}, {"appraised", "Điểm thẩm định"}, {"late", "Số ngày muộn"},
}

var dashStatusOrder = []string{workflows.UnitDraft, workflows.UnitRevisionRequested, workflows.UnitSubmitted,
	workflows.UnitUnderAppraisal, workflows.UnitAppraised, workflows.UnitNotSubmitted}

func parseDashQuery(c *gin.Context) dashQuery {
	q := dashQuery{Status: c.Query("trang-thai"), Annex: c.Query("phu-luc"), Late: c.Query("muon") == "1",
		Text: strings.TrimSpace(c.Query("tim")), Sort: c.Query("sap-xep"), Desc: c.Query("chieu") == "giam"}
	if !slices.Contains(dashStatusOrder, q.Status) {
		q.Status = ""
	}
	if q.Annex != scoring.AnnexPL01 && q.Annex != scoring.AnnexPL02 {
		q.Annex = ""
	}
	if !slices.ContainsFunc(dashSortKeys, func(k struct{ Key, Label string }) bool { return k.Key == q.Sort }) {
		q.Sort = ""
	}
	if len(q.Text) > 100 {
		q.Text = q.Text[:100]
	}
	q.Page, _ = strconv.Atoi(c.Query("trang"))
	q.Page = max(q.Page, 1)
	return q
}

// values is the query as URL parameters, without the page.
func (q dashQuery) values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("trang-thai", q.Status)
	set("phu-luc", q.Annex)
	if q.Late {
		v.Set("muon", "1")
	}
	set("tim", q.Text)
	set("sap-xep", q.Sort)
	if q.Desc {
		v.Set("chieu", "giam")
	}
	return v
}

// Filtered says whether the query narrows the list.
func (q dashQuery) Filtered() bool { return q.Status != "" || q.Annex != "" || q.Late || q.Text != "" }

// apply filters and sorts the cached units; the slice is new, the units
// shared.
func (q dashQuery) apply(units []unitBrief) []*unitBrief {
	needle := foldSearch(q.Text)
	out := make([]*unitBrief, 0, len(units))
	for i := range units {
		u := &units[i]
		if (q.Status != "" && u.Status != q.Status) || (q.Annex != "" && u.Annex != q.Annex) ||
			(q.Late && u.LateDays <= 0) || (needle != "" && !strings.Contains(u.search, needle)) {
			continue
		}
		out = append(out, u)
	}
	score := func(r *activities.ScoreResult, appraised bool) int64 {
		switch {
		case r == nil:
			return -1 << 62 // no score: last when descending, first when ascending
		case appraised:
			return int64(r.Final)
		}
		return int64(r.SelfTotal)
	}
	var by func(a, b *unitBrief) int
	switch q.Sort {
	case "name":
		by = func(a, b *unitBrief) int { return bytes.Compare(a.nameKey, b.nameKey) }
	case "code":
		by = func(a, b *unitBrief) int { return strings.Compare(a.Code, b.Code) }
	case "status":
		by = func(a, b *unitBrief) int {
			return cmp.Compare(slices.Index(dashStatusOrder, a.Status), slices.Index(dashStatusOrder, b.Status))
		}
	case "self":
		by = func(a, b *unitBrief) int { return cmp.Compare(score(a.Self, false), score(b.Self, false)) }
	case "appraised":
		by = func(a, b *unitBrief) int { return cmp.Compare(score(a.Appraised, true), score(b.Appraised, true)) }
	case "late":
		by = func(a, b *unitBrief) int { return cmp.Compare(a.LateDays, b.LateDays) }
	}
	if by != nil {
		slices.SortStableFunc(out, func(a, b *unitBrief) int {
			if q.Desc {
				return by(b, a)
			}
			return by(a, b)
		})
	} else if q.Desc {
		slices.Reverse(out)
	}
	return out
}

// dashPageLink is one link of the pager.
type dashPageLink struct {
	N       int
	Href    string
	Current bool
}

// dashUnitsPage is the request's page of the units table.
type dashUnitsPage struct {
	Q           dashQuery
	Rows        []*unitBrief
	Matched     int
	From, To    int
	Pages       []dashPageLink
	Prev, Next  string
	ExportHref  string
	SortKeys    []struct{ Key, Label string }
	Statuses    []string
	SortHref    map[string]string // column → link sorting by it (toggling the direction)
	SortAria    map[string]string // the sorted column → its aria-sort
	CanExtend   bool
	PhaseOpen   bool
	ClearHref   string
	TotalUnits  int
	PageOfPages string
}

func (w *web) dashUnits(year int, v *dashView, q dashQuery, canExtend bool) dashUnitsPage {
	rows := q.apply(v.units)
	base := fmt.Sprintf("/dot/%d", year)
	p := dashUnitsPage{Q: q, Matched: len(rows), SortKeys: dashSortKeys, Statuses: dashStatusOrder, CanExtend: canExtend,
		PhaseOpen: v.st.Phase == workflows.PhaseCollecting, ClearHref: base, TotalUnits: v.total, SortHref: map[string]string{}}
	pages := max(1, (len(rows)+dashPageSize-1)/dashPageSize)
	q.Page = min(q.Page, pages)
	p.Q.Page = q.Page
	lo, hi := (q.Page-1)*dashPageSize, min(q.Page*dashPageSize, len(rows))
	p.Rows = rows[lo:hi]
	p.From, p.To = lo+1, hi
	if len(rows) == 0 {
		p.From = 0
	}
	vals := q.values()
	href := func(n int) string {
		pv := url.Values{}
		for k, s := range vals {
			pv[k] = s
		}
		if n > 1 {
			pv.Set("trang", strconv.Itoa(n))
		}
		if len(pv) == 0 {
			return base + "#units"
		}
		return base + "?" + pv.Encode() + "#units"
	}
	for n := 1; n <= pages; n++ {
		// Every page near the current one, the first and the last.
		if pages <= 9 || n == 1 || n == pages || (n >= q.Page-2 && n <= q.Page+2) {
			p.Pages = append(p.Pages, dashPageLink{N: n, Href: href(n), Current: n == q.Page})
		} else if len(p.Pages) > 0 && p.Pages[len(p.Pages)-1].N != 0 {
			p.Pages = append(p.Pages, dashPageLink{}) // an ellipsis
		}
	}
	if pages == 1 {
		p.Pages = nil
	}
	if q.Page > 1 {
		p.Prev = href(q.Page - 1)
	}
	if q.Page < pages {
		p.Next = href(q.Page + 1)
	}
	p.PageOfPages = fmt.Sprintf("Trang %d/%d", q.Page, pages)
	for _, k := range dashSortKeys[1:] {
		sv := url.Values{}
		for kk, s := range vals {
			sv[kk] = s
		}
		sv.Set("sap-xep", k.Key)
		sv.Del("chieu")
		if q.Sort == k.Key && !q.Desc {
			sv.Set("chieu", "giam")
		}
		p.SortHref[k.Key] = base + "?" + sv.Encode() + "#units"
	}
	if q.Sort != "" {
		p.SortAria = map[string]string{q.Sort: "ascending"}
		if q.Desc {
			p.SortAria[q.Sort] = "descending"
		}
	}
	p.ExportHref = base + "/xuat.xlsx"
	if len(vals) > 0 {
		p.ExportHref += "?" + vals.Encode()
	}
	return p
}

// place is a ranking line with its bar and, when last year was ranked,
// its change: "↑3" and "tăng 3 bậc".
type place struct {
	activities.Place
	Name     string
	Width    int // of 300
	Compared bool
	Change   string
	Words    string
}

type rankingAnnex struct {
	Annex    string
	Places   []place
	Height   int
	Compared bool // last year's ranks are known
}

type dashboardData struct {
	base
	St           workflows.CampaignStatus
	Units        dashUnitsPage
	Rest         template.HTML
	Total        int
	Submitted    int
	Appraised    int
	Late         int
	PctSub       int
	PctApp       int
	CanClose     bool
	CanPublish   bool
	CanDownload  bool
	CanSign      bool                 // the leader uploads the signed file
	Issuance     *activities.Issuance // the signed issuance in force, if any
	Pending      *activities.Issuance // the issuance awaiting its signature
	CanReissue   bool                 // the leader issues a corrected decision
	CanCloseYear bool                 // the admin closes the year's record
	Issuances    []issuanceLine
	SnapAt       time.Time
}

// consoleFlash is the message of the console's own redirects (?tb=).
func consoleFlash(key string) string {
	return map[string]string{
		"da-gia-han": "Đã gia hạn nộp báo cáo cho đơn vị.",
		"da-mo":      "Đã mở đợt đánh giá. Các đơn vị nhận biểu mẫu trong ít phút.",
	}[key]
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
	d := dashboardData{base: w.base(c, fmt.Sprintf("Đợt đánh giá năm %d", year)), St: cst, Rest: v.rest,
		Total: v.total, Submitted: v.submitted, Appraised: v.appraised, Late: v.late, SnapAt: at}
	d.Year = year
	if d.Flash == "" {
		d.Flash = consoleFlash(c.Query("tb"))
	}
	if d.Total > 0 {
		d.PctSub, d.PctApp = d.Submitted*100/d.Total, d.Appraised*100/d.Total
	}
	d.CanClose = usr.Role == api.RoleAdmin && cst.Phase == workflows.PhaseCollecting
	d.CanPublish = usr.Role == api.RoleLeader && cst.Phase == workflows.PhaseDrafted
	d.CanDownload = !usr.Role.UnitScoped()
	d.Issuance, d.Pending = cst.Current(), cst.Pending()
	d.CanSign = usr.Role == api.RoleLeader && d.Pending != nil
	open := cst.Phase == workflows.PhasePublished && d.Issuance != nil && d.Pending == nil && !cst.Closed
	d.CanReissue = usr.Role == api.RoleLeader && open
	d.CanCloseYear = usr.Role == api.RoleAdmin && open
	d.Issuances = issuanceLines(cst)
	d.Units = w.dashUnits(year, v, parseDashQuery(c), usr.Role == api.RoleAdmin && cst.Phase == workflows.PhaseCollecting)
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
	args := workflows.PublishArgs{Note: c.PostForm("note"), Number: strings.TrimSpace(c.PostForm("number")),
		External: c.PostForm("external") == "1"}
	flash := "da-ban-hanh"
	if args.External {
		flash = "da-cap-so"
	}
	w.campaignAction(c, workflows.UpdateApprovePublish, func(by string) any { args.By = by; return args }, flash)
}

// uploadSigned takes the decision the leader signed with their own tool.
func (w *web) uploadSigned(c *gin.Context) {
	year, err := api.YearParam(c)
	if err != nil {
		w.failPage(c, err)
		return
	}
	data, err := api.SignedBody(c)
	if err != nil {
		w.failPage(c, err)
		return
	}
	if _, err := w.s.AttachSigned(c.Request.Context(), year, data, api.UserOf(c).Name); err != nil {
		w.failPage(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/dot/%d?tb=da-ky-so", year))
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

// withChanges puts each place's change against last year on it.
func withChanges(rs []rankingAnnex, prev *scoring.PreviousResults) []rankingAnnex {
	if prev == nil || prev.Year() == 0 {
		return rs
	}
	for i := range rs {
		rs[i].Compared = true
		for j := range rs[i].Places {
			p := &rs[i].Places[j]
			row := scoring.RankRow{Rank: p.Rank, Submitted: p.Rank > 0, Final: p.Final}
			c := scoring.Compare(row, prev.Of(p.Annex, p.Code))
			p.Compared, p.Change, p.Words = true, c.RankLabel(), c.RankWords()
			if s := c.ScoreLabel(); s != "" {
				p.Change += " (" + s + ")"
				p.Words += ", điểm " + s
			}
		}
	}
	return rs
}

// previousRanks reads last year's rankings from the archive; none, or
// none readable (logged), shows no change.
func (w *web) previousRanks(ctx context.Context, year int) *scoring.PreviousResults {
	data, err := w.s.Archive().GetDocument(ctx, activities.ResultsKey(year-1), "")
	if err != nil {
		if !errors.Is(err, archive.ErrNotFound) {
			w.s.Log().Error("last year's results", "year", year-1, "err", err)
		}
		return nil
	}
	var res struct {
		Year     int               `json:"year"`
		Rankings []scoring.Ranking `json:"rankings"`
	}
	if err := json.Unmarshal(data, &res); err != nil {
		w.s.Log().Error("last year's results", "year", year-1, "err", err)
		return nil
	}
	return scoring.IndexPrevious(&scoring.Results{Year: res.Year, Rankings: res.Rankings})
}
