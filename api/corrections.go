package api

import (
	"strconv"

	"github.com/gin-gonic/gin"

	"ictindex/activities"
	"ictindex/workflows"
)

// ReissueRequest is the body of POST .../reissue: why the decision in
// force is replaced (required), and as for the first issuance the clerk's
// number, the signer and whether the leader signs outside the system.
type ReissueRequest struct {
	Reason      string `json:"reason"`
	Number      string `json:"number,omitempty"`
	Signer      string `json:"signer,omitempty"`
	SignerTitle string `json:"signer_title,omitempty"`
	External    bool   `json:"external,omitempty"`
}

// reissue is the leader's corrected decision: a new issuance with its own
// number that names the one it replaces.
func (s *Server) reissue(c *gin.Context) {
	year, err := yearParam(c)
	var req ReissueRequest
	if err == nil {
		err = decodeJSON(c, &req, false)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.campaignUpdate(c, year, workflows.UpdateReissue, workflows.ReissueArgs{By: userOf(c).Name, Reason: req.Reason,
		Number: req.Number, Signer: req.Signer, SignerTitle: req.SignerTitle, External: req.External})
}

// closeYear closes a published year's record to corrections.
func (s *Server) closeYear(c *gin.Context) {
	year, err := yearParam(c)
	if err == nil {
		err = decodeJSON(c, &struct{}{}, true)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.campaignUpdate(c, year, workflows.UpdateCloseYear, workflows.ActorArgs{By: userOf(c).Name})
}

// issuancePDF serves one issuance's decision, replaced or in force: the
// signed file, or the numbered one while it awaits its signature.
func (s *Server) issuancePDF(c *gin.Context) {
	index, _ := strconv.Atoi(c.Param("index"))
	s.document(c, "application/pdf", func(st workflows.CampaignStatus) *activities.DocumentRef {
		if index < 1 || index > len(st.Issuances) {
			return nil
		}
		ref := st.Issuances[index-1].Final()
		return &ref
	}, "Không có lần ban hành này")
}
