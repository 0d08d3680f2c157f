package templates

import (
	"bytes"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"ictindex/scoring"
)

// Limits on what a form may unpack to; a real form is well below them.
const (
	formUnzipLimit    = 64 << 20
	formUnzipXMLLimit = 16 << 20
)

// ImportForm reads a filled XLSX form (see Form) back into the submission
// format. Every problem is reported at once as a *scoring.ValidationError
// naming the cell ("Ô C12: …") and the submission field ("figures.staff").
// Empty figure cells are left out of the submission, for the scorer to
// report as missing, except an optional date, which becomes null. Bytes that
// are not a form give a ValidationError too, never a panic.
func ImportForm(data []byte) (sub *scoring.Submission, err error) {
	return ImportFormFor(data, nil)
}

// ImportFormFor is ImportForm against a given criteria set (the one the
// unit's campaign pinned); nil means the default set of the form's annex.
func ImportFormFor(data []byte, set *scoring.Set) (sub *scoring.Submission, err error) {
	defer func() {
		if r := recover(); r != nil {
			sub, err = nil, documentError("tệp bị hỏng, không đọc được", "the file is damaged and cannot be read")
		}
	}()
	f, oerr := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: formUnzipLimit, UnzipXMLSizeLimit: formUnzipXMLLimit,
	})
	if oerr != nil {
		return nil, documentError("tệp không phải là bảng tính Excel (.xlsx) đọc được", "the file is not a readable XLSX workbook")
	}
	defer f.Close()
	r := &formReader{f: f, set: set}
	return r.read()
}

// documentError is a problem with the file as a whole.
func documentError(vi, en string) error {
	return &scoring.ValidationError{Errors: []scoring.FieldError{{Field: "document", Code: scoring.ErrInvalid,
		Message: vi, MessageEN: en}}}
}

// notAForm is the error for a workbook that is not one of our forms.
func notAForm(vi, en string) error {
	return documentError("tệp không phải biểu mẫu nhập số liệu của hệ thống ("+vi+"); hãy tải biểu mẫu mới và nhập lại số liệu",
		"the file is not a form of this system ("+en+"); download a new form and enter the figures again")
}

type metaEntry struct {
	kind, key, cell, check string
	row                    int // metadata row, for messages
}

type formReader struct {
	f     *excelize.File
	set   *scoring.Set
	sheet string
	d1904 bool
	errs  []scoring.FieldError
}

func (r *formReader) read() (*scoring.Submission, error) {
	f := r.f
	idx, err := f.GetSheetIndex(metaSheet)
	if err != nil || idx < 0 {
		return nil, notAForm("thiếu trang thông tin biểu mẫu", "its metadata sheet is missing")
	}
	rows, err := metaRows(f)
	if err != nil {
		return nil, notAForm("trang thông tin biểu mẫu không đọc được", "its metadata sheet cannot be read")
	}
	head := map[string]string{}
	var entries []metaEntry
	for i, row := range rows {
		cells := make([]string, 4)
		for j := 0; j < len(cells) && j < len(row); j++ {
			cells[j] = strings.TrimSpace(norm.NFC.String(row[j]))
		}
		switch cells[0] {
		case "":
		case metaKindUnitCode, metaKindUnitName, metaKindFlag, metaKindFigure:
			entries = append(entries, metaEntry{kind: cells[0], key: cells[1], cell: strings.ToUpper(cells[2]), check: cells[3], row: i + 1})
		default:
			head[cells[0]] = cells[1]
			if cells[0] == metaKindFormat {
				head["version"] = cells[2]
			}
		}
	}
	if head[metaKindFormat] != metaFormat {
		return nil, notAForm("thiếu trang thông tin biểu mẫu", "its metadata sheet is missing")
	}
	if head["version"] != metaVersion {
		return nil, notAForm(fmt.Sprintf("phiên bản biểu mẫu %q không được hỗ trợ", head["version"]),
			fmt.Sprintf("form version %q is not supported", head["version"]))
	}
	annex := head[metaKindAnnex]
	set := r.set
	if set == nil {
		set, _ = Load(annex)
	}
	if set == nil || set.Annex != annex {
		return nil, &scoring.ValidationError{Errors: []scoring.FieldError{{Field: "annex", Label: "Phụ lục", Code: scoring.ErrInvalid,
			Message:   fmt.Sprintf("biểu mẫu ghi phụ lục %q, không phải phụ lục của đơn vị hoặc không có bộ tiêu chí này", annex),
			MessageEN: fmt.Sprintf("the form names annex %q: not the unit's annex, or no criteria set has it", annex)}}}
	}
	if d := head[metaKindDecision]; d != set.Decision {
		return nil, &scoring.ValidationError{Errors: []scoring.FieldError{{Field: "annex", Label: "Phụ lục", Code: scoring.ErrInvalid,
			Message:   fmt.Sprintf("biểu mẫu theo Quyết định %q, không phải Quyết định %s; hãy tải biểu mẫu mới", d, set.Decision),
			MessageEN: fmt.Sprintf("the form is for decision %q, not %s; download a new form", d, set.Decision)}}}
	}
	r.set = set
	year, err := strconv.Atoi(head[metaKindYear])
	if err != nil || year < 1900 || year > 9999 {
		return nil, &scoring.ValidationError{Errors: []scoring.FieldError{{Field: "year", Label: "Năm báo cáo", Code: scoring.ErrInvalid,
			Message:   fmt.Sprintf("năm báo cáo %q của biểu mẫu không hợp lệ", head[metaKindYear]),
			MessageEN: fmt.Sprintf("the form's report year %q is not valid", head[metaKindYear])}}}
	}
	r.sheet = head[metaKindSheet]
	if i, err := f.GetSheetIndex(r.sheet); err != nil || i < 0 || r.sheet == metaSheet {
		return nil, documentError(fmt.Sprintf("không tìm thấy trang %q của biểu mẫu %s trong tệp", r.sheet, annex),
			fmt.Sprintf("sheet %q of the %s form is not in the file", r.sheet, annex))
	}
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		r.d1904 = *props.Date1904
	}
	if err := r.checkLayout(entries); err != nil {
		return nil, err
	}

	sub := &scoring.Submission{Annex: annex, Year: year, Figures: map[string]any{}}
	for _, e := range entries {
		switch e.kind {
		case metaKindUnitCode:
			sub.Unit.Code = r.text(e.cell)
		case metaKindUnitName:
			sub.Unit.Name = r.text(e.cell)
		case metaKindFlag:
			if r.flag(e) {
				sub.Flags = append(sub.Flags, e.key)
			}
		case metaKindFigure:
			if v, ok := r.figure(e); ok {
				sub.Figures[e.key] = v
			}
		}
	}
	if len(r.errs) > 0 {
		return nil, &scoring.ValidationError{Errors: r.errs}
	}
	return sub, nil
}

// metaRowLimit bounds the metadata sheet; a form has a few hundred rows.
const metaRowLimit = 5000

// metaRows reads the first four columns of the metadata sheet.
func metaRows(f *excelize.File) ([][]string, error) {
	it, err := f.Rows(metaSheet)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var rows [][]string
	for it.Next() {
		if len(rows) == metaRowLimit {
			return nil, fmt.Errorf("more than %d rows", metaRowLimit)
		}
		cols, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, err
		}
		if len(cols) > 4 {
			cols = cols[:4]
		}
		rows = append(rows, cols)
	}
	return rows, it.Error()
}

// checkLayout refuses metadata that does not fit the criteria set and a
// sheet whose rows were moved since the form was made: every input row must
// still carry the text the form wrote in column B.
func (r *formReader) checkLayout(entries []metaEntry) error {
	seenCell := map[string]bool{}
	seenKey := map[string]bool{}
	var errs []scoring.FieldError
	bad := func(e metaEntry, vi, en string) {
		errs = append(errs, scoring.FieldError{Field: "document", Code: scoring.ErrInvalid,
			Message: fmt.Sprintf("thông tin biểu mẫu dòng %d: %s", e.row, vi), MessageEN: fmt.Sprintf("form metadata row %d: %s", e.row, en)})
	}
	var unknown, moved []string
	for _, e := range entries {
		col, row, err := excelize.CellNameToCoordinates(e.cell)
		if err != nil || row > excelize.TotalRows || col > excelize.MaxColumns {
			bad(e, fmt.Sprintf("ô %q không hợp lệ", e.cell), fmt.Sprintf("cell %q is not valid", e.cell))
			continue
		}
		if seenCell[e.cell] {
			bad(e, fmt.Sprintf("ô %s được dùng hai lần", e.cell), fmt.Sprintf("cell %s is used twice", e.cell))
		}
		seenCell[e.cell] = true
		key := e.kind + ":" + e.key
		if seenKey[key] {
			bad(e, fmt.Sprintf("%q xuất hiện hai lần", e.key), fmt.Sprintf("%q appears twice", e.key))
		}
		seenKey[key] = true
		if (e.kind == metaKindFigure && r.set.Figure(e.key) == nil) || (e.kind == metaKindFlag && !hasFlag(r.set, e.key)) {
			unknown = append(unknown, e.key)
			continue
		}
		labelCell, _ := excelize.CoordinatesToCellName(2, row)
		got, _ := r.f.GetCellValue(r.sheet, labelCell)
		if cleanText(got) != cleanText(e.check) {
			moved = append(moved, labelCell)
		}
	}
	if len(unknown) > 0 {
		list := strings.Join(firstN(unknown, 5), ", ")
		errs = append(errs, scoring.FieldError{Field: "document", Code: scoring.ErrUnknown,
			Message: fmt.Sprintf("biểu mẫu không khớp bộ tiêu chí %s: %d số liệu không có trong bộ tiêu chí (%s); hãy tải biểu mẫu mới",
				r.set.Annex, len(unknown), list),
			MessageEN: fmt.Sprintf("the form does not fit criteria set %s: %d figures are not declared by it (%s); download a new form",
				r.set.Annex, len(unknown), list)})
	}
	if len(moved) > 0 {
		list := strings.Join(firstN(moved, 5), ", ")
		errs = append(errs, scoring.FieldError{Field: "document", Code: scoring.ErrInvalid,
			Message: fmt.Sprintf("Ô %s: nội dung khác biểu mẫu gốc (dòng đã bị chèn, xóa hoặc sửa; %d ô: %s); hãy nhập số liệu vào biểu mẫu mới",
				moved[0], len(moved), list),
			MessageEN: fmt.Sprintf("Cell %s: differs from the original form (rows were inserted, deleted or edited; %d cells: %s); enter the figures into a new form",
				moved[0], len(moved), list)})
	}
	if len(errs) > 0 {
		return &scoring.ValidationError{Errors: errs}
	}
	return nil
}

// firstN is the first n items, with "…" when there are more.
func firstN(items []string, n int) []string {
	if len(items) <= n {
		return items
	}
	return append(append([]string(nil), items[:n]...), "…")
}

// cleanText is a cell's text in NFC with surrounding spaces (and the
// non-breaking spaces spreadsheets like) removed.
func cleanText(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(norm.NFC.String(s), "\u00a0", " "))
}

// raw returns a cell's stored value (numbers unformatted) and its type.
func (r *formReader) raw(cell string) (string, excelize.CellType) {
	typ, _ := r.f.GetCellType(r.sheet, cell)
	v, err := r.f.GetCellValue(r.sheet, cell, excelize.Options{RawCellValue: true})
	if err != nil {
		return "", excelize.CellTypeUnset
	}
	return cleanText(v), typ
}

func (r *formReader) text(cell string) string {
	v, _ := r.raw(cell)
	return v
}

func (r *formReader) fail(field, label, cell, code, vi, en string, criteria []string) {
	r.errs = append(r.errs, scoring.FieldError{Field: field, Label: label, Criteria: criteria, Code: code,
		Message: "Ô " + cell + ": " + vi, MessageEN: "Cell " + cell + ": " + en})
}

func (r *formReader) flag(e metaEntry) bool {
	v, typ := r.raw(e.cell)
	if v == "" {
		return false
	}
	b, ok := parseYesNo(v)
	if !ok && typ == excelize.CellTypeBool {
		b, ok = v == "1", v == "1" || v == "0"
	}
	if !ok {
		r.fail("flags."+e.key, e.check, e.cell, scoring.ErrNotBool, "phải là Có hoặc Không", "must be yes or no", nil)
	}
	return b
}

// criteriaOf lists the criteria that show a figure.
func (r *formReader) criteriaOf(key string) []string {
	var codes []string
	for _, c := range r.set.Criteria() {
		if containsStr(c.Figures, key) {
			codes = append(codes, c.Code)
		}
	}
	return codes
}

// figure reads one figure cell into a raw submission value: int64 for
// counts and amounts, "YYYY-MM-DD" or nil for dates, bool, or a choice key.
func (r *formReader) figure(e metaEntry) (any, bool) {
	fig := r.set.Figure(e.key)
	v, typ := r.raw(e.cell)
	if typ == excelize.CellTypeError {
		v = "#" + strings.TrimPrefix(v, "#")
	}
	field := "figures." + e.key
	fail := func(code, vi, en string) (any, bool) {
		r.fail(field, fig.Label, e.cell, code, vi, en, r.criteriaOf(e.key))
		return nil, false
	}
	if v == "" {
		if fig.Type == scoring.TypeDate && fig.Optional {
			return nil, true
		}
		return nil, false
	}
	switch fig.Type {
	case scoring.TypeCount, scoring.TypeAmount:
		numeric := typ == excelize.CellTypeUnset || typ == excelize.CellTypeNumber
		var n int64
		if !numeric && strings.ContainsAny(v, ".,\u00a0\u202f ") {
			// text typed Vietnamese-style: "1.250", "1 250" (R1)
			w, we := scoring.ParseWholeText(v)
			switch {
			case we == nil:
				n = w
			case we.Code == scoring.ErrTooLarge:
				n = math.MaxInt64 // beyond any limit; reported as too large
			default:
				return fail(we.Code, we.Message, we.MessageEN)
			}
		} else {
			w, code, ok := parseWhole(v)
			if !ok {
				if code == scoring.ErrNegative {
					return fail(code, "không được là số âm", "must not be negative")
				}
				return fail(scoring.ErrNotNumber, "phải là số nguyên không âm", "must be a non-negative whole number")
			}
			n = w
		}
		limit := int64(scoring.MaxCount)
		if fig.Type == scoring.TypeAmount {
			limit = scoring.MaxAmount
		}
		if fig.Max > 0 {
			limit = fig.Max
		}
		if n > limit {
			return fail(scoring.ErrTooLarge, "vượt quá giới hạn "+scoring.GroupThousands(limit), "exceeds the limit of "+strconv.FormatInt(limit, 10))
		}
		return n, true
	case scoring.TypeDate:
		if d, ok := r.date(v, typ); ok {
			return d.ISO(), true
		}
		return fail(scoring.ErrNotDate, "phải là ngày hợp lệ (ngày/tháng/năm)", "must be a valid date (DD/MM/YYYY)")
	case scoring.TypeBool:
		b, ok := parseYesNo(v)
		if !ok && typ == excelize.CellTypeBool {
			b, ok = v == "1", v == "1" || v == "0"
		}
		if ok {
			return b, true
		}
		return fail(scoring.ErrNotBool, "phải là Có hoặc Không", "must be yes or no")
	case scoring.TypeChoice:
		if ch := findChoice(fig, v); ch != nil {
			return ch.Key, true
		}
		labels := make([]string, len(fig.Choices))
		keys := make([]string, len(fig.Choices))
		for i, c := range fig.Choices {
			labels[i], keys[i] = c.Label, c.Key
		}
		return fail(scoring.ErrNotChoice, "phải là một trong: "+strings.Join(labels, "; "), "must be one of: "+strings.Join(keys, ", "))
	}
	return fail(scoring.ErrInvalid, "kiểu số liệu không hỗ trợ", "unsupported figure type")
}

// date reads a date cell: a spreadsheet date serial, or text any form
// scoring.ParseDate accepts.
func (r *formReader) date(v string, typ excelize.CellType) (scoring.Date, bool) {
	if typ == excelize.CellTypeUnset || typ == excelize.CellTypeNumber {
		serial, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(serial) || serial < 1 || serial >= 2958466 {
			return scoring.Date{}, false
		}
		t, err := excelize.ExcelDateToTime(math.Floor(serial), r.d1904)
		if err != nil {
			return scoring.Date{}, false
		}
		return scoring.DateOf(t), true
	}
	if d, err := scoring.ParseDate(v); err == nil {
		return d, true
	}
	if len(v) >= 10 && v[4] == '-' { // an ISO date-time cell
		if t, err := time.Parse("2006-01-02", v[:10]); err == nil {
			return scoring.DateOf(t), true
		}
	}
	return scoring.Date{}, false
}

// numberText is the decimal form spreadsheets store numbers in.
var numberText = regexp.MustCompile(`^[+-]?[0-9]{1,40}(\.[0-9]{1,40})?([eE][+-]?[0-9]{1,3})?$`)

// parseWhole reads a non-negative whole number from a cell's stored text
// ("12", "12.0", "1.2E+3"); the code says why it is not one.
func parseWhole(s string) (int64, string, bool) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n < 0 {
			return 0, scoring.ErrNegative, false
		}
		return n, "", true
	}
	if !numberText.MatchString(s) {
		return 0, scoring.ErrNotNumber, false
	}
	q, ok := new(big.Rat).SetString(s)
	if !ok {
		return 0, scoring.ErrNotNumber, false
	}
	if q.Sign() < 0 {
		return 0, scoring.ErrNegative, false
	}
	if !q.IsInt() {
		return 0, scoring.ErrNotNumber, false
	}
	if !q.Num().IsInt64() {
		return math.MaxInt64, "", true // beyond any limit; reported as too large
	}
	return q.Num().Int64(), "", true
}

// parseYesNo reads the yes/no answers scoring accepts.
func parseYesNo(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(norm.NFC.String(s))) {
	case "có", "co", "yes", "true":
		return true, true
	case "không", "khong", "no", "false":
		return false, true
	}
	return false, false
}

// findChoice matches an option by key or label, ignoring case.
func findChoice(f *scoring.Figure, s string) *scoring.Choice {
	s = strings.ToLower(cleanText(s))
	for i := range f.Choices {
		c := &f.Choices[i]
		if strings.ToLower(c.Key) == s || strings.ToLower(norm.NFC.String(c.Label)) == s {
			return c
		}
	}
	return nil
}
