package care

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
)

// stationInScope loads a station for a change by the actor, or NotFound.
func stationInScope(ctx context.Context, tx *platform.Tx, a *platform.Actor, id int64) (*Station, error) {
	st, err := loadStation(ctx, tx, id)
	if err != nil || !a.Covers(st.OrgPath) {
		return nil, platform.NotFound
	}
	return st, nil
}

// SetStatus retires a station (it leaves the service circle, its history stays)
// or brings it back.
func (s *Store) SetStatus(ctx context.Context, id int64, status string) error {
	a, err := staff(ctx)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *platform.Tx) error {
		st, err := stationInScope(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if status != Active && status != Retired {
			return platform.Invalid().Field("status", "care.err.status")
		}
		now := s.clock.Now().UTC()
		if _, err := tx.Exec(ctx, `UPDATE care_stations SET status = ?, updated_at = ?, version = version + 1 WHERE id = ?`,
			status, now, id); err != nil {
			return fmt.Errorf("care: station status: %w", err)
		}
		if err := bumpGen(ctx, tx, st.CityID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "care.station." + status, EntityType: "care_station",
			EntityID: strconv.FormatInt(id, 10), OrgID: st.OrgID, OrgPath: st.OrgPath, Summary: st.Name + " → " + status})
	})
}

// checkDay reads a 'YYYY-MM-DD' day.
func checkDay(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if _, err := time.Parse("2006-01-02", s); err != nil {
		return "", false
	}
	return s, true
}

// AddClosure records a temporary closure of whole days.
func (s *Store) AddClosure(ctx context.Context, stationID int64, from, to, reason string) error {
	a, err := staff(ctx)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *platform.Tx) error {
		st, err := stationInScope(ctx, tx, a, stationID)
		if err != nil {
			return err
		}
		if err := checkClosure(&from, &to, &reason); err != nil {
			return err
		}
		now := s.clock.Now().UTC()
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO care_station_closures (city_id, station_id, from_day, to_day, reason, created_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, st.CityID, st.ID, from, to, reason, now).Scan(&id); err != nil {
			return fmt.Errorf("care: add closure: %w", err)
		}
		if err := bumpGen(ctx, tx, st.CityID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "care.station.close", EntityType: "care_station",
			EntityID: strconv.FormatInt(st.ID, 10), OrgID: st.OrgID, OrgPath: st.OrgPath,
			Summary: st.Name + " 暂停开放 " + from + "~" + to + " " + reason})
	})
}

// RemoveClosure takes back a temporary closure (its row stays, marked removed;
// removing it again changes nothing); it returns the station's id.
func (s *Store) RemoveClosure(ctx context.Context, closureID int64) (int64, error) {
	a, err := staff(ctx)
	if err != nil {
		return 0, err
	}
	var stationID int64
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT station_id FROM care_station_closures WHERE id = ?`, closureID).Scan(&stationID); err != nil {
			return platform.NotFound
		}
		st, err := stationInScope(ctx, tx, a, stationID)
		if err != nil {
			return err
		}
		now := s.clock.Now().UTC()
		res, err := tx.Exec(ctx, `UPDATE care_station_closures SET removed_at = ? WHERE id = ? AND removed_at IS NULL`, now, closureID)
		if err != nil {
			return fmt.Errorf("care: remove closure: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil // taken back already: nothing changes
		}
		if err := bumpGen(ctx, tx, st.CityID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "care.station.reopen", EntityType: "care_station",
			EntityID: strconv.FormatInt(st.ID, 10), OrgID: st.OrgID, OrgPath: st.OrgPath, Summary: st.Name + " 取消暂停"})
	})
	return stationID, err
}

// checkClosure validates a closure as typed, trimming its fields.
func checkClosure(from, to, reason *string) error {
	v := platform.Invalid()
	var okF, okT bool
	*from, okF = checkDay(*from)
	*to, okT = checkDay(*to)
	*reason = strings.TrimSpace(*reason)
	if !okF {
		v.Field("from", "care.err.day")
	}
	if !okT {
		v.Field("to", "care.err.day")
	}
	if okF && okT && *to < *from {
		v.Field("to", "care.err.day_order")
	}
	if *reason == "" || utf8.RuneCountInString(*reason) > 200 {
		v.Field("reason", "care.err.reason")
	}
	return v.OrNil()
}
