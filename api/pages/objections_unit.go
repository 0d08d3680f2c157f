package pages

import (
	"encoding/json"
	"fmt"
	"mime/multipart"
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

// The unit's preliminary results and objections
// (/dot/<year>/don-vi/<code>/phan-hoi): once appraisal has ended the unit
// reads its appraised sheet — figures as corrected, points, working lines,
// deductions — and its rank, and while the window is open files its
// "văn bản phản hồi, giải trình" against a criterion or a deduction, with
// files; each objection's answer shows below it.

// prelimLine is one criterion of the unit's appraised sheet.
type prelimLine struct {
	Code, Title, Max   string
	Self, Appraised    string
	Working            string
	Diff, Flagged      bool
	Applicable         bool
	Corrections        []string // "figure: value (reason)"
	Section            string
	SectionHead        string // the section's title, on its first line
	SectionMax, SecApp string
}

// objView is one objection as the pages show it.
type objView struct {
	activities.Objection
	TargetText string
	AskText    string // "Số cuộc họp trực tuyến: 12"
	Files      []fileLink
	Verdict    string // "chờ trả lời", "chấp nhận", "không chấp nhận"
	VerdictCls string
	Change     string // "45,20 → 46,10"
	AnswerFig  string // the figure an accepted answer corrected, and its value, in words
	// The answer form's (the department page).
	FormAccept, FormReason, FormValue string
	FormFigure                        string
	FigChoices                        []figOption
	FormErrs                          map[string]string
}

// fileLink is a downloadable file of an objection.
type fileLink struct {
	Href, Name, Size string
}

type unitObjData struct {
	base
	Code, Name, Annex string
	Phase             string
	Window            *workflows.ObjectionWindow
	Open              bool // objections are taken now
	CanObject         bool // this user may file one
	Dept              bool
	Lines             []prelimLine
	Deductions        []scoring.DeductionLine
	Self, Appraised   string
	Deducted, Final   string
	Max               string
	Rank              string // "5/29 — Phụ lục 01"
	RankKind          string // "sơ bộ" or "chính thức"
	Problem           string // why the sheet could not be read
	Objections        []objView
	Targets           []targetGroup
	Figures           []figOption
	Form              map[string]string
	Errors            map[string]string
	Summary           []errLine
	Unanswered        int
}

// targetGroup is an optgroup of the objection form's target select.
type targetGroup struct {
	Label   string
	Options []option
}

type option struct{ Value, Label string }

// figOption is a figure the unit may ask to be read differently.
type figOption struct{ Key, Label string }

// prelimRoutes are the unit's objection page and form.
func (w *web) prelimRoutes(u *gin.RouterGroup) {
	u.GET("/phan-hoi", w.allow(api.UnitReaders), w.unitObjections)
	u.POST("/phan-hoi", w.allow(api.UnitSubmit), w.fileObjection)
}

func (w *web) unitObjections(c *gin.Context) {
	d, ok := w.unitObjData(c)
	if ok {
		w.render(c, http.StatusOK, "objections-unit", d)
	}
}

// unitObjData builds the page from the cached unit and campaign states and
// the unit's record as the archive holds it (revised by accepted
// objections).
func (w *web) unitObjData(c *gin.Context) (unitObjData, bool) {
	set, ust, ok := w.loadSet(c)
	if !ok {
		return unitObjData{}, false
	}
	ctx := c.Request.Context()
	camp, err := w.s.Campaign(ctx, ust.Year)
	if err != nil {
		w.failPage(c, err)
		return unitObjData{}, false
	}
	usr := api.UserOf(c)
	d := unitObjData{base: w.base(c, "Kết quả sơ bộ — "+ust.Ref.Unit.Name), Code: ust.Ref.Unit.Code, Name: ust.Ref.Unit.Name, Annex: ust.Ref.Annex,
		Phase: camp.Phase, Window: camp.Window, Form: map[string]string{}, Errors: map[string]string{}}
	d.Year = ust.Year
	d.Dept = usr.Unit == ""
	d.Open = camp.Phase == workflows.PhasePreliminary && camp.Window != nil && !camp.Window.Closed && d.Now.Before(camp.Window.Closes)
	okSubmit, _ := api.Permits(api.UnitSubmit, usr, ust.Ref.Unit.Code)
	d.CanObject = d.Open && okSubmit
	if camp.Window == nil {
		return d, true
	}
	sh, err := w.unitSheet(c, set, &ust)
	if err != nil {
		d.Problem = "Chưa đọc được bảng điểm đã thẩm định: " + err.Error()
	} else {
		d.fillSheet(sh)
		d.Targets = objectionTargets(sh)
	}
	d.Figures = figureOptions(set, ust.Ref.Flags)
	d.Rank, d.RankKind = unitRank(camp, ust.Ref.Unit.Code, ust.Ref.Annex)
	for _, o := range camp.Objections {
		if o.Unit == ust.Ref.Unit.Code {
			d.Objections = append(d.Objections, objectionView(ust.Year, o, set))
			if o.Answer == nil {
				d.Unanswered++
			}
		}
	}
	return d, true
}

// unitSheet is the unit's appraised sheet from its archived record, or,
// when the record cannot be read, as the unit's state gives it.
func (w *web) unitSheet(c *gin.Context, set *scoring.Set, ust *workflows.UnitState) (*scoring.Sheet, error) {
	data, err := w.s.Archive().GetDocument(c.Request.Context(), activities.RecordKey(ust.Year, ust.Ref.Unit.Code), "")
	if err != nil {
		return appraisedSheet(set, ust)
	}
	var rec activities.UnitRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		return appraisedSheet(set, ust)
	}
	return set.Score(&rec.Submission, settingsOf(ust))
}

// fillSheet sets the page's lines and totals from the sheet.
func (d *unitObjData) fillSheet(sh *scoring.Sheet) {
	sh.Explain()
	d.Self, d.Appraised, d.Deducted, d.Final, d.Max = sh.SelfTotal.String(), sh.AppraisedTotal.String(), sh.DeductionTotal.String(), sh.Final.String(), sh.Max.String()
	d.Deductions = sh.Deductions
	corr := map[string][]string{}
	for _, k := range sh.Corrections {
		corr[k.Figure] = append(corr[k.Figure], fmt.Sprintf("%s: %s (%s)", k.Figure, rawText(k.Value), k.Reason))
	}
	secs := map[string]scoring.SectionTotal{}
	for _, s := range sh.Sections {
		secs[s.Code] = s
	}
	last := ""
	for _, l := range sh.Lines {
		pl := prelimLine{Code: l.Code, Title: l.Title, Max: l.Max.String(), Self: l.Self.Points.String(), Appraised: l.Appraised.Points.String(),
			Working: l.Appraised.Working, Diff: l.Self.Points != l.Appraised.Points, Flagged: l.Flagged, Applicable: l.Applicable, Section: l.Section}
		for _, f := range l.Figures {
			pl.Corrections = append(pl.Corrections, corr[f.Key]...)
		}
		if l.Section != last {
			s := secs[l.Section]
			pl.SectionHead, pl.SectionMax, pl.SecApp = s.Code+". "+s.Title, s.Max.String(), s.Appraised.String()
			last = l.Section
		}
		d.Lines = append(d.Lines, pl)
	}
}

// objectionTargets lists what an objection may name: each applicable
// criterion, and each deduction the sheet carries.
func objectionTargets(sh *scoring.Sheet) []targetGroup {
	crit := targetGroup{Label: "Điểm của tiêu chí"}
	for _, l := range sh.Lines {
		if l.Applicable {
			crit.Options = append(crit.Options, option{"c:" + l.Code, fmt.Sprintf("%s — %s (%s/%s điểm)", l.Code, short(l.Title, 70), l.Appraised.Points, l.Max)})
		}
	}
	out := []targetGroup{crit}
	if len(sh.Deductions) > 0 {
		ded := targetGroup{Label: "Khoản trừ điểm"}
		for _, dl := range sh.Deductions {
			ded.Options = append(ded.Options, option{"d:" + activities.DeductionTarget(dl), fmt.Sprintf("Trừ %s điểm — %s", dl.Points, dl.Reason)})
		}
		out = append(out, ded)
	}
	return out
}

// short cuts a title to n runes.
func short(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// figureOptions are the set's figures that apply to the unit.
func figureOptions(set *scoring.Set, flags []string) []figOption {
	var out []figOption
	seen := map[string]bool{}
	for _, sec := range set.Sections {
		for _, cr := range sec.Criteria {
			if !cr.Applies(flags) {
				continue
			}
			for _, k := range cr.Figures {
				if f := set.Figure(k); f != nil && !seen[k] {
					seen[k] = true
					out = append(out, figOption{k, cr.Code + " — " + short(f.Label, 80)})
				}
			}
		}
	}
	return out
}

// unitRank is the unit's place in its annex: "5/29 — Phụ lục 01", and
// whether the ranking is preliminary.
func unitRank(camp workflows.CampaignStatus, code, annex string) (string, string) {
	kind := "chính thức"
	if camp.Phase == workflows.PhasePreliminary {
		kind = "sơ bộ"
	}
	n, rank := 0, 0
	for _, p := range camp.Places {
		if p.Annex != annex {
			continue
		}
		n++
		if p.Code == code {
			rank = p.Rank
		}
	}
	if rank == 0 {
		return "", kind
	}
	return fmt.Sprintf("%d/%d — %s", rank, n, annexLabel(annex)), kind
}

// objectionView is an objection with its target, ask, files and verdict
// in words.
func objectionView(year int, o activities.Objection, set *scoring.Set) objView {
	v := objView{Objection: o, TargetText: targetText(o.Kind, o.Target, set), Verdict: "chờ trả lời", VerdictCls: "wait"}
	if o.Figure != "" {
		label := o.Figure
		if set != nil {
			if f := set.Figure(o.Figure); f != nil {
				label = f.Label
				v.AskText = label + ": " + displayValue(f, o.Value)
			}
		}
		if v.AskText == "" {
			v.AskText = label + ": " + rawText(o.Value)
		}
	}
	for i, e := range o.Evidence {
		v.Files = append(v.Files, fileLink{Href: fmt.Sprintf("/api/campaigns/%d/objections/%d/evidence/%d?download=stream", year, o.ID, i), Name: e.FileName, Size: sizeText(e.Size)})
	}
	if a := o.Answer; a != nil {
		v.Verdict, v.VerdictCls = "không chấp nhận", "no"
		if a.Accepted {
			v.Verdict, v.VerdictCls = "chấp nhận", "yes"
			if a.Figure != "" {
				v.AnswerFig = "«" + a.Figure + "»: " + rawText(a.Value)
				if set != nil {
					if f := set.Figure(a.Figure); f != nil {
						v.AnswerFig = "«" + f.Label + "»: " + displayValue(f, a.Value)
					}
				}
			}
			if a.Before != a.After {
				v.Change = a.Before.String() + " → " + a.After.String()
			}
		}
	}
	return v
}

// targetText names an objection's target in words.
func targetText(kind, target string, set *scoring.Set) string {
	if kind == activities.ObjectCriterion {
		if set != nil {
			if cr := set.Criterion(target); cr != nil {
				return "Tiêu chí " + cr.Code + " — " + cr.Title
			}
		}
		return "Tiêu chí " + target
	}
	switch {
	case target == string(scoring.DeductLate):
		return "Trừ điểm nộp báo cáo muộn"
	case target == string(scoring.DeductFreeEmail):
		return "Trừ điểm dùng thư điện tử miễn phí"
	case strings.HasPrefix(target, "quality:"):
		return "Trừ điểm chất lượng số liệu tiêu chí " + strings.TrimPrefix(target, "quality:")
	}
	return target
}

// fileObjection files the unit's objection from the page's multipart form
// (files included); a refusal shows the page again with the typed values
// and each message beside its field.
func (w *web) fileObjection(c *gin.Context) {
	set, ust, ok := w.loadSet(c)
	if !ok {
		return
	}
	form := map[string]string{"target": strings.TrimSpace(c.PostForm("target")), "figure": strings.TrimSpace(c.PostForm("figure")),
		"value": strings.TrimSpace(c.PostForm("value")), "explanation": strings.TrimSpace(c.PostForm("explanation"))}
	req := api.ObjectionRequest{Explanation: form["explanation"], Figure: form["figure"]}
	switch t := form["target"]; {
	case strings.HasPrefix(t, "c:"):
		req.Kind, req.Target = activities.ObjectCriterion, strings.TrimPrefix(t, "c:")
	case strings.HasPrefix(t, "d:"):
		req.Kind, req.Target = activities.ObjectDeduction, strings.TrimPrefix(t, "d:")
	}
	if v := form["value"]; v != "" {
		req.Value = v
		if f := set.Figure(req.Figure); f != nil && numeric(f) {
			if n, err := scoring.ParseWholeText(v); err == nil {
				req.Value = n // "1.250" is 1250
			}
		} else if f != nil && f.Type == scoring.TypeBool {
			req.Value = v == "co"
		}
	}
	var files []*multipart.FileHeader
	if mf, err := c.MultipartForm(); err == nil {
		for _, fh := range mf.File["file"] {
			if fh.Size > 0 || fh.Filename != "" {
				files = append(files, fh)
			}
		}
	}
	errs := map[string]string{}
	if req.Kind == "" {
		errs["target"] = "Chọn tiêu chí hoặc khoản trừ điểm được phản hồi"
	} else {
		_, err := w.s.FileObjection(c.Request.Context(), api.UserOf(c), ust.Year, ust.Ref.Unit.Code, req, files)
		if err == nil {
			c.Redirect(http.StatusSeeOther, fmt.Sprintf("/dot/%d/don-vi/%s/phan-hoi?tb=da-phan-hoi#phan-hoi-cua-don-vi", ust.Year, ust.Ref.Unit.Code))
			return
		}
		status, msg, fields := w.s.ErrorOf(err)
		if status >= 500 {
			w.failPage(c, err)
			return
		}
		for _, fe := range fields {
			name := fe.Field
			switch {
			case name == "kind":
				name = "target"
			case strings.HasPrefix(name, "file"):
				name = "file"
			case !slices.Contains([]string{"target", "figure", "value", "explanation"}, name):
				name = ""
			}
			if errs[name] == "" {
				errs[name] = fe.Message
			}
		}
		if len(errs) == 0 {
			errs[""] = msg
		}
	}
	d, ok := w.unitObjData(c)
	if !ok {
		return
	}
	d.Form, d.Errors = form, errs
	d.Summary = objSummary(errs, map[string]string{"target": "Nội dung phản hồi", "figure": "Số liệu đề nghị", "value": "Giá trị đề nghị",
		"explanation": "Giải trình", "file": "Tệp kèm theo"})
	w.render(c, http.StatusUnprocessableEntity, "objections-unit", d)
}

// objSummary is the error summary's lines, in the form's order, each a
// link to its field (id "o-<name>").
func objSummary(errs map[string]string, labels map[string]string) []errLine {
	var out []errLine
	if m := errs[""]; m != "" {
		out = append(out, errLine{Message: m})
	}
	for _, k := range []string{"target", "figure", "value", "explanation", "file", "days", "reason"} {
		if m := errs[k]; m != "" {
			out = append(out, errLine{Href: "#o-" + k, Label: labels[k], Message: m, Field: k})
		}
	}
	return out
}

// prelimNote is the unit page's line about the preliminary results, once
// published: the window's deadline and the unit's objections.
func (w *web) prelimNote(c *gin.Context, year int, code string) string {
	camp, err := w.s.Campaign(c.Request.Context(), year)
	if err != nil || camp.Window == nil {
		return ""
	}
	n := 0
	for _, o := range camp.Objections {
		if o.Unit == code {
			n++
		}
	}
	open := camp.Phase == workflows.PhasePreliminary && !camp.Window.Closed && time.Now().Before(camp.Window.Closes)
	switch {
	case open && n == 0:
		return "Đã công bố kết quả sơ bộ: xem bảng điểm đã thẩm định và gửi phản hồi trước " + fmtTime(camp.Window.Closes)
	case open:
		return fmt.Sprintf("Đã công bố kết quả sơ bộ: đơn vị đã gửi %d phản hồi; nhận phản hồi đến %s", n, fmtTime(camp.Window.Closes))
	case n > 0:
		return fmt.Sprintf("Kết quả thẩm định và %d phản hồi của đơn vị", n)
	}
	return "Kết quả thẩm định của đơn vị"
}
