package workflows

import (
	"fmt"
	"strings"

	"go.temporal.io/sdk/workflow"

	"ictindex/scoring"
)

// Last year's evidence. A unit may carry a document of its record of the
// year before forward to this year's report: the same archived version
// (key and version id; the bytes are not copied), marked as carried and
// unconfirmed until the unit confirms that it still holds. The API finds
// the document in the previous record and verifies it in the archive
// before asking; the validator checks what the workflow can know without
// I/O: the year, the unit and the criterion the key names.

// CarriedPrefix is where a unit's evidence of a year is archived,
// "2025/SNV/": a carried document's key starts with it.
func CarriedPrefix(year int, code string) string { return fmt.Sprintf("%04d/%s/", year, code) }

// CarryEvidence.

func (u *unit) validateCarryEvidence(ctx workflow.Context, a CarryEvidenceArgs) error {
	if err := needBy(a.By); err != nil {
		return err
	}
	if err := u.editable(); err != nil {
		return err
	}
	ev := a.Evidence
	prev := u.in.Year - 1
	if ev.CarriedFrom != prev {
		return refuse(scoring.FieldError{Field: "evidence.carried_from", Code: scoring.ErrInvalid,
			Message:   fmt.Sprintf("chỉ dùng lại được tài liệu của năm %d, năm trước của đợt đánh giá", prev),
			MessageEN: fmt.Sprintf("only documents of %d, the year before, can be carried", prev)})
	}
	if ev.VersionID == "" || !strings.HasPrefix(ev.Key, CarriedPrefix(prev, u.in.Ref.Unit.Code)+ev.Criterion+"/") {
		return refuse(scoring.FieldError{Field: "evidence.key", Code: scoring.ErrInvalid,
			Message:   fmt.Sprintf("tài liệu không thuộc hồ sơ năm %d của đơn vị cho tiêu chí %s", prev, ev.Criterion),
			MessageEN: fmt.Sprintf("the document is not in the unit's %d record for criterion %s", prev, ev.Criterion)})
	}
	return u.checkEvidence(ev)
}

func (u *unit) carryEvidence(ctx workflow.Context, a CarryEvidenceArgs) (UnitState, error) {
	ev := a.Evidence
	ev.Confirmed = false
	u.state.Evidence = append(u.state.Evidence, ev)
	u.log(ctx, a.By, "dùng lại tài liệu năm trước", fmt.Sprintf("%s: %s (năm %d, %s…) — cần xác nhận lại", ev.Criterion, ev.FileName, ev.CarriedFrom, ev.SHA256[:12]))
	return u.view(), nil
}

// ConfirmEvidence.

func (u *unit) validateConfirmEvidence(ctx workflow.Context, a ConfirmEvidenceArgs) error {
	if err := needBy(a.By); err != nil {
		return err
	}
	if err := u.editable(); err != nil {
		return err
	}
	if a.Index < 0 || a.Index >= len(u.state.Evidence) {
		return refuse(scoring.FieldError{Field: "index", Code: scoring.ErrInvalid,
			Message:   fmt.Sprintf("không có tài liệu kiểm chứng số %d", a.Index),
			MessageEN: fmt.Sprintf("no evidence number %d", a.Index)})
	}
	switch ev := u.state.Evidence[a.Index]; {
	case ev.CarriedFrom == 0:
		return refuse(scoring.FieldError{Field: "index", Code: scoring.ErrInvalid,
			Message: "tài liệu này tải lên trong năm nay, không cần xác nhận lại", MessageEN: "this document was uploaded this year"})
	case ev.Confirmed:
		return refuse(scoring.FieldError{Field: "index", Code: scoring.ErrInvalid,
			Message: "tài liệu này đã được xác nhận còn hiệu lực", MessageEN: "this document is already confirmed"})
	}
	return nil
}

func (u *unit) confirmEvidence(ctx workflow.Context, a ConfirmEvidenceArgs) (UnitState, error) {
	ev := &u.state.Evidence[a.Index]
	ev.Confirmed = true
	u.log(ctx, a.By, "xác nhận tài liệu năm trước còn hiệu lực", ev.Criterion+": "+ev.FileName)
	return u.view(), nil
}

// Unconfirmed lists the indexes of carried documents the unit has not
// yet confirmed.
func (st *UnitState) Unconfirmed() []int {
	var out []int
	for i, ev := range st.Evidence {
		if ev.CarriedFrom != 0 && !ev.Confirmed {
			out = append(out, i)
		}
	}
	return out
}
