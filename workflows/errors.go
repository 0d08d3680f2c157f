package workflows

import (
	"errors"
	"strings"

	"go.temporal.io/sdk/temporal"

	"ictindex/scoring"
)

// ValidationErrorType is the application error type of a refused update;
// its details are the []scoring.FieldError, for the API to show per field.
const ValidationErrorType = "ValidationError"

// ErrInvalidState is the field error code of an action the current status
// does not allow.
const ErrInvalidState = "invalid_state"

// refuse builds the error an update validator returns.
func refuse(errs ...scoring.FieldError) error {
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Field + ": " + e.Message
	}
	return temporal.NewApplicationErrorWithOptions(strings.Join(msgs, "; "), ValidationErrorType,
		temporal.ApplicationErrorOptions{NonRetryable: true, Details: []any{errs}})
}

// refuseErr turns a scoring validation error into a refusal.
func refuseErr(err error) error {
	var ve *scoring.ValidationError
	if errors.As(err, &ve) {
		return refuse(ve.Errors...)
	}
	return refuse(scoring.FieldError{Field: "document", Code: scoring.ErrInvalid, Message: err.Error(), MessageEN: err.Error()})
}

// wrongState refuses an action in the current status.
func wrongState(vi, en string) error {
	return refuse(scoring.FieldError{Field: "status", Code: ErrInvalidState, Message: vi, MessageEN: en})
}

// required refuses a missing field.
func required(field, vi, en string) error {
	return refuse(scoring.FieldError{Field: field, Code: scoring.ErrRequired, Message: vi, MessageEN: en})
}

// FieldErrors extracts the field errors of a refused update (nil when the
// error is not a refusal).
func FieldErrors(err error) []scoring.FieldError {
	var ae *temporal.ApplicationError
	if !errors.As(err, &ae) || ae.Type() != ValidationErrorType || !ae.HasDetails() {
		return nil
	}
	var errs []scoring.FieldError
	if ae.Details(&errs) != nil {
		return nil
	}
	return errs
}
