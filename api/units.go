package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"ictindex/scoring"
	"ictindex/workflows"
)

// Request bodies of the unit actions.
type (
	// FiguresRequest merges figures into the draft (null clears one);
	// Flags, when present, replaces the unit's flags.
	FiguresRequest struct {
		Figures map[string]any `json:"figures"`
		Flags   *[]string      `json:"flags,omitempty"`
	}
	// ExtendRequest moves a unit's deadline later.
	ExtendRequest struct {
		Deadline time.Time `json:"deadline"`
		Reason   string    `json:"reason"`
	}
	// RevisionRequest sends a submission back until a deadline.
	RevisionRequest struct {
		Reason   string    `json:"reason"`
		Deadline time.Time `json:"deadline"`
	}
	// CorrectionRequest corrects one figure for the appraised score.
	CorrectionRequest struct {
		Figure string `json:"figure"`
		Value  any    `json:"value"`
		Reason string `json:"reason"`
	}
	// QualityFlagRequest flags a criterion's data as poor quality.
	QualityFlagRequest struct {
		Criterion string `json:"criterion"`
		Reason    string `json:"reason"`
	}
	// FreeEmailRequest records the free e-mail finding.
	FreeEmailRequest struct {
		Reason string `json:"reason"`
	}
	// emptyRequest is an action without a body (an empty JSON object is
	// accepted too).
	emptyRequest struct{}
)

// unitAction is the shape of every unit update handler: decode the body
// (optional when empty is true), convert it with the caller as "by", run
// the update, answer the unit's new state.
func unitAction[T any](s *Server, name string, optional bool, convert func(req T, by string) any) gin.HandlerFunc {
	return func(c *gin.Context) {
		_, _, id, err := unitParams(c)
		var req T
		if err == nil {
			err = decodeJSON(c, &req, optional)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		var st workflows.UnitState
		if err := s.update(c.Request.Context(), id, name, convert(req, userOf(c).Name), &st); err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, st)
	}
}

// unitState answers a unit's state.
func (s *Server) unitState(c *gin.Context) {
	year, code, _, err := unitParams(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	st, err := s.cache.readUnit(c.Request.Context(), year, code) // fresh, and kept for the pages
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, st)
}

func (s *Server) saveFigures(c *gin.Context) {
	unitAction(s, workflows.UpdateSaveFigures, false, func(r FiguresRequest, by string) any {
		return workflows.SaveFiguresArgs{By: by, Figures: r.Figures, Flags: r.Flags}
	})(c)
}

func (s *Server) submit(c *gin.Context) {
	unitAction(s, workflows.UpdateSubmit, true, func(_ emptyRequest, by string) any { return workflows.ActorArgs{By: by} })(c)
}

func (s *Server) finish(c *gin.Context) {
	unitAction(s, workflows.UpdateFinishAppraisal, true, func(_ emptyRequest, by string) any { return workflows.ActorArgs{By: by} })(c)
}

func (s *Server) extend(c *gin.Context) {
	unitAction(s, workflows.UpdateExtendDeadline, false, func(r ExtendRequest, by string) any {
		return workflows.ExtendArgs{By: by, Deadline: r.Deadline.In(scoring.Vietnam), Reason: r.Reason}
	})(c)
}

func (s *Server) requestRevision(c *gin.Context) {
	unitAction(s, workflows.UpdateRequestRevision, false, func(r RevisionRequest, by string) any {
		return workflows.RevisionArgs{By: by, Reason: r.Reason, Deadline: r.Deadline.In(scoring.Vietnam)}
	})(c)
}

func (s *Server) correct(c *gin.Context) {
	unitAction(s, workflows.UpdateCorrectFigure, false, func(r CorrectionRequest, by string) any {
		return workflows.CorrectionArgs{By: by, Figure: r.Figure, Value: r.Value, Reason: r.Reason}
	})(c)
}

func (s *Server) flagQuality(c *gin.Context) {
	unitAction(s, workflows.UpdateFlagQuality, false, func(r QualityFlagRequest, by string) any {
		return workflows.QualityFlagArgs{By: by, Criterion: r.Criterion, Reason: r.Reason}
	})(c)
}

func (s *Server) flagFreeEmail(c *gin.Context) {
	unitAction(s, workflows.UpdateFlagFreeEmail, false, func(r FreeEmailRequest, by string) any {
		return workflows.FreeEmailArgs{By: by, Reason: r.Reason}
	})(c)
}
