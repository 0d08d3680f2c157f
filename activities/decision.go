package activities

import (
	"context"
	"encoding/json"
	"fmt"

	"ictindex/report"
	"ictindex/scoring"
)

// DraftDecision renders the decision PDF from the archived results and
// the units' evidence manifests, and archives it (not yet locked). A
// draft (in.Draft) is unnumbered and marked "DỰ THẢO".
func (a *Activities) DraftDecision(ctx context.Context, in DraftInput) (DocumentRef, error) {
	d, err := a.decision(ctx, in)
	if err != nil {
		return DocumentRef{}, err
	}
	pdf, err := report.Render(d)
	if err != nil {
		return DocumentRef{}, invalid(err)
	}
	return a.Archive.PutDocument(ctx, DecisionKey(in.Year), pdf, "application/pdf", false)
}

// decision gathers what the decision is drawn from: the results, the
// criteria sets and the units' evidence.
func (a *Activities) decision(ctx context.Context, in DraftInput) (*report.Decision, error) {
	data, err := a.Archive.GetDocument(ctx, in.Results.Key, in.Results.VersionID)
	if err != nil {
		return nil, fmt.Errorf("reading results: %w", err)
	}
	var res scoring.Results
	if err := json.Unmarshal(data, &res); err != nil {
		return nil, invalid(fmt.Errorf("results: %w", err))
	}
	refs, err := a.recordRefs(ctx, in.Records, in.Manifest)
	if err != nil {
		return nil, err
	}
	recs, err := a.loadRecords(ctx, refs)
	if err != nil {
		return nil, err
	}
	sets, err := a.recordSets(ctx, recs)
	if err != nil {
		return nil, err
	}
	d := report.NewDecision(&res, sets.byAnnex)
	d.Number, d.Date, d.Signer, d.Draft = in.Decision.Number, in.Decision.Date, in.Decision.Signer, in.Draft
	if in.Decision.SignerTitle != "" {
		d.SignerTitle = in.Decision.SignerTitle
	}
	d.Evidence = map[string][]report.EvidenceItem{}
	d.Objections = map[string][]report.ObjectionNote{}
	for _, r := range recs {
		for _, o := range r.Objections {
			d.Objections[r.Submission.Unit.Code] = append(d.Objections[r.Submission.Unit.Code], ObjectionNote(o, sets.byAnnex[r.Submission.Annex]))
		}
		for _, ev := range r.Evidence {
			d.Evidence[r.Submission.Unit.Code] = append(d.Evidence[r.Submission.Unit.Code],
				report.EvidenceItem{Criterion: ev.Criterion, FileName: ev.FileName, Size: ev.Size, SHA256: ev.SHA256})
		}
	}
	return d, nil
}
