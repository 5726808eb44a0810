package membership

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
)

const appColumns = `a.id, a.city_id, a.worker_id, a.org_id, w.name, o.name, a.status, a.reason, a.submitted_at,
	a.decided_by_name, a.decided_at, a.version`

const appFrom = ` FROM membership_applications a JOIN workers w ON w.id = a.worker_id JOIN orgs o ON o.id = a.org_id`

type scanner interface{ Scan(dest ...any) error }

func scanApp(r scanner, extra ...any) (*Application, error) {
	var a Application
	var decided sql.NullTime
	var name string
	dest := append([]any{&a.ID, &a.CityID, &a.WorkerID, &a.OrgID, &name, &a.OrgName, &a.Status, &a.Reason,
		&a.SubmittedAt, &a.DecidedByName, &decided, &a.Version}, extra...)
	if err := r.Scan(dest...); err != nil {
		return nil, err
	}
	a.WorkerName = MaskName(name)
	if decided.Valid {
		t := decided.Time
		a.DecidedAt = &t
	}
	return &a, nil
}

// Standing is the signed-in worker's membership, open application and transfers.
func (s *Store) Standing(ctx context.Context) (*Standing, error) {
	a, err := workerActor(ctx)
	if err != nil {
		return nil, err
	}
	w, err := loadWorker(ctx, s.db, a.WorkerID)
	if err != nil {
		return nil, err
	}
	st := &Standing{WorkerID: w.id, CityID: w.cityID, Name: w.name, OrgID: w.orgID, OrgName: w.orgName, Member: w.status == memberStatus,
		JoinedOn: w.joinedOn, GroupCode: w.groupCode, Employer: w.employer}
	rows, err := s.db.Query(ctx, `SELECT `+appColumns+appFrom+` WHERE a.worker_id = ? ORDER BY a.id DESC LIMIT 2`, w.id)
	if err != nil {
		return nil, fmt.Errorf("membership: standing: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		app, err := scanApp(rows)
		if err != nil {
			return nil, err
		}
		switch {
		case app.Status == Pending && st.Open == nil:
			st.Open = app
		case app.Status != Pending && st.Last == nil:
			st.Last = app
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if st.Transfers, err = s.transfersOf(ctx, w.id); err != nil {
		return nil, err
	}
	for i := range st.Transfers {
		if st.Transfers[i].Status == TransferPending {
			st.OpenMove = &st.Transfers[i]
		}
	}
	return st, nil
}

// Filter selects applications in the actor's subtree.
type Filter struct {
	Status        Status
	Q             string // union name
	Limit, Offset int
}

// FindApplications lists applications to unions in the actor's subtree, newest first.
func (s *Store) FindApplications(ctx context.Context, f Filter) ([]Application, int, error) {
	a := platform.ActorFrom(ctx)
	if a == nil || a.OrgPath == "" {
		return nil, 0, nil
	}
	lo, hi := platform.SubtreeRange(a.OrgPath)
	where, args := ` WHERE o.path >= ? AND o.path < ?`, []any{lo, hi}
	if f.Status != "" {
		where, args = where+` AND a.status = ?`, append(args, f.Status)
	}
	if f.Q != "" {
		where, args = where+` AND o.name LIKE ? ESCAPE '\'`, append(args, likeArg(f.Q))
	}
	rows, err := s.db.Query(ctx, `SELECT `+appColumns+`, COUNT(*) OVER ()`+appFrom+where+
		` ORDER BY a.submitted_at DESC, a.id DESC LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("membership: find applications: %w", err)
	}
	defer rows.Close()
	var out []Application
	total := 0
	for rows.Next() {
		app, err := scanApp(rows, &total)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *app)
	}
	return out, total, rows.Err()
}

// Application returns one application to a union in the actor's subtree.
func (s *Store) Application(ctx context.Context, id int64) (*Application, error) {
	app, _, err := s.scopedApp(ctx, s.db, id)
	return app, err
}

func (s *Store) scopedApp(ctx context.Context, q queryer, id int64) (*Application, string, error) {
	var path string
	app, err := scanApp(q.QueryRow(ctx, `SELECT `+appColumns+`, o.path`+appFrom+` WHERE a.id = ?`, id), &path)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", platform.NotFound
	}
	if err != nil {
		return nil, "", fmt.Errorf("membership: application %d: %w", id, err)
	}
	if !platform.ActorFrom(ctx).Covers(path) {
		return nil, "", platform.NotFound
	}
	return app, path, nil
}

// Approve admits the worker to the union: the worker's union becomes it, they
// are a member from today (Asia/Shanghai). version 0 skips the edit check.
func (s *Store) Approve(ctx context.Context, id, version int64) error {
	return s.decide(ctx, id, version, Approved, "")
}

// Decline refuses the application with a reason the worker will read.
func (s *Store) Decline(ctx context.Context, id, version int64, reason string) error {
	return s.decide(ctx, id, version, Declined, reason)
}

func (s *Store) decide(ctx context.Context, id, version int64, to Status, reason string) error {
	actor := platform.ActorFrom(ctx)
	return s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now().UTC()
		app, path, err := s.scopedApp(ctx, tx, id)
		if err != nil {
			return err
		}
		if to == Declined { // checked after the scope: out of scope is not found, whatever the input
			if reason, err = CheckReason(reason); err != nil {
				return err
			}
		}
		if app.Status != Pending || (version != 0 && version != app.Version) {
			return platform.Errorf(platform.CodeConflict, "membership.err.decided")
		}
		res, err := tx.Exec(ctx, `UPDATE membership_applications SET status = ?, open_flag = NULL, reason = ?, decided_by = ?,
			decided_by_name = ?, decided_at = ?, version = version + 1 WHERE id = ? AND version = ? AND status = 'pending'`,
			to, reason, actor.AccountID, actor.Name, now, id, app.Version)
		if err != nil {
			return fmt.Errorf("membership: decide %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return platform.Errorf(platform.CodeConflict, "membership.err.decided")
		}
		summary := "拒绝入会申请 " + app.WorkerName + " → " + app.OrgName
		if to == Approved {
			if err := checkOpen(ctx, tx, app.OrgID); err != nil {
				return err
			}
			summary = "批准入会 " + app.WorkerName + " → " + app.OrgName
			if err := s.admit(ctx, tx, app, now); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "membership." + string(to), EntityType: "membership_application",
			EntityID: strconv.FormatInt(id, 10), OrgID: app.OrgID, OrgPath: path, Summary: summary})
	})
}

// admit makes the worker a member of the application's union from today.
func (s *Store) admit(ctx context.Context, tx *platform.Tx, app *Application, now time.Time) error {
	res, err := tx.Exec(ctx, `UPDATE workers SET org_id = ?, member_status = 'member', joined_on = ?, updated_at = ?,
		version = version + 1 WHERE id = ? AND member_status <> 'member'`, app.OrgID, Today(now), now, app.WorkerID)
	if err != nil {
		return fmt.Errorf("membership: admit %d: %w", app.WorkerID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return platform.Errorf(platform.CodeConflict, "membership.err.already_member")
	}
	return nil
}

// checkOpen refuses a decision that would put a member in a closed union.
func checkOpen(ctx context.Context, q queryer, orgID int64) error {
	u, err := loadUnion(ctx, q, orgID)
	if err != nil {
		return err
	}
	if u.state != "active" {
		return platform.Errorf(platform.CodeConflict, "membership.err.union_closed")
	}
	return nil
}

// CardFor is the member card of a worker in the actor's subtree, for API
// clients that show it (a mini-program acting for the union).
func (s *Store) CardFor(ctx context.Context, workerID int64) (*Standing, error) {
	a := platform.ActorFrom(ctx)
	w, err := loadWorker(ctx, s.db, workerID)
	if err != nil || !a.Covers(w.orgPath) {
		return nil, platform.NotFound
	}
	if w.status != memberStatus {
		return nil, platform.Errorf(platform.CodeConflict, "membership.err.not_member")
	}
	return &Standing{WorkerID: w.id, CityID: w.cityID, Name: w.name, OrgID: w.orgID, OrgName: w.orgName, Member: true,
		JoinedOn: w.joinedOn}, nil
}
