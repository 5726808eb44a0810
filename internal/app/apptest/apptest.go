// Package apptest builds the whole app on a test database, serves it on a
// loopback httptest server and signs users in through the real pages, so HTTP
// and browser tests exercise exactly what production runs.
package apptest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"zhijia/internal/app"
	"zhijia/internal/platform"
)

// Env is a running app with the demo city loaded.
type Env struct {
	App    *app.App
	Server *httptest.Server
	Clock  *platform.FakeClock
	Info   *app.DemoInfo
	keys   atomic.Int64 // idempotency keys handed out by API
}

// DemoGrassroots is the size of the test city: small, so tests stay fast.
const DemoGrassroots = 40

// New starts the app on db in demo mode (demo accounts with enrolled second
// factors), seeded with a small Fuzhou tree.
func New(t testing.TB, db *platform.DB) *Env {
	t.Helper()
	keys, err := platform.NewKeyring(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	clock := platform.NewFakeClock(time.Now().UTC().Truncate(time.Second))
	cfg := platform.Config{Demo: true, BaseURL: "http://127.0.0.1", DataDir: t.TempDir()}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := app.New(cfg, db, keys, clock, logger)
	info, err := a.SeedDemo(context.Background(), DemoGrassroots)
	if err != nil {
		t.Fatalf("seed demo: %v", err)
	}
	srv := httptest.NewServer(a.Server().Handler())
	t.Cleanup(srv.Close)
	return &Env{App: a, Server: srv, Clock: clock, Info: info}
}

// Client is a browser-like HTTP client: cookies kept, redirects not followed,
// the CSRF token added to every form it posts.
type Client struct {
	T    testing.TB
	HTTP *http.Client
	Base string
	CSRF string
}

// NewClient makes an anonymous client.
func (e *Env) NewClient(t testing.TB) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{T: t, Base: e.Server.URL, HTTP: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Staff signs a demo staff account in through the sign-in pages.
func (e *Env) Staff(t testing.TB, username string) *Client {
	t.Helper()
	c := e.NewClient(t)
	e.Clock.Advance(31 * time.Second) // a fresh TOTP step: codes are single-use
	r := c.PostForm("/login", url.Values{"username": {username}, "password": {app.DemoPassword}})
	if r.Status != http.StatusSeeOther || r.Location != "/login/totp" {
		t.Fatalf("sign in %s: got %d → %q: %s", username, r.Status, r.Location, r.Body)
	}
	code, err := e.App.Auth.CurrentCode(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	c.Get("/login/totp")
	r = c.PostForm("/login/totp", url.Values{"code": {code}})
	if r.Status != http.StatusSeeOther || r.Location != "/console" {
		t.Fatalf("totp %s: got %d → %q: %s", username, r.Status, r.Location, r.Body)
	}
	c.Get("/console")
	return c
}

// Worker signs a worker in on the portal with the demo SMS code shown on screen.
func (e *Env) Worker(t testing.TB, phone string) *Client {
	t.Helper()
	c := e.NewClient(t)
	c.Get("/portal/login")
	r := c.PostForm("/portal/login/code", url.Values{"phone": {phone}})
	m := regexp.MustCompile(`id="demo-sms-code">(\d{6})<`).FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no demo code on the page: %d %s", r.Status, r.Body)
	}
	r = c.PostForm("/portal/login", url.Values{"phone": {phone}, "code": {m[1]}})
	if r.Status != http.StatusSeeOther || r.Location != "/portal" {
		t.Fatalf("worker sign-in: %d → %q: %s", r.Status, r.Location, r.Body)
	}
	c.Get("/portal")
	return c
}

// Response is what a test looks at.
type Response struct {
	Status   int
	Location string
	Header   http.Header
	Body     string
	Raw      []byte
}

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (c *Client) do(req *http.Request) *Response {
	c.T.Helper()
	res, err := c.HTTP.Do(req)
	if err != nil {
		c.T.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	r := &Response{Status: res.StatusCode, Location: res.Header.Get("Location"), Header: res.Header, Body: string(b), Raw: b}
	if m := csrfRE.FindStringSubmatch(r.Body); m != nil {
		c.CSRF = m[1]
	}
	return r
}

// Get fetches path.
func (c *Client) Get(path string) *Response {
	c.T.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.Base+path, nil)
	return c.do(req)
}

// PostForm posts a form with the session's CSRF token, as a browser on our origin would.
func (c *Client) PostForm(path string, form url.Values) *Response {
	c.T.Helper()
	if form == nil {
		form = url.Values{}
	}
	if c.CSRF != "" && form.Get("_csrf") == "" {
		form.Set("_csrf", c.CSRF)
	}
	req, _ := http.NewRequest(http.MethodPost, c.Base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.Base)
	return c.do(req)
}

// Do sends any request (API calls with bearer tokens, JSON bodies).
func (c *Client) Do(req *http.Request) *Response {
	c.T.Helper()
	return c.do(req)
}

// API sends a JSON request with a bearer token; POSTs carry key as their
// Idempotency-Key (a fresh one when key is empty).
func (e *Env) API(t testing.TB, token, method, path, key, body string) *Response {
	t.Helper()
	req, _ := http.NewRequest(method, e.Server.URL+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	if method == http.MethodPost {
		if key == "" {
			key = fmt.Sprintf("apptest-%d", e.keys.Add(1))
		}
		req.Header.Set("Idempotency-Key", key)
	}
	return e.NewClient(t).Do(req)
}

// WorkerToken signs a worker in through the API with the demo SMS code and
// returns the worker's bearer token, for /api/v1/my/ routes.
func (e *Env) WorkerToken(t testing.TB, phone string) string {
	t.Helper()
	e.Clock.Advance(61 * time.Second) // one SMS code a minute per phone
	r := e.API(t, "", http.MethodPost, "/api/v1/worker/sms-code", "", fmt.Sprintf(`{"phone":%q}`, phone))
	var sent struct {
		DemoCode string `json:"demo_code"`
	}
	if err := json.Unmarshal(r.Raw, &sent); err != nil || r.Status != http.StatusOK || sent.DemoCode == "" {
		t.Fatalf("worker sms code: %d %s", r.Status, r.Body)
	}
	r = e.API(t, "", http.MethodPost, "/api/v1/worker/token", "",
		fmt.Sprintf(`{"phone":%q,"code":%q,"client":"apptest"}`, phone, sent.DemoCode))
	var tok struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(r.Raw, &tok); err != nil || r.Status != http.StatusCreated || tok.Token == "" {
		t.Fatalf("worker token: %d %s", r.Status, r.Body)
	}
	return tok.Token
}
