package templates

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"ictindex/scoring"
)

// The XLSX form a unit fills in: one visible sheet per annex laid out like
// the decision's table, columns (1) TT … (7) Ghi chú, and a very hidden
// metadata sheet that maps every input cell to the submission field it
// holds, so that reading the form back never guesses from row positions.

// Layout of the visible sheet.
const (
	colTT      = "A" // (1) TT
	colTitle   = "B" // (2) Tiêu chí, and the label of each figure row
	colInput   = "C" // (3) Số liệu: the cells the unit fills
	colMax     = "D" // (4) Điểm tối đa
	colSelf    = "E" // (5) Đơn vị tự đánh giá: computed by the system (R8)
	colAppr    = "F" // (6) Kết quả thẩm định
	colNote    = "G" // (7) Ghi chú: the ruling
	lastCol    = colNote
	noteAuthor = "Quy định chấm điểm"
)

// Metadata sheet: one row per entry, columns kind, key or value, cell,
// and the text written in column B of the cell's row (to detect moved rows).
const (
	metaSheet   = "_bieumau"
	metaFormat  = "ictindex-form"
	metaVersion = "1"

	metaKindFormat   = "format"
	metaKindAnnex    = "annex"
	metaKindDecision = "decision"
	metaKindYear     = "year"
	metaKindSheet    = "sheet"
	metaKindUnitCode = "unit.code"
	metaKindUnitName = "unit.name"
	metaKindFlag     = "flag"
	metaKindFigure   = "figure"
)

// Texts of the form shown to units.
const (
	yesText       = "Có"
	noText        = "Không"
	selfText      = "Hệ thống tự tính"
	unitCodeLabel = "Mã đơn vị"
	unitNameLabel = "Tên đơn vị"
	extraGroup    = "Số liệu bổ sung"
)

// Form returns the XLSX form of a criteria set for a report year: blank
// when sub is nil, otherwise pre-filled with the submission's unit, flags
// and figures. A year of 0 takes the submission's year.
func Form(set *scoring.Set, sub *scoring.Submission, year int) ([]byte, error) {
	if set == nil {
		return nil, fmt.Errorf("form: no criteria set")
	}
	if year == 0 && sub != nil {
		year = sub.Year
	}
	if year < 1900 || year > 9999 {
		return nil, fmt.Errorf("form: report year %d is not valid", year)
	}
	if sub != nil {
		if sub.Annex != set.Annex {
			return nil, fmt.Errorf("form: the submission is for annex %q, the criteria set is %s", sub.Annex, set.Annex)
		}
		for _, fl := range sub.Flags {
			if !hasFlag(set, fl) {
				return nil, fmt.Errorf("form: flag %q is not declared by criteria set %s", fl, set.Annex)
			}
		}
	}
	w, err := newFormWriter(set, year)
	if err != nil {
		return nil, err
	}
	defer w.f.Close()
	if err := w.write(sub); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := w.f.Write(&buf); err != nil {
		return nil, fmt.Errorf("form: %w", err)
	}
	return buf.Bytes(), nil
}

func hasFlag(set *scoring.Set, key string) bool {
	for _, f := range set.Flags {
		if f.Key == key {
			return true
		}
	}
	return false
}

// formWriter builds one form.
type formWriter struct {
	set   *scoring.Set
	year  int
	f     *excelize.File
	sheet string
	row   int
	st    formStyles
	meta  [][]string
	first map[string]int // figure key → row of its input cell
	err   error
}

type formStyles struct {
	title, subtitle, text, label, header, headerNum, section, group, criterion,
	criterionCell, max, maxSection, system, note, ref, refDate, inputCount, inputDate, inputText int
}

func newFormWriter(set *scoring.Set, year int) (*formWriter, error) {
	f := excelize.NewFile()
	w := &formWriter{set: set, year: year, f: f, sheet: set.Annex, first: map[string]int{}}
	if err := f.SetSheetName("Sheet1", w.sheet); err != nil {
		f.Close()
		return nil, fmt.Errorf("form: %w", err)
	}
	if err := w.styles(); err != nil {
		f.Close()
		return nil, fmt.Errorf("form: %w", err)
	}
	return w, nil
}

// check remembers the first error of a sequence of excelize calls.
func (w *formWriter) check(err error) {
	if err != nil && w.err == nil {
		w.err = err
	}
}

func (w *formWriter) styles() error {
	font := func(bold, italic bool, size float64, color string) *excelize.Font {
		return &excelize.Font{Family: "Times New Roman", Size: size, Bold: bold, Italic: italic, Color: color}
	}
	border := []excelize.Border{
		{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1},
	}
	fill := func(color string) excelize.Fill {
		return excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}}
	}
	locked := &excelize.Protection{Locked: true}
	unlocked := &excelize.Protection{Locked: false}
	wrapTop := &excelize.Alignment{WrapText: true, Vertical: "top"}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	dateFmt := "dd/mm/yyyy"
	oneDecimal := "0.0"
	defs := []struct {
		dst *int
		s   excelize.Style
	}{
		{&w.st.title, excelize.Style{Font: font(true, false, 13, ""), Alignment: center, Protection: locked}},
		{&w.st.subtitle, excelize.Style{Font: font(false, true, 12, ""), Alignment: center, Protection: locked}},
		{&w.st.text, excelize.Style{Font: font(false, false, 12, ""), Alignment: wrapTop, Protection: locked}},
		{&w.st.label, excelize.Style{Font: font(false, false, 12, ""), Alignment: &excelize.Alignment{WrapText: true, Vertical: "top", Indent: 1}, Border: border, Protection: locked}},
		{&w.st.header, excelize.Style{Font: font(true, false, 12, ""), Alignment: center, Border: border, Fill: fill("D9E1F2"), Protection: locked}},
		{&w.st.headerNum, excelize.Style{Font: font(false, true, 11, ""), Alignment: center, Border: border, Fill: fill("D9E1F2"), Protection: locked}},
		{&w.st.section, excelize.Style{Font: font(true, false, 12, ""), Alignment: wrapTop, Border: border, Fill: fill("EDEDED"), Protection: locked}},
		{&w.st.group, excelize.Style{Font: font(true, true, 12, ""), Alignment: wrapTop, Border: border, Protection: locked}},
		{&w.st.criterion, excelize.Style{Font: font(false, false, 12, ""), Alignment: wrapTop, Border: border, Protection: locked}},
		{&w.st.criterionCell, excelize.Style{Font: font(true, false, 12, ""), Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top"}, Border: border, Protection: locked}},
		{&w.st.max, excelize.Style{Font: font(true, false, 12, ""), Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top"}, Border: border, CustomNumFmt: &oneDecimal, Protection: locked}},
		{&w.st.maxSection, excelize.Style{Font: font(true, false, 12, ""), Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top"}, Border: border, Fill: fill("EDEDED"), CustomNumFmt: &oneDecimal, Protection: locked}},
		{&w.st.system, excelize.Style{Font: font(false, true, 10, "808080"), Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top", WrapText: true}, Border: border, Protection: locked}},
		{&w.st.note, excelize.Style{Font: font(false, true, 11, ""), Alignment: wrapTop, Border: border, Protection: locked}},
		{&w.st.ref, excelize.Style{Font: font(false, true, 12, "595959"), Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "top"}, Border: border, Fill: fill("F2F2F2"), NumFmt: 3, Protection: locked}},
		{&w.st.refDate, excelize.Style{Font: font(false, true, 12, "595959"), Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "top"}, Border: border, Fill: fill("F2F2F2"), CustomNumFmt: &dateFmt, Protection: locked}},
		{&w.st.inputCount, excelize.Style{Font: font(false, false, 12, ""), Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "top"}, Border: border, Fill: fill("FFF2CC"), NumFmt: 3, Protection: unlocked}},
		{&w.st.inputDate, excelize.Style{Font: font(false, false, 12, ""), Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "top"}, Border: border, Fill: fill("FFF2CC"), CustomNumFmt: &dateFmt, Protection: unlocked}},
		{&w.st.inputText, excelize.Style{Font: font(false, false, 12, ""), Alignment: &excelize.Alignment{Vertical: "top"}, Border: border, Fill: fill("FFF2CC"), NumFmt: 49, Protection: unlocked}},
	}
	for _, d := range defs {
		s := d.s
		id, err := w.f.NewStyle(&s)
		if err != nil {
			return err
		}
		*d.dst = id
	}
	return nil
}

func (w *formWriter) cell(col string, row int) string { return col + strconv.Itoa(row) }

func (w *formWriter) set1(col string, row int, v any, style int) {
	c := w.cell(col, row)
	w.check(w.f.SetCellValue(w.sheet, c, v))
	w.check(w.f.SetCellStyle(w.sheet, c, c, style))
}

// styleRow gives every cell of the table columns of a row the style.
func (w *formWriter) styleRow(row, style int) {
	w.check(w.f.SetCellStyle(w.sheet, w.cell(colTT, row), w.cell(lastCol, row), style))
}

// banner writes a merged full-width line.
func (w *formWriter) banner(text string, style int, height float64) {
	w.row++
	a, b := w.cell(colTT, w.row), w.cell(lastCol, w.row)
	w.check(w.f.MergeCell(w.sheet, a, b))
	w.check(w.f.SetCellValue(w.sheet, a, text))
	w.check(w.f.SetCellStyle(w.sheet, a, b, style))
	if height > 0 {
		w.check(w.f.SetRowHeight(w.sheet, w.row, height))
	}
}

func (w *formWriter) addMeta(kind, key, cell, check string) {
	w.meta = append(w.meta, []string{kind, key, cell, check})
}

// Column widths; used to estimate row heights, as spreadsheet programs do
// not grow rows for wrapped text on their own.
var formWidths = map[string]float64{"A": 7, "B": 62, "C": 20, "D": 9, "E": 12, "F": 12, "G": 46}

func (w *formWriter) fit(row int, texts map[string]string) {
	lines := 1
	for col, s := range texts {
		if n := wrappedLines(s, formWidths[col]); n > lines {
			lines = n
		}
	}
	w.check(w.f.SetRowHeight(w.sheet, row, math.Min(409, 16*float64(lines)+2)))
}

func wrappedLines(s string, width float64) int {
	per := int(width * 1.15)
	if per < 1 {
		per = 1
	}
	n := 0
	for _, p := range strings.Split(s, "\n") {
		n += (utf8.RuneCountInString(p) + per - 1) / per
		if p == "" {
			n++
		}
	}
	return n
}

func (w *formWriter) write(sub *scoring.Submission) error {
	set, f := w.set, w.f
	for _, col := range []string{colTT, colTitle, colInput, colMax, colSelf, colAppr, colNote} {
		w.check(f.SetColWidth(w.sheet, col, col, formWidths[col]))
	}
	st := scoring.DefaultSettings(w.year)

	// Title rows, as the decision's annex.
	w.banner(set.AnnexTitle, w.st.title, 20)
	w.banner(set.Title, w.st.title, 36)
	w.banner(fmt.Sprintf("(Ban hành kèm theo Quyết định %s ngày %s của UBND tỉnh Lào Cai)", set.Decision, set.DecisionDate), w.st.subtitle, 0)
	w.banner(fmt.Sprintf("Năm báo cáo: %d", w.year), w.st.title, 0)
	w.banner("Số liệu tính đến ngày "+st.CutOff.String(), w.st.subtitle, 0)
	w.row++

	// The unit and its flags.
	var unit scoring.Unit
	var flags []string
	if sub != nil {
		unit, flags = sub.Unit, sub.Flags
	}
	w.inputLine(metaKindUnitCode, "", unitCodeLabel, unit.Code)
	w.inputLine(metaKindUnitName, "", unitNameLabel, unit.Name)
	for _, fl := range set.Flags {
		v := noText
		if containsStr(flags, fl.Key) {
			v = yesText
		}
		c := w.inputLine(metaKindFlag, fl.Key, fl.Label, v)
		w.validate(c, listValidation([]string{yesText, noText}), fl.Label, "Chọn Có hoặc Không.")
	}
	w.row++
	w.banner("Hướng dẫn: nhập số liệu vào các ô màu vàng ở cột (3) Số liệu. Cột (5) Đơn vị tự đánh giá do hệ thống tự tính điểm từ số liệu đơn vị nhập, "+
		"đơn vị không nhập điểm. Cột (6) do cơ quan thẩm định ghi. Cột (7) ghi quy định chấm điểm áp dụng cho tiêu chí. "+
		"Số liệu dùng cho nhiều tiêu chí chỉ nhập một lần, tại lần xuất hiện đầu tiên.", w.st.text, 50)
	w.row++

	// Header rows (1)…(7).
	w.row++
	heads := []string{"TT", "Tiêu chí", "Số liệu", "Điểm tối đa", "Đơn vị tự đánh giá", "Kết quả thẩm định", "Ghi chú"}
	for i, h := range heads {
		w.set1(string(rune('A'+i)), w.row, h, w.st.header)
	}
	w.check(f.SetRowHeight(w.sheet, w.row, 34))
	w.check(f.AddComment(w.sheet, excelize.Comment{Author: noteAuthor, Cell: w.cell(colSelf, w.row),
		Text: "Cột (5) do hệ thống tự tính từ số liệu ở cột (3) theo bộ tiêu chí; đơn vị không tự nhập điểm."}))
	w.row++
	for i := range heads {
		w.set1(string(rune('A'+i)), w.row, fmt.Sprintf("(%d)", i+1), w.st.headerNum)
	}
	headerRow := w.row - 1

	values := map[string]any{}
	if sub != nil {
		values = sub.Figures
	}
	var total scoring.Fixed
	for _, sec := range set.Sections {
		var secMax scoring.Fixed
		for _, c := range set.Criteria() {
			if c.Section == sec.Code {
				secMax += set.EffectiveMax(c, nil)
			}
		}
		total += secMax
		w.row++
		w.styleRow(w.row, w.st.section)
		w.check(f.SetCellValue(w.sheet, w.cell(colTT, w.row), sec.Code))
		w.check(f.SetCellValue(w.sheet, w.cell(colTitle, w.row), sec.Title))
		w.maxCell(w.row, secMax, w.st.maxSection)
		w.fit(w.row, map[string]string{colTitle: sec.Title})
		group := ""
		for _, c := range set.Criteria() {
			if c.Section != sec.Code {
				continue
			}
			if c.Group != "" && c.Group != group {
				w.groupRow(c.Group)
			}
			group = c.Group
			w.criterionRow(c)
			for _, k := range c.Figures {
				w.figureRow(k, values)
			}
		}
	}
	w.extraFigures(values)
	w.deductions()

	w.row++
	w.styleRow(w.row, w.st.section)
	w.check(f.SetCellValue(w.sheet, w.cell(colTitle, w.row), "TỔNG ĐIỂM"))
	w.maxCell(w.row, total, w.st.maxSection)

	if len(set.Notes) > 0 {
		w.row++
		w.banner("Chú thích (theo Quyết định):\n- "+strings.Join(set.Notes, "\n- ")+
			"\nTheo quy định chấm điểm (R8), cột (5) do hệ thống tính từ số liệu đơn vị nhập; đơn vị không tự chấm điểm.",
			w.st.text, 16*float64(len(set.Notes)+2)+4)
	}

	// The header rows repeat on every printed page.
	w.check(f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: w.sheet,
		RefersTo: fmt.Sprintf("'%s'!$%d:$%d", w.sheet, headerRow, headerRow+1)}))
	fitWidth := 1
	w.check(f.SetPageLayout(w.sheet, &excelize.PageLayoutOptions{Size: intPtr(9), Orientation: strPtr("landscape"), FitToWidth: &fitWidth}))
	w.check(f.ProtectSheet(w.sheet, &excelize.SheetProtectionOptions{SelectLockedCells: true, SelectUnlockedCells: true, FormatColumns: true, FormatRows: true}))

	w.writeMeta()
	w.check(f.SetDocProps(&excelize.DocProperties{
		Title:          fmt.Sprintf("Biểu mẫu %s năm %d", set.Annex, w.year),
		Subject:        set.Title,
		Creator:        "Bộ tiêu chí " + set.Decision,
		LastModifiedBy: "Bộ tiêu chí " + set.Decision,
		Description:    fmt.Sprintf("Biểu mẫu báo cáo số liệu ứng dụng CNTT năm %d, %s", w.year, set.AnnexTitle),
		Keywords:       set.Annex,
		Created:        fmt.Sprintf("%04d-01-01T00:00:00Z", w.year),
		Modified:       fmt.Sprintf("%04d-01-01T00:00:00Z", w.year),
		Language:       "vi-VN",
		Revision:       metaVersion,
	}))
	w.check(f.ProtectWorkbook(&excelize.WorkbookProtectionOptions{LockStructure: true}))
	if w.err != nil {
		return fmt.Errorf("form: %w", w.err)
	}
	return nil
}

func intPtr(n int) *int       { return &n }
func strPtr(s string) *string { return &s }

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// maxCell writes an exact decimal maximum as a number ("3.00", shown 3,0).
func (w *formWriter) maxCell(row int, v scoring.Fixed, style int) {
	c := w.cell(colMax, row)
	w.check(w.f.SetCellDefault(w.sheet, c, v.Plain()))
	w.check(w.f.SetCellStyle(w.sheet, c, c, style))
}

// inputLine writes a header line "label | input" and records it in the
// metadata; it returns the input cell.
func (w *formWriter) inputLine(kind, key, label, value string) string {
	w.row++
	w.set1(colTitle, w.row, label, w.st.label)
	c := w.cell(colInput, w.row)
	w.check(w.f.SetCellStr(w.sheet, c, value))
	w.check(w.f.SetCellStyle(w.sheet, c, c, w.st.inputText))
	w.fit(w.row, map[string]string{colTitle: label})
	w.addMeta(kind, key, c, label)
	return c
}

func (w *formWriter) groupRow(code string) {
	w.row++
	w.styleRow(w.row, w.st.group)
	number := code[strings.IndexByte(code, '.')+1:]
	title, note := w.set.GroupTitle(code), ""
	for _, sec := range w.set.Sections {
		for _, g := range sec.Groups {
			if sec.Code+"."+g.Number == code {
				note = g.Note
			}
		}
	}
	var groupMax scoring.Fixed
	for _, c := range w.set.Criteria() {
		if c.Group == code {
			groupMax += w.set.EffectiveMax(c, nil)
		}
	}
	w.check(w.f.SetCellValue(w.sheet, w.cell(colTT, w.row), number))
	w.check(w.f.SetCellValue(w.sheet, w.cell(colTitle, w.row), title))
	w.maxCell(w.row, groupMax, w.st.max)
	if note != "" {
		w.check(w.f.SetCellValue(w.sheet, w.cell(colNote, w.row), note))
	}
	w.fit(w.row, map[string]string{colTitle: title, colNote: note})
}

// criterionRow writes a criterion: number, title with its levels and
// evidence, maximum, the system's column (5) and the ruling in (7), also
// as a note on the title.
func (w *formWriter) criterionRow(c *scoring.Criterion) {
	w.row++
	w.styleRow(w.row, w.st.criterion)
	row := w.row
	w.check(w.f.SetCellValue(w.sheet, w.cell(colTT, row), c.Number))
	w.check(w.f.SetCellStyle(w.sheet, w.cell(colTT, row), w.cell(colTT, row), w.st.criterionCell))

	runs := []excelize.RichTextRun{{Text: c.Title, Font: &excelize.Font{Family: "Times New Roman", Size: 12, Bold: true}}}
	plain := c.Title
	if len(c.Levels) > 0 {
		t := "\n- " + strings.Join(c.Levels, "\n- ")
		runs = append(runs, excelize.RichTextRun{Text: t, Font: &excelize.Font{Family: "Times New Roman", Size: 12}})
		plain += t
	}
	if len(c.Evidence) > 0 {
		t := "\nThông tin kiểm chứng:\n- " + strings.Join(c.Evidence, "\n- ")
		runs = append(runs, excelize.RichTextRun{Text: t, Font: &excelize.Font{Family: "Times New Roman", Size: 11, Italic: true}})
		plain += t
	}
	w.check(w.f.SetCellRichText(w.sheet, w.cell(colTitle, row), runs))

	flagsFor := []string(nil)
	if c.AppliesIf != "" {
		flagsFor = []string{c.AppliesIf}
	}
	w.maxCell(row, w.set.EffectiveMax(c, flagsFor), w.st.max)
	w.set1(colSelf, row, selfText, w.st.system)

	var notes []string
	if c.Ruling != "" {
		notes = append(notes, c.Ruling)
	}
	if c.Note != "" {
		notes = append(notes, "Ghi chú: "+c.Note)
	}
	if c.AppliesIf != "" {
		notes = append(notes, "Chỉ áp dụng khi «"+w.flagLabel(c.AppliesIf)+"» là Có.")
	}
	if c.AppliesUnless != "" {
		notes = append(notes, "Không áp dụng khi «"+w.flagLabel(c.AppliesUnless)+"» là Có.")
	}
	note := strings.Join(notes, "\n")
	if note != "" {
		w.check(w.f.SetCellValue(w.sheet, w.cell(colNote, row), note))
		w.check(w.f.SetCellStyle(w.sheet, w.cell(colNote, row), w.cell(colNote, row), w.st.note))
	}
	if c.Ruling != "" {
		w.check(w.f.AddComment(w.sheet, excelize.Comment{Author: noteAuthor, Cell: w.cell(colTitle, row),
			Text: c.Code + ": " + c.Ruling, Width: 360, Height: 160}))
	}
	w.fit(row, map[string]string{colTitle: plain, colNote: note})
}

func (w *formWriter) flagLabel(key string) string {
	for _, f := range w.set.Flags {
		if f.Key == key {
			return f.Label
		}
	}
	return key
}

// figureLabel is the text of a figure row's column B.
func figureLabel(f *scoring.Figure) string {
	s := f.Label
	if f.Unit != "" {
		s += " (" + f.Unit + ")"
	}
	if f.Note != "" {
		s += "\nGhi chú: " + f.Note
	}
	return s
}

// figureRow writes one figure under a criterion: an input cell at its first
// use, a reference to that cell afterwards.
func (w *formWriter) figureRow(key string, values map[string]any) {
	fig := w.set.Figure(key)
	if fig == nil {
		return
	}
	w.row++
	row := w.row
	w.styleRow(row, w.st.label)
	label := figureLabel(fig)
	c := w.cell(colInput, row)
	if first, ok := w.first[key]; ok {
		label += fmt.Sprintf("\n(đã nhập ở dòng %d)", first)
		src := w.cell(colInput, first)
		w.check(w.f.SetCellFormula(w.sheet, c, fmt.Sprintf(`IF(%s="","",%s)`, src, src)))
		style := w.st.ref
		if fig.Type == scoring.TypeDate {
			style = w.st.refDate
		}
		w.check(w.f.SetCellStyle(w.sheet, c, c, style))
		w.check(w.f.SetCellValue(w.sheet, w.cell(colTitle, row), label))
		w.fit(row, map[string]string{colTitle: label})
		return
	}
	w.first[key] = row
	w.check(w.f.SetCellValue(w.sheet, w.cell(colTitle, row), label))
	w.fit(row, map[string]string{colTitle: label})
	w.addMeta(metaKindFigure, key, c, label)
	w.inputCell(fig, c, values[key])
}

// extraFigures gives an input cell to every declared figure no criterion
// shows (such as the parts of a consistency check), so the form carries
// the whole submission.
func (w *formWriter) extraFigures(values map[string]any) {
	var rest []string
	for _, f := range w.set.Figures {
		if _, ok := w.first[f.Key]; !ok {
			rest = append(rest, f.Key)
		}
	}
	if len(rest) == 0 {
		return
	}
	w.row++
	w.styleRow(w.row, w.st.group)
	w.check(w.f.SetCellValue(w.sheet, w.cell(colTitle, w.row), extraGroup))
	for _, k := range rest {
		w.figureRow(k, values)
	}
}

func (w *formWriter) deductions() {
	if len(w.set.Deductions) == 0 {
		return
	}
	w.row++
	w.styleRow(w.row, w.st.section)
	w.check(w.f.SetCellValue(w.sheet, w.cell(colTT, w.row), w.set.DeductSect))
	w.check(w.f.SetCellValue(w.sheet, w.cell(colTitle, w.row), w.set.DeductTitle))
	w.fit(w.row, map[string]string{colTitle: w.set.DeductTitle})
	for _, d := range w.set.Deductions {
		w.row++
		w.styleRow(w.row, w.st.criterion)
		w.check(w.f.SetCellValue(w.sheet, w.cell(colTT, w.row), d.Number))
		w.check(w.f.SetCellValue(w.sheet, w.cell(colTitle, w.row), d.Title))
		w.check(w.f.SetCellValue(w.sheet, w.cell(colMax, w.row), "-"+d.Points.Short()))
		note := "Hệ thống và cơ quan thẩm định xác định; đơn vị không nhập."
		w.check(w.f.SetCellValue(w.sheet, w.cell(colNote, w.row), note))
		w.check(w.f.SetCellStyle(w.sheet, w.cell(colNote, w.row), w.cell(colNote, w.row), w.st.note))
		w.fit(w.row, map[string]string{colTitle: d.Title, colNote: note})
	}
}

// validation is what the spreadsheet program enforces on an input cell.
type validation struct {
	kind   excelize.DataValidationType
	op     excelize.DataValidationOperator
	f1, f2 any
	list   []string
}

func listValidation(items []string) validation {
	return validation{kind: excelize.DataValidationTypeList, list: items}
}

// figureValidation is the data validation of a figure's input cell.
func figureValidation(f *scoring.Figure) (validation, string) {
	switch f.Type {
	case scoring.TypeCount:
		limit := int64(scoring.MaxCount)
		if f.Max > 0 {
			limit = f.Max
		}
		return validation{kind: excelize.DataValidationTypeWhole, op: excelize.DataValidationOperatorBetween, f1: 0, f2: int(limit)},
			"Nhập số nguyên từ 0 đến " + scoring.GroupThousands(limit) + "."
	case scoring.TypeAmount:
		return validation{kind: excelize.DataValidationTypeWhole, op: excelize.DataValidationOperatorGreaterThanOrEqual, f1: 0, f2: ""},
			"Nhập số tiền (đồng), số nguyên không âm."
	case scoring.TypeDate:
		msg := "Nhập ngày dạng ngày/tháng/năm, ví dụ 20/12/2025."
		if f.Optional {
			msg += " Để trống nếu không có."
		}
		// Serial 1 is 01/01/1900, 2958465 is 31/12/9999.
		return validation{kind: excelize.DataValidationTypeDate, op: excelize.DataValidationOperatorBetween, f1: 1, f2: 2958465}, msg
	case scoring.TypeBool:
		return listValidation([]string{yesText, noText}), "Chọn Có hoặc Không."
	case scoring.TypeChoice:
		labels := make([]string, len(f.Choices))
		for i, c := range f.Choices {
			labels[i] = c.Label
		}
		return listValidation(labels), "Chọn một trong: " + strings.Join(labels, "; ") + "."
	}
	return validation{}, ""
}

func (w *formWriter) validate(cell string, v validation, title, msg string) {
	dv := excelize.NewDataValidation(true)
	dv.Sqref = cell
	if v.kind == excelize.DataValidationTypeList {
		w.check(dv.SetDropList(v.list))
	} else {
		w.check(dv.SetRange(v.f1, v.f2, v.kind, v.op))
	}
	dv.SetError(excelize.DataValidationErrorStyleStop, "Số liệu không hợp lệ", truncateRunes(msg, 225))
	dv.SetInput(truncateRunes(title, 32), truncateRunes(msg, 250))
	w.check(w.f.AddDataValidation(w.sheet, dv))
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// inputCell styles, validates and pre-fills the input cell of a figure.
// A value the form cannot type is written as text, so the unit sees it and
// the import reports it.
func (w *formWriter) inputCell(fig *scoring.Figure, cell string, raw any) {
	v, msg := figureValidation(fig)
	w.validate(cell, v, fig.Label, msg)
	style := w.st.inputText
	switch fig.Type {
	case scoring.TypeCount, scoring.TypeAmount:
		style = w.st.inputCount
	case scoring.TypeDate:
		style = w.st.inputDate
	}
	w.check(w.f.SetCellStyle(w.sheet, cell, cell, style))
	if raw == nil {
		return
	}
	text := rawText(raw)
	switch fig.Type {
	case scoring.TypeCount, scoring.TypeAmount:
		if n, _, ok := parseWhole(text); ok {
			w.check(w.f.SetCellInt(w.sheet, cell, n))
			return
		}
	case scoring.TypeDate:
		var d scoring.Date
		var err error
		if t, ok := raw.(time.Time); ok {
			d = scoring.DateOf(t)
		} else {
			d, err = scoring.ParseDate(text)
		}
		if err == nil {
			w.check(w.f.SetCellInt(w.sheet, cell, dateSerial(d)))
			return
		}
	case scoring.TypeBool:
		if b, ok := parseYesNo(text); ok {
			w.check(w.f.SetCellStr(w.sheet, cell, yesNoText(b)))
			return
		}
	case scoring.TypeChoice:
		if ch := findChoice(fig, text); ch != nil {
			w.check(w.f.SetCellStr(w.sheet, cell, ch.Label))
			return
		}
	}
	w.check(w.f.SetCellStr(w.sheet, cell, text))
}

// rawText is a raw submission value as text.
func rawText(raw any) string {
	switch r := raw.(type) {
	case string:
		return r
	case bool:
		return strconv.FormatBool(r)
	case float64:
		return strconv.FormatFloat(r, 'f', -1, 64)
	case time.Time:
		return r.Format("2006-01-02")
	}
	return fmt.Sprint(raw)
}

func yesNoText(b bool) string {
	if b {
		return yesText
	}
	return noText
}

// excelEpoch is day 0 of the 1900 date system as spreadsheet programs
// count it (after their 29/02/1900 leap-year bug).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

func dateSerial(d scoring.Date) int64 {
	return int64(d.Time(time.UTC).Sub(excelEpoch).Hours() / 24)
}

func (w *formWriter) writeMeta() {
	f := w.f
	_, err := f.NewSheet(metaSheet)
	w.check(err)
	head := [][]string{
		{metaKindFormat, metaFormat, metaVersion, "Thông tin biểu mẫu — không sửa trang này"},
		{metaKindAnnex, w.set.Annex, "", ""},
		{metaKindDecision, w.set.Decision, "", ""},
		{metaKindYear, strconv.Itoa(w.year), "", ""},
		{metaKindSheet, w.sheet, "", ""},
	}
	for i, r := range append(head, w.meta...) {
		for j, v := range r {
			w.check(f.SetCellStr(metaSheet, w.cell(string(rune('A'+j)), i+1), norm.NFC.String(v)))
		}
	}
	w.check(f.SetSheetVisible(metaSheet, false, true))
	w.check(f.ProtectSheet(metaSheet, &excelize.SheetProtectionOptions{}))
	if idx, err := f.GetSheetIndex(w.sheet); err == nil {
		f.SetActiveSheet(idx)
	}
}
