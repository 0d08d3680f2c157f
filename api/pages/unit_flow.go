package pages

import "ictindex/workflows"

// The preparer–approver steps of a unit's report (workflows/unit_handover.go).
const (
	updateHandOver         = workflows.UpdateHandOver
	updateReturnToPreparer = workflows.UpdateReturnToPreparer
	updateWithdraw         = workflows.UpdateWithdraw
	unitAwaitingApproval   = workflows.UnitAwaitingApproval
)

// noteArgs is an action with a note for the other person.
type noteArgs = workflows.NoteArgs

// editableStatus: the unit's preparer may change figures and evidence.
func editableStatus(s string) bool {
	return s == workflows.UnitDraft || s == workflows.UnitRevisionRequested
}
