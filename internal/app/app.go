// Package app assembles zhijia from its parts: configuration, database, keys,
// stores and the web shell with every package mounted. The command and the tests
// both build the system through it, so tests run what production runs.
package app

import (
	"context"
	"fmt"
	"log/slog"

	"zhijia/internal/audit"
	"zhijia/internal/auth"
	"zhijia/internal/care"
	"zhijia/internal/dashboard"
	"zhijia/internal/home"
	"zhijia/internal/learning"
	"zhijia/internal/membership"
	"zhijia/internal/org"
	"zhijia/internal/people"
	"zhijia/internal/photo"
	"zhijia/internal/platform"
	"zhijia/internal/points"
	"zhijia/internal/relief"
	"zhijia/internal/web"
)

// App is one running zhijia.
type App struct {
	Config     platform.Config
	DB         *platform.DB
	Keys       *platform.Keyring
	Clock      platform.Clock
	Logger     *slog.Logger
	Orgs       *org.Store
	Auth       *auth.Store
	Membership *membership.Store
	People     *people.Store
	Relief     *relief.Store
	Points     *points.Store
	Learning   *learning.Store
	Care       *care.Store
	Photos     *photo.Store
	Dashboard  *dashboard.Store
	server     *web.Server
	demo       []auth.DemoAccount
}

// Open connects to the configured database, applies migrations and builds the stores.
func Open(ctx context.Context, cfg platform.Config, logger *slog.Logger) (*App, error) {
	cfg.Finish()
	db, err := platform.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	if err := platform.Migrate(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	keys, err := platform.LoadKeyring(cfg.KeyFile)
	if err != nil {
		db.Close()
		return nil, err
	}
	return New(cfg, db, keys, platform.SystemClock{}, logger), nil
}

// New builds the app on an open, migrated database (tests pass their own clock).
func New(cfg platform.Config, db *platform.DB, keys *platform.Keyring, clock platform.Clock, logger *slog.Logger) *App {
	cfg.Finish()
	if logger == nil {
		logger = slog.Default()
	}
	a := &App{Config: cfg, DB: db, Keys: keys, Clock: clock, Logger: logger}
	a.Orgs = org.NewStore(db, clock)
	a.Membership = membership.NewStore(db, clock)
	a.People = people.NewStore(db, clock, keys)
	a.Relief = relief.NewStore(db, clock, cfg.DataDir, keys)
	a.Points = points.NewStore(db, clock)
	a.Learning = learning.NewStore(db, clock, keys.SigningKey())
	a.Photos = photo.NewStore(db, clock, cfg.DataDir)
	a.Care = care.NewStore(db, clock, keys.SigningKey(), a.Photos)
	a.Care.SetHardship(a.Relief) // activity priority for households in the hardship archive
	a.Dashboard = dashboard.NewStore(db, clock, figures(), cfg.DashboardK)
	a.Auth = auth.NewStore(db, clock, keys, auth.LogSender{Logger: logger}, auth.Config{
		PasswordMaxAge: cfg.PasswordMaxAge, SessionIdle: cfg.SessionIdle, Demo: cfg.Demo})
	return a
}

// Server builds (once) the web shell with every package mounted.
func (a *App) Server() *web.Server {
	if a.server != nil {
		return a.server
	}
	s := web.New(web.Deps{
		DB: a.DB, Clock: a.Clock, Logger: a.Logger, Config: a.Config,
		LoadSession:  a.Auth.LoadSession,
		Authenticate: a.Auth.AuthenticateToken,
		Can:          func(actor *platform.Actor, perm string) bool { return auth.Can(actor, auth.Perm(perm)) },
	})
	s.Catalog.Add(photo.Messages)
	home.Mount(s, a.Orgs, a.People)
	auth.Mount(s, a.Auth, a.demo)
	org.Mount(s, a.Orgs)
	people.Mount(s, a.People)
	audit.Mount(s, a.DB, a.Clock)
	membership.Mount(s, a.Membership, a.Keys)
	relief.Mount(s, a.Relief)
	learning.Mount(s, a.Learning, a.Points, a.Photos)
	care.Mount(s, a.Care)
	dashboard.Mount(s, a.Dashboard)
	mountAPI(s, a)
	a.server = s
	return s
}

// Close releases the database.
func (a *App) Close() error {
	if err := a.DB.Close(); err != nil {
		return fmt.Errorf("app: close: %w", err)
	}
	return nil
}

// figures is the dashboard's registry: each programme registers its figures
// and their names; the dashboard package knows none of them.
func figures() *dashboard.Registry {
	reg := dashboard.NewRegistry()
	reg.Register(people.Figures()...)
	reg.AddMessages(people.FigureMessages)
	reg.Register(relief.Figures()...)
	reg.AddMessages(relief.FigureMessages)
	reg.Register(learning.Figures()...)
	reg.AddMessages(learning.FigureMessages)
	reg.Register(care.Figures()...)
	reg.AddMessages(care.FigureMessages)
	return reg
}
