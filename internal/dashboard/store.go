package dashboard

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
)

// Store computes and freezes figures.
type Store struct {
	db    *platform.DB
	clock platform.Clock
	reg   *Registry
	k     int
	cache cellCache
}

// NewStore builds the store; k is the smallest group a masked breakdown cell may
// show (below it the cell reads "<k"); k < 2 means the default, 5.
func NewStore(db *platform.DB, clock platform.Clock, reg *Registry, k int) *Store {
	if k < 2 {
		k = 5
	}
	return &Store{db: db, clock: clock, reg: reg, k: k}
}

// K is the masking threshold.
func (s *Store) K() int { return s.k }

// Registry gives the figures.
func (s *Store) Registry() *Registry { return s.reg }

// CurrentYear is the year now in Asia/Shanghai.
func (s *Store) CurrentYear() int { return s.clock.Now().In(platform.Shanghai).Year() }

// CityOf is the city (root org) id of a path.
func CityOf(path string) int64 {
	first, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	id, _ := strconv.ParseInt(first, 10, 64)
	return id
}

const orgCols = `id, name, level, path, COALESCE(parent_id, 0)`

func scanOrgs(rows interface {
	Next() bool
	Scan(...any) error
	Err() error
}) ([]Org, error) {
	var out []Org
	for rows.Next() {
		var o Org
		if err := rows.Scan(&o.ID, &o.Name, &o.Level, &o.Path, &o.Parent); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Org loads one org in the actor's subtree; any other id is not found, so a
// guessed id reveals nothing.
func (s *Store) Org(ctx context.Context, id int64) (Org, error) {
	a := platform.ActorFrom(ctx)
	var o Org
	err := s.db.QueryRow(ctx, `SELECT `+orgCols+` FROM orgs WHERE id = ?`, id).Scan(&o.ID, &o.Name, &o.Level, &o.Path, &o.Parent)
	if errors.Is(err, errNoRows) || (err == nil && !a.Covers(o.Path)) {
		return Org{}, platform.NotFound
	}
	if err != nil {
		return Org{}, fmt.Errorf("dashboard: org %d: %w", id, err)
	}
	return o, nil
}

// Children lists the orgs a figure drills into below o: districts and
// industries under the city, grassroots unions under them; none below a
// grassroots union (its groups keep no records of their own).
func (s *Store) Children(ctx context.Context, o Org) ([]Org, error) {
	if o.Level == "grassroots" || o.Level == "group" {
		return nil, nil
	}
	rows, err := s.db.Query(ctx, `SELECT `+orgCols+` FROM orgs WHERE parent_id = ? AND level <> 'group' ORDER BY level, name, id`, o.ID)
	if err != nil {
		return nil, fmt.Errorf("dashboard: children of %d: %w", o.ID, err)
	}
	defer rows.Close()
	out, err := scanOrgs(rows)
	if err != nil {
		return nil, fmt.Errorf("dashboard: children of %d: %w", o.ID, err)
	}
	return out, nil
}

// Ancestors lists o's ancestors within the actor's scope, root first, for
// breadcrumbs.
func (s *Store) Ancestors(ctx context.Context, o Org) ([]Org, error) {
	a := platform.ActorFrom(ctx)
	var out []Org
	for _, part := range strings.Split(strings.Trim(o.Path, "/"), "/") {
		id, _ := strconv.ParseInt(part, 10, 64)
		if id == o.ID || id == 0 {
			continue
		}
		p, err := s.Org(ctx, id)
		if err == nil && a.Covers(p.Path) {
			out = append(out, p)
		}
	}
	return out, nil
}

// Closed reports whether a year is frozen for the city.
func (s *Store) Closed(ctx context.Context, cityID int64, year int) (bool, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM dashboard_years WHERE city_id = ? AND year = ?`, cityID, year).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("dashboard: closed %d: %w", year, err)
	}
	return n > 0, nil
}

// Values computes figs for each org (one value per org, in order) for a year:
// from the snapshot when the year is closed, live otherwise (and live for a
// figure registered after the year was closed).
func (s *Store) Values(ctx context.Context, year int, orgs []Org, figs []Figure) (map[string][]int64, error) {
	v, err := s.values(ctx, year, orgs, figs)
	if err != nil {
		return nil, err
	}
	return v.out, nil
}

// yearValues is what values found: the figures, whether the year is closed,
// and the cells read (nil if none was).
type yearValues struct {
	out    map[string][]int64
	closed bool
	set    *cellSet
}

func (s *Store) values(ctx context.Context, year int, orgs []Org, figs []Figure) (yearValues, error) {
	v := yearValues{out: map[string][]int64{}}
	if len(orgs) == 0 {
		return v, nil
	}
	city := CityOf(orgs[0].Path)
	var err error
	if v.closed, err = s.Closed(ctx, city, year); err != nil {
		return v, err
	}
	if v.closed {
		if v.out, err = s.frozen(ctx, city, year, orgs); err != nil {
			return v, err
		}
	}
	if v.set, err = s.cached(ctx, city, year, orgs, figs, v.out); err != nil {
		return v, err
	}
	out := v.out
	paths := make([]string, len(orgs))
	for i, o := range orgs {
		paths[i] = o.Path
	}
	q := NewQuery(year, city, paths...)
	if err := s.batches(ctx, q, figs, out); err != nil {
		return v, err
	}
	for _, f := range figs {
		if _, ok := out[f.Key]; ok {
			continue
		}
		vals, err := f.Compute(ctx, s.db, q)
		if err != nil {
			return v, fmt.Errorf("dashboard: %s: %w", f.Key, err)
		}
		out[f.Key] = vals
	}
	return v, nil
}

// cached fills out with the figures the year's cells hold (every figure
// described by SQL over a subtree range), each org's value rolled up from them,
// and gives the cells it read (nil if no figure needed them).
func (s *Store) cached(ctx context.Context, city int64, year int, orgs []Org, figs []Figure, out map[string][]int64) (*cellSet, error) {
	var set *cellSet
	for _, f := range figs {
		if _, done := out[f.Key]; done || f.cellPath() == "" {
			continue
		}
		if set == nil {
			var err error
			if set, err = s.cellsOf(ctx, city, year); err != nil {
				return nil, err
			}
		}
		vals := make([]int64, len(orgs))
		for i, o := range orgs {
			vals[i], _ = set.value(colName(f.Key, "v", 0), o.Path)
		}
		out[f.Key] = vals
	}
	return set, nil
}

// batches computes, one query per group, the figures described by SQL that
// share their records (Join and Where) and are not in out yet.
func (s *Store) batches(ctx context.Context, q Query, figs []Figure, out map[string][]int64) error {
	groups := map[string][]Figure{}
	var order []string
	for _, f := range figs {
		if _, done := out[f.Key]; done || f.sql == nil {
			continue
		}
		k := f.sql.batchKey()
		if groups[k] == nil {
			order = append(order, k)
		}
		groups[k] = append(groups[k], f)
	}
	// groups read different tables: run a few at once on the reader pool
	var mu sync.Mutex
	var wg sync.WaitGroup
	var firstErr error
	sem := make(chan struct{}, parallelQueries)
	for _, k := range order {
		g := groups[k]
		specs := make([]SQL, len(g))
		for i, f := range g {
			specs[i] = *f.sql
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			vals, err := computeBatch(ctx, s.db, q, specs)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				firstErr = cmp.Or(firstErr, err)
				return
			}
			for i, f := range g {
				out[f.Key] = vals[i]
			}
		}()
	}
	wg.Wait()
	return firstErr
}

// parallelQueries bounds how many figure queries one page runs at once.
const parallelQueries = 4

// frozen reads snapshot values; a figure missing for any org is left out, so it
// is computed live.
func (s *Store) frozen(ctx context.Context, city int64, year int, orgs []Org) (map[string][]int64, error) {
	pos := map[int64]int{}
	ph := make([]string, len(orgs))
	args := []any{city, year}
	for i, o := range orgs {
		pos[o.ID] = i
		ph[i] = "?"
		args = append(args, o.ID)
	}
	rows, err := s.db.Query(ctx, `SELECT figure, org_id, value FROM dashboard_snapshots WHERE city_id = ? AND year = ? AND org_id IN (`+
		strings.Join(ph, ",")+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("dashboard: snapshot: %w", err)
	}
	defer rows.Close()
	got := map[string][]int64{}
	seen := map[string]int{}
	for rows.Next() {
		var key string
		var id, v int64
		if err := rows.Scan(&key, &id, &v); err != nil {
			return nil, fmt.Errorf("dashboard: snapshot: %w", err)
		}
		if got[key] == nil {
			got[key] = make([]int64, len(orgs))
		}
		got[key][pos[id]] = v
		seen[key]++
	}
	for key, n := range seen {
		if n != len(orgs) {
			delete(got, key)
		}
	}
	return got, rows.Err()
}

// CloseYear freezes every figure of a finished year for every org of the city
// down to grassroots unions. Only city staff close a year; a year not yet over,
// or closed already, is refused.
func (s *Store) CloseYear(ctx context.Context, year int) error {
	a := platform.ActorFrom(ctx)
	if a == nil || strings.Count(a.OrgPath, "/") != 2 {
		return platform.Errorf(platform.CodeForbidden, "dashboard.err.city_only")
	}
	if year < 2000 || year >= s.CurrentYear() {
		return platform.Invalid().Field("year", "dashboard.err.year_open").OrNil()
	}
	city := CityOf(a.OrgPath)
	if closed, err := s.Closed(ctx, city, year); err != nil {
		return err
	} else if closed {
		return platform.Errorf(platform.CodeConflict, "dashboard.err.closed")
	}
	rows, err := s.db.Query(ctx, `SELECT `+orgCols+` FROM orgs WHERE path >= ? AND path < ? AND level <> 'group' ORDER BY id`,
		lohi(a.OrgPath)...)
	if err != nil {
		return fmt.Errorf("dashboard: close %d: %w", year, err)
	}
	orgs, err := scanOrgs(rows)
	rows.Close()
	if err != nil {
		return fmt.Errorf("dashboard: close %d: %w", year, err)
	}
	// the snapshot is taken from cells computed now, not from the ones a page
	// last read
	if _, err := s.refresh(ctx, city, year, true); err != nil {
		return err
	}
	vals := map[string][]int64{}
	for start := 0; start < len(orgs); start += 300 {
		chunk := orgs[start:min(start+300, len(orgs))]
		v, err := s.Values(ctx, year, chunk, s.reg.Figures())
		if err != nil {
			return err
		}
		for k, xs := range v {
			vals[k] = append(vals[k], xs...)
		}
	}
	return s.writeSnapshot(ctx, city, year, orgs, vals)
}

func (s *Store) writeSnapshot(ctx context.Context, city int64, year int, orgs []Org, vals map[string][]int64) error {
	a := platform.ActorFrom(ctx)
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *platform.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO dashboard_years (city_id, year, closed_at, closed_by_name) VALUES (?, ?, ?, ?)`,
			city, year, now, a.Name); err != nil {
			if platform.IsUniqueViolation(err) {
				return platform.Errorf(platform.CodeConflict, "dashboard.err.closed")
			}
			return fmt.Errorf("dashboard: close %d: %w", year, err)
		}
		for _, f := range s.reg.Figures() {
			for i, o := range orgs {
				if _, err := tx.ExecRepeated(ctx, `INSERT INTO dashboard_snapshots (city_id, year, figure, org_id, value) VALUES (?, ?, ?, ?, ?)`,
					city, year, f.Key, o.ID, vals[f.Key][i]); err != nil {
					return fmt.Errorf("dashboard: snapshot %s: %w", f.Key, err)
				}
			}
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "dashboard.close_year", EntityType: "dashboard_year",
			EntityID: strconv.Itoa(year), OrgID: city, OrgPath: a.OrgPath,
			Summary: fmt.Sprintf("year %d: %d figures × %d orgs frozen", year, len(s.reg.Figures()), len(orgs))})
	})
}

func lohi(path string) []any {
	lo, hi := platform.SubtreeRange(path)
	return []any{lo, hi}
}

var errNoRows = sql.ErrNoRows
