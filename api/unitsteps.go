package api

import (
	"context"

	"github.com/gin-gonic/gin"

	"ictindex/workflows"
)

// NoteRequest is the body of the two-step and withdraw actions: an
// optional note (required to return a report to its preparer).
type NoteRequest struct {
	Note string `json:"note,omitempty"`
}

// CheckSubmitter refuses a preparer's submit or withdraw when their unit
// has an approver, who does it instead; nil for everyone else.
func (s *Server) CheckSubmitter(ctx context.Context, usr User, code string) error {
	if usr.Role != RoleSubmitter {
		return nil
	}
	// A unit with an enabled approver (lãnh đạo đơn vị) account goes in
	// two steps: its preparers hand the report over instead.
	has, err := s.users.HasActiveUser(ctx, RoleApprover, code)
	if err != nil {
		return err
	}
	if has {
		return forbidden("Đơn vị có lãnh đạo đơn vị duyệt báo cáo: hãy chuyển báo cáo cho lãnh đạo đơn vị để gửi hoặc rút lại")
	}
	return nil
}

// submitterPolicy runs CheckSubmitter before a handler.
func (s *Server) submitterPolicy(c *gin.Context) {
	if err := s.CheckSubmitter(c.Request.Context(), userOf(c), c.Param("code")); err != nil {
		s.fail(c, err)
		return
	}
	c.Next()
}

func (s *Server) handOver(c *gin.Context) {
	unitAction(s, workflows.UpdateHandOver, true, func(r NoteRequest, by string) any { return workflows.NoteArgs{By: by, Note: r.Note} })(c)
}

func (s *Server) returnToPreparer(c *gin.Context) {
	unitAction(s, workflows.UpdateReturnToPreparer, false, func(r NoteRequest, by string) any { return workflows.NoteArgs{By: by, Note: r.Note} })(c)
}

func (s *Server) withdraw(c *gin.Context) {
	unitAction(s, workflows.UpdateWithdraw, true, func(r NoteRequest, by string) any { return workflows.NoteArgs{By: by, Note: r.Note} })(c)
}

func (s *Server) take(c *gin.Context) {
	unitAction(s, workflows.UpdateTake, true, func(_ emptyRequest, by string) any { return workflows.ActorArgs{By: by} })(c)
}
