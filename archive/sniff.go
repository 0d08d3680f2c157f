package archive

import (
	"bytes"
	"encoding/binary"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
)

// sniffLen is how many leading bytes decide a file's type.
const sniffLen = 512

// Accepted content types.
const (
	typePDF  = "application/pdf"
	typePNG  = "image/png"
	typeJPEG = "image/jpeg"
	typeGIF  = "image/gif"
	typeWebP = "image/webp"
	typeDOC  = "application/msword"
	typeXLS  = "application/vnd.ms-excel"
	typePPT  = "application/vnd.ms-powerpoint"
	typeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	typeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	typePPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
	typeODT  = "application/vnd.oasis.opendocument.text"
	typeODS  = "application/vnd.oasis.opendocument.spreadsheet"
	typeODP  = "application/vnd.oasis.opendocument.presentation"
)

var imageExts = []string{".png", ".jpg", ".jpeg", ".gif", ".webp"}

// extsFor lists the extensions a file of the given content type may have.
var extsFor = map[string][]string{
	typePDF:  {".pdf"},
	typePNG:  imageExts,
	typeJPEG: imageExts,
	typeGIF:  imageExts,
	typeWebP: imageExts,
	typeDOC:  {".doc"},
	typeXLS:  {".xls"},
	typePPT:  {".ppt"},
	typeDOCX: {".docx"},
	typeXLSX: {".xlsx"},
	typePPTX: {".pptx"},
	typeODT:  {".odt"},
	typeODS:  {".ods"},
	typeODP:  {".odp"},
}

var (
	magicPDF  = []byte("%PDF-")
	magicPNG  = []byte("\x89PNG\r\n\x1a\n")
	magicJPEG = []byte{0xFF, 0xD8, 0xFF}
	magicOLE  = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	magicZIP  = []byte("PK\x03\x04")
)

// executableMagic are the starts of programs and scripts: refused whatever
// the file is called.
var executableMagic = []struct {
	magic []byte
	what  string
}{
	{[]byte("MZ"), "Windows executable (MZ)"},
	{[]byte("\x7fELF"), "ELF executable"},
	{[]byte("#!"), "script (#!)"},
	{[]byte{0xFE, 0xED, 0xFA, 0xCE}, "Mach-O executable"},
	{[]byte{0xFE, 0xED, 0xFA, 0xCF}, "Mach-O executable"},
	{[]byte{0xCE, 0xFA, 0xED, 0xFE}, "Mach-O executable"},
	{[]byte{0xCF, 0xFA, 0xED, 0xFE}, "Mach-O executable"},
	{[]byte{0xCA, 0xFE, 0xBA, 0xBE}, "Mach-O universal binary or Java class"},
	{[]byte("\x00asm"), "WebAssembly module"},
}

// sniff decides the content type of a file from its first bytes (head, at
// most sniffLen) and checks that the file name's extension fits it. The
// extension alone never decides: it only tells the office formats that
// share a container (OLE, ZIP) apart. Anything not on the accept list is
// refused with ErrType.
func sniff(head []byte, name string) (string, error) {
	ext := strings.ToLower(path.Ext(name))
	if len(head) == 0 {
		return "", badType(name, "empty file", "tệp rỗng")
	}
	for _, x := range executableMagic {
		if bytes.HasPrefix(head, x.magic) {
			return "", badType(name, "content is a "+x.what, "tệp chương trình, không phải tài liệu")
		}
	}
	var ct string
	switch {
	case bytes.HasPrefix(head, magicPDF):
		ct = typePDF
	case bytes.HasPrefix(head, magicPNG):
		ct = typePNG
	case bytes.HasPrefix(head, magicJPEG):
		ct = typeJPEG
	case bytes.HasPrefix(head, []byte("GIF87a")), bytes.HasPrefix(head, []byte("GIF89a")):
		ct = typeGIF
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		ct = typeWebP
	case bytes.HasPrefix(head, magicOLE):
		// Word, Excel and PowerPoint 97–2003 share the OLE container (so do
		// .msi installers): the extension picks the application.
		switch ext {
		case ".doc":
			ct = typeDOC
		case ".xls":
			ct = typeXLS
		case ".ppt":
			ct = typePPT
		default:
			return "", badType(name, "OLE compound file without a .doc/.xls/.ppt extension", "chỉ nhận tệp .doc, .xls, .ppt dạng cũ")
		}
	case bytes.HasPrefix(head, magicZIP):
		var err error
		if ct, err = sniffZIP(head, name, ext); err != nil {
			return "", err
		}
	default:
		detected := http.DetectContentType(head)
		return "", badType(name, "content is "+detected, "")
	}
	if !slices.Contains(extsFor[ct], ext) {
		return "", badType(name, "content is "+ct+" but the name ends in "+quoteExt(ext),
			"nội dung tệp không khớp với phần mở rộng "+quoteExt(ext))
	}
	return ct, nil
}

func quoteExt(ext string) string {
	if ext == "" {
		return "(không có)"
	}
	return ext
}

// sniffZIP recognises the ZIP-based office formats from the first local
// file header: OpenDocument files start with an uncompressed "mimetype"
// entry naming their type; Office Open XML files (.docx, .xlsx, .pptx)
// start with "[Content_Types].xml" or one of their part folders. Other ZIP
// archives are refused.
func sniffZIP(head []byte, name, ext string) (string, error) {
	const hdr = 30
	if len(head) < hdr {
		return "", badType(name, "truncated ZIP header", "")
	}
	method := binary.LittleEndian.Uint16(head[8:])
	csize := int(binary.LittleEndian.Uint32(head[18:]))
	nameLen := int(binary.LittleEndian.Uint16(head[26:]))
	extraLen := int(binary.LittleEndian.Uint16(head[28:]))
	if hdr+nameLen > len(head) {
		return "", badType(name, "ZIP first entry name beyond the sniffed bytes", "")
	}
	first := string(head[hdr : hdr+nameLen])

	if first == "mimetype" && method == 0 {
		start := min(hdr+nameLen+extraLen, len(head))
		content := head[start:]
		if csize > 0 {
			content = content[:min(csize, len(content))]
		}
		// With a data descriptor (flag bit 3) the size is not in the header:
		// the type then runs until the first byte a MIME type cannot have.
		end := bytes.IndexFunc(content, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("/.+-", r))
		})
		if end >= 0 {
			content = content[:end]
		}
		mt := string(content)
		switch mt {
		case typeODT, typeODS, typeODP:
			if !slices.Contains(extsFor[mt], ext) {
				return "", badType(name, "content is "+mt+" but the name ends in "+quoteExt(ext),
					"nội dung tệp không khớp với phần mở rộng "+quoteExt(ext))
			}
			return mt, nil
		}
		return "", badType(name, "OpenDocument type "+strconv.Quote(mt)+" not accepted", "")
	}
	ooxml := first == "[Content_Types].xml"
	for _, p := range []string{"_rels/", "docProps/", "word/", "xl/", "ppt/", "customXml/"} {
		ooxml = ooxml || strings.HasPrefix(first, p)
	}
	if !ooxml {
		return "", badType(name, "ZIP archive that is not an office document (first entry "+first+")", "tệp nén không phải tài liệu văn phòng")
	}
	switch ext {
	case ".docx":
		return typeDOCX, nil
	case ".xlsx":
		return typeXLSX, nil
	case ".pptx":
		return typePPTX, nil
	}
	return "", badType(name, "Office Open XML document without a .docx/.xlsx/.pptx extension", "chỉ nhận .docx, .xlsx, .pptx (không nhận tệp có macro)")
}
