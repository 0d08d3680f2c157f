package archive

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// EvidenceKey says where an evidence file belongs: campaign year, unit
// (agency code) and criterion, plus the file name the user gave.
type EvidenceKey struct {
	Year      int    // campaign year, e.g. 2026
	Unit      string // unit code, e.g. "SNV"
	Criterion string // criterion code, e.g. "II.1.2"
	FileName  string // as uploaded, e.g. "Quyết định 12.pdf"
}

const (
	maxFileNameBytes = 255
	maxCodeLen       = 64
	maxSafeStemRunes = 100
)

// ObjectKey returns the object key, "2026/SNV/II.1.2/Quyet-dinh-12.pdf":
// year, unit, criterion and a sanitised ASCII form of the file name. The
// error wraps ErrBadName and names what is wrong.
func (k EvidenceKey) ObjectKey() (string, error) {
	key, _, err := k.resolve()
	return key, err
}

// resolve validates k and returns the object key and the original file name
// in NFC (what is kept in metadata).
func (k EvidenceKey) resolve() (key, name string, err error) {
	if k.Year < 1000 || k.Year > 9999 {
		return "", "", badName(fmt.Sprint(k.Year), "year must have four digits", "năm không hợp lệ")
	}
	if err := checkCode("unit", "mã đơn vị", k.Unit); err != nil {
		return "", "", err
	}
	if err := checkCode("criterion", "mã tiêu chí", k.Criterion); err != nil {
		return "", "", err
	}
	name, err = CleanFileName(k.FileName)
	if err != nil {
		return "", "", err
	}
	return fmt.Sprintf("%04d/%s/%s/%s", k.Year, k.Unit, k.Criterion, SafeFileName(name)), name, nil
}

// checkCode accepts unit and criterion codes: ASCII letters, digits, '.',
// '_' and '-', not "." or "..".
func checkCode(field, fieldVI, s string) error {
	if s == "" || len(s) > maxCodeLen || s == "." || s == ".." {
		return badName(s, field+" code empty, too long or a dot path", fieldVI+" không hợp lệ")
	}
	for _, r := range s {
		if !isSafeASCII(r) {
			return badName(s, fmt.Sprintf("%s code contains %q", field, r), fieldVI+" chỉ gồm chữ, số, dấu chấm, gạch ngang")
		}
	}
	return nil
}

func isSafeASCII(r rune) bool {
	return r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_')
}

// CleanFileName checks a user-supplied file name and returns it in Unicode
// NFC with surrounding spaces removed. It refuses (ErrBadName) names that
// are empty, too long, not UTF-8, contain a path ('/' or '\'), are "." or
// "..", or contain control or invisible formatting characters (such as the
// right-to-left override used to disguise "exe" as "pdf").
func CleanFileName(raw string) (string, error) {
	if !utf8.ValidString(raw) {
		return "", badName(raw, "not valid UTF-8", "tên chứa ký tự lỗi mã hoá")
	}
	name := strings.TrimSpace(norm.NFC.String(raw))
	switch {
	case name == "":
		return "", badName(raw, "empty", "tên tệp trống")
	case len(name) > maxFileNameBytes:
		return "", badName(raw, "longer than 255 bytes", "tên tệp quá dài")
	case strings.ContainsAny(name, `/\`):
		return "", badName(raw, "contains a path separator", "tên tệp không được chứa đường dẫn thư mục")
	case name == "." || name == "..":
		return "", badName(raw, "is a dot path", "tên tệp không được chứa đường dẫn thư mục")
	}
	for _, r := range name {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			return "", badName(raw, fmt.Sprintf("contains the control character %U", r), "tên tệp chứa ký tự điều khiển hoặc ký tự ẩn")
		}
	}
	return name, nil
}

// SafeFileName turns a clean file name into the ASCII form used in object
// keys: Vietnamese letters lose their diacritics ("Quyết định" becomes
// "Quyet-dinh"), anything else outside [A-Za-z0-9._-] becomes '-', and the
// extension is lower-cased. A name with nothing left gets "tep-" and a short
// hash of the original, so different names stay apart.
func SafeFileName(name string) string {
	ext := strings.ToLower(path.Ext(name))
	stem := strings.TrimSuffix(name, path.Ext(name))
	if !isPlainExt(ext) {
		ext, stem = "", name
	}
	var b strings.Builder
	dash := false
	n := 0
	for _, r := range norm.NFD.String(stem) {
		if unicode.Is(unicode.Mn, r) {
			continue // a diacritic
		}
		switch r {
		case 'đ':
			r = 'd'
		case 'Đ':
			r = 'D'
		}
		if n >= maxSafeStemRunes {
			break
		}
		if isSafeASCII(r) && r != '-' {
			b.WriteRune(r)
			dash = false
			n++
			continue
		}
		if !dash {
			b.WriteByte('-')
			dash = true
			n++
		}
	}
	s := strings.Trim(b.String(), "-._")
	if s == "" {
		sum := sha256.Sum256([]byte(name))
		s = "tep-" + hex.EncodeToString(sum[:4])
	}
	return s + ext
}

// isPlainExt accepts ".pdf"-like extensions: a dot and 1–8 ASCII letters or
// digits.
func isPlainExt(ext string) bool {
	if len(ext) < 2 || len(ext) > 9 {
		return false
	}
	for _, r := range ext[1:] {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// checkDocumentKey accepts document keys such as "2026/decision.pdf":
// slash-separated segments of [A-Za-z0-9._-], none "." or "..".
func checkDocumentKey(key string) error {
	if key == "" || len(key) > 512 {
		return badName(key, "document key empty or too long", "khoá tài liệu không hợp lệ")
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return badName(key, "document key has an empty or dot segment", "khoá tài liệu không hợp lệ")
		}
		for _, r := range seg {
			if !isSafeASCII(r) {
				return badName(key, fmt.Sprintf("document key contains %q", r), "khoá tài liệu không hợp lệ")
			}
		}
	}
	return nil
}
