package learning

import (
	"context"
	"fmt"
	"time"

	"zhijia/internal/platform"
)

// YearReport is what a subtree did in a year: the figures the brand reports.
type YearReport struct {
	Year           int
	EventsByKind   map[EventKind]int
	Events         int
	CheckIns       int
	WorkersReached int // distinct workers checked in
	UnitsReached   int // distinct unions their check-ins were booked to
	Quizzes        int // submitted daily quizzes
	QuizWorkers    int // distinct workers who submitted one
	PointsEarned   int64
}

// Report gathers the year's figures for the actor's subtree.
func (s *Store) Report(ctx context.Context, year int) (*YearReport, error) {
	a, err := staffActor(ctx)
	if err != nil {
		return nil, err
	}
	lo, hi := platform.SubtreeRange(a.OrgPath)
	from := time.Date(year, 1, 1, 0, 0, 0, 0, platform.Shanghai).UTC()
	to := time.Date(year+1, 1, 1, 0, 0, 0, 0, platform.Shanghai).UTC()
	r := &YearReport{Year: year, EventsByKind: map[EventKind]int{}}
	rows, err := s.db.Query(ctx, `SELECT e.kind, COUNT(*) FROM learning_events e JOIN orgs o ON o.id = e.org_id
		WHERE o.path >= ? AND o.path < ? AND e.starts_at >= ? AND e.starts_at < ? GROUP BY e.kind`, lo, hi, from, to)
	if err != nil {
		return nil, fmt.Errorf("learning: report events: %w", err)
	}
	for rows.Next() {
		var k EventKind
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			rows.Close()
			return nil, err
		}
		r.EventsByKind[k], r.Events = n, r.Events+n
	}
	rows.Close()
	err = s.db.QueryRow(ctx, `SELECT COUNT(*), COUNT(DISTINCT c.worker_id), COUNT(DISTINCT c.org_id) FROM learning_checkins c
		JOIN learning_events e ON e.id = c.event_id JOIN orgs o ON o.id = e.org_id
		WHERE o.path >= ? AND o.path < ? AND e.starts_at >= ? AND e.starts_at < ?`, lo, hi, from, to).
		Scan(&r.CheckIns, &r.WorkersReached, &r.UnitsReached)
	if err != nil {
		return nil, fmt.Errorf("learning: report check-ins: %w", err)
	}
	err = s.db.QueryRow(ctx, `SELECT COUNT(*), COUNT(DISTINCT a.worker_id) FROM learning_attempts a JOIN orgs o ON o.id = a.org_id
		WHERE o.path >= ? AND o.path < ? AND a.quiz_date >= ? AND a.quiz_date < ? AND a.status = 'submitted'`,
		lo, hi, fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-01-01", year+1)).Scan(&r.Quizzes, &r.QuizWorkers)
	if err != nil {
		return nil, fmt.Errorf("learning: report quizzes: %w", err)
	}
	err = s.db.QueryRow(ctx, `SELECT CAST(COALESCE(SUM(e.amount), 0) AS BIGINT) FROM points_entries e JOIN orgs o ON o.id = e.org_id
		WHERE o.path >= ? AND o.path < ? AND e.created_at >= ? AND e.created_at < ? AND e.amount > 0 AND e.refund = 0`,
		lo, hi, from, to).Scan(&r.PointsEarned)
	if err != nil {
		return nil, fmt.Errorf("learning: report points: %w", err)
	}
	return r, nil
}
