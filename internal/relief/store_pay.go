package relief

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"zhijia/internal/audit"
	"zhijia/internal/auth"
	"zhijia/internal/people"
	"zhijia/internal/platform"
	"zhijia/internal/review"
)

// timeOrNull scans a nullable timestamp.
type timeOrNull struct{ sql.NullTime }

func (t timeOrNull) ptr() *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time
	return &v
}

// Grant is one level's part of an application's aid and its payment.
type Grant struct {
	ID, ApplicationID int64
	OrgID             int64
	OrgName, Level    string
	Amount            int64
	Status            string // committed, batched, paid, revoked
	BatchID           int64
	BankRef           string
	PaidAt            *time.Time
}

func (s *Store) grants(ctx context.Context, appID int64) ([]Grant, error) {
	rows, err := s.db.Query(ctx, `SELECT g.id, g.application_id, g.org_id, o.name, g.level, g.amount, g.status,
		COALESCE(g.batch_id, 0), g.bank_ref, g.paid_at FROM relief_grants g JOIN orgs o ON o.id = g.org_id
		WHERE g.application_id = ? ORDER BY g.id`, appID)
	if err != nil {
		return nil, fmt.Errorf("relief: grants: %w", err)
	}
	defer rows.Close()
	var out []Grant
	for rows.Next() {
		var g Grant
		var paid timeOrNull
		if err := rows.Scan(&g.ID, &g.ApplicationID, &g.OrgID, &g.OrgName, &g.Level, &g.Amount, &g.Status, &g.BatchID, &g.BankRef, &paid); err != nil {
			return nil, err
		}
		g.PaidAt = paid.ptr()
		out = append(out, g)
	}
	return out, rows.Err()
}

// Batch is a level's payment batch.
type Batch struct {
	ID, OrgID     int64
	OrgName       string
	Status        string // open (exported to the bank), paid
	Grants        int
	Total         int64
	BankRef       string
	CreatedByName string
	CreatedAt     time.Time
	PaidAt        *time.Time
	Lines         []BatchLine
	path          string
}

// BatchLine is one grant in a batch; Name and the payee's account are masked
// unless exported.
type BatchLine struct {
	GrantID, ApplicationID int64
	Name, Union            string
	Payee                  Payee
	Amount                 int64
	Status                 string
}

// payable selects the actor's level's grants ready to pay: committed, in no
// batch, their application's notice over and no objection open.
const payable = `FROM relief_grants g JOIN relief_applications a ON a.id = g.application_id
	WHERE g.org_id = ? AND g.status = 'committed' AND g.batch_id IS NULL AND a.status = 'notice' AND a.notice_until < ?`

// Payable counts and sums the grants of the actor's own org ready for a batch.
func (s *Store) Payable(ctx context.Context) (n int, total int64, err error) {
	a := platform.ActorFrom(ctx)
	if a == nil || a.OrgID == 0 {
		return 0, 0, nil
	}
	err = s.db.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(g.amount), 0) `+payable, a.OrgID, review.Today(s.now())).Scan(&n, &total)
	return n, total, err
}

// CreateBatch gathers every payable grant of the actor's own level into a new
// batch. A grant joins one batch only: the update takes grants still in none.
func (s *Store) CreateBatch(ctx context.Context) (*Batch, error) {
	a, err := staffActor(ctx)
	if err != nil {
		return nil, err
	}
	var b Batch
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.now()
		var programme int64
		err := tx.QueryRow(ctx, `SELECT f.programme_id FROM relief_funds f JOIN relief_programmes p ON p.id = f.programme_id
			WHERE f.org_id = ? ORDER BY p.year DESC LIMIT 1`, a.OrgID).Scan(&programme)
		if errors.Is(err, sql.ErrNoRows) {
			return platform.Errorf(platform.CodeConflict, "relief.err.nothing_to_pay")
		}
		if err != nil {
			return fmt.Errorf("relief: batch programme: %w", err)
		}
		if err := tx.QueryRow(ctx, `INSERT INTO relief_batches (city_id, programme_id, org_id, org_path, created_by_name, created_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, cityOf(a.OrgPath), programme, a.OrgID, a.OrgPath, a.Name, now).Scan(&b.ID); err != nil {
			return fmt.Errorf("relief: batch: %w", err)
		}
		res, err := tx.Exec(ctx, `UPDATE relief_grants SET batch_id = ?, status = 'batched' WHERE id IN (SELECT g.id `+payable+`)`,
			b.ID, a.OrgID, review.Today(now))
		if err != nil {
			return fmt.Errorf("relief: batch grants: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return platform.Errorf(platform.CodeConflict, "relief.err.nothing_to_pay")
		}
		if err := tx.QueryRow(ctx, `UPDATE relief_batches SET grants = (SELECT COUNT(*) FROM relief_grants WHERE batch_id = ?),
			total = (SELECT SUM(amount) FROM relief_grants WHERE batch_id = ?) WHERE id = ? RETURNING grants, total`,
			b.ID, b.ID, b.ID).Scan(&b.Grants, &b.Total); err != nil {
			return fmt.Errorf("relief: batch totals: %w", err)
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "relief.batch", EntityType: "relief_batch", EntityID: strconv.FormatInt(b.ID, 10),
			Summary: fmt.Sprintf("发放批次 %d 笔 共%d分", b.Grants, b.Total)})
	})
	if err != nil {
		return nil, err
	}
	return s.Batch(ctx, b.ID, false)
}

// Batches lists payment batches of levels in the actor's subtree, newest first.
func (s *Store) Batches(ctx context.Context, limit int) ([]Batch, error) {
	a := platform.ActorFrom(ctx)
	if a == nil || a.OrgPath == "" || a.Kind == "worker" {
		return nil, nil
	}
	lo, hi := platform.SubtreeRange(a.OrgPath)
	rows, err := s.db.Query(ctx, `SELECT `+batchColumns+` WHERE b.org_path >= ? AND b.org_path < ? ORDER BY b.created_at DESC, b.id DESC LIMIT ?`, lo, hi, limit)
	if err != nil {
		return nil, fmt.Errorf("relief: batches: %w", err)
	}
	defer rows.Close()
	var out []Batch
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *b)
	}
	return out, rows.Err()
}

const batchColumns = `b.id, b.org_id, o.name, b.status, b.grants, b.total, b.bank_ref, b.created_by_name, b.created_at, b.paid_at, b.org_path
	FROM relief_batches b JOIN orgs o ON o.id = b.org_id`

func scanBatch(r interface{ Scan(...any) error }) (*Batch, error) {
	var b Batch
	var paid timeOrNull
	if err := r.Scan(&b.ID, &b.OrgID, &b.OrgName, &b.Status, &b.Grants, &b.Total, &b.BankRef, &b.CreatedByName, &b.CreatedAt, &paid, &b.path); err != nil {
		return nil, err
	}
	b.PaidAt = paid.ptr()
	return &b, nil
}

// Batch returns one batch in the actor's subtree with its lines; clear names
// (for the bank) only when reveal is set, which the caller audits.
func (s *Store) Batch(ctx context.Context, id int64, reveal bool) (*Batch, error) {
	a := platform.ActorFrom(ctx)
	b, err := scanBatch(s.db.QueryRow(ctx, `SELECT `+batchColumns+` WHERE b.id = ?`, id))
	if err != nil || a == nil || a.Kind == "worker" || !a.Covers(b.path) {
		return nil, platform.NotFound
	}
	account := "ap.payee_account_masked"
	if reveal {
		account = "ap.payee_account_sealed"
	}
	rows, err := s.db.Query(ctx, `SELECT g.id, g.application_id, w.name, o.name, g.amount, g.status, ap.payee_name, ap.payee_bank, `+account+`
		FROM relief_grants g JOIN workers w ON w.id = g.worker_id JOIN relief_applications ap ON ap.id = g.application_id
		JOIN orgs o ON o.id = ap.org_id WHERE g.batch_id = ? ORDER BY g.id`, id)
	if err != nil {
		return nil, fmt.Errorf("relief: batch lines: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var l BatchLine
		if err := rows.Scan(&l.GrantID, &l.ApplicationID, &l.Name, &l.Union, &l.Amount, &l.Status, &l.Payee.Name, &l.Payee.Bank,
			&l.Payee.Account); err != nil {
			return nil, err
		}
		if !reveal {
			l.Name, l.Payee.Name = people.MaskName(l.Name), people.MaskName(l.Payee.Name)
		} else if l.Payee.Account != "" {
			if l.Payee.Account, err = s.keys.Open(l.Payee.Account); err != nil {
				return nil, fmt.Errorf("relief: batch %d line %d account: %w", id, l.GrantID, err)
			}
		}
		b.Lines = append(b.Lines, l)
	}
	return b, rows.Err()
}

// ExportBatch returns a batch with clear names and full account numbers for the
// bank's file, for holders of people.reveal only, audited as a reveal in its own
// transaction before anything is sent (the caller encrypts the file).
func (s *Store) ExportBatch(ctx context.Context, id int64) (*Batch, error) {
	if !auth.Can(platform.ActorFrom(ctx), auth.PermPeopleReveal) {
		if _, err := s.Batch(ctx, id, false); err != nil {
			return nil, err
		}
		return nil, platform.Errorf(platform.CodeForbidden, "relief.err.reveal_forbidden")
	}
	b, err := s.Batch(ctx, id, true)
	if err != nil {
		return nil, err
	}
	missing := 0
	for _, l := range b.Lines {
		if l.Payee.Account == "" {
			missing++
		}
	}
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		return audit.Record(ctx, tx, s.now(), audit.Entry{Action: "relief.batch_export", EntityType: "relief_batch",
			EntityID: strconv.FormatInt(id, 10), OrgID: b.OrgID, OrgPath: b.path,
			Summary: fmt.Sprintf("导出银行发放文件（含实名与完整银行账号，已加密）%d 笔，缺收款账户 %d 笔", len(b.Lines), missing)})
	})
	return b, err
}

// MarkPaid records the bank's reference for a batch: its grants are paid once,
// the level's fund counts them as paid, and an application whose every grant
// is paid becomes paid.
func (s *Store) MarkPaid(ctx context.Context, id int64, bankRef string) error {
	b, err := s.Batch(ctx, id, false)
	if err != nil {
		return err
	}
	bankRef = strings.TrimSpace(bankRef)
	if bankRef == "" || len(bankRef) > 100 {
		return platform.Invalid().Field("bank_ref", "relief.err.bank_ref")
	}
	if a := platform.ActorFrom(ctx); a.OrgID != b.OrgID {
		return platform.Errorf(platform.CodeForbidden, "relief.err.not_your_batch", b.OrgName)
	}
	return s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.now()
		res, err := tx.Exec(ctx, `UPDATE relief_batches SET status = 'paid', bank_ref = ?, paid_at = ? WHERE id = ? AND status = 'open'`, bankRef, now, id)
		if err != nil {
			return fmt.Errorf("relief: mark paid: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return platform.Errorf(platform.CodeConflict, "relief.err.already_paid")
		}
		if _, err := tx.Exec(ctx, `UPDATE relief_funds SET paid = paid + (SELECT COALESCE(SUM(amount), 0) FROM relief_grants
			WHERE batch_id = ? AND status = 'batched' AND fund_id = relief_funds.id)
			WHERE id IN (SELECT fund_id FROM relief_grants WHERE batch_id = ? AND status = 'batched')`, id, id); err != nil {
			return fmt.Errorf("relief: fund paid: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE relief_grants SET status = 'paid', bank_ref = ?, paid_at = ? WHERE batch_id = ? AND status = 'batched'`,
			bankRef, now, id); err != nil {
			return fmt.Errorf("relief: grants paid: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE relief_applications SET status = 'paid', version = version + 1
			WHERE id IN (SELECT application_id FROM relief_grants WHERE batch_id = ?) AND status = 'notice'
			AND NOT EXISTS (SELECT 1 FROM relief_grants g WHERE g.application_id = relief_applications.id AND g.status <> 'paid')`, id); err != nil {
			return fmt.Errorf("relief: applications paid: %w", err)
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "relief.paid", EntityType: "relief_batch", EntityID: strconv.FormatInt(id, 10),
			OrgID: b.OrgID, Summary: fmt.Sprintf("发放批次已付款 银行流水号 %s 共%d分", bankRef, b.Total)})
	})
}
