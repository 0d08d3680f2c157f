package templates

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ictindex/scoring"
)

// sampleUnit returns the first submitted sample unit of the annex that has
// (or lacks) the flag.
func sampleUnit(t testing.TB, b *scoring.Batch, annex, flag string, want bool) scoring.Submission {
	t.Helper()
	for _, u := range b.Units {
		if u.Annex == annex && !u.NotSubmitted && containsStr(u.Flags, flag) == want {
			return u
		}
	}
	t.Fatalf("sample province has no %s unit with flag %q=%v", annex, flag, want)
	return scoring.Submission{}
}

// formMeta reads the metadata sheet of a form: "figure:staff" → "C30".
func formMeta(t testing.TB, data []byte) map[string]string {
	t.Helper()
	f := openForm(t, data)
	defer f.Close()
	rows, err := f.GetRows(metaSheet)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, r := range rows {
		if len(r) >= 3 && r[2] != "" && r[0] != metaKindFormat {
			k := r[0] + ":" + r[1]
			if r[1] == "" {
				k = r[0]
			}
			if _, dup := m[k]; dup {
				t.Errorf("metadata names %s twice", k)
			}
			m[k] = r[2]
		}
	}
	return m
}

func openForm(t testing.TB, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// edit opens a form, applies change to it and returns the saved bytes.
func edit(t testing.TB, data []byte, change func(f *excelize.File)) []byte {
	t.Helper()
	f := openForm(t, data)
	defer f.Close()
	change(f)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func mustForm(t testing.TB, annex string, sub *scoring.Submission, year int) []byte {
	t.Helper()
	data, err := Form(MustLoad(annex), sub, year)
	if err != nil {
		t.Fatalf("Form(%s): %v", annex, err)
	}
	return data
}

// valueJSON is a raw figure value in its JSON form, so json.Number(45),
// int64(45) and float64(45) compare equal.
func valueJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFormRoundTrip(t *testing.T) {
	b := SampleProvince()
	st := b.Resolve()
	cases := map[string]scoring.Submission{
		"PL01 with procedures":    sampleUnit(t, b, scoring.AnnexPL01, "no_procedures", false),
		"PL01 without procedures": sampleUnit(t, b, scoring.AnnexPL01, "no_procedures", true),
		"PL02":                    sampleUnit(t, b, scoring.AnnexPL02, "", false),
	}
	// A unit that issued no IT plan: the optional date is null.
	for _, u := range b.Units {
		if v, ok := u.Figures["it_plan_date"]; ok && v == nil && !u.NotSubmitted {
			cases["PL01 without IT plan"] = u
			break
		}
	}
	if len(cases) != 4 {
		t.Fatal("the sample province has no unit without an IT plan date")
	}
	for name, orig := range cases {
		t.Run(name, func(t *testing.T) {
			set := MustLoad(orig.Annex)
			data, err := Form(set, &orig, b.Year)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ImportForm(data)
			if err != nil {
				t.Fatalf("ImportForm: %v", err)
			}
			if got.Unit != orig.Unit || got.Annex != orig.Annex || got.Year != b.Year {
				t.Errorf("header = %+v %s %d, want %+v %s %d", got.Unit, got.Annex, got.Year, orig.Unit, orig.Annex, b.Year)
			}
			gf, of := append([]string(nil), got.Flags...), append([]string(nil), orig.Flags...)
			sort.Strings(gf)
			sort.Strings(of)
			if strings.Join(gf, ",") != strings.Join(of, ",") {
				t.Errorf("flags = %v, want %v", got.Flags, orig.Flags)
			}
			// Figures by value; a missing optional date equals null.
			keys := map[string]bool{}
			for k := range orig.Figures {
				keys[k] = true
			}
			for k := range got.Figures {
				keys[k] = true
			}
			for k := range keys {
				if g, o := valueJSON(t, got.Figures[k]), valueJSON(t, orig.Figures[k]); g != o {
					t.Errorf("figure %s = %s, want %s", k, g, o)
				}
			}
			// The same score sheet. The form carries what the unit
			// reports: the acceptance time and the appraisal stay with
			// the system.
			got.SubmittedAt, got.Appraisal = orig.SubmittedAt, orig.Appraisal
			want, err := set.Score(&orig, &st)
			if err != nil {
				t.Fatalf("scoring the original: %v", err)
			}
			have, err := set.Score(got, &st)
			if err != nil {
				t.Fatalf("scoring the import: %v", err)
			}
			wj, _ := want.JSON()
			hj, _ := have.JSON()
			if !bytes.Equal(wj, hj) {
				t.Errorf("score sheets differ:\n%s\nwant\n%s", hj, wj)
			}
			// The imported submission is valid input in the public format.
			js, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			again, err := ParseInput(js, b.Year)
			if err != nil {
				t.Fatalf("ParseInput of the import: %v", err)
			}
			for k := range keys {
				if g, o := valueJSON(t, again.Units[0].Figures[k]), valueJSON(t, orig.Figures[k]); g != o {
					t.Errorf("after JSON, figure %s = %s, want %s", k, g, o)
				}
			}
		})
	}
}

// neededAnyFlags is every figure a unit of the set may have to report,
// whatever its flags.
func neededAnyFlags(set *scoring.Set) map[string]bool {
	want := map[string]bool{}
	combos := [][]string{nil}
	var all []string
	for _, f := range set.Flags {
		combos = append(combos, []string{f.Key})
		all = append(all, f.Key)
	}
	combos = append(combos, all)
	for _, fl := range combos {
		for _, k := range set.Needed(fl) {
			want[k] = true
		}
	}
	return want
}

func TestBlankForm(t *testing.T) {
	for _, annex := range Annexes() {
		t.Run(annex, func(t *testing.T) {
			set := MustLoad(annex)
			data := mustForm(t, annex, nil, 2026)
			meta := formMeta(t, data)
			f := openForm(t, data)
			defer f.Close()

			if got := f.GetSheetList(); len(got) != 2 || got[0] != annex {
				t.Fatalf("sheets = %v, want [%s %s]", got, annex, metaSheet)
			}
			if vis, _ := f.GetSheetVisible(metaSheet); vis {
				t.Error("the metadata sheet is visible")
			}

			// Every needed figure has exactly one input cell: unlocked,
			// with the validation of its type.
			dvs, err := f.GetDataValidations(annex)
			if err != nil {
				t.Fatal(err)
			}
			dvOf := map[string][]*excelize.DataValidation{}
			for _, dv := range dvs {
				for _, c := range strings.Fields(dv.Sqref) {
					dvOf[c] = append(dvOf[c], dv)
				}
			}
			needed := neededAnyFlags(set)
			for _, fig := range set.Figures {
				cell, ok := meta["figure:"+fig.Key]
				if !ok {
					if needed[fig.Key] {
						t.Errorf("needed figure %s has no input cell", fig.Key)
					} else {
						t.Errorf("declared figure %s has no input cell", fig.Key)
					}
					continue
				}
				if !isUnlocked(t, f, annex, cell) {
					t.Errorf("%s (%s) is locked", cell, fig.Key)
				}
				if len(dvOf[cell]) != 1 {
					t.Errorf("%s (%s) has %d validations, want 1", cell, fig.Key, len(dvOf[cell]))
					continue
				}
				checkValidation(t, fig, cell, dvOf[cell][0])
			}
			for k := range needed {
				if set.Figure(k) == nil {
					t.Errorf("needed figure %s is not declared", k)
				}
			}

			// The only unlocked cells are the metadata's input cells.
			inputs := map[string]bool{}
			for _, c := range meta {
				inputs[c] = true
			}
			rows, _ := f.GetRows(annex)
			unlocked := 0
			for r := 1; r <= len(rows)+5; r++ {
				for c := 'A'; c <= 'H'; c++ {
					cell := string(c) + strconv.Itoa(r)
					if isUnlocked(t, f, annex, cell) {
						unlocked++
						if !inputs[cell] {
							t.Errorf("%s is unlocked but is not an input cell", cell)
						}
					}
				}
			}
			wantInputs := len(set.Figures) + 2 + len(set.Flags)
			if unlocked != wantInputs || len(inputs) != wantInputs {
				t.Errorf("%d unlocked cells, %d metadata cells, want %d", unlocked, len(inputs), wantInputs)
			}

			// A figure used again shows a reference to its input cell.
			occurrences, distinct := 0, map[string]bool{}
			for _, c := range set.Criteria() {
				occurrences += len(c.Figures)
				for _, k := range c.Figures {
					distinct[k] = true
				}
			}
			refs := 0
			ref := regexp.MustCompile(`^IF\((C\d+)="","",C\d+\)$`)
			for r := 1; r <= len(rows); r++ {
				cell := "C" + strconv.Itoa(r)
				formula, _ := f.GetCellFormula(annex, cell)
				if formula == "" {
					continue
				}
				refs++
				m := ref.FindStringSubmatch(formula)
				if m == nil {
					t.Errorf("%s: formula %q is not a reference", cell, formula)
					continue
				}
				label, _ := f.GetCellValue(annex, "B"+strconv.Itoa(r))
				if !strings.Contains(label, "(đã nhập ở dòng "+m[1][1:]+")") {
					t.Errorf("%s refers to %s but its label says %q", cell, m[1], label)
				}
				src, _ := f.GetCellValue(annex, "B"+m[1][1:])
				if first, _, _ := strings.Cut(label, "\n"); !strings.HasPrefix(src, first) {
					t.Errorf("%s refers to %s, the input of %q, not %q", cell, m[1], src, first)
				}
				if !inputs[m[1]] {
					t.Errorf("%s refers to %s, which is not an input cell", cell, m[1])
				}
			}
			if want := occurrences - len(distinct); refs != want {
				t.Errorf("%d reference cells, want %d", refs, want)
			}

			// The sheet is protected; the workbook structure too.
			sheetXML, wbXML := zipEntry(t, data, "xl/worksheets/sheet1.xml"), zipEntry(t, data, "xl/workbook.xml")
			if !regexp.MustCompile(`<sheetProtection[^>]* sheet="(1|true)"`).MatchString(sheetXML) {
				t.Error("the form sheet is not protected")
			}
			if !strings.Contains(wbXML, `lockStructure="true"`) && !strings.Contains(wbXML, `lockStructure="1"`) {
				t.Error("the workbook structure is not protected")
			}
			if !strings.Contains(wbXML, `state="veryHidden"`) {
				t.Error("the metadata sheet is not very hidden")
			}

			// Title rows and the header (1)…(7).
			text := strings.Join(flatten(rows), "\n")
			for _, want := range []string{set.AnnexTitle, set.Title,
				"(Ban hành kèm theo Quyết định " + set.Decision + " ngày " + set.DecisionDate,
				"Năm báo cáo: 2026", "Số liệu tính đến ngày 15/11/2026", "Mã đơn vị", "Tên đơn vị",
				"(1)", "(4)", "(7)", "Điểm tối đa", "Đơn vị tự đánh giá", "Kết quả thẩm định", "Ghi chú", selfText} {
				if !strings.Contains(text, want) {
					t.Errorf("the form does not show %q", want)
				}
			}
			for _, fl := range set.Flags {
				cell := meta["flag:"+fl.Key]
				if v, _ := f.GetCellValue(annex, cell); v != noText {
					t.Errorf("flag %s cell %s = %q, want %q", fl.Key, cell, v, noText)
				}
				if len(dvOf[cell]) != 1 || dvOf[cell][0].Type != "list" || dvOf[cell][0].Formula1 != `"Có,Không"` {
					t.Errorf("flag %s cell %s is not a Có/Không list", fl.Key, cell)
				}
			}

			// Each ruling in column (7) and as a note on the title.
			comments, err := f.GetComments(annex)
			if err != nil {
				t.Fatal(err)
			}
			noted := map[string]bool{}
			for _, c := range comments {
				noted[c.Text] = true
				for _, p := range c.Paragraph {
					noted[p.Text] = true
				}
			}
			notes := map[string]bool{}
			for _, r := range rows {
				if len(r) >= 7 {
					notes[r[6]] = true
				}
			}
			for _, c := range set.Criteria() {
				if c.Ruling == "" {
					continue
				}
				if !noted[c.Code+": "+c.Ruling] {
					t.Errorf("%s: the ruling is not a note on the title", c.Code)
				}
				found := false
				for n := range notes {
					found = found || strings.Contains(n, c.Ruling)
				}
				if !found {
					t.Errorf("%s: the ruling is not in column (7)", c.Code)
				}
			}

			// Deterministic output with fixed document properties.
			if again := mustForm(t, annex, nil, 2026); !bytes.Equal(again, data) {
				t.Error("two forms of the same set and year differ")
			}
			props, err := f.GetDocProps()
			if err != nil || props.Created != "2026-01-01T00:00:00Z" {
				t.Errorf("created = %q, %v", props.Created, err)
			}
		})
	}
}

func isUnlocked(t *testing.T, f *excelize.File, sheet, cell string) bool {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return st.Protection != nil && !st.Protection.Locked
}

func checkValidation(t *testing.T, fig scoring.Figure, cell string, dv *excelize.DataValidation) {
	t.Helper()
	want := func(typ, op, f1, f2 string) {
		if dv.Type != typ || dv.Operator != op || dv.Formula1 != f1 || dv.Formula2 != f2 {
			t.Errorf("%s (%s): validation %s %s %q %q, want %s %s %q %q", cell, fig.Key,
				dv.Type, dv.Operator, dv.Formula1, dv.Formula2, typ, op, f1, f2)
		}
	}
	switch fig.Type {
	case scoring.TypeCount:
		limit := int64(scoring.MaxCount)
		if fig.Max > 0 {
			limit = fig.Max
		}
		want("whole", "between", "0", strconv.FormatInt(limit, 10))
	case scoring.TypeAmount:
		want("whole", "greaterThanOrEqual", "0", "")
	case scoring.TypeDate:
		want("date", "between", "1", "2958465")
	case scoring.TypeBool:
		want("list", "", `"Có,Không"`, "")
	case scoring.TypeChoice:
		labels := make([]string, len(fig.Choices))
		for i, c := range fig.Choices {
			labels[i] = c.Label
		}
		want("list", "", `"`+strings.Join(labels, ",")+`"`, "")
	default:
		t.Errorf("%s: unexpected type %s", fig.Key, fig.Type)
	}
}

func zipEntry(t *testing.T, data []byte, name string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		if zf.Name == name {
			rc, err := zf.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			var buf bytes.Buffer
			if _, err := buf.ReadFrom(rc); err != nil {
				t.Fatal(err)
			}
			return buf.String()
		}
	}
	t.Fatalf("no %s in the workbook", name)
	return ""
}

func flatten(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}

func TestFormPrefill(t *testing.T) {
	b := SampleProvince()
	orig := sampleUnit(t, b, scoring.AnnexPL01, "no_procedures", true)
	data := mustForm(t, scoring.AnnexPL01, &orig, b.Year)
	meta := formMeta(t, data)
	f := openForm(t, data)
	defer f.Close()
	check := func(key, want string) {
		t.Helper()
		if got, _ := f.GetCellValue(scoring.AnnexPL01, meta[key]); got != want {
			t.Errorf("%s (%s) shows %q, want %q", key, meta[key], got, want)
		}
	}
	check("unit.code", orig.Unit.Code)
	check("unit.name", orig.Unit.Name)
	check("flag:no_procedures", yesText)
	check("figure:training", findChoice(MustLoad(scoring.AnnexPL01).Figure("training"), fmt.Sprint(orig.Figures["training"])).Label)
	// Dates are date cells shown dd/mm/yyyy.
	d, err := scoring.ParseDate(fmt.Sprint(orig.Figures["it_plan_date"]))
	if err != nil {
		t.Fatal(err)
	}
	check("figure:it_plan_date", d.String())
	if typ, _ := f.GetCellType(scoring.AnnexPL01, meta["figure:it_plan_date"]); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Error("the date is written as text")
	}

	// A submission of another annex or with an unknown flag is refused.
	if _, err := Form(MustLoad(scoring.AnnexPL02), &orig, b.Year); err == nil {
		t.Error("a PL01 submission made a PL02 form")
	}
	bad := orig
	bad.Flags = []string{"no_such_flag"}
	if _, err := Form(MustLoad(scoring.AnnexPL01), &bad, b.Year); err == nil {
		t.Error("an unknown flag was accepted")
	}
	if _, err := Form(MustLoad(scoring.AnnexPL01), nil, 0); err == nil {
		t.Error("a form without a year was made")
	}
}

// fieldErrors returns the field errors of a ValidationError, failing the
// test for any other error.
func fieldErrors(t *testing.T, err error) []scoring.FieldError {
	t.Helper()
	var ve *scoring.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error %v (%T) is not a *scoring.ValidationError", err, err)
	}
	if len(ve.Errors) == 0 {
		t.Fatal("a ValidationError without errors")
	}
	for _, fe := range ve.Errors {
		if fe.Field == "" || fe.Code == "" || fe.Message == "" || fe.MessageEN == "" {
			t.Errorf("incomplete field error %+v", fe)
		}
	}
	return ve.Errors
}

func TestImportFormMalformed(t *testing.T) {
	blank := mustForm(t, scoring.AnnexPL01, nil, 2026)
	b := SampleProvince()
	filledSub := sampleUnit(t, b, scoring.AnnexPL01, "no_procedures", false)
	filled := mustForm(t, scoring.AnnexPL01, &filledSub, b.Year)
	meta := formMeta(t, filled)
	cell := func(key string) string { return meta["figure:"+key] }
	set := func(key string, v any) func(f *excelize.File) {
		return func(f *excelize.File) {
			if err := f.SetCellValue(scoring.AnnexPL01, cell(key), v); err != nil {
				t.Fatal(err)
			}
		}
	}

	var emptyZip bytes.Buffer
	if err := zip.NewWriter(&emptyZip).Close(); err != nil {
		t.Fatal(err)
	}
	rnd := make([]byte, 4096)
	rand.New(rand.NewSource(1)).Read(rnd)
	plain := excelize.NewFile()
	var plainBuf bytes.Buffer
	if err := plain.Write(&plainBuf); err != nil {
		t.Fatal(err)
	}

	type want struct{ field, code, message, messageEN string }
	cases := []struct {
		name string
		data []byte
		want []want
	}{
		{"random bytes", rnd, []want{{"document", scoring.ErrInvalid, "tệp không phải là bảng tính Excel", "not a readable XLSX"}}},
		{"empty file", nil, []want{{"document", scoring.ErrInvalid, "tệp không phải là bảng tính Excel", "not a readable XLSX"}}},
		{"empty zip", emptyZip.Bytes(), []want{{"document", scoring.ErrInvalid, "", ""}}},
		{"truncated form", filled[:len(filled)/2], []want{{"document", scoring.ErrInvalid, "", ""}}},
		{"workbook not made by the system", plainBuf.Bytes(), []want{{"document", scoring.ErrInvalid, "thiếu trang thông tin biểu mẫu", "metadata sheet is missing"}}},
		{"wrong sheet name", edit(t, blank, func(f *excelize.File) {
			if err := f.SetSheetName(scoring.AnnexPL01, "Trang tính1"); err != nil {
				t.Fatal(err)
			}
		}), []want{{"document", scoring.ErrInvalid, `không tìm thấy trang "PL01"`, `sheet "PL01"`}}},
		{"metadata sheet deleted", edit(t, blank, func(f *excelize.File) {
			if err := f.DeleteSheet(metaSheet); err != nil {
				t.Fatal(err)
			}
		}), []want{{"document", scoring.ErrInvalid, "thiếu trang thông tin biểu mẫu", "metadata sheet is missing"}}},
		{"unknown annex", edit(t, blank, func(f *excelize.File) {
			if err := f.SetCellStr(metaSheet, "B2", "PL09"); err != nil {
				t.Fatal(err)
			}
		}), []want{{"annex", scoring.ErrInvalid, `phụ lục "PL09"`, `annex "PL09"`}}},
		{"another annex's metadata", edit(t, blank, func(f *excelize.File) {
			if err := f.SetCellStr(metaSheet, "B2", "PL02"); err != nil {
				t.Fatal(err)
			}
		}), []want{{"document", scoring.ErrUnknown, "không khớp bộ tiêu chí PL02", "does not fit criteria set PL02"}}},
		{"rows inserted", edit(t, filled, func(f *excelize.File) {
			if err := f.InsertRows(scoring.AnnexPL01, 20, 1); err != nil {
				t.Fatal(err)
			}
		}), []want{{"document", scoring.ErrInvalid, "khác biểu mẫu gốc", "differs from the original form"}}},
		{"text in a number cell", edit(t, filled, set("staff", "abc")),
			[]want{{"figures.staff", scoring.ErrNotNumber, "Ô " + cell("staff") + ": phải là số nguyên không âm", "Cell " + cell("staff") + ": must be a non-negative whole number"}}},
		{"negative number", edit(t, filled, set("desktops", -3)),
			[]want{{"figures.desktops", scoring.ErrNegative, "Ô " + cell("desktops") + ": không được là số âm", "Cell " + cell("desktops") + ": must not be negative"}}},
		{"decimal in a count", edit(t, filled, set("laptops", 12.5)),
			[]want{{"figures.laptops", scoring.ErrNotNumber, "Ô " + cell("laptops") + ": phải là số nguyên không âm", "Cell " + cell("laptops") + ": must be a non-negative whole number"}}},
		{"misplaced thousands separator in text", edit(t, filled, set("docs_in", "7.50")),
			[]want{{"figures.docs_in", scoring.ErrNotNumber, "Ô " + cell("docs_in") + ": phải là số nguyên không âm; dấu chấm hoặc khoảng trắng chỉ dùng để ngăn cách hàng nghìn và phải đứng trước đúng 3 chữ số", "Cell " + cell("docs_in") + ": must be a non-negative whole number; a dot or space only groups thousands"}}},
		{"comma grouping in text", edit(t, filled, set("docs_out", "7,500")),
			[]want{{"figures.docs_out", scoring.ErrNotNumber, "Ô " + cell("docs_out") + ": phải là số nguyên không âm; dùng dấu chấm để ngăn cách hàng nghìn", "Cell " + cell("docs_out") + ": must be a non-negative whole number; group thousands with a dot"}}},
		{"decimal comma in text", edit(t, filled, set("laptops", "12,5")),
			[]want{{"figures.laptops", scoring.ErrNotNumber, "Ô " + cell("laptops") + ": phải là số nguyên không âm, không có phần thập phân", "Cell " + cell("laptops") + ": must be a non-negative whole number"}}},
		{"grouped text above the maximum", edit(t, filled, set("open_source", "1.000")),
			[]want{{"figures.open_source", scoring.ErrTooLarge, "Ô " + cell("open_source") + ": vượt quá giới hạn 5", "Cell " + cell("open_source") + ": exceeds the limit of 5"}}},
		{"above the figure's maximum", edit(t, filled, set("open_source", 6)),
			[]want{{"figures.open_source", scoring.ErrTooLarge, "Ô " + cell("open_source") + ": vượt quá giới hạn 5", "Cell " + cell("open_source") + ": exceeds the limit of 5"}}},
		{"bad date", edit(t, filled, set("it_plan_date", "31/02/2026")),
			[]want{{"figures.it_plan_date", scoring.ErrNotDate, "Ô " + cell("it_plan_date") + ": phải là ngày hợp lệ", "Cell " + cell("it_plan_date") + ": must be a valid date"}}},
		{"choice not in the list", edit(t, filled, set("training", "Tham gia một phần")),
			[]want{{"figures.training", scoring.ErrNotChoice, "Ô " + cell("training") + ": phải là một trong: Tham gia đầy đủ; Tham gia không đầy đủ; Không tham gia", "Cell " + cell("training") + ": must be one of: full, partial, none"}}},
		{"bad yes/no", edit(t, filled, set("it_officer", "Có lẽ")),
			[]want{{"figures.it_officer", scoring.ErrNotBool, "Ô " + cell("it_officer") + ": phải là Có hoặc Không", "Cell " + cell("it_officer") + ": must be yes or no"}}},
		{"bad flag", edit(t, filled, func(f *excelize.File) {
			if err := f.SetCellStr(scoring.AnnexPL01, meta["flag:no_procedures"], "ừ"); err != nil {
				t.Fatal(err)
			}
		}), []want{{"flags.no_procedures", scoring.ErrNotBool, "Ô " + meta["flag:no_procedures"] + ": phải là Có hoặc Không", "must be yes or no"}}},
		{"all errors at once", edit(t, filled, func(f *excelize.File) {
			set("staff", "abc")(f)
			set("desktops", -1)(f)
			set("training", "?")(f)
		}), []want{
			{"figures.staff", scoring.ErrNotNumber, "Ô " + cell("staff") + ":", "Cell " + cell("staff") + ":"},
			{"figures.desktops", scoring.ErrNegative, "Ô " + cell("desktops") + ":", "Cell " + cell("desktops") + ":"},
			{"figures.training", scoring.ErrNotChoice, "Ô " + cell("training") + ":", "Cell " + cell("training") + ":"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sub, err := ImportForm(tc.data)
			if err == nil {
				t.Fatalf("no error; imported %+v", sub)
			}
			errs := fieldErrors(t, err)
			if len(errs) != len(tc.want) {
				t.Fatalf("%d errors, want %d: %v", len(errs), len(tc.want), err)
			}
			for _, w := range tc.want {
				found := false
				for _, e := range errs {
					found = found || e.Field == w.field && e.Code == w.code &&
						strings.Contains(e.Message, w.message) && strings.Contains(e.MessageEN, w.messageEN)
				}
				if !found {
					t.Errorf("no error with field %q code %q message %q / %q in %v", w.field, w.code, w.message, w.messageEN, err)
				}
			}
		})
	}
}

func TestImportFormValues(t *testing.T) {
	b := SampleProvince()
	orig := sampleUnit(t, b, scoring.AnnexPL01, "no_procedures", false)
	data := mustForm(t, scoring.AnnexPL01, &orig, b.Year)
	meta := formMeta(t, data)
	cell := func(key string) string { return meta["figure:"+key] }
	sheet := scoring.AnnexPL01
	data = edit(t, data, func(f *excelize.File) {
		must := func(err error) {
			if err != nil {
				t.Fatal(err)
			}
		}
		must(f.SetCellStr(sheet, cell("staff"), " 12 "))                 // a number typed as text
		must(f.SetCellStr(sheet, cell("docs_in"), "1.250"))              // Vietnamese thousands (R1)
		must(f.SetCellStr(sheet, cell("docs_out"), "1 250 000"))         // grouped with spaces
		must(f.SetCellStr(sheet, cell("docs_internal"), "1\u00a0250"))   // a no-break space
		must(f.SetCellStr(sheet, cell("it_budget"), "314.000.000"))      // an amount
		must(f.SetCellFloat(sheet, cell("servers"), 3, -1, 64))          // 3.0
		must(f.SetCellValue(sheet, cell("desktops"), nil))               // left empty
		must(f.SetCellStr(sheet, cell("it_plan_date"), "5/1/2026"))      // a date typed as text
		must(f.SetCellStr(sheet, cell("it_officer"), "KHÔNG"))           // any case
		must(f.SetCellStr(sheet, cell("training"), "partial"))           // the option's key
		must(f.SetCellBool(sheet, cell("security_officer"), true))       // a spreadsheet boolean
		must(f.SetCellStr(sheet, meta["unit.name"], "Sở Tư pha\u0301p")) // decomposed accents
		must(f.SetCellValue(sheet, meta["flag:no_procedures"], nil))
	})
	sub, err := ImportForm(data)
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{
		"staff": "12", "servers": "3", "it_plan_date": `"2026-01-05"`, "it_officer": "false",
		"docs_in": "1250", "docs_out": "1250000", "docs_internal": "1250", "it_budget": "314000000",
		"training": `"partial"`, "security_officer": "true",
	} {
		if got := valueJSON(t, sub.Figures[key]); got != want {
			t.Errorf("%s = %s, want %s", key, got, want)
		}
	}
	if _, ok := sub.Figures["desktops"]; ok {
		t.Errorf("an empty count cell became %v, want the figure left out", sub.Figures["desktops"])
	}
	if sub.Unit.Name != "Sở Tư pháp" {
		t.Errorf("unit name %q is not NFC", sub.Unit.Name)
	}
	if len(sub.Flags) != 0 {
		t.Errorf("an empty flag cell gave flags %v", sub.Flags)
	}
	// The scorer then reports the left-out figure as missing.
	st := scoring.DefaultSettings(b.Year)
	_, err = MustLoad(sheet).Score(sub, &st)
	var ve *scoring.ValidationError
	if !errors.As(err, &ve) || len(ve.Errors) != 1 || ve.Errors[0].Field != "figures.desktops" || ve.Errors[0].Code != scoring.ErrRequired {
		t.Errorf("scoring the import: %v, want desktops missing", err)
	}

	// An optional date left empty becomes null.
	data = edit(t, data, func(f *excelize.File) {
		if err := f.SetCellValue(sheet, cell("it_plan_date"), nil); err != nil {
			t.Fatal(err)
		}
	})
	sub, err = ImportForm(data)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := sub.Figures["it_plan_date"]; !ok || v != nil {
		t.Errorf("an empty optional date became %v (present %v), want null", v, ok)
	}
}

func TestParseWhole(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int64
		code string
	}{
		{"12", 12, ""}, {"0", 0, ""}, {"12.0", 12, ""}, {"1.2E+3", 1200, ""}, {"1E+15", 1_000_000_000_000_000, ""},
		{"-3", 0, scoring.ErrNegative}, {"-0.5", 0, scoring.ErrNegative}, {"12.5", 0, scoring.ErrNotNumber},
		{"abc", 0, scoring.ErrNotNumber}, {"", 0, scoring.ErrNotNumber}, {"1e99999", 0, scoring.ErrNotNumber},
		{"99999999999999999999", 1<<63 - 1, ""},
	} {
		n, code, ok := parseWhole(tc.in)
		if code != tc.code || ok != (tc.code == "") || (ok && n != tc.n) {
			t.Errorf("parseWhole(%q) = %d %q %v, want %d %q", tc.in, n, code, ok, tc.n, tc.code)
		}
	}
}

// FuzzImportForm checks that no input makes ImportForm panic and that
// every failure is a ValidationError. The committed corpus holds broken
// files; generated forms are added as seeds here.
func FuzzImportForm(f *testing.F) {
	b := SampleProvince()
	f.Add(mustForm(f, scoring.AnnexPL01, nil, 2026))
	pl02 := sampleUnit(f, b, scoring.AnnexPL02, "", false)
	f.Add(mustForm(f, scoring.AnnexPL02, &pl02, b.Year))
	f.Fuzz(func(t *testing.T, data []byte) {
		sub, err := ImportForm(data)
		if err == nil {
			if sub == nil {
				t.Fatal("nil submission without an error")
			}
			return
		}
		var ve *scoring.ValidationError
		if !errors.As(err, &ve) || len(ve.Errors) == 0 {
			t.Fatalf("error %v (%T) is not a ValidationError", err, err)
		}
	})
}
