package pages

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"ictindex/api"
	"ictindex/scoring"
	"ictindex/workflows"
)

// A unit's deadline extension (admin): the new deadline and a reason, run
// as the unit workflow's extend-deadline update, which refuses an earlier
// deadline, a missing reason, or a unit that has already submitted.

type extendData struct {
	base
	Code, Name, Annex string
	Status            string
	Current           time.Time
	Date, Time        string
	Reason            string
	Errors            map[string]string
	CanExtend         bool
}

func (w *web) extendUnit(c *gin.Context) (int, string, workflows.UnitState, bool) {
	year, code, _, err := api.UnitParams(c)
	if err != nil {
		w.failPage(c, err)
		return 0, "", workflows.UnitState{}, false
	}
	us, err := w.s.ReadUnit(c.Request.Context(), year, code)
	if err != nil {
		w.failPage(c, err)
		return 0, "", workflows.UnitState{}, false
	}
	return year, code, us, true
}

func (w *web) extendPage(c *gin.Context, status int, year int, us workflows.UnitState, d extendData) {
	d.base = w.base(c, "Gia hạn nộp báo cáo — "+us.Ref.Unit.Code)
	d.Year = year
	d.Code, d.Name, d.Annex, d.Status, d.Current = us.Ref.Unit.Code, us.Ref.Unit.Name, us.Ref.Annex, us.Status, us.Deadline
	d.CanExtend = us.Status == workflows.UnitDraft
	w.render(c, status, "campaign-extend", d)
}

// extendForm shows the form, the new deadline three days after the
// current one by default.
func (w *web) extendForm(c *gin.Context) {
	year, _, us, ok := w.extendUnit(c)
	if !ok {
		return
	}
	next := us.Deadline.In(scoring.Vietnam).AddDate(0, 0, 3)
	w.extendPage(c, http.StatusOK, year, us, extendData{Date: next.Format("2006-01-02"), Time: next.Format("15:04:05")})
}

// extendSubmit runs the extension; a refusal shows the form again with
// the typed values and the message beside its field.
func (w *web) extendSubmit(c *gin.Context) {
	year, code, us, ok := w.extendUnit(c)
	if !ok {
		return
	}
	d := extendData{Date: c.PostForm("han-ngay"), Time: c.PostForm("han-gio"), Reason: strings.TrimSpace(c.PostForm("ly-do")), Errors: map[string]string{}}
	var deadline time.Time
	if dt, ok := formDate(d.Date, "han-ngay", "Ngày hạn mới", d.Errors); ok {
		tm := strings.TrimSpace(d.Time)
		if tm == "" {
			tm = "23:59:59"
		}
		hms, err := time.Parse("15:04:05", tm)
		if err != nil {
			hms, err = time.Parse("15:04", tm)
		}
		if err != nil {
			d.Errors["han-gio"] = fmt.Sprintf("Giờ %q không hợp lệ (giờ:phút, ví dụ 23:59)", tm)
		} else {
			deadline = time.Date(dt.Year, time.Month(dt.Month), dt.Day, hms.Hour(), hms.Minute(), hms.Second(), 0, scoring.Vietnam)
			if !deadline.After(us.Deadline) {
				d.Errors["han-ngay"] = "Hạn mới phải sau hạn hiện tại (" + fmtTime(us.Deadline) + ")"
			}
		}
	}
	if d.Reason == "" {
		d.Errors["ly-do"] = "Nhập lý do gia hạn"
	}
	if len(d.Errors) == 0 {
		var st workflows.UnitState
		err := w.s.Update(c.Request.Context(), workflows.UnitWorkflowID(year, code), workflows.UpdateExtendDeadline,
			workflows.ExtendArgs{By: api.UserOf(c).Name, Deadline: deadline, Reason: d.Reason}, &st)
		if err == nil {
			c.Redirect(http.StatusSeeOther, fmt.Sprintf("/dot/%d?tb=da-gia-han#units", year))
			return
		}
		status, msg, fields := w.s.ErrorOf(err)
		if status >= 500 {
			w.failPage(c, err)
			return
		}
		for _, fe := range fields {
			switch fe.Field {
			case "deadline":
				d.Errors["han-ngay"] = fe.Message
			case "reason":
				d.Errors["ly-do"] = fe.Message
			}
		}
		if len(d.Errors) == 0 {
			d.Errors[""] = msg
		}
		w.extendPage(c, status, year, us, d)
		return
	}
	w.extendPage(c, http.StatusUnprocessableEntity, year, us, d)
}
