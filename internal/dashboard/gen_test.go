package dashboard_test

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"zhijia/internal/platform"
)

// world is a generated city whose records the tests count in Go, apart from
// the dashboard's SQL: the expectations come from these slices.
type world struct {
	db                *platform.DB
	city, d1, d2, ind gorg
	unions            []gorg
	workers           []gworker
	apps              []gapp
	grants            []ggrant
	funds             []gfund
	joined            []gjoined
	events            []gevent
	checkins          []gcheckin
	attempts          []gattempt
	stations          []gstation
	visits            []gvisit
	nextID            int64
	fund              int64 // a fund every grant names; which one no figure asks
	rows              map[string][][]any
	cols              map[string]string
	// lean worlds (benchmarks) write their records every few unions and keep
	// only the orgs, events and stations: no expectations are computed
	lean bool
}

type gorg struct {
	ID          int64
	Path, Level string
	Parent      int64
	ParentLevel string
	Created     time.Time
}
type gworker struct {
	ID            int64
	Org           gorg
	Created       time.Time
	Member        bool
	Joined, Model string
	Group         string
}
type gapp struct {
	ID, Worker int64
	Org        gorg
	Year       int
	Status     string
	Submitted  time.Time
}
type ggrant struct {
	App, Worker  int64
	Org          gorg // the application's union
	Year         int
	Level, Cause string
	Amount       int64
	Status       string
	Created      time.Time
}
type gfund struct {
	Org                    gorg
	Year                   int
	Total, Committed, Paid int64
}
type gjoined struct {
	Org  gorg
	Year int
}
type gevent struct {
	ID     int64
	Org    gorg
	Kind   string
	Starts time.Time
}
type gcheckin struct {
	Event, Worker int64
	Org           gorg
	At            time.Time
}
type gattempt struct {
	Worker       int64
	Org          gorg
	Date, Status string
}
type gstation struct {
	ID      int64
	Org     gorg
	Status  string
	Created time.Time
}
type gvisit struct {
	Station, Worker int64
	Org             gorg
	Day             string
}

func (o gorg) under(p string) bool { return strings.HasPrefix(o.Path, p) }

func sh(y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, platform.Shanghai).UTC()
}

func (w *world) id() int64 { w.nextID++; return w.nextID }

func (w *world) add(table, cols string, vals ...any) {
	w.cols[table] = cols
	w.rows[table] = append(w.rows[table], vals)
}

func (w *world) org(parent *gorg, level string, n int) gorg {
	id := w.id()
	o := gorg{ID: id, Level: level, Path: fmt.Sprintf("/%d/", id), Created: sh(2020, 1, 1, 9)}
	var pid any
	if parent != nil {
		o.Path, pid = fmt.Sprintf("%s%d/", parent.Path, id), parent.ID
		o.Parent, o.ParentLevel = parent.ID, parent.Level
	}
	if level == "grassroots" && n%7 == 6 {
		o.Created = sh(2025, 12, 31, 23) // founded in the last hour of 2025, Shanghai time
	}
	created := o.Created
	w.add("orgs", "id, city_id, parent_id, level, name, path, depth, status, created_at, updated_at",
		id, 1, pid, level, fmt.Sprintf("%s %d", level, id), o.Path, strings.Count(o.Path, "/")-1, "active", created, created)
	return o
}

// generate builds the world: per grassroots union, perUnion workers and records
// for 2024, 2025 and 2026, with dates on the year boundaries in Shanghai time.
func generate(t testing.TB, db *platform.DB, districts, unionsPer, perUnion int) *world {
	return generateWorld(t, &world{db: db}, districts, unionsPer, perUnion)
}

func generateWorld(t testing.TB, w *world, districts, unionsPer, perUnion int) *world {
	t.Helper()
	w.rows, w.cols = map[string][][]any{}, map[string]string{}
	r := rand.New(rand.NewSource(7))
	w.city = w.org(nil, "city", 0)
	var parents []gorg
	for i := 0; i < districts; i++ {
		parents = append(parents, w.org(&w.city, "district", i))
	}
	w.d1, w.d2 = parents[0], parents[1]
	w.ind = w.org(&w.city, "industry", 0)
	parents = append(parents, w.ind)
	for _, p := range parents {
		for i := 0; i < unionsPer; i++ {
			p := p
			u := w.org(&p, "grassroots", i)
			w.unions = append(w.unions, u)
			if i == 0 {
				w.org(&u, "group", 0)
			}
		}
	}
	for y := 2024; y <= 2026; y++ {
		w.add("relief_programmes", "id, city_id, year, cap_application, cap_household, created_at, updated_at", y, 1, y, 500000, 1000000, sh(y, 1, 1, 9), sh(y, 1, 1, 9))
		for _, o := range append([]gorg{w.city}, parents...) {
			f := gfund{Org: o, Year: y, Total: int64(1000000 + r.Intn(9)*100000), Committed: int64(r.Intn(50000)), Paid: int64(r.Intn(20000))}
			w.funds = append(w.funds, f)
			fid := w.id()
			if w.fund == 0 {
				w.fund = fid
			}
			w.add("relief_funds", "id, city_id, programme_id, org_id, org_path, total, committed, paid, updated_at", fid, 1, y, o.ID, o.Path, f.Total, f.Committed, f.Paid, sh(y, 1, 1, 9))
		}
	}
	for ui, u := range w.unions {
		w.union(r, ui, u, perUnion)
		if w.lean && (ui+1)%50 == 0 {
			w.transfers(r, ui+1)
			w.flush(t)
			w.workers, w.apps, w.grants, w.checkins, w.attempts, w.visits = nil, nil, nil, nil, nil, nil
		}
	}
	w.transfers(r, len(w.unions))
	w.flush(t)
	return w
}

// transfers: one worker in 37 changed union in 2025 (to one in another
// district), so some of their records carry the new union: a relief
// application, a check-in, a quiz answer and a station visit. Distinct-people
// figures must count them once in any subtree that holds both unions.
func (w *world) transfers(r *rand.Rand, n int) {
	pos := map[int64]int{}
	for i, u := range w.unions {
		pos[u.ID] = i
	}
	for i := 0; i < len(w.workers); i += 37 {
		wk := w.workers[i]
		ti := (pos[wk.Org.ID] + n/2 + i%5) % n
		to := w.unions[ti]
		if to.ID == wk.Org.ID {
			continue
		}
		w.apply(r, to, wk.ID, 2025)
		ev := w.events[3*ti+1]
		c := gcheckin{Event: ev.ID, Worker: wk.ID, Org: to, At: ev.Starts.Add(20 * time.Minute)}
		w.checkins = append(w.checkins, c)
		w.add("learning_checkins", "id, city_id, event_id, worker_id, org_id, method, checked_at", w.id(), 1, ev.ID, wk.ID, to.ID, "qr", c.At)
		a := gattempt{Worker: wk.ID, Org: to, Date: "2025-07-20", Status: "submitted"}
		w.attempts = append(w.attempts, a)
		w.add("learning_attempts", "id, city_id, worker_id, org_id, quiz_date, status, started_at, deadline_at", w.id(), 1, wk.ID, to.ID, a.Date, a.Status, sh(2025, 7, 20, 9), sh(2025, 7, 20, 9))
		st := w.stations[ti]
		w.visits = append(w.visits, gvisit{Station: st.ID, Worker: wk.ID, Org: to, Day: "2025-08-01"})
		w.add("care_visits", "id, city_id, station_id, worker_id, day, hour, visited_at", w.id(), 1, st.ID, wk.ID, "2025-08-01", 10, sh(2025, 8, 1, 9))
	}
}

var (
	statuses = []string{"pending", "returned", "notice", "halted", "paid", "revoked", "rejected"}
	causes   = []string{"illness", "disaster", "education", "accident", "other"}
	kinds    = []string{"lecture", "meeting", "contest", "ceremony"}
)

// union fills one union: workers, relief, events, quiz and a station.
func (w *world) union(r *rand.Rand, ui int, u gorg, n int) {
	for y := 2024; y <= 2026; y++ {
		if (ui+y)%3 != 0 {
			w.joined = append(w.joined, gjoined{u, y})
			w.add("relief_joined_unions", "programme_id, org_id, city_id, org_path, joined_at", y, u.ID, 1, u.Path, sh(y, 1, 2, 9))
		}
	}
	st := gstation{ID: w.id(), Org: u, Status: []string{"active", "active", "closed"}[ui%3], Created: sh(2024+ui%3, 6, 1, 9)}
	w.stations = append(w.stations, st)
	w.add("care_stations", "id, city_id, org_id, name, lat_e6, lng_e6, status, created_at, updated_at", st.ID, 1, u.ID, "st", 26000000, 119000000, st.Status, st.Created, st.Created)
	var evs []gevent
	for e := 0; e < 3; e++ {
		// the first event of each union starts in the first hour of 2026 in Shanghai (still 2025 in UTC)
		starts := []time.Time{sh(2026, 1, 1, 0), sh(2025, time.Month(1+r.Intn(12)), 1+r.Intn(28), 10), sh(2024, 12, 31, 23)}[e]
		ev := gevent{ID: w.id(), Org: u, Kind: kinds[r.Intn(4)], Starts: starts}
		evs = append(evs, ev)
		w.events = append(w.events, ev)
		w.add("learning_events", "id, city_id, org_id, kind, title, venue_kind, starts_at, ends_at, audience_org_id, created_at, updated_at",
			ev.ID, 1, u.ID, ev.Kind, "ev", "onsite", starts, starts.Add(time.Hour), u.ID, starts, starts)
	}
	for i := 0; i < n; i++ {
		w.worker(r, u, i, evs, st)
	}
}

func (w *world) worker(r *rand.Rand, u gorg, i int, evs []gevent, st gstation) {
	wk := gworker{ID: w.id(), Org: u, Created: []time.Time{sh(2023, 5, 1, 9), sh(2025, 12, 31, 23), sh(2026, 1, 1, 1), sh(2025, 3, 3, 3)}[r.Intn(4)],
		Member: r.Intn(3) > 0, Model: []string{"", "", "", "city", "national"}[r.Intn(5)], Group: []string{"", "", "courier"}[r.Intn(3)]}
	if wk.Member {
		wk.Joined = []string{"2024-06-01", "2025-12-31", "2026-01-01"}[r.Intn(3)]
	}
	w.workers = append(w.workers, wk)
	status := map[bool]string{true: "member", false: "non_member"}[wk.Member]
	w.add("workers", "id, city_id, org_id, name, member_status, joined_on, model_level, group_code, created_at, updated_at",
		wk.ID, 1, u.ID, "w", status, wk.Joined, wk.Model, wk.Group, wk.Created, wk.Created)
	for y := 2024; y <= 2026; y++ {
		if r.Intn(3) == 0 {
			w.apply(r, u, wk.ID, y)
		}
	}
	for _, ev := range evs {
		if r.Intn(2) == 0 {
			c := gcheckin{Event: ev.ID, Worker: wk.ID, Org: u, At: ev.Starts.Add(10 * time.Minute)}
			w.checkins = append(w.checkins, c)
			w.add("learning_checkins", "id, city_id, event_id, worker_id, org_id, method, checked_at", w.id(), 1, ev.ID, wk.ID, u.ID, "qr", c.At)
		}
	}
	for _, day := range []string{"2024-12-31", "2025-01-01", "2025-07-15", "2025-12-31", "2026-01-01"} {
		if r.Intn(2) == 0 {
			a := gattempt{Worker: wk.ID, Org: u, Date: day, Status: []string{"submitted", "submitted", "expired"}[r.Intn(3)]}
			w.attempts = append(w.attempts, a)
			w.add("learning_attempts", "id, city_id, worker_id, org_id, quiz_date, status, started_at, deadline_at", w.id(), 1, wk.ID, u.ID, day, a.Status, sh(2025, 1, 1, 9), sh(2025, 1, 1, 9))
		}
		if r.Intn(3) == 0 {
			w.visits = append(w.visits, gvisit{Station: st.ID, Worker: wk.ID, Org: u, Day: day})
			w.add("care_visits", "id, city_id, station_id, worker_id, day, hour, visited_at", w.id(), 1, st.ID, wk.ID, day, 10, sh(2025, 1, 1, 9))
		}
	}
}

func (w *world) apply(r *rand.Rand, u gorg, worker int64, y int) {
	a := gapp{ID: w.id(), Worker: worker, Org: u, Year: y, Status: statuses[r.Intn(len(statuses))],
		Submitted: sh(y, time.Month(1+r.Intn(12)), 1+r.Intn(28), 12)}
	w.apps = append(w.apps, a)
	w.add("relief_applications", "id, city_id, programme_id, year, worker_id, org_id, org_path, status, consent_at, submitted_by_kind, submitted_at, updated_at",
		a.ID, 1, y, y, worker, u.ID, u.Path, a.Status, a.Submitted, "worker", a.Submitted, a.Submitted)
	lvs := []string{"grassroots", u.ParentLevel, "city"}
	orgs := []int64{u.ID, u.Parent, w.city.ID}
	for li, lv := range lvs[:1+r.Intn(3)] {
		g := ggrant{App: a.ID, Worker: worker, Org: u, Year: y, Level: lv, Cause: causes[r.Intn(5)], Amount: int64(1000 + r.Intn(500000)),
			Status: []string{"committed", "paid", "revoked", "batched"}[r.Intn(4)], Created: a.Submitted.Add(time.Duration(li+1) * time.Hour)}
		w.grants = append(w.grants, g)
		w.add("relief_grants", "id, city_id, application_id, fund_id, org_id, level, worker_id, year, cause, amount, status, created_at",
			w.id(), 1, a.ID, w.fund, orgs[li], lv, worker, y, g.Cause, g.Amount, g.Status, g.Created)
	}
}

var tableOrder = []string{"orgs", "relief_programmes", "relief_funds", "relief_joined_unions", "care_stations", "learning_events",
	"workers", "relief_applications", "relief_grants", "learning_checkins", "learning_attempts", "care_visits"}

// flush writes every generated row: COPY on PostgreSQL, multi-row inserts
// prepared once per table on SQLite.
func (w *world) flush(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	if w.db.Dialect == platform.Postgres {
		for _, table := range tableOrder {
			if len(w.rows[table]) == 0 {
				continue
			}
			cols := strings.Split(w.cols[table], ", ")
			if _, err := w.db.CopyFrom(ctx, table, cols, w.rows[table]); err != nil {
				t.Fatalf("%s: %v", table, err)
			}
			w.rows[table] = nil
		}
		return
	}
	err := w.db.InTx(ctx, func(tx *platform.Tx) error {
		for _, table := range tableOrder {
			rows, cols := w.rows[table], w.cols[table]
			n := strings.Count(cols, ",") + 1
			one := "(" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")"
			for start := 0; start < len(rows); start += 200 {
				chunk := rows[start:min(start+200, len(rows))]
				args := make([]any, 0, len(chunk)*n)
				for _, r := range chunk {
					args = append(args, r...)
				}
				q := "INSERT INTO " + table + " (" + cols + ") VALUES " + strings.TrimSuffix(strings.Repeat(one+", ", len(chunk)), ", ")
				if _, err := tx.ExecRepeated(ctx, q, args...); err != nil {
					return fmt.Errorf("%s: %w", table, err)
				}
			}
			w.rows[table] = nil
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
