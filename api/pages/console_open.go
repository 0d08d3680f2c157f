package pages

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"ictindex/api"
	"ictindex/api/store"
	"ictindex/scoring"
	"ictindex/templates"
	"ictindex/workflows"
)

// Opening a campaign: a form (year, criteria sets, deadline, cut-off,
// holidays, reminders, decision, units from the registry), a preview of
// what the campaign will use — the working days come from scoring's own
// Resolve through the API's validation, the very settings the workflow is
// started with — and the start. Nothing starts before the confirmation,
// and nothing on a refusal.

// Form field names.
const (
	fYear     = "nam"
	fSetPrefx = "bo-" // + annex
	fDeadDate = "han-ngay"
	fDeadTime = "han-gio"
	fCutOff   = "chot"
	fHolidays = "nghi"
	fRemind   = "nhac"
	fObjDays  = "phan-hoi"
	fDecNo    = "qd-so"
	fDecSign  = "qd-ky"
	fDecDate  = "qd-ngay"
	fUnits    = "don-vi"
	fStep     = "buoc"
)

// defaultSigner prefills the decision's signer.
const defaultSigner = "Chủ tịch UBND tỉnh"

// defaultRemind is the reminder days before the deadline (the workflow's
// own default, workflows.CampaignInput.RemindBefore).
var defaultRemind = []int{3, 1}

// criteriaSet is one criteria set the form offers for an annex; its
// form value is the set's key and SHA-256 ("3299-PL01@…").
type criteriaSet struct {
	File, Decision, DecisionDate, Title string
	Criteria                            int
	Max                                 scoring.Fixed
	Source                              string // "có sẵn" or "nhập ngày 02/12/2026"
}

// formSets are the sets the system knows, by annex, the built-in first.
type formSets map[string][]criteriaSet

// criteriaSets lists the sets of every annex: built in and imported.
func (w *web) criteriaSets(ctx context.Context) (formSets, error) {
	all, err := w.s.CriteriaSets(ctx)
	if err != nil {
		return nil, err
	}
	out := formSets{}
	for _, si := range all {
		cs := criteriaSet{File: si.Ref.Key + "@" + si.Ref.Hash, Decision: si.Decision, DecisionDate: si.DecisionDate, Title: si.Title,
			Criteria: si.Criteria, Max: si.Total, Source: "có sẵn"}
		if si.StoredAt != nil {
			cs.Source = "nhập ngày " + si.StoredAt.In(scoring.Vietnam).Format("02/01/2006")
		}
		out[si.Annex] = append(out[si.Annex], cs)
	}
	return out, nil
}

// pick is the chosen set of an annex: the one whose value was posted,
// else the first (the built-in one).
func (fs formSets) pick(annex, posted string) (criteriaSet, bool) {
	for _, s := range fs[annex] {
		if s.File == posted {
			return s, true
		}
	}
	if posted == "" && len(fs[annex]) > 0 {
		return fs[annex][0], true
	}
	return criteriaSet{}, false
}

// annexes are the annexes the form shows: those of the known sets and of
// the registry's units, in code order.
func (fs formSets) annexes(units []store.Unit) []string {
	var out []string
	for a := range fs {
		out = append(out, a)
	}
	for _, u := range units {
		if !slices.Contains(out, u.Annex) {
			out = append(out, u.Annex)
		}
	}
	slices.Sort(out)
	return out
}

// parseSetValue reads a posted "key@sha256".
func parseSetValue(v string) templates.SetRef {
	key, hash, _ := strings.Cut(v, "@")
	return templates.SetRef{Key: key, Hash: hash}
}

// openAnnex is an annex's part of the form.
type openAnnex struct {
	Annex, Label string
	Sets         []criteriaSet
	Set          string // the chosen file
	Units        []openUnit
	Checked      int
}

type openUnit struct {
	store.Unit
	Checked bool
}

// openValues are the typed values, kept on a refusal.
type openValues struct {
	Year, DeadDate, DeadTime, CutOff, Holidays, Remind, DecNo, DecSign, DecDate string
	ObjDays                                                                     string // the objection window, working days
	HolidaysOne                                                                 string // Holidays on one line, for a hidden field
	Sets                                                                        map[string]string
	Units                                                                       map[string]bool
}

// openPreview is what the confirmation shows.
type openPreview struct {
	Year        int
	Deadline    time.Time
	CutOff      scoring.Date
	Holidays    []scoring.Date
	CutOffText  string
	HolidayText []string
	WorkingDays int
	Remind      []int
	ObjDays     int
	Annexes     []openAnnexPreview
	Units       int
	Decision    string
}

type openAnnexPreview struct {
	Annex, Label string
	Set          criteriaSet
	Units        []store.Unit
}

type openData struct {
	base
	V        openValues
	Annexes  []openAnnex
	Fixed    []string // the solar holidays of the year
	Errors   map[string]string
	Summary  []fieldMsg
	Preview  *openPreview
	Inactive int
}

type fieldMsg struct{ Field, Label, Message string }

var openLabels = map[string]string{
	fYear: "Năm báo cáo", fDeadDate: "Ngày hạn nộp", fDeadTime: "Giờ hạn nộp", fCutOff: "Ngày chốt số liệu",
	fHolidays: "Ngày nghỉ lễ", fRemind: "Nhắc hạn", fObjDays: "Thời hạn phản hồi", fDecNo: "Số quyết định", fDecSign: "Người ký", fDecDate: "Ngày quyết định",
	fUnits: "Đơn vị tham gia",
}

// openLabel names a form field for the error summary.
func openLabel(f string) string {
	if a, ok := strings.CutPrefix(f, fSetPrefx); ok {
		return "Bộ tiêu chí " + a
	}
	return openLabels[f]
}

func annexLabel(a string) string {
	switch a {
	case scoring.AnnexPL01:
		return "Sở, ban, ngành (PL01)"
	case scoring.AnnexPL02:
		return "UBND cấp huyện (PL02)"
	}
	return "Phụ lục " + a
}

// openForm shows the form with its defaults.
func (w *web) openForm(c *gin.Context) {
	ctx := c.Request.Context()
	units, err := w.s.Users().ListUnits(ctx)
	if err != nil {
		w.failPage(c, err)
		return
	}
	year := w.nextFreeYear(ctx)
	v := openValues{Year: strconv.Itoa(year), DeadDate: fmt.Sprintf("%d-11-20", year), DeadTime: "23:59:59",
		CutOff: fmt.Sprintf("%d-11-15", year), Remind: "3, 1", ObjDays: strconv.Itoa(workflows.DefaultObjectionDays), DecSign: defaultSigner, Sets: map[string]string{}, Units: map[string]bool{}}
	for _, u := range units {
		v.Units[u.Code] = u.Active
	}
	w.renderOpen(c, http.StatusOK, v, units, nil, nil)
}

// nextFreeYear is the first year from this one without a campaign.
func (w *web) nextFreeYear(ctx context.Context) int {
	y := time.Now().In(scoring.Vietnam).Year()
	for i := 0; i < 20; i++ {
		if !w.campaignExists(ctx, y+i) {
			return y + i
		}
	}
	return y
}

func (w *web) campaignExists(ctx context.Context, year int) bool {
	_, err := w.s.Temporal().DescribeWorkflowExecution(ctx, workflows.CampaignWorkflowID(year), "")
	return err == nil
}

func (w *web) renderOpen(c *gin.Context, status int, v openValues, units []store.Unit, errs map[string]string, pv *openPreview) {
	v.HolidaysOne = strings.Join(strings.FieldsFunc(v.Holidays, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' || r == ';' }), ", ")
	d := openData{base: w.base(c, "Mở đợt đánh giá mới"), V: v, Errors: errs, Preview: pv}
	year, _ := strconv.Atoi(strings.TrimSpace(v.Year))
	if year >= 2000 && year <= 2200 {
		for _, h := range scoring.FixedHolidays(year) {
			d.Fixed = append(d.Fixed, dmy(h)[:5])
		}
	}
	sets, err := w.criteriaSets(c.Request.Context())
	if err != nil {
		w.failPage(c, err)
		return
	}
	annexes := sets.annexes(units)
	for _, a := range annexes {
		oa := openAnnex{Annex: a, Label: annexLabel(a), Sets: sets[a], Set: v.Sets[a]}
		for _, u := range units {
			if u.Annex != a {
				continue
			}
			ou := openUnit{Unit: u, Checked: v.Units[u.Code]}
			if ou.Checked {
				oa.Checked++
			}
			if !u.Active {
				d.Inactive++
			}
			oa.Units = append(oa.Units, ou)
		}
		if len(oa.Units) > 0 {
			d.Annexes = append(d.Annexes, oa)
		}
	}
	order := []string{fYear}
	for _, a := range annexes {
		order = append(order, fSetPrefx+a)
	}
	for _, f := range append(order, fDeadDate, fDeadTime, fCutOff, fHolidays, fRemind, fObjDays, fDecNo, fDecSign, fDecDate, fUnits) {
		if m, ok := errs[f]; ok {
			d.Summary = append(d.Summary, fieldMsg{Field: f, Label: openLabel(f), Message: m})
		}
	}
	if m, ok := errs[""]; ok {
		d.Summary = append(d.Summary, fieldMsg{Message: m})
	}
	if len(d.Summary) > 0 {
		d.Error = ""
	}
	w.render(c, status, "campaign-open", d)
}

// openSubmit previews (buoc=xem-truoc), goes back to editing (buoc=sua)
// or starts the campaign (buoc=mo).
func (w *web) openSubmit(c *gin.Context) {
	ctx := c.Request.Context()
	units, err := w.s.Users().ListUnits(ctx)
	if err != nil {
		w.failPage(c, err)
		return
	}
	v := openValues{Year: c.PostForm(fYear), DeadDate: c.PostForm(fDeadDate), DeadTime: c.PostForm(fDeadTime), CutOff: c.PostForm(fCutOff),
		Holidays: c.PostForm(fHolidays), Remind: c.PostForm(fRemind), ObjDays: c.PostForm(fObjDays), DecNo: c.PostForm(fDecNo), DecSign: c.PostForm(fDecSign),
		DecDate: c.PostForm(fDecDate), Sets: map[string]string{}, Units: map[string]bool{}}
	for k, vals := range c.Request.PostForm {
		if a, ok := strings.CutPrefix(k, fSetPrefx); ok && len(vals) > 0 && vals[0] != "" {
			v.Sets[a] = vals[0]
		}
	}
	for _, code := range c.PostFormArray(fUnits) {
		v.Units[code] = true
	}
	step := c.PostForm(fStep)
	if step == "sua" {
		w.renderOpen(c, http.StatusOK, v, units, nil, nil)
		return
	}
	in, pv, errs := w.checkOpen(ctx, v, units)
	if len(errs) > 0 {
		w.renderOpen(c, http.StatusUnprocessableEntity, v, units, errs, nil)
		return
	}
	if step != "mo" {
		w.renderOpen(c, http.StatusOK, v, units, nil, pv)
		return
	}
	if _, err := w.s.StartCampaign(ctx, in); err != nil {
		status, msg, _ := w.s.ErrorOf(err)
		if status == http.StatusConflict {
			w.renderOpen(c, status, v, units, map[string]string{fYear: msg}, nil)
			return
		}
		w.failPage(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/dot/%d?tb=da-mo", in.Year))
}

// checkOpen validates the form: the page's own checks (dates, reminders,
// deadline after the cut-off, units from the registry, the year still
// free), then the API's (OpenCampaignRequest.CampaignInput, with scoring's
// Resolve computing the working days). Errors are by form field.
func (w *web) checkOpen(ctx context.Context, v openValues, registry []store.Unit) (workflows.CampaignInput, *openPreview, map[string]string) {
	errs := map[string]string{}
	year, err := strconv.Atoi(strings.TrimSpace(v.Year))
	switch {
	case err != nil:
		errs[fYear] = "Năm báo cáo phải là một số, ví dụ 2026"
	case year < 2000 || year > 2200:
		errs[fYear] = "Năm báo cáo phải từ 2000 đến 2200"
	}
	sets, err := w.criteriaSets(ctx)
	if err != nil {
		errs[""] = "Không đọc được danh sách bộ tiêu chí: " + err.Error()
		return workflows.CampaignInput{}, nil, errs
	}
	req := api.OpenCampaignRequest{Year: year, Decision: api.DecisionRequest{Number: strings.TrimSpace(v.DecNo), Signer: strings.TrimSpace(v.DecSign)},
		Sets: map[string]templates.SetRef{}}
	for a, posted := range v.Sets {
		if _, ok := sets.pick(a, posted); !ok {
			errs[fSetPrefx+a] = "Bộ tiêu chí không có trong hệ thống"
			continue
		}
		req.Sets[a] = parseSetValue(posted)
	}
	var deadline time.Time
	if d, ok := formDate(v.DeadDate, fDeadDate, "Ngày hạn nộp", errs); ok {
		tm := strings.TrimSpace(v.DeadTime)
		if tm == "" {
			tm = "23:59:59"
		}
		var hms time.Time
		if hms, err = time.Parse("15:04:05", tm); err != nil {
			hms, err = time.Parse("15:04", tm)
		}
		if err != nil {
			errs[fDeadTime] = fmt.Sprintf("Giờ %q không hợp lệ (giờ:phút, ví dụ 23:59)", tm)
		} else {
			deadline = time.Date(d.Year, time.Month(d.Month), d.Day, hms.Hour(), hms.Minute(), hms.Second(), 0, scoring.Vietnam)
			req.Deadline = &deadline
		}
	}
	cut, cutOK := formDate(v.CutOff, fCutOff, "Ngày chốt số liệu", errs)
	if cutOK {
		req.CutOff = &cut
		if year != 0 && cut.Year != year {
			errs[fCutOff] = fmt.Sprintf("Ngày chốt số liệu phải thuộc năm báo cáo %d", year)
		}
	}
	if cutOK && !deadline.IsZero() && scoring.DateOf(deadline).Before(cut) {
		errs[fDeadDate] = fmt.Sprintf("Hạn nộp báo cáo (%s) không được trước ngày chốt số liệu (%s)",
			deadline.Format("02/01/2006"), dmy(cut))
	}
	var bad []string
	for _, line := range strings.FieldsFunc(v.Holidays, func(r rune) bool { return r == '\n' || r == ',' || r == ';' }) {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		h, err := scoring.ParseDate(line)
		if err != nil {
			bad = append(bad, fmt.Sprintf("«%s» không phải ngày", line))
			continue
		}
		if year != 0 && h.Year != year {
			bad = append(bad, fmt.Sprintf("%s không thuộc năm báo cáo %d", dmy(h), year))
			continue
		}
		if !slices.Contains(req.Holidays, h) && !slices.Contains(scoring.FixedHolidays(h.Year), h) {
			req.Holidays = append(req.Holidays, h)
		}
	}
	if len(bad) > 0 {
		errs[fHolidays] = "Ngày nghỉ không hợp lệ: " + strings.Join(bad, "; ") + " (mỗi dòng một ngày, dd/mm/yyyy)"
	}
	slices.SortFunc(req.Holidays, func(a, b scoring.Date) int {
		if a.Before(b) {
			return -1
		}
		if b.Before(a) {
			return 1
		}
		return 0
	})
	remind, err := parseRemind(v.Remind)
	if err != nil {
		errs[fRemind] = err.Error()
	}
	if strings.TrimSpace(v.ObjDays) == "" {
		v.ObjDays = strconv.Itoa(workflows.DefaultObjectionDays)
	}
	if n, err := strconv.Atoi(strings.TrimSpace(v.ObjDays)); err != nil || n < 0 || n > api.MaxObjectionDays {
		errs[fObjDays] = fmt.Sprintf("Nhập số ngày làm việc nhận phản hồi từ 0 đến %d, ví dụ 9 (0: không công bố kết quả sơ bộ)", api.MaxObjectionDays)
	} else {
		req.ObjectionDays = &n
	}
	if strings.TrimSpace(v.DecDate) != "" {
		if d, ok := formDate(v.DecDate, fDecDate, "Ngày quyết định", errs); ok {
			req.Decision.Date = &d
		}
	}
	byCode := map[string]store.Unit{}
	for _, u := range registry {
		byCode[u.Code] = u
	}
	var unknown []string
	for code, on := range v.Units {
		if !on {
			continue
		}
		u, ok := byCode[code]
		if !ok {
			unknown = append(unknown, code)
			continue
		}
		req.Units = append(req.Units, api.UnitRequest{Code: u.Code, Name: u.Name, Annex: u.Annex, Flags: u.Flags})
	}
	slices.SortFunc(req.Units, func(a, b api.UnitRequest) int { return strings.Compare(a.Annex+"/"+a.Code, b.Annex+"/"+b.Code) })
	switch {
	case len(unknown) > 0:
		slices.Sort(unknown)
		errs[fUnits] = "Đơn vị không có trong danh mục: " + strings.Join(unknown, ", ")
	case len(req.Units) == 0:
		errs[fUnits] = "Chọn ít nhất một đơn vị tham gia đợt đánh giá"
	}
	if _, ok := errs[fYear]; !ok && w.campaignExists(ctx, year) {
		errs[fYear] = "Đợt đánh giá của năm này đã được mở"
	}
	if len(errs) > 0 {
		return workflows.CampaignInput{}, nil, errs
	}
	// The API's own validation, and scoring's settings.
	in, err := w.s.CampaignInput(ctx, req, time.Now())
	if err != nil {
		status, msg, fields := w.s.ErrorOf(err)
		if status != http.StatusUnprocessableEntity && status != http.StatusBadRequest {
			errs[""] = msg
		}
		for _, fe := range fields {
			f := ""
			switch {
			case fe.Field == "year":
				f = fYear
			case fe.Field == "decision.number":
				f = fDecNo
			case fe.Field == "decision.signer":
				f = fDecSign
			case strings.HasPrefix(fe.Field, "units"):
				f = fUnits
			case fe.Field == "settings" && strings.Contains(fe.Message, "chốt"):
				f = fCutOff
			case fe.Field == "settings" && strings.Contains(fe.Message, "hạn"):
				f = fDeadDate
			}
			if prev, ok := errs[f]; ok {
				errs[f] = prev + "; " + fe.Message
			} else {
				errs[f] = fe.Message
			}
		}
		if len(errs) == 0 {
			errs[""] = msg
		}
		return workflows.CampaignInput{}, nil, errs
	}
	for _, r := range remind {
		in.RemindBefore = append(in.RemindBefore, time.Duration(r)*24*time.Hour)
	}
	pv := &openPreview{Year: in.Year, Deadline: in.Settings.Deadline, CutOff: in.Settings.CutOff, Holidays: in.Settings.Holidays,
		WorkingDays: in.Settings.WorkingDays, Remind: remind, ObjDays: in.ObjectionDays, Units: len(in.Units),
		Decision: fmt.Sprintf("người ký %s; số và ngày cấp khi ban hành", in.Decision.Signer)}
	pv.CutOffText = dmy(pv.CutOff)
	for _, h := range pv.Holidays {
		pv.HolidayText = append(pv.HolidayText, dmy(h))
	}
	for _, a := range sets.annexes(registry) {
		ap := openAnnexPreview{Annex: a, Label: annexLabel(a)}
		ap.Set, _ = sets.pick(a, v.Sets[a])
		for _, u := range in.Units {
			if u.Annex == a {
				ap.Units = append(ap.Units, byCode[u.Unit.Code])
			}
		}
		if len(ap.Units) > 0 {
			pv.Annexes = append(pv.Annexes, ap)
		}
	}
	return in, pv, nil
}

// formDate reads a date field ("2026-11-20" from a date input, or
// "20/11/2026" typed).
func formDate(s, field, label string, errs map[string]string) (scoring.Date, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		errs[field] = "Thiếu " + strings.ToLower(label[:1]) + label[1:]
		return scoring.Date{}, false
	}
	d, err := scoring.ParseDate(s)
	if err != nil {
		errs[field] = fmt.Sprintf("%s «%s» không hợp lệ (ngày/tháng/năm, ví dụ 20/11/2026)", label, s)
		return scoring.Date{}, false
	}
	return d, true
}

// parseRemind reads the reminder days: whole days before the deadline,
// separated by commas or spaces.
func parseRemind(s string) ([]int, error) {
	var out []int
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' }) {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 60 {
			return nil, fmt.Errorf("Nhắc hạn «%s» không hợp lệ: số ngày trước hạn, từ 1 đến 60, cách nhau bằng dấu phẩy", f)
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return slices.Clone(defaultRemind), nil
	}
	slices.Sort(out)
	slices.Reverse(out)
	return out, nil
}

func dmy(d scoring.Date) string { return fmt.Sprintf("%02d/%02d/%04d", d.Day, d.Month, d.Year) }
