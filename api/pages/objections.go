package pages

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"ictindex/activities"
	"ictindex/api"
	"ictindex/scoring"
	"ictindex/workflows"
)

// The department's objections page (/dot/<year>/phan-hoi): the window and
// its deadline, every unit's objection — unanswered first, oldest first —
// with its explanation, the figure asked for and its files; beside each,
// the appraiser's answer form (accept, correcting the figure, or reject,
// each with its reason); the admin's forms to extend the window or end it
// early.

type objectionsData struct {
	base
	Phase       string
	Window      *workflows.ObjectionWindow
	Open        bool
	Waiting     []objView // unanswered
	Answered    []objView
	CanAnswer   bool
	CanManage   bool // admin: extend, end early
	Form        map[string]string
	Errors      map[string]string
	Summary     []errLine
	Units       int // units that objected
	ObjectionID int // the answer form refused, if any
}

// objectionRoutes are the department's.
func (w *web) objectionRoutes(p *gin.RouterGroup) {
	p.GET("/dot/:year/phan-hoi", w.allow(api.Department), w.objectionsPage)
	p.POST("/dot/:year/phan-hoi/:id/tra-loi", w.allow(api.Appraisers), w.answerObjection)
	p.POST("/dot/:year/phan-hoi/gia-han", w.allow(api.AdminOnly), w.extendObjections)
	p.POST("/dot/:year/phan-hoi/ket-thuc", w.allow(api.AdminOnly), w.closeObjections)
}

func (w *web) objectionsPage(c *gin.Context) {
	if d, ok := w.objectionsData(c); ok {
		w.render(c, http.StatusOK, "objections", d)
	}
}

func (w *web) objectionsData(c *gin.Context) (objectionsData, bool) {
	year, err := api.YearParam(c)
	if err != nil {
		w.failPage(c, err)
		return objectionsData{}, false
	}
	camp, err := w.s.Campaign(c.Request.Context(), year)
	if err != nil {
		w.failPage(c, err)
		return objectionsData{}, false
	}
	usr := api.UserOf(c)
	d := objectionsData{base: w.base(c, fmt.Sprintf("Phản hồi kết quả sơ bộ năm %d", year)), Phase: camp.Phase, Window: camp.Window,
		Form: map[string]string{}, Errors: map[string]string{}}
	d.Year = year
	d.Open = camp.Phase == workflows.PhasePreliminary && camp.Window != nil && !camp.Window.Closed && d.Now.Before(camp.Window.Closes)
	d.CanAnswer = camp.Phase == workflows.PhasePreliminary && (usr.Role == api.RoleAppraiser || usr.Role == api.RoleAdmin)
	d.CanManage = d.Open && usr.Role == api.RoleAdmin
	sets := map[string]*scoring.Set{}
	units := map[string]bool{}
	for _, o := range camp.Objections {
		units[o.Unit] = true
		set := w.objectionSet(c, year, o.Unit, sets)
		v := objectionView(year, o, set)
		if o.Answer == nil {
			v.FormAccept = "khong"
			if o.Kind == activities.ObjectCriterion && o.Figure != "" {
				v.FormAccept = "co"
				if set != nil {
					if f := set.Figure(o.Figure); f != nil {
						v.FormValue = inputText(f, o.Value)
					}
				}
			}
			if o.Kind == activities.ObjectCriterion && set != nil {
				v.FigChoices = criterionFigures(set, o.Target)
				if f := set.Figure(o.Figure); f != nil && !slices.ContainsFunc(v.FigChoices, func(c figOption) bool { return c.Key == o.Figure }) {
					v.FigChoices = append([]figOption{{o.Figure, short(f.Label, 90)}}, v.FigChoices...)
				}
				v.FormFigure = o.Figure
			}
			d.Waiting = append(d.Waiting, v)
		} else {
			d.Answered = append(d.Answered, v)
		}
	}
	d.Units = len(units)
	return d, true
}

// objectionSet is the criteria set of an objecting unit, read once per
// unit; nil when it cannot be read (the page then shows codes).
func (w *web) objectionSet(c *gin.Context, year int, code string, sets map[string]*scoring.Set) *scoring.Set {
	if set, ok := sets[code]; ok {
		return set
	}
	var set *scoring.Set
	if ust, err := w.s.Unit(c.Request.Context(), year, code); err == nil {
		set, _ = w.s.SetOf(c.Request.Context(), ust.Ref.Set, ust.Ref.Annex)
	}
	sets[code] = set
	return set
}

// answerObjection runs the appraiser's answer; a refusal shows the page
// again with the answer form's values and messages.
func (w *web) answerObjection(c *gin.Context) {
	year, err := api.YearParam(c)
	id, _ := strconv.Atoi(c.Param("id"))
	if err != nil {
		w.failPage(c, err)
		return
	}
	form := map[string]string{"accept": c.PostForm("accept"), "reason": strings.TrimSpace(c.PostForm("reason")), "value": strings.TrimSpace(c.PostForm("value")),
		"figure": strings.TrimSpace(c.PostForm("figure"))}
	args := workflows.AnswerArgs{By: api.UserOf(c).Name, ID: id, Accept: form["accept"] == "co", Reason: form["reason"]}
	camp, err := w.s.Campaign(c.Request.Context(), year)
	if err != nil {
		w.failPage(c, err)
		return
	}
	if args.Accept && id >= 1 && id <= len(camp.Objections) && form["value"] != "" {
		o := camp.Objections[id-1]
		args.Figure = o.Figure
		if form["figure"] != "" {
			args.Figure = form["figure"]
		}
		var v any = form["value"]
		if set := w.objectionSet(c, year, o.Unit, map[string]*scoring.Set{}); set != nil {
			if f := set.Figure(args.Figure); f != nil && numeric(f) {
				if n, err := scoring.ParseWholeText(form["value"]); err == nil {
					v = n
				}
			}
		}
		args.Value = v
	}
	w.campaignForm(c, year, workflows.UpdateAnswerObjection, args, form, "da-tra-loi", id)
}

// extendObjections adds working days to the window (admin).
func (w *web) extendObjections(c *gin.Context) {
	year, err := api.YearParam(c)
	if err != nil {
		w.failPage(c, err)
		return
	}
	form := map[string]string{"days": strings.TrimSpace(c.PostForm("days")), "reason": strings.TrimSpace(c.PostForm("reason"))}
	days, err := strconv.Atoi(form["days"])
	if err != nil {
		d, ok := w.objectionsData(c)
		if ok {
			d.Form, d.Errors = form, map[string]string{"days": "Nhập số ngày làm việc gia hạn, ví dụ 3"}
			d.Summary = objSummary(d.Errors, map[string]string{"days": "Số ngày gia hạn"})
			w.render(c, http.StatusUnprocessableEntity, "objections", d)
		}
		return
	}
	w.campaignForm(c, year, workflows.UpdateExtendObjections, workflows.ExtendObjectionsArgs{By: api.UserOf(c).Name, Days: days, Reason: form["reason"]}, form, "da-gia-han-phan-hoi", 0)
}

// closeObjections ends the window early (admin).
func (w *web) closeObjections(c *gin.Context) {
	year, err := api.YearParam(c)
	if err != nil {
		w.failPage(c, err)
		return
	}
	form := map[string]string{"close-reason": strings.TrimSpace(c.PostForm("close-reason"))}
	w.campaignForm(c, year, workflows.UpdateCloseObjections, workflows.CloseObjectionsArgs{By: api.UserOf(c).Name, Reason: form["close-reason"]}, form, "da-ket-thuc-phan-hoi", 0)
}

// campaignForm runs a campaign update from the objections page: back to
// the page with a flash, or the page again with the messages by field.
func (w *web) campaignForm(c *gin.Context, year int, name string, args any, form map[string]string, flash string, id int) {
	var st workflows.CampaignStatus
	err := w.s.Update(c.Request.Context(), workflows.CampaignWorkflowID(year), name, args, &st)
	if err == nil {
		anchor := ""
		if id > 0 {
			anchor = "#o" + strconv.Itoa(id)
		}
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/dot/%d/phan-hoi?tb=%s%s", year, flash, anchor))
		return
	}
	status, msg, fields := w.s.ErrorOf(err)
	if status >= 500 {
		w.failPage(c, err)
		return
	}
	d, ok := w.objectionsData(c)
	if !ok {
		return
	}
	errs := map[string]string{}
	for _, fe := range fields {
		f := fe.Field
		if name == workflows.UpdateCloseObjections && f == "reason" {
			f = "close-reason"
		}
		if _, ok := form[f]; !ok {
			f = ""
		}
		if errs[f] == "" {
			errs[f] = fe.Message
		}
	}
	if len(errs) == 0 {
		errs[""] = msg
	}
	if id > 0 {
		d.ObjectionID = id
		for i := range d.Waiting {
			if d.Waiting[i].ID == id {
				d.Waiting[i].FormAccept, d.Waiting[i].FormReason, d.Waiting[i].FormValue, d.Waiting[i].FormErrs = form["accept"], form["reason"], form["value"], errs
				if form["figure"] != "" {
					d.Waiting[i].FormFigure = form["figure"]
				}
			}
		}
	} else {
		d.Form, d.Errors = form, errs
	}
	d.Summary = answerSummary(errs, id)
	w.render(c, status, "objections", d)
}

// criterionFigures are the figures shown with a criterion, for the answer
// form's choice of the figure to correct.
func criterionFigures(set *scoring.Set, code string) []figOption {
	cr := set.Criterion(code)
	if cr == nil {
		return nil
	}
	var out []figOption
	for _, k := range cr.Figures {
		if f := set.Figure(k); f != nil {
			out = append(out, figOption{k, short(f.Label, 90)})
		}
	}
	return out
}

// answerSummary is the error summary of the page's refused form.
func answerSummary(errs map[string]string, id int) []errLine {
	labels := map[string]string{"reason": "Lý do", "value": "Giá trị đúng", "days": "Số ngày gia hạn", "close-reason": "Lý do kết thúc sớm"}
	var out []errLine
	if m := errs[""]; m != "" {
		out = append(out, errLine{Message: m})
	}
	for _, k := range []string{"accept", "reason", "value", "figure", "days", "close-reason"} {
		if m := errs[k]; m != "" {
			href := "#o-" + k
			if id > 0 {
				href = fmt.Sprintf("#o%d-%s", id, k)
			}
			out = append(out, errLine{Href: href, Label: labels[k], Message: m, Field: k})
		}
	}
	return out
}
