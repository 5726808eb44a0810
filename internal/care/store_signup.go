package care

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

// Signup is one worker's sign-up as they and staff see it.
type Signup struct {
	ID          int64      `json:"id"`
	ActivityID  int64      `json:"activity_id"`
	Activity    string     `json:"activity"`
	SessionID   int64      `json:"session_id"`
	Session     string     `json:"session"`
	WorkerName  string     `json:"worker_name,omitempty"` // masked
	Weight      int        `json:"weight"`
	Status      string     `json:"status"`
	Rank        *int       `json:"draw_rank,omitempty"`
	Waiting     int        `json:"waitlist_position,omitempty"` // 1 = next to be promoted
	Reason      string     `json:"reason,omitempty"`            // the rule that failed at the draw
	PartnerName string     `json:"partner_name,omitempty"`
	MarriedOn   string     `json:"married_on,omitempty"`
	SignedAt    time.Time  `json:"signed_at"`
	AttendedAt  *time.Time `json:"attended_at,omitempty"`
	ConfirmBy   *time.Time `json:"confirm_by,omitempty"`
}

// SignUp enters the signed-in worker for an activity's session, once, inside
// the sign-up window, when every rule holds; a refusal names the rule.
func (s *Store) SignUp(ctx context.Context, activityID int64, in SignupInput) (*Signup, error) {
	w, err := workerActor(ctx)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		act, _, err := loadActivity(ctx, tx, activityID)
		if err != nil {
			return err
		}
		facts, city, err := s.workerFacts(ctx, tx, w.WorkerID)
		if err != nil {
			return err
		}
		now := s.clock.Now().UTC()
		if city != act.CityID {
			return platform.NotFound
		}
		if now.Before(act.OpensAt) || !now.Before(act.ClosesAt) || act.Status != "open" {
			return platform.Errorf(platform.CodeConflict, "care.err.window_closed")
		}
		if rule := act.Refusal(facts, now); rule != "" {
			return platform.Errorf(platform.CodeConflict, rule)
		}
		if err := s.checkKindFacts(ctx, tx, act, w.WorkerID, &in, now); err != nil {
			return err
		}
		if !hasSession(act, in.SessionID) {
			return platform.Invalid().Field("session_id", "care.err.session")
		}
		var child any
		if in.ChildID != 0 {
			child = in.ChildID
		}
		err = tx.QueryRow(ctx, `INSERT INTO care_signups (city_id, activity_id, session_id, worker_id, weight, status,
			partner_name, married_on, child_id, signed_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?) RETURNING id`,
			city, act.ID, in.SessionID, w.WorkerID, act.Weight(facts), in.PartnerName, in.MarriedOn, child, now).Scan(&id)
		if platform.IsUniqueViolation(err) {
			return platform.Errorf(platform.CodeConflict, "care.err.signed_up")
		}
		if err != nil {
			return fmt.Errorf("care: sign up: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.MySignup(ctx, id)
}

func hasSession(a *Activity, id int64) bool {
	for _, se := range a.Sessions {
		if se.ID == id {
			return true
		}
	}
	return false
}

// checkKindFacts applies the kind's own rules: a wedding couple names the
// partner and a registration date within the last year; a childcare class
// takes a child of the worker's household within the age range.
func (s *Store) checkKindFacts(ctx context.Context, tx *platform.Tx, act *Activity, worker int64, in *SignupInput, now time.Time) error {
	in.PartnerName, in.MarriedOn = strings.TrimSpace(in.PartnerName), strings.TrimSpace(in.MarriedOn)
	switch act.Kind {
	case "wedding":
		v := platform.Invalid()
		if in.PartnerName == "" || utf8.RuneCountInString(in.PartnerName) > 40 {
			v.Field("partner_name", "care.err.partner")
		}
		day, err := time.ParseInLocation("2006-01-02", in.MarriedOn, platform.Shanghai)
		if err != nil || day.After(now) || day.Before(now.AddDate(-1, 0, -1)) {
			v.Field("married_on", "care.err.married_on")
		}
		return v.OrNil()
	case "childcare":
		var birth string
		err := tx.QueryRow(ctx, `SELECT birth_date FROM household_members WHERE id = ? AND worker_id = ? AND relation = 'child'`,
			in.ChildID, worker).Scan(&birth)
		if err != nil {
			return platform.Invalid().Field("child_id", "care.err.child")
		}
		age, ok := ageOn(birth, now)
		r := act.Rules
		if !ok || r.ChildMinAge > 0 && age < r.ChildMinAge || r.ChildMaxAge > 0 && age > r.ChildMaxAge {
			return platform.Errorf(platform.CodeConflict, "care.rule.child_age")
		}
		return nil
	}
	in.PartnerName, in.MarriedOn, in.ChildID = "", "", 0
	return nil
}

const signupCols = `g.id, g.activity_id, a.title, g.session_id, se.name, w.name, g.weight, g.status, g.draw_rank, g.reason,
	g.partner_name, g.married_on, g.signed_at, g.confirm_by, g.attended_at`

func scanSignup(r scanner, extra ...any) (*Signup, error) {
	g := &Signup{}
	var rank sql.NullInt64
	var by, came sql.NullTime
	if err := r.Scan(append([]any{&g.ID, &g.ActivityID, &g.Activity, &g.SessionID, &g.Session, &g.WorkerName, &g.Weight,
		&g.Status, &rank, &g.Reason, &g.PartnerName, &g.MarriedOn, &g.SignedAt, &by, &came}, extra...)...); err != nil {
		return nil, err
	}
	g.WorkerName = maskName(g.WorkerName)
	if rank.Valid {
		n := int(rank.Int64)
		g.Rank = &n
	}
	if by.Valid {
		g.ConfirmBy = &by.Time
	}
	if came.Valid {
		g.AttendedAt = &came.Time
	}
	return g, nil
}

const signupFrom = ` FROM care_signups g JOIN care_activities a ON a.id = g.activity_id JOIN care_sessions se ON se.id = g.session_id
	JOIN workers w ON w.id = g.worker_id`

// MySignup returns one of the signed-in worker's sign-ups with its waitlist position.
func (s *Store) MySignup(ctx context.Context, id int64) (*Signup, error) {
	w, err := workerActor(ctx)
	if err != nil {
		return nil, err
	}
	g, err := scanSignup(s.db.QueryRow(ctx, `SELECT `+signupCols+signupFrom+` WHERE g.id = ? AND g.worker_id = ?`, id, w.WorkerID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, platform.NotFound
	}
	if err != nil {
		return nil, fmt.Errorf("care: signup %d: %w", id, err)
	}
	return g, s.waitingPosition(ctx, g)
}

func (s *Store) waitingPosition(ctx context.Context, g *Signup) error {
	if g.Status != SignupWaitlist || g.Rank == nil {
		return nil
	}
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM care_signups WHERE session_id = ? AND status = 'waitlist' AND draw_rank <= ?`,
		g.SessionID, *g.Rank).Scan(&g.Waiting)
	return err
}

// MySignups lists the signed-in worker's sign-ups, newest first.
func (s *Store) MySignups(ctx context.Context) ([]*Signup, error) {
	w, err := workerActor(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT `+signupCols+signupFrom+` WHERE g.worker_id = ? ORDER BY g.signed_at DESC, g.id DESC LIMIT 50`, w.WorkerID)
	if err != nil {
		return nil, fmt.Errorf("care: my signups: %w", err)
	}
	var out []*Signup
	for rows.Next() {
		g, err := scanSignup(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, g)
	}
	rows.Close()
	for _, g := range out {
		if err := s.waitingPosition(ctx, g); err != nil {
			return nil, err
		}
	}
	return out, rows.Err()
}

// signups lists an activity's sign-ups in draw order; the caller has checked
// the activity is in the actor's subtree.
func (s *Store) signups(ctx context.Context, activityID int64, limit, offset int) ([]*Signup, int, error) {
	rows, err := s.db.Query(ctx, `SELECT `+signupCols+`, COUNT(*) OVER()`+signupFrom+` WHERE g.activity_id = ?
		ORDER BY g.session_id, CASE WHEN g.draw_rank IS NULL THEN 1 ELSE 0 END, g.draw_rank, g.id LIMIT ? OFFSET ?`,
		activityID, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("care: signups: %w", err)
	}
	return platform.ScanPage(rows, func(total *int) (*Signup, error) { return scanSignup(rows, total) })
}

// OpenActivities lists the activities open for sign-up now that the signed-in
// worker is eligible for (the rules checked as at sign-up), soonest closing first.
func (s *Store) OpenActivities(ctx context.Context) ([]*Activity, error) {
	w, err := workerActor(ctx)
	if err != nil {
		return nil, err
	}
	facts, city, err := s.workerFacts(ctx, s.db, w.WorkerID)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now().UTC()
	ids, err := platform.ScanIDs(s.db.Query(ctx, `SELECT a.id FROM care_activities a WHERE a.city_id = ? AND a.status = 'open'
		AND a.opens_at <= ? AND a.closes_at > ? ORDER BY a.closes_at, a.id LIMIT 50`, city, now, now))
	if err != nil {
		return nil, fmt.Errorf("care: open activities: %w", err)
	}
	var out []*Activity
	for _, id := range ids {
		act, _, err := loadActivity(ctx, s.db, id)
		if err != nil {
			return nil, err
		}
		if act.Refusal(facts, now) == "" {
			out = append(out, act)
		}
	}
	return out, nil
}

// Children lists the signed-in worker's children in the household, for a
// childcare sign-up.
func (s *Store) Children(ctx context.Context) ([]Child, error) {
	w, err := workerActor(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT id, name, birth_date FROM household_members WHERE worker_id = ? AND relation = 'child'
		ORDER BY birth_date, id`, w.WorkerID)
	if err != nil {
		return nil, fmt.Errorf("care: children: %w", err)
	}
	defer rows.Close()
	var out []Child
	for rows.Next() {
		var c Child
		if err := rows.Scan(&c.ID, &c.Name, &c.BirthDate); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Child is a child of the worker's household.
type Child struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	BirthDate string `json:"birth_date"`
}
