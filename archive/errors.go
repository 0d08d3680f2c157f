package archive

import (
	"context"
	"errors"
	"fmt"
	"strconv"
)

// Sentinel errors. Returned errors wrap them (test with errors.Is) and carry
// details: the file name, the limit, what was found.
var (
	// ErrTooLarge: the file exceeds Config.MaxEvidenceBytes.
	ErrTooLarge = errors.New("archive: file too large")
	// ErrType: the content is not an accepted kind (PDF, PNG, JPEG, GIF,
	// WebP, office documents), or does not match the file's extension.
	ErrType = errors.New("archive: file type not accepted")
	// ErrBadName: a file name, unit, criterion or document key that cannot
	// be stored safely (path separators, control characters, …).
	ErrBadName = errors.New("archive: invalid name")
	// ErrTampered: a stored version no longer matches its record: its bytes
	// differ, it was deleted, or the key was overwritten outside the archive.
	ErrTampered = errors.New("archive: stored object does not match its record")
	// ErrSuperseded: the recorded version is intact, but a later upload
	// through the archive has replaced it as the current file at its key.
	ErrSuperseded = errors.New("archive: evidence replaced by a later upload")
	// ErrNotFound: no such object or version.
	ErrNotFound = errors.New("archive: not found")
)

// fileError is a refusal with what the user needs to know.
type fileError struct {
	kind   error  // one of the sentinels
	name   string // the file name or key concerned, as given
	detail string // English, for logs
	hint   string // Vietnamese, appended to the user message
	limit  int64  // ErrTooLarge: the limit in bytes
}

func (e *fileError) Error() string {
	s := e.kind.Error()
	if e.name != "" {
		s += ": " + strconv.Quote(e.name)
	}
	if e.detail != "" {
		s += ": " + e.detail
	}
	return s
}

func (e *fileError) Unwrap() error { return e.kind }

// Message returns the Vietnamese text to show a user for err: for the
// sentinel errors a specific message (with the file name and the reason
// when known), for anything else a generic "try again later" message. It
// returns "" for nil.
func Message(err error) string {
	if err == nil {
		return ""
	}
	var fe *fileError
	if errors.As(err, &fe) {
		msg := baseMessage(fe.kind, fe.limit)
		if fe.name != "" {
			msg += ": " + strconv.Quote(fe.name)
		}
		if fe.hint != "" {
			msg += " (" + fe.hint + ")"
		}
		return msg
	}
	for _, s := range []error{ErrTooLarge, ErrType, ErrBadName, ErrTampered, ErrSuperseded, ErrNotFound} {
		if errors.Is(err, s) {
			return baseMessage(s, 0)
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "Hệ thống lưu trữ phản hồi quá chậm, vui lòng thử lại sau"
	}
	return "Lỗi hệ thống lưu trữ, vui lòng thử lại sau"
}

func baseMessage(kind error, limit int64) string {
	switch kind {
	case ErrTooLarge:
		if limit <= 0 {
			limit = DefaultMaxEvidenceBytes
		}
		return fmt.Sprintf("Tệp quá lớn (tối đa %s)", formatMB(limit))
	case ErrType:
		return "Loại tệp không được chấp nhận: chỉ PDF, ảnh (PNG, JPEG) và tài liệu văn phòng"
	case ErrBadName:
		return "Tên tệp không hợp lệ"
	case ErrTampered:
		return "Tệp lưu trữ đã bị thay đổi hoặc bị xoá sau khi nộp"
	case ErrSuperseded:
		return "Tệp minh chứng đã được thay bằng bản nộp sau"
	case ErrNotFound:
		return "Không tìm thấy tệp trong kho lưu trữ"
	}
	return "Lỗi hệ thống lưu trữ, vui lòng thử lại sau"
}

// formatMB writes a byte count in MB (MiB) the way users read it: "25 MB",
// "1,5 MB" (Vietnamese decimal comma), or "512 KB" under one MB.
func formatMB(n int64) string {
	const mb = 1 << 20
	if n < mb {
		return strconv.FormatInt((n+1023)/1024, 10) + " KB"
	}
	if n%mb == 0 {
		return strconv.FormatInt(n/mb, 10) + " MB"
	}
	tenths := (n*10 + mb/2) / mb
	return strconv.FormatInt(tenths/10, 10) + "," + strconv.FormatInt(tenths%10, 10) + " MB"
}

func tooLarge(name string, limit int64, detail string) error {
	return &fileError{kind: ErrTooLarge, name: name, limit: limit, detail: detail}
}

func badName(name, detail, hint string) error {
	return &fileError{kind: ErrBadName, name: name, detail: detail, hint: hint}
}

func badType(name, detail, hint string) error {
	return &fileError{kind: ErrType, name: name, detail: detail, hint: hint}
}

func tampered(key, detail string) error {
	return &fileError{kind: ErrTampered, name: key, detail: detail}
}
