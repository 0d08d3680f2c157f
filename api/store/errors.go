package store

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinels that a *ValidationError may wrap (test with errors.Is): the
// HTTP layer answers 404 for ErrNotFound, 409 for ErrConflict and 422 for
// any other *ValidationError.
var (
	// ErrNotFound: the user or unit named does not exist.
	ErrNotFound = errors.New("không tìm thấy")
	// ErrConflict: the name or code is taken, or the thing is still in use.
	ErrConflict = errors.New("xung đột với dữ liệu hiện có")
)

// FieldError is one problem with one field of a request: Field is the
// field's name ("name", "role", "unit", "password", "code", "annex",
// "flags", "emails", …) or, for registry files, a cell ("C4"), a whole row
// ("1:1" for the header) or "file"; Message says what is wrong, in
// Vietnamese, for the person who filled it in.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error returns the message.
func (e *FieldError) Error() string { return e.Message }

// ValidationError lists every problem found in a request at once.
type ValidationError struct {
	Errors []FieldError `json:"errors"`
	kind   error        // ErrNotFound, ErrConflict or nil
}

// Error joins the messages.
func (e *ValidationError) Error() string {
	msgs := make([]string, len(e.Errors))
	for i, fe := range e.Errors {
		msgs[i] = fe.Message
	}
	return strings.Join(msgs, "; ")
}

// Unwrap returns ErrNotFound or ErrConflict when the error is one of those.
func (e *ValidationError) Unwrap() error { return e.kind }

// Fields returns the field names in order, for tests and logs.
func (e *ValidationError) Fields() []string {
	out := make([]string, len(e.Errors))
	for i, fe := range e.Errors {
		out[i] = fe.Field
	}
	return out
}

// problems collects FieldErrors.
type problems []FieldError

func (p *problems) add(field, format string, args ...any) {
	*p = append(*p, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// err returns nil when there is no problem, else a *ValidationError.
func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return &ValidationError{Errors: p}
}

// invalid is a *ValidationError with one field.
func invalid(field, format string, args ...any) error {
	return &ValidationError{Errors: []FieldError{{Field: field, Message: fmt.Sprintf(format, args...)}}}
}

// notFound is a *ValidationError with one field wrapping ErrNotFound.
func notFound(field, format string, args ...any) error {
	return &ValidationError{Errors: []FieldError{{Field: field, Message: fmt.Sprintf(format, args...)}}, kind: ErrNotFound}
}

// conflict is a *ValidationError with one field wrapping ErrConflict.
func conflict(field, format string, args ...any) error {
	return &ValidationError{Errors: []FieldError{{Field: field, Message: fmt.Sprintf(format, args...)}}, kind: ErrConflict}
}

// isUniqueViolation reports whether err is a duplicate key refused by the
// database (PostgreSQL 23505, SQLite's UNIQUE/PRIMARY KEY constraint).
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	var coder interface{ SQLState() string }
	if errors.As(err, &coder) && coder.SQLState() == "23505" {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "PRIMARY KEY constraint failed")
}
