package care

import (
	"context"
	"fmt"
	"time"

	"zhijia/internal/platform"
)

// DrawRecord is one draw of an activity as kept on record: a re-draw has its
// reason, and every draw the seed it used and the hash published for it.
type DrawRecord struct {
	Seq      int       `json:"seq"`
	Seed     string    `json:"seed"`
	SeedHash string    `json:"seed_hash"`
	Reason   string    `json:"reason,omitempty"`
	Entrants int       `json:"entrants"`
	DrawnAt  time.Time `json:"drawn_at"`
	DrawnBy  string    `json:"drawn_by"`
}

// Draws lists an activity's draws, first first, for staff who see the activity.
func (s *Store) Draws(ctx context.Context, activityID int64) ([]DrawRecord, error) {
	if _, err := s.Activity(ctx, activityID); err != nil {
		return nil, err
	}
	return s.draws(ctx, activityID)
}

// draws is Draws for an activity the caller has already checked.
func (s *Store) draws(ctx context.Context, activityID int64) ([]DrawRecord, error) {
	rows, err := s.db.Query(ctx, `SELECT seq, seed, seed_hash, reason, entrants, drawn_at, drawn_by_name FROM care_draws
		WHERE activity_id = ? ORDER BY seq`, activityID)
	if err != nil {
		return nil, fmt.Errorf("care: draws: %w", err)
	}
	defer rows.Close()
	var out []DrawRecord
	for rows.Next() {
		var d DrawRecord
		if err := rows.Scan(&d.Seq, &d.Seed, &d.SeedHash, &d.Reason, &d.Entrants, &d.DrawnAt, &d.DrawnBy); err != nil {
			return nil, fmt.Errorf("care: draws: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Attendance lists an activity's confirmed places with when each worker came
// (those who came first, by time; then those who did not).
func (s *Store) Attendance(ctx context.Context, activityID int64, limit, offset int) ([]*Signup, int, error) {
	if _, err := s.Activity(ctx, activityID); err != nil {
		return nil, 0, err
	}
	rows, err := s.db.Query(ctx, `SELECT `+signupCols+`, COUNT(*) OVER()`+signupFrom+` WHERE g.activity_id = ?
		AND g.status = 'confirmed' ORDER BY CASE WHEN g.attended_at IS NULL THEN 1 ELSE 0 END, g.attended_at, g.session_id, g.id
		LIMIT ? OFFSET ?`, activityID, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("care: attendance: %w", err)
	}
	return platform.ScanPage(rows, func(total *int) (*Signup, error) { return scanSignup(rows, total) })
}
