package api

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"ictindex/activities"
	"ictindex/scoring"
	"ictindex/templates"
	"ictindex/workflows"
)

// OpenCampaignRequest is the body of POST /api/campaigns. Units are the
// given list, or else the sample province's units (those named in
// SampleUnits, all when empty).
type OpenCampaignRequest struct {
	Year        int             `json:"year"`
	Deadline    *time.Time      `json:"deadline,omitempty"`
	CutOff      *scoring.Date   `json:"cut_off,omitempty"`
	Holidays    []scoring.Date  `json:"holidays,omitempty"`
	WorkingDays int             `json:"working_days,omitempty"`
	Units       []UnitRequest   `json:"units,omitempty"`
	SampleUnits []string        `json:"sample_units,omitempty"`
	Decision    DecisionRequest `json:"decision"`
	// Sets names the criteria set of an annex (embedded or imported);
	// annexes not named use the default decision's set.
	Sets map[string]templates.SetRef `json:"sets,omitempty"`
	// ObjectionDays is the window, in working days, in which units may
	// object to their preliminary results before the final ranking:
	// absent, workflows.DefaultObjectionDays; 0, no preliminary stage.
	ObjectionDays *int `json:"objection_days,omitempty"`
}

// UnitRequest names a participating unit.
type UnitRequest struct {
	Code  string   `json:"code"`
	Name  string   `json:"name"`
	Annex string   `json:"annex"`
	Flags []string `json:"flags,omitempty"`
}

// DecisionRequest is the decision's number, date (default: today) and
// signer.
type DecisionRequest struct {
	Number string        `json:"number"`
	Date   *scoring.Date `json:"date,omitempty"`
	Signer string        `json:"signer"`
}

// MaxObjectionDays bounds a campaign's objection window.
const MaxObjectionDays = 30

// OpenCampaignResponse answers an opened campaign.
type OpenCampaignResponse struct {
	Year       int    `json:"year"`
	WorkflowID string `json:"workflow_id"`
	RunID      string `json:"run_id"`
	Units      int    `json:"units"`
}

// campaignInput converts the request, collecting every field error.
func (r OpenCampaignRequest) campaignInput(ctx context.Context, lib *templates.Library, now time.Time) (workflows.CampaignInput, error) {
	var errs []scoring.FieldError
	add := func(f, code, vi string) { errs = append(errs, field(f, code, vi)) }
	if r.Year < 2000 || r.Year > 2200 {
		add("year", scoring.ErrInvalid, "Năm báo cáo phải từ 2000 đến 2200")
		return workflows.CampaignInput{}, unprocessable(summary(errs), errs...)
	}
	b := scoring.Batch{Year: r.Year, Settings: &scoring.BatchSettings{Deadline: r.Deadline, CutOff: r.CutOff, Holidays: r.Holidays, WorkingDays: r.WorkingDays}}
	st := b.Resolve()
	if err := st.Check(); err != nil {
		add("settings", scoring.ErrInvalid, err.Error())
	}
	in := workflows.CampaignInput{Year: r.Year, Settings: st, ObjectionDays: workflows.DefaultObjectionDays}
	if r.ObjectionDays != nil {
		in.ObjectionDays = *r.ObjectionDays
		if in.ObjectionDays < 0 || in.ObjectionDays > MaxObjectionDays {
			add("objection_days", scoring.ErrInvalid, fmt.Sprintf("Thời hạn nhận phản hồi từ 0 (không công bố kết quả sơ bộ) đến %d ngày làm việc", MaxObjectionDays))
		}
	}
	units := r.Units
	if len(units) == 0 {
		sample := templates.SampleProvince()
		for _, code := range r.SampleUnits {
			if !slices.ContainsFunc(sample.Units, func(s scoring.Submission) bool { return s.Unit.Code == code }) {
				add("sample_units", scoring.ErrUnknown, fmt.Sprintf("Đơn vị mẫu %q không có trong tỉnh mẫu", code))
			}
		}
		for _, s := range sample.Units {
			if len(r.SampleUnits) == 0 || slices.Contains(r.SampleUnits, s.Unit.Code) {
				units = append(units, UnitRequest{Code: s.Unit.Code, Name: s.Unit.Name, Annex: s.Annex, Flags: s.Flags})
			}
		}
	}
	sets := campaignSets(ctx, lib, r.Sets, add)
	seen := map[string]bool{}
	for i, u := range units {
		p := fmt.Sprintf("units[%d]", i)
		switch {
		case !unitCodePattern.MatchString(u.Code):
			add(p+".code", scoring.ErrInvalid, fmt.Sprintf("Mã đơn vị %q không hợp lệ (chữ, số, . _ -)", u.Code))
		case seen[u.Code]:
			add(p+".code", scoring.ErrInvalid, fmt.Sprintf("Mã đơn vị %q bị trùng", u.Code))
		}
		seen[u.Code] = true
		if u.Name == "" {
			add(p+".name", scoring.ErrRequired, "Thiếu tên đơn vị")
		}
		ps := sets.of(ctx, lib, u.Annex)
		if ps.set == nil {
			if ps.reported {
				add(p+".annex", scoring.ErrNotChoice, fmt.Sprintf("Phụ lục %q không có bộ tiêu chí (chọn bộ tiêu chí cho phụ lục này)", u.Annex))
			}
		} else if err := ps.set.CheckFlags(u.Flags); err != nil {
			add(p+".flags", scoring.ErrUnknown, "Đặc điểm đơn vị không có trong bộ tiêu chí: "+err.Error())
		}
		in.Units = append(in.Units, activities.UnitRef{Unit: scoring.Unit{Code: u.Code, Name: u.Name}, Annex: u.Annex, Flags: u.Flags, Set: ps.ref})
	}
	if len(units) == 0 {
		add("units", scoring.ErrRequired, "Đợt đánh giá cần ít nhất một đơn vị")
	}
	d := r.Decision // the number is given at issuance, from the register
	if d.Signer == "" {
		add("decision.signer", scoring.ErrRequired, "Thiếu người ký quyết định")
	}
	in.Sets = sets.refs()
	in.Decision = activities.DecisionMeta{Number: d.Number, Signer: d.Signer, Date: scoring.DateOf(now.In(scoring.Vietnam))}
	if d.Date != nil {
		in.Decision.Date = *d.Date
	}
	if len(errs) > 0 {
		return in, unprocessable(summary(errs), errs...)
	}
	return in, nil
}

// openCampaign starts a year's Campaign workflow; a second one for the
// same year is a conflict.
func (s *Server) openCampaign(c *gin.Context) {
	var req OpenCampaignRequest
	if err := decodeJSON(c, &req, false); err != nil {
		s.fail(c, err)
		return
	}
	resp, err := s.OpenCampaign(c.Request.Context(), req, time.Now())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, resp)
}

// campaignStatus answers the campaign's status; a submitter sees only
// their own unit's line, without the other units' places, forms or the
// audit trail.
func (s *Server) campaignStatus(c *gin.Context) {
	year, err := yearParam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	st, err := s.cache.readCampaign(c.Request.Context(), year) // fresh, and kept for the pages
	if err != nil {
		s.fail(c, err)
		return
	}
	if usr := userOf(c); usr.Unit != "" {
		st = ownLine(st, usr.Unit)
	}
	page, err := unitPageOf(c, len(st.Units))
	if err != nil {
		s.fail(c, err)
		return
	}
	if page == nil {
		c.JSON(http.StatusOK, st)
		return
	}
	// Clone the slices shared with the pages' read model before cutting.
	st.Units = slices.Clone(st.Units[page.Offset:min(page.Offset+page.Limit, len(st.Units))])
	c.JSON(http.StatusOK, pagedStatus{CampaignStatus: st, UnitsPage: *page})
}

// pagedStatus is a campaign's status with one page of its units.
type pagedStatus struct {
	workflows.CampaignStatus
	UnitsPage unitPage `json:"units_page"`
}

// unitPage is the part of the units a status answers: ?offset=&limit=
// (limit up to maxUnitPage).
type unitPage struct {
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
	Total  int `json:"total"`
}

// maxUnitPage is the most units one status page holds.
const maxUnitPage = 1000

// unitPageOf reads the page asked for; nil when the request asks for none.
func unitPageOf(c *gin.Context, total int) (*unitPage, error) {
	off, lim := c.Query("offset"), c.Query("limit")
	if off == "" && lim == "" {
		return nil, nil
	}
	p := &unitPage{Limit: maxUnitPage, Total: total}
	if off != "" {
		n, err := strconv.Atoi(off)
		if err != nil || n < 0 {
			msg := "offset phải là số nguyên không âm: " + strconv.Quote(off)
			return nil, badRequest(msg, field("offset", scoring.ErrInvalid, msg))
		}
		p.Offset = min(n, total)
	}
	if lim != "" {
		n, err := strconv.Atoi(lim)
		if err != nil || n < 1 || n > maxUnitPage {
			msg := fmt.Sprintf("limit phải là số nguyên từ 1 đến %d: %s", maxUnitPage, strconv.Quote(lim))
			return nil, badRequest(msg, field("limit", scoring.ErrInvalid, msg))
		}
		p.Limit = n
	}
	return p, nil
}

// ownLine trims a campaign status to one unit.
func ownLine(st workflows.CampaignStatus, code string) workflows.CampaignStatus {
	// Clone first: st shares its slices with the pages' read model.
	st.Units = slices.DeleteFunc(slices.Clone(st.Units), func(u workflows.UnitSummary) bool { return u.Unit.Code != code })
	st.Places = slices.DeleteFunc(slices.Clone(st.Places), func(p activities.Place) bool { return p.Code != code })
	st.Forms, st.History, st.Results, st.Decision = nil, nil, nil, nil
	st.Shards, st.Roster, st.PlacesDoc, st.Preliminary = nil, nil, nil, nil
	st.Objections = slices.DeleteFunc(slices.Clone(st.Objections), func(o activities.Objection) bool { return o.Unit != code })
	return st
}

// closeCollection closes collection: units that have not submitted become
// non-submitters.
func (s *Server) closeCollection(c *gin.Context) {
	year, err := yearParam(c)
	if err == nil {
		err = decodeJSON(c, &struct{}{}, true)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.campaignUpdate(c, year, workflows.UpdateCloseCollection, workflows.ActorArgs{By: userOf(c).Name})
}

// campaignUpdate runs an update of the year's campaign and answers its
// status.
func (s *Server) campaignUpdate(c *gin.Context, year int, name string, args any) {
	var st workflows.CampaignStatus
	if err := s.update(c.Request.Context(), workflows.CampaignWorkflowID(year), name, args, &st); err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, st)
}

// PublishRequest is the optional body of POST .../publish: the leader's
// note and, for the issuance, the clerk's number from the e-office
// register (empty: the system's next), the signer if not the campaign's,
// and whether the leader signs outside the system (external).
type PublishRequest struct {
	Note        string `json:"note,omitempty"`
	Number      string `json:"number,omitempty"`
	Signer      string `json:"signer,omitempty"`
	SignerTitle string `json:"signer_title,omitempty"`
	External    bool   `json:"external,omitempty"`
}

// publish is the leader's approval: the decision and results are locked.
func (s *Server) publish(c *gin.Context) {
	year, err := yearParam(c)
	var req PublishRequest
	if err == nil {
		err = decodeJSON(c, &req, true)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.campaignUpdate(c, year, workflows.UpdateApprovePublish,
		workflows.PublishArgs{By: userOf(c).Name, Note: req.Note, Number: req.Number, Signer: req.Signer,
			SignerTitle: req.SignerTitle, External: req.External})
}
