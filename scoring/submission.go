package scoring

import "time"

// Unit is an assessed agency or district.
type Unit struct {
	Code string `json:"code"` // stable identifier, e.g. "STTTT"
	Name string `json:"name"` // Vietnamese name, NFC
}

// Submission is the public contract of what a unit reports: figures keyed
// by figure key, the flags that change applicability, and when the system
// accepted it. The API, the XLSX import and the sample province all produce
// it. Raw figure values are JSON numbers, strings, booleans or null.
type Submission struct {
	Unit         Unit           `json:"unit"`
	Annex        string         `json:"annex"`
	Year         int            `json:"year,omitempty"`
	Flags        []string       `json:"flags,omitempty"`
	Figures      map[string]any `json:"figures,omitempty"`
	SubmittedAt  *time.Time     `json:"submitted_at,omitempty"`  // when the system accepted it (R7)
	Deadline     *time.Time     `json:"deadline,omitempty"`      // the unit's own deadline after an extension
	NotSubmitted bool           `json:"not_submitted,omitempty"` // the unit never submitted (R9)
	Appraisal    *Appraisal     `json:"appraisal,omitempty"`
}

// Appraisal is what the department's appraiser decided about a submission
// (R7, R8): corrected figures with reasons, data-quality flags and the
// free-e-mail finding. Appraisers never type points.
type Appraisal struct {
	Corrections  []Correction  `json:"corrections,omitempty"`
	QualityFlags []QualityFlag `json:"quality_flags,omitempty"`
	FreeEmail    string        `json:"free_email,omitempty"` // the evidence; non-empty means the deduction applies
}

// Correction replaces one figure for the appraised score.
type Correction struct {
	Figure string `json:"figure"`
	Value  any    `json:"value"`
	Reason string `json:"reason"`
	By     string `json:"by,omitempty"`
}

// QualityFlag marks one criterion's data "số liệu không đảm bảo chất lượng".
type QualityFlag struct {
	Criterion string `json:"criterion"`
	Reason    string `json:"reason"`
}

// Batch is a campaign's submissions in one file: a report year, optional
// settings overriding DefaultSettings, and the units.
type Batch struct {
	Year     int            `json:"year"`
	Settings *BatchSettings `json:"settings,omitempty"`
	Units    []Submission   `json:"units"`
}

// BatchSettings overrides parts of DefaultSettings.
type BatchSettings struct {
	Deadline    *time.Time `json:"deadline,omitempty"`
	CutOff      *Date      `json:"cut_off,omitempty"`
	Holidays    []Date     `json:"holidays,omitempty"` // added to the solar holidays
	WorkingDays int        `json:"working_days,omitempty"`
}

// Resolve returns the batch's settings: the defaults for its year with the
// overrides applied.
func (b *Batch) Resolve() Settings {
	st := DefaultSettings(b.Year)
	if o := b.Settings; o != nil {
		if o.Deadline != nil {
			st.Deadline = o.Deadline.In(Vietnam)
		}
		if o.CutOff != nil {
			st.CutOff = *o.CutOff
		}
		st.Holidays = append(st.Holidays, o.Holidays...)
		st.WorkingDays = WorkingDays(st.Year, st.CutOff, st.Holidays)
		if o.WorkingDays > 0 {
			st.WorkingDays = o.WorkingDays
		}
	}
	return st
}
