package points

import (
	"context"
	"fmt"
	"strconv"
	"strings"
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

// Leaders ranks workers by points earned in the period containing now, among
// workers whose latest award was booked under path (their union, district or
// city). Ties share the order of who got there first (lower worker id). It
// reads the top of points_totals, however many workers and entries there are.
func (s *Store) Leaders(ctx context.Context, path string, p Period, now time.Time, limit int) ([]Leader, error) {
	if err := s.fold(ctx, foldOnRead); err != nil {
		return nil, err
	}
	cond, arg := scopeCond(path)
	rows, err := s.db.Query(ctx, `WITH top AS (
			SELECT t.worker_id, t.points FROM points_totals t WHERE t.period = ? AND `+cond+`
			ORDER BY t.points DESC, t.worker_id LIMIT ?)
		SELECT top.worker_id, w.name, o.name, top.points FROM top JOIN workers w ON w.id = top.worker_id JOIN orgs o ON o.id = w.org_id
		ORDER BY top.points DESC, top.worker_id`, append(append([]any{p.Key(now)}, arg...), limit)...)
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

// scopeCond selects points_totals rows under path with the index that fits: the
// city's, a district's, or the few unions of a smaller subtree.
func scopeCond(path string) (string, []any) {
	ids := strings.Split(strings.Trim(path, "/"), "/")
	switch len(ids) {
	case 1:
		id, _ := strconv.ParseInt(ids[0], 10, 64)
		return "t.city_id = ?", []any{id}
	case 2:
		return "t.district_id = ?", []any{districtOf(path)}
	}
	lo, hi := platform.SubtreeRange(path)
	return "t.org_id IN (SELECT o.id FROM orgs o WHERE o.path >= ? AND o.path < ?)", []any{lo, hi}
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
func (s *Store) UnionRanking(ctx context.Context, path string, p Period, now time.Time, byRate bool, limit int) ([]UnionStanding, error) {
	if err := s.fold(ctx, foldOnRead); err != nil {
		return nil, err
	}
	lo, hi := platform.SubtreeRange(path)
	order := "avg_milli DESC, rate DESC, h.org_id"
	if byRate {
		order = "rate DESC, avg_milli DESC, h.org_id"
	}
	rows, err := s.db.Query(ctx, `WITH heads AS (
			SELECT o.id AS org_id, o.name, c.workers AS n FROM orgs o JOIN org_worker_counts c ON c.org_id = o.id
			WHERE o.path >= ? AND o.path < ? AND c.workers > 0)
		SELECT h.org_id, h.name, h.n, COALESCE(p.points, 0), COALESCE(p.active, 0),
			COALESCE(p.points, 0) * 1000 / h.n AS avg_milli, COALESCE(p.active, 0) * 1000 / h.n AS rate
		FROM heads h LEFT JOIN points_org_totals p ON p.period = ? AND p.org_id = h.org_id
		ORDER BY `+order+` LIMIT ?`, lo, hi, p.Key(now), limit)
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
