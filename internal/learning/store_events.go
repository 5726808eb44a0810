package learning

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"zhijia/internal/audit"
	"zhijia/internal/people"
	"zhijia/internal/platform"
)

// OrgOption is a union staff may pick as organiser or audience.
type OrgOption struct {
	ID    int64
	Name  string
	Depth int
}

// EventOrgs lists the unions in the actor's subtree (groups left out), for the
// organiser and audience pickers.
func (s *Store) EventOrgs(ctx context.Context) ([]OrgOption, error) {
	a, err := staffActor(ctx)
	if err != nil {
		return nil, err
	}
	lo, hi := platform.SubtreeRange(a.OrgPath)
	rows, err := s.db.Query(ctx, `SELECT id, name, depth FROM orgs WHERE path >= ? AND path < ? AND level <> 'group'
		AND status = 'active' ORDER BY path LIMIT 500`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("learning: event orgs: %w", err)
	}
	defer rows.Close()
	var out []OrgOption
	for rows.Next() {
		var o OrgOption
		if err := rows.Scan(&o.ID, &o.Name, &o.Depth); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

const eventCols = `e.id, e.city_id, e.org_id, o.name, e.kind, e.title, COALESCE(e.host_worker_id, 0), e.host_name, e.venue_kind,
	e.place, e.starts_at, e.ends_at, e.capacity, e.signed_up, e.audience_org_id, au.name, au.path, e.signup, e.points,
	e.summary, (SELECT COUNT(*) FROM learning_checkins c WHERE c.event_id = e.id), e.version`

const eventFrom = ` FROM learning_events e JOIN orgs o ON o.id = e.org_id JOIN orgs au ON au.id = e.audience_org_id`

func scanEvent(sc interface{ Scan(...any) error }, extra ...any) (Event, error) {
	var e Event
	var signup int
	err := sc.Scan(append([]any{&e.ID, &e.CityID, &e.OrgID, &e.OrgName, &e.Kind, &e.Title, &e.HostWorkerID, &e.HostName, &e.Venue,
		&e.Place, &e.StartsAt, &e.EndsAt, &e.Capacity, &e.SignedUp, &e.AudienceID, &e.AudienceName, &e.AudiencePath, &signup,
		&e.Points, &e.Summary, &e.CheckIns, &e.Version}, extra...)...)
	e.Signup = signup == 1
	return e, err
}

// EventFilter selects events on the console list.
type EventFilter struct {
	Q        string
	Kind     EventKind
	From, To string // dates, Shanghai, inclusive
	Limit    int
	Offset   int
}

// FindEvents lists events organised in the actor's subtree, latest first.
func (s *Store) FindEvents(ctx context.Context, f EventFilter) ([]Event, int, error) {
	a, err := staffActor(ctx)
	if err != nil {
		return nil, 0, err
	}
	lo, hi := platform.SubtreeRange(a.OrgPath)
	where, args := []string{"o.path >= ? AND o.path < ?"}, []any{lo, hi}
	if f.Q != "" {
		where, args = append(where, `e.title LIKE ? ESCAPE '\'`), append(args, likeArg(f.Q))
	}
	if f.Kind != "" {
		where, args = append(where, "e.kind = ?"), append(args, string(f.Kind))
	}
	if d, err := time.ParseInLocation("2006-01-02", f.From, platform.Shanghai); err == nil {
		where, args = append(where, "e.starts_at >= ?"), append(args, d.UTC())
	}
	if d, err := time.ParseInLocation("2006-01-02", f.To, platform.Shanghai); err == nil {
		where, args = append(where, "e.starts_at < ?"), append(args, d.AddDate(0, 0, 1).UTC())
	}
	rows, err := s.db.Query(ctx, `SELECT `+eventCols+`, COUNT(*) OVER()`+eventFrom+` WHERE `+strings.Join(where, " AND ")+`
		ORDER BY e.starts_at DESC, e.id DESC LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("learning: find events: %w", err)
	}
	return platform.ScanPage(rows, func(total *int) (Event, error) { return scanEvent(rows, total) })
}

// Event returns one event organised in the actor's subtree.
func (s *Store) Event(ctx context.Context, id int64) (*Event, error) {
	a, err := staffActor(ctx)
	if err != nil {
		return nil, err
	}
	e, orgPath, err := s.event(ctx, s.db, id)
	if err != nil || !a.Covers(orgPath) {
		return nil, platform.NotFound
	}
	return e, nil
}

func (s *Store) event(ctx context.Context, q queryer, id int64) (*Event, string, error) {
	var orgPath string
	e, err := scanEvent(q.QueryRow(ctx, `SELECT `+eventCols+`, o.path`+eventFrom+` WHERE e.id = ?`, id), &orgPath)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", platform.NotFound
	}
	if err != nil {
		return nil, "", fmt.Errorf("learning: event %d: %w", id, err)
	}
	return &e, orgPath, nil
}

// checkEventRefs checks organiser, audience and host against the actor's scope
// and fills their names.
func (s *Store) checkEventRefs(ctx context.Context, tx *platform.Tx, a *platform.Actor, e *Event) (orgPath string, err error) {
	v := platform.Invalid()
	org, err := loadOrg(ctx, tx, e.OrgID)
	if err != nil || !a.Covers(org.path) {
		v.Field("org_id", "learning.err.org")
	} else {
		e.CityID, e.OrgName, orgPath = org.cityID, org.name, org.path
	}
	au, err := loadOrg(ctx, tx, e.AudienceID)
	if err != nil || !a.Covers(au.path) {
		v.Field("audience_id", "learning.err.audience")
	} else {
		e.AudienceName, e.AudiencePath = au.name, au.path
	}
	if e.HostWorkerID > 0 {
		var name string
		var city int64
		err := tx.QueryRow(ctx, `SELECT name, city_id FROM workers WHERE id = ?`, e.HostWorkerID).Scan(&name, &city)
		if err != nil || (org != nil && city != org.cityID) {
			v.Field("host_worker_id", "learning.err.host_worker")
		} else {
			e.HostName = name
		}
	}
	return orgPath, v.OrNil()
}

// CreateEvent schedules an event organised by a union in the actor's subtree.
func (s *Store) CreateEvent(ctx context.Context, in EventInput) (*Event, error) {
	e, err := in.Normalize()
	if err != nil {
		return nil, err
	}
	a, err := staffActor(ctx)
	if err != nil {
		return nil, err
	}
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now().UTC()
		orgPath, err := s.checkEventRefs(ctx, tx, a, &e)
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO learning_events (city_id, org_id, kind, title, host_worker_id, host_name, venue_kind,
			place, starts_at, ends_at, capacity, audience_org_id, signup, points, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			e.CityID, e.OrgID, string(e.Kind), e.Title, nullID(e.HostWorkerID), e.HostName, e.Venue, e.Place, e.StartsAt, e.EndsAt,
			e.Capacity, e.AudienceID, boolInt(e.Signup), e.Points, now, now).Scan(&e.ID)
		if err != nil {
			return fmt.Errorf("learning: create event: %w", err)
		}
		e.Version = 1
		return audit.Record(ctx, tx, now, audit.Entry{Action: "learning.event.create", EntityType: "learning_event",
			EntityID: strconv.FormatInt(e.ID, 10), OrgID: e.OrgID, OrgPath: orgPath, Summary: "新建活动：" + e.Title})
	})
	if err != nil {
		return nil, err
	}
	return &e, nil
}

func nullID(id int64) any {
	if id <= 0 {
		return nil
	}
	return id
}

// UpdateEvent changes an event (optimistic on version).
func (s *Store) UpdateEvent(ctx context.Context, id int64, in EventInput) error {
	e, err := in.Normalize()
	if err != nil {
		return err
	}
	a, err := staffActor(ctx)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now().UTC()
		old, path, err := s.event(ctx, tx, id)
		if err != nil || !a.Covers(path) {
			return platform.NotFound
		}
		if _, err := s.checkEventRefs(ctx, tx, a, &e); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE learning_events SET org_id = ?, kind = ?, title = ?, host_worker_id = ?, host_name = ?,
			venue_kind = ?, place = ?, starts_at = ?, ends_at = ?, capacity = ?, audience_org_id = ?, signup = ?, points = ?,
			updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			e.OrgID, string(e.Kind), e.Title, nullID(e.HostWorkerID), e.HostName, e.Venue, e.Place, e.StartsAt, e.EndsAt,
			e.Capacity, e.AudienceID, boolInt(e.Signup), e.Points, now, id, in.Version)
		if err != nil {
			return fmt.Errorf("learning: update event %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return platform.Errorf(platform.CodeConflict, "learning.err.stale_event")
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "learning.event.update", EntityType: "learning_event",
			EntityID: strconv.FormatInt(id, 10), OrgID: old.OrgID, OrgPath: path, Summary: "修改活动：" + e.Title})
	})
}

// SaveSummary records what happened at an event, afterwards.
func (s *Store) SaveSummary(ctx context.Context, id int64, summary string) error {
	summary = strings.TrimSpace(summary)
	if len([]rune(summary)) > 2000 {
		return platform.Invalid().Field("summary", "learning.err.summary")
	}
	a, err := staffActor(ctx)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now().UTC()
		old, path, err := s.event(ctx, tx, id)
		if err != nil || !a.Covers(path) {
			return platform.NotFound
		}
		if _, err := tx.Exec(ctx, `UPDATE learning_events SET summary = ?, updated_at = ?, version = version + 1 WHERE id = ?`,
			summary, now, id); err != nil {
			return fmt.Errorf("learning: summary %d: %w", id, err)
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "learning.event.summary", EntityType: "learning_event",
			EntityID: strconv.FormatInt(id, 10), OrgID: old.OrgID, OrgPath: path, Summary: "活动小结：" + short(summary)})
	})
}

// Attendee is one check-in on an event's attendance list.
type Attendee struct {
	WorkerID  int64
	Name      string // masked
	OrgName   string
	Method    string // "qr" or "roster"
	TickedBy  string
	CheckedAt time.Time
}

// Attendance lists an event's check-ins, first first.
func (s *Store) Attendance(ctx context.Context, id int64) ([]Attendee, error) {
	if _, err := s.Event(ctx, id); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT c.worker_id, w.name, o.name, c.method, c.ticked_by, c.checked_at
		FROM learning_checkins c JOIN workers w ON w.id = c.worker_id JOIN orgs o ON o.id = c.org_id
		WHERE c.event_id = ? ORDER BY c.checked_at, c.id LIMIT 5000`, id)
	if err != nil {
		return nil, fmt.Errorf("learning: attendance %d: %w", id, err)
	}
	defer rows.Close()
	var out []Attendee
	for rows.Next() {
		var at Attendee
		if err := rows.Scan(&at.WorkerID, &at.Name, &at.OrgName, &at.Method, &at.TickedBy, &at.CheckedAt); err != nil {
			return nil, err
		}
		at.Name = people.MaskName(at.Name)
		out = append(out, at)
	}
	return out, rows.Err()
}
