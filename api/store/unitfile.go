package store

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// maxUnitFileSize bounds an uploaded registry file.
const maxUnitFileSize = 10 << 20

// headerAliases maps folded header texts (see fold) to columns; Vietnamese
// and English both work, in any order, any case, with or without
// diacritics.
var headerAliases = map[string]unitField{
	"ma don vi": fieldCode, "ma dv": fieldCode, "ma": fieldCode, "code": fieldCode, "unit code": fieldCode,
	"ten don vi": fieldName, "ten dv": fieldName, "ten": fieldName, "name": fieldName, "unit name": fieldName,
	"phu luc": fieldAnnex, "annex": fieldAnnex,
	"dac diem": fieldFlags, "flags": fieldFlags, "flag": fieldFlags,
	"thu dien tu": fieldEmails, "email": fieldEmails, "emails": fieldEmails, "e mail": fieldEmails, "e mails": fieldEmails,
}

// record is one row of a registry file with its 1-based row number.
type record struct {
	row   int
	cells []string
}

func cellName(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col+1, row)
	return name
}

// ParseUnitsCSV reads a unit registry in CSV (UTF-8, with or without a
// byte order mark, fields separated by "," or ";"). The first row names
// the columns: Mã đơn vị/code, Tên đơn vị/name, Phụ lục/annex and,
// optionally, Đặc điểm/flags and Thư điện tử/emails, the last two holding
// lists separated by "," or ";". Blank rows are skipped. Every problem is
// reported at once, by cell ("C4"), in a *ValidationError. Units come out
// active, checked against the default annexes (PL01, PL02) and flags.
func ParseUnitsCSV(r io.Reader) ([]Unit, error) {
	data, err := readLimited(r)
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) || !utf8.Valid(data) {
		return nil, invalid("file", "Tệp CSV không dùng mã UTF-8: hãy lưu lại bằng «CSV UTF-8»")
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = csvDelimiter(data)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	var recs []record
	for {
		cells, err := cr.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, invalid("file", "Tệp CSV lỗi ở dòng %d: %v", pe.Line, pe.Err)
		} else if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		recs = append(recs, record{row: line, cells: cells})
	}
	return parseUnitRecords(recs)
}

// csvDelimiter picks ";" or "," (or a tab), whichever the header line
// holds most of outside quotes; "," on a tie.
func csvDelimiter(data []byte) rune {
	counts := map[rune]int{}
	quoted := false
	for _, r := range string(data) {
		if r == '"' {
			quoted = !quoted
		}
		if r == '\n' && !quoted {
			break
		}
		if !quoted {
			counts[r]++
		}
	}
	best := ','
	for _, d := range []rune{';', '\t'} {
		if counts[d] > counts[best] {
			best = d
		}
	}
	return best
}

func readLimited(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxUnitFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxUnitFileSize {
		return nil, invalid("file", "Tệp quá lớn: tối đa %d MB", maxUnitFileSize>>20)
	}
	return data, nil
}

// ParseUnitsXLSX reads a unit registry from the first sheet of an XLSX
// workbook, laid out as for ParseUnitsCSV.
func ParseUnitsXLSX(r io.Reader) ([]Unit, error) {
	data, err := readLimited(r)
	if err != nil {
		return nil, err
	}
	notXLSX := invalid("file", "Tệp không phải bảng tính XLSX hợp lệ")
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 200 << 20, UnzipXMLSizeLimit: 100 << 20})
	if err != nil {
		return nil, notXLSX
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, notXLSX
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		return nil, notXLSX
	}
	recs := make([]record, len(rows))
	for i, cells := range rows {
		recs[i] = record{row: i + 1, cells: cells}
	}
	return parseUnitRecords(recs)
}

// parseUnitRecords reads the header, then the units, from a file's rows.
func parseUnitRecords(recs []record) ([]Unit, error) {
	var p problems
	// The header is the first row that is not blank.
	for len(recs) > 0 && blank(recs[0].cells) {
		recs = recs[1:]
	}
	if len(recs) == 0 {
		return nil, invalid("file", "Tệp trống: dòng đầu tiên phải là tiêu đề các cột (Mã đơn vị, Tên đơn vị, Phụ lục, Đặc điểm, Thư điện tử)")
	}
	header := recs[0]
	col := [numUnitFields]int{-1, -1, -1, -1, -1}
	for i, h := range header.cells {
		f, ok := headerAliases[fold(h)]
		if !ok {
			continue // another column: notes and the like
		}
		if col[f] >= 0 {
			p.add(cellName(i, header.row), "Ô %s: cột «%s» lặp lại (đã có ở ô %s)", cellName(i, header.row), unitFieldLabels[f], cellName(col[f], header.row))
			continue
		}
		col[f] = i
	}
	for _, f := range []unitField{fieldCode, fieldName, fieldAnnex} {
		if col[f] < 0 {
			p.add(fmt.Sprintf("%d:%d", header.row, header.row), "Dòng tiêu đề (dòng %d) thiếu cột «%s» (hoặc «%s»)", header.row, unitFieldLabels[f], unitFieldNames[f])
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}

	cell := func(rec record, f unitField) string {
		if col[f] < 0 || col[f] >= len(rec.cells) {
			return ""
		}
		return strings.TrimSpace(rec.cells[col[f]])
	}
	var units []Unit
	firstRow := map[string]int{}
	for _, rec := range recs[1:] {
		u := Unit{
			Code:   cell(rec, fieldCode),
			Name:   cell(rec, fieldName),
			Annex:  cell(rec, fieldAnnex),
			Flags:  splitList(cell(rec, fieldFlags)),
			Emails: splitList(cell(rec, fieldEmails)),
			Active: true,
		}
		if u.Code == "" && u.Name == "" && u.Annex == "" && len(u.Flags) == 0 && len(u.Emails) == 0 {
			continue
		}
		u, ps := normalizeUnit(u, defaultRules)
		for _, up := range ps {
			ref := cellName(col[up.field], rec.row)
			p.add(ref, "Ô %s (%s): %s", ref, unitFieldLabels[up.field], up.msg)
		}
		if u.Code != "" {
			if first, dup := firstRow[u.Code]; dup {
				ref := cellName(col[fieldCode], rec.row)
				p.add(ref, "Ô %s (%s): «%s» trùng với ô %s (dòng %d và dòng %d cùng mã)", ref, unitFieldLabels[fieldCode], u.Code,
					cellName(col[fieldCode], first), first, rec.row)
			} else {
				firstRow[u.Code] = rec.row
			}
		}
		units = append(units, u)
	}
	switch {
	case len(units) == 0 && len(p) == 0:
		p.add("file", "Tệp không có đơn vị nào: chỉ có dòng tiêu đề")
	case len(units) > MaxImportUnits:
		p.add("file", "Nhiều nhất %d đơn vị mỗi lần nhập (tệp có %d)", MaxImportUnits, len(units))
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return units, nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// splitList splits a cell's list at commas, semicolons and line breaks.
func splitList(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\r' }) {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// UnitsXLSXTemplate is a blank registry workbook: the header row, a drop
// list on the annex column and a sheet of instructions.
func UnitsXLSXTemplate() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Đơn vị"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	labels := unitFieldLabels[:]
	if err := f.SetSheetRow(sheet, "A1", &labels); err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return nil, err
	}
	if err := f.SetCellStyle(sheet, "A1", "E1", bold); err != nil {
		return nil, err
	}
	for col, width := range map[string]float64{"A": 18, "B": 50, "C": 10, "D": 22, "E": 40} {
		if err := f.SetColWidth(sheet, col, col, width); err != nil {
			return nil, err
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	dv := excelize.NewDataValidation(true)
	dv.Sqref = fmt.Sprintf("C2:C%d", MaxImportUnits+1)
	if err := dv.SetDropList([]string{"PL01", "PL02"}); err != nil {
		return nil, err
	}
	if err := f.AddDataValidation(sheet, dv); err != nil {
		return nil, err
	}
	const help = "Hướng dẫn"
	if _, err := f.NewSheet(help); err != nil {
		return nil, err
	}
	lines := []string{
		"Mỗi dòng của trang «Đơn vị» là một đơn vị; dòng 1 là tiêu đề, giữ nguyên.",
		"Mã đơn vị: bắt buộc, chỉ gồm chữ không dấu, số và . _ -, tối đa 64 ký tự, không trùng nhau.",
		"Tên đơn vị: bắt buộc.",
		"Phụ lục: PL01 hoặc PL02.",
		"Đặc điểm: để trống, hoặc «Không có TTHC» cho đơn vị PL01 không có thủ tục hành chính.",
		"Thư điện tử: tối đa 10 địa chỉ, ngăn cách bằng dấu phẩy hoặc chấm phẩy.",
		"Dòng trống được bỏ qua. Có lỗi ở bất kỳ ô nào thì không đơn vị nào được lưu.",
	}
	for i, l := range lines {
		if err := f.SetCellValue(help, cellName(0, i+1), l); err != nil {
			return nil, err
		}
	}
	if err := f.SetColWidth(help, "A", "A", 110); err != nil {
		return nil, err
	}
	f.SetActiveSheet(0)
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
