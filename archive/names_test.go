package archive

import (
	"errors"
	"strings"
	"testing"
)

func TestObjectKey(t *testing.T) {
	for _, tc := range []struct {
		key  EvidenceKey
		want string
	}{
		{EvidenceKey{2026, "SNV", "II.1.2", "Quyết định số 12.PDF"}, "2026/SNV/II.1.2/Quyet-dinh-so-12.pdf"},
		{EvidenceKey{2026, "UBND-HBT", "I.1", "  Báo cáo (bản cuối).docx "}, "2026/UBND-HBT/I.1/Bao-cao-ban-cuoi.docx"},
		{EvidenceKey{2026, "SNV", "I.1", "Đề án_đợt 2.xlsx"}, "2026/SNV/I.1/De-an_dot-2.xlsx"},
		{EvidenceKey{2026, "SNV", "I.1", "..hidden.pdf"}, "2026/SNV/I.1/hidden.pdf"},
		{EvidenceKey{2026, "SNV", "I.1", "文件.pdf"}, ""}, // hashed stem, checked below
	} {
		got, err := tc.key.ObjectKey()
		if err != nil {
			t.Errorf("%+v: %v", tc.key, err)
			continue
		}
		if tc.want == "" {
			if !strings.HasPrefix(got, "2026/SNV/I.1/tep-") || !strings.HasSuffix(got, ".pdf") {
				t.Errorf("%+v: got %q", tc.key, got)
			}
			continue
		}
		if got != tc.want {
			t.Errorf("%+v: got %q, want %q", tc.key, got, tc.want)
		}
	}
}

func TestBadNames(t *testing.T) {
	for _, name := range []string{
		"../../etc/passwd", "..", ".", "", "   ", `C:\Users\a\b.pdf`, "a/b.pdf",
		"bad\x00name.pdf", "tab\tname.pdf", "new\nline.pdf", "rtl\u202Efdp.exe", "zero\u200Bwidth.pdf",
		"bad\xffutf8.pdf", strings.Repeat("a", 300) + ".pdf",
	} {
		_, err := EvidenceKey{2026, "SNV", "I.1", name}.ObjectKey()
		if !errors.Is(err, ErrBadName) {
			t.Errorf("%q: err = %v, want ErrBadName", name, err)
			continue
		}
		if name != "" && !strings.Contains(err.Error(), "archive: invalid name") {
			t.Errorf("%q: error %q", name, err)
		}
	}
	for _, k := range []EvidenceKey{
		{26, "SNV", "I.1", "a.pdf"},
		{2026, "", "I.1", "a.pdf"},
		{2026, "../x", "I.1", "a.pdf"},
		{2026, "SNV", "..", "a.pdf"},
		{2026, "SNV", "I 1", "a.pdf"},
		{2026, "Sở", "I.1", "a.pdf"},
	} {
		if _, err := k.ObjectKey(); !errors.Is(err, ErrBadName) {
			t.Errorf("%+v: err = %v, want ErrBadName", k, err)
		}
	}
	// The message names the file.
	_, err := EvidenceKey{2026, "SNV", "I.1", "../../etc/passwd"}.ObjectKey()
	if msg := Message(err); !strings.Contains(msg, "Tên tệp không hợp lệ") || !strings.Contains(msg, `"../../etc/passwd"`) {
		t.Errorf("Message = %q", msg)
	}
}

func TestCleanFileNameNFC(t *testing.T) {
	decomposed := "Quye\u0302\u0301t.pdf" // "Quyết" in NFD, as macOS sends it
	got, err := CleanFileName(decomposed)
	if err != nil {
		t.Fatal(err)
	}
	if got != "Quyết.pdf" {
		t.Fatalf("got %q (% x), want NFC", got, got)
	}
}

func TestDocumentKeys(t *testing.T) {
	for _, k := range []string{"2026/decision.pdf", "2026/results.json", "2026/units/SNV-sheet.pdf"} {
		if err := checkDocumentKey(k); err != nil {
			t.Errorf("%q: %v", k, err)
		}
	}
	for _, k := range []string{"", "/2026/a.pdf", "2026//a.pdf", "2026/../a.pdf", "2026/quyết.pdf", "a b.pdf", "2026/"} {
		if err := checkDocumentKey(k); !errors.Is(err, ErrBadName) {
			t.Errorf("%q: err = %v, want ErrBadName", k, err)
		}
	}
}
