package dashboard_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"zhijia/internal/dashboard"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

// benchWorkers sets the seeded city's size (ZHIJIA_BENCH_DASH_WORKERS, default
// 104,000 workers in 1,300 unions under 12 districts and an industry): what
// both engines seed here in about a minute, with a full year of records in
// every programme for each worker.
func benchSize() (districts, unionsPer, perUnion int) {
	n, _ := strconv.Atoi(os.Getenv("ZHIJIA_BENCH_DASH_WORKERS"))
	if n <= 0 {
		n = 104_000
	}
	return 12, 100, max(1, n/1300)
}

// BenchmarkDashboard measures the city dashboard (every figure, this year and
// last, computed live) and a district drill-down (one masked figure for each of
// the district's unions, both years, with its people counts and months), on
// each engine, against a baseline measured in the same run: one full count of
// the workers table, the least any live registry figure must read.
func BenchmarkDashboard(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			var db *platform.DB
			if engine == "sqlite" {
				db = dbtest.SQLite(b)
			} else {
				if os.Getenv("ZHIJIA_TEST_PG") == "" {
					b.Skip("PostgreSQL SKIPPED: set ZHIJIA_TEST_PG")
				}
				db = dbtest.Postgres(b)
			}
			start := time.Now()
			nd, nu, nw := benchSize()
			w := generate(b, db, nd, nu, nw)
			if engine == "postgres" {
				if _, err := db.Exec(context.Background(), "ANALYZE"); err != nil {
					b.Fatal(err)
				}
			}
			b.Logf("%s: seeded %d workers, %d applications, %d check-ins, %d visits in %s", engine, len(w.workers), len(w.apps), len(w.checkins), len(w.visits), time.Since(start).Round(time.Second))
			benchBoard(b, db, w)
		})
	}
}

func benchBoard(b *testing.B, db *platform.DB, w *world) {
	s := dashboard.NewStore(db, platform.NewFakeClock(sh(2026, 3, 1, 9)), allFigures(), 5)
	ctx := cityActor(w)
	city, err := s.Org(ctx, w.city.ID)
	if err != nil {
		b.Fatal(err)
	}
	d1, _ := s.Org(ctx, w.d1.ID)
	fig, _ := s.Registry().Figure("relief.grants")
	t := func(k string, _ ...any) string { return k }
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
	var board, drill, base time.Duration
	for i := 0; i < b.N; i++ {
		board += timeN(3, func() error { _, err := s.Board(ctx, city, 2025, t); return err })
		drill += timeN(3, func() error { _, err := s.DrillDown(ctx, fig, d1, 2025); return err })
		base += timeN(3, func() error {
			var n int
			return db.QueryRow(ctx, `SELECT COUNT(*) FROM workers`).Scan(&n)
		})
	}
	b.StopTimer()
	n := time.Duration(b.N)
	ms := func(d time.Duration) float64 { return float64((d / n).Microseconds()) / 1000 }
	b.ReportMetric(ms(board), "ms/city-dashboard")
	b.ReportMetric(ms(drill), "ms/district-drill")
	b.ReportMetric(ms(base), "ms/baseline-count")
	b.ReportMetric(float64(board)/float64(base), "city/baseline")
	b.ReportMetric(float64(drill)/float64(base), "drill/baseline")
}
