package dashboard_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"zhijia/internal/care"
	"zhijia/internal/dashboard"
	"zhijia/internal/learning"
	"zhijia/internal/people"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
	"zhijia/internal/relief"
)

func allFigures() *dashboard.Registry {
	reg := dashboard.NewRegistry()
	reg.Register(people.Figures()...)
	reg.Register(relief.Figures()...)
	reg.Register(learning.Figures()...)
	reg.Register(care.Figures()...)
	return reg
}

// expect computes each figure from the generated slices, in Go.
func (w *world) expect(year int, p string) map[string]int64 {
	start, end := sh(year, 1, 1, 0), sh(year+1, 1, 1, 0)
	in := func(t time.Time) bool { return !t.Before(start) && t.Before(end) }
	first, last := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006-01-02"), time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
	day := func(d string) bool { return d >= first && d <= last }
	e := map[string]int64{}
	for _, wk := range w.workers {
		if !wk.Org.under(p) || !wk.Created.Before(end) {
			continue
		}
		e["people.workers"]++
		if wk.Member && wk.Joined <= last {
			e["people.members"]++
		}
		if wk.Model != "" {
			e["people.model_workers"]++
		}
		if wk.Group != "" {
			e["people.new_employment"]++
		}
	}
	for _, u := range w.unions {
		if u.under(p) && u.Created.Before(end) {
			e["people.unions"]++
		}
	}
	w.expectRelief(e, year, p)
	seenU, seenW, quizW, visitW := map[int64]bool{}, map[int64]bool{}, map[int64]bool{}, map[int64]bool{}
	for _, ev := range w.events {
		if ev.Org.under(p) && in(ev.Starts) {
			e["learning.events"]++
			e["learning.kind."+ev.Kind]++
		}
	}
	for _, c := range w.checkins {
		if c.Org.under(p) && in(c.At) {
			e["learning.checkins"]++
			seenU[c.Org.ID], seenW[c.Worker] = true, true
		}
	}
	e["learning.units"], e["learning.workers"] = int64(len(seenU)), int64(len(seenW))
	for _, a := range w.attempts {
		if a.Org.under(p) && day(a.Date) && a.Status == "submitted" {
			e["learning.quiz_attempts"]++
			quizW[a.Worker] = true
		}
	}
	e["learning.quiz_workers"] = int64(len(quizW))
	for _, s := range w.stations {
		if s.Org.under(p) && s.Status == "active" && s.Created.Before(end) {
			e["care.stations"]++
		}
	}
	for _, v := range w.visits {
		if v.Org.under(p) && day(v.Day) {
			e["care.visits"]++
			visitW[v.Worker] = true
		}
	}
	e["care.visitors"] = int64(len(visitW))
	return e
}

func (w *world) expectRelief(e map[string]int64, year int, p string) {
	for _, a := range w.apps {
		if !a.Org.under(p) || a.Year != year {
			continue
		}
		e["relief.applications"]++
		switch a.Status {
		case "pending", "returned":
			e["relief.apps_open"]++
		case "notice", "halted", "paid":
			e["relief.apps_granted"]++
		case "rejected", "revoked":
			e["relief.apps_rejected"]++
		}
	}
	households := map[int64]bool{}
	for _, g := range w.grants {
		if !g.Org.under(p) || g.Year != year || g.Status == "revoked" {
			continue
		}
		households[g.Worker] = true
		e["relief.grants"] += g.Amount
		e["relief.grants."+g.Level] += g.Amount
		e["relief.cause."+g.Cause] += g.Amount
	}
	e["relief.households"] = int64(len(households))
	for _, f := range w.funds {
		if f.Org.under(p) && f.Year == year {
			e["relief.fund_total"] += f.Total
			e["relief.fund_committed"] += f.Committed
			e["relief.fund_paid"] += f.Paid
		}
	}
	joined := map[int64]bool{}
	for _, j := range w.joined {
		if j.Org.under(p) && j.Year == year {
			e["relief.joined_unions"]++
			joined[j.Org.ID] = true
		}
	}
	for _, wk := range w.workers {
		if joined[wk.Org.ID] {
			e["relief.workers_covered"]++
		}
	}
}

// TestFigures_GeneratedCity: every registered figure, computed by the
// dashboard for the city and two districts in two years, equals the count made
// in Go from the generated records; months add up to the year for figures that
// are plain counts or sums.
func TestFigures_GeneratedCity(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		w := generate(t, db, 3, 8, 12)
		reg := allFigures()
		ctx := context.Background()
		for _, year := range []int{2025, 2026} {
			orgs := []gorg{w.city, w.d1, w.d2}
			paths := []string{w.city.Path, w.d1.Path, w.d2.Path}
			for _, f := range reg.Figures() {
				got, err := f.Compute(ctx, db, dashboard.NewQuery(year, 1, paths...))
				if err != nil {
					t.Fatalf("%s: %v", f.Key, err)
				}
				for i, o := range orgs {
					want := w.expect(year, o.Path)[f.Key]
					if got[i] != want {
						t.Errorf("%s %d at %s: got %d, want %d", f.Key, year, o.Path, got[i], want)
					}
				}
				checkMonths(t, ctx, db, f, year, w.city.Path, got[0])
			}
			checkBatched(t, w, reg, year)
			checkDrill(t, w, reg, year)
		}
		if !w.spansDistricts() {
			t.Fatal("no worker's records span two districts: the exact distinct count is not tested")
		}
		if e := w.expect(2025, w.city.Path); e["relief.households"] == 0 || e["learning.checkins"] == 0 || e["care.visits"] == 0 {
			t.Fatalf("the generated city is too thin to prove anything: %v", e)
		}
	})
}

func checkMonths(t *testing.T, ctx context.Context, db *platform.DB, f dashboard.Figure, year int, path string, total int64) {
	t.Helper()
	if f.Monthly == nil {
		return
	}
	months, err := f.Monthly(ctx, db, dashboard.NewQuery(year, 1, path))
	if err != nil || len(months) != 12 {
		t.Fatalf("%s monthly: %v %v", f.Key, months, err)
	}
	var sum int64
	for _, m := range months {
		sum += m
	}
	distinct := map[string]bool{"relief.households": true, "learning.units": true, "learning.workers": true, "learning.quiz_workers": true, "care.visitors": true}
	if !distinct[f.Key] && sum != total {
		t.Errorf("%s %d: months add up to %d, the year is %d", f.Key, year, sum, total)
	}
	if distinct[f.Key] && sum < total {
		t.Errorf("%s %d: months of distinct people add up to %d, less than the year's %d", f.Key, year, sum, total)
	}
}

// checkBatched: the store computes figures of one table together; the values
// must be the same as the expectations.
func checkBatched(t *testing.T, w *world, reg *dashboard.Registry, year int) {
	t.Helper()
	s := dashboard.NewStore(w.db, platform.NewFakeClock(sh(2026, 3, 1, 9)), reg, 5)
	orgs := []dashboard.Org{{ID: w.city.ID, Path: w.city.Path}, {ID: w.d1.ID, Path: w.d1.Path}, {ID: w.d2.ID, Path: w.d2.Path}}
	got, err := s.Values(cityActor(w), year, orgs, reg.Figures())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range reg.Figures() {
		for i, o := range orgs {
			if want := w.expect(year, o.Path)[f.Key]; got[f.Key][i] != want {
				t.Errorf("batched %s %d at %s: got %d, want %d", f.Key, year, o.Path, got[f.Key][i], want)
			}
		}
	}
}

// checkDrill: the drill-down from the city's cells gives each district and
// each union of the first district its expected value, and the same months as
// the live query.
func checkDrill(t *testing.T, w *world, reg *dashboard.Registry, year int) {
	t.Helper()
	s := dashboard.NewStore(w.db, platform.NewFakeClock(sh(2026, 3, 1, 9)), reg, 5)
	ctx := cityActor(w)
	for _, id := range []int64{w.city.ID, w.d1.ID} {
		o, err := s.Org(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range reg.Figures() {
			d, err := s.DrillDown(ctx, f, o, year)
			if err != nil {
				t.Fatal(err)
			}
			if want := w.expect(year, o.Path)[f.Key]; d.Total != want {
				t.Errorf("drill %s %d at %s: total %d, want %d", f.Key, year, o.Path, d.Total, want)
			}
			for _, r := range d.Rows {
				if want := w.expect(year, r.Org.Path)[f.Key]; !r.Direct && r.Cell.Value != want {
					t.Errorf("drill %s %d at %s: got %d, want %d", f.Key, year, r.Org.Path, r.Cell.Value, want)
				}
			}
			if f.Monthly == nil {
				continue
			}
			live, err := f.Monthly(ctx, w.db, dashboard.NewQuery(year, 1, o.Path))
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(live) != fmt.Sprint(d.Monthly) {
				t.Errorf("drill %s %d at %s: months %v, live %v", f.Key, year, o.Path, d.Monthly, live)
			}
		}
	}
}

// spansDistricts: some worker has 2025 records in unions of two districts.
func (w *world) spansDistricts() bool {
	seen := map[int64]string{}
	for _, c := range w.checkins {
		d := strings.Join(strings.Split(c.Org.Path, "/")[:3], "/")
		if p, ok := seen[c.Worker]; ok && p != d {
			return true
		}
		seen[c.Worker] = d
	}
	return false
}
