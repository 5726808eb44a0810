package relief

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhijia/internal/audit"
	"zhijia/internal/people"
	"zhijia/internal/platform"
	"zhijia/internal/review"
)

// NoticeUntil is the last day (Asia/Shanghai) of a notice of days calendar days
// starting on now's day: payment may go ahead from the day after.
func NoticeUntil(now time.Time, days int) string {
	if days < 1 {
		days = 1
	}
	d := now.In(platform.Shanghai)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, platform.Shanghai).AddDate(0, 0, days-1).Format("2006-01-02")
}

// Notice is one line of the public notice: never a clear name, id number,
// phone or diagnosis.
type Notice struct {
	ApplicationID int64
	Union         string
	Name          string // masked: 张*明
	Causes        []string
	Amount        int64
	Until         string
	Halted        bool // an objection is being looked into
}

// PublicNotices lists the grants on notice today, for the public page.
func (s *Store) PublicNotices(ctx context.Context, limit int) ([]Notice, error) {
	today := review.Today(s.now())
	rows, err := s.db.Query(ctx, `SELECT a.id, o.name, w.name, a.causes, a.granted, a.notice_until, a.status
		FROM relief_applications a JOIN workers w ON w.id = a.worker_id JOIN orgs o ON o.id = a.org_id
		WHERE a.status IN ('notice', 'halted') AND a.notice_until >= ? ORDER BY a.notice_until, a.id LIMIT ?`, today, limit)
	if err != nil {
		return nil, fmt.Errorf("relief: notices: %w", err)
	}
	defer rows.Close()
	var out []Notice
	for rows.Next() {
		var n Notice
		var name, causes, status string
		if err := rows.Scan(&n.ApplicationID, &n.Union, &name, &causes, &n.Amount, &n.Until, &status); err != nil {
			return nil, err
		}
		n.Name, n.Causes, n.Halted = people.MaskName(name), ParseCauses(causes), status == StatusHalted
		out = append(out, n)
	}
	return out, rows.Err()
}

// Objection is an objection (异议) raised against a grant on notice.
type Objection struct {
	ID, ApplicationID int64
	RaisedByName      string
	Body              string
	RaisedAt          time.Time
	Status            string // open, upheld, dismissed
	Finding           string
	DecidedByName     string
	DecidedAt         *time.Time
	Union, Worker     string // for the console list: union and masked name
}

// MaxObjection caps an objection's or a finding's length in characters.
const MaxObjection = 1000

// RaiseObjection records an objection by any signed-in person against a grant on
// notice; its payment halts until staff record a finding.
func (s *Store) RaiseObjection(ctx context.Context, appID int64, body string) (*Objection, error) {
	a := platform.ActorFrom(ctx)
	if a == nil || (a.Kind != "worker" && a.Kind != "staff") {
		return nil, platform.Errorf(platform.CodeUnauthorized, "err.unauthorized")
	}
	body = strings.TrimSpace(body)
	if body == "" || utf8.RuneCountInString(body) > MaxObjection {
		return nil, platform.Invalid().Field("body", "relief.err.objection")
	}
	app, err := s.load(ctx, s.db, appID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if (app.Status != StatusNotice && app.Status != StatusHalted) || app.NoticeUntil < review.Today(now) {
		return nil, platform.Errorf(platform.CodeConflict, "relief.err.not_on_notice")
	}
	kind, by := review.SubmitterOf(a)
	o := &Objection{ApplicationID: appID, RaisedByName: a.Name, Body: body, RaisedAt: now, Status: "open"}
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO relief_objections (city_id, application_id, org_path, raised_by_kind, raised_by_id,
			raised_by_name, body, raised_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, app.CityID, appID, app.OrgPath,
			kind, by, a.Name, body, now).Scan(&o.ID)
		if err != nil {
			return fmt.Errorf("relief: objection: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE relief_applications SET status = 'halted', version = version + 1
			WHERE id = ? AND status IN ('notice', 'halted')`, appID); err != nil {
			return fmt.Errorf("relief: halt: %w", err)
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "relief.objection", EntityType: EntityType, EntityID: strconv.FormatInt(appID, 10),
			OrgID: app.OrgID, OrgPath: app.OrgPath, Summary: "公示异议：" + truncate(body, 100)})
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

func (s *Store) objectionsOf(ctx context.Context, appID int64) ([]Objection, error) {
	return s.queryObjections(ctx, ` WHERE j.application_id = ? ORDER BY j.id`, appID)
}

// Objections lists objections to applications in the actor's subtree, open first.
func (s *Store) Objections(ctx context.Context, limit int) ([]Objection, error) {
	a := platform.ActorFrom(ctx)
	if a == nil || a.OrgPath == "" || a.Kind == "worker" {
		return nil, nil
	}
	lo, hi := platform.SubtreeRange(a.OrgPath)
	return s.queryObjections(ctx, ` WHERE j.org_path >= ? AND j.org_path < ?
		ORDER BY CASE WHEN j.status = 'open' THEN 0 ELSE 1 END, j.raised_at DESC LIMIT ?`, lo, hi, limit)
}

func (s *Store) queryObjections(ctx context.Context, where string, args ...any) ([]Objection, error) {
	rows, err := s.db.Query(ctx, `SELECT j.id, j.application_id, j.raised_by_name, j.body, j.raised_at, j.status, j.finding,
		j.decided_by_name, j.decided_at, o.name, w.name FROM relief_objections j JOIN relief_applications a ON a.id = j.application_id
		JOIN orgs o ON o.id = a.org_id JOIN workers w ON w.id = a.worker_id`+where, args...)
	if err != nil {
		return nil, fmt.Errorf("relief: objections: %w", err)
	}
	defer rows.Close()
	var out []Objection
	for rows.Next() {
		var o Objection
		var decided timeOrNull
		var name string
		if err := rows.Scan(&o.ID, &o.ApplicationID, &o.RaisedByName, &o.Body, &o.RaisedAt, &o.Status, &o.Finding,
			&o.DecidedByName, &decided, &o.Union, &name); err != nil {
			return nil, err
		}
		o.DecidedAt, o.Worker = decided.ptr(), people.MaskName(name)
		out = append(out, o)
	}
	return out, rows.Err()
}

// ResolveObjection records staff's finding on an open objection. Upheld, the
// application is revoked and its unpaid grants go back to their funds; dismissed,
// payment may go ahead once no other objection is open.
func (s *Store) ResolveObjection(ctx context.Context, id int64, uphold bool, finding string) error {
	a, err := staffActor(ctx)
	if err != nil {
		return err
	}
	finding = strings.TrimSpace(finding)
	var appID int64
	var path string
	if err := s.db.QueryRow(ctx, `SELECT application_id, org_path FROM relief_objections WHERE id = ?`, id).Scan(&appID, &path); err != nil || !a.Covers(path) {
		return platform.NotFound
	}
	if finding == "" || utf8.RuneCountInString(finding) > MaxObjection {
		return platform.Invalid().Field("finding", "relief.err.finding")
	}
	status := map[bool]string{true: "upheld", false: "dismissed"}[uphold]
	return s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.now()
		res, err := tx.Exec(ctx, `UPDATE relief_objections SET status = ?, finding = ?, decided_by_name = ?, decided_at = ?
			WHERE id = ? AND status = 'open'`, status, finding, a.Name, now, id)
		if err != nil {
			return fmt.Errorf("relief: resolve objection: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return platform.Errorf(platform.CodeConflict, "review.err.changed")
		}
		if uphold {
			if err := revoke(ctx, tx, appID); err != nil {
				return err
			}
		} else if _, err := tx.Exec(ctx, `UPDATE relief_applications SET status = 'notice', version = version + 1
			WHERE id = ? AND status = 'halted' AND NOT EXISTS (SELECT 1 FROM relief_objections j
			WHERE j.application_id = relief_applications.id AND j.status = 'open')`, appID); err != nil {
			return fmt.Errorf("relief: resume: %w", err)
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "relief.objection_" + status, EntityType: EntityType,
			EntityID: strconv.FormatInt(appID, 10), OrgPath: path, Summary: "异议处理：" + truncate(finding, 100)})
	})
}

// revoke withdraws an application whose objection was upheld: its grants not yet
// batched for payment are released back to their funds.
func revoke(ctx context.Context, tx *platform.Tx, appID int64) error {
	rows, err := tx.Query(ctx, `SELECT fund_id, amount, worker_id, year FROM relief_grants WHERE application_id = ? AND status = 'committed'`, appID)
	if err != nil {
		return fmt.Errorf("relief: revoke: %w", err)
	}
	type part struct{ fund, amount int64 }
	var parts []part
	var worker, year, total int64
	for rows.Next() {
		var p part
		if err := rows.Scan(&p.fund, &p.amount, &worker, &year); err != nil {
			rows.Close()
			return err
		}
		parts, total = append(parts, p), total+p.amount
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("relief: revoke: %w", err)
	}
	if total != 0 {
		if _, err := tx.Exec(ctx, `UPDATE relief_household_years SET granted = granted - ? WHERE worker_id = ? AND year = ?`,
			total, worker, year); err != nil {
			return fmt.Errorf("relief: release household: %w", err)
		}
	}
	for _, p := range parts {
		if _, err := tx.Exec(ctx, `UPDATE relief_funds SET committed = committed - ?, version = version + 1 WHERE id = ?`, p.amount, p.fund); err != nil {
			return fmt.Errorf("relief: release fund: %w", err)
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE relief_grants SET status = 'revoked' WHERE application_id = ? AND status = 'committed'`, appID); err != nil {
		return fmt.Errorf("relief: revoke grants: %w", err)
	}
	_, err = tx.Exec(ctx, `UPDATE relief_applications SET status = 'revoked', version = version + 1 WHERE id = ?`, appID)
	return err
}
