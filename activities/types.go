package activities

import (
	"time"

	"ictindex/scoring"
	"ictindex/templates"
)

// EvidenceRef is an evidence document kept in the archive, as the
// workflow records it: where it is and what its bytes hash to.
type EvidenceRef struct {
	Criterion   string    `json:"criterion"`
	Key         string    `json:"key"`
	VersionID   string    `json:"version_id"`
	FileName    string    `json:"file_name"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	ContentType string    `json:"content_type"`
	Uploader    string    `json:"uploader"`
	UploadedAt  time.Time `json:"uploaded_at"`
	// CarriedFrom is the year of the unit's record this document was
	// carried forward from (0: uploaded this year). The object is the
	// same archived version: its bytes are not copied.
	CarriedFrom int `json:"carried_from,omitempty"`
	// Confirmed: the unit has confirmed that a carried document still
	// holds this year (always false for one uploaded this year).
	Confirmed bool `json:"confirmed,omitempty"`
}

// DocumentRef is a generated document in the archive.
type DocumentRef struct {
	Key       string `json:"key"`
	VersionID string `json:"version_id"`
	SHA256    string `json:"sha256"`
	Size      int64  `json:"size"`
}

// UnitRecord is a unit's final submission as archived when its part of the
// cycle ends: what the ranking and the decision are computed from.
type UnitRecord struct {
	// Set is the criteria set the unit was scored with (zero in records
	// archived before sets were pinned: the default set of its annex).
	Set        templates.SetRef   `json:"set,omitzero"`
	Submission scoring.Submission `json:"submission"`
	Evidence   []EvidenceRef      `json:"evidence,omitempty"`
	Status     string             `json:"status"`
	// Objections are the unit's objections to its preliminary result with
	// their answers, written once every objection of the campaign has one.
	Objections []Objection `json:"objections,omitempty"`
}

// ScoreInput asks for a unit's score from its figures as they stand.
type ScoreInput struct {
	Set        templates.SetRef   `json:"set,omitzero"`
	Settings   scoring.Settings   `json:"settings"`
	Submission scoring.Submission `json:"submission"`
}

// ScoreResult is a unit's score in brief: the full sheet is rebuilt from
// the archived record whenever it is needed.
type ScoreResult struct {
	SelfTotal      scoring.Fixed `json:"self_total"`
	AppraisedTotal scoring.Fixed `json:"appraised_total"`
	DeductionTotal scoring.Fixed `json:"deduction_total"`
	Final          scoring.Fixed `json:"final"`
}

// StoreRecordInput archives a unit's record.
type StoreRecordInput struct {
	Year   int        `json:"year"`
	Record UnitRecord `json:"record"`
}

// IssueFormsInput asks for each unit's XLSX form in the archive.
type IssueFormsInput struct {
	Year  int       `json:"year"`
	Units []UnitRef `json:"units"`
}

// UnitRef names a participating unit.
type UnitRef struct {
	Unit  scoring.Unit `json:"unit"`
	Annex string       `json:"annex"`
	Flags []string     `json:"flags,omitempty"`
	// Set pins the exact criteria set of the unit's annex (zero in
	// campaigns opened before sets were pinned: the annex's default set).
	Set templates.SetRef `json:"set,omitzero"`
}

// IssueFormsResult lists the forms issued.
type IssueFormsResult struct {
	Forms []DocumentRef `json:"forms"`
}

// RankInput asks for the ranking of every unit whose record is archived.
type RankInput struct {
	Year     int              `json:"year"`
	Settings scoring.Settings `json:"settings"`
	Records  []DocumentRef    `json:"records"`
	// Manifest names the records instead of Records, for campaigns of
	// thousands of units; the result then carries no Places (they are in
	// the results document).
	Manifest *DocumentRef `json:"manifest,omitempty"`
}

// RankResult is where the results are and each unit's place in brief.
type RankResult struct {
	Results DocumentRef `json:"results"`
	Places  []Place     `json:"places"`
	// PlacesDoc is the archived []Place, given instead of Places when the
	// records came by manifest.
	PlacesDoc *DocumentRef `json:"places_doc,omitempty"`
}

// Place is one unit's rank and final score.
type Place struct {
	Annex string        `json:"annex"`
	Code  string        `json:"code"`
	Rank  int           `json:"rank"` // 0: did not submit
	Final scoring.Fixed `json:"final"`
}

// DecisionMeta is what the decision's header and signature block say.
type DecisionMeta struct {
	Number string       `json:"number"` // "15/QĐ-UBND"
	Date   scoring.Date `json:"date"`
	Signer string       `json:"signer"`
	// SignerTitle is the signer's title block ("CHỦ TỊCH", or "KT. CHỦ
	// TỊCH\nPHÓ CHỦ TỊCH"); empty is the decision's default.
	SignerTitle string `json:"signer_title,omitempty"`
}

// DraftInput asks for the decision PDF drawn from the archived results.
type DraftInput struct {
	Year     int           `json:"year"`
	Results  DocumentRef   `json:"results"`
	Records  []DocumentRef `json:"records"`
	Decision DecisionMeta  `json:"decision"`
	// Manifest names the records instead of Records (see RankInput).
	Manifest *DocumentRef `json:"manifest,omitempty"`
	// Draft renders the unissued draft: no number, no date, "DỰ THẢO".
	Draft bool `json:"draft,omitempty"`
}

// PublishInput locks the decision and the results in the archive.
type PublishInput struct {
	Year     int         `json:"year"`
	Results  DocumentRef `json:"results"`
	Decision DocumentRef `json:"decision"`
}

// PublishResult is the locked documents.
type PublishResult struct {
	Results  DocumentRef `json:"results"`
	Decision DocumentRef `json:"decision"`
}

// Notice is a message to a unit or the department (reminders, revision
// requests).
type Notice struct {
	Kind    string    `json:"kind"` // "reminder", "revision", "deadline_passed", "published"
	Year    int       `json:"year"`
	Unit    string    `json:"unit,omitempty"`
	Subject string    `json:"subject"`
	Body    string    `json:"body"`
	At      time.Time `json:"at"`
}
