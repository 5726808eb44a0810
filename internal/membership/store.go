package membership

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
)

// Store holds applications and transfers and applies their outcome to the registry.
type Store struct {
	db    *platform.DB
	clock platform.Clock
}

// NewStore returns a Store on db that stamps changes with clock.
func NewStore(db *platform.DB, clock platform.Clock) *Store {
	return &Store{db: db, clock: clock}
}

type queryer interface {
	QueryRow(ctx context.Context, q string, args ...any) *sql.Row
}

// likeArg makes a LIKE pattern matching s anywhere, with wildcards in s escaped.
func likeArg(s string) string {
	s = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
	return "%" + s + "%"
}

// worker is the registry row the rules need.
type worker struct {
	id, cityID, orgID   int64
	name, orgName       string
	orgPath, status     string
	joinedOn, groupCode string
	employer            string
}

func loadWorker(ctx context.Context, q queryer, id int64) (*worker, error) {
	w := &worker{}
	err := q.QueryRow(ctx, `SELECT w.id, w.city_id, w.org_id, w.name, o.name, o.path, w.member_status, w.joined_on,
		w.group_code, w.employer_name FROM workers w JOIN orgs o ON o.id = w.org_id WHERE w.id = ?`, id).
		Scan(&w.id, &w.cityID, &w.orgID, &w.name, &w.orgName, &w.orgPath, &w.status, &w.joinedOn, &w.groupCode, &w.employer)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, platform.NotFound
	}
	if err != nil {
		return nil, fmt.Errorf("membership: worker %d: %w", id, err)
	}
	return w, nil
}

// union is a target union as the rules need it.
type union struct {
	id, cityID   int64
	name, path   string
	level, state string
}

func loadUnion(ctx context.Context, q queryer, id int64) (*union, error) {
	u := &union{}
	err := q.QueryRow(ctx, `SELECT id, city_id, name, path, level, status FROM orgs WHERE id = ?`, id).
		Scan(&u.id, &u.cityID, &u.name, &u.path, &u.level, &u.state)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, platform.NotFound
	}
	if err != nil {
		return nil, fmt.Errorf("membership: union %d: %w", id, err)
	}
	return u, nil
}

// joinable reports whether a worker of city may join (or move to) u.
func (u *union) joinable(city int64) bool {
	return u != nil && u.cityID == city && u.level == "grassroots" && u.state == "active"
}

// workerActor returns the signed-in worker's id, or NotFound for anyone else.
func workerActor(ctx context.Context) (*platform.Actor, error) {
	a := platform.ActorFrom(ctx)
	if a == nil || a.Kind != "worker" || a.WorkerID == 0 {
		return nil, platform.NotFound
	}
	return a, nil
}

// SearchUnions finds active grassroots unions of the worker's city by union or
// employer name, for the join page.
func (s *Store) SearchUnions(ctx context.Context, cityID int64, q string, limit int) ([]Union, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, nil
	}
	return s.unions(ctx, `o.city_id = ? AND (o.name LIKE ? ESCAPE '\' OR e.name LIKE ? ESCAPE '\')`,
		[]any{cityID, likeArg(q), likeArg(q)}, limit)
}

// JointUnions lists the joint unions (联合工会: employer without a credit code)
// in a district, for new-employment workers with no employer union.
func (s *Store) JointUnions(ctx context.Context, cityID, districtID int64) ([]Union, error) {
	d, err := loadUnion(ctx, s.db, districtID)
	if err != nil || d.cityID != cityID || d.level != "district" {
		return nil, nil
	}
	lo, hi := platform.SubtreeRange(d.path)
	return s.unions(ctx, `o.path >= ? AND o.path < ? AND (e.credit_code IS NULL OR e.credit_code = '')`,
		[]any{lo, hi}, 100)
}

func (s *Store) unions(ctx context.Context, where string, args []any, limit int) ([]Union, error) {
	rows, err := s.db.Query(ctx, `SELECT o.id, o.name, COALESCE(e.name, ''), COALESCE(e.credit_code, ''), COALESCE(p.name, '')
		FROM orgs o LEFT JOIN employers e ON e.id = o.employer_id LEFT JOIN orgs p ON p.id = o.parent_id
		WHERE o.level = 'grassroots' AND o.status = 'active' AND `+where+` ORDER BY o.name, o.id LIMIT ?`,
		append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("membership: unions: %w", err)
	}
	defer rows.Close()
	var out []Union
	for rows.Next() {
		var u Union
		var code string
		if err := rows.Scan(&u.ID, &u.Name, &u.Employer, &code, &u.District); err != nil {
			return nil, err
		}
		u.Joint = code == ""
		out = append(out, u)
	}
	return out, rows.Err()
}

// Districts lists the city's district federations, for picking a joint union.
func (s *Store) Districts(ctx context.Context, cityID int64) ([]District, error) {
	rows, err := s.db.Query(ctx, `SELECT id, name FROM orgs WHERE city_id = ? AND level = 'district' AND status = 'active'
		ORDER BY area_code, id`, cityID)
	if err != nil {
		return nil, fmt.Errorf("membership: districts: %w", err)
	}
	defer rows.Close()
	var out []District
	for rows.Next() {
		var d District
		if err := rows.Scan(&d.ID, &d.Name); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Submit files the signed-in worker's application to join union orgID.
func (s *Store) Submit(ctx context.Context, orgID int64) (*Application, error) {
	a, err := workerActor(ctx)
	if err != nil {
		return nil, err
	}
	return s.submit(ctx, a.WorkerID, orgID)
}

// SubmitFor files an application for a worker, by staff or an API client acting
// for them (grassroots staff apply on a worker's behalf): the worker's record
// and the union must both be in the actor's subtree.
func (s *Store) SubmitFor(ctx context.Context, workerID, orgID int64) (*Application, error) {
	a := platform.ActorFrom(ctx)
	if a == nil || a.Kind == "worker" {
		return nil, platform.NotFound
	}
	w, err := loadWorker(ctx, s.db, workerID)
	if err != nil || !a.Covers(w.orgPath) {
		return nil, platform.Invalid().Field("worker_id", "membership.err.worker_unknown")
	}
	if u, err := loadUnion(ctx, s.db, orgID); err != nil || !a.Covers(u.path) {
		return nil, platform.Invalid().Field("org_id", "membership.err.union_invalid")
	}
	return s.submit(ctx, workerID, orgID)
}

func (s *Store) submit(ctx context.Context, workerID, orgID int64) (*Application, error) {
	var app *Application
	err := s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now().UTC()
		w, err := loadWorker(ctx, tx, workerID)
		if err != nil {
			return err
		}
		if w.status == memberStatus {
			return platform.Errorf(platform.CodeConflict, "membership.err.already_member")
		}
		u, err := loadUnion(ctx, tx, orgID)
		if err != nil || !u.joinable(w.cityID) {
			return platform.Invalid().Field("org_id", "membership.err.union_invalid")
		}
		app = &Application{CityID: w.cityID, WorkerID: w.id, OrgID: u.id, OrgName: u.name, Status: Pending,
			SubmittedAt: now, Version: 1, WorkerName: MaskName(w.name)}
		err = tx.QueryRow(ctx, `INSERT INTO membership_applications (city_id, worker_id, org_id, status, open_flag, submitted_at)
			VALUES (?, ?, ?, 'pending', 1, ?) RETURNING id`, w.cityID, w.id, u.id, now).Scan(&app.ID)
		if platform.IsUniqueViolation(err) {
			return platform.Errorf(platform.CodeConflict, "membership.err.open_exists")
		}
		if err != nil {
			return fmt.Errorf("membership: submit: %w", err)
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "membership.apply", EntityType: "membership_application",
			EntityID: strconv.FormatInt(app.ID, 10), OrgID: u.id, OrgPath: u.path, Summary: "入会申请 " + app.WorkerName + " → " + u.name})
	})
	return app, err
}

// Withdraw takes back the signed-in worker's open application.
func (s *Store) Withdraw(ctx context.Context) error {
	return s.takeBack(ctx, takeBackSpec{table: "membership_applications", status: "withdrawn",
		none: "membership.err.nothing_open", action: "membership.withdraw", entity: "membership_application",
		summary: "撤回入会申请"})
}

// takeBackSpec names what a worker takes back: an application or a transfer request.
type takeBackSpec struct {
	table, status, none, action, entity, summary string
}

// takeBack closes the signed-in worker's open row of spec.table, audited.
func (s *Store) takeBack(ctx context.Context, spec takeBackSpec) error {
	a, err := workerActor(ctx)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now().UTC()
		var id int64
		err := tx.QueryRow(ctx, `UPDATE `+spec.table+` SET status = ?, open_flag = NULL, decided_at = ?,
			version = version + 1 WHERE worker_id = ? AND open_flag = 1 RETURNING id`, spec.status, now, a.WorkerID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return platform.Errorf(platform.CodeConflict, spec.none)
		}
		if err != nil {
			return fmt.Errorf("membership: %s: %w", spec.action, err)
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: spec.action, EntityType: spec.entity,
			EntityID: strconv.FormatInt(id, 10), Summary: spec.summary})
	})
}
