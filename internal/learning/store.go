package learning

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"zhijia/internal/platform"
)

// Store holds the question bank and the daily quiz.
type Store struct {
	db         *platform.DB
	clock      platform.Clock
	settings   Settings
	checkinKey []byte
}

// NewStore returns a Store on db with the default quiz settings; key signs the
// check-in QR codes (every instance sharing the key file signs alike).
func NewStore(db *platform.DB, clock platform.Clock, key []byte) *Store {
	return &Store{db: db, clock: clock, settings: DefaultSettings, checkinKey: key}
}

// Settings are the quiz rules in force.
func (s *Store) Settings() Settings { return s.settings }

type queryer interface {
	QueryRow(ctx context.Context, q string, args ...any) *sql.Row
}

// likeArg makes a LIKE pattern matching s anywhere, with wildcards in s escaped.
func likeArg(s string) string {
	s = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
	return "%" + s + "%"
}

// staffActor returns the acting staff member (or system), or NotFound for workers.
func staffActor(ctx context.Context) (*platform.Actor, error) {
	a := platform.ActorFrom(ctx)
	if a == nil || a.Kind == "worker" || a.OrgPath == "" {
		return nil, platform.NotFound
	}
	return a, nil
}

// workerActor returns the signed-in worker, or NotFound for anyone else.
func workerActor(ctx context.Context) (*platform.Actor, error) {
	a := platform.ActorFrom(ctx)
	if a == nil || a.Kind != "worker" || a.WorkerID == 0 {
		return nil, platform.NotFound
	}
	return a, nil
}

// orgRef is an org as the rules need it.
type orgRef struct {
	id, cityID int64
	name, path string
}

func loadOrg(ctx context.Context, q queryer, id int64) (*orgRef, error) {
	o := &orgRef{}
	err := q.QueryRow(ctx, `SELECT id, city_id, name, path FROM orgs WHERE id = ?`, id).Scan(&o.id, &o.cityID, &o.name, &o.path)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, platform.NotFound
	}
	if err != nil {
		return nil, fmt.Errorf("learning: org %d: %w", id, err)
	}
	return o, nil
}

// workerRef is the registry row a quiz needs.
type workerRef struct {
	id, cityID, orgID int64
	path              string
}

// workerOf is the signed-in worker and their union as the session or token
// loaded them for this request (platform.Actor), read again nowhere.
func workerOf(a *platform.Actor) *workerRef {
	w := &workerRef{id: a.WorkerID, orgID: a.OrgID, path: a.OrgPath}
	if ids := pathIDs(a.OrgPath); len(ids) > 0 {
		w.cityID = ids[0].(int64)
	}
	return w
}

func loadWorker(ctx context.Context, q queryer, id int64) (*workerRef, error) {
	w := &workerRef{}
	err := q.QueryRow(ctx, `SELECT w.id, w.city_id, w.org_id, o.path FROM workers w JOIN orgs o ON o.id = w.org_id WHERE w.id = ?`, id).
		Scan(&w.id, &w.cityID, &w.orgID, &w.path)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, platform.NotFound
	}
	if err != nil {
		return nil, fmt.Errorf("learning: worker %d: %w", id, err)
	}
	return w, nil
}

// pathIDs are the org ids along a materialised path, root first: "/1/12/345/" → 1, 12, 345.
func pathIDs(path string) []any {
	var out []any
	for _, p := range strings.Split(strings.Trim(path, "/"), "/") {
		var id int64
		if _, err := fmt.Sscan(p, &id); err == nil && id > 0 {
			out = append(out, id)
		}
	}
	return out
}
