package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/go-pdf/fpdf"
	"go.temporal.io/sdk/client"

	"ictindex/activities"
	"ictindex/archive"
	"ictindex/scoring"
	"ictindex/workflows"
)

// scenario plays a whole campaign for a batch of submissions through the
// real workflows: units fill in, upload evidence and submit (those whose
// batch time is after the deadline submit late, non-submitters never), one
// revision round, appraisal with the batch's corrections and flags,
// ranking, drafting, approval and publication.
type scenario struct {
	d          driver
	store      *archive.Store
	out        io.Writer
	deadlineIn time.Duration
	revise     string                          // unit code sent back for revision; "" = the first on-time PL01 unit with procedures
	onTime     bool                            // everyone submits on time: a distant deadline, no waiting
	objections bool                            // preliminary results: two units object, one accepted, one rejected
	afterOpen  func(ctx context.Context) error // test hook: runs once units are collecting
	beforeRank func(ctx context.Context) error // test hook: runs before the appraisals finish
}

// outcome is what a played campaign left.
type outcome struct {
	Result workflows.CampaignResult
	Status workflows.CampaignStatus
}

func (sc *scenario) say(format string, args ...any) {
	if sc.out != nil {
		fmt.Fprintf(sc.out, format+"\n", args...)
	}
}

func (sc *scenario) run(ctx context.Context, b *scoring.Batch) (*outcome, error) {
	st := b.Resolve()
	opened := time.Now()
	st.Deadline = opened.Add(sc.deadlineIn).In(scoring.Vietnam)
	if sc.onTime {
		st.Deadline = opened.Add(24 * time.Hour).In(scoring.Vietnam)
	}
	in := workflows.CampaignInput{Year: b.Year, Settings: st,
		Decision: activities.DecisionMeta{Number: "15/QĐ-UBND", Date: scoring.DateOf(opened.In(scoring.Vietnam)), Signer: "Trịnh Xuân Trường"}}
	for _, u := range b.Units {
		in.Units = append(in.Units, activities.UnitRef{Unit: u.Unit, Annex: u.Annex, Flags: u.Flags})
	}
	if sc.objections {
		in.ObjectionDays = workflows.DefaultObjectionDays
	}
	_, err := sc.d.c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.CampaignWorkflowID(b.Year), TaskQueue: workflows.TaskQueue},
		workflows.CampaignWorkflowName, in)
	if err != nil {
		return nil, fmt.Errorf("mở đợt đánh giá: %w", err)
	}
	sc.say("Mở đợt đánh giá năm %d: %d đơn vị, hạn gửi %s.", b.Year, len(in.Units), st.Deadline.Format("15:04:05 02/01/2006"))
	if _, err := sc.d.waitPhase(ctx, b.Year, workflows.PhaseCollecting); err != nil {
		return nil, err
	}
	if sc.afterOpen != nil {
		if err := sc.afterOpen(ctx); err != nil {
			return nil, err
		}
	}
	late, onTime := sc.split(b)
	if err := sc.each(ctx, b, func(ctx context.Context, u *scoring.Submission) error {
		return sc.fill(ctx, b.Year, u, !late[u.Unit.Code])
	}); err != nil {
		return nil, err
	}
	if time.Now().After(st.Deadline) {
		return nil, fmt.Errorf("hạn %s quá ngắn: các đơn vị đúng hạn chưa gửi xong khi hết hạn", sc.deadlineIn)
	}
	sc.say("%d đơn vị đã nhập số liệu, tải tài liệu kiểm chứng và gửi đúng hạn.", onTime)
	if wait := time.Until(st.Deadline); wait > 0 && len(late) > 0 {
		sc.say("Chờ quá hạn %s…", wait.Round(time.Second))
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait + time.Second):
		}
	}
	for _, u := range b.Units {
		if late[u.Unit.Code] {
			if err := sc.d.update(ctx, workflows.UnitWorkflowID(b.Year, u.Unit.Code), workflows.UpdateSubmit, workflows.ActorArgs{By: u.Unit.Code}, nil); err != nil {
				return nil, err
			}
			sc.say("  %s gửi muộn.", u.Unit.Name)
		}
	}
	if err := sc.revision(ctx, b, late); err != nil {
		return nil, err
	}
	if err := sc.d.update(ctx, workflows.CampaignWorkflowID(b.Year), workflows.UpdateCloseCollection, workflows.ActorArgs{By: "quan-tri@stttt"}, nil); err != nil {
		return nil, err
	}
	sc.say("Khóa thu thập báo cáo.")
	if sc.beforeRank != nil {
		if err := sc.beforeRank(ctx); err != nil {
			return nil, err
		}
	}
	if err := sc.each(ctx, b, func(ctx context.Context, u *scoring.Submission) error { return sc.appraise(ctx, b.Year, u) }); err != nil {
		return nil, err
	}
	if sc.objections {
		if err := sc.object(ctx, b, late); err != nil {
			return nil, err
		}
	}
	sc.say("Thẩm định xong; xếp hạng và dự thảo quyết định…")
	if _, err := sc.d.waitPhase(ctx, b.Year, workflows.PhaseDrafted); err != nil {
		return nil, err
	}
	if err := sc.d.update(ctx, workflows.CampaignWorkflowID(b.Year), workflows.UpdateApprovePublish,
		workflows.PublishArgs{By: "chu-tich@ubnd", Note: "Đồng ý ban hành"}, nil); err != nil {
		return nil, err
	}
	// Published, the campaign stays open for corrected decisions until the
	// year is closed; its documents in force are in its status.
	status, err := sc.d.waitPhase(ctx, b.Year, workflows.PhasePublished)
	if err != nil {
		return nil, err
	}
	res := workflows.CampaignResult{Year: b.Year, Results: *status.Results, Decision: *status.Decision, Issuance: status.Current()}
	sc.say("Lãnh đạo đã phê duyệt; quyết định và kết quả được khóa trong kho lưu trữ.")
	return &outcome{Result: res, Status: status}, nil
}

// split marks the units whose batch submission time is after the deadline
// of the original batch: they submit after the demo's deadline.
func (sc *scenario) split(b *scoring.Batch) (map[string]bool, int) {
	orig := b.Resolve().Deadline
	late, onTime := map[string]bool{}, 0
	for _, u := range b.Units {
		switch {
		case u.NotSubmitted:
		case !sc.onTime && u.SubmittedAt != nil && u.SubmittedAt.After(orig):
			late[u.Unit.Code] = true
		default:
			onTime++
		}
	}
	return late, onTime
}

// each runs fn for every unit that submits, four at a time.
func (sc *scenario) each(ctx context.Context, b *scoring.Batch, fn func(context.Context, *scoring.Submission) error) error {
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	for i := range b.Units {
		u := &b.Units[i]
		if u.NotSubmitted {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := fn(ctx, u); err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return first
}

// fill saves a unit's figures, uploads two evidence documents and, when on
// time, submits.
func (sc *scenario) fill(ctx context.Context, year int, u *scoring.Submission, submit bool) error {
	id := workflows.UnitWorkflowID(year, u.Unit.Code)
	by := "can-bo@" + u.Unit.Code
	if err := sc.d.update(ctx, id, workflows.UpdateSaveFigures, workflows.SaveFiguresArgs{By: by, Figures: u.Figures}, nil); err != nil {
		return err
	}
	for _, crit := range []string{"I.1", "IV.1"} {
		doc := evidencePDF(u.Unit, crit)
		ev, err := sc.store.PutEvidence(ctx, archive.EvidenceKey{Year: year, Unit: u.Unit.Code, Criterion: crit,
			FileName: "kiem-chung-" + crit + ".pdf"}, bytes.NewReader(doc), int64(len(doc)), by)
		if err != nil {
			return fmt.Errorf("%s: tải tài liệu kiểm chứng: %w", u.Unit.Code, err)
		}
		if err := sc.d.update(ctx, id, workflows.UpdateAttachEvidence, workflows.AttachEvidenceArgs{By: by, Evidence: activities.EvidenceOf(ev, crit)}, nil); err != nil {
			return err
		}
	}
	if !submit {
		return nil
	}
	return sc.d.update(ctx, id, workflows.UpdateSubmit, workflows.ActorArgs{By: by}, nil)
}

// revision sends one on-time PL01 unit back for a missing document; it
// corrects a figure and resubmits.
func (sc *scenario) revision(ctx context.Context, b *scoring.Batch, late map[string]bool) error {
	code := sc.revise
	for i := 0; code == "" && i < len(b.Units); i++ {
		if u := b.Units[i]; u.Annex == scoring.AnnexPL01 && !u.NotSubmitted && !late[u.Unit.Code] && len(u.Flags) == 0 && u.Appraisal == nil {
			code = u.Unit.Code
		}
	}
	if code == "" {
		return nil // no unit fits
	}
	id := workflows.UnitWorkflowID(b.Year, code)
	err := sc.d.update(ctx, id, workflows.UpdateRequestRevision, workflows.RevisionArgs{By: "tham-dinh@stttt",
		Reason: "Bổ sung quyết định phân công lãnh đạo phụ trách CNTT", Deadline: time.Now().Add(time.Hour)}, nil)
	if err != nil {
		return err
	}
	if err := sc.d.update(ctx, id, workflows.UpdateSaveFigures, workflows.SaveFiguresArgs{By: "can-bo@" + code,
		Figures: map[string]any{"steering_committee": true}}, nil); err != nil {
		return err
	}
	if err := sc.d.update(ctx, id, workflows.UpdateSubmit, workflows.ActorArgs{By: "can-bo@" + code}, nil); err != nil {
		return err
	}
	sc.say("Một vòng yêu cầu bổ sung: %s đã bổ sung và gửi lại.", code)
	return nil
}

// appraise applies the batch's appraisal (corrections, flags, free e-mail)
// and finishes.
func (sc *scenario) appraise(ctx context.Context, year int, u *scoring.Submission) error {
	id := workflows.UnitWorkflowID(year, u.Unit.Code)
	const by = "tham-dinh@stttt"
	if a := u.Appraisal; a != nil {
		for _, c := range a.Corrections {
			if err := sc.d.update(ctx, id, workflows.UpdateCorrectFigure, workflows.CorrectionArgs{By: by, Figure: c.Figure, Value: c.Value, Reason: c.Reason}, nil); err != nil {
				return err
			}
		}
		for _, q := range a.QualityFlags {
			if err := sc.d.update(ctx, id, workflows.UpdateFlagQuality, workflows.QualityFlagArgs{By: by, Criterion: q.Criterion, Reason: q.Reason}, nil); err != nil {
				return err
			}
		}
		if a.FreeEmail != "" {
			if err := sc.d.update(ctx, id, workflows.UpdateFlagFreeEmail, workflows.FreeEmailArgs{By: by, Reason: a.FreeEmail}, nil); err != nil {
				return err
			}
		}
	}
	return sc.d.update(ctx, id, workflows.UpdateFinishAppraisal, workflows.ActorArgs{By: by}, nil)
}

// evidencePDF makes a small real PDF standing for a scanned document.
func evidencePDF(u scoring.Unit, criterion string) []byte {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreationDate(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	pdf.AddPage()
	pdf.SetFont("Helvetica", "", 14)
	pdf.Cell(0, 10, "Evidence for criterion "+criterion)
	pdf.Ln(10)
	pdf.Cell(0, 10, "Unit code: "+u.Code)
	var buf bytes.Buffer
	_ = pdf.Output(&buf)
	return buf.Bytes()
}
