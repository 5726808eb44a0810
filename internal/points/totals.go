package points

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"zhijia/internal/platform"
)

// Key names the period containing now in points_totals: "w2026-11-23" (the
// week starting that Monday), "m2026-11", "y2026" or "all", in Asia/Shanghai.
func (p Period) Key(now time.Time) string {
	d := now.In(platform.Shanghai)
	switch p {
	case Week:
		return "w" + p.Since(now).In(platform.Shanghai).Format("2006-01-02")
	case Month:
		return "m" + d.Format("2006-01")
	case Year:
		return "y" + d.Format("2006")
	}
	return "all"
}

// periodKeys are the keys an award made at now counts towards.
func periodKeys(now time.Time) []string {
	out := make([]string, 0, 4)
	for _, p := range Periods() {
		out = append(out, p.Key(now))
	}
	return out
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

// addTotals adds an earned award to the worker's and the union's totals of
// each period containing now, in the awarding transaction. A worker's first
// award of a period makes them one more active worker of their union.
func addTotals(ctx context.Context, tx *platform.Tx, now time.Time, a Award) error {
	keys := periodKeys(now)
	district := districtOf(a.OrgPath)
	args := make([]any, 0, 6*len(keys))
	for _, k := range keys {
		args = append(args, k, a.WorkerID, a.CityID, district, a.OrgID, a.Amount)
	}
	rows, err := tx.Query(ctx, `INSERT INTO points_totals (period, worker_id, city_id, district_id, org_id, points)
		VALUES `+values(len(keys), 6)+` ON CONFLICT (period, worker_id) DO UPDATE SET points = points_totals.points + excluded.points,
		city_id = excluded.city_id, district_id = excluded.district_id, org_id = excluded.org_id RETURNING period, points`, args...)
	if err != nil {
		return fmt.Errorf("points: totals of %d: %w", a.WorkerID, err)
	}
	fresh := map[string]bool{}
	for rows.Next() {
		var k string
		var pts int64
		if err := rows.Scan(&k, &pts); err != nil {
			rows.Close()
			return err
		}
		fresh[k] = pts == a.Amount
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	args = args[:0]
	for _, k := range keys {
		active := 0
		if fresh[k] {
			active = 1
		}
		args = append(args, k, a.OrgID, a.Amount, active)
	}
	_, err = tx.Exec(ctx, `INSERT INTO points_org_totals (period, org_id, points, active) VALUES `+values(len(keys), 4)+`
		ON CONFLICT (period, org_id) DO UPDATE SET points = points_org_totals.points + excluded.points,
		active = points_org_totals.active + excluded.active`, args...)
	if err != nil {
		return fmt.Errorf("points: union totals of %d: %w", a.OrgID, err)
	}
	return nil
}

// values is "(?, ?), (?, ?)" for n rows of cols columns.
func values(n, cols int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}
