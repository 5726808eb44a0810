package learning

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
	"zhijia/internal/points"
)

// CheckinCode is the code the organiser's screen shows now, with the event.
func (s *Store) CheckinCode(ctx context.Context, id int64) (string, *Event, error) {
	e, err := s.Event(ctx, id)
	if err != nil {
		return "", nil, err
	}
	return CheckinToken(s.checkinKey, id, s.clock.Now()), e, nil
}

// EventForToken is the event a scanned code names, for the worker's confirm
// page; the code itself is checked again when they confirm.
func (s *Store) EventForToken(ctx context.Context, token string) (*Event, error) {
	if _, err := workerActor(ctx); err != nil {
		return nil, err
	}
	id, err := ParseCheckinToken(s.checkinKey, token, s.clock.Now())
	if err != nil {
		return nil, err
	}
	e, _, err := s.event(ctx, s.db, id)
	return e, err
}

// CheckIn checks the signed-in worker in with a code scanned from the
// organiser's screen: once, inside the event's window, for its audience.
func (s *Store) CheckIn(ctx context.Context, token string) (*Event, error) {
	w, err := workerActor(ctx)
	if err != nil {
		return nil, err
	}
	var ev *Event
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now().UTC()
		id, err := ParseCheckinToken(s.checkinKey, token, now)
		if err != nil {
			return err
		}
		if ev, _, err = s.event(ctx, tx, id); err != nil {
			return err
		}
		wk := workerOf(w)
		if ev.Signup {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM learning_signups WHERE event_id = ? AND worker_id = ?`, id, wk.id).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return platform.Errorf(platform.CodeConflict, "learning.err.signup_first")
			}
		}
		return s.checkIn(ctx, tx, ev, wk, "qr", "", now)
	})
	return ev, err
}

// checkIn records one check-in and its points; the window, the audience and
// "once" are checked here for codes and roster ticks alike.
func (s *Store) checkIn(ctx context.Context, tx *platform.Tx, ev *Event, wk *workerRef, method, by string, now time.Time) error {
	switch {
	case now.Before(ev.StartsAt.Add(-CheckinOpensBefore)):
		return platform.Errorf(platform.CodeConflict, "learning.err.not_open")
	case now.After(ev.EndsAt):
		return platform.Errorf(platform.CodeConflict, "learning.err.closed")
	case !strings.HasPrefix(wk.path, ev.AudiencePath):
		return platform.Errorf(platform.CodeConflict, "learning.err.not_audience")
	}
	res, err := tx.Exec(ctx, `INSERT INTO learning_checkins (city_id, event_id, worker_id, org_id, method, ticked_by, checked_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id, worker_id) DO NOTHING`, ev.CityID, ev.ID, wk.id, wk.orgID, method, by, now)
	if err != nil {
		return fmt.Errorf("learning: check in %d/%d: %w", ev.ID, wk.id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return platform.Errorf(platform.CodeConflict, "learning.err.checked_in")
	}
	if ev.Points <= 0 {
		return nil
	}
	_, err = points.Post(ctx, tx, now, points.Award{WorkerID: wk.id, Amount: ev.Points, Reason: "活动签到：" + short(ev.Title),
		Source: fmt.Sprintf("event:%d:%d", ev.ID, wk.id)})
	return err
}

// Tick checks a worker in on the roster, for one without a phone.
func (s *Store) Tick(ctx context.Context, id, workerID int64) error {
	a, err := staffActor(ctx)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now().UTC()
		ev, path, err := s.event(ctx, tx, id)
		if err != nil || !a.Covers(path) {
			return platform.NotFound
		}
		wk, err := loadWorker(ctx, tx, workerID)
		if err != nil || !a.Covers(wk.path) {
			return platform.Invalid().Field("worker_id", "learning.err.worker_unknown")
		}
		if err := s.checkIn(ctx, tx, ev, wk, "roster", a.Name, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "learning.event.tick", EntityType: "learning_event",
			EntityID: strconv.FormatInt(id, 10), OrgID: ev.OrgID, OrgPath: path,
			Summary: fmt.Sprintf("代签到：职工 %d，%s", workerID, short(ev.Title))})
	})
}

// MyEvent is an event on the worker's portal, with their own standing.
type MyEvent struct {
	Event
	SignedUp, CheckedIn bool
}

// MyEvents lists recent and coming events whose audience includes the
// signed-in worker's union.
func (s *Store) MyEvents(ctx context.Context, limit int) ([]MyEvent, error) {
	w, err := workerActor(ctx)
	if err != nil {
		return nil, err
	}
	wk := workerOf(w)
	ids := pathIDs(wk.path)
	since := s.clock.Now().UTC().AddDate(0, 0, -30)
	args := append(append([]any{wk.id, wk.id}, ids...), since, limit)
	rows, err := s.db.Query(ctx, `SELECT `+eventCols+`,
		(SELECT COUNT(*) FROM learning_signups g WHERE g.event_id = e.id AND g.worker_id = ?),
		(SELECT COUNT(*) FROM learning_checkins k WHERE k.event_id = e.id AND k.worker_id = ?)`+eventFrom+`
		WHERE e.audience_org_id IN (`+platform.Placeholders(len(ids))+`) AND e.ends_at >= ? ORDER BY e.starts_at LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("learning: my events: %w", err)
	}
	defer rows.Close()
	var out []MyEvent
	for rows.Next() {
		var m MyEvent
		var signed, checked int
		if m.Event, err = scanEvent(rows, &signed, &checked); err != nil {
			return nil, err
		}
		m.SignedUp, m.CheckedIn = signed > 0, checked > 0
		out = append(out, m)
	}
	return out, rows.Err()
}

// SignUp signs the worker up for an event that takes sign-ups, within its capacity.
func (s *Store) SignUp(ctx context.Context, id int64) error {
	w, err := workerActor(ctx)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now().UTC()
		ev, _, err := s.event(ctx, tx, id)
		if err != nil {
			return err
		}
		wk := workerOf(w)
		switch {
		case !strings.HasPrefix(wk.path, ev.AudiencePath):
			return platform.NotFound
		case !ev.Signup || now.After(ev.EndsAt):
			return platform.Errorf(platform.CodeConflict, "learning.err.no_signup")
		}
		res, err := tx.Exec(ctx, `INSERT INTO learning_signups (event_id, worker_id, city_id, signed_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (event_id, worker_id) DO NOTHING`, id, wk.id, ev.CityID, now)
		if err != nil {
			return fmt.Errorf("learning: sign up %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return platform.Errorf(platform.CodeConflict, "learning.err.signed_up")
		}
		res, err = tx.Exec(ctx, `UPDATE learning_events SET signed_up = signed_up + 1 WHERE id = ? AND (capacity = 0 OR signed_up < capacity)`, id)
		if err != nil {
			return fmt.Errorf("learning: sign up %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return platform.Errorf(platform.CodeConflict, "learning.err.full")
		}
		return nil
	})
}

// IsCheckinRefusal reports whether err is a check-in refused for a reason the
// worker should read (not open, closed, twice, old code…).
func IsCheckinRefusal(err error) bool {
	e, ok := platform.AsError(err)
	return ok && (e.Code == platform.CodeConflict || e.Code == platform.CodeInvalid) && !errors.Is(err, platform.NotFound)
}
