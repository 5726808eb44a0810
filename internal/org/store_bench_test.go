package org

import (
	"context"
	"os"
	"testing"

	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

// benchEngines opens a fresh database per engine: SQLite always, PostgreSQL when
// ZHIJIA_TEST_PG is set.
func benchEngines() map[string]func(testing.TB) *platform.DB {
	e := map[string]func(testing.TB) *platform.DB{"sqlite": dbtest.SQLite}
	if os.Getenv("ZHIJIA_TEST_PG") != "" {
		e["postgres"] = dbtest.Postgres
	}
	return e
}

// benchTree seeds the 6,000-union demo tree. No ANALYZE afterwards: the plan must
// be good without planner statistics too.
func benchTree(b *testing.B, db *platform.DB) (*Store, *Demo) {
	b.Helper()
	clock := platform.NewFakeClock(t0)
	d, err := SeedDemo(context.Background(), db, clock, 6000)
	if err != nil {
		b.Fatal(err)
	}
	return NewStore(db, clock), d
}

// BenchmarkSubtreeStats times the figures of the whole city and of one district
// over 6,000 grassroots unions; compare with BenchmarkSubtreeBaseline.
func BenchmarkSubtreeStats(b *testing.B) {
	for _, name := range []string{"sqlite", "postgres"} {
		open, ok := benchEngines()[name]
		if !ok {
			continue
		}
		b.Run(name, func(b *testing.B) {
			s, d := benchTree(b, open(b))
			ctx := sys()
			gulou, err := s.Get(ctx, d.Districts["350102"])
			if err != nil {
				b.Fatal(err)
			}
			for _, c := range []struct{ name, path string }{{"city", d.CityPath}, {"district", gulou.Path}} {
				b.Run(c.name, func(b *testing.B) {
					for b.Loop() {
						if st, err := s.SubtreeStats(ctx, c.path); err != nil || st.Grassroots == 0 {
							b.Fatal(st, err)
						}
					}
				})
			}
		})
	}
}

// BenchmarkSubtreeBaseline is a primary-key lookup of one org (Store.Get), the
// cheapest query a page makes.
func BenchmarkSubtreeBaseline(b *testing.B) {
	for _, name := range []string{"sqlite", "postgres"} {
		open, ok := benchEngines()[name]
		if !ok {
			continue
		}
		b.Run(name, func(b *testing.B) {
			s, d := benchTree(b, open(b))
			ctx := sys()
			for b.Loop() {
				if _, err := s.Get(ctx, d.Gulou); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
