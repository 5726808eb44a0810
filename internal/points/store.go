package points

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

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

// EntryFilter selects ledger entries for the console's ledger search.
type EntryFilter struct {
	Path     string // entries booked to unions under this path
	WorkerID int64
	Source   string // a prefix: "quiz:", "event:", "order:"
	From, To time.Time
	Limit    int
	Offset   int
}

// EntryRow is an entry with its worker's name (as stored; callers mask it).
type EntryRow struct {
	Entry
	WorkerName, OrgName string
	Refund              bool
}

// FindEntries searches the ledger, newest first, with the total count.
func (s *Store) FindEntries(ctx context.Context, f EntryFilter) ([]EntryRow, int, error) {
	lo, hi := platform.SubtreeRange(f.Path)
	where, args := []string{"o.path >= ? AND o.path < ?"}, []any{lo, hi}
	if f.WorkerID > 0 {
		where, args = append(where, "e.worker_id = ?"), append(args, f.WorkerID)
	}
	if f.Source != "" {
		esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(f.Source)
		where, args = append(where, `e.source LIKE ? ESCAPE '\'`), append(args, esc+"%")
	}
	if !f.From.IsZero() {
		where, args = append(where, "e.created_at >= ?"), append(args, f.From)
	}
	if !f.To.IsZero() {
		where, args = append(where, "e.created_at < ?"), append(args, f.To)
	}
	rows, err := s.db.Query(ctx, `SELECT e.id, e.city_id, e.worker_id, e.org_id, e.amount, e.reason, e.source, e.created_at,
		w.name, o.name, e.refund, COUNT(*) OVER() FROM points_entries e JOIN orgs o ON o.id = e.org_id JOIN workers w ON w.id = e.worker_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY e.id DESC LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("points: find entries: %w", err)
	}
	defer rows.Close()
	var out []EntryRow
	total := 0
	for rows.Next() {
		var r EntryRow
		var refund int
		if err := rows.Scan(&r.ID, &r.CityID, &r.WorkerID, &r.OrgID, &r.Amount, &r.Reason, &r.Source, &r.CreatedAt,
			&r.WorkerName, &r.OrgName, &refund, &total); err != nil {
			return nil, 0, err
		}
		r.Refund = refund == 1
		out = append(out, r)
	}
	return out, total, rows.Err()
}
