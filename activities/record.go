package activities

import "maps"

// AppraisedFigures are the record's figures as appraised: the unit's
// own, with each of the appraiser's corrections in their place (a
// correction to nothing removes the figure). A record of a unit that did
// not submit has none.
func (r UnitRecord) AppraisedFigures() map[string]any {
	if r.Submission.NotSubmitted || len(r.Submission.Figures) == 0 && r.Submission.Appraisal == nil {
		return nil
	}
	out := maps.Clone(r.Submission.Figures)
	if out == nil {
		out = map[string]any{}
	}
	if a := r.Submission.Appraisal; a != nil {
		for _, c := range a.Corrections {
			if c.Value == nil {
				delete(out, c.Figure)
				continue
			}
			out[c.Figure] = c.Value
		}
	}
	return out
}

// EvidenceFor finds the record's evidence document at a key and version.
func (r UnitRecord) EvidenceFor(key, versionID string) (EvidenceRef, bool) {
	for _, ev := range r.Evidence {
		if ev.Key == key && ev.VersionID == versionID {
			return ev, true
		}
	}
	return EvidenceRef{}, false
}
