package people

import (
	"context"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
	"zhijia/internal/sheet"
)

// TestEachWorker_StreamsEveryMatchOnce: an export of more workers than one
// batch hands over each match once, in registry order, within the actor's
// subtree only.
func TestEachWorker_StreamsEveryMatchOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		if err := SeedDemoWorkers(context.Background(), db, f.keys, f.clock, streamBatch*2+300); err != nil {
			t.Fatal(err)
		}
		for _, who := range []int64{f.tree.City, f.tree.Districts["350102"]} {
			ctx := f.as(t, "admin", who)
			want, err := f.store.CountWorkers(ctx, WorkerFilter{})
			if err != nil || want == 0 {
				t.Fatalf("count: %d %v", want, err)
			}
			var last int64
			got, err := f.store.EachWorker(ctx, WorkerFilter{}, func(w *Worker) error {
				if w.ID <= last {
					t.Fatalf("worker %d after %d: not in registry order, or twice", w.ID, last)
				}
				if !strings.HasPrefix(w.OrgPath, f.path(t, who)) {
					t.Fatalf("worker of %s streamed to an actor of %s", w.OrgPath, f.path(t, who))
				}
				if w.IDMasked == "" || strings.Count(w.IDMasked, "*") != 8 {
					t.Fatalf("export reads masked id numbers only, got %q", w.IDMasked)
				}
				last = w.ID
				return nil
			})
			if err != nil || got != want {
				t.Fatalf("streamed %d of %d: %v", got, want, err)
			}
		}
		ctx := f.as(t, "admin", f.tree.Districts["350103"])
		n, err := f.store.EachWorker(ctx, WorkerFilter{Under: f.path(t, f.tree.Districts["350102"])}, func(*Worker) error { return nil })
		if err != nil || n != 0 {
			t.Fatalf("a sibling district streamed %d workers: %v", n, err)
		}
	})
}

// BenchmarkExportWorkers streams a city's masked roster into an .xlsx, and as a
// baseline writes the same rows, already in memory, with the same writer: the
// ratio is what reading the registry costs. ZHIJIA_BENCH_WORKERS sets the size
// (default 100,000); the log projects a 1,000,000-row export.
func BenchmarkExportWorkers(b *testing.B) {
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("ZHIJIA_BENCH_WORKERS")); err == nil && v > 0 {
		n = v
	}
	f := newFixture(b, dbtest.SQLite(b))
	if err := SeedDemoWorkers(context.Background(), f.db, f.keys, f.clock, n); err != nil {
		b.Fatal(err)
	}
	ctx := f.as(b, "admin", f.tree.City)
	headers := []string{"姓名", "身份证号", "性别", "出生日期", "手机号", "工会", "单位", "岗位", "会员", "入会日期", "劳模", "工匠", "群体"}
	row := func(w *Worker) []any {
		return []any{MaskName(w.Name), w.IDMasked, string(w.Gender), w.Birth, w.PhoneMasked, w.OrgName, w.Employer,
			w.Post, string(w.MemberStatus), w.JoinedOn, string(w.ModelLevel), w.Craftsman, w.GroupCode}
	}
	var mem [][]any
	secs := map[string]float64{}
	b.Run("zhijia", func(b *testing.B) {
		start := time.Now()
		for range b.N {
			x, _ := sheet.NewXLSXWriter(io.Discard, headers)
			mem = mem[:0]
			got, err := f.store.EachWorker(ctx, WorkerFilter{}, func(w *Worker) error {
				mem = append(mem, row(w))
				return x.AddRow(mem[len(mem)-1]...)
			})
			if err != nil || got != n {
				b.Fatal(got, err)
			}
			if err := x.Close(); err != nil {
				b.Fatal(err)
			}
		}
		secs["zhijia"] = time.Since(start).Seconds() / float64(b.N)
		b.ReportMetric(float64(n)/secs["zhijia"], "rows/s")
	})
	b.Run("baseline", func(b *testing.B) {
		start := time.Now()
		for range b.N {
			x, _ := sheet.NewXLSXWriter(io.Discard, headers)
			for _, r := range mem {
				if err := x.AddRow(r...); err != nil {
					b.Fatal(err)
				}
			}
			if err := x.Close(); err != nil {
				b.Fatal(err)
			}
		}
		secs["baseline"] = time.Since(start).Seconds() / float64(b.N)
		b.ReportMetric(float64(n)/secs["baseline"], "rows/s")
	})
	if secs["zhijia"] > 0 && secs["baseline"] > 0 {
		b.Logf("export %d rows: %.1f s (1,000,000 ≈ %.0f s), baseline %.1f s, ratio %.2f",
			n, secs["zhijia"], secs["zhijia"]*1e6/float64(n), secs["baseline"], secs["baseline"]/secs["zhijia"])
	}
}
