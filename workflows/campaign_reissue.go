package workflows

import (
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"ictindex/activities"
)

// Corrections (version "reissue" of the campaign): once published, the
// campaign stays open for corrected decisions. A correction is a new
// issuance with its own number that names the one it replaces and why;
// the replaced decision stays locked and readable. The year's record
// closes when the department closes it (UpdateCloseYear) or CorrectionWindow
// after the first publication, whichever is first, and never while a
// correction awaits its signature.

// CorrectionWindow is how long after its publication a campaign accepts
// corrected decisions unless it is closed earlier.
const CorrectionWindow = 365 * 24 * time.Hour

// ReissueArgs asks for a corrected decision replacing the current one.
type ReissueArgs struct {
	By string `json:"by"`
	// Reason is why the decision is replaced; it is recorded with the
	// issuance and printed in the signature's reason.
	Reason string `json:"reason"`
	// Number is the clerk's number; empty takes the register's next.
	Number      string `json:"number,omitempty"`
	Signer      string `json:"signer,omitempty"`
	SignerTitle string `json:"signer_title,omitempty"`
	External    bool   `json:"external,omitempty"`
}

// Pending is the issuance awaiting its signature, or nil.
func (s CampaignStatus) Pending() *activities.Issuance {
	if n := len(s.Issuances); n > 0 && s.Issuances[n-1].Signed == nil {
		return &s.Issuances[n-1]
	}
	return nil
}

// Current is the signed issuance in force (the last signed one), or nil.
func (s CampaignStatus) Current() *activities.Issuance {
	for i := len(s.Issuances) - 1; i >= 0; i-- {
		if s.Issuances[i].Signed != nil {
			return &s.Issuances[i]
		}
	}
	return nil
}

// ReplacedBy is the issuance that replaced the one of index, or nil.
func (s CampaignStatus) ReplacedBy(index int) *activities.Issuance {
	for i := range s.Issuances {
		if r := s.Issuances[i].Replaces; r != nil && r.Index == index && s.Issuances[i].Signed != nil {
			return &s.Issuances[i]
		}
	}
	return nil
}

// registerCorrections adds the correction updates.
func (c *campaign) registerCorrections(ctx workflow.Context) error {
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateReissue, c.reissue,
		workflow.UpdateHandlerOptions{Validator: c.validateReissue}); err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, UpdateCloseYear, c.closeYear,
		workflow.UpdateHandlerOptions{Validator: c.validateCloseYear})
}

func (c *campaign) validateReissue(ctx workflow.Context, a ReissueArgs) error {
	if err := needBy(a.By); err != nil {
		return err
	}
	if !c.correcting {
		return wrongState("đợt đánh giá này không nhận quyết định thay thế", "this campaign takes no corrected decision")
	}
	if c.status.Phase != PhasePublished || c.status.Current() == nil {
		return wrongState("chưa có quyết định đã ban hành để thay thế", "there is no issued decision to replace")
	}
	if c.status.Closed {
		return wrongState("hồ sơ năm đã đóng, không ban hành quyết định thay thế", "the year's record is closed")
	}
	if c.busy {
		return wrongState("quyết định đang được ban hành", "a decision is being issued")
	}
	if c.status.Pending() != nil {
		return wrongState("quyết định thay thế trước đang chờ ký số", "a corrected decision awaits its signature")
	}
	if strings.TrimSpace(a.Reason) == "" {
		return required("reason", "Nêu lý do ban hành quyết định thay thế", "the reason for the correction is required")
	}
	return nil
}

// reissue issues the corrected decision: the results and records of the
// campaign, the next number, and the replaced decision named.
func (c *campaign) reissue(ctx workflow.Context, a ReissueArgs) (CampaignStatus, error) {
	cur := c.status.Current()
	ref := cur.Ref()
	return c.issueAs(ctx, PublishArgs{By: a.By, Note: a.Reason, Number: a.Number, Signer: a.Signer,
		SignerTitle: a.SignerTitle, External: a.External}, &ref, strings.TrimSpace(a.Reason))
}

func (c *campaign) validateCloseYear(ctx workflow.Context, a ActorArgs) error {
	if err := needBy(a.By); err != nil {
		return err
	}
	if !c.correcting || c.status.Phase != PhasePublished {
		return wrongState("chỉ đóng hồ sơ năm đã công bố kết quả", "only a published year can be closed")
	}
	if c.status.Closed {
		return wrongState("hồ sơ năm đã đóng", "the year's record is already closed")
	}
	if c.busy || c.status.Pending() != nil {
		return wrongState("quyết định thay thế đang chờ ký số", "a corrected decision awaits its signature")
	}
	return nil
}

func (c *campaign) closeYear(ctx workflow.Context, a ActorArgs) (CampaignStatus, error) {
	c.status.Closed = true
	c.log(ctx, a.By, "đóng hồ sơ năm", "")
	return c.status, nil
}

// awaitClose keeps a published campaign open for corrections until it is
// closed or its window has passed, and nothing is awaiting a signature.
func (c *campaign) awaitClose(ctx workflow.Context) error {
	expired := false
	tctx, cancel := workflow.WithCancel(ctx)
	timer := workflow.NewTimer(tctx, CorrectionWindow)
	workflow.Go(ctx, func(gctx workflow.Context) {
		if timer.Get(gctx, nil) == nil {
			expired = true
		}
	})
	err := workflow.Await(ctx, func() bool {
		return (c.status.Closed || expired) && !c.busy && c.status.Pending() == nil && workflow.AllHandlersFinished(ctx)
	})
	cancel()
	if err != nil {
		return err
	}
	if !c.status.Closed {
		c.status.Closed = true
		c.log(ctx, "hệ thống", "đóng hồ sơ năm", "hết thời hạn nhận quyết định thay thế")
	}
	return nil
}
