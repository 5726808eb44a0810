package dashboard_test

import (
	"context"
	"io"
	"os"
	"strconv"
	"testing"
	"time"

	"zhijia/internal/dashboard"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

// benchSize sets the seeded city's size (ZHIJIA_BENCH_DASH_WORKERS, default
// 1,000,000 workers in 5,980 unions under 12 districts and an industry), with
// three years of records in every programme for each worker.
func benchSize() (districts, unionsPer, perUnion int) {
	n, _ := strconv.Atoi(os.Getenv("ZHIJIA_BENCH_DASH_WORKERS"))
	if n <= 0 {
		n = 1_000_000
	}
	return 12, 460, max(1, n/5980)
}

// BenchmarkDashboard measures, on each engine, the city dashboard (every
// figure, this year and last), a district drill-down (a masked money figure
// for each of the district's unions, both years, with its people counts and
// months) and the dashboard's .xlsx export, with the year's cells in memory;
// and the refresh that computes the cells of both years from the records.
// The baseline, measured in the same run, is one indexed count of the city's
// workers: the least any live registry figure would read.
func BenchmarkDashboard(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		var db *platform.DB
		if engine == "sqlite" {
			db = dbtest.SQLite(b)
		} else if os.Getenv("ZHIJIA_TEST_PG") != "" {
			db = dbtest.Postgres(b)
		}
		var w *world
		b.Run(engine, func(b *testing.B) {
			if db == nil {
				b.Skip("PostgreSQL SKIPPED: set ZHIJIA_TEST_PG")
			}
			if w == nil { // the sub-benchmark runs more than once; seed once
				w = seed(b, engine, db)
			}
			benchBoard(b, db, w)
		})
	}
}

func seed(b *testing.B, engine string, db *platform.DB) *world {
	start := time.Now()
	nd, nu, nw := benchSize()
	w := generateWorld(b, &world{db: db, lean: true}, nd, nu, nw)
	if _, err := db.Exec(context.Background(), "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	var workers int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM workers`).Scan(&workers); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: seeded %d workers in %d unions, three years of records, in %s", engine, workers, len(w.unions), time.Since(start).Round(time.Second))
	return w
}

func benchBoard(b *testing.B, db *platform.DB, w *world) {
	clock := platform.NewFakeClock(sh(2026, 3, 1, 9))
	ctx := cityActor(w)
	t := func(k string, _ ...any) string { return k }
	// the refresh: a new store computes both years' cells on its first page
	start := time.Now()
	s := dashboard.NewStore(db, clock, allFigures(), 5)
	city, err := s.Org(ctx, w.city.ID)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.Board(ctx, city, 2025, t); err != nil {
		b.Fatal(err)
	}
	refresh := time.Since(start)
	d1, _ := s.Org(ctx, w.d1.ID)
	fig, _ := s.Registry().Figure("relief.grants")
	timeN := func(n int, fn func() error) time.Duration {
		start := time.Now()
		for i := 0; i < n; i++ {
			if err := fn(); err != nil {
				b.Fatal(err)
			}
		}
		return time.Since(start) / time.Duration(n)
	}
	b.ResetTimer()
	var board, drill, export, base time.Duration
	for i := 0; i < b.N; i++ {
		board += timeN(3, func() error { _, err := s.Board(ctx, city, 2025, t); return err })
		drill += timeN(3, func() error { _, err := s.DrillDown(ctx, fig, d1, 2025); return err })
		export += timeN(1, func() error {
			bd, err := s.Board(ctx, city, 2025, t)
			if err != nil {
				return err
			}
			f, err := dashboard.BoardXLSX(bd, t)
			if err != nil {
				return err
			}
			defer f.Close()
			return f.Write(io.Discard)
		})
		base += timeN(3, func() error {
			var n int
			return db.QueryRow(ctx, `SELECT COUNT(*) FROM workers WHERE org_id IN (SELECT id FROM orgs WHERE path >= ? AND path < ?)`,
				w.city.Path, w.city.Path[:len(w.city.Path)-1]+"0").Scan(&n)
		})
	}
	b.StopTimer()
	n := time.Duration(b.N)
	ms := func(d time.Duration) float64 { return float64((d / n).Microseconds()) / 1000 }
	b.ReportMetric(float64(refresh.Milliseconds()), "ms/refresh-both-years")
	b.ReportMetric(ms(board), "ms/city-dashboard")
	b.ReportMetric(ms(drill), "ms/district-drill")
	b.ReportMetric(ms(export), "ms/xlsx-export")
	b.ReportMetric(ms(base), "ms/baseline-count")
	b.ReportMetric(float64(refresh)/float64(base/n), "refresh/baseline")
	b.ReportMetric(float64(board)/float64(base), "city/baseline")
	b.ReportMetric(float64(drill)/float64(base), "drill/baseline")
}
