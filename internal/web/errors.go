package web

import (
	"errors"
	"net/http"
	"strings"

	"zhijia/internal/platform"
)

// fail renders an error in the user's language: problem+json for the API, a page
// otherwise. Internal errors are logged with the request id and never shown.
func (s *Server) fail(c *Ctx, err error) {
	var si errSignIn
	if errors.As(err, &si) {
		if isAPI(c.R) {
			s.problem(c, platform.Errorf(platform.CodeUnauthorized, "err.unauthorized"))
			return
		}
		to := si.to
		if c.R.Method == http.MethodGet && to != "/login/next" {
			to += "?next=" + urlQueryEscape(c.R.URL.RequestURI())
		}
		http.Redirect(c.W, c.R, to, http.StatusSeeOther)
		return
	}
	e, ok := platform.AsError(err)
	if !ok {
		e = &platform.Error{Code: platform.CodeInternal, Message: "err.internal"}
		s.Logger.Error("request failed", "request_id", requestID(c.R), "route", c.Route.Pattern, "err", err)
	}
	if isAPI(c.R) {
		s.problem(c, e)
		return
	}
	s.errorPage(c, e)
}

func (s *Server) errorPage(c *Ctx, e *platform.Error) {
	status := platform.HTTPStatus(e.Code)
	msg := c.T(e.Message, e.Args...)
	if e.Code == platform.CodeInternal {
		msg = c.T("err.internal", requestID(c.R))
	}
	if err := c.Render(status, "shell/error", ErrorView{status, msg}); err != nil {
		http.Error(c.W, msg, status)
	}
}

// ErrorView is the error page's data.
type ErrorView struct {
	Status  int
	Message string
}

// Problem is an RFC 9457 problem document with the fields that were wrong.
type Problem struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	Detail    string         `json:"detail,omitempty"`
	Instance  string         `json:"instance,omitempty"`
	Code      string         `json:"code"`
	RequestID string         `json:"request_id,omitempty"`
	Errors    []ProblemField `json:"errors,omitempty"`
}

// ProblemField names one wrong field.
type ProblemField struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (s *Server) problem(c *Ctx, e *platform.Error) {
	status := platform.HTTPStatus(e.Code)
	p := Problem{Type: "about:blank", Title: http.StatusText(status), Status: status,
		Detail: c.T(e.Message, e.Args...), Instance: c.R.URL.Path, Code: string(e.Code), RequestID: requestID(c.R)}
	if e.Code == platform.CodeInternal {
		p.Detail = c.T("err.internal", p.RequestID)
	}
	for f, key := range e.Fields {
		p.Errors = append(p.Errors, ProblemField{Field: f, Message: c.T(key)})
	}
	c.W.Header().Set("Content-Type", "application/problem+json; charset=utf-8")
	if e.Code == platform.CodeUnauthorized {
		c.W.Header().Set("WWW-Authenticate", `Bearer realm="zhijia"`)
	}
	c.JSONStatus(status, p)
}

// JSONStatus writes v as JSON keeping a Content-Type already set.
func (c *Ctx) JSONStatus(status int, v any) {
	if c.W.Header().Get("Content-Type") == "" {
		c.W.Header().Set("Content-Type", "application/json; charset=utf-8")
	}
	c.W.WriteHeader(status)
	_ = jsonEncode(c.W, v)
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }
