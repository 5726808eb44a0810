package points

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"zhijia/internal/platform"
)

// Key names the period containing t in points_totals: "w2026-11-23" (the week
// starting that Monday), "m2026-11", "y2026" or "all", in Asia/Shanghai.
func (p Period) Key(t time.Time) string {
	d := t.In(platform.Shanghai)
	switch p {
	case Week:
		return "w" + p.Since(t).In(platform.Shanghai).Format("2006-01-02")
	case Month:
		return "m" + d.Format("2006-01")
	case Year:
		return "y" + d.Format("2006")
	}
	return "all"
}

// districtOf is the second org on a path (a district or industry union), or 0.
func districtOf(path string) int64 {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) < 2 {
		return 0
	}
	id, _ := strconv.ParseInt(parts[1], 10, 64)
	return id
}

// Folding: a trigger queues every earned entry in points_pending as it is
// inserted (keeping four periods' totals in the awarding transaction would cost
// more than the award itself); Fold moves queued entries into the totals a
// batch at a time. The batch's DELETE … RETURNING claims its entries, so on either engine
// each entry is added once however many instances fold at the same time, and an
// entry is seen only once its award has committed.
const (
	foldBatch  = 1000
	foldOnRead = 2   // batches a leaderboard read folds at most, to stay quick
	foldChunk  = 250 // rows per upsert statement
)

// FoldInterval is how often a running server folds the queue (see FoldEvery).
const FoldInterval = time.Second

// Fold adds every queued entry to the period totals.
func (s *Store) Fold(ctx context.Context) error { return s.fold(ctx, -1) }

// FoldEvery folds the queue every interval until ctx ends, so the boards stay
// current under a steady stream of awards; any instance may run it.
func (s *Store) FoldEvery(ctx context.Context, every time.Duration, logf func(msg string, args ...any)) {
	platform.Every(ctx, every, "points: fold the leaderboards' queue", logf, s.Fold)
}

// fold folds up to rounds batches (all of them when rounds < 0). Every
// leaderboard read folds a little first, so a worker sees points on the boards
// as soon as they are earned; FoldEvery keeps a backlog from building up.
func (s *Store) fold(ctx context.Context, rounds int) error {
	var queued int
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT entry_id FROM points_pending LIMIT 1) p`).Scan(&queued)
	if err != nil || queued == 0 {
		return err
	}
	for i := 0; rounds < 0 || i < rounds; i++ {
		n, err := s.foldBatch(ctx)
		if err != nil || n < foldBatch {
			return err
		}
	}
	return nil
}

// total is what a batch adds to one (period, worker) or (period, union).
type total struct {
	period                  string
	worker, city, dist, org int64
	points, active          int64
}

func (s *Store) foldBatch(ctx context.Context) (int, error) {
	n := 0
	err := s.db.InTx(ctx, func(tx *platform.Tx) error {
		ids, err := platform.ScanIDs(tx.Query(ctx, `DELETE FROM points_pending WHERE entry_id IN (
			SELECT entry_id FROM points_pending ORDER BY entry_id LIMIT ?) RETURNING entry_id`, foldBatch))
		if err != nil {
			return fmt.Errorf("points: claim queued entries: %w", err)
		}
		if n = len(ids); n == 0 {
			return nil
		}
		workers, err := batchTotals(ctx, tx, ids)
		if err != nil {
			return err
		}
		fresh, err := upsertWorkerTotals(ctx, tx, workers)
		if err != nil {
			return err
		}
		return upsertOrgTotals(ctx, tx, workers, fresh)
	})
	return n, err
}

// batchTotals sums the claimed entries per period and worker, in entry order,
// so city, district and union are those of the worker's latest entry.
func batchTotals(ctx context.Context, tx *platform.Tx, ids []int64) ([]*total, error) {
	rows, err := tx.Query(ctx, `SELECT e.worker_id, e.city_id, e.org_id, o.path, e.amount, e.created_at
		FROM points_entries e JOIN orgs o ON o.id = e.org_id WHERE e.id IN (`+
		platform.Placeholders(len(ids))+`) ORDER BY e.id`, platform.IDArgs(ids)...)
	if err != nil {
		return nil, fmt.Errorf("points: read queued entries: %w", err)
	}
	defer rows.Close()
	byKey := map[string]*total{}
	var out []*total
	for rows.Next() {
		var t total
		var path string
		var at time.Time
		if err := rows.Scan(&t.worker, &t.city, &t.org, &path, &t.points, &at); err != nil {
			return nil, err
		}
		t.dist = districtOf(path)
		for _, p := range Periods() {
			k := p.Key(at) + ":" + strconv.FormatInt(t.worker, 10)
			if have := byKey[k]; have != nil {
				have.points += t.points
				have.city, have.dist, have.org = t.city, t.dist, t.org
				continue
			}
			row := t
			row.period = p.Key(at)
			byKey[k] = &row
			out = append(out, &row)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b *total) int { // neighbouring keys share pages
		return cmp.Or(strings.Compare(a.period, b.period), cmp.Compare(a.worker, b.worker))
	})
	return out, nil
}

// upsertWorkerTotals adds the batch to points_totals and reports which rows are
// new: a worker's first points of the period make them active in their union.
func upsertWorkerTotals(ctx context.Context, tx *platform.Tx, ts []*total) (map[string]bool, error) {
	fresh := map[string]bool{}
	for lo := 0; lo < len(ts); lo += foldChunk {
		chunk := ts[lo:min(lo+foldChunk, len(ts))]
		args := make([]any, 0, 6*len(chunk))
		added := map[string]int64{}
		for _, t := range chunk {
			args = append(args, t.period, t.worker, t.city, t.dist, t.org, t.points)
			added[t.period+":"+strconv.FormatInt(t.worker, 10)] = t.points
		}
		rows, err := tx.Query(ctx, `INSERT INTO points_totals (period, worker_id, city_id, district_id, org_id, points)
			VALUES `+values(len(chunk), 6)+` ON CONFLICT (period, worker_id) DO UPDATE SET points = points_totals.points + excluded.points,
			city_id = excluded.city_id, district_id = excluded.district_id, org_id = excluded.org_id RETURNING period, worker_id, points`, args...)
		if err != nil {
			return nil, fmt.Errorf("points: add to totals: %w", err)
		}
		for rows.Next() {
			var period string
			var worker, pts int64
			if err := rows.Scan(&period, &worker, &pts); err != nil {
				rows.Close()
				return nil, err
			}
			k := period + ":" + strconv.FormatInt(worker, 10)
			fresh[k] = pts == added[k]
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return fresh, nil
}

// upsertOrgTotals adds the batch to each union's totals and active workers.
func upsertOrgTotals(ctx context.Context, tx *platform.Tx, ts []*total, fresh map[string]bool) error {
	byKey := map[string]*total{}
	var orgs []*total
	for _, t := range ts {
		k := t.period + ":" + strconv.FormatInt(t.org, 10)
		o := byKey[k]
		if o == nil {
			o = &total{period: t.period, org: t.org}
			byKey[k] = o
			orgs = append(orgs, o)
		}
		o.points += t.points
		if fresh[t.period+":"+strconv.FormatInt(t.worker, 10)] {
			o.active++
		}
	}
	for lo := 0; lo < len(orgs); lo += foldChunk {
		chunk := orgs[lo:min(lo+foldChunk, len(orgs))]
		args := make([]any, 0, 4*len(chunk))
		for _, o := range chunk {
			args = append(args, o.period, o.org, o.points, o.active)
		}
		_, err := tx.Exec(ctx, `INSERT INTO points_org_totals (period, org_id, points, active) VALUES `+values(len(chunk), 4)+`
			ON CONFLICT (period, org_id) DO UPDATE SET points = points_org_totals.points + excluded.points,
			active = points_org_totals.active + excluded.active`, args...)
		if err != nil {
			return fmt.Errorf("points: add to union totals: %w", err)
		}
	}
	return nil
}

// values is "(?, ?), (?, ?)" for n rows of cols columns.
func values(n, cols int) string {
	row := "(" + platform.Placeholders(cols) + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}
