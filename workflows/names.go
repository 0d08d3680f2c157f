package workflows

import "fmt"

// TaskQueue is the queue the worker polls.
const TaskQueue = "ictindex"

// Workflow type names.
const (
	CampaignWorkflowName = "Campaign"
	UnitWorkflowName     = "Unit"
	ShardWorkflowName    = "CampaignShard"
)

// Update names of the Unit workflow: the actions of agency staff and
// appraisers.
const (
	UpdateSaveFigures     = "save-figures"
	UpdateAttachEvidence  = "attach-evidence"
	UpdateSubmit          = "submit"
	UpdateRequestRevision = "request-revision"
	UpdateCorrectFigure   = "correct-figure"
	UpdateFlagQuality     = "flag-quality"
	UpdateFlagFreeEmail   = "flag-free-email"
	UpdateFinishAppraisal = "finish-appraisal"
	UpdateExtendDeadline  = "extend-deadline"
	// Inside the unit, and the appraiser's taking of a report.
	UpdateHandOver         = "hand-over"
	UpdateReturnToPreparer = "return-to-preparer"
	UpdateWithdraw         = "withdraw"
	UpdateTake             = "take-for-appraisal"
	// Last year's evidence: carrying a document of the unit's previous
	// record forward, and confirming that it still holds.
	UpdateCarryEvidence   = "carry-evidence"
	UpdateConfirmEvidence = "confirm-evidence"
)

// Update names of the Campaign workflow: the department's and the
// leadership's actions.
const (
	UpdateCloseCollection = "close-collection"
	UpdateApprovePublish  = "approve-publish"
	// UpdateReissue issues a corrected decision that replaces the current
	// one; UpdateCloseYear closes the year's record to corrections.
	UpdateReissue   = "reissue"
	UpdateCloseYear = "close-year"
)

// Query and signal names.
const (
	QueryStatus            = "status"
	SignalCollectionClosed = "collection-closed"
	SignalShardReady       = "shard-ready"
)

// Unit statuses.
const (
	UnitDraft             = "draft"              // filling in, not yet submitted
	UnitAwaitingApproval  = "awaiting_approval"  // handed by the preparer to the unit's approver
	UnitSubmitted         = "submitted"          // accepted, waiting for the appraiser
	UnitUnderAppraisal    = "under_appraisal"    // the appraiser has started
	UnitRevisionRequested = "revision_requested" // sent back to the unit with a deadline
	UnitAppraised         = "appraised"          // appraisal finished
	UnitNotSubmitted      = "not_submitted"      // collection closed without a submission
)

// Campaign phases.
const (
	PhaseOpened      = "opened"
	PhaseFormsIssued = "forms_issued"
	PhaseCollecting  = "collecting"
	PhaseAppraising  = "appraising"
	PhaseRanked      = "ranked"
	PhaseDrafted     = "decision_drafted"
	PhasePublished   = "published"
)

// CampaignWorkflowID is the workflow ID of a report year's campaign: one
// campaign per year.
func CampaignWorkflowID(year int) string { return fmt.Sprintf("campaign-%d", year) }

// UnitWorkflowID is the workflow ID of a unit within a year's campaign.
func UnitWorkflowID(year int, code string) string {
	return fmt.Sprintf("campaign-%d-unit-%s", year, code)
}

// ShardWorkflowID is the workflow ID of the shard of a year's campaign
// holding units lo ≤ i < hi of its roster.
func ShardWorkflowID(year, lo, hi int) string {
	return fmt.Sprintf("campaign-%d-shard-%d-%d", year, lo, hi)
}
