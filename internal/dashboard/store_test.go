package dashboard_test

import (
	"context"
	"testing"
	"time"

	"zhijia/internal/dashboard"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

func cityActor(w *world) context.Context {
	return platform.WithActor(context.Background(), &platform.Actor{Kind: "staff", Name: "市总", Role: "admin", OrgID: w.city.ID, OrgPath: w.city.Path})
}

// grantHouseholds adds n households with one 2025 grassroots grant of 1,000 yuan each in union u.
func (w *world) grantHouseholds(t *testing.T, u gorg, n int) {
	for i := 0; i < n; i++ {
		wid, aid := w.id(), w.id()
		at := sh(2025, 5, 1, 9)
		w.add("workers", "id, city_id, org_id, name, member_status, joined_on, model_level, group_code, created_at, updated_at",
			wid, 1, u.ID, "w", "member", "2024-01-01", "", "", at, at)
		w.add("relief_applications", "id, city_id, programme_id, year, worker_id, org_id, org_path, status, consent_at, submitted_by_kind, submitted_at, updated_at",
			aid, 1, 2025, 2025, wid, u.ID, u.Path, "paid", at, "worker", at, at)
		w.add("relief_grants", "id, city_id, application_id, fund_id, org_id, level, worker_id, year, cause, amount, status, created_at",
			w.id(), 1, aid, w.fund, u.ID, "grassroots", wid, 2025, "illness", 100000, "paid", at)
	}
	w.flush(t)
}

func rowFor(t *testing.T, d *dashboard.Drill, id int64) dashboard.DrillRow {
	for _, r := range d.Rows {
		if r.Org.ID == id && !r.Direct {
			return r
		}
	}
	t.Fatalf("no row for org %d", id)
	return dashboard.DrillRow{}
}

// TestDrillDown_MaskAtK: a union with 4 households helped shows "<5" for the
// households, the grants and the applications; one with 5 shows the numbers;
// the district's total is exact; a count that names nobody's hardship (workers)
// is never masked.
func TestDrillDown_MaskAtK(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		w := generate(t, db, 2, 2, 0)
		four, five := w.unions[0], w.unions[1]
		w.grantHouseholds(t, four, 4)
		w.grantHouseholds(t, five, 5)
		clock := platform.NewFakeClock(sh(2026, 3, 1, 9))
		s := dashboard.NewStore(db, clock, allFigures(), 5)
		ctx := cityActor(w)
		d1, err := s.Org(ctx, w.d1.ID)
		if err != nil {
			t.Fatal(err)
		}
		for key, wantFive := range map[string]string{"relief.households": "5", "relief.grants": "5,000.00", "relief.applications": "5", "people.workers": "5"} {
			f, _ := s.Registry().Figure(key)
			d, err := s.DrillDown(ctx, f, d1, 2025)
			if err != nil {
				t.Fatal(err)
			}
			a, b := rowFor(t, d, four.ID), rowFor(t, d, five.ID)
			wantFour := "<5"
			if key == "people.workers" {
				wantFour = "4"
			}
			if a.Text != wantFour || b.Text != wantFive {
				t.Errorf("%s: 4 households show %q (want %q), 5 show %q (want %q)", key, a.Text, wantFour, b.Text, wantFive)
			}
			if want := map[string]int64{"relief.households": 9, "relief.grants": 900000, "relief.applications": 9, "people.workers": 9}[key]; d.Total != want {
				t.Errorf("%s: district total %d, want %d", key, d.Total, want)
			}
		}
	})
}

// TestCloseYear_FrozenAfterRosterEdit: once 2025 is closed, a worker added to
// 2025's roster and a worker moved between districts change the live count but
// not what the dashboard shows for 2025; closing is audited, once only, for
// finished years, by the city.
func TestCloseYear_FrozenAfterRosterEdit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		w := generate(t, db, 2, 3, 6)
		clock := platform.NewFakeClock(sh(2026, 3, 1, 9))
		s := dashboard.NewStore(db, clock, allFigures(), 5)
		ctx := cityActor(w)
		orgs := []dashboard.Org{{ID: w.city.ID, Path: w.city.Path}, {ID: w.d1.ID, Path: w.d1.Path}, {ID: w.d2.ID, Path: w.d2.Path}}
		figs := s.Registry().Figures()
		before, err := s.Values(ctx, 2025, orgs, figs)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.CloseYear(ctx, 2025); err != nil {
			t.Fatal(err)
		}
		// the roster changes after the year is closed
		at := sh(2025, 6, 1, 9)
		if _, err := db.Exec(ctx, `INSERT INTO workers (id, city_id, org_id, name, member_status, created_at, updated_at) VALUES (?, 1, ?, 'late', 'non_member', ?, ?)`,
			w.id(), w.unions[0].ID, at, at); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `UPDATE workers SET org_id = ? WHERE id = ?`, w.unions[len(w.unions)-2].ID, w.workers[0].ID); err != nil {
			t.Fatal(err)
		}
		after, err := s.Values(ctx, 2025, orgs, figs)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range figs {
			for i := range orgs {
				if after[f.Key][i] != before[f.Key][i] {
					t.Errorf("%s at %s changed after closing: %d → %d", f.Key, orgs[i].Path, before[f.Key][i], after[f.Key][i])
				}
			}
		}
		f, _ := s.Registry().Figure("people.workers")
		live, _ := f.Compute(ctx, db, dashboard.NewQuery(2025, 1, w.city.Path, w.d1.Path))
		if live[0] != before["people.workers"][0]+1 || live[1] != before["people.workers"][1] {
			t.Errorf("the edit should show live: city %d (frozen %d), d1 %d (frozen %d)", live[0], before["people.workers"][0], live[1], before["people.workers"][1])
		}
		checkCloseRefusals(t, ctx, db, s, w)
	})
}

func checkCloseRefusals(t *testing.T, ctx context.Context, db *platform.DB, s *dashboard.Store, w *world) {
	t.Helper()
	var n int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'dashboard.close_year' AND entity_id = '2025'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("close-year audit rows: %d, %v", n, err)
	}
	for _, c := range []struct {
		ctx  context.Context
		year int
		code platform.Code
	}{
		{ctx, 2025, platform.CodeConflict},
		{ctx, 2026, platform.CodeInvalid},
		{platform.WithActor(context.Background(), &platform.Actor{Kind: "staff", OrgID: w.d1.ID, OrgPath: w.d1.Path}), 2024, platform.CodeForbidden},
	} {
		err := s.CloseYear(c.ctx, c.year)
		if e, ok := platform.AsError(err); !ok || e.Code != c.code {
			t.Errorf("close %d: %v, want %s", c.year, err, c.code)
		}
	}
}

// TestCells_RefreshAfterTTL: a page reads the year's cells; a record added
// later shows once the cells are older than the TTL and refreshed, and the
// board says when its figures were computed.
func TestCells_RefreshAfterTTL(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		w := generate(t, db, 2, 2, 3)
		clock := platform.NewFakeClock(sh(2026, 3, 1, 9))
		s := dashboard.NewStore(db, clock, allFigures(), 5)
		ctx := cityActor(w)
		orgs := []dashboard.Org{{ID: w.city.ID, Path: w.city.Path}, {ID: w.d1.ID, Path: w.d1.Path}}
		figs := s.Registry().Figures()[:1] // people.workers
		before, err := s.Values(ctx, 2026, orgs, figs)
		if err != nil {
			t.Fatal(err)
		}
		at := sh(2026, 2, 1, 9)
		if _, err := db.Exec(ctx, `INSERT INTO workers (id, city_id, org_id, name, member_status, created_at, updated_at) VALUES (?, 1, ?, 'new', 'non_member', ?, ?)`,
			w.id(), w.unions[0].ID, at, at); err != nil {
			t.Fatal(err)
		}
		clock.Advance(dashboard.CellsTTL - time.Second)
		if err := s.RefreshStale(ctx); err != nil {
			t.Fatal(err)
		}
		same, _ := s.Values(ctx, 2026, orgs, figs)
		if same["people.workers"][0] != before["people.workers"][0] {
			t.Errorf("cells younger than the TTL were recomputed: %d → %d", before["people.workers"][0], same["people.workers"][0])
		}
		clock.Advance(2 * time.Second)
		if err := s.RefreshStale(ctx); err != nil {
			t.Fatal(err)
		}
		after, _ := s.Values(ctx, 2026, orgs, figs)
		if after["people.workers"][0] != before["people.workers"][0]+1 || after["people.workers"][1] != before["people.workers"][1]+1 {
			t.Errorf("after the refresh: %v, before %v (want one more in the city and the first district)", after["people.workers"], before["people.workers"])
		}
		city, _ := s.Org(ctx, w.city.ID)
		b, err := s.Board(ctx, city, 2026, func(k string, _ ...any) string { return k })
		if err != nil {
			t.Fatal(err)
		}
		if !b.UpdatedAt.Equal(clock.Now()) {
			t.Errorf("board computed at %v, want %v", b.UpdatedAt, clock.Now())
		}
	})
}
