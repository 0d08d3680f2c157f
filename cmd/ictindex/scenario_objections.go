package main

import (
	"bytes"
	"context"
	"fmt"

	"ictindex/activities"
	"ictindex/archive"
	"ictindex/scoring"
	"ictindex/templates"
	"ictindex/workflows"
)

// object plays the preliminary results: once published, a unit whose
// figure the appraiser corrected objects with its evidence and is upheld;
// a late unit objects to its deduction and is turned down; the department
// then ends the window (every other unit has said it has nothing to add)
// and the final ranking follows.
func (sc *scenario) object(ctx context.Context, b *scoring.Batch, late map[string]bool) error {
	st, err := sc.d.waitPhase(ctx, b.Year, workflows.PhasePreliminary)
	if err != nil {
		return err
	}
	sc.say("Công bố kết quả sơ bộ; nhận phản hồi đến %s.", st.Window.Closes.In(scoring.Vietnam).Format("15:04 02/01/2006"))
	camp := workflows.CampaignWorkflowID(b.Year)
	id := 0
	var objected *scoring.Submission
	for i := range b.Units {
		u := &b.Units[i]
		if u.Appraisal == nil || len(u.Appraisal.Corrections) == 0 {
			continue
		}
		k := u.Appraisal.Corrections[0]
		crit := criterionOf(templates.MustLoad(u.Annex), k.Figure)
		if crit == "" {
			continue
		}
		by := "lanh-dao@" + u.Unit.Code
		doc := evidencePDF(u.Unit, crit)
		ev, err := sc.store.PutEvidence(ctx, archive.EvidenceKey{Year: b.Year, Unit: u.Unit.Code, Criterion: "phan-hoi", FileName: "Giải trình số liệu.pdf"},
			bytes.NewReader(doc), int64(len(doc)), by)
		if err != nil {
			return err
		}
		err = sc.d.update(ctx, camp, workflows.UpdateObject, workflows.ObjectArgs{By: by, Unit: u.Unit.Code, Name: u.Unit.Name,
			Kind: activities.ObjectCriterion, Target: crit, Figure: k.Figure, Value: u.Figures[k.Figure],
			Explanation: "Số liệu đơn vị báo cáo đúng theo sổ theo dõi; gửi kèm bản chụp sổ và văn bản xác nhận.", Evidence: []activities.EvidenceRef{activities.EvidenceOf(ev, crit)}}, nil)
		if err != nil {
			return err
		}
		id++
		if err := sc.d.update(ctx, camp, workflows.UpdateAnswerObjection, workflows.AnswerArgs{By: "tham-dinh@stttt", ID: id, Accept: true,
			Reason: "Tài liệu bổ sung chứng minh số liệu đơn vị báo cáo"}, nil); err != nil {
			return err
		}
		sc.say("  %s phản hồi về tiêu chí %s: chấp nhận, đính chính lại số liệu.", u.Unit.Name, crit)
		objected = u
		break
	}
	for i := range b.Units {
		u := &b.Units[i]
		if !late[u.Unit.Code] || u == objected {
			continue
		}
		by := "lanh-dao@" + u.Unit.Code
		if err := sc.d.update(ctx, camp, workflows.UpdateObject, workflows.ObjectArgs{By: by, Unit: u.Unit.Code, Name: u.Unit.Name,
			Kind: activities.ObjectDeduction, Target: string(scoring.DeductLate), Explanation: "Đường truyền của đơn vị gián đoạn vào ngày hết hạn."}, nil); err != nil {
			return err
		}
		id++
		if err := sc.d.update(ctx, camp, workflows.UpdateAnswerObjection, workflows.AnswerArgs{By: "tham-dinh@stttt", ID: id,
			Reason: "Hệ thống ghi nhận báo cáo nhận sau hạn; đơn vị không đề nghị gia hạn trước hạn nộp"}, nil); err != nil {
			return err
		}
		sc.say("  %s phản hồi về khoản trừ điểm nộp muộn: không chấp nhận.", u.Unit.Name)
		break
	}
	if id < 2 {
		return fmt.Errorf("kịch bản phản hồi: chỉ có %d phản hồi", id)
	}
	return sc.d.update(ctx, camp, workflows.UpdateCloseObjections, workflows.CloseObjectionsArgs{By: "quan-tri@stttt",
		Reason: "Các đơn vị khác đã xác nhận không còn ý kiến"}, nil)
}

// criterionOf is the first criterion of the set showing the figure.
func criterionOf(set *scoring.Set, figure string) string {
	for _, sec := range set.Sections {
		for _, cr := range sec.Criteria {
			for _, k := range cr.Figures {
				if k == figure {
					return cr.Code
				}
			}
		}
	}
	return ""
}
