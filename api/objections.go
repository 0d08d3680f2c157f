package api

import (
	"context"
	"encoding/json"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"ictindex/activities"
	"ictindex/archive"
	"ictindex/scoring"
	"ictindex/workflows"
)

// Preliminary results and objections: a unit files its "văn bản phản hồi,
// giải trình" against a criterion's points or a deduction while the
// window is open, with evidence files; an appraiser answers each; the
// admin extends the window or ends it early. Each is an update of the
// campaign workflow, whose validators refuse what does not fit.

// ObjectionCriterion is the evidence "criterion" under which an
// objection's files are archived: year/unit/phan-hoi/file.
const ObjectionCriterion = "phan-hoi"

// maxObjectionFiles bounds the files one objection carries.
const maxObjectionFiles = 10

// ObjectionRequest is the body of POST .../units/<code>/objections (JSON,
// or a multipart form with these fields followed by "file" parts).
type ObjectionRequest struct {
	Kind        string `json:"kind"`
	Target      string `json:"target"`
	Figure      string `json:"figure,omitempty"`
	Value       any    `json:"value,omitempty"`
	Explanation string `json:"explanation"`
}

// AnswerRequest is the body of POST .../objections/<id>/answer.
type AnswerRequest struct {
	Accept bool   `json:"accept"`
	Reason string `json:"reason"`
	Figure string `json:"figure,omitempty"`
	Value  any    `json:"value,omitempty"`
}

// ExtendObjectionsRequest is the body of POST .../objections/extend.
type ExtendObjectionsRequest struct {
	Days   int    `json:"days"`
	Reason string `json:"reason,omitempty"`
}

// CloseObjectionsRequest is the body of POST .../objections/close.
type CloseObjectionsRequest struct {
	Reason string `json:"reason"`
}

// fileObjection is the API's objection: JSON, or multipart with files.
func (s *Server) fileObjection(c *gin.Context) {
	year, code, _, err := unitParams(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var req ObjectionRequest
	var files []*multipart.FileHeader
	if mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type")); mt == "multipart/form-data" {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, s.store.Config().MaxEvidenceBytes+multipartOverhead)
		form, err := c.MultipartForm()
		if err != nil {
			s.fail(c, multipartError(err))
			return
		}
		req = ObjectionRequest{Kind: formValue(form, "kind"), Target: formValue(form, "target"), Figure: formValue(form, "figure"),
			Explanation: formValue(form, "explanation")}
		if v := formValue(form, "value"); v != "" {
			req.Value = jsonValue(v)
		}
		files = form.File["file"]
	} else if err := decodeJSON(c, &req, false); err != nil {
		s.fail(c, err)
		return
	}
	st, err := s.FileObjection(c.Request.Context(), userOf(c), year, code, req, files)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, st)
}

// formValue is a multipart form's first value of a field, trimmed.
func formValue(f *multipart.Form, name string) string {
	if v := f.Value[name]; len(v) > 0 {
		return strings.TrimSpace(v[0])
	}
	return ""
}

// jsonValue reads a value typed as text the way JSON would give it: a
// number, true or false; anything else stays the text.
func jsonValue(s string) any {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err == nil {
		switch v.(type) {
		case float64, bool:
			return v
		}
	}
	return s
}

// FileObjection checks the objection against the unit's criteria set,
// archives its files, and sends it to the campaign. The unit's name comes
// from its state. Files are archived only once the request is otherwise
// well formed and the window is open.
func (s *Server) FileObjection(ctx context.Context, usr User, year int, code string, req ObjectionRequest, files []*multipart.FileHeader) (workflows.CampaignStatus, error) {
	var st workflows.CampaignStatus
	ust, err := s.cache.unit(ctx, year, code)
	if err != nil {
		return st, err
	}
	if errs := s.checkObjection(ctx, ust, req, len(files)); len(errs) > 0 {
		return st, unprocessable(summary(errs), errs...)
	}
	camp, err := s.cache.readCampaign(ctx, year)
	if err != nil {
		return st, err
	}
	if camp.Phase != workflows.PhasePreliminary || camp.Window == nil || camp.Window.Closed {
		msg := "Không trong thời hạn nhận phản hồi kết quả sơ bộ"
		return st, unprocessable(msg, field("status", workflows.ErrInvalidState, msg))
	}
	args := workflows.ObjectArgs{By: usr.Name, Unit: code, Name: ust.Ref.Unit.Name, Kind: req.Kind, Target: strings.TrimSpace(req.Target),
		Figure: req.Figure, Value: req.Value, Explanation: req.Explanation}
	for i, fh := range files {
		ev, err := s.putObjectionFile(ctx, year, code, fh, usr.Name)
		if err != nil {
			if fe := fieldErrors(err); len(fe) > 0 {
				for j := range fe {
					fe[j].Field = "file[" + strconv.Itoa(i) + "]"
					fe[j].Message = fh.Filename + ": " + fe[j].Message
				}
				return st, unprocessable(fe[0].Message, fe...)
			}
			return st, err
		}
		args.Evidence = append(args.Evidence, activities.EvidenceOf(ev, req.Target))
	}
	err = s.update(ctx, workflows.CampaignWorkflowID(year), workflows.UpdateObject, args, &st)
	return st, err
}

// putObjectionFile archives one file of an objection.
func (s *Server) putObjectionFile(ctx context.Context, year int, code string, fh *multipart.FileHeader, by string) (archive.Evidence, error) {
	f, err := fh.Open()
	if err != nil {
		return archive.Evidence{}, err
	}
	defer f.Close()
	return s.store.PutEvidence(ctx, archive.EvidenceKey{Year: year, Unit: code, Criterion: ObjectionCriterion, FileName: fh.Filename}, f, fh.Size, by)
}

// fieldErrors are an error's per-field errors, if it carries any.
func fieldErrors(err error) []scoring.FieldError {
	return slices.Clone(toError(err).Fields)
}

// checkObjection names what is wrong in an objection against the unit's
// set: the kind, the criterion or deduction it targets, the figure asked
// for and its value, the explanation, the number of files.
func (s *Server) checkObjection(ctx context.Context, ust workflows.UnitState, req ObjectionRequest, files int) []scoring.FieldError {
	var errs []scoring.FieldError
	add := func(f, code, vi string) { errs = append(errs, field(f, code, vi)) }
	target := strings.TrimSpace(req.Target)
	switch req.Kind {
	case activities.ObjectCriterion:
		set, err := s.SetOf(ctx, ust.Ref.Set, ust.Ref.Annex)
		if err != nil {
			add("target", scoring.ErrUnknown, "Không đọc được bộ tiêu chí của đơn vị")
			break
		}
		switch crit := set.Criterion(target); {
		case target == "":
			add("target", scoring.ErrRequired, "Chọn tiêu chí được phản hồi")
		case crit == nil:
			add("target", scoring.ErrUnknown, "Không có tiêu chí «"+target+"» trong bộ tiêu chí của đơn vị")
		}
		if req.Figure != "" && set.Figure(req.Figure) == nil {
			add("figure", scoring.ErrUnknown, "Không có số liệu «"+req.Figure+"» trong bộ tiêu chí của đơn vị")
		}
	case activities.ObjectDeduction:
		if !deductionTarget(target) {
			add("target", scoring.ErrUnknown, "Chọn một khoản trừ điểm: nộp muộn, thư điện tử miễn phí hoặc chất lượng số liệu của một tiêu chí")
		}
		if req.Figure != "" {
			add("figure", scoring.ErrInvalid, "Phản hồi về khoản trừ điểm không kèm số liệu đề nghị")
		}
	default:
		add("kind", scoring.ErrNotChoice, "Chọn phản hồi về điểm một tiêu chí hoặc về một khoản trừ điểm")
	}
	if req.Figure != "" && req.Value == nil {
		add("value", scoring.ErrRequired, "Nhập giá trị đơn vị đề nghị cho số liệu đã chọn")
	}
	if strings.TrimSpace(req.Explanation) == "" {
		add("explanation", scoring.ErrRequired, "Nêu nội dung phản hồi, giải trình")
	}
	if files > maxObjectionFiles {
		add("file", scoring.ErrInvalid, "Mỗi phản hồi kèm tối đa "+strconv.Itoa(maxObjectionFiles)+" tệp")
	}
	return errs
}

// deductionTarget is a deduction an objection may name.
func deductionTarget(t string) bool {
	switch {
	case t == string(scoring.DeductLate), t == string(scoring.DeductFreeEmail):
		return true
	case strings.HasPrefix(t, "quality:"):
		return len(t) > len("quality:")
	}
	return false
}

// objectionID reads the :id of an objection route.
func objectionID(c *gin.Context) (int, error) {
	id, err := strconv.Atoi(c.Param("id"))
	if err != nil || id < 1 {
		msg := "Số phản hồi không hợp lệ: " + strconv.Quote(c.Param("id"))
		return 0, badRequest(msg, field("id", scoring.ErrInvalid, msg))
	}
	return id, nil
}

// answerObjection is an appraiser's answer.
func (s *Server) answerObjection(c *gin.Context) {
	year, err := yearParam(c)
	var id int
	if err == nil {
		id, err = objectionID(c)
	}
	var req AnswerRequest
	if err == nil {
		err = decodeJSON(c, &req, false)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.campaignUpdate(c, year, workflows.UpdateAnswerObjection, workflows.AnswerArgs{By: userOf(c).Name, ID: id, Accept: req.Accept,
		Reason: req.Reason, Figure: req.Figure, Value: req.Value})
}

// extendObjections adds working days to the window.
func (s *Server) extendObjections(c *gin.Context) {
	year, err := yearParam(c)
	var req ExtendObjectionsRequest
	if err == nil {
		err = decodeJSON(c, &req, false)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.campaignUpdate(c, year, workflows.UpdateExtendObjections, workflows.ExtendObjectionsArgs{By: userOf(c).Name, Days: req.Days, Reason: req.Reason})
}

// closeObjections ends the window early.
func (s *Server) closeObjections(c *gin.Context) {
	year, err := yearParam(c)
	var req CloseObjectionsRequest
	if err == nil {
		err = decodeJSON(c, &req, false)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.campaignUpdate(c, year, workflows.UpdateCloseObjections, workflows.CloseObjectionsArgs{By: userOf(c).Name, Reason: req.Reason})
}

// objectionEvidence sends an objection's file n: to the department, and
// to the users of the unit that filed it.
func (s *Server) objectionEvidence(c *gin.Context) {
	year, err := yearParam(c)
	var id, n int
	if err == nil {
		id, err = objectionID(c)
	}
	if err == nil {
		if n, err = strconv.Atoi(c.Param("n")); err != nil || n < 0 {
			err = badRequest("Số thứ tự tài liệu không hợp lệ", field("n", scoring.ErrInvalid, "Số thứ tự tài liệu không hợp lệ"))
		}
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	st, err := s.cache.campaign(c.Request.Context(), year)
	if err != nil {
		s.fail(c, err)
		return
	}
	if id > len(st.Objections) {
		s.fail(c, notFound("Không có phản hồi số "+strconv.Itoa(id)))
		return
	}
	o := st.Objections[id-1]
	if usr := userOf(c); usr.Unit != "" && usr.Unit != o.Unit {
		s.fail(c, forbidden("Chỉ xem được phản hồi của đơn vị mình"))
		return
	}
	if n >= len(o.Evidence) {
		s.fail(c, notFound("Không có tài liệu số "+strconv.Itoa(n)+" của phản hồi số "+strconv.Itoa(id)))
		return
	}
	s.sendEvidence(c, o.Evidence[n].Archived())
}
