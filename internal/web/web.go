// Package web is the shell every programme mounts on: one router, the middleware
// stack, layouts and rendering, the message catalogue, the list-page kit, the JSON
// API's errors and OpenAPI document, health checks and metrics.
package web

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"

	"zhijia/internal/platform"
)

//go:embed static templates
var assets embed.FS

// Deps is what the shell needs from the rest of the system, passed in so web
// imports no programme and no auth code.
type Deps struct {
	DB      *platform.DB
	Clock   platform.Clock
	Logger  *slog.Logger
	Config  platform.Config
	Catalog *Catalog
	// LoadSession returns the session for a cookie token, or (nil, nil) if none.
	LoadSession func(ctx context.Context, token string) (*platform.Session, error)
	// Authenticate returns the actor for an API bearer token.
	Authenticate func(ctx context.Context, token string) (*platform.Actor, error)
	// Can reports whether the actor's role holds a permission.
	Can func(a *platform.Actor, perm string) bool
}

// Server holds the router and everything routes share.
type Server struct {
	Deps
	mux     *http.ServeMux
	routes  []Route
	menu    []MenuItem
	pages   *pageSet
	metrics *metrics
	openapi *openAPI
	secure  bool
	handler http.Handler
}

// New builds the shell with its own routes (health, metrics, static, OpenAPI).
func New(d Deps) *Server {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Catalog == nil {
		d.Catalog = NewCatalog()
	}
	d.Catalog.Add(Messages)
	s := &Server{
		Deps:    d,
		mux:     http.NewServeMux(),
		pages:   newPageSet(d.Catalog),
		metrics: newMetrics(),
		openapi: newOpenAPI(),
		secure:  strings.HasPrefix(d.Config.BaseURL, "https://"),
	}
	s.pages.addLayouts(assets)
	s.Sample("shell/error", ErrorView{})
	s.mountShell()
	return s
}

// Handler is the whole application: middleware around the router.
func (s *Server) Handler() http.Handler {
	if s.handler == nil {
		s.handler = s.middleware(s.mux)
	}
	return s.handler
}

// Routes lists every mounted route, for the access-matrix test and the OpenAPI check.
func (s *Server) Routes() []Route { return append([]Route(nil), s.routes...) }

// AddPages registers a package's page templates: each file under dir in fsys becomes
// a page named "<prefix>/<file name without .html>".
func (s *Server) AddPages(prefix string, fsys fs.FS, dir string) {
	s.pages.addPages(prefix, fsys, dir)
}

func (s *Server) mountShell() {
	static, _ := fs.Sub(assets, "static")
	fileServer := http.StripPrefix("/static/", http.FileServer(http.FS(static)))
	s.mux.Handle("GET /static/", cacheForever(fileServer))
	s.routes = append(s.routes, Route{Pattern: "GET /static/", Access: Public})
	s.Public("GET /healthz", func(c *Ctx) error {
		c.W.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, err := c.W.Write([]byte("ok\n"))
		return err
	})
	s.Public("GET /readyz", s.readyz)
	s.Public("GET /metrics", func(c *Ctx) error {
		s.metrics.write(c.W)
		if s.DB != nil {
			writeDB(c.W, s.DB.WriteStats())
		}
		return nil
	})
	s.Public("GET /api/v1/openapi.json", func(c *Ctx) error { return c.JSON(http.StatusOK, s.openapi.document(s.routes)) })
	s.Public("POST /lang", s.setLang)
}

func (s *Server) readyz(c *Ctx) error {
	ctx, cancel := context.WithTimeout(c.R.Context(), 2e9)
	defer cancel()
	if err := s.DB.Ping(ctx); err != nil {
		s.Logger.Error("readyz", "err", err)
		http.Error(c.W, "database unavailable\n", http.StatusServiceUnavailable)
		return nil
	}
	c.W.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, err := c.W.Write([]byte("ready\n"))
	return err
}

func (s *Server) setLang(c *Ctx) error {
	lang := c.R.FormValue("lang")
	if lang != "en" {
		lang = "zh-CN"
	}
	http.SetCookie(c.W, &http.Cookie{Name: "lang", Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure})
	back := c.R.FormValue("back")
	if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") {
		back = "/"
	}
	http.Redirect(c.W, c.R, back, http.StatusSeeOther)
	return nil
}

func cacheForever(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		h.ServeHTTP(w, r)
	})
}
