package workflows

import (
	"time"

	"ictindex/activities"
	"ictindex/scoring"
	"ictindex/templates"
)

// CampaignInput opens a report year's campaign.
type CampaignInput struct {
	Year     int                     `json:"year"`
	Settings scoring.Settings        `json:"settings"`
	Units    []activities.UnitRef    `json:"units"`
	Decision activities.DecisionMeta `json:"decision"`
	// Sets are the criteria sets pinned by annex (each unit carries its own).
	Sets map[string]templates.SetRef `json:"sets,omitempty"`
	// RemindBefore lists how long before the deadline units that have
	// not submitted are reminded (default 3 days and 1 day).
	RemindBefore []time.Duration `json:"remind_before,omitempty"`
	// Roster is the archived list of the campaign's units (Total of them),
	// used instead of Units so that the input stays small at any size;
	// a campaign given Units archives them first.
	Roster *activities.DocumentRef `json:"roster,omitempty"`
	Total  int                     `json:"total,omitempty"`
	// Fanout is the most children one workflow holds open (0: DefaultFanout).
	Fanout int `json:"fanout,omitempty"`
	// ObjectionDays is the window, in working days, for objections to
	// the preliminary results (0: the ranking is final at once).
	ObjectionDays int `json:"objection_days,omitempty"`
}

// CampaignStatus is what the status query of a campaign answers.
type CampaignStatus struct {
	Year     int                      `json:"year"`
	Phase    string                   `json:"phase"`
	Deadline time.Time                `json:"deadline"`
	Units    []UnitSummary            `json:"units"`
	Forms    []activities.DocumentRef `json:"forms,omitempty"`
	Results  *activities.DocumentRef  `json:"results,omitempty"`
	Decision *activities.DocumentRef  `json:"decision,omitempty"`
	Places   []activities.Place       `json:"places,omitempty"`
	History  []Event                  `json:"history"`
	// Sharded campaigns list no Units: their Total units are in the
	// Shards, each answering its own status query (see ShardStatus).
	Total  int            `json:"total,omitempty"`
	Shards []ShardSummary `json:"shards,omitempty"`
	// Roster is where a sharded campaign's units are listed, for reading
	// the units of shards not yet started.
	Roster *activities.DocumentRef `json:"roster,omitempty"`
	// PlacesDoc is the archived Places of a sharded campaign once ranked.
	PlacesDoc *activities.DocumentRef `json:"places_doc,omitempty"`
	// Draft is the unnumbered draft decision (Decision until issued).
	Draft *activities.DocumentRef `json:"draft,omitempty"`
	// Issuances are the decision's issuances, the current one last.
	Issuances []activities.Issuance `json:"issuances,omitempty"`
	// Closed: the published year's record takes no more corrections.
	Closed bool `json:"closed,omitempty"`
	// Preliminary is the results as first ranked, published for
	// objections during Window; Objections are the units' with their
	// answers (campaigns with ObjectionDays).
	Preliminary *activities.DocumentRef `json:"preliminary,omitempty"`
	Window      *ObjectionWindow        `json:"window,omitempty"`
	Objections  []activities.Objection  `json:"objections,omitempty"`
}

// UnitSummary is a unit's line on the campaign dashboard, filled in as
// each unit's part ends.
type UnitSummary struct {
	Unit   scoring.Unit            `json:"unit"`
	Annex  string                  `json:"annex"`
	Done   bool                    `json:"done"`
	Status string                  `json:"status,omitempty"`
	Record *activities.DocumentRef `json:"record,omitempty"`
}

// CampaignResult is what a published campaign leaves: the locked documents.
type CampaignResult struct {
	Year     int                    `json:"year"`
	Results  activities.DocumentRef `json:"results"`
	Decision activities.DocumentRef `json:"decision"`
	// Issuance is the issued decision's number, date and signature
	// (campaigns since version "issuance").
	Issuance *activities.Issuance `json:"issuance,omitempty"`
}

// UnitInput starts a unit's part of the campaign.
type UnitInput struct {
	Year         int                `json:"year"`
	Ref          activities.UnitRef `json:"ref"`
	Settings     scoring.Settings   `json:"settings"`
	RemindBefore []time.Duration    `json:"remind_before,omitempty"`
}

// UnitState is what the status query of a unit answers.
type UnitState struct {
	Year             int                      `json:"year"`
	Ref              activities.UnitRef       `json:"ref"`
	Status           string                   `json:"status"`
	Deadline         time.Time                `json:"deadline"`
	Figures          map[string]any           `json:"figures"`
	Evidence         []activities.EvidenceRef `json:"evidence,omitempty"`
	SubmittedAt      *time.Time               `json:"submitted_at,omitempty"`
	LateDays         int                      `json:"late_days"`
	RevisionDeadline *time.Time               `json:"revision_deadline,omitempty"`
	RevisionReason   string                   `json:"revision_reason,omitempty"`
	Appraisal        scoring.Appraisal        `json:"appraisal"`
	Self             *activities.ScoreResult  `json:"self,omitempty"`
	Appraised        *activities.ScoreResult  `json:"appraised,omitempty"`
	RemindersSent    int                      `json:"reminders_sent"`
	History          []Event                  `json:"history"`
	// Settings are the campaign's (deadline, cut-off, holidays, working
	// days), so the live self score is computed as the submitted one is.
	Settings *scoring.Settings `json:"settings,omitempty"`
	// ReturnNote is the unit approver's note when they returned the
	// report to the preparer.
	ReturnNote string `json:"return_note,omitempty"`
	// Appraiser holds the report since TakenAt.
	Appraiser string     `json:"appraiser,omitempty"`
	TakenAt   *time.Time `json:"taken_at,omitempty"`
}

// UnitResult is what a unit workflow returns to its campaign.
type UnitResult struct {
	Code   string                 `json:"code"`
	Status string                 `json:"status"`
	Record activities.DocumentRef `json:"record"`
}

// Event is one line of the audit trail kept in workflow state (the full
// trail is the workflow history).
type Event struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Action string    `json:"action"`
	Detail string    `json:"detail,omitempty"`
}

// Update arguments. Every one names who acts (By): the API fills it from
// the session, never from the request body.

// SaveFiguresArgs merges figures into a draft (null clears one).
type SaveFiguresArgs struct {
	By      string         `json:"by"`
	Figures map[string]any `json:"figures"`
	Flags   *[]string      `json:"flags,omitempty"`
}

// AttachEvidenceArgs records an evidence document already stored in the
// archive.
type AttachEvidenceArgs struct {
	By       string                 `json:"by"`
	Evidence activities.EvidenceRef `json:"evidence"`
}

// CarryEvidenceArgs attaches a document of the unit's record of the year
// before (Evidence.CarriedFrom) to this year's report: the same archived
// version, which the caller has found in that record and verified.
type CarryEvidenceArgs struct {
	By       string                 `json:"by"`
	Evidence activities.EvidenceRef `json:"evidence"`
}

// ConfirmEvidenceArgs confirms that the carried document at Index (from
// 0, in the unit's evidence list) still holds this year.
type ConfirmEvidenceArgs struct {
	By    string `json:"by"`
	Index int    `json:"index"`
}

// ActorArgs is an update that only needs who acts.
type ActorArgs struct {
	By string `json:"by"`
}

// RevisionArgs sends a submission back to the unit until a deadline.
type RevisionArgs struct {
	By       string    `json:"by"`
	Reason   string    `json:"reason"`
	Deadline time.Time `json:"deadline"`
}

// CorrectionArgs corrects one figure for the appraised score (R8).
type CorrectionArgs struct {
	By     string `json:"by"`
	Figure string `json:"figure"`
	Value  any    `json:"value"`
	Reason string `json:"reason"`
}

// QualityFlagArgs marks a criterion's data "không đảm bảo chất lượng" (R7).
type QualityFlagArgs struct {
	By        string `json:"by"`
	Criterion string `json:"criterion"`
	Reason    string `json:"reason"`
}

// FreeEmailArgs records the free-e-mail finding with its evidence (R7).
type FreeEmailArgs struct {
	By     string `json:"by"`
	Reason string `json:"reason"`
}

// ExtendArgs moves a unit's deadline later.
type ExtendArgs struct {
	By       string    `json:"by"`
	Deadline time.Time `json:"deadline"`
	Reason   string    `json:"reason"`
}

// PublishArgs is the leader's approval.
type PublishArgs struct {
	By   string `json:"by"`
	Note string `json:"note,omitempty"`
	// Number is the clerk's number from the e-office register; empty
	// takes the next of the system's register.
	Number string `json:"number,omitempty"`
	// Signer and SignerTitle override the campaign's signer.
	Signer      string `json:"signer,omitempty"`
	SignerTitle string `json:"signer_title,omitempty"`
	// External leaves the signature to the leader's own tool.
	External bool `json:"external,omitempty"`
}
