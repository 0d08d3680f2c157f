package api

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/sdk/client"

	"ictindex/scoring"
	"ictindex/workflows"
)

// callTimeout bounds one call to Temporal.
const callTimeout = 30 * time.Second

// update runs a workflow update and waits for its result; a refusal comes
// back as an error workflows.FieldErrors understands. The new state it
// answers is written through to the pages' read model.
func (s *Server) update(ctx context.Context, workflowID, name string, args, result any) error {
	start := time.Now()
	err := s.runUpdate(ctx, workflowID, name, args, result)
	s.metrics.observeUpdate(name, time.Since(start), err)
	if err != nil {
		if toError(err).status >= http.StatusInternalServerError {
			s.cache.failedUpdate(workflowID) // it may have happened
		}
		return err
	}
	switch st := result.(type) {
	case *workflows.UnitState:
		s.cache.wroteUnit(*st)
	case *workflows.CampaignStatus:
		s.forgetShards()
		if err := s.expandCampaign(ctx, st); err != nil {
			s.cache.failedUpdate(workflowID) // done, but its units could not be read
			return nil
		}
		s.cache.wroteCampaign(*st)
	default:
		s.cache.failedUpdate(workflowID)
	}
	return nil
}

func (s *Server) runUpdate(ctx context.Context, workflowID, name string, args, result any) error {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	h, err := s.temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: workflowID, UpdateName: name,
		Args: []any{args}, WaitForStage: client.WorkflowUpdateStageCompleted})
	if err != nil {
		return err
	}
	return h.Get(ctx, result)
}

// query runs the status query of a workflow.
func (s *Server) query(ctx context.Context, workflowID string, result any) error {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	v, err := s.temporal.QueryWorkflow(ctx, workflowID, "", workflows.QueryStatus)
	if err != nil {
		return err
	}
	return v.Get(result)
}

// unitCodePattern is what a unit code may hold (as the registry's).
var unitCodePattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// yearParam reads the :year path parameter.
func yearParam(c *gin.Context) (int, error) {
	y, err := strconv.Atoi(c.Param("year"))
	if err != nil || y < 2000 || y > 2200 {
		msg := "Năm báo cáo trong đường dẫn không hợp lệ: " + strconv.Quote(c.Param("year"))
		return 0, badRequest(msg, field("year", scoring.ErrInvalid, msg))
	}
	return y, nil
}

// unitParams reads :year and :code and returns the unit's workflow ID.
func unitParams(c *gin.Context) (year int, code, id string, err error) {
	year, err = yearParam(c)
	if err != nil {
		return 0, "", "", err
	}
	code = c.Param("code")
	if !unitCodePattern.MatchString(code) {
		msg := "Mã đơn vị trong đường dẫn không hợp lệ"
		return 0, "", "", badRequest(msg, field("code", scoring.ErrInvalid, msg))
	}
	return year, code, workflows.UnitWorkflowID(year, code), nil
}
