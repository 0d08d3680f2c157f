package store

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// messages maps each field of a *ValidationError to its messages.
func messages(t *testing.T, err error) map[string]string {
	t.Helper()
	fields(t, err)
	ve := err.(*ValidationError)
	out := map[string]string{}
	for _, fe := range ve.Errors {
		if out[fe.Field] != "" {
			out[fe.Field] += " | "
		}
		out[fe.Field] += fe.Message
	}
	return out
}

func TestParseUnitsCSV(t *testing.T) {
	// BOM, ";" delimiter, headers in another order and spelling, a blank
	// line, a quoted cell holding ";".
	src := "\ufeffTên đơn vị;MÃ ĐƠN VỊ;phu luc;Đặc điểm;Thư điện tử;Ghi chú\n" +
		"Sở Thông tin và Truyền thông;SO-TTTT;PL01;;vt@stttt.gov.vn, ld@stttt.gov.vn;x\n" +
		"\n" +
		"\"Ban Dân tộc; tỉnh\";BDT;pl01;Không có TTHC;;\n" +
		"UBND huyện A;H-A;PL02;;\n"
	units, err := ParseUnitsCSV(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []Unit{
		{Code: "SO-TTTT", Name: "Sở Thông tin và Truyền thông", Annex: "PL01", Flags: []string{}, Emails: []string{"vt@stttt.gov.vn", "ld@stttt.gov.vn"}, Active: true},
		{Code: "BDT", Name: "Ban Dân tộc; tỉnh", Annex: "PL01", Flags: []string{"no_procedures"}, Emails: []string{}, Active: true},
		{Code: "H-A", Name: "UBND huyện A", Annex: "PL02", Flags: []string{}, Emails: []string{}, Active: true},
	}
	if !reflect.DeepEqual(units, want) {
		t.Fatalf("got %+v", units)
	}

	// "," delimiter, English headers; every problem at once, by cell.
	src = "code,name,annex,flags,emails\n" +
		"A,Đơn vị A,PL01,,\n" +
		"B,,PL01,,\n" +
		"C,Đơn vị C,PL03,,\n" +
		",,,,\n" +
		"A,Đơn vị A lần hai,PL02,no_procedures,khong-phai-thu\n" +
		"co dau cách,Đơn vị D,PL01,,\n"
	_, err = ParseUnitsCSV(strings.NewReader(src))
	got := messages(t, err)
	wantMsgs := map[string]string{
		"B3": "Ô B3 (Tên đơn vị): không được để trống",
		"C4": "Ô C4 (Phụ lục): «PL03» không phải PL01 hoặc PL02",
		"D6": "Ô D6 (Đặc điểm): «no_procedures» không áp dụng cho đơn vị thuộc PL02",
		"E6": "Ô E6 (Thư điện tử): «khong-phai-thu» không phải địa chỉ thư điện tử hợp lệ",
		"A6": "Ô A6 (Mã đơn vị): «A» trùng với ô A2 (dòng 2 và dòng 6 cùng mã)",
		"A7": "Ô A7 (Mã đơn vị): «co dau cách» không hợp lệ: chỉ gồm chữ không dấu, số và . _ -, tối đa 64 ký tự",
	}
	if !reflect.DeepEqual(got, wantMsgs) {
		t.Fatalf("got\n%v\nwant\n%v", got, wantMsgs)
	}

	// Missing headers say which.
	_, err = ParseUnitsCSV(strings.NewReader("Mã đơn vị,Ghi chú\nA,x\n"))
	got = messages(t, err)
	if m := got["1:1"]; !strings.Contains(m, "thiếu cột «Tên đơn vị»") || !strings.Contains(m, "thiếu cột «Phụ lục»") || strings.Contains(m, "Mã đơn vị") {
		t.Fatalf("%v", got)
	}
	_, err = ParseUnitsCSV(strings.NewReader("Mã đơn vị,code,Tên đơn vị,Phụ lục\n"))
	if m := messages(t, err); !strings.Contains(m["B1"], "lặp lại (đã có ở ô A1)") {
		t.Fatalf("%v", m)
	}
	wantFields(t, func() error { _, err := ParseUnitsCSV(strings.NewReader("")); return err }(), "file")
	wantFields(t, func() error { _, err := ParseUnitsCSV(strings.NewReader("code,name,annex\n\n")); return err }(), "file")
	_, err = ParseUnitsCSV(bytes.NewReader([]byte("code,name,annex\nA,S\xe1,PL01\n")))
	if m := messages(t, err); !strings.Contains(m["file"], "UTF-8") {
		t.Fatalf("%v", m)
	}
}

// xlsx builds a workbook whose first sheet holds rows (nil: a blank row).
func xlsx(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		if r == nil {
			continue
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.NewSheet("Khác"); err != nil {
		t.Fatal(err)
	}
	f.SetCellValue("Khác", "A1", "bỏ qua trang này")
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestParseUnitsXLSX(t *testing.T) {
	data := xlsx(t, [][]any{
		{"Mã đơn vị", "Tên đơn vị", "Phụ lục", "Đặc điểm", "Thư điện tử"},
		{"SO-TTTT", "Sở Thông tin và Truyền thông", "PL01", "", "vt@stttt.gov.vn; ld@stttt.gov.vn"},
		nil,
		{1001, "Huyện số", "PL02"},
	})
	units, err := ParseUnitsXLSX(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != 2 || units[0].Emails[1] != "ld@stttt.gov.vn" || units[1].Code != "1001" || units[1].Annex != "PL02" || !units[1].Active {
		t.Fatalf("%+v", units)
	}

	// Columns in another order, problems in rows after a blank one.
	data = xlsx(t, [][]any{
		{"Phụ lục", "Ma don vi", "Ten don vi"},
		{"PL01", "A", "Đơn vị A"},
		nil,
		{"PL03", "B", "Đơn vị B"},
		{"PL01", "A", "Đơn vị A trùng"},
	})
	_, err = ParseUnitsXLSX(bytes.NewReader(data))
	got := messages(t, err)
	want := map[string]string{
		"A4": "Ô A4 (Phụ lục): «PL03» không phải PL01 hoặc PL02",
		"B5": "Ô B5 (Mã đơn vị): «A» trùng với ô B2 (dòng 2 và dòng 5 cùng mã)",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v", got)
	}

	data = xlsx(t, [][]any{{"Tên đơn vị", "Phụ lục"}, {"A", "PL01"}})
	_, err = ParseUnitsXLSX(bytes.NewReader(data))
	if m := messages(t, err); !strings.Contains(m["1:1"], "thiếu cột «Mã đơn vị» (hoặc «code»)") {
		t.Fatalf("%v", m)
	}

	for _, notXLSX := range [][]byte{[]byte("code,name,annex\nA,B,PL01\n"), {}, []byte("PK\x03\x04garbage")} {
		_, err = ParseUnitsXLSX(bytes.NewReader(notXLSX))
		if m := messages(t, err); m["file"] != "Tệp không phải bảng tính XLSX hợp lệ" {
			t.Fatalf("%v", m)
		}
	}
}

func TestUnitsXLSXTemplate(t *testing.T) {
	data, err := UnitsXLSXTemplate()
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(f.GetSheetList()[0])
	f.Close()
	if len(rows) != 1 || strings.Join(rows[0], "|") != "Mã đơn vị|Tên đơn vị|Phụ lục|Đặc điểm|Thư điện tử" {
		t.Fatalf("%q", rows)
	}
	// The blank template parses (as "no unit yet"), and filled in it imports.
	_, err = ParseUnitsXLSX(bytes.NewReader(data))
	wantFields(t, err, "file")
	f, _ = excelize.OpenReader(bytes.NewReader(data))
	f.SetSheetRow("Đơn vị", "A2", &[]any{"X", "Đơn vị X", "PL01", "Không có TTHC", "a@x.vn"})
	buf, _ := f.WriteToBuffer()
	f.Close()
	units, err := ParseUnitsXLSX(buf)
	if err != nil || len(units) != 1 || units[0].Flags[0] != FlagNoProcedures {
		t.Fatalf("%+v %v", units, err)
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{"Mã đơn vị": "ma don vi", " THƯ ĐIỆN TỬ ": "thu dien tu", "E-mail": "e mail", "Đặc điểm:": "dac diem"} {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q", in, got)
		}
	}
}
