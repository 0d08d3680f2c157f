package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
	"go.temporal.io/api/serviceerror"

	"ictindex/api/store"
	"ictindex/archive"
	"ictindex/scoring"
	"ictindex/workflows"
)

// Error codes of the error body.
const (
	CodeValidation      = "validation"
	CodeUnauthorized    = "unauthorized"
	CodeForbidden       = "forbidden"
	CodeNotFound        = "not_found"
	CodeConflict        = "conflict"
	CodeTooLarge        = "too_large"
	CodeUnsupportedType = "unsupported_type"
	CodeRateLimited     = "rate_limited"
	CodeInternal        = "internal"
)

// Error is what every failed request answers, under the key "error".
type Error struct {
	Code    string               `json:"code"`
	Message string               `json:"message"` // Vietnamese
	Fields  []scoring.FieldError `json:"fields,omitempty"`

	status int   // HTTP status
	cause  error // logged when internal
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// errorBody is the JSON envelope of an Error.
type errorBody struct {
	Error *Error `json:"error"`
}

// Constructors of the errors handlers raise themselves.

func badRequest(msg string, fields ...scoring.FieldError) *Error {
	return &Error{Code: CodeValidation, Message: msg, Fields: fields, status: http.StatusBadRequest}
}

func unprocessable(msg string, fields ...scoring.FieldError) *Error {
	return &Error{Code: CodeValidation, Message: msg, Fields: fields, status: http.StatusUnprocessableEntity}
}

func unauthorized(msg string) *Error {
	return &Error{Code: CodeUnauthorized, Message: msg, status: http.StatusUnauthorized}
}

func forbidden(msg string) *Error {
	return &Error{Code: CodeForbidden, Message: msg, status: http.StatusForbidden}
}

func notFound(msg string) *Error {
	return &Error{Code: CodeNotFound, Message: msg, status: http.StatusNotFound}
}

func tooLarge(msg string) *Error {
	return &Error{Code: CodeTooLarge, Message: msg, status: http.StatusRequestEntityTooLarge}
}

func rateLimited(msg string) *Error {
	return &Error{Code: CodeRateLimited, Message: msg, status: http.StatusTooManyRequests}
}

// field is a one-line FieldError.
func field(name, code, vi string) scoring.FieldError {
	return scoring.FieldError{Field: name, Code: code, Message: vi}
}

// toError is the one table from errors to HTTP answers. Anything it does
// not recognise is internal: logged, and answered without detail.
func toError(err error) *Error {
	var e *Error
	var maxBytes *http.MaxBytesError
	var ve *scoring.ValidationError
	var nf *serviceerror.NotFound
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	var se *store.ValidationError
	switch {
	case errors.As(err, &e):
		return e
	case errors.As(err, &se):
		fe := make([]scoring.FieldError, len(se.Errors))
		for i, f := range se.Errors {
			fe[i] = field(f.Field, scoring.ErrInvalid, f.Message)
		}
		out := unprocessable(summary(fe), fe...)
		switch {
		case errors.Is(err, store.ErrNotFound):
			out.Code, out.status = CodeNotFound, http.StatusNotFound
		case errors.Is(err, store.ErrConflict):
			out.Code, out.status = CodeConflict, http.StatusConflict
		}
		return out
	case workflows.FieldErrors(err) != nil:
		fe := workflows.FieldErrors(err)
		return unprocessable(summary(fe), fe...)
	case errors.As(err, &ve):
		return unprocessable(summary(ve.Errors), ve.Errors...)
	case errors.As(err, &started):
		return &Error{Code: CodeConflict, Message: "Đợt đánh giá của năm này đã được mở", status: http.StatusConflict}
	case errors.As(err, &nf):
		return notFound("Không tìm thấy đợt đánh giá hoặc đơn vị, hoặc việc xử lý của đơn vị đã kết thúc")
	case errors.As(err, &maxBytes):
		return tooLarge("Dữ liệu gửi lên quá lớn")
	case errors.Is(err, archive.ErrTooLarge):
		return tooLarge(archive.Message(err))
	case errors.Is(err, archive.ErrType):
		return &Error{Code: CodeUnsupportedType, Message: archive.Message(err), status: http.StatusUnsupportedMediaType}
	case errors.Is(err, archive.ErrBadName):
		return badRequest(archive.Message(err), field("file", scoring.ErrInvalid, archive.Message(err)))
	case errors.Is(err, archive.ErrNotFound):
		return notFound(archive.Message(err))
	}
	return &Error{Code: CodeInternal, Message: "Lỗi hệ thống, vui lòng thử lại sau", status: http.StatusInternalServerError, cause: err}
}

// summary is the message of a list of field errors: the first one, and how
// many more.
func summary(fe []scoring.FieldError) string {
	switch len(fe) {
	case 0:
		return "Dữ liệu không hợp lệ"
	case 1:
		return fe[0].Message
	}
	return fe[0].Message + " (và " + itoa(len(fe)-1) + " lỗi khác)"
}

// fail answers the request with err mapped through toError, logging
// internal errors only.
func (s *Server) fail(c *gin.Context, err error) {
	e := toError(err)
	if e.status == http.StatusInternalServerError {
		s.log.Error("request failed", "method", c.Request.Method, "route", c.FullPath(), "err", e.cause)
	}
	c.AbortWithStatusJSON(e.status, errorBody{Error: e})
}
