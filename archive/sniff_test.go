package archive

import (
	"archive/zip"
	"bytes"
	"errors"
	"strings"
	"testing"
)

// zipWith builds a ZIP whose entries come in the given order; stored
// entries are not compressed (OpenDocument's "mimetype" must be).
func zipWith(t *testing.T, entries ...[2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, e := range entries {
		method := zip.Deflate
		if e[0] == "mimetype" {
			method = zip.Store
		}
		f, err := w.CreateHeader(&zip.FileHeader{Name: e[0], Method: method})
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(e[1]))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func head(b []byte) []byte { return b[:min(len(b), sniffLen)] }

func TestSniffAccepts(t *testing.T) {
	docx := zipWith(t, [2]string{"[Content_Types].xml", "<Types/>"}, [2]string{"word/document.xml", "<w/>"})
	xlsxRelsFirst := zipWith(t, [2]string{"_rels/.rels", "<r/>"}, [2]string{"[Content_Types].xml", "<Types/>"})
	odt := zipWith(t, [2]string{"mimetype", typeODT}, [2]string{"content.xml", "<c/>"})
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"a.pdf", []byte("%PDF-1.4\n..."), typePDF},
		{"A.PDF", []byte("%PDF-1.4\n..."), typePDF},
		{"a.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), typePNG},
		{"a.jpg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF"), typeJPEG},
		{"a.jpeg", []byte("\xff\xd8\xff\xe1\x00\x10Exif"), typeJPEG},
		{"photo.jpg", []byte("\x89PNG\r\n\x1a\n\x00"), typePNG}, // misnamed image: still an image
		{"a.gif", []byte("GIF89a\x01\x00"), typeGIF},
		{"a.webp", []byte("RIFF\x24\x00\x00\x00WEBPVP8 "), typeWebP},
		{"a.doc", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00"), typeDOC},
		{"a.xls", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00"), typeXLS},
		{"a.docx", docx, typeDOCX},
		{"a.xlsx", xlsxRelsFirst, typeXLSX},
		{"a.odt", odt, typeODT},
	} {
		got, err := sniff(head(tc.data), tc.name)
		if err != nil || got != tc.want {
			t.Errorf("%s: got %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
}

func TestSniffRefuses(t *testing.T) {
	plainZip := zipWith(t, [2]string{"setup.exe", "MZ..."})
	docx := zipWith(t, [2]string{"[Content_Types].xml", "<Types/>"})
	odt := zipWith(t, [2]string{"mimetype", typeODT})
	for _, tc := range []struct {
		name string
		data []byte
		hint string
	}{
		{"invoice.pdf", []byte("MZ\x90\x00\x03\x00\x00\x00"), "executable"},
		{"report.pdf", []byte("\x7fELF\x02\x01\x01"), "ELF"},
		{"report.pdf", []byte("#!/bin/sh\nrm -rf /\n"), "script"},
		{"a.pdf", []byte("<html><script>alert(1)</script>"), "text/html"},
		{"a.svg", []byte("<svg xmlns='http://www.w3.org/2000/svg'/>"), "text/"},
		{"a.txt", []byte("just text"), "text/plain"},
		{"a.docx", plainZip, "not an office document"},
		{"a.zip", plainZip, "not an office document"},
		{"a.pdf", docx, "without a .docx"},
		{"a.docm", docx, "without a .docx"},
		{"a.docx", odt, "but the name ends in .docx"},
		{"a.msi", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00"), "OLE"},
		{"a.docx", []byte("%PDF-1.4"), "but the name ends in .docx"},
		{"scan", []byte("%PDF-1.4"), "but the name ends in (không có)"},
		{"a.pdf", nil, "empty"},
		{"a.pdf", []byte("PK\x03\x04"), "truncated"},
	} {
		_, err := sniff(head(tc.data), tc.name)
		if !errors.Is(err, ErrType) {
			t.Errorf("%s %q: err = %v, want ErrType", tc.name, tc.data, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.hint) {
			t.Errorf("%s: error %q lacks %q", tc.name, err, tc.hint)
		}
	}
}

func FuzzSniff(f *testing.F) {
	f.Add([]byte("%PDF-1.4"), "a.pdf")
	f.Add([]byte("PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x00\x00\x00\x00\x08\x00\x00\x00mimetype"), "a.odt")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		ct, err := sniff(head(data), name)
		if err == nil && ct == "" {
			t.Fatal("accepted without a type")
		}
	})
}
