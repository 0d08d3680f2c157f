package scoring

// Annex names used in code and UI.
const (
	AnnexPL01 = "PL01" // provincial departments and agencies
	AnnexPL02 = "PL02" // district People's Committees
)

// Set is one annex of a decision: its figures, sections, criteria and
// deductions. A Set is data (see package templates); Validate checks it and
// Compile prepares it for scoring.
type Set struct {
	Decision     string      `json:"decision"`          // "3299/QĐ-UBND"
	DecisionDate string      `json:"decision_date"`     // "18/10/2018"
	Annex        string      `json:"annex"`             // "PL01", "PL02": data, any code
	AnnexTitle   string      `json:"annex_title"`       // "PHỤ LỤC 01"
	Title        string      `json:"title"`             // the annex's heading
	Subject      string      `json:"subject"`           // who is assessed, for sentences
	Notes        []string    `json:"notes"`             // the seed's "Chú thích"
	Flags        []Flag      `json:"flags"`             // unit flags that change applicability
	Figures      []Figure    `json:"figures"`           // every figure a unit reports
	Sections     []Section   `json:"sections"`          // scored sections, in order
	Deductions   []Deduction `json:"deductions"`        // the deduction section
	DeductSect   string      `json:"deduction_section"` // "V" or "VI"
	DeductTitle  string      `json:"deduction_title"`
	Checks       []Check     `json:"checks,omitempty"`
	// Total is the points the applicable maxima sum to for every unit:
	// absent (0) means 100, which Validate then sets.
	Total Fixed `json:"total,omitempty"`

	idx index
}

// Check is a consistency rule between figures: the sum of Parts may not
// exceed Total (the IT staff by degree cannot outnumber the IT staff).
type Check struct {
	Parts []string `json:"parts"`
	Total string   `json:"total"`
}

// Flag is a yes/no property of a unit that changes which criteria apply,
// such as "no administrative procedures" (R6).
type Flag struct {
	Key   string `json:"key"`
	Label string `json:"label"`
}

// FigureType is the kind of value a figure holds.
type FigureType string

// Figure types.
const (
	TypeCount  FigureType = "count"  // a non-negative integer
	TypeAmount FigureType = "amount" // a non-negative amount in VND
	TypeDate   FigureType = "date"   // a calendar date, empty meaning "none"
	TypeBool   FigureType = "bool"   // yes or no
	TypeChoice FigureType = "choice" // one of the declared options
)

// Figure is one number or answer a unit reports, declared once per annex and
// referenced by key from every criterion that uses it.
type Figure struct {
	Key      string     `json:"key"`
	Label    string     `json:"label"`
	Type     FigureType `json:"type"`
	Unit     string     `json:"unit,omitempty"`
	Note     string     `json:"note,omitempty"`
	Max      int64      `json:"max,omitempty"`      // upper bound for counts, 0 = default
	Optional bool       `json:"optional,omitempty"` // dates: may be left empty
	Choices  []Choice   `json:"choices,omitempty"`
}

// Choice is one option of a choice figure.
type Choice struct {
	Key   string `json:"key"`
	Label string `json:"label"`
}

// Section is a Roman-numbered part of an annex.
type Section struct {
	Code     string      `json:"code"`  // "I", "II", …
	Title    string      `json:"title"` // "HẠ TẦNG KỸ THUẬT CÔNG NGHỆ THÔNG TIN"
	Groups   []Group     `json:"groups,omitempty"`
	Criteria []Criterion `json:"criteria"`
}

// Group is an unscored heading that gathers numbered criteria, such as
// II.1 "Ứng dụng phần mềm quản lý văn bản điều hành" over II.1.1–II.1.6.
type Group struct {
	Number string `json:"number"` // "1"
	Title  string `json:"title"`
	Note   string `json:"note,omitempty"`
}

// Criterion is one scored line of an annex.
type Criterion struct {
	Number   string   `json:"number"`          // "1.2" within its section
	Code     string   `json:"code"`            // "II.1.2", set by Validate
	Section  string   `json:"section"`         // "II", set by Validate
	Group    string   `json:"group,omitempty"` // "II.1" when grouped, set by Validate
	Title    string   `json:"title"`
	Max      Fixed    `json:"max"`
	Levels   []string `json:"levels,omitempty"`   // the seed's scoring lines
	Evidence []string `json:"evidence,omitempty"` // "Thông tin kiểm chứng"
	Figures  []string `json:"figures,omitempty"`  // figures shown with the line
	Rule     Rule     `json:"rule"`
	Ruling   string   `json:"ruling,omitempty"` // the product owner's ruling text
	Note     string   `json:"note,omitempty"`   // the seed's own note
	// AppliesIf and AppliesUnless name a unit flag that switches the
	// criterion on or off (R6).
	AppliesIf     string `json:"applies_if,omitempty"`
	AppliesUnless string `json:"applies_unless,omitempty"`

	yesWorking string // "Có → 2", made once by Validate
}

// RuleKind names a scoring rule.
type RuleKind string

// Rule kinds.
const (
	KindRatio        RuleKind = "ratio"          // R2: floor / full / formula
	KindThreshold    RuleKind = "threshold"      // ratio ≥ at → points, else 0
	KindCountTiers   RuleKind = "count_tiers"    // summed counts against tiers
	KindAmountTiers  RuleKind = "amount_tiers"   // VND amount against tiers
	KindYesNo        RuleKind = "yes_no"         // yes → max
	KindPerDay       RuleKind = "per_day"        // R4: count ÷ working days
	KindAllOrNothing RuleKind = "all_or_nothing" // numerator = denominator → max
	KindDateWindow   RuleKind = "date_window"    // date within a window → points
	KindChoice       RuleKind = "choice"         // option → points
	KindDerived      RuleKind = "derived"        // R6: share of one group's points
)

// Rule is a criterion's rule kind and parameters. Only the fields of its
// kind are used; Validate refuses stray or missing ones.
type Rule struct {
	Kind RuleKind `json:"kind"`

	// ratio, threshold, all_or_nothing: Σnumerator ÷ (Σdenominator − Σminus).
	Numerator   []string `json:"numerator,omitempty"`
	Denominator []string `json:"denominator,omitempty"`
	Minus       []string `json:"minus,omitempty"`
	// AllowOver lets the numerator exceed the denominator (R2: computers per staff).
	AllowOver bool  `json:"allow_over,omitempty"`
	Floor     Fixed `json:"floor,omitempty"` // percent
	Full      Fixed `json:"full,omitempty"`  // percent
	At        Fixed `json:"at,omitempty"`    // threshold percent
	Points    Fixed `json:"points,omitempty"`
	// WhenZero says what a zero effective denominator means. Absent, it is
	// an input error (R2); WhenZeroZero: nothing arose in the year, the
	// criterion scores 0 and the unit can submit (R11).
	WhenZero string `json:"when_zero,omitempty"`

	// count_tiers, amount_tiers: Σsum against tiers (highest first);
	// yes_no, per_day, date_window, choice: the one figure.
	Sum    []string `json:"sum,omitempty"`
	Figure string   `json:"figure,omitempty"`
	Tiers  []Tier   `json:"tiers,omitempty"`
	// Noun names what is counted in working lines ("cuộc họp").
	Noun string `json:"noun,omitempty"`

	// date_window: windows in order; the first whose end the date does not pass wins.
	Windows []Window `json:"windows,omitempty"`

	// choice: points per option key.
	Options map[string]Fixed `json:"options,omitempty"`

	// derived: (points of From ÷ maximum of From) × maximum of To.
	From []string `json:"from,omitempty"` // group codes, e.g. II.1
	To   []string `json:"to,omitempty"`   // group codes, e.g. II.4, II.5
}

// WhenZeroZero is the one accepted value of Rule.WhenZero (R11).
const WhenZeroZero = "zero"

// DefaultTotal is a set's total points when its data names none.
const DefaultTotal = Fixed(100 * 100)

// Tier awards Points when the value is at least Min.
type Tier struct {
	Min    int64 `json:"min"`
	Points Fixed `json:"points"`
}

// Window awards Points to a date on or before the given day, which is
// YearOffset years from the report year (−1: the previous year).
type Window struct {
	YearOffset int    `json:"year_offset"`
	Month      int    `json:"month"`
	Day        int    `json:"day"`
	Label      string `json:"label"` // "trong tháng 01 năm báo cáo"
	Points     Fixed  `json:"points"`
}

// DeductionKind names a deduction of R7.
type DeductionKind string

// Deduction kinds.
const (
	DeductLate      DeductionKind = "late"       // per calendar day or part after the deadline
	DeductQuality   DeductionKind = "quality"    // per criterion flagged by the appraiser
	DeductFreeEmail DeductionKind = "free_email" // once, set by the appraiser
)

// Deduction is one line of the deduction section.
type Deduction struct {
	Number string        `json:"number"`
	Code   string        `json:"code"` // "V.1", set by Validate
	Kind   DeductionKind `json:"kind"`
	Points Fixed         `json:"points"` // per unit of the kind
	Title  string        `json:"title"`
}

// index is what Validate derives from a Set for scoring.
type index struct {
	figures  map[string]*Figure
	pos      map[string]int    // figure key → position in Set.Figures
	ops      []ruleOps         // per criterion, parallel to criteria
	needed   map[string][]int  // flags joined by "\x00" → positions to report
	wanted   map[string][]bool // the same as a mask over Set.Figures
	shown    map[string]int    // flags → figures shown on a sheet
	criteria []*Criterion      // in order
	section  []int             // per criterion, the position of its section
	byCode   map[string]*Criterion
	groups   map[string]*Group // "II.1" → group
	deduct   map[DeductionKind]*Deduction
}

// Figure returns the declared figure with the key, or nil.
func (s *Set) Figure(key string) *Figure { return s.idx.figures[key] }

// Criteria returns every criterion in order. Validate must have succeeded.
func (s *Set) Criteria() []*Criterion { return s.idx.criteria }

// Criterion returns the criterion with the code, or nil.
func (s *Set) Criterion(code string) *Criterion { return s.idx.byCode[code] }

// GroupTitle returns the title of a group such as "II.1", or "".
func (s *Set) GroupTitle(code string) string {
	if g := s.idx.groups[code]; g != nil {
		return g.Title
	}
	return ""
}

// Applies reports whether the criterion applies to a unit with the flags.
func (c *Criterion) Applies(flags []string) bool {
	if c.AppliesIf != "" && !contains(flags, c.AppliesIf) {
		return false
	}
	if c.AppliesUnless != "" && contains(flags, c.AppliesUnless) {
		return false
	}
	return true
}

// EffectiveMax is the criterion's maximum for a unit with the flags: 0 when
// it does not apply, the target groups' maxima for a derived rule (R6).
func (s *Set) EffectiveMax(c *Criterion, flags []string) Fixed {
	if !c.Applies(flags) {
		return 0
	}
	if c.Rule.Kind == KindDerived {
		return s.groupsMax(c.Rule.To)
	}
	return c.Max
}

// groupsMax sums the declared maxima of the criteria in the groups.
func (s *Set) groupsMax(groups []string) Fixed {
	var sum Fixed
	for _, c := range s.idx.criteria {
		if contains(groups, c.Group) {
			sum += c.Max
		}
	}
	return sum
}
