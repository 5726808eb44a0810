package care

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
)

// expireBatch bounds the overdue offers one pass reads; a pass repeats until
// fewer are left.
const expireBatch = 1000

// overdue is an offer whose confirmation deadline has passed.
type overdue struct{ id, session, activity int64 }

// ExpireOffers takes back, across all activities, every offered place not
// confirmed by its deadline and passes it to the first waiting worker of its
// session in draw order. `serve` runs it periodically, so places move on their
// own rather than when somebody next looks. Several instances may run it at
// once: each offer is expired by a guarded update that only one run can win,
// and only the winner promotes. Each activity's expiries are one transaction
// with one audit row by the system. It returns how many offers expired.
func (s *Store) ExpireOffers(ctx context.Context, now time.Time) (int, error) {
	return s.expireOffers(ctx, now.UTC(), 0)
}

// expireOffers is ExpireOffers for one activity (activityID > 0) or all.
func (s *Store) expireOffers(ctx context.Context, now time.Time, activityID int64) (int, error) {
	ctx = platform.WithActor(ctx, platform.System("care.offers"))
	total := 0
	for {
		due, err := s.overdueOffers(ctx, now, activityID)
		if err != nil {
			return total, err
		}
		for lo := 0; lo < len(due); {
			hi := lo + 1
			for hi < len(due) && due[hi].activity == due[lo].activity {
				hi++
			}
			n, err := s.expireActivity(ctx, now, due[lo].activity, due[lo:hi])
			total += n
			if err != nil {
				return total, err
			}
			lo = hi
		}
		if len(due) < expireBatch {
			return total, nil
		}
	}
}

// overdueOffers lists offers past their deadline, by activity, session and rank.
func (s *Store) overdueOffers(ctx context.Context, now time.Time, activityID int64) ([]overdue, error) {
	rows, err := s.db.Query(ctx, `SELECT id, session_id, activity_id FROM care_signups
		WHERE status = 'offered' AND confirm_by < ? AND (activity_id = ? OR ? = 0)
		ORDER BY activity_id, session_id, draw_rank LIMIT ?`, now, activityID, activityID, expireBatch)
	if err != nil {
		return nil, fmt.Errorf("care: overdue offers: %w", err)
	}
	defer rows.Close()
	var out []overdue
	for rows.Next() {
		var d overdue
		if err := rows.Scan(&d.id, &d.session, &d.activity); err != nil {
			return nil, fmt.Errorf("care: overdue offers: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// expireActivity expires one activity's overdue offers, promotes the waitlist
// for each place that came free, and records it. Every offer is expired
// before any session is touched, so the locks are taken in the order a
// worker's Cancel takes them (sign-up, then session) and the two never wait
// for each other in a circle.
func (s *Store) expireActivity(ctx context.Context, now time.Time, activityID int64, due []overdue) (int, error) {
	n := 0
	err := s.db.InTx(ctx, func(tx *platform.Tx) error {
		var freed []int64 // the session of each offer this run expired
		for _, d := range due {
			res, err := tx.Exec(ctx, `UPDATE care_signups SET status = 'expired', decided_at = ?
				WHERE id = ? AND status = 'offered' AND confirm_by < ?`, now, d.id, now)
			if err != nil {
				return fmt.Errorf("care: expire: %w", err)
			}
			if k, _ := res.RowsAffected(); k == 1 {
				freed = append(freed, d.session)
			} // else confirmed, withdrawn or expired by another run meanwhile
		}
		for _, session := range freed {
			if err := s.release(ctx, tx, session, now); err != nil {
				return err
			}
		}
		if n = len(freed); n == 0 {
			return nil
		}
		act, _, err := loadActivity(ctx, tx, activityID)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "care.activity.expire", EntityType: "care_activity",
			EntityID: strconv.FormatInt(act.ID, 10), OrgID: act.OrgID, OrgPath: act.OrgPath,
			Summary: fmt.Sprintf("%s：%d 人未在期限内确认，名额按摇号顺序递补候补", act.Title, n)})
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
