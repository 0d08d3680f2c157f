package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"ictindex/activities"
	"ictindex/archive"
	"ictindex/scoring"
	"ictindex/workflows"
)

// Year on year for the unit's form: the unit's archived record of the
// year before, read by unit code, gives the figures as appraised (shown
// beside this year's inputs for reference) and the evidence documents it
// names, which the unit may carry forward to this year's report.

// Previous is a unit's record of the year before as this year's report
// uses it.
type Previous struct {
	Year   int    `json:"year"`
	Status string `json:"status"`
	// Figures are last year's values as appraised, limited to the
	// figures of this year's criteria set.
	Figures map[string]any `json:"figures,omitempty"`
	// Evidence are the documents the record names, each with whether it is
	// already carried into this year's report.
	Evidence []PreviousEvidence `json:"evidence,omitempty"`
}

// PreviousEvidence is one document of last year's record.
type PreviousEvidence struct {
	activities.EvidenceRef
	// Carried is the document's index in this year's evidence list once
	// carried forward; -1 before.
	Carried int `json:"carried"`
}

// CarryRequest names a document of the unit's record of the year before
// by its archive key and version.
type CarryRequest struct {
	Key       string `json:"key"`
	VersionID string `json:"version_id"`
}

// PreviousRecord reads the unit's archived record of the year before
// year; nil (and no error) when there is none: the unit is new this year.
func (s *Server) PreviousRecord(ctx context.Context, year int, code string) (*activities.UnitRecord, error) {
	data, err := s.store.GetDocument(ctx, activities.RecordKey(year-1, code), "")
	if errors.Is(err, archive.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var rec activities.UnitRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		return nil, fmt.Errorf("record %s: %w", activities.RecordKey(year-1, code), err)
	}
	return &rec, nil
}

// PreviousFor describes a previous record against this year's unit and
// criteria set.
func PreviousFor(rec *activities.UnitRecord, st *workflows.UnitState, set *scoring.Set) Previous {
	p := Previous{Year: st.Year - 1, Status: rec.Status}
	for k, v := range rec.AppraisedFigures() {
		if set.Figure(k) != nil {
			if p.Figures == nil {
				p.Figures = map[string]any{}
			}
			p.Figures[k] = v
		}
	}
	for _, ev := range rec.Evidence {
		pe := PreviousEvidence{EvidenceRef: ev, Carried: -1}
		for i, cur := range st.Evidence {
			if cur.Key == ev.Key && cur.VersionID == ev.VersionID {
				pe.Carried = i
			}
		}
		p.Evidence = append(p.Evidence, pe)
	}
	return p
}

// previous: GET …/units/{code}/previous, the unit's record of last year.
func (s *Server) previous(c *gin.Context) {
	year, code, _, err := unitParams(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	st, err := s.cache.unit(ctx, year, code)
	if err != nil {
		s.fail(c, err)
		return
	}
	set, err := s.SetOf(ctx, st.Ref.Set, st.Ref.Annex)
	if err != nil {
		s.fail(c, err)
		return
	}
	rec, err := s.PreviousRecord(ctx, year, code)
	if err != nil {
		s.fail(c, err)
		return
	}
	if rec == nil {
		s.fail(c, notFound(fmt.Sprintf("Đơn vị %s không có hồ sơ đánh giá năm %d", code, year-1)))
		return
	}
	c.JSON(http.StatusOK, PreviousFor(rec, &st, set))
}

// CarryEvidence attaches a document of the unit's record of the year
// before to this year's report: found in that record by key and version,
// verified in the archive (the version is still there with the bytes its
// SHA-256 names), then recorded by the carry-evidence update, unconfirmed.
func (s *Server) CarryEvidence(ctx context.Context, year int, code, by string, req CarryRequest) (workflows.UnitState, error) {
	var st workflows.UnitState
	req.Key, req.VersionID = strings.TrimSpace(req.Key), strings.TrimSpace(req.VersionID)
	var fe []scoring.FieldError
	if req.Key == "" {
		fe = append(fe, field("key", scoring.ErrRequired, "Thiếu khóa lưu trữ của tài liệu năm trước (trường «key»)"))
	}
	if req.VersionID == "" {
		fe = append(fe, field("version_id", scoring.ErrRequired, "Thiếu phiên bản của tài liệu năm trước (trường «version_id»)"))
	}
	if len(fe) > 0 {
		return st, unprocessable(summary(fe), fe...)
	}
	rec, err := s.PreviousRecord(ctx, year, code)
	if err != nil {
		return st, err
	}
	notIn := fmt.Sprintf("Tài liệu không có trong hồ sơ năm %d của đơn vị (trường «key»)", year-1)
	if rec == nil {
		return st, unprocessable(notIn, field("key", scoring.ErrUnknown, notIn))
	}
	ev, ok := rec.EvidenceFor(req.Key, req.VersionID)
	if !ok {
		return st, unprocessable(notIn, field("key", scoring.ErrUnknown, notIn))
	}
	switch err := s.store.VerifyEvidence(ctx, ev.Archived()); {
	case err == nil, errors.Is(err, archive.ErrSuperseded): // the version itself is intact
	case errors.Is(err, archive.ErrTampered):
		s.log.Warn("carried evidence fails verification", "key", ev.Key, "version", ev.VersionID, "err", err)
		msg := fmt.Sprintf("Tài liệu «%s» của năm %d không còn nguyên vẹn trong kho lưu trữ; hãy tải lên bản mới (trường «key»)", ev.FileName, year-1)
		return st, unprocessable(msg, field("key", scoring.ErrInvalid, msg))
	default:
		return st, err
	}
	ev.CarriedFrom, ev.Confirmed = year-1, false
	err = s.update(ctx, workflows.UnitWorkflowID(year, code), workflows.UpdateCarryEvidence,
		workflows.CarryEvidenceArgs{By: by, Evidence: ev}, &st)
	return st, err
}

// carryEvidence: POST …/units/{code}/evidence/carry.
func (s *Server) carryEvidence(c *gin.Context) {
	year, code, _, err := unitParams(c)
	var req CarryRequest
	if err == nil {
		err = decodeJSON(c, &req, false)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	st, err := s.CarryEvidence(c.Request.Context(), year, code, userOf(c).Name, req)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, st)
}

// confirmEvidence: POST …/units/{code}/evidence/{n}/confirm, the unit
// confirms that the carried document n still holds.
func (s *Server) confirmEvidence(c *gin.Context) {
	_, _, id, err := unitParams(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	n, err := EvidenceIndex(c.Param("n"))
	if err != nil {
		s.fail(c, err)
		return
	}
	var st workflows.UnitState
	if err := s.update(c.Request.Context(), id, workflows.UpdateConfirmEvidence, workflows.ConfirmEvidenceArgs{By: userOf(c).Name, Index: n}, &st); err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, st)
}

// EvidenceIndex reads an evidence document's number (from 0).
func EvidenceIndex(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 || n > 1<<20 {
		msg := "Số thứ tự tài liệu kiểm chứng không hợp lệ (trường «n»)"
		return 0, badRequest(msg, field("n", scoring.ErrInvalid, msg))
	}
	return n, nil
}
