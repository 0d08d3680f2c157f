package pages

import (
	"errors"
	"strings"

	"ictindex/scoring"
	"ictindex/workflows"
)

// The appraiser's view of the unit page: each criterion with the unit's
// figures and the appraised ones side by side, its self and appraised
// points, its evidence, and in place a correction form per figure and a
// data-quality flag form; at the top, who holds the report, the totals so
// far and the actions on the whole report.

// apprView is the appraisal so far: the sheet the workflow will compute on
// finishing, from the figures with the corrections, the flags and the free
// e-mail finding, with the campaign's settings.
type apprView struct {
	Total      string // column (6): appraised points before deductions
	Deductions []scoring.DeductionLine
	Deducted   string
	Final      string // what finishing gives
	Problem    string // why it cannot be scored yet
	Corrs      []corrLine
	Flags      []flagLine
}

// corrLine is a correction recorded, linked to its figure's criterion.
type corrLine struct {
	Href, Label, Orig, Value, Reason, By string
}

// flagLine is a data-quality flag recorded, linked to its criterion.
type flagLine struct {
	Href, Code, Reason string
}

// appraisedSheet scores the submission as the workflow does on finishing
// (workflows/unit.go submission()).
func appraisedSheet(set *scoring.Set, st *workflows.UnitState) (*scoring.Sheet, error) {
	settings := settingsOf(st)
	sub := scoring.Submission{Unit: st.Ref.Unit, Annex: st.Ref.Annex, Year: st.Year, Flags: st.Ref.Flags,
		Figures: st.Figures, SubmittedAt: st.SubmittedAt, NotSubmitted: st.Status == workflows.UnitNotSubmitted}
	if !st.Deadline.Equal(settings.Deadline) {
		d := st.Deadline
		sub.Deadline = &d
	}
	if a := st.Appraisal; len(a.Corrections)+len(a.QualityFlags) > 0 || a.FreeEmail != "" {
		sub.Appraisal = &a
	}
	return set.Score(&sub, settings)
}

// flagID is a criterion code as an id part: "II.1.2" → "II-1-2".
func flagID(code string) string { return strings.ReplaceAll(code, ".", "-") }

// appraise fills the appraiser's view: the sheet so far, each criterion's
// self and appraised points, each figure's correction.
func (d *unitData) appraise(set *scoring.Set, st *workflows.UnitState, figs map[string]*figView) {
	for _, k := range st.Appraisal.Corrections {
		if fv := figs[k.Figure]; fv != nil {
			fv.CorrReason, fv.CorrBy = k.Reason, k.By
		}
	}
	if !d.CanAppraise {
		return
	}
	for _, fv := range figs {
		v := st.Figures[fv.F.Key]
		for _, k := range st.Appraisal.Corrections {
			if k.Figure == fv.F.Key {
				v = k.Value
			}
		}
		fv.CorrValue = inputValue(fv.F, v, false)
		fv.Page, fv.CSRF = d.PageBase, d.CSRF
		switch fv.F.Type {
		case scoring.TypeBool:
			fv.CorrKind = "b"
		case scoring.TypeDate:
			fv.CorrKind = "d"
		case scoring.TypeCount, scoring.TypeAmount: // its unit is read from its value
		default: // a choice: its options are rendered here
			fv.CorrFull = true
		}
		if fv.F.Key == d.openCorr {
			fv.CorrFull, fv.CorrOpen = true, true
		}
	}
	a := &apprView{}
	d.Appr = a
	for _, k := range st.Appraisal.Corrections {
		f := set.Figure(k.Figure)
		if f == nil {
			continue
		}
		l := corrLine{Label: f.Label, Orig: displayValue(f, st.Figures[k.Figure]), Value: displayValue(f, k.Value), Reason: k.Reason, By: k.By}
		if h := holder(set, st.Ref.Flags, k.Figure); h != "" {
			l.Href = "#c-" + h
		}
		a.Corrs = append(a.Corrs, l)
	}
	for _, q := range st.Appraisal.QualityFlags {
		a.Flags = append(a.Flags, flagLine{Href: "#c-" + q.Criterion, Code: q.Criterion, Reason: q.Reason})
	}
	lines := map[string]scoring.Line{}
	sh, err := appraisedSheet(set, st)
	if err != nil {
		a.Problem = "Chưa tính được điểm sau thẩm định"
		var ve *scoring.ValidationError
		if errors.As(err, &ve) && len(ve.Errors) > 0 {
			e := ve.Errors[0]
			if e.Label != "" {
				a.Problem += ": " + e.Label + " — " + e.Message
			} else {
				a.Problem += ": " + e.Message
			}
		}
	} else {
		sh.Explain()
		a.Total, a.Deducted, a.Final = sh.AppraisedTotal.String(), sh.DeductionTotal.String(), sh.Final.String()
		a.Deductions = sh.Deductions
		for _, l := range sh.Lines {
			lines[l.Code] = l
		}
	}
	for _, sv := range d.Sections {
		for _, cv := range sv.Criteria {
			cv.Appraise, cv.FlagID, cv.Page, cv.CSRF = true, flagID(cv.C.Code), d.PageBase, d.CSRF
			cv.FlagFull = cv.C.Code == d.openFlag
			l, ok := lines[cv.C.Code]
			if !ok || !cv.Applies {
				continue
			}
			cv.Score, cv.Working = l.Self.Points.String(), l.Self.Working
			cv.ApprScore, cv.ApprWorking = l.Appraised.Points.String(), l.Appraised.Working
			if l.Flagged {
				cv.ApprScore, cv.ApprWorking = "0", "Số liệu không đảm bảo chất lượng: không tính điểm, trừ điểm ở mục V"
			}
			cv.ApprDiff = cv.ApprScore != cv.Score || cv.ApprWorking != cv.Working
		}
	}
}

// placeErrors puts a refused appraisal form's errors beside that form,
// opened, with what was typed, and links the summary's lines to it.
func (d *unitData) placeErrors() {
	figs := d.figs
	fig, cr := d.Form["figure"], d.Form["criterion"]
	// The workflow's refusals, in words that say how to fix them.
	fix := map[string]string{}
	switch {
	case fig != "":
		fix["reason"] = "Nhập lý do đính chính, ví dụ: danh sách cán bộ kèm theo chỉ có 2 người chuyên trách"
		fix["value"] = "Nhập giá trị đúng của số liệu"
	case cr != "":
		fix["reason"] = "Nhập lý do: số liệu nào không đảm bảo chất lượng và vì sao, ví dụ: số văn bản không khớp sổ văn thư"
	}
	for i, e := range d.Errors {
		if m, ok := fix[e.Field]; ok && e.Code == scoring.ErrRequired {
			for j := range d.Summary {
				if d.Summary[j].Field == e.Field && d.Summary[j].Message == e.Message {
					d.Summary[j].Message = m
				}
			}
			d.Errors[i].Message = m
		}
	}
	target := map[string]string{}
	switch {
	case fig != "" && figs[fig] != nil:
		fv := figs[fig]
		fv.CorrOpen, fv.CorrFull, fv.CorrValue, fv.CorrTyped = true, true, d.Form["value"], d.Form["reason"]
		fv.CorrErrValue = ferrOf(d.Errors, "value", "figure")
		fv.CorrErrReason = ferrOf(d.Errors, "reason")
		if fv.CorrErrValue == "" && fv.CorrErrReason == "" {
			fv.CorrErrValue = ferrOf(d.Errors, "")
		}
		target = map[string]string{"value": "#corr-" + fig, "figure": "#corr-" + fig, "reason": "#corr-reason-" + fig, "": "#corr-" + fig}
	case cr != "":
		for _, sv := range d.Sections {
			for _, cv := range sv.Criteria {
				if cv.C.Code == cr {
					cv.FlagOpen, cv.FlagFull, cv.FlagTyped = true, true, d.Form["q_reason"]
					cv.FlagErr = ferrOf(d.Errors, "reason", "criterion", "")
				}
			}
		}
		id := "#flag-reason-" + flagID(cr)
		target = map[string]string{"reason": id, "criterion": id, "": id}
	case d.Form["e_reason"] != "" || strings.HasSuffix(d.path, "/thu-dien-tu"):
		d.OpenEmail = true
		target = map[string]string{"reason": "#e-reason", "": "#e-reason"}
	case strings.HasSuffix(d.path, "/yeu-cau-bo-sung"):
		d.OpenRevision = true
		target = map[string]string{"reason": "#r-reason", "deadline": "#rev-deadline", "": "#r-reason"}
	}
	for i, l := range d.Summary {
		if h, ok := target[l.Field]; ok && l.Href == "" && l.Label == "" {
			d.Summary[i].Href = h
		}
	}
}

// ferrOf is the first error message of the named fields.
func ferrOf(fe []scoring.FieldError, names ...string) string {
	for _, e := range fe {
		for _, n := range names {
			if e.Field == n {
				return e.Message
			}
		}
	}
	return ""
}
