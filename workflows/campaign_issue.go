package workflows

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"ictindex/activities"
	"ictindex/scoring"
)

// Issuance (version "issuance" of the campaign): the draft is unnumbered
// and marked "DỰ THẢO"; the leader's approval issues the decision: the
// register's next number (or the clerk's), the day's date, the final PDF
// rendered and, when the server holds the body's key, signed and locked.
// Without a server key the campaign waits in PhaseSigning until the leader
// uploads the file they signed with their own tool (UpdateAttachSigned),
// which is checked against what was issued before it is locked.

// PhaseSigning: issued and numbered, awaiting the leader's signed file.
const PhaseSigning = "awaiting_signature"

// UpdateAttachSigned attaches the leader's signed decision.
const UpdateAttachSigned = "attach-signed"

// AttachSignedArgs is a signed file already stored in the archive (by
// activities.UploadKey) for the issuance awaiting its signature.
type AttachSignedArgs struct {
	By     string                 `json:"by"`
	Upload activities.DocumentRef `json:"upload"`
}

// issueCtx: the leader waits for the answer, so a few minutes at most;
// a retry after that reuses the number already reserved.
func issueCtx(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    5 * time.Minute,
		ScheduleToCloseTimeout: 10 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 30 * time.Second,
			NonRetryableErrorTypes: []string{activities.ErrInvalidInput, activities.ErrSignatureRefused}},
	})
}

// issue is the approval under version "issuance".
func (c *campaign) issue(ctx workflow.Context, a PublishArgs) (CampaignStatus, error) {
	return c.issueAs(ctx, a, nil, "")
}

// issueAs issues the decision; replaces names the issuance a corrected
// decision replaces (nil for the first), with the reason.
func (c *campaign) issueAs(ctx workflow.Context, a PublishArgs, replaces *activities.IssuanceRef, reason string) (CampaignStatus, error) {
	c.busy = true
	defer func() { c.busy = false }()
	if replaces == nil {
		c.log(ctx, a.By, "phê duyệt ban hành", a.Note)
	} else {
		c.log(ctx, a.By, "phê duyệt quyết định thay thế", "thay thế "+replaces.Number+": "+reason)
	}
	dec := c.in.Decision
	if a.Signer != "" {
		dec.Signer = a.Signer
	}
	if a.SignerTitle != "" {
		dec.SignerTitle = a.SignerTitle
	}
	in := activities.IssueInput{
		Draft: activities.DraftInput{Year: c.in.Year, Results: *c.status.Results, Records: c.records, Decision: dec, Manifest: c.manifest},
		Index: len(c.status.Issuances) + 1, Number: a.Number, External: a.External, By: a.By,
		Replaces: replaces, Reason: reason,
	}
	var rec activities.Issuance
	if err := workflow.ExecuteActivity(issueCtx(ctx), act.IssueDecision, in).Get(ctx, &rec); err != nil {
		return c.status, refusal("number", err)
	}
	c.status.Issuances = append(c.status.Issuances, rec)
	c.log(ctx, "hệ thống", "cấp số quyết định", fmt.Sprintf("%s ngày %s", rec.Number, rec.Date))
	if rec.Signed == nil {
		if replaces == nil {
			c.status.Phase = PhaseSigning
		}
		c.log(ctx, "hệ thống", "chờ ký số", "tải về tệp đã cấp số, ký bằng công cụ của người ký rồi tải lên")
		return c.status, nil
	}
	c.log(ctx, "hệ thống", "ký số trên máy chủ", rec.Certificate)
	return c.status, c.lockIssued(ctx, rec)
}

// lockIssued locks the results and the signed decision: published.
func (c *campaign) lockIssued(ctx workflow.Context, rec activities.Issuance) error {
	var out activities.PublishResult
	err := workflow.ExecuteActivity(archiveCtx(ctx), act.Publish,
		activities.PublishInput{Year: c.in.Year, Results: *c.status.Results, Decision: *rec.Signed}).Get(ctx, &out)
	if err != nil {
		return err
	}
	c.status.Results, c.status.Decision = &out.Results, &out.Decision
	c.status.Phase = PhasePublished
	c.log(ctx, "hệ thống", "ban hành quyết định", fmt.Sprintf("%s (%s)", rec.Number, out.Decision.Key))
	body := fmt.Sprintf("Quyết định số %s ngày %s đã được ký số và ban hành. Tra cứu: %s", rec.Number, rec.Date, rec.VerifyURL)
	if rp := rec.Replaces; rp != nil {
		body = fmt.Sprintf("Quyết định số %s ngày %s thay thế Quyết định số %s ngày %s (%s), đã được ký số và ban hành. Tra cứu: %s",
			rec.Number, rec.Date, rp.Number, rp.Date, rec.Reason, rec.VerifyURL)
	}
	notice := activities.Notice{Kind: "published", Year: c.in.Year, At: workflow.Now(ctx),
		Subject: fmt.Sprintf("Quyết định số %s công bố kết quả đánh giá năm %d", rec.Number, c.in.Year),
		Body:    body}
	_ = workflow.ExecuteActivity(notifyCtx(ctx), act.Notify, notice).Get(ctx, nil)
	return nil
}

func (c *campaign) validateAttachSigned(ctx workflow.Context, a AttachSignedArgs) error {
	if err := needBy(a.By); err != nil {
		return err
	}
	if c.status.Pending() == nil {
		return wrongState("quyết định không ở bước chờ ký số", "the decision is not awaiting a signature")
	}
	if c.busy {
		return wrongState("một bản ký số khác đang được kiểm tra", "another signed file is being checked")
	}
	if a.Upload.Key == "" || a.Upload.VersionID == "" {
		return required("file", "Thiếu tệp quyết định đã ký", "the signed file is missing")
	}
	return nil
}

func (c *campaign) attachSigned(ctx workflow.Context, a AttachSignedArgs) (CampaignStatus, error) {
	c.busy = true
	defer func() { c.busy = false }()
	cur := c.status.Issuances[len(c.status.Issuances)-1]
	var rec activities.Issuance
	err := workflow.ExecuteActivity(issueCtx(ctx), act.AttachSigned,
		activities.AttachSignedInput{Issuance: cur, Upload: a.Upload, By: a.By}).Get(ctx, &rec)
	if err != nil {
		c.log(ctx, a.By, "tải lên bản ký số bị từ chối", message(err))
		return c.status, refusal("file", err)
	}
	c.status.Issuances[len(c.status.Issuances)-1] = rec
	c.log(ctx, a.By, "tải lên bản ký số", rec.Certificate)
	return c.status, c.lockIssued(ctx, rec)
}

// refusal turns an activity's final refusal into the update's field
// error; other errors stay as they are.
func refusal(field string, err error) error {
	var app *temporal.ApplicationError
	if errors.As(err, &app) && app.NonRetryable() {
		return refuse(scoring.FieldError{Field: field, Code: scoring.ErrInvalid, Message: app.Message(), MessageEN: app.Message()})
	}
	return err
}

func message(err error) string {
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		return app.Message()
	}
	return err.Error()
}
