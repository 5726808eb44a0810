package care

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
)

// Visit is one check-in at a station, with the worker's rating and the staff reply.
type Visit struct {
	ID            int64      `json:"id"`
	StationID     int64      `json:"station_id"`
	StationName   string     `json:"station_name"`
	WorkerName    string     `json:"worker_name,omitempty"` // masked
	GroupCode     string     `json:"group_code"`
	Day           string     `json:"day"`
	Hour          int        `json:"hour"`
	VisitedAt     time.Time  `json:"visited_at"`
	Rating        int        `json:"rating"`
	Comment       string     `json:"comment"`
	RatedAt       *time.Time `json:"rated_at,omitempty"`
	Reply         string     `json:"reply"`
	RepliedByName string     `json:"replied_by_name,omitempty"`
	RepliedAt     *time.Time `json:"replied_at,omitempty"`
	Again         bool       `json:"already_checked_in,omitempty"` // a second scan the same day
}

func workerActor(ctx context.Context) (*platform.Actor, error) {
	a := platform.ActorFrom(ctx)
	if a == nil || a.Kind != "worker" || a.WorkerID == 0 {
		return nil, platform.NotFound
	}
	return a, nil
}

const visitCols = `v.id, v.station_id, s.name, w.name, v.group_code, v.day, v.hour, v.visited_at, v.rating, v.comment,
	v.rated_at, v.reply, v.replied_by_name, v.replied_at`

func scanVisit(r scanner, extra ...any) (*Visit, error) {
	v := &Visit{}
	var rated, replied sql.NullTime
	if err := r.Scan(append([]any{&v.ID, &v.StationID, &v.StationName, &v.WorkerName, &v.GroupCode, &v.Day, &v.Hour,
		&v.VisitedAt, &v.Rating, &v.Comment, &rated, &v.Reply, &v.RepliedByName, &replied}, extra...)...); err != nil {
		return nil, err
	}
	v.WorkerName = maskName(v.WorkerName)
	if rated.Valid {
		v.RatedAt = &rated.Time
	}
	if replied.Valid {
		v.RepliedAt = &replied.Time
	}
	return v, nil
}

// maskName shows a worker's surname only (张**), as lists of visits need no more.
func maskName(n string) string {
	r := []rune(n)
	if len(r) == 0 {
		return ""
	}
	return string(r[0]) + strings.Repeat("*", max(len(r)-1, 1))
}

// Checkin records the signed-in worker's visit at a station from its QR code;
// scanning again the same day returns the first visit.
func (s *Store) Checkin(ctx context.Context, stationID int64, token string) (*Visit, error) {
	a, err := workerActor(ctx)
	if err != nil {
		return nil, err
	}
	if !s.signer.valid(stationID, token) {
		return nil, platform.Errorf(platform.CodeInvalid, "care.err.qr")
	}
	var id int64
	again := false
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		st, err := loadStation(ctx, tx, stationID)
		if err != nil {
			return platform.Errorf(platform.CodeInvalid, "care.err.qr")
		}
		var city int64
		var group string
		if err := tx.QueryRow(ctx, `SELECT city_id, group_code FROM workers WHERE id = ?`, a.WorkerID).Scan(&city, &group); err != nil {
			return platform.NotFound
		}
		if st.Status != Active || city != st.CityID {
			return platform.Errorf(platform.CodeConflict, "care.err.station_closed")
		}
		now := s.clock.Now().UTC()
		local := now.In(platform.Shanghai)
		day := local.Format("2006-01-02")
		err = tx.QueryRow(ctx, `INSERT INTO care_visits (city_id, station_id, worker_id, group_code, day, hour, visited_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (station_id, worker_id, day) DO NOTHING RETURNING id`,
			city, st.ID, a.WorkerID, group, day, local.Hour(), now).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			again = true
			err = tx.QueryRow(ctx, `SELECT id FROM care_visits WHERE station_id = ? AND worker_id = ? AND day = ?`,
				st.ID, a.WorkerID, day).Scan(&id)
		}
		if err != nil {
			return fmt.Errorf("care: check in: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	v, err := s.MyVisit(ctx, id)
	if v != nil {
		v.Again = again
	}
	return v, err
}

// MyVisit returns one of the signed-in worker's visits.
func (s *Store) MyVisit(ctx context.Context, id int64) (*Visit, error) {
	a, err := workerActor(ctx)
	if err != nil {
		return nil, err
	}
	v, err := scanVisit(s.db.QueryRow(ctx, `SELECT `+visitCols+` FROM care_visits v JOIN care_stations s ON s.id = v.station_id
		JOIN workers w ON w.id = v.worker_id WHERE v.id = ? AND v.worker_id = ?`, id, a.WorkerID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, platform.NotFound
	}
	if err != nil {
		return nil, fmt.Errorf("care: visit %d: %w", id, err)
	}
	return v, nil
}

// MyVisits lists the signed-in worker's latest visits.
func (s *Store) MyVisits(ctx context.Context, limit int) ([]*Visit, error) {
	a, err := workerActor(ctx)
	if err != nil {
		return nil, err
	}
	return s.visits(ctx, `v.worker_id = ?`, []any{a.WorkerID}, limit, 0)
}

func (s *Store) visits(ctx context.Context, where string, args []any, limit, offset int) ([]*Visit, error) {
	rows, err := s.db.Query(ctx, `SELECT `+visitCols+` FROM care_visits v JOIN care_stations s ON s.id = v.station_id
		JOIN orgs o ON o.id = s.org_id JOIN workers w ON w.id = v.worker_id WHERE `+where+` ORDER BY v.visited_at DESC, v.id DESC LIMIT ? OFFSET ?`,
		append(args, limit, offset)...)
	if err != nil {
		return nil, fmt.Errorf("care: visits: %w", err)
	}
	defer rows.Close()
	var out []*Visit
	for rows.Next() {
		v, err := scanVisit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// RateVisit records the worker's rating (1–5) and comment on their own visit, once.
func (s *Store) RateVisit(ctx context.Context, visitID int64, rating int, comment string) error {
	a, err := workerActor(ctx)
	if err != nil {
		return err
	}
	comment = strings.TrimSpace(comment)
	v := platform.Invalid()
	if rating < 1 || rating > 5 {
		v.Field("rating", "care.err.rating")
	}
	if utf8.RuneCountInString(comment) > 300 {
		v.Field("comment", "care.err.comment")
	}
	if err := v.OrNil(); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now().UTC()
		res, err := tx.Exec(ctx, `UPDATE care_visits SET rating = ?, comment = ?, rated_at = ?
			WHERE id = ? AND worker_id = ? AND rated_at IS NULL`, rating, comment, now, visitID, a.WorkerID)
		if err != nil {
			return fmt.Errorf("care: rate visit: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		var mine int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM care_visits WHERE id = ? AND worker_id = ?`, visitID, a.WorkerID).Scan(&mine); err != nil {
			return err
		}
		if mine == 0 {
			return platform.NotFound
		}
		return platform.Errorf(platform.CodeConflict, "care.err.rated")
	})
}

// VisitFilter narrows the console's visit list.
type VisitFilter struct {
	StationID     int64
	Rated         bool // only visits with a rating or comment
	From, To      string
	Limit, Offset int
}

// FindVisits lists visits to stations in the actor's subtree.
func (s *Store) FindVisits(ctx context.Context, f VisitFilter) ([]*Visit, int, error) {
	a, err := staff(ctx)
	if err != nil {
		return nil, 0, err
	}
	where, args := visitScope(a, f)
	if f.Limit <= 0 {
		f.Limit = 20
	}
	var total int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM care_visits v JOIN care_stations s ON s.id = v.station_id
		JOIN orgs o ON o.id = s.org_id WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("care: count visits: %w", err)
	}
	rows, err := s.visits(ctx, where, args, f.Limit, f.Offset)
	return rows, total, err
}

func visitScope(a *platform.Actor, f VisitFilter) (string, []any) {
	lo, hi := platform.SubtreeRange(a.OrgPath)
	where, args := `o.path >= ? AND o.path < ?`, []any{lo, hi}
	if f.StationID != 0 {
		where += ` AND v.station_id = ?`
		args = append(args, f.StationID)
	}
	if f.Rated {
		where += ` AND v.rated_at IS NOT NULL`
	}
	if f.From != "" {
		where += ` AND v.day >= ?`
		args = append(args, f.From)
	}
	if f.To != "" {
		where += ` AND v.day <= ?`
		args = append(args, f.To)
	}
	return where, args
}

// ReplyVisit records a staff reply to a worker's rating or comment.
func (s *Store) ReplyVisit(ctx context.Context, visitID int64, reply string) error {
	a, err := staff(ctx)
	if err != nil {
		return err
	}
	reply = strings.TrimSpace(reply)
	return s.db.InTx(ctx, func(tx *platform.Tx) error {
		var sid int64
		if err := tx.QueryRow(ctx, `SELECT station_id FROM care_visits WHERE id = ? AND rated_at IS NOT NULL`, visitID).Scan(&sid); err != nil {
			return platform.NotFound
		}
		st, err := stationInScope(ctx, tx, a, sid)
		if err != nil {
			return err
		}
		if reply == "" || utf8.RuneCountInString(reply) > 300 {
			return platform.Invalid().Field("reply", "care.err.reply")
		}
		now := s.clock.Now().UTC()
		if _, err := tx.Exec(ctx, `UPDATE care_visits SET reply = ?, replied_by = ?, replied_by_name = ?, replied_at = ? WHERE id = ?`,
			reply, a.AccountID, a.Name, now, visitID); err != nil {
			return fmt.Errorf("care: reply: %w", err)
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "care.visit.reply", EntityType: "care_visit",
			EntityID: strconv.FormatInt(visitID, 10), OrgID: st.OrgID, OrgPath: st.OrgPath, Summary: st.Name + " 回复评价"})
	})
}
