package points

import (
	"context"
	"fmt"
	"time"

	"zhijia/internal/platform"
)

// Period of a leaderboard.
type Period string

const (
	Week  Period = "week"
	Month Period = "month"
	Year  Period = "year"
	All   Period = "all"
)

// Periods lists them in display order.
func Periods() []Period { return []Period{Week, Month, Year, All} }

// Since is the start of the period containing now (weeks start on Monday,
// all in Asia/Shanghai); the zero time for All.
func (p Period) Since(now time.Time) time.Time {
	d := now.In(platform.Shanghai)
	day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, platform.Shanghai)
	switch p {
	case Week:
		return day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7)).UTC()
	case Month:
		return day.AddDate(0, 0, 1-day.Day()).UTC()
	case Year:
		return time.Date(d.Year(), 1, 1, 0, 0, 0, 0, platform.Shanghai).UTC()
	}
	return time.Time{}
}

// Leader is one worker on a leaderboard.
type Leader struct {
	Rank     int
	WorkerID int64
	Name     string // as stored; callers mask it
	OrgName  string
	Points   int64
}

// Leaders ranks workers by points earned since a time, among entries booked to
// unions under path (their union, district or city). Ties share the order of
// who got there first (lower worker id).
func (s *Store) Leaders(ctx context.Context, path string, since time.Time, limit int) ([]Leader, error) {
	lo, hi := platform.SubtreeRange(path)
	rows, err := s.db.Query(ctx, `WITH top AS (
			SELECT e.worker_id, CAST(SUM(e.amount) AS BIGINT) AS pts FROM points_entries e JOIN orgs o ON o.id = e.org_id
			WHERE o.path >= ? AND o.path < ? AND e.created_at >= ? AND e.amount > 0 AND e.refund = 0
			GROUP BY e.worker_id ORDER BY SUM(e.amount) DESC, e.worker_id LIMIT ?)
		SELECT top.worker_id, w.name, o.name, top.pts FROM top JOIN workers w ON w.id = top.worker_id JOIN orgs o ON o.id = w.org_id
		ORDER BY top.pts DESC, top.worker_id`, lo, hi, since, limit)
	if err != nil {
		return nil, fmt.Errorf("points: leaders: %w", err)
	}
	defer rows.Close()
	var out []Leader
	for rows.Next() {
		l := Leader{Rank: len(out) + 1}
		if err := rows.Scan(&l.WorkerID, &l.Name, &l.OrgName, &l.Points); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// UnionStanding is one union on the union leaderboard.
type UnionStanding struct {
	Rank         int
	OrgID        int64
	Name         string
	Headcount    int
	Points       int64
	Active       int   // workers who earned points in the period
	AvgMilli     int64 // points per worker × 1000
	RatePermille int64 // active ÷ headcount × 1000
}

// Avg is the average points per worker, for display.
func (u UnionStanding) Avg() float64 { return float64(u.AvgMilli) / 1000 }

// Rate is the participation rate in percent, for display.
func (u UnionStanding) Rate() float64 { return float64(u.RatePermille) / 10 }

// UnionRanking ranks the unions under path that have workers by average points
// per worker (byRate false) or by participation rate, so a small union can lead.
func (s *Store) UnionRanking(ctx context.Context, path string, since time.Time, byRate bool, limit int) ([]UnionStanding, error) {
	lo, hi := platform.SubtreeRange(path)
	order := "avg_milli DESC, rate DESC, h.org_id"
	if byRate {
		order = "rate DESC, avg_milli DESC, h.org_id"
	}
	rows, err := s.db.Query(ctx, `WITH heads AS (
			SELECT w.org_id, COUNT(*) AS n FROM workers w JOIN orgs o ON o.id = w.org_id
			WHERE o.path >= ? AND o.path < ? GROUP BY w.org_id),
		pts AS (
			SELECT e.org_id, CAST(SUM(e.amount) AS BIGINT) AS total, COUNT(DISTINCT e.worker_id) AS active FROM points_entries e
			JOIN orgs o ON o.id = e.org_id WHERE o.path >= ? AND o.path < ? AND e.created_at >= ? AND e.amount > 0 AND e.refund = 0
			GROUP BY e.org_id)
		SELECT h.org_id, o.name, h.n, COALESCE(p.total, 0), COALESCE(p.active, 0),
			COALESCE(p.total, 0) * 1000 / h.n AS avg_milli, COALESCE(p.active, 0) * 1000 / h.n AS rate
		FROM heads h JOIN orgs o ON o.id = h.org_id LEFT JOIN pts p ON p.org_id = h.org_id
		ORDER BY `+order+` LIMIT ?`, lo, hi, lo, hi, since, limit)
	if err != nil {
		return nil, fmt.Errorf("points: union ranking: %w", err)
	}
	defer rows.Close()
	var out []UnionStanding
	for rows.Next() {
		u := UnionStanding{Rank: len(out) + 1}
		if err := rows.Scan(&u.OrgID, &u.Name, &u.Headcount, &u.Points, &u.Active, &u.AvgMilli, &u.RatePermille); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
