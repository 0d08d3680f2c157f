package activities

import (
	"context"
	"encoding/json"
	"fmt"

	"ictindex/report"
	"ictindex/scoring"
)

// DraftDecision renders the decision PDF from the archived results and
// the units' evidence manifests, and archives it (not yet locked).
func (a *Activities) DraftDecision(ctx context.Context, in DraftInput) (DocumentRef, error) {
	data, err := a.Archive.GetDocument(ctx, in.Results.Key, in.Results.VersionID)
	if err != nil {
		return DocumentRef{}, fmt.Errorf("reading results: %w", err)
	}
	var res scoring.Results
	if err := json.Unmarshal(data, &res); err != nil {
		return DocumentRef{}, invalid(fmt.Errorf("results: %w", err))
	}
	refs, err := a.recordRefs(ctx, in.Records, in.Manifest)
	if err != nil {
		return DocumentRef{}, err
	}
	recs, err := a.loadRecords(ctx, refs)
	if err != nil {
		return DocumentRef{}, err
	}
	sets, err := a.recordSets(ctx, recs)
	if err != nil {
		return DocumentRef{}, err
	}
	d := report.NewDecision(&res, sets.byAnnex)
	d.Number, d.Date, d.Signer = in.Decision.Number, in.Decision.Date, in.Decision.Signer
	d.Evidence = map[string][]report.EvidenceItem{}
	for _, r := range recs {
		for _, ev := range r.Evidence {
			d.Evidence[r.Submission.Unit.Code] = append(d.Evidence[r.Submission.Unit.Code],
				report.EvidenceItem{Criterion: ev.Criterion, FileName: ev.FileName, Size: ev.Size, SHA256: ev.SHA256})
		}
	}
	pdf, err := report.Render(d)
	if err != nil {
		return DocumentRef{}, invalid(err)
	}
	return a.Archive.PutDocument(ctx, DecisionKey(in.Year), pdf, "application/pdf", false)
}
