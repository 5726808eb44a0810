package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"zhijia/internal/platform"
)

// SessionCookie names the session cookie.
const SessionCookie = "zhijia_session"

type requestState struct {
	id      string
	session *platform.Session
	actor   *platform.Actor
}

type stateKey struct{}

func requestStateFrom(ctx context.Context) *requestState {
	rs, _ := ctx.Value(stateKey{}).(*requestState)
	return rs
}

func requestID(r *http.Request) string {
	if rs := requestStateFrom(r.Context()); rs != nil {
		return rs.id
	}
	return ""
}

var (
	idPrefix = func() string { b := make([]byte, 4); rand.Read(b); return hex.EncodeToString(b) }()
	idSeq    atomic.Uint64
)

func newRequestID() string { return idPrefix + "-" + strconv.FormatUint(idSeq.Add(1), 36) }

// Pre-built header values, so the hot path only assigns slices.
var securityHeaders = map[string][]string{
	"Content-Security-Policy": {"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"},
	"X-Content-Type-Options": {"nosniff"},
	"X-Frame-Options":        {"DENY"},
	"Referrer-Policy":        {"same-origin"},
	"Permissions-Policy":     {"camera=(self), geolocation=(self), microphone=()"},
}

// middleware: recover → request id → security headers → session or bearer → CSRF →
// metrics and an access log line.
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rs := &requestState{id: newRequestID()}
		h := w.Header()
		for k, v := range securityHeaders {
			h[k] = v
		}
		if s.secure {
			h["Strict-Transport-Security"] = []string{"max-age=31536000"}
		}
		h["X-Request-Id"] = []string{rs.id}
		sw := &statusWriter{ResponseWriter: w, status: 200}
		defer s.recoverPanic(sw, r, rs)
		if err := s.identify(r, rs); err != nil {
			s.Logger.Error("identify", "request_id", rs.id, "err", err)
			http.Error(sw, "系统繁忙，请稍后再试 / The system is busy, please try again ("+rs.id+")", http.StatusInternalServerError)
			return
		}
		if rs.actor != nil {
			rs.actor.IP, rs.actor.RequestID = clientIP(r), rs.id
		}
		ctx := context.WithValue(r.Context(), stateKey{}, rs)
		if rs.actor != nil {
			ctx = platform.WithActor(ctx, rs.actor)
		}
		r = r.WithContext(ctx)
		limitBody(sw, r)
		if !s.csrfOK(r, rs) {
			s.csrfFail(sw, r)
		} else {
			next.ServeHTTP(sw, r)
		}
		s.observe(r, sw, start, rs.id)
	})
}

func (s *Server) observe(r *http.Request, sw *statusWriter, start time.Time, id string) {
	pattern := r.Pattern
	if pattern == "" {
		pattern = "unmatched"
	}
	d := time.Since(start)
	s.metrics.observe(pattern, sw.status, d)
	switch pattern {
	case "GET /healthz", "GET /readyz", "GET /metrics", "GET /static/":
		return // probes and assets would drown the log
	}
	s.Logger.Info("http", "request_id", id, "method", r.Method, "route", pattern, "path", r.URL.Path,
		"status", sw.status, "ms", float64(d.Microseconds())/1000)
}

// identify reads the session cookie or, under /api/, the bearer token.
func (s *Server) identify(r *http.Request, rs *requestState) error {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || s.Authenticate == nil {
			return nil
		}
		a, err := s.Authenticate(r.Context(), strings.TrimSpace(tok))
		if err != nil {
			if _, isUser := platform.AsError(err); isUser {
				return nil
			}
			return err
		}
		rs.actor = a
		return nil
	}
	ck, err := r.Cookie(SessionCookie)
	if err != nil || ck.Value == "" || s.LoadSession == nil {
		return nil
	}
	sess, err := s.LoadSession(r.Context(), ck.Value)
	if err != nil {
		if _, isUser := platform.AsError(err); isUser {
			return nil
		}
		return err
	}
	if sess != nil {
		rs.session, rs.actor = sess, sess.Actor
	}
	return nil
}

// csrfOK: unsafe requests carrying a session cookie must echo its token. Requests
// without a session (the sign-in forms) must come from our own origin.
func (s *Server) csrfOK(r *http.Request, rs *requestState) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		return true // bearer tokens, no cookies
	}
	if !sameOrigin(r) {
		return false
	}
	if rs.session == nil {
		return true
	}
	tok := r.Header.Get("X-CSRF-Token")
	if tok == "" {
		tok = r.PostFormValue("_csrf") // a body over the limit parses as empty: see csrfFail
	}
	return tok != "" && tok == rs.session.CSRF
}

// Body limits: uploads (multipart) may carry a spreadsheet; anything else is a
// form or a JSON document.
const (
	MaxUploadBytes = 110 << 20
	MaxFormBytes   = 2 << 20
)

// limitBody caps the request body before anything reads it (the CSRF check
// parses the form), so an oversized request fails fast instead of filling a disk.
func limitBody(w http.ResponseWriter, r *http.Request) {
	if r.Body == nil || r.Method == http.MethodGet || r.Method == http.MethodHead {
		return
	}
	limit := int64(MaxFormBytes)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		limit = MaxUploadBytes
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
}

func sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		if ref := r.Header.Get("Referer"); ref != "" {
			origin = ref
		} else {
			return true // non-browser clients send neither
		}
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == r.Host
}

func (s *Server) csrfFail(w http.ResponseWriter, r *http.Request) {
	c := s.newCtx(w, r, Route{})
	var tooBig *http.MaxBytesError
	if _, err := io.Copy(io.Discard, r.Body); errors.As(err, &tooBig) {
		s.errorPage(c, platform.Errorf(platform.CodeTooLarge, "err.too_large", tooBig.Limit>>20))
		return
	}
	s.errorPage(c, platform.Errorf(platform.CodeForbidden, "err.csrf"))
}

func (s *Server) recoverPanic(w http.ResponseWriter, r *http.Request, rs *requestState) {
	if v := recover(); v != nil {
		if v == http.ErrAbortHandler {
			panic(v)
		}
		s.Logger.Error("panic", "request_id", rs.id, "path", r.URL.Path, "panic", v)
		http.Error(w, "系统繁忙，请稍后再试（编号 "+rs.id+"）", http.StatusInternalServerError)
	}
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func jsonEncode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
