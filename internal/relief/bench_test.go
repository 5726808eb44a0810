package relief

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"zhijia/internal/org"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
	"zhijia/internal/review"
)

// The figures: `go test -run '^$' -bench . ./internal/relief/` (make bench). Each
// benchmark also times a baseline in the same run — a primary-key read of one
// application — and reports its own time as a multiple of it, so a slow machine
// shows as a slow baseline, not as a slow feature.

const benchApplications = 100_000

func benchEngines() map[string]func(testing.TB) *platform.DB {
	e := map[string]func(testing.TB) *platform.DB{"sqlite": dbtest.SQLite}
	if os.Getenv("ZHIJIA_TEST_PG") != "" {
		e["postgres"] = dbtest.Postgres
	}
	return e
}

// benchCity seeds a city of 600 grassroots unions, this year's programme and
// 100,000 applications spread over the unions, statuses and causes.
func benchCity(b *testing.B, db *platform.DB) (*fixture, []int64) {
	b.Helper()
	ctx := context.Background()
	clock := platform.NewFakeClock(time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC))
	tree, err := org.SeedDemo(ctx, db, clock, 600)
	if err != nil {
		b.Fatal(err)
	}
	f := &fixture{store: NewStore(db, clock, b.TempDir(), testKeys(b)), db: db, clock: clock, tree: tree, paths: map[int64]string{}}
	city := f.staff(b, 900, tree.City)
	must(b, mustProgramme(f.store.SaveProgramme(city, ProgrammeInput{Year: 2026, CapApplication: DefaultCapPerApplication,
		CapHousehold: DefaultCapPerHousehold, Causes: Causes, StopAt: "city", DueDays: 5, NoticeDays: 5})))
	must(b, f.store.SetFund(city, 2026, tree.City, 1_000_000_000_000))
	must(b, f.store.SetFund(city, 2026, f.gulou(), 1_000_000_000_000))
	must(b, f.store.SetDibao(city, 2026, f.gulou(), dibao))
	var unions []struct {
		id   int64
		path string
	}
	rows, err := db.Query(ctx, `SELECT id, path FROM orgs WHERE level = 'grassroots' ORDER BY id`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var u struct {
			id   int64
			path string
		}
		rows.Scan(&u.id, &u.path)
		unions = append(unions, u)
	}
	rows.Close()
	var programme int64
	db.QueryRow(ctx, `SELECT id FROM relief_programmes`).Scan(&programme)
	workers := make([]int64, len(unions))
	now := clock.Now()
	err = db.InTx(ctx, func(tx *platform.Tx) error {
		for i, u := range unions {
			if err := tx.QueryRow(ctx, `INSERT INTO workers (city_id, org_id, name, member_status, created_at, updated_at)
				VALUES (?, ?, ?, 'member', ?, ?) RETURNING id`, tree.City, u.id, fmt.Sprintf("职工%d", i), now, now).Scan(&workers[i]); err != nil {
				return err
			}
		}
		statuses := []string{"notice", "notice", "paid", "paid", "pending", "pending", "returned", "rejected", "paid", "notice"}
		const chunk = 500
		for start := 0; start < benchApplications; start += chunk {
			var sb strings.Builder
			args := make([]any, 0, chunk*12)
			sb.WriteString(`INSERT INTO relief_applications (city_id, programme_id, year, worker_id, org_id, org_path, status, step_level,
				causes, category, requested, granted, consent_at, submitted_by_kind, submitted_at, updated_at, due_on) VALUES `)
			for i := start; i < start+chunk; i++ {
				u := i % len(unions)
				if i > start {
					sb.WriteString(",")
				}
				sb.WriteString("(?, ?, 2026, ?, ?, ?, ?, ?, ?, 'relative', ?, 0, ?, 'worker', ?, ?, ?)")
				at := now.Add(-time.Duration(benchApplications-i) * time.Minute)
				args = append(args, tree.City, programme, workers[u], unions[u].id, unions[u].path, statuses[i%len(statuses)],
					[]string{"grassroots", "district", "city"}[i%3], Causes[i%len(Causes)], int64(100000+i%50*10000), at, at, at,
					review.AddWorkingDays(at, 5))
			}
			if _, err := tx.Exec(ctx, sb.String(), args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.Exec(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	return f, workers
}

func mustProgramme(_ *Programme, err error) error { return err }

// baseline times a primary-key read of one application.
func baseline(b *testing.B, f *fixture) time.Duration {
	b.Helper()
	ctx := context.Background()
	var id int64
	f.db.QueryRow(ctx, `SELECT MAX(id) FROM relief_applications`).Scan(&id)
	const n = 300
	start := time.Now()
	for i := 0; i < n; i++ {
		if _, err := f.store.load(ctx, f.db, id-int64(i)); err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start) / n
}

// commitBaseline times the smallest write: one row updated and committed (on
// PostgreSQL this is mostly the WAL flush of the commit).
func commitBaseline(b *testing.B, f *fixture) time.Duration {
	b.Helper()
	ctx := context.Background()
	const n = 100
	start := time.Now()
	for i := 0; i < n; i++ {
		err := f.db.InTx(ctx, func(tx *platform.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE relief_programmes SET version = version + 1 WHERE year = 2026`)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start) / n
}

// approvalStatements is what one district approval with a grant sends inside its
// transaction: the application with its caps and its chain's steps (one query),
// the item's guarded update, the steps, the history event, the household's
// guarded update, the fund's, the grant, the application's state, and the audit
// batch (head, head's hash, both rows) — then COMMIT.
const approvalStatements = 11

// sameSizeBaseline times a bare transaction of the approval's size: as many
// trivial round trips (SELECT ?) with one row updated, committed — the floor
// an approval of that many statements can reach.
func sameSizeBaseline(b *testing.B, f *fixture, statements int) time.Duration {
	b.Helper()
	ctx := context.Background()
	const n = 100
	start := time.Now()
	for i := 0; i < n; i++ {
		err := f.db.InTx(ctx, func(tx *platform.Tx) error {
			for j := 0; j < statements-1; j++ {
				var x int64
				if err := tx.QueryRow(ctx, `SELECT CAST(? AS BIGINT)`, int64(j)).Scan(&x); err != nil {
					return err
				}
			}
			_, err := tx.Exec(ctx, `UPDATE relief_programmes SET version = version + 1 WHERE year = 2026`)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start) / n
}

func report(b *testing.B, what string, per, base, limit time.Duration) {
	b.Helper()
	b.ReportMetric(float64(per.Microseconds())/1000, "ms/op")
	b.ReportMetric(float64(per)/float64(base), "x-baseline")
	verdict := "within"
	if per > limit {
		verdict = "OVER"
	}
	fmt.Printf("relief %-40s %8.2f ms  (%5.0f× a %.3f ms primary-key read; limit %v: %s)\n", what,
		float64(per.Microseconds())/1000, float64(per)/float64(base), float64(base.Microseconds())/1000, limit, verdict)
}

// BenchmarkReviewList times the console's review list over 100,000 applications:
// the city's pending applications newest first, and a district's filtered by
// cause and sorted by amount, each a page of 20 with its total.
func BenchmarkReviewList(b *testing.B) {
	for _, name := range []string{"sqlite", "postgres"} {
		open, ok := benchEngines()[name]
		if !ok {
			continue
		}
		b.Run(name, func(b *testing.B) {
			f, _ := benchCity(b, open(b))
			base := baseline(b, f)
			cases := []struct {
				name string
				ctx  context.Context
				f    Filter
			}{
				{"city-pending-newest", f.staff(b, 1, f.tree.City), Filter{Status: StatusPending, Limit: 20}},
				{"city-all-page-50", f.staff(b, 1, f.tree.City), Filter{Limit: 20, Offset: 980}},
				{"district-illness-by-amount", f.staff(b, 2, f.gulou()), Filter{Cause: "illness", Sort: "requested", Desc: true, Limit: 20}},
				{"city-overdue", f.staff(b, 1, f.tree.City), Filter{Overdue: true, Sort: "due", Limit: 20}},
			}
			for _, c := range cases {
				b.Run(c.name, func(b *testing.B) {
					for b.Loop() {
						rows, total, err := f.store.FindApplications(c.ctx, c.f)
						if err != nil || total == 0 || len(rows) == 0 {
							b.Fatal(total, err)
						}
					}
					report(b, name+" list "+c.name, b.Elapsed()/time.Duration(b.N), base, 50*time.Millisecond)
				})
			}
		})
	}
}

// BenchmarkApproveWithGrant times one district approval with a grant: caps,
// the fund's guarded update, the grant row, the chain's decision and two audit
// rows, committed in one transaction, with 100,000 applications in the database.
func BenchmarkApproveWithGrant(b *testing.B) {
	for _, name := range []string{"sqlite", "postgres"} {
		open, ok := benchEngines()[name]
		if !ok {
			continue
		}
		b.Run(name, func(b *testing.B) {
			f, _ := benchCity(b, open(b))
			base := baseline(b, f)
			const n = 200
			type pending struct{ id, version int64 }
			apps := make([]pending, 0, n)
			grass, district := f.staff(b, 2, f.tree.Gulou), f.staff(b, 3, f.gulou())
			for i := 0; i < n; i++ {
				w, members := f.mustWorker(b, f.tree.Gulou, fmt.Sprintf("bench%d", i))
				app := f.apply(b, w, members, "")
				a, err := f.decide(b, grass, app.ID, review.Decision{Action: review.Approve})
				if err != nil {
					b.Fatal(err)
				}
				full, _ := f.store.Application(district, a.ID)
				apps = append(apps, pending{a.ID, full.Review.Version})
			}
			i := 0
			b.ResetTimer()
			for b.Loop() {
				p := apps[i%n]
				i++
				if i > n {
					b.Fatal("more iterations than prepared applications: use -benchtime 200x")
				}
				if _, err := f.store.Decide(district, p.id, p.version, review.Decision{Action: review.Approve, Amount: 100000}); err != nil {
					b.Fatal(err)
				}
			}
			per := b.Elapsed() / time.Duration(b.N)
			report(b, name+" approve with grant + audit", per, base, 5*time.Millisecond)
			commit := commitBaseline(b, f)
			b.ReportMetric(float64(per)/float64(commit), "x-commit")
			fmt.Printf("relief %-40s %8.2f ms  (%5.1f× a %.3f ms one-row update committed)\n", name+" approve vs a bare commit",
				float64(per.Microseconds())/1000, float64(per)/float64(commit), float64(commit.Microseconds())/1000)
			same := sameSizeBaseline(b, f, approvalStatements)
			b.ReportMetric(float64(per)/float64(same), "x-same-size-tx")
			fmt.Printf("relief %-40s %8.2f ms  (%5.2f× a %.3f ms bare transaction of %d statements)\n", name+" approve vs a same-size tx",
				float64(per.Microseconds())/1000, float64(per)/float64(same), float64(same.Microseconds())/1000, approvalStatements)
		})
	}
}

// BenchmarkYearReport times the city's year report over 100,000 applications:
// archive at both ends of the year, aid by status, level and cause, households
// helped, fund use and unions joined.
func BenchmarkYearReport(b *testing.B) {
	for _, name := range []string{"sqlite", "postgres"} {
		open, ok := benchEngines()[name]
		if !ok {
			continue
		}
		b.Run(name, func(b *testing.B) {
			f, _ := benchCity(b, open(b))
			ctx := context.Background()
			// Grants and archive files for a fifth of the applications, as a busy year leaves them.
			for _, q := range []string{`INSERT INTO relief_grants (city_id, application_id, fund_id, org_id, level, worker_id, app_path, year, cause, amount, status, created_at)
				SELECT a.city_id, a.id, (SELECT MIN(id) FROM relief_funds), a.org_id, 'city', a.worker_id, a.org_path, 2026, a.causes, a.requested, 'paid', a.submitted_at
				FROM relief_applications a WHERE a.id % 5 = 0`,
				`INSERT INTO relief_archive (city_id, worker_id, org_id, org_path, category, causes, opened_at, updated_at)
				SELECT MIN(city_id), worker_id, MIN(org_id), MIN(org_path), 'relative', 'illness', MIN(submitted_at), MIN(submitted_at)
				FROM relief_applications GROUP BY worker_id`,
				`INSERT INTO relief_archive_events (city_id, archive_id, action, category, note, actor_name, at)
				SELECT city_id, id, 'filed', category, '', '', opened_at FROM relief_archive`} {
				if _, err := f.db.Exec(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
			f.db.Exec(ctx, `ANALYZE`)
			base := baseline(b, f)
			city := f.staff(b, 1, f.tree.City)
			for b.Loop() {
				r, err := f.store.Report(city, 2026)
				if err != nil || r.Households == 0 {
					b.Fatal(r, err)
				}
			}
			report(b, name+" year report (city)", b.Elapsed()/time.Duration(b.N), base, 200*time.Millisecond)
		})
	}
}
