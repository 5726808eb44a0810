package people

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"zhijia/internal/org"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

func TestSeedDemoWorkers_ValidAndIdempotent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		if err := SeedDemoWorkers(ctx, db, f.keys, f.clock, 1200); err != nil {
			t.Fatal(err)
		}
		if err := SeedDemoWorkers(ctx, db, f.keys, f.clock, 1200); err != nil {
			t.Fatal(err)
		}
		sys := platform.WithActor(ctx, platform.System("test"))
		c, err := f.store.SubtreeCounts(sys, f.tree.CityPath)
		if err != nil || c.Workers != 1200 || c.Members < 700 || c.Members > 1000 {
			t.Fatalf("counts %+v %v", c, err)
		}
		list, total, err := f.store.FindWorkers(sys, WorkerFilter{Limit: MaxFind}) // an export: more than 1,000
		if err != nil || total != 1200 || len(list) != 1200 {
			t.Fatalf("find: %d %v", total, err)
		}
		households := 0
		for _, w := range list[:100] {
			got, err := f.store.RevealWorker(sys, w.ID, FieldIDNumber)
			if err != nil {
				t.Fatal(err)
			}
			id, err := ParseIDNumberAt(got, f.clock.Now())
			if err != nil || string(id.Gender) != string(w.Gender) || id.Birth.Format("2006-01-02") != w.Birth || got[14] != '9' {
				t.Errorf("demo id %s for %+v: %v", got, w, err)
			}
			full, _ := f.store.GetWorker(sys, w.ID)
			if len(full.Household) > 0 {
				households++
				if full.ConsentVersion != ConsentVersion {
					t.Errorf("household without consent: %+v", full)
				}
			}
		}
		if households == 0 || households > 45 {
			t.Errorf("%d of 100 demo workers have a household", households)
		}
	})
}

// BenchmarkSubtreeCounts counts workers and members of a district and of the
// city over the demo tree; ZHIJIA_BENCH_WORKERS sets the size (default 100,000).
func BenchmarkSubtreeCounts(b *testing.B) {
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("ZHIJIA_BENCH_WORKERS")); err == nil && v > 0 {
		n = v
	}
	engines := map[string]func(testing.TB) *platform.DB{"sqlite": dbtest.SQLite}
	if os.Getenv("ZHIJIA_TEST_PG") != "" {
		engines["postgres"] = dbtest.Postgres
	}
	for _, name := range []string{"sqlite", "postgres"} {
		open, ok := engines[name]
		if !ok {
			continue
		}
		b.Run(name, func(b *testing.B) {
			db := open(b)
			clock := platform.NewFakeClock(time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC))
			tree, err := org.SeedDemo(context.Background(), db, clock, 6000)
			if err != nil {
				b.Fatal(err)
			}
			keys, _ := platform.NewKeyring(make([]byte, 32))
			start := time.Now()
			if err := SeedDemoWorkers(context.Background(), db, keys, clock, n); err != nil {
				b.Fatal(err)
			}
			b.Logf("seeded %d workers in %v (%.0f rows/s)", n, time.Since(start), float64(n)/time.Since(start).Seconds())
			s := NewStore(db, clock, keys)
			ctx := platform.WithActor(context.Background(), platform.System("bench"))
			if _, err := db.Exec(ctx, `ANALYZE`); err != nil { // as a live database would be
				b.Fatal(err)
			}
			var gulou string
			if err := db.QueryRow(ctx, `SELECT path FROM orgs WHERE id = ?`, tree.Districts["350102"]).Scan(&gulou); err != nil {
				b.Fatal(err)
			}
			for _, c := range []struct{ name, path string }{{"city", tree.CityPath}, {"district", gulou}} {
				b.Run(c.name, func(b *testing.B) {
					for b.Loop() {
						if got, err := s.SubtreeCounts(ctx, c.path); err != nil || got.Workers == 0 {
							b.Fatal(got, err)
						}
					}
				})
			}
			// exact id-number search through the blind index, over the whole city
			var wid int64
			if err := db.QueryRow(ctx, `SELECT id FROM workers WHERE id_sealed <> '' ORDER BY id LIMIT 1 OFFSET ?`, n/2).Scan(&wid); err != nil {
				b.Fatal(err)
			}
			id, err := s.RevealWorker(ctx, wid, FieldIDNumber)
			if err != nil {
				b.Fatal(err)
			}
			for _, c := range []struct{ name, q string }{{"list_city", ""}, {"list_name_prefix", "陈志"}} {
				b.Run(c.name, func(b *testing.B) {
					for b.Loop() {
						if list, _, err := s.FindWorkers(ctx, WorkerFilter{Q: c.q, Limit: 20}); err != nil || len(list) == 0 {
							b.Fatal(len(list), err)
						}
					}
				})
			}
			b.Run("find_by_id", func(b *testing.B) {
				for b.Loop() {
					if _, total, err := s.FindWorkers(ctx, WorkerFilter{Q: id}); err != nil || total != 1 {
						b.Fatal(total, err)
					}
				}
			})
		})
	}
}
