package scoring

import "encoding/json"

// Results are a campaign's scored sheets and per-annex rankings: what the
// decision is drawn from and what the archive keeps.
type Results struct {
	Decision string    `json:"decision"`
	Year     int       `json:"year"`
	Settings Settings  `json:"settings"`
	Rankings []Ranking `json:"rankings"`
	Sheets   []*Sheet  `json:"sheets"`
	// Comparison sets sections and criteria against the previous year's;
	// nil without a previous campaign (see AttachPrevious).
	Comparison *Comparison `json:"comparison,omitempty"`
}

// NewResults ranks the sheets per annex, in the order of annexes given.
func NewResults(decision string, st Settings, annexes []string, sheets []*Sheet) *Results {
	r := &Results{Decision: decision, Year: st.Year, Settings: st, Sheets: sheets}
	for _, a := range annexes {
		r.Rankings = append(r.Rankings, Rank(a, st.Year, sheets))
	}
	return r
}

// Sheet returns the sheet of the unit with the code, or nil.
func (r *Results) Sheet(code string) *Sheet {
	for _, sh := range r.Sheets {
		if sh.Unit.Code == code {
			return sh
		}
	}
	return nil
}

// JSON returns the results as indented JSON: the same results always give
// the same bytes.
func (r *Results) JSON() ([]byte, error) { return json.MarshalIndent(r, "", "  ") }
