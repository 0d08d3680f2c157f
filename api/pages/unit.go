package pages

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"ictindex/api"
	"ictindex/scoring"
	"ictindex/templates"
	"ictindex/workflows"
)

// figView is one figure input or value on the unit page.
type figView struct {
	F         *scoring.Figure
	Value     string // as the input holds it
	Display   string // as read
	Input     bool   // the first criterion using it holds the input
	FirstIn   string // else: the criterion holding it
	Err       string
	Corrected string // the appraiser's value, if corrected
}

// evView is an evidence document with its download index.
type evView struct {
	N                  int
	FileName, Uploader string
	Size               string
	At                 time.Time
}

type critView struct {
	C        *scoring.Criterion
	Applies  bool
	Derived  bool
	Figures  []*figView
	Evidence []evView
	Score    string
	Working  string
	Err      string
	Quality  string
}

type secView struct {
	Code, Title string
	Criteria    []*critView
}

type unitData struct {
	base
	St          workflows.UnitState
	Set         *scoring.Set
	Sections    []*secView
	Others      []*figView
	Figures     []*figView
	AllEvidence []evView
	Errors      []scoring.FieldError
	CanEdit     bool
	CanAppraise bool
	Dept        bool
	History     []workflows.Event
	Form        map[string]string // values posted to an appraisal form, kept on error
	APIBase     string
	PageBase    string
}

// unitPage shows a unit's form (editable while drafting), its evidence
// and, for the department, the appraisal tools.
func (w *web) unitPage(c *gin.Context) {
	d, ok := w.cachedUnitData(c, nil)
	if !ok {
		return
	}
	w.render(c, http.StatusOK, "unit", d)
}

// cachedUnitData builds the unit page from the cached state, with the
// field errors to show; on failure it has already answered.
func (w *web) cachedUnitData(c *gin.Context, fe []scoring.FieldError) (*unitData, bool) {
	year, code, _, err := api.UnitParams(c)
	if err != nil {
		w.failPage(c, err)
		return nil, false
	}
	st, err := w.s.Unit(c.Request.Context(), year, code)
	if err != nil {
		w.failPage(c, err)
		return nil, false
	}
	d, err := w.unitData(c, st, nil, fe)
	if err != nil {
		w.failPage(c, err)
		return nil, false
	}
	return d, true
}

// unitData builds the page; posted, when not nil, are figure values to
// show instead of the saved ones (a refused save keeps what was typed).
func (w *web) unitData(c *gin.Context, st workflows.UnitState, posted map[string]any, fe []scoring.FieldError) (*unitData, error) {
	set, err := templates.Load(st.Ref.Annex)
	if err != nil {
		return nil, err
	}
	usr := api.UserOf(c)
	d := &unitData{base: w.base(c, st.Ref.Unit.Name), St: st, Set: set, Errors: fe, Form: map[string]string{}}
	d.Year = st.Year
	d.APIBase = fmt.Sprintf("/api/campaigns/%d/units/%s", st.Year, st.Ref.Unit.Code)
	d.PageBase = fmt.Sprintf("/dot/%d/don-vi/%s", st.Year, st.Ref.Unit.Code)
	editable := st.Status == workflows.UnitDraft || st.Status == workflows.UnitRevisionRequested
	d.CanEdit = editable && (usr.Role == api.RoleSubmitter || usr.Role == api.RoleAdmin)
	d.CanAppraise = (st.Status == workflows.UnitSubmitted || st.Status == workflows.UnitUnderAppraisal) &&
		(usr.Role == api.RoleAppraiser || usr.Role == api.RoleAdmin)
	d.Dept = usr.Role != api.RoleSubmitter
	values := st.Figures
	if posted != nil {
		values = posted
	}
	errs := map[string]string{}
	for _, e := range fe {
		errs[strings.TrimPrefix(e.Field, "figures.")] = e.Message
	}
	corrected := map[string]string{}
	for _, k := range st.Appraisal.Corrections {
		corrected[k.Figure] = rawText(k.Value)
	}
	quality := map[string]string{}
	for _, q := range st.Appraisal.QualityFlags {
		quality[q.Criterion] = q.Reason
	}
	figs := map[string]*figView{}
	for i := range set.Figures {
		f := &set.Figures[i]
		v := &figView{F: f, Value: rawText(values[f.Key]), Err: errs[f.Key], Corrected: corrected[f.Key]}
		v.Display = displayValue(f, v.Value)
		figs[f.Key] = v
		d.Figures = append(d.Figures, v)
	}
	for i, ev := range st.Evidence {
		d.AllEvidence = append(d.AllEvidence, evView{N: i, FileName: ev.FileName, Uploader: ev.Uploader, Size: sizeText(ev.Size), At: ev.UploadedAt})
	}
	used := map[string]string{}
	for _, sec := range set.Sections {
		sv := &secView{Code: sec.Code, Title: sec.Title}
		for _, cr := range set.Criteria() {
			if cr.Section != sec.Code {
				continue
			}
			cv := &critView{C: cr, Applies: cr.Applies(st.Ref.Flags), Derived: cr.Rule.Kind == scoring.KindDerived, Quality: quality[cr.Code]}
			for _, key := range cr.Figures {
				fv := figs[key]
				if fv == nil {
					continue
				}
				if first, ok := used[key]; ok {
					cp := *fv
					cp.Input, cp.FirstIn = false, first
					cv.Figures = append(cv.Figures, &cp)
					continue
				}
				used[key] = cr.Code
				fv.Input = true
				cv.Figures = append(cv.Figures, fv)
			}
			for _, ev := range d.AllEvidence {
				if st.Evidence[ev.N].Criterion == cr.Code {
					cv.Evidence = append(cv.Evidence, ev)
				}
			}
			if cv.Applies && !cv.Derived {
				cv.Score, cv.Working, cv.Err = evaluate(set, cr.Code, values, st.Year)
			}
			sv.Criteria = append(sv.Criteria, cv)
		}
		d.Sections = append(d.Sections, sv)
	}
	for _, fv := range d.Figures {
		if _, ok := used[fv.F.Key]; !ok {
			fv.Input = true
			d.Others = append(d.Others, fv)
		}
	}
	d.History = append([]workflows.Event(nil), st.History...)
	for i, j := 0, len(d.History)-1; i < j; i, j = i+1, j-1 {
		d.History[i], d.History[j] = d.History[j], d.History[i]
	}
	return d, nil
}

// evaluate scores one criterion from raw figures: points, working, or the
// first problem in Vietnamese.
func evaluate(set *scoring.Set, code string, raw map[string]any, year int) (string, string, string) {
	st := scoring.DefaultSettings(year)
	res, err := set.Evaluate(code, raw, &st)
	if err != nil {
		var ve *scoring.ValidationError
		if errors.As(err, &ve) && len(ve.Errors) > 0 {
			e := ve.Errors[0]
			if e.Label != "" {
				return "", "", e.Label + ": " + e.Message
			}
			return "", "", e.Message
		}
		return "", "", "Chưa tính được điểm"
	}
	return res.Points.String(), res.Working, ""
}

// rawText is a figure's raw value as a form input holds it.
func rawText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	}
	return fmt.Sprint(v)
}

// displayValue is a raw value as a reader sees it.
func displayValue(f *scoring.Figure, v string) string {
	if v == "" {
		return "—"
	}
	switch f.Type {
	case scoring.TypeBool:
		switch strings.ToLower(v) {
		case "true", "có", "co", "yes":
			return "Có"
		case "false", "không", "khong", "no":
			return "Không"
		}
	case scoring.TypeChoice:
		for _, ch := range f.Choices {
			if ch.Key == v {
				return ch.Label
			}
		}
	case scoring.TypeCount, scoring.TypeAmount:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			s := scoring.GroupThousands(n)
			if f.Type == scoring.TypeAmount {
				s += " đ"
			}
			return s
		}
	case scoring.TypeDate:
		if d, err := scoring.ParseDate(v); err == nil {
			return d.String()
		}
	}
	return v
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// postedFigures reads the figure inputs (f.<key>) of a form: an empty
// input clears the figure. Values stay strings: scoring parses them with
// Vietnamese errors.
func postedFigures(c *gin.Context, set *scoring.Set) map[string]any {
	out := map[string]any{}
	for _, f := range set.Figures {
		v, ok := c.GetPostForm("f." + f.Key)
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		if f.Type == scoring.TypeCount || f.Type == scoring.TypeAmount {
			v = strings.NewReplacer(".", "", " ", "", "\u00a0", "").Replace(v)
		}
		if v == "" {
			out[f.Key] = nil
		} else {
			out[f.Key] = v
		}
	}
	return out
}

// previewScore is one criterion's live score.
type previewScore struct {
	Points  string `json:"points,omitempty"`
	Working string `json:"working,omitempty"`
	Error   string `json:"error,omitempty"`
}

// preview scores each criterion from the figures typed so far (JSON body
// {"figures": {...}}), without saving anything.
func (w *web) preview(c *gin.Context) {
	year, code, _, err := api.UnitParams(c)
	var req struct {
		Figures map[string]any `json:"figures"`
	}
	if err == nil {
		err = api.DecodeJSON(c, &req, false)
	}
	if err != nil {
		w.s.FailJSON(c, err)
		return
	}
	st, err := w.s.Unit(c.Request.Context(), year, code)
	if err != nil {
		w.s.FailJSON(c, err)
		return
	}
	set, err := templates.Load(st.Ref.Annex)
	if err != nil {
		w.s.FailJSON(c, err)
		return
	}
	out := map[string]previewScore{}
	for _, cr := range set.Criteria() {
		if !cr.Applies(st.Ref.Flags) || cr.Rule.Kind == scoring.KindDerived {
			continue
		}
		p, wk, e := evaluate(set, cr.Code, req.Figures, st.Year)
		out[cr.Code] = previewScore{Points: p, Working: wk, Error: e}
	}
	c.JSON(http.StatusOK, gin.H{"scores": out})
}

// unitAction runs a unit update from a page form: on success back to the
// page with a message; on refusal the page again with the errors.
func (w *web) unitUpdate(c *gin.Context, name string, args any, flash string, keep map[string]string, posted map[string]any) {
	year, _, id, err := api.UnitParams(c)
	if err != nil {
		w.failPage(c, err)
		return
	}
	var st workflows.UnitState
	err = w.s.Update(c.Request.Context(), id, name, args, &st)
	if err == nil {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/dot/%d/don-vi/%s?tb=%s", year, c.Param("code"), flash))
		return
	}
	status, msg, fields := w.s.ErrorOf(err)
	if status != http.StatusUnprocessableEntity && status != http.StatusBadRequest {
		w.failPage(c, err)
		return
	}
	st, qerr := w.s.ReadUnit(c.Request.Context(), year, c.Param("code"))
	if qerr != nil {
		w.failPage(c, qerr)
		return
	}
	fe := fields
	if len(fe) == 0 {
		fe = []scoring.FieldError{{Field: "", Message: msg}}
	}
	d, derr := w.unitData(c, st, posted, fe)
	if derr != nil {
		w.failPage(c, derr)
		return
	}
	d.Error = msg
	for k, v := range keep {
		d.Form[k] = v
	}
	w.render(c, status, "unit", d)
}

func (w *web) loadSet(c *gin.Context) (*scoring.Set, bool) {
	year, code, _, err := api.UnitParams(c)
	if err != nil {
		w.failPage(c, err)
		return nil, false
	}
	st, err := w.s.Unit(c.Request.Context(), year, code)
	if err != nil {
		w.failPage(c, err)
		return nil, false
	}
	set, err := templates.Load(st.Ref.Annex)
	if err != nil {
		w.failPage(c, err)
		return nil, false
	}
	return set, true
}

func (w *web) saveDraft(c *gin.Context) {
	set, ok := w.loadSet(c)
	if !ok {
		return
	}
	figs := postedFigures(c, set)
	w.unitUpdate(c, workflows.UpdateSaveFigures, workflows.SaveFiguresArgs{By: api.UserOf(c).Name, Figures: figs}, "da-luu", nil, figs)
}

func (w *web) submitUnit(c *gin.Context) {
	w.unitUpdate(c, workflows.UpdateSubmit, workflows.ActorArgs{By: api.UserOf(c).Name}, "da-nop", nil, nil)
}

func (w *web) finish(c *gin.Context) {
	w.unitUpdate(c, workflows.UpdateFinishAppraisal, workflows.ActorArgs{By: api.UserOf(c).Name}, "da-tham-dinh", nil, nil)
}

func (w *web) correct(c *gin.Context) {
	fig, val, reason := c.PostForm("figure"), strings.TrimSpace(c.PostForm("value")), strings.TrimSpace(c.PostForm("reason"))
	var v any = val
	if val == "" {
		v = nil
	}
	w.unitUpdate(c, workflows.UpdateCorrectFigure, workflows.CorrectionArgs{By: api.UserOf(c).Name, Figure: fig, Value: v, Reason: reason},
		"da-dinh-chinh", map[string]string{"figure": fig, "value": val, "reason": reason}, nil)
}

func (w *web) flagQuality(c *gin.Context) {
	cr, reason := c.PostForm("criterion"), strings.TrimSpace(c.PostForm("reason"))
	w.unitUpdate(c, workflows.UpdateFlagQuality, workflows.QualityFlagArgs{By: api.UserOf(c).Name, Criterion: cr, Reason: reason},
		"da-gan-co", map[string]string{"criterion": cr, "q_reason": reason}, nil)
}

func (w *web) freeEmail(c *gin.Context) {
	reason := strings.TrimSpace(c.PostForm("reason"))
	w.unitUpdate(c, workflows.UpdateFlagFreeEmail, workflows.FreeEmailArgs{By: api.UserOf(c).Name, Reason: reason},
		"da-thu", map[string]string{"e_reason": reason}, nil)
}

// revision sends the report back; the deadline is a date, meaning the end
// of that day in Vietnam.
func (w *web) revision(c *gin.Context) {
	reason, day := strings.TrimSpace(c.PostForm("reason")), strings.TrimSpace(c.PostForm("deadline"))
	keep := map[string]string{"r_reason": reason, "deadline": day}
	var deadline time.Time
	if day != "" {
		t, err := time.ParseInLocation("2006-01-02", day, scoring.Vietnam)
		if err != nil {
			w.unitUpdateErr(c, keep, api.FieldError("deadline", scoring.ErrInvalid, "Hạn bổ sung phải là ngày hợp lệ"))
			return
		}
		deadline = t.Add(24*time.Hour - time.Second)
	}
	w.unitUpdate(c, workflows.UpdateRequestRevision, workflows.RevisionArgs{By: api.UserOf(c).Name, Reason: reason, Deadline: deadline},
		"da-tra-lai", keep, nil)
}

// unitUpdateErr shows the page with a field error found before any update.
func (w *web) unitUpdateErr(c *gin.Context, keep map[string]string, fe scoring.FieldError) {
	d, ok := w.cachedUnitData(c, []scoring.FieldError{fe})
	if !ok {
		return
	}
	d.Error = fe.Message
	for k, v := range keep {
		d.Form[k] = v
	}
	w.render(c, http.StatusUnprocessableEntity, "unit", d)
}
