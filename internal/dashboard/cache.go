package dashboard

import (
	"cmp"
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"zhijia/internal/platform"
)

// CellsTTL is how long a year's cells are shown before a refresh: a page older
// than this is still served at once (it says when its figures were computed)
// while the cells are recomputed in the background. A refresh that took long
// (a big city on SQLite) waits four times as long as it took, so refreshing
// never takes more than a fifth of the machine. Past years, whose records
// seldom change, wait ten times as long.
const CellsTTL = 60 * time.Second

func (s *Store) ttl(c *cellSet, year int) time.Duration {
	d := max(CellsTTL, 4*c.cost)
	if year < s.CurrentYear() {
		d *= 10
	}
	return d
}

// cellSet is every cached figure of one city and year (see cells.go): the
// values by org path as prefix sums, so a subtree is two binary searches.
type cellSet struct {
	at    time.Time
	cost  time.Duration  // how long computing it took
	paths []string       // sorted
	col   map[string]int // column name → index in sums
	sums  [][]int64      // per column, prefix sums over paths (len(paths)+1)
	// pairs, per distinct column, link each path a spanner is counted in to
	// the next (by path) they are counted in too, sorted by the first path
	pairs map[string][]spanPair
}

// spanPair: one person counted at both paths, a < b. A subtree holding n of a
// person's paths holds n-1 of their pairs (its paths are one range), so it
// counts them once by taking its pairs off the sum of its cells.
type spanPair struct{ a, b string }

func newCellSet(at time.Time, raws []*rawCells) *cellSet {
	c := &cellSet{at: at, col: map[string]int{}, pairs: map[string][]spanPair{}}
	seen := map[string]bool{}
	for _, r := range raws {
		for p := range r.values {
			if !seen[p] {
				seen[p] = true
				c.paths = append(c.paths, p)
			}
		}
	}
	sort.Strings(c.paths)
	for _, r := range raws {
		for j, name := range r.cols {
			sums := make([]int64, len(c.paths)+1)
			for i, p := range c.paths {
				sums[i+1] = sums[i]
				if vals, ok := r.values[p]; ok {
					sums[i+1] += vals[j]
				}
			}
			c.col[name] = len(c.sums)
			c.sums = append(c.sums, sums)
		}
		for _, g := range r.spans {
			for j, name := range g.cols {
				c.pairs[name] = append(c.pairs[name], g.pairs(j)...)
			}
		}
	}
	for _, ps := range c.pairs {
		sort.Slice(ps, func(i, j int) bool { return ps[i].a < ps[j].a })
	}
	return c
}

// pairs links each person's paths counted in column j, in path order.
func (g spanGroup) pairs(j int) []spanPair {
	var out []spanPair
	for _, person := range g.people {
		var paths []string
		for _, r := range person {
			if r.flags[j] {
				paths = append(paths, r.path)
			}
		}
		sort.Strings(paths)
		for i := 1; i < len(paths); i++ {
			out = append(out, spanPair{paths[i-1], paths[i]})
		}
	}
	return out
}

// value is a column's value for the subtree at path: the sum of its cells,
// less the pairs of spanners' paths inside it (each counted once).
func (c *cellSet) value(name, path string) (int64, bool) {
	i, ok := c.col[name]
	if !ok {
		return 0, false
	}
	lo, hi := platform.SubtreeRange(path)
	a, b := sort.SearchStrings(c.paths, lo), sort.SearchStrings(c.paths, hi)
	v := c.sums[i][b] - c.sums[i][a]
	ps := c.pairs[name]
	for k := sort.Search(len(ps), func(k int) bool { return ps[k].a >= lo }); k < len(ps) && ps[k].a < hi; k++ {
		if ps[k].b < hi {
			v--
		}
	}
	return v, true
}

type cacheKey struct {
	city int64
	year int
}

type cacheEntry struct {
	build      sync.Mutex // one computation at a time per city and year
	set        *cellSet   // the rest guarded by cellCache.mu (Store.cache.mu)
	refreshing bool
	readAt     time.Time // last read, or when made (warm makes entries no page has read yet)
}

// cacheIdle is how long a city's year stays cached unread: RefreshStale
// refreshes the entries read within it and drops the others.
const cacheIdle = 10 * time.Minute

type cellCache struct {
	mu      sync.Mutex
	entries map[cacheKey]*cacheEntry
}

func (s *Store) entry(k cacheKey) *cacheEntry {
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	if s.cache.entries == nil {
		s.cache.entries = map[cacheKey]*cacheEntry{}
	}
	e := s.cache.entries[k]
	if e == nil {
		e = &cacheEntry{readAt: s.clock.Now()}
		s.cache.entries[k] = e
	}
	return e
}

// cellsOf gives the city's cells for a year: computed now when there are none,
// otherwise the ones held, refreshed in the background once older than the TTL.
func (s *Store) cellsOf(ctx context.Context, city int64, year int) (*cellSet, error) {
	e := s.entry(cacheKey{city, year})
	now := s.clock.Now()
	s.cache.mu.Lock()
	e.readAt = now
	set := e.set
	stale := set != nil && now.Sub(set.at) >= s.ttl(set, year) && !e.refreshing
	if stale {
		e.refreshing = true
	}
	s.cache.mu.Unlock()
	if set == nil {
		return s.refresh(ctx, city, year, false)
	}
	if stale {
		go func() { _, _ = s.refresh(context.WithoutCancel(ctx), city, year, true) }()
	}
	return set, nil
}

// refresh computes a year's cells (unless, without force, another caller just did).
func (s *Store) refresh(ctx context.Context, city int64, year int, force bool) (*cellSet, error) {
	e := s.entry(cacheKey{city, year})
	e.build.Lock()
	defer e.build.Unlock()
	s.cache.mu.Lock()
	set := e.set
	s.cache.mu.Unlock()
	if set != nil && !force {
		return set, nil
	}
	set, err := s.computeSet(ctx, city, year)
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	e.refreshing = false
	if err != nil {
		return nil, err
	}
	e.set = set
	return set, nil
}

// RefreshStale recomputes, in turn, the cells of every city and year read in
// the last ten minutes (cacheIdle) that are older than the TTL, and drops those
// not read for longer, so the cache holds only what pages use; serve calls it
// periodically so pages rarely meet stale figures.
func (s *Store) RefreshStale(ctx context.Context) error {
	now := s.clock.Now()
	s.cache.mu.Lock()
	var due []cacheKey
	for k, e := range s.cache.entries {
		if e.refreshing {
			continue
		}
		if now.Sub(e.readAt) >= cacheIdle {
			delete(s.cache.entries, k)
			continue
		}
		// Only cells someone has read since they were computed: warmed cells
		// nobody opens are not recomputed every minute, only dropped when idle.
		if e.set != nil && e.readAt.After(e.set.at) && now.Sub(e.set.at) >= s.ttl(e.set, k.year) {
			e.refreshing = true
			due = append(due, k)
		}
	}
	s.cache.mu.Unlock()
	var first error
	for _, k := range due {
		if _, err := s.refresh(ctx, k.city, k.year, true); err != nil {
			first = cmp.Or(first, err)
		}
	}
	return first
}

// KeepFresh computes this year's and last year's cells of every city (unless
// the year is closed), so the first page does not wait for them, then runs RefreshStale every 15 seconds
// until ctx ends (serve starts it).
func (s *Store) KeepFresh(ctx context.Context, logf func(msg string, args ...any)) {
	if err := s.warm(ctx); err != nil && ctx.Err() == nil {
		logf("dashboard warm-up", "err", err)
	}
	platform.Every(ctx, 15*time.Second, "dashboard refresh", logf, s.RefreshStale)
}

func (s *Store) warm(ctx context.Context) error {
	cities, err := platform.ScanIDs(s.db.Query(ctx, `SELECT id FROM orgs WHERE parent_id IS NULL`))
	if err != nil {
		return fmt.Errorf("dashboard: warm: %w", err)
	}
	year := s.CurrentYear()
	for _, c := range cities {
		for _, y := range []int{year, year - 1} {
			// a closed year is served from its snapshot: no cells to warm
			closed, err := s.Closed(ctx, c, y)
			if err != nil {
				return err
			}
			if closed {
				continue
			}
			if _, err := s.refresh(ctx, c, y, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// computeSet runs every cacheable figure's batch query for the whole city, a
// few at once.
func (s *Store) computeSet(ctx context.Context, city int64, year int) (*cellSet, error) {
	at, began := s.clock.Now(), time.Now()
	q := NewQuery(year, city, fmt.Sprintf("/%d/", city))
	groups := map[string][]Figure{}
	var order []string
	for _, f := range s.reg.Figures() {
		p := f.cellPath()
		if p == "" {
			continue
		}
		k := p + "|" + f.sql.batchKey() + "|" + f.sql.Time + "|" + f.sql.Day
		if groups[k] == nil {
			order = append(order, k)
		}
		groups[k] = append(groups[k], f)
	}
	raws := make([]*rawCells, len(order))
	errs := make([]error, len(order))
	var wg sync.WaitGroup
	sem := make(chan struct{}, parallelQueries)
	for i, k := range order {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			g := groups[k]
			raws[i], errs[i] = computeCells(ctx, s.db, q, g[0].cellPath(), g)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	set := newCellSet(at, raws)
	set.cost = time.Since(began)
	return set, nil
}
