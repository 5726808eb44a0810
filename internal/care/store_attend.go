package care

import (
	"context"
	"fmt"

	"zhijia/internal/platform"
)

// Attend records that the signed-in worker, holding a confirmed place, came to
// the activity: they scanned the activity's check-in code. Scanning again
// changes nothing.
func (s *Store) Attend(ctx context.Context, activityID int64, token string) (*Signup, error) {
	w, err := workerActor(ctx)
	if err != nil {
		return nil, err
	}
	if activityID <= 0 || !s.signer.valid(-activityID, token) {
		return nil, platform.Errorf(platform.CodeInvalid, "care.err.qr")
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now().UTC()
		var status string
		var attended *string
		err := tx.QueryRow(ctx, `SELECT id, status, CASE WHEN attended_at IS NULL THEN NULL ELSE 'y' END FROM care_signups
			WHERE activity_id = ? AND worker_id = ?`, activityID, w.WorkerID).Scan(&id, &status, &attended)
		if err != nil || status != SignupConfirmed {
			return platform.Errorf(platform.CodeConflict, "care.err.not_confirmed")
		}
		if attended != nil {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE care_signups SET attended_at = ? WHERE id = ? AND attended_at IS NULL`, now, id); err != nil {
			return fmt.Errorf("care: attend: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.MySignup(ctx, id)
}

// attendance counts an activity's confirmed places and how many came.
func attendance(ctx context.Context, q queryer, a *Activity) error {
	err := q.QueryRow(ctx, `SELECT COUNT(*), COUNT(attended_at) FROM care_signups WHERE activity_id = ? AND status = 'confirmed'`,
		a.ID).Scan(&a.Confirmed, &a.Attended)
	if err != nil {
		return fmt.Errorf("care: attendance: %w", err)
	}
	return nil
}
