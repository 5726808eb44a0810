package platform

import (
	"errors"
	"fmt"
	"net/http"
)

// Code classifies an error for the user and for HTTP.
type Code string

const (
	CodeInvalid      Code = "invalid"
	CodeNotFound     Code = "not_found"
	CodeConflict     Code = "conflict"
	CodeForbidden    Code = "forbidden"
	CodeUnauthorized Code = "unauthorized"
	CodeTooMany      Code = "too_many_requests"
	CodeTooLarge     Code = "too_large"
	CodeInternal     Code = "internal"
)

// Error is the one error type handlers understand. Message and Fields hold
// catalogue keys, translated when rendered.
type Error struct {
	Code    Code
	Message string            // catalogue key
	Fields  map[string]string // field name -> catalogue key
	Args    []any             // arguments for Message
}

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s %v", e.Code, e.Message, e.Fields)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf builds an Error with a catalogue key.
func Errorf(code Code, key string, args ...any) *Error {
	return &Error{Code: code, Message: key, Args: args}
}

// Invalid starts a validation error; add fields with Field.
func Invalid() *Error {
	return &Error{Code: CodeInvalid, Message: "err.invalid", Fields: map[string]string{}}
}

// Field records a message for one field.
func (e *Error) Field(name, key string) *Error {
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
	if _, ok := e.Fields[name]; !ok {
		e.Fields[name] = key
	}
	return e
}

// OrNil returns nil when no field failed, so validators can end with `return v.OrNil()`.
func (e *Error) OrNil() error {
	if e == nil || (e.Code == CodeInvalid && len(e.Fields) == 0) {
		return nil
	}
	return e
}

// NotFound is the error for unknown ids and ids outside the actor's scope alike.
var NotFound = &Error{Code: CodeNotFound, Message: "err.not_found"}

// ErrorCode extracts the code, treating unknown errors as internal.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// AsError returns the *Error inside err, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// HTTPStatus maps a code to its HTTP status: the one place that does.
func HTTPStatus(c Code) int {
	switch c {
	case CodeInvalid:
		return http.StatusUnprocessableEntity
	case CodeNotFound:
		return http.StatusNotFound
	case CodeConflict:
		return http.StatusConflict
	case CodeForbidden:
		return http.StatusForbidden
	case CodeUnauthorized:
		return http.StatusUnauthorized
	case CodeTooMany:
		return http.StatusTooManyRequests
	case CodeTooLarge:
		return http.StatusRequestEntityTooLarge
	default:
		return http.StatusInternalServerError
	}
}
