package pages

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/gin-gonic/gin"

	"ictindex/api"
	"ictindex/scoring"
	"ictindex/workflows"
)

// The unit page: the agency's form, criterion by criterion, section by
// section, with the live self score, the evidence, a check before
// submitting, the preparer's and approver's steps, and (for the
// department) the appraisal tools. It is built from the cached unit state
// alone: no Temporal call per view.

// figView is one figure input or value on the unit page.
type figView struct {
	F         *scoring.Figure
	Value     string // as the input holds it ("1.250")
	Display   string // as read, with its unit ("1.250 máy")
	Input     bool   // this place holds its input (the first criterion using it)
	FirstIn   string // else: the criterion holding it
	Sec       string // the section holding its input
	Err       string // the field's error, beside it
	Corrected string // the appraiser's value, if corrected
	Entered   bool
	Required  bool   // needed to submit (an optional date is not)
	Described string // the ids of its hint, error and unit
	Unsaved   bool   // the input holds a value typed but refused
	Saved     string // then: the saved value, as the input would hold it
	Last      string // last year's value as appraised, for reference ("Năm 2025: 1.250 máy")

	// The appraiser's (unit_appraisal.go).
	CorrReason, CorrBy string // the correction recorded
	CorrValue          string // the correction form's value: the appraised, or what was typed
	CorrTyped          string // the reason typed, after a refusal
	CorrErrValue       string
	CorrErrReason      string
	CorrOpen           bool   // the correction form is shown open
	CorrFull           bool   // rendered here (else built by appraise.js from the page's template)
	CorrKind           string // for appraise.js: "b" yes/no, "d" a date; a number else
	Page, CSRF         string // the page's
}

// evView is an evidence document with its download index.
type evView struct {
	N                  int
	FileName, Uploader string
	Size               string
	At                 time.Time
	Criterion          string
	CarriedFrom        int  // the year it was carried forward from (0: uploaded this year)
	Unconfirmed        bool // carried, and not yet confirmed to hold
}

type critView struct {
	C        *scoring.Criterion
	Applies  bool
	Derived  bool
	Figures  []*figView
	Evidence []evView
	Score    string // points, or "—" while its figures are not all entered
	Working  string
	Problem  string // why it cannot be scored although all is entered
	Quality  string
	Max      string
	Needs    []string // the seed's evidence list, less the figures shown above
	NeedFigs bool     // the seed's list names some of those figures
	From     string   // a derived criterion's source groups
	Prev     []prevEv // last year's documents of the criterion, to carry forward (editors)
	LastYear int      // the year Prev comes from
	Edit     bool     // the page's: inputs rather than values
	API      string   // the page's: the unit's API route

	// The appraiser's (unit_appraisal.go).
	Appraise               bool
	Page, CSRF             string
	ApprScore, ApprWorking string
	ApprDiff               bool // the appraised result differs from the self one
	FlagID                 string
	FlagErr, FlagTyped     string
	FlagOpen               bool
	FlagFull               bool // rendered here (else built by appraise.js)
}

type secView struct {
	Code, Title string
	Criteria    []*critView
	Applies     bool
	Inputs      int // required figures entered in this section
	Missing     []*figView
	Tag         string // the task list's status
	TagClass    string
	Progress    string // the section's own line
}

// errLine is one line of the error summary: a link to the field.
type errLine struct {
	Href, Label, Message string
	Field                string // a form field's name, for placeErrors
}

type unitData struct {
	base
	St          workflows.UnitState
	Set         *scoring.Set
	Sections    []*secView
	Others      []*figView
	Figures     []*figView
	AllEvidence []evView
	Unlisted    []evView // evidence of criteria the page does not show (not applicable)
	Errors      []scoring.FieldError
	Summary     []errLine // the error summary, after a refused save or submit
	SummaryHead string
	NoEvidence  []*critView // applicable criteria without a file
	Unconfirmed []evView    // documents carried from last year, not yet confirmed
	LastYear    int         // the year of the unit's previous record, when there is one
	Missing     int         // required figures not entered
	LiveTotal   string
	LiveFull    bool // every figure entered: the total is the one submitting gives
	LastSaved   string
	Note        string // the role's situation, above the form
	Prelim      string // the preliminary results' line, linking to them

	CanEdit     bool // figures and evidence (preparer, admin)
	CanHandOver bool // preparer: to the unit's approver
	// DirectSubmit: the editor may submit without the unit's approver (an
	// admin, or a preparer whose unit has no approver account).
	DirectSubmit bool
	CanApprove   bool // approver, admin: submit or return to the preparer
	CanWithdraw  bool // approver, admin: take a submission back
	CanAppraise  bool
	Dept         bool
	History      []workflows.Event // the latest first, at most historyShown
	HistoryMore  int               // older events not shown
	Form         map[string]string // values posted to a form, kept on error
	APIBase      string
	PageBase     string

	// The appraiser's (unit_appraisal.go).
	Appr         *apprView
	OpenEmail    bool
	OpenRevision bool
	figs         map[string]*figView
	path         string
	openCorr     string // ?dc=: the figure whose correction form is rendered open (without JavaScript)
	openFlag     string // ?gc=: the criterion whose flag form is
}

// historyShown is how many of the latest events the page lists (the
// autosave logs one per save).
const historyShown = 20

// unitFlash are the page's own redirect messages (pages.go has the
// shared ones).
var unitFlash = map[string]string{
	"da-chuyen":      "Đã chuyển báo cáo cho lãnh đạo đơn vị duyệt.",
	"da-tra-cv":      "Đã trả báo cáo lại cho chuyên viên chỉnh sửa.",
	"da-rut-lai":     "Đã rút báo cáo lại để chỉnh sửa.",
	"da-nop-duyet":   "Đã duyệt và gửi báo cáo cho Sở Thông tin và Truyền thông.",
	"da-dung-lai":    "Đã dùng lại tài liệu năm trước. Hãy xem lại và bấm «Xác nhận còn hiệu lực» nếu tài liệu vẫn đúng cho năm nay.",
	"da-xac-nhan-tl": "Đã xác nhận tài liệu năm trước còn hiệu lực.",
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
	d.Prelim = w.prelimNote(c, year, code)
	return d, true
}

// settingsOf are the campaign's settings the unit state carries, or the
// rulings' defaults for a state from before it carried them.
func settingsOf(st *workflows.UnitState) *scoring.Settings {
	if st.Settings != nil {
		return st.Settings
	}
	def := scoring.DefaultSettings(st.Year)
	return &def
}

// unitData builds the page; posted, when not nil, are figure values to
// show instead of the saved ones (a refused save keeps what was typed).
func (w *web) unitData(c *gin.Context, st workflows.UnitState, posted map[string]any, fe []scoring.FieldError) (*unitData, error) {
	set, err := w.s.SetOf(c.Request.Context(), st.Ref.Set, st.Ref.Annex)
	if err != nil {
		return nil, err
	}
	usr := api.UserOf(c)
	d := &unitData{base: w.base(c, st.Ref.Unit.Name), St: st, Set: set, Errors: fe, Form: map[string]string{}}
	if d.Flash == "" {
		d.Flash = unitFlash[c.Query("tb")]
	}
	d.path = c.Request.URL.Path
	d.openCorr, d.openFlag = c.Query("dc"), c.Query("gc")
	d.Year = st.Year
	d.APIBase = fmt.Sprintf("/api/campaigns/%d/units/%s", st.Year, st.Ref.Unit.Code)
	d.PageBase = fmt.Sprintf("/dot/%d/don-vi/%s", st.Year, st.Ref.Unit.Code)
	d.roles(usr, &st)
	if d.CanEdit {
		d.DirectSubmit = w.s.CheckSubmitter(c.Request.Context(), usr, st.Ref.Unit.Code) == nil
	}

	values := st.Figures
	if posted != nil {
		values = make(map[string]any, len(st.Figures)+len(posted))
		for k, v := range st.Figures {
			values[k] = v
		}
		for k, v := range posted {
			values[k] = v
		}
	}
	errs := map[string]scoring.FieldError{}
	for _, e := range fe {
		if k, ok := strings.CutPrefix(e.Field, "figures."); ok {
			if _, dup := errs[k]; !dup {
				errs[k] = e
			}
		}
	}
	corrected := map[string]string{}
	for _, k := range st.Appraisal.Corrections {
		if f := set.Figure(k.Figure); f != nil {
			corrected[k.Figure] = displayValue(f, k.Value)
		}
	}
	quality := map[string]string{}
	for _, q := range st.Appraisal.QualityFlags {
		quality[q.Criterion] = q.Reason
	}
	required := map[string]bool{}
	for _, k := range set.Needed(st.Ref.Flags) {
		if f := set.Figure(k); f != nil && !(f.Type == scoring.TypeDate && f.Optional) {
			required[k] = true
		}
	}
	figs := map[string]*figView{}
	for i := range set.Figures {
		f := &set.Figures[i]
		v := values[f.Key]
		fv := &figView{F: f, Display: displayValue(f, v), Entered: entered(v), Required: required[f.Key], Corrected: corrected[f.Key]}
		fv.Value = inputValue(f, v, posted != nil && errs[f.Key].Field != "")
		if p, ok := posted[f.Key]; ok && !sameValue(f, st.Figures[f.Key], p) {
			fv.Unsaved, fv.Saved = true, inputValue(f, st.Figures[f.Key], false)
		}
		if e, ok := errs[f.Key]; ok {
			fv.Err = fixText(f, e, st.Year)
		}
		ids := []string{}
		if f.Note != "" {
			ids = append(ids, "h-"+f.Key)
		}
		if fv.Err != "" {
			ids = append(ids, "e-"+f.Key)
		}
		if f.Unit != "" && numeric(f) {
			ids = append(ids, "u-"+f.Key)
		}
		fv.Described = strings.Join(ids, " ")
		figs[f.Key] = fv
		d.Figures = append(d.Figures, fv)
	}
	for i, ev := range st.Evidence {
		v := evView{N: i, FileName: ev.FileName, Uploader: ev.Uploader, Size: sizeText(ev.Size), At: ev.UploadedAt,
			Criterion: ev.Criterion, CarriedFrom: ev.CarriedFrom, Unconfirmed: ev.CarriedFrom != 0 && !ev.Confirmed}
		d.AllEvidence = append(d.AllEvidence, v)
		if v.Unconfirmed {
			d.Unconfirmed = append(d.Unconfirmed, v)
		}
	}
	lv := liveScores(set, &st, values)
	used := map[string]string{} // figure → the criterion holding its input
	shown := map[string]bool{}  // figures some applicable criterion shows
	for _, sec := range set.Sections {
		sv := &secView{Code: sec.Code, Title: sec.Title}
		for _, cr := range set.Criteria() {
			if cr.Section != sec.Code {
				continue
			}
			cv := &critView{C: cr, Applies: cr.Applies(st.Ref.Flags), Derived: cr.Rule.Kind == scoring.KindDerived,
				Quality: quality[cr.Code], Max: set.EffectiveMax(cr, st.Ref.Flags).String(), Edit: d.CanEdit, API: d.APIBase, Page: d.PageBase,
				From: strings.Join(cr.Rule.From, ", ")}
			sv.Criteria = append(sv.Criteria, cv)
			for _, ev := range d.AllEvidence {
				if st.Evidence[ev.N].Criterion == cr.Code {
					cv.Evidence = append(cv.Evidence, ev)
				}
			}
			if !cv.Applies {
				continue
			}
			sv.Applies = true
			if len(cv.Evidence) == 0 {
				d.NoEvidence = append(d.NoEvidence, cv)
			}
			for _, key := range cr.Figures {
				fv := figs[key]
				if fv == nil {
					continue
				}
				shown[key] = true
				if first, ok := used[key]; ok {
					cp := *fv
					cp.Input, cp.FirstIn = false, first
					cv.Figures = append(cv.Figures, &cp)
					continue
				}
				used[key] = cr.Code
				fv.Input, fv.Sec = true, sec.Code
				cv.Figures = append(cv.Figures, fv)
				if fv.Required {
					sv.Inputs++
					if !fv.Entered {
						sv.Missing = append(sv.Missing, fv)
					}
				}
			}
			cv.Needs, cv.NeedFigs = needs(cr, set)
			ps := lv.Scores[cr.Code]
			cv.Score, cv.Working, cv.Problem = ps.Points, ps.Working, ps.Error
			if cv.Score == "" {
				cv.Score = "—"
			}
		}
		sv.status()
		d.Missing += len(sv.Missing)
		d.Sections = append(d.Sections, sv)
	}
	// Figures no applicable criterion shows (none in the 3299 sets) still
	// get an input, so that nothing a submission needs is out of reach.
	other := &secView{Code: "khac", Title: "Số liệu khác"}
	for _, fv := range d.Figures {
		if _, ok := used[fv.F.Key]; !ok && (required[fv.F.Key] || !shown[fv.F.Key] && fv.Entered) {
			fv.Input, fv.Sec = true, other.Code
			d.Others = append(d.Others, fv)
			if fv.Required {
				other.Inputs++
				if !fv.Entered {
					other.Missing = append(other.Missing, fv)
				}
			}
		}
	}
	d.Missing += len(other.Missing)
	for _, ev := range d.AllEvidence {
		if cr := set.Criterion(st.Evidence[ev.N].Criterion); cr == nil || !cr.Applies(st.Ref.Flags) {
			d.Unlisted = append(d.Unlisted, ev)
		}
	}
	d.LiveTotal, d.LiveFull = lv.Total, lv.Full
	d.figs = figs
	d.lastYear(w.prev.record(c.Request.Context(), st.Year, st.Ref.Unit.Code, w.s.PreviousRecord, w.s.Log().Warn), &st, set)
	d.appraise(set, &st, figs)
	d.summary(set, fe, figs, used)
	d.History = append([]workflows.Event(nil), st.History...)
	for i, j := 0, len(d.History)-1; i < j; i, j = i+1, j-1 {
		d.History[i], d.History[j] = d.History[j], d.History[i]
	}
	if len(d.History) > historyShown {
		d.HistoryMore = len(d.History) - historyShown
		d.History = d.History[:historyShown]
	}
	for _, e := range d.History {
		if e.Action == "lưu số liệu" {
			d.LastSaved = "Lưu lần cuối lúc " + e.At.In(scoring.Vietnam).Format("15:04 ngày 02/01")
			break
		}
	}
	return d, nil
}

// needs is a criterion's evidence list ("Thông tin kiểm chứng") without
// the lines that only repeat one of its figures' labels, and whether there
// were such lines: the page says "the documents for the figures above"
// once instead.
func needs(cr *scoring.Criterion, set *scoring.Set) ([]string, bool) {
	norm := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return unicode.ToLower(r)
			}
			return -1
		}, s)
	}
	labels := map[string]bool{}
	for _, k := range cr.Figures {
		if f := set.Figure(k); f != nil {
			labels[norm(f.Label)] = true
		}
	}
	var out []string
	figs := false
	for _, e := range cr.Evidence {
		if labels[norm(e)] {
			figs = true
			continue
		}
		out = append(out, e)
	}
	return out, figs
}

// roles sets what the user may do on the page in the unit's status.
func (d *unitData) roles(usr api.User, st *workflows.UnitState) {
	admin := usr.Role == api.RoleAdmin
	own := usr.Unit == st.Ref.Unit.Code
	preparer := usr.Role == api.RoleSubmitter && own
	approver := usr.Role == api.RoleApprover && own
	editable := editableStatus(st.Status)
	d.CanEdit = editable && (preparer || admin)
	d.CanHandOver = editable && preparer
	d.CanApprove = st.Status == unitAwaitingApproval && (approver || admin)
	d.CanWithdraw = st.Status == workflows.UnitSubmitted && st.Appraiser == "" && (approver || admin)
	d.CanAppraise = (st.Status == workflows.UnitSubmitted || st.Status == workflows.UnitUnderAppraisal) &&
		(usr.Role == api.RoleAppraiser || admin)
	d.Dept = usr.Role != api.RoleSubmitter && usr.Role != api.RoleApprover
	switch {
	case d.CanApprove:
		d.Note = "Chuyên viên đã chuyển báo cáo cho lãnh đạo đơn vị duyệt. Hãy xem lại số liệu và tài liệu kiểm chứng, rồi gửi báo cáo hoặc trả lại chuyên viên."
	case st.Status == unitAwaitingApproval && preparer:
		d.Note = "Báo cáo đang chờ lãnh đạo đơn vị duyệt; số liệu tạm khóa cho đến khi được gửi hoặc trả lại."
	case editable && approver:
		d.Note = "Chuyên viên của đơn vị đang nhập số liệu. Khi chuyên viên chuyển báo cáo, lãnh đạo đơn vị duyệt và gửi tại trang này."
	case editable && st.ReturnNote != "":
		d.Note = "Lãnh đạo đơn vị đã trả lại báo cáo: " + st.ReturnNote
	}
}

// status writes a section's task-list tag and progress line.
func (sv *secView) status() {
	n := len(sv.Missing)
	switch {
	case !sv.Applies:
		sv.Tag, sv.TagClass, sv.Progress = "Không áp dụng", "na", "Không áp dụng"
	case n == 0:
		sv.Tag, sv.TagClass, sv.Progress = "Đã xong", "done", "Đã nhập đủ"
	case n == sv.Inputs:
		sv.Tag, sv.TagClass, sv.Progress = "Chưa bắt đầu", "todo", fmt.Sprintf("Còn %d số liệu chưa nhập", n)
	default:
		sv.Tag, sv.TagClass, sv.Progress = fmt.Sprintf("Đang nhập — còn %d số liệu", n), "doing", fmt.Sprintf("Còn %d số liệu chưa nhập", n)
	}
}

// live is the self score from the figures entered so far.
type live struct {
	Scores map[string]previewScore // per applicable criterion
	Total  string                  // the sheet's total, or the sum so far
	Full   bool                    // every figure entered: the total submitting gives
}

// liveScores scores each applicable criterion from raw figures with the
// campaign's settings (the points submitting gives): points and working
// once its figures are all entered, pending before, or why it cannot be
// scored. With every figure entered the whole sheet is scored, for the
// total and the criteria derived from others (R6).
func liveScores(set *scoring.Set, st *workflows.UnitState, raw map[string]any) live {
	settings := settingsOf(st)
	lv := live{Scores: map[string]previewScore{}}
	var sum scoring.Fixed
	scoredAll := true
	var derived []string
	for _, cr := range set.Criteria() {
		if !cr.Applies(st.Ref.Flags) {
			continue
		}
		if cr.Rule.Kind == scoring.KindDerived {
			derived = append(derived, cr.Code)
			lv.Scores[cr.Code] = previewScore{Pending: true}
			continue
		}
		res, err := set.Evaluate(cr.Code, raw, settings)
		if err == nil {
			lv.Scores[cr.Code] = previewScore{Points: res.Points.String(), Working: res.Working}
			sum += res.Points
			continue
		}
		scoredAll = false
		lv.Scores[cr.Code] = unscored(err)
	}
	lv.Total = sum.String()
	if !scoredAll {
		return lv
	}
	for _, k := range set.Needed(st.Ref.Flags) {
		if f := set.Figure(k); !entered(raw[k]) && !(f.Type == scoring.TypeDate && f.Optional) {
			return lv
		}
	}
	sub := scoring.Submission{Unit: st.Ref.Unit, Annex: st.Ref.Annex, Year: st.Year, Flags: st.Ref.Flags, Figures: raw}
	sh, err := set.Score(&sub, settings)
	if err != nil {
		return lv
	}
	lv.Total, lv.Full = sh.SelfTotal.String(), true
	if len(derived) > 0 {
		sh.Explain()
		for _, l := range sh.Lines {
			if _, ok := lv.Scores[l.Code]; ok && slices.Contains(derived, l.Code) {
				lv.Scores[l.Code] = previewScore{Points: l.Self.Points.String(), Working: l.Self.Working}
			}
		}
	}
	return lv
}

// unscored says why a criterion has no live score: nothing while its
// figures are not all entered (no red on a form being filled), the rule's
// problem once they are (a zero denominator, a part above its total).
func unscored(err error) previewScore {
	var ve *scoring.ValidationError
	if !errors.As(err, &ve) || len(ve.Errors) == 0 {
		return previewScore{Error: "Chưa tính được điểm"}
	}
	for _, e := range ve.Errors {
		if e.Code == scoring.ErrRequired {
			return previewScore{Pending: true}
		}
	}
	switch e := ve.Errors[0]; e.Code {
	case scoring.ErrZeroDenominator, scoring.ErrExceeds, scoring.ErrInvalid:
		if e.Label != "" {
			return previewScore{Error: e.Label + ": " + e.Message}
		}
		return previewScore{Error: e.Message}
	}
	return previewScore{Error: "Chưa tính được: sửa số liệu có lỗi ở trên"}
}

// formFields are the inputs of the page's other forms, by the field name
// a refusal names.
var formFields = map[string]string{"note": "#return-note", "deadline": "#rev-deadline"}

// summary writes the error summary: one line per field error, linked to
// the field's input (or its criterion when the page holds none).
func (d *unitData) summary(set *scoring.Set, fe []scoring.FieldError, figs map[string]*figView, used map[string]string) {
	if len(fe) == 0 {
		return
	}
	seen := map[string]bool{}
	for _, e := range fe {
		key, isFig := strings.CutPrefix(e.Field, "figures.")
		f := set.Figure(key)
		if !isFig || f == nil {
			d.Summary = append(d.Summary, errLine{Href: formFields[e.Field], Message: e.Message, Field: e.Field})
			continue
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		l := errLine{Label: f.Label, Message: fixText(f, e, d.St.Year)}
		switch {
		case d.CanEdit && figs[key].Input:
			l.Href = "#f-" + key
		case used[key] != "":
			l.Href = "#c-" + used[key]
		}
		d.Summary = append(d.Summary, l)
	}
	n := len(d.Summary)
	d.SummaryHead = fmt.Sprintf("Chưa lưu được: %d lỗi cần sửa", n)
	if n == 1 {
		d.SummaryHead = "Chưa lưu được: 1 lỗi cần sửa"
	}
}

// previewScore is one criterion's live score.
type previewScore struct {
	Points  string `json:"points,omitempty"`
	Working string `json:"working,omitempty"`
	Error   string `json:"error,omitempty"`
	Pending bool   `json:"pending,omitempty"` // its figures are not all entered
}

// preview scores each criterion from the figures typed so far (JSON body
// {"figures": {...}}), without saving anything, with the campaign's
// settings: the same points submitting gives.
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
	set, err := w.s.SetOf(c.Request.Context(), st.Ref.Set, st.Ref.Annex)
	if err != nil {
		w.s.FailJSON(c, err)
		return
	}
	lv := liveScores(set, &st, req.Figures)
	c.JSON(http.StatusOK, gin.H{"scores": lv.Scores, "total": lv.Total, "complete": lv.Full})
}
