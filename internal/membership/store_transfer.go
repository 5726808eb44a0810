package membership

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
)

const transferColumns = `t.id, t.worker_id, t.from_org_id, t.to_org_id, w.name, f.name, o.name, t.requested_kind,
	t.requested_name, t.status, t.reason, t.requested_at, t.decided_by_name, t.decided_at, t.version, f.path, o.path`

const transferFrom = ` FROM member_transfers t JOIN workers w ON w.id = t.worker_id JOIN orgs f ON f.id = t.from_org_id
	JOIN orgs o ON o.id = t.to_org_id`

func scanTransfer(r scanner, extra ...any) (*Transfer, error) {
	var t Transfer
	var decided sql.NullTime
	var name string
	dest := append([]any{&t.ID, &t.WorkerID, &t.FromOrgID, &t.ToOrgID, &name, &t.FromName, &t.ToName, &t.RequestedKind,
		&t.RequestedName, &t.Status, &t.Reason, &t.RequestedAt, &t.DecidedByName, &decided, &t.Version, &t.FromPath, &t.ToPath}, extra...)
	if err := r.Scan(dest...); err != nil {
		return nil, err
	}
	t.WorkerName = MaskName(name)
	if decided.Valid {
		d := decided.Time
		t.DecidedAt = &d
	}
	return &t, nil
}

func (s *Store) transfersOf(ctx context.Context, workerID int64) ([]Transfer, error) {
	return s.queryTransfers(ctx, ` WHERE t.worker_id = ? ORDER BY t.id DESC LIMIT 50`, workerID)
}

func (s *Store) queryTransfers(ctx context.Context, tail string, args ...any) ([]Transfer, error) {
	rows, err := s.db.Query(ctx, `SELECT `+transferColumns+transferFrom+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("membership: transfers: %w", err)
	}
	defer rows.Close()
	var out []Transfer
	for rows.Next() {
		t, err := scanTransfer(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, rows.Err()
}

// RequestTransfer asks to move member workerID to union toOrgID. The worker
// asks for themselves (workerID is then their own); staff ask for a member of a
// union in their subtree.
func (s *Store) RequestTransfer(ctx context.Context, workerID, toOrgID int64, note string) (*Transfer, error) {
	a := platform.ActorFrom(ctx)
	if a == nil || (a.Kind == "worker" && a.WorkerID != workerID) {
		return nil, platform.NotFound
	}
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > 200 {
		return nil, platform.Invalid().Field("reason", "membership.err.reason_long")
	}
	var t *Transfer
	err := s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now().UTC()
		w, err := loadWorker(ctx, tx, workerID)
		if err != nil || (a.Kind != "worker" && !a.Covers(w.orgPath)) {
			return platform.Invalid().Field("worker_id", "membership.err.worker_unknown")
		}
		if w.status != memberStatus {
			return platform.Errorf(platform.CodeConflict, "membership.err.not_member")
		}
		u, err := loadUnion(ctx, tx, toOrgID)
		if err != nil || !u.joinable(w.cityID) {
			return platform.Invalid().Field("org_id", "membership.err.union_invalid")
		}
		if u.id == w.orgID {
			return platform.Invalid().Field("org_id", "membership.err.same_union")
		}
		kind, rid := "staff", a.AccountID
		if a.Kind == "worker" {
			kind, rid = "worker", a.WorkerID
		}
		t = &Transfer{WorkerID: w.id, FromOrgID: w.orgID, ToOrgID: u.id, WorkerName: MaskName(w.name),
			FromName: w.orgName, ToName: u.name, RequestedKind: kind, RequestedName: a.Name, Status: TransferPending,
			Reason: note, RequestedAt: now, Version: 1}
		err = tx.QueryRow(ctx, `INSERT INTO member_transfers (city_id, worker_id, from_org_id, to_org_id, requested_kind,
			requested_id, requested_name, status, open_flag, reason, requested_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 1, ?, ?)
			RETURNING id`, w.cityID, w.id, w.orgID, u.id, kind, rid, a.Name, note, now).Scan(&t.ID)
		if platform.IsUniqueViolation(err) {
			return platform.Errorf(platform.CodeConflict, "membership.err.transfer_open")
		}
		if err != nil {
			return fmt.Errorf("membership: request transfer: %w", err)
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "membership.transfer_request", EntityType: "member_transfer",
			EntityID: strconv.FormatInt(t.ID, 10), OrgID: w.orgID, OrgPath: w.orgPath,
			Summary: "转会申请 " + t.WorkerName + " " + w.orgName + " → " + u.name})
	})
	return t, err
}

// TransferFilter selects transfers into or out of the actor's subtree.
type TransferFilter struct {
	Status        TransferStatus
	Limit, Offset int
}

// FindTransfers lists transfers whose old or new union is in the actor's subtree.
func (s *Store) FindTransfers(ctx context.Context, f TransferFilter) ([]Transfer, int, error) {
	a := platform.ActorFrom(ctx)
	if a == nil || a.OrgPath == "" {
		return nil, 0, nil
	}
	lo, hi := platform.SubtreeRange(a.OrgPath)
	where, args := ` WHERE ((f.path >= ? AND f.path < ?) OR (o.path >= ? AND o.path < ?))`, []any{lo, hi, lo, hi}
	if f.Status != "" {
		where, args = where+` AND t.status = ?`, append(args, f.Status)
	}
	var total int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*)`+transferFrom+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("membership: count transfers: %w", err)
	}
	out, err := s.queryTransfers(ctx, where+` ORDER BY t.requested_at DESC, t.id DESC LIMIT ? OFFSET ?`,
		append(args, f.Limit, f.Offset)...)
	return out, total, err
}

// AcceptTransfer moves the member to the receiving union; only its staff may.
func (s *Store) AcceptTransfer(ctx context.Context, id, version int64) error {
	return s.decideTransfer(ctx, id, version, TransferAccepted, "")
}

// DeclineTransfer refuses the move with a reason.
func (s *Store) DeclineTransfer(ctx context.Context, id, version int64, reason string) error {
	return s.decideTransfer(ctx, id, version, TransferDeclined, reason)
}

func (s *Store) decideTransfer(ctx context.Context, id, version int64, to TransferStatus, reason string) error {
	actor := platform.ActorFrom(ctx)
	return s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now().UTC()
		t, err := scanTransfer(tx.QueryRow(ctx, `SELECT `+transferColumns+transferFrom+` WHERE t.id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !actor.Covers(t.ToPath)) {
			return platform.NotFound
		}
		if err != nil {
			return fmt.Errorf("membership: transfer %d: %w", id, err)
		}
		if to == TransferDeclined { // after the scope check: out of scope is not found
			if reason, err = CheckReason(reason); err != nil {
				return err
			}
		}
		if t.Status != TransferPending || (version != 0 && version != t.Version) {
			return platform.Errorf(platform.CodeConflict, "membership.err.decided")
		}
		res, err := tx.Exec(ctx, `UPDATE member_transfers SET status = ?, open_flag = NULL, reason = CASE WHEN ? = '' THEN reason ELSE ? END,
			decided_by = ?, decided_by_name = ?, decided_at = ?, version = version + 1 WHERE id = ? AND version = ? AND status = 'pending'`,
			to, reason, reason, actor.AccountID, actor.Name, now, id, t.Version)
		if err != nil {
			return fmt.Errorf("membership: decide transfer %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return platform.Errorf(platform.CodeConflict, "membership.err.decided")
		}
		summary := "拒绝转会 " + t.WorkerName + " " + t.FromName + " → " + t.ToName
		if to == TransferAccepted {
			if err := checkOpen(ctx, tx, t.ToOrgID); err != nil {
				return err
			}
			summary = "接收转会 " + t.WorkerName + " " + t.FromName + " → " + t.ToName
			res, err := tx.Exec(ctx, `UPDATE workers SET org_id = ?, updated_at = ?, version = version + 1
				WHERE id = ? AND org_id = ? AND member_status = 'member'`, t.ToOrgID, now, t.WorkerID, t.FromOrgID)
			if err != nil {
				return fmt.Errorf("membership: move worker %d: %w", t.WorkerID, err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return platform.Errorf(platform.CodeConflict, "membership.err.worker_moved")
			}
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "membership.transfer_" + string(to), EntityType: "member_transfer",
			EntityID: strconv.FormatInt(id, 10), OrgID: t.ToOrgID, OrgPath: t.ToPath, Summary: summary})
	})
}

// Transfer returns one transfer whose old or new union is in the actor's subtree.
func (s *Store) Transfer(ctx context.Context, id int64) (*Transfer, error) {
	t, err := scanTransfer(s.db.QueryRow(ctx, `SELECT `+transferColumns+transferFrom+` WHERE t.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, platform.NotFound
	}
	if err != nil {
		return nil, fmt.Errorf("membership: transfer %d: %w", id, err)
	}
	a := platform.ActorFrom(ctx)
	if !a.Covers(t.FromPath) && !a.Covers(t.ToPath) {
		return nil, platform.NotFound
	}
	return t, nil
}

// CityOf is the city an org belongs to (the union search stays in one city).
func (s *Store) CityOf(ctx context.Context, orgID int64) (int64, error) {
	u, err := loadUnion(ctx, s.db, orgID)
	if err != nil {
		return 0, err
	}
	if u.cityID == 0 {
		return u.id, nil // the city federation itself
	}
	return u.cityID, nil
}

// CancelTransfer takes back the signed-in member's open transfer request.
func (s *Store) CancelTransfer(ctx context.Context) error {
	return s.takeBack(ctx, takeBackSpec{table: "member_transfers", status: "cancelled",
		none: "membership.err.no_open_transfer", action: "membership.transfer_cancel", entity: "member_transfer",
		summary: "撤回转会申请"})
}
