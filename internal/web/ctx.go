package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"zhijia/internal/platform"
)

// Ctx is one request as a handler sees it.
type Ctx struct {
	W       http.ResponseWriter
	R       *http.Request
	Session *platform.Session
	Actor   *platform.Actor
	L       *Localizer
	Route   Route
	s       *Server
}

func (s *Server) newCtx(w http.ResponseWriter, r *http.Request, rt Route) *Ctx {
	rs := requestStateFrom(r.Context())
	c := &Ctx{W: w, R: r, Route: rt, s: s}
	if rs != nil {
		c.Session, c.Actor = rs.session, rs.actor
	}
	c.L = s.Catalog.Localizer(s.pickLocale(r, c.Actor))
	return c
}

// T translates a catalogue key in the user's language.
func (c *Ctx) T(key string, args ...any) string { return c.L.T(key, args...) }

// CSRF is the token forms must echo.
func (c *Ctx) CSRF() string {
	if c.Session == nil {
		return ""
	}
	return c.Session.CSRF
}

// ID parses a path value as a positive id; anything else is not found.
func (c *Ctx) ID(name string) (int64, error) {
	id, err := strconv.ParseInt(c.R.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, platform.NotFound
	}
	return id, nil
}

// FormInt64 reads a form value as an integer, 0 when absent or malformed.
func (c *Ctx) FormInt64(name string) int64 {
	v, _ := strconv.ParseInt(strings.TrimSpace(c.R.FormValue(name)), 10, 64)
	return v
}

// JSON writes v as JSON.
func (c *Ctx) JSON(status int, v any) error {
	c.W.Header().Set("Content-Type", "application/json; charset=utf-8")
	c.W.WriteHeader(status)
	enc := json.NewEncoder(c.W)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// DecodeJSON reads a JSON body into v, with a clear error when malformed.
func (c *Ctx) DecodeJSON(v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(c.W, c.R.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return platform.Errorf(platform.CodeInvalid, "err.bad_json")
	}
	return nil
}

// Redirect answers a POST with a redirect (POST-redirect-GET), with an optional
// flash message key shown once on the next page.
func (c *Ctx) Redirect(to, flashKey string) error {
	if flashKey != "" {
		http.SetCookie(c.W, &http.Cookie{Name: "flash", Value: url.QueryEscape(flashKey), Path: "/",
			MaxAge: 60, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: c.s.secure})
	}
	http.Redirect(c.W, c.R, to, http.StatusSeeOther)
	return nil
}

// takeFlash reads and clears the flash message.
func (c *Ctx) takeFlash() string {
	ck, err := c.R.Cookie("flash")
	if err != nil {
		return ""
	}
	http.SetCookie(c.W, &http.Cookie{Name: "flash", Value: "", Path: "/", MaxAge: -1})
	key, _ := url.QueryUnescape(ck.Value)
	if !c.L.Has(key) {
		return ""
	}
	return c.T(key)
}

// SetSessionCookie sets (or, with an empty token, clears) the session cookie.
func (c *Ctx) SetSessionCookie(token string) {
	ck := &http.Cookie{Name: SessionCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: c.s.secure}
	if token == "" {
		ck.MaxAge = -1
	}
	http.SetCookie(c.W, ck)
}

// Demo reports whether the server runs in demo mode.
func (c *Ctx) Demo() bool { return c.s.Config.Demo }

// Server gives handlers the shell (for the clock, logger and config).
func (c *Ctx) Server() *Server { return c.s }
