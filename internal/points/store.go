package points

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"zhijia/internal/platform"
)

// Store reads the ledger and posts awards in their own transaction.
type Store struct {
	db    *platform.DB
	clock platform.Clock
}

// NewStore returns a Store on db stamping entries with clock.
func NewStore(db *platform.DB, clock platform.Clock) *Store { return &Store{db: db, clock: clock} }

// Award posts one award in its own transaction (see Post).
func (s *Store) Award(ctx context.Context, a Award) (posted bool, err error) {
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		posted, err = Post(ctx, tx, s.clock.Now().UTC(), a)
		return err
	})
	return posted, err
}

// BalanceOf returns a worker's balance; a worker with no entries has zero.
func (s *Store) BalanceOf(ctx context.Context, workerID int64) (Balance, error) {
	b := Balance{WorkerID: workerID}
	err := s.db.QueryRow(ctx, `SELECT balance, earned FROM points_balances WHERE worker_id = ?`, workerID).Scan(&b.Balance, &b.Earned)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return b, fmt.Errorf("points: balance %d: %w", workerID, err)
	}
	return b, nil
}

// History lists a worker's latest entries, newest first.
func (s *Store) History(ctx context.Context, workerID int64, limit int) ([]Entry, error) {
	rows, err := s.db.Query(ctx, `SELECT id, city_id, worker_id, org_id, amount, reason, source, created_at
		FROM points_entries WHERE worker_id = ? ORDER BY id DESC LIMIT ?`, workerID, limit)
	if err != nil {
		return nil, fmt.Errorf("points: history %d: %w", workerID, err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.ID, &e.CityID, &e.WorkerID, &e.OrgID, &e.Amount, &e.Reason, &e.Source, &e.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Mismatch is a worker whose stored balance differs from the sum of their entries.
type Mismatch struct {
	WorkerID               int64
	Balance, Sum           int64
	Earned, SumOfPositives int64
}

// Check proves the ledger: for every worker with entries or a balance row, the
// balance equals the sum of their entries and the lifetime earnings the sum of
// the positive ones that are not refunds. An empty result means the ledger is sound.
func (s *Store) Check(ctx context.Context) ([]Mismatch, error) {
	rows, err := s.db.Query(ctx, `WITH sums AS (
			SELECT worker_id, SUM(amount) AS total, SUM(CASE WHEN amount > 0 AND refund = 0 THEN amount ELSE 0 END) AS plus
			FROM points_entries GROUP BY worker_id),
		ids AS (SELECT worker_id FROM sums UNION SELECT worker_id FROM points_balances)
		SELECT ids.worker_id, COALESCE(b.balance, 0), COALESCE(s.total, 0), COALESCE(b.earned, 0), COALESCE(s.plus, 0)
		FROM ids LEFT JOIN sums s ON s.worker_id = ids.worker_id LEFT JOIN points_balances b ON b.worker_id = ids.worker_id
		WHERE COALESCE(b.balance, 0) <> COALESCE(s.total, 0) OR COALESCE(b.earned, 0) <> COALESCE(s.plus, 0)
		   OR COALESCE(b.balance, 0) < 0
		ORDER BY ids.worker_id`)
	if err != nil {
		return nil, fmt.Errorf("points: check: %w", err)
	}
	defer rows.Close()
	var out []Mismatch
	for rows.Next() {
		var m Mismatch
		if err := rows.Scan(&m.WorkerID, &m.Balance, &m.Sum, &m.Earned, &m.SumOfPositives); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
