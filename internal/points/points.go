// Package points is the points ledger (积分流水) every programme uses: entries
// are appended and never changed (a correction is a new entry), each carries a
// source that makes an award idempotent, and a balance per worker is kept in the
// same transaction, never below zero.
package points

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"zhijia/internal/platform"
)

// Award is one change a programme posts: positive to earn, negative to spend.
type Award struct {
	WorkerID int64
	Amount   int64
	Reason   string // shown to the worker, e.g. "每日答题 答对 5/5"
	Source   string // unique key of the award, e.g. "quiz:2026-05-01:42"
	Refund   bool   // points given back (a cancelled redemption): balance only, not earned
	// The worker's city and union when the caller has them at hand (it saves
	// reading them again); read from the registry when OrgID is 0.
	CityID, OrgID int64
}

// Entry is one stored ledger row.
type Entry struct {
	ID, CityID, WorkerID, OrgID int64
	Amount                      int64
	Reason, Source              string
	CreatedAt                   time.Time
}

// Balance is a worker's standing: what they can spend and what they ever earned.
type Balance struct {
	WorkerID int64
	Balance  int64
	Earned   int64
}

// Validate checks an award before it is posted.
func (a Award) Validate() error {
	v := platform.Invalid()
	if a.WorkerID <= 0 {
		v.Field("worker_id", "points.err.worker")
	}
	if a.Amount == 0 {
		v.Field("amount", "points.err.amount")
	}
	if r := strings.TrimSpace(a.Reason); r == "" || utf8.RuneCountInString(r) > 200 {
		v.Field("reason", "points.err.reason")
	}
	if s := strings.TrimSpace(a.Source); s == "" || len(s) > 200 {
		v.Field("source", "points.err.source")
	}
	return v.OrNil()
}

// ErrInsufficient is returned when spending would take a balance below zero.
var ErrInsufficient = platform.Errorf(platform.CodeConflict, "points.err.insufficient")

// Post appends the award to the ledger inside the caller's transaction and moves
// the worker's balance. posted is false when the same source was recorded
// before: the award then counts once and nothing changes. Spending more than
// the balance returns ErrInsufficient, and the caller's transaction must roll back.
func Post(ctx context.Context, tx *platform.Tx, now time.Time, a Award) (posted bool, err error) {
	if err := a.Validate(); err != nil {
		return false, err
	}
	if a.OrgID == 0 {
		err = tx.QueryRow(ctx, `SELECT city_id, org_id FROM workers WHERE id = ?`, a.WorkerID).Scan(&a.CityID, &a.OrgID)
		if errors.Is(err, sql.ErrNoRows) {
			return false, platform.NotFound
		}
		if err != nil {
			return false, fmt.Errorf("points: worker %d: %w", a.WorkerID, err)
		}
	}
	cityID, orgID := a.CityID, a.OrgID
	refund := 0
	if a.Refund {
		refund = 1
	}
	// A trigger queues an earned entry for the leaderboards (see Fold).
	res, err := tx.Exec(ctx, `INSERT INTO points_entries (city_id, worker_id, org_id, amount, refund, reason, source, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (city_id, source) DO NOTHING`,
		cityID, a.WorkerID, orgID, a.Amount, refund, strings.TrimSpace(a.Reason), strings.TrimSpace(a.Source), now)
	if err != nil {
		return false, fmt.Errorf("points: post %s: %w", a.Source, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil // posted before
	}
	if a.Amount > 0 {
		earned := a.Amount
		if a.Refund {
			earned = 0
		}
		_, err = tx.Exec(ctx, `INSERT INTO points_balances (worker_id, city_id, balance, earned, updated_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (worker_id) DO UPDATE SET balance = points_balances.balance + excluded.balance,
			earned = points_balances.earned + excluded.earned, updated_at = excluded.updated_at`,
			a.WorkerID, cityID, a.Amount, earned, now)
		if err != nil {
			return false, fmt.Errorf("points: credit %d: %w", a.WorkerID, err)
		}
		return true, nil
	}
	res, err = tx.Exec(ctx, `UPDATE points_balances SET balance = balance + ?, updated_at = ?
		WHERE worker_id = ? AND balance + ? >= 0`, a.Amount, now, a.WorkerID, a.Amount)
	if err != nil {
		return false, fmt.Errorf("points: debit %d: %w", a.WorkerID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, ErrInsufficient
	}
	return true, nil
}
