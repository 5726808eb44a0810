package app_test

import (
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"zhijia/internal/app"
	"zhijia/internal/app/apptest"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
	"zhijia/internal/web"
)

func TestSignIn_StaffReachesConsoleWithScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		c := env.Staff(t, "gulou.clerk")
		r := c.Get("/console")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "鼓楼区总工会") || !strings.Contains(r.Body, "演示环境") ||
			!strings.Contains(r.Body, "在册职工") {
			t.Fatalf("console home: %d\n%s", r.Status, r.Body)
		}
	})
}

func TestSignIn_WorkerReachesPortal(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		c := env.Worker(t, "13900000001")
		r := c.Get("/portal")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "陈小明") {
			t.Fatalf("portal home: %d\n%s", r.Status, r.Body)
		}
		if r := c.Get("/console"); r.Status != http.StatusSeeOther {
			t.Fatalf("a worker must not reach the console: %d", r.Status)
		}
	})
}

func TestSignIn_WrongPasswordSameMessageAsUnknownUser(t *testing.T) {
	env := apptest.New(t, dbtest.SQLite(t))
	c := env.NewClient(t)
	a := c.PostForm("/login", map[string][]string{"username": {"city.admin"}, "password": {"Wrong@2026"}})
	b := c.PostForm("/login", map[string][]string{"username": {"nobody.here"}, "password": {"Wrong@2026"}})
	msg := "用户名或密码不正确"
	if !strings.Contains(a.Body, msg) || !strings.Contains(b.Body, msg) || a.Status != b.Status {
		t.Fatalf("want the same message for both: %d %d", a.Status, b.Status)
	}
	if !strings.Contains(a.Body, `value="city.admin"`) {
		t.Fatal("the username typed must be kept")
	}
}

func TestCSRF_PostWithoutTokenRefused(t *testing.T) {
	env := apptest.New(t, dbtest.SQLite(t))
	c := env.Staff(t, "city.admin")
	c.CSRF = "forged"
	r := c.PostForm("/logout", nil)
	if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "页面已过期") {
		t.Fatalf("want 403 with a clear message, got %d", r.Status)
	}
}

func TestSecurityHeaders(t *testing.T) {
	env := apptest.New(t, dbtest.SQLite(t))
	r := env.NewClient(t).Get("/login")
	csp := r.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Fatalf("CSP must allow no inline script: %q", csp)
	}
	if r.Header.Get("X-Content-Type-Options") != "nosniff" || r.Header.Get("X-Request-Id") == "" {
		t.Fatal("missing security headers or request id")
	}
}

func TestHealthReadyMetrics(t *testing.T) {
	env := apptest.New(t, dbtest.SQLite(t))
	c := env.NewClient(t)
	if r := c.Get("/healthz"); r.Status != 200 {
		t.Fatal("healthz", r.Status)
	}
	if r := c.Get("/readyz"); r.Status != 200 || r.Body != "ready\n" {
		t.Fatal("readyz", r.Status, r.Body)
	}
	c.Get("/login")
	r := c.Get("/metrics")
	if !strings.Contains(r.Body, `zhijia_http_requests_total{route="GET /login",code="2xx"} 1`) ||
		!strings.Contains(r.Body, `zhijia_http_request_duration_seconds_bucket{route="GET /login",le="+Inf"} 1`) {
		t.Fatalf("metrics lack the login route:\n%s", r.Body)
	}
	env.App.DB.Close()
	if r := c.Get("/readyz"); r.Status != http.StatusServiceUnavailable {
		t.Fatalf("readyz with the database closed: %d", r.Status)
	}
}

func TestLocale_AcceptLanguageAndCookie(t *testing.T) {
	env := apptest.New(t, dbtest.SQLite(t))
	c := env.NewClient(t)
	req, _ := http.NewRequest("GET", env.Server.URL+"/login", nil)
	req.Header.Set("Accept-Language", "en-GB,en;q=0.9")
	if r := c.Do(req); !strings.Contains(r.Body, "Staff sign-in") || !strings.Contains(r.Body, `lang="en"`) {
		t.Fatal("Accept-Language en must give English")
	}
	if r := c.Get("/login"); !strings.Contains(r.Body, "工作人员登录") {
		t.Fatal("default must be zh-CN")
	}
	c.PostForm("/lang", map[string][]string{"lang": {"en"}, "back": {"/login"}})
	if r := c.Get("/login"); !strings.Contains(r.Body, "Staff sign-in") {
		t.Fatal("the language cookie must switch to English")
	}
}

// TestCatalog_Complete fails on any key missing from either language, and on any
// key a template uses that the catalogue lacks.
func TestCatalog_Complete(t *testing.T) {
	s := testServer(t)
	if m := s.Catalog.Missing(); len(m) > 0 {
		t.Fatalf("catalogue entries missing a language:\n%s", strings.Join(m, "\n"))
	}
	known := map[string]bool{}
	for _, k := range s.Catalog.Keys() {
		known[k] = true
	}
	re := regexp.MustCompile(`\.T "([a-z0-9_.]+)"`)
	root := filepath.Join("..")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			if !known[m[1]] {
				t.Errorf("%s uses unknown message key %q", p, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestPages_RenderWithEmptyData renders every registered page with zero data in
// both languages: a template that breaks on empty data fails here, not in production.
func TestPages_RenderWithEmptyData(t *testing.T) {
	s := testServer(t)
	for _, name := range s.PageNames() {
		for _, lang := range []string{"zh-CN", "en"} {
			w := httptest.NewRecorder()
			r := httptest.NewRequest("GET", "/x", nil)
			r.AddCookie(&http.Cookie{Name: "lang", Value: lang})
			if err := s.RenderForTest(w, r, name); err != nil {
				t.Errorf("page %s (%s): %v", name, lang, err)
			}
		}
	}
}

func TestOpenAPI_MatchesMountedRoutes(t *testing.T) {
	s := testServer(t)
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	res, err := http.Get(srv.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.NewDecoder(res.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	mounted := map[string]bool{}
	for _, rt := range s.Routes() {
		if rt.Access == web.API || rt.Access == web.WorkerAPI || strings.HasPrefix(rt.Path(), "/api/v1/worker/") {
			key := strings.ToLower(rt.Method()) + " " + rt.Path()
			mounted[key] = true
			if doc.Paths[rt.Path()][strings.ToLower(rt.Method())] == nil {
				t.Errorf("mounted API route %s is missing from the document", rt.Pattern)
			}
		}
	}
	for p, ops := range doc.Paths {
		for m := range ops {
			if !mounted[m+" "+p] {
				t.Errorf("document lists %s %s, which is not mounted", m, p)
			}
		}
	}
	if len(mounted) == 0 {
		t.Fatal("no API routes mounted")
	}
}

func testServer(t *testing.T) *web.Server {
	t.Helper()
	keys, _ := platform.NewKeyring(make([]byte, 32))
	a := app.New(platform.Config{Demo: true}, dbtest.SQLite(t), keys, platform.NewFakeClock(time.Now()),
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	return a.Server()
}
