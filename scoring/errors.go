package scoring

import (
	"fmt"
	"strings"
)

// Error codes of FieldError.
const (
	ErrRequired        = "required"         // a figure or field is missing
	ErrNotNumber       = "not_number"       // a count or amount is not a whole number
	ErrNegative        = "negative"         // a count or amount is below zero
	ErrTooLarge        = "too_large"        // beyond the figure's upper bound
	ErrNotBool         = "not_bool"         // a yes/no answer is neither
	ErrNotDate         = "not_date"         // not a calendar date
	ErrNotChoice       = "not_choice"       // not one of the declared options
	ErrUnknown         = "unknown"          // a key the criteria set does not declare
	ErrZeroDenominator = "zero_denominator" // a ratio's denominator is zero or less
	ErrExceeds         = "exceeds"          // a subset count exceeds its total
	ErrInvalid         = "invalid"          // any other malformed value
)

// FieldError is one problem with one field of a submission, named so the
// user can find and fix it. Message is Vietnamese, MessageEN English.
type FieldError struct {
	Field     string   `json:"field"`              // figure key or path, e.g. "figures.docs_in"
	Label     string   `json:"label,omitempty"`    // the field's Vietnamese label
	Criteria  []string `json:"criteria,omitempty"` // criterion codes affected
	Code      string   `json:"code"`               // one of the Err… codes
	Message   string   `json:"message"`            // Vietnamese
	MessageEN string   `json:"message_en"`         // English
}

func (e FieldError) String() string {
	s := e.Field + ": " + e.Message
	if len(e.Criteria) > 0 {
		s += " (tiêu chí " + strings.Join(e.Criteria, ", ") + ")"
	}
	return s
}

// ValidationError holds every field error found in one input, so the user
// sees them all at once (R2).
type ValidationError struct {
	Errors []FieldError `json:"errors"`
}

func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Errors))
	for i, fe := range e.Errors {
		lines[i] = fe.String()
	}
	return fmt.Sprintf("%d lỗi dữ liệu:\n%s", len(e.Errors), strings.Join(lines, "\n"))
}

// errorList collects field errors, merging repeats of the same problem on
// the same field across criteria.
type errorList struct {
	errs []FieldError
}

func (l *errorList) add(fe FieldError) {
	for i := range l.errs {
		e := &l.errs[i]
		if e.Field == fe.Field && e.Code == fe.Code && e.Message == fe.Message {
			for _, c := range fe.Criteria {
				if !contains(e.Criteria, c) {
					e.Criteria = append(e.Criteria, c)
				}
			}
			return
		}
	}
	l.errs = append(l.errs, fe)
}

func (l *errorList) addf(field, label, code, criterion, vi, en string) {
	fe := FieldError{Field: field, Label: label, Code: code, Message: vi, MessageEN: en}
	if criterion != "" {
		fe.Criteria = []string{criterion}
	}
	l.add(fe)
}

func (l *errorList) err() error {
	if len(l.errs) == 0 {
		return nil
	}
	return &ValidationError{Errors: l.errs}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
