package bench

import (
	"context"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"time"

	"zhijia/internal/app"
	"zhijia/internal/org"
	"zhijia/internal/platform"
)

// Options bound a run.
type Options struct {
	PG       string        // PostgreSQL URL for the PostgreSQL figures; empty skips them
	Duration time.Duration // per load phase
	Conns    int
	Out      io.Writer
	Dir      string // scratch directory
}

// Run measures every figure and prints them with their ratios and targets.
func Run(ctx context.Context, o Options) error {
	fmt.Fprintf(o.Out, "zhijia bench — %s, %d connections, %s per load phase, loopback only\n\n", time.Now().UTC().Format(time.RFC3339), o.Conns, o.Duration)
	if err := subtreeFigures(ctx, o); err != nil {
		return err
	}
	if err := httpFigures(ctx, o); err != nil {
		return err
	}
	return startupFigure(ctx, o)
}

// subtreeFigures: grassroots count and headcount of a subtree over a 6,000-union
// tree, against a primary-key lookup; target under 5 ms on each engine.
func subtreeFigures(ctx context.Context, o Options) error {
	fmt.Fprintln(o.Out, "1. Subtree count of grassroots unions and headcount, 6,000-union tree (target < 5 ms)")
	engines := []struct{ name, dsn string }{{"sqlite", filepath.Join(o.Dir, "tree.db")}}
	if o.PG != "" {
		engines = append(engines, struct{ name, dsn string }{"postgres", o.PG})
	}
	for _, e := range engines {
		db, err := platform.Open(ctx, e.dsn)
		if err != nil {
			return err
		}
		if err := platform.Migrate(ctx, db); err != nil {
			db.Close()
			return err
		}
		clock := platform.SystemClock{}
		d, err := org.SeedDemo(ctx, db, clock, 6000)
		if err != nil {
			db.Close()
			return err
		}
		// A live database is vacuumed and analysed by autovacuum (PostgreSQL) or
		// the optimiser's own sampling (SQLite); a freshly seeded one is not yet.
		if _, err := db.Exec(ctx, `ANALYZE`); err != nil {
			db.Close()
			return err
		}
		if db.Dialect == platform.Postgres {
			if _, err := db.Exec(ctx, `VACUUM orgs`); err != nil {
				db.Close()
				return err
			}
		}
		store := org.NewStore(db, clock)
		sys := platform.WithActor(ctx, platform.System("bench"))
		stats := timeIt(300, func() error { _, err := store.SubtreeStats(sys, d.CityPath); return err })
		base := timeIt(300, func() error { _, err := store.Get(sys, d.City); return err })
		fmt.Fprintf(o.Out, "   %-8s city subtree: median %.3f ms, p99 %.3f ms | baseline PK lookup %.3f ms | ratio %.1fx | target met: %v\n",
			e.name, ms(stats[0]), ms(stats[1]), ms(base[0]), float64(stats[0])/float64(base[0]), stats[1] < 5*time.Millisecond)
		db.Close()
	}
	fmt.Fprintln(o.Out)
	return nil
}

// timeIt runs fn n times and returns the median and p99.
func timeIt(n int, fn func() error) [2]time.Duration {
	d := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		t := time.Now()
		if err := fn(); err != nil {
			panic(err)
		}
		d = append(d, time.Since(t))
	}
	slices.Sort(d)
	return [2]time.Duration{d[n/2], d[n*99/100]}
}

// httpFigures: /healthz through the whole stack vs a bare handler; a signed-in
// portal page vs a bare handler doing one SQLite lookup and a small template.
func httpFigures(ctx context.Context, o Options) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	a, cookie, err := benchApp(ctx, o)
	if err != nil {
		return err
	}
	defer a.Close()
	full, err := Serve(ctx, a.Server().Handler())
	if err != nil {
		return err
	}
	bare, err := Serve(ctx, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) }))
	if err != nil {
		return err
	}
	bareDB, err := Serve(ctx, bareDBHandler(a.DB))
	if err != nil {
		return err
	}
	max := int64(2_000_000)
	fmt.Fprintln(o.Out, "2. /healthz through the full middleware stack vs a bare net/http handler (target ≥ 50%)")
	rb := Load(bare+"/", "", o.Conns, o.Duration, max)
	rf := Load(full+"/healthz", "", o.Conns, o.Duration, max)
	fmt.Fprintf(o.Out, "   bare     %s\n   /healthz %s\n   ratio %.0f%% | target met: %v\n\n", rb, rf, 100*rf.RPS()/rb.RPS(), rf.RPS() >= 0.5*rb.RPS())
	fmt.Fprintln(o.Out, "3. Signed-in portal page vs a bare handler with one SQLite PK lookup + small template (target ≥ 40%, p99 < 50 ms)")
	rb = Load(bareDB+"/", "", o.Conns, o.Duration, max)
	rp := Load(full+"/portal", cookie, o.Conns, o.Duration, max)
	fmt.Fprintf(o.Out, "   bare+db  %s\n   /portal  %s\n   ratio %.0f%% | target met: %v\n\n", rb, rp, 100*rp.RPS()/rb.RPS(),
		rp.RPS() >= 0.4*rb.RPS() && rp.P99 < 50*time.Millisecond && rp.Errors == 0)
	return nil
}

// benchApp opens a demo app on a scratch SQLite file and signs a worker in.
func benchApp(ctx context.Context, o Options) (*app.App, string, error) {
	cfg := platform.Config{DataDir: filepath.Join(o.Dir, "app"), Demo: true, BaseURL: "http://127.0.0.1"}
	a, err := app.Open(ctx, cfg, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	if err != nil {
		return nil, "", err
	}
	if _, err := a.SeedDemo(ctx, 300); err != nil {
		return nil, "", err
	}
	sent, err := a.Auth.SendCode(ctx, "13900000001", "127.0.0.1")
	if err != nil {
		return nil, "", err
	}
	res, err := a.Auth.WorkerLogin(ctx, "13900000001", sent.DemoCode, "127.0.0.1", "bench")
	if err != nil {
		return nil, "", err
	}
	return a, "zhijia_session=" + res.Token, nil
}

var bareTmpl = template.Must(template.New("p").Parse(`<!doctype html><html><body><h1>{{.Name}}</h1><p>{{.Org}}</p></body></html>`))

// bareDBHandler is the baseline: one primary-key lookup and a small template.
func bareDBHandler(db *platform.DB) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var v struct{ Name, Org string }
		if err := db.QueryRow(r.Context(), `SELECT w.name, CAST(w.org_id AS TEXT) FROM workers w WHERE w.id = ?`, 1).Scan(&v.Name, &v.Org); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		bareTmpl.Execute(w, v)
	})
}

// startupFigure: open an existing database, migrate, build the server, listen
// and answer /readyz; target under 1 s.
func startupFigure(ctx context.Context, o Options) error {
	fmt.Fprintln(o.Out, "4. Start-up to ready on an existing database (target < 1 s)")
	cfg := platform.Config{DataDir: filepath.Join(o.Dir, "app"), BaseURL: "http://127.0.0.1"}
	var times []time.Duration
	for i := 0; i < 5; i++ {
		t := time.Now()
		a, err := app.Open(ctx, cfg, slog.New(slog.NewJSONHandler(io.Discard, nil)))
		if err != nil {
			return err
		}
		sctx, cancel := context.WithCancel(ctx)
		url, err := Serve(sctx, a.Server().Handler())
		if err == nil {
			var res *http.Response
			if res, err = http.Get(url + "/readyz"); err == nil {
				res.Body.Close()
			}
		}
		times = append(times, time.Since(t))
		cancel()
		a.Close()
		if err != nil {
			return err
		}
	}
	slices.Sort(times)
	fmt.Fprintf(o.Out, "   median %.1f ms, worst %.1f ms over 5 starts | target met: %v\n", ms(times[2]), ms(times[4]), times[4] < time.Second)
	return nil
}
