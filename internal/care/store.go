package care

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"zhijia/internal/audit"
	"zhijia/internal/photo"
	"zhijia/internal/platform"
)

// Store holds stations, visits and the service-circle index.
type Store struct {
	db     *platform.DB
	clock  platform.Clock
	signer *qrSigner

	mu       sync.Mutex
	cache    map[int64]*cachedIndex // by city
	hardship Hardship
	photos   *photo.Store
}

type cachedIndex struct {
	gen int64
	ix  *Index
}

// NewStore returns a Store on db; key signs the stations' check-in QR codes
// and photos keeps the stations' photos.
func NewStore(db *platform.DB, clock platform.Clock, key []byte, photos *photo.Store) *Store {
	return &Store{db: db, clock: clock, signer: newQRSigner(key), photos: photos, cache: map[int64]*cachedIndex{}}
}

type queryer interface {
	QueryRow(ctx context.Context, q string, args ...any) *sql.Row
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func likeArg(s string) string {
	s = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
	return "%" + s + "%"
}

// staff returns the acting staff member or API client; workers and strangers
// are told the thing does not exist.
func staff(ctx context.Context) (*platform.Actor, error) {
	a := platform.ActorFrom(ctx)
	if a == nil || a.Kind == "worker" || a.OrgPath == "" {
		return nil, platform.NotFound
	}
	return a, nil
}

const stationCols = `s.id, s.city_id, s.org_id, o.name, o.path, s.name, s.host, s.address, s.lat_e6, s.lng_e6, s.hours,
	s.facilities, s.services, s.groups_served, s.contact, s.phone, s.status, s.created_at, s.updated_at, s.version`

type scanner interface{ Scan(dest ...any) error }

func scanStation(r scanner, extra ...any) (*Station, error) {
	s := &Station{}
	var lat, lng int64
	var hours, fac, svc, grp string
	dest := append([]any{&s.ID, &s.CityID, &s.OrgID, &s.OrgName, &s.OrgPath, &s.Name, &s.Host, &s.Address, &lat, &lng,
		&hours, &fac, &svc, &grp, &s.Contact, &s.Phone, &s.Status, &s.CreatedAt, &s.UpdatedAt, &s.Version}, extra...)
	if err := r.Scan(dest...); err != nil {
		return nil, err
	}
	s.Pos = Point{fromE6(lat), fromE6(lng)}
	s.Hours = decodeWeek(hours)
	s.Facilities, s.Services, s.Groups = splitCodes(fac), splitCodes(svc), splitCodes(grp)
	return s, nil
}

func loadStation(ctx context.Context, q queryer, id int64) (*Station, error) {
	s, err := scanStation(q.QueryRow(ctx, `SELECT `+stationCols+` FROM care_stations s JOIN orgs o ON o.id = s.org_id
		WHERE s.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, platform.NotFound
	}
	if err != nil {
		return nil, fmt.Errorf("care: station %d: %w", id, err)
	}
	return s, nil
}

// Station returns one station in the actor's subtree, with its closures.
func (s *Store) Station(ctx context.Context, id int64) (*Station, error) {
	a, err := staff(ctx)
	if err != nil {
		return nil, err
	}
	st, err := loadStation(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	if !a.Covers(st.OrgPath) {
		return nil, platform.NotFound
	}
	st.Closures, err = loadClosures(ctx, s.db, id)
	return st, err
}

func loadClosures(ctx context.Context, q queryer, stationID int64) ([]Closure, error) {
	rows, err := q.Query(ctx, `SELECT id, from_day, to_day, reason FROM care_station_closures WHERE station_id = ? AND removed_at IS NULL
		ORDER BY from_day, id`, stationID)
	if err != nil {
		return nil, fmt.Errorf("care: closures: %w", err)
	}
	defer rows.Close()
	var out []Closure
	for rows.Next() {
		var c Closure
		if err := rows.Scan(&c.ID, &c.From, &c.To, &c.Reason); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// StationFilter narrows the console's station list.
type StationFilter struct {
	Q        string // name, host or address
	Facility string
	Status   string
	Limit    int
	Offset   int
}

// FindStations lists the stations in the actor's subtree.
func (s *Store) FindStations(ctx context.Context, f StationFilter) ([]*Station, int, error) {
	a, err := staff(ctx)
	if err != nil {
		return nil, 0, err
	}
	lo, hi := platform.SubtreeRange(a.OrgPath)
	where, args := `o.path >= ? AND o.path < ?`, []any{lo, hi}
	if f.Q != "" {
		where += ` AND (s.name LIKE ? ESCAPE '\' OR s.host LIKE ? ESCAPE '\' OR s.address LIKE ? ESCAPE '\')`
		args = append(args, likeArg(f.Q), likeArg(f.Q), likeArg(f.Q))
	}
	if f.Facility != "" {
		where += ` AND (',' || s.facilities || ',' || s.services || ',') LIKE ?`
		args = append(args, "%,"+f.Facility+",%")
	}
	if f.Status != "" {
		where += ` AND s.status = ?`
		args = append(args, f.Status)
	}
	if f.Limit <= 0 {
		f.Limit = 20
	}
	rows, err := s.db.Query(ctx, `SELECT `+stationCols+`, COUNT(*) OVER() FROM care_stations s JOIN orgs o ON o.id = s.org_id
		WHERE `+where+` ORDER BY o.path, s.name, s.id LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("care: find stations: %w", err)
	}
	return platform.ScanPage(rows, func(total *int) (*Station, error) { return scanStation(rows, total) })
}

// groupCodes lists the new-employment group codes the registry knows.
func (s *Store) groupCodes(ctx context.Context, q queryer) ([]string, error) {
	rows, err := q.Query(ctx, `SELECT code FROM new_employment_groups ORDER BY sort_order, code`)
	if err != nil {
		return nil, fmt.Errorf("care: groups: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// hostOrg checks that the host union lies in the actor's subtree.
func hostOrg(ctx context.Context, q queryer, a *platform.Actor, orgID int64) (city int64, path string, err error) {
	err = q.QueryRow(ctx, `SELECT city_id, path FROM orgs WHERE id = ? AND status = 'active'`, orgID).Scan(&city, &path)
	if err != nil || !a.Covers(path) {
		return 0, "", platform.Invalid().Field("org_id", "care.err.org")
	}
	return city, path, nil
}

// CreateStation registers a station under a union in the actor's subtree.
func (s *Store) CreateStation(ctx context.Context, in StationInput) (*Station, error) {
	a, err := staff(ctx)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		groups, err := s.groupCodes(ctx, tx)
		if err != nil {
			return err
		}
		p, w, verr := in.check(groups)
		city, path, oerr := hostOrg(ctx, tx, a, in.OrgID)
		if err := mergeInvalid(verr, oerr); err != nil {
			return err
		}
		now := s.clock.Now().UTC()
		err = tx.QueryRow(ctx, `INSERT INTO care_stations (city_id, org_id, name, host, address, lat_e6, lng_e6, hours,
			facilities, services, groups_served, contact, phone, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?) RETURNING id`,
			city, in.OrgID, in.Name, in.Host, in.Address, e6(p.Lat), e6(p.Lng), encodeWeek(w),
			strings.Join(in.Facilities, ","), strings.Join(in.Services, ","), strings.Join(in.Groups, ","),
			in.Contact, in.Phone, now, now).Scan(&id)
		if err != nil {
			return fmt.Errorf("care: create station: %w", err)
		}
		if err := bumpGen(ctx, tx, city); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "care.station.create", EntityType: "care_station",
			EntityID: strconv.FormatInt(id, 10), OrgID: in.OrgID, OrgPath: path, Summary: "新建驿站 " + in.Name})
	})
	if err != nil {
		return nil, err
	}
	return s.Station(ctx, id)
}

// UpdateStation changes a station; version guards against overwriting a
// change made meanwhile.
func (s *Store) UpdateStation(ctx context.Context, id, version int64, in StationInput) (*Station, error) {
	a, err := staff(ctx)
	if err != nil {
		return nil, err
	}
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		old, err := loadStation(ctx, tx, id)
		if err != nil || !a.Covers(old.OrgPath) {
			return platform.NotFound
		}
		groups, err := s.groupCodes(ctx, tx)
		if err != nil {
			return err
		}
		p, w, verr := in.check(groups)
		city, path, oerr := hostOrg(ctx, tx, a, in.OrgID)
		if err := mergeInvalid(verr, oerr); err != nil {
			return err
		}
		now := s.clock.Now().UTC()
		res, err := tx.Exec(ctx, `UPDATE care_stations SET city_id = ?, org_id = ?, name = ?, host = ?, address = ?, lat_e6 = ?,
			lng_e6 = ?, hours = ?, facilities = ?, services = ?, groups_served = ?, contact = ?, phone = ?, updated_at = ?,
			version = version + 1 WHERE id = ? AND version = ?`,
			city, in.OrgID, in.Name, in.Host, in.Address, e6(p.Lat), e6(p.Lng), encodeWeek(w),
			strings.Join(in.Facilities, ","), strings.Join(in.Services, ","), strings.Join(in.Groups, ","),
			in.Contact, in.Phone, now, id, version)
		if err != nil {
			return fmt.Errorf("care: update station %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return platform.Errorf(platform.CodeConflict, "care.err.stale")
		}
		if err := bumpGen(ctx, tx, city); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "care.station.update", EntityType: "care_station",
			EntityID: strconv.FormatInt(id, 10), OrgID: in.OrgID, OrgPath: path,
			Summary: "修改驿站 " + old.Name + " → " + in.Name + " (" + old.Pos.String() + " → " + p.String() + ")"})
	})
	if err != nil {
		return nil, err
	}
	return s.Station(ctx, id)
}

// mergeInvalid joins two validation results into one, keeping every field.
func mergeInvalid(errs ...error) error {
	var out *platform.Error
	for _, err := range errs {
		if err == nil {
			continue
		}
		e, ok := platform.AsError(err)
		if !ok || e.Code != platform.CodeInvalid {
			return err
		}
		if out == nil {
			out = platform.Invalid()
		}
		for k, v := range e.Fields {
			out.Field(k, v)
		}
	}
	if out == nil {
		return nil
	}
	return out
}

// bumpGen marks the city's stations changed, so every instance rebuilds its index.
func bumpGen(ctx context.Context, tx *platform.Tx, city int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO care_station_gen (city_id, gen) VALUES (?, 1)
		ON CONFLICT (city_id) DO UPDATE SET gen = care_station_gen.gen + 1`, city)
	if err != nil {
		return fmt.Errorf("care: bump gen: %w", err)
	}
	return nil
}

// OrgChoice is a union a station may be registered under.
type OrgChoice struct {
	ID    int64
	Name  string
	Level string
}

// HostChoices lists the active unions in the actor's subtree, city and
// districts first, for the station form (at most 500).
func (s *Store) HostChoices(ctx context.Context) ([]OrgChoice, error) {
	a, err := staff(ctx)
	if err != nil {
		return nil, err
	}
	lo, hi := platform.SubtreeRange(a.OrgPath)
	rows, err := s.db.Query(ctx, `SELECT id, name, level FROM orgs WHERE path >= ? AND path < ? AND status = 'active'
		AND level <> 'group' ORDER BY CASE level WHEN 'city' THEN 0 WHEN 'district' THEN 1 WHEN 'industry' THEN 2 ELSE 3 END, path
		LIMIT 500`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("care: host choices: %w", err)
	}
	defer rows.Close()
	var out []OrgChoice
	for rows.Next() {
		var o OrgChoice
		if err := rows.Scan(&o.ID, &o.Name, &o.Level); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Group is a new-employment group as the forms show it.
type Group struct{ Code, NameZH, NameEN string }

// Groups lists the registry's new-employment groups.
func (s *Store) Groups(ctx context.Context) ([]Group, error) {
	rows, err := s.db.Query(ctx, `SELECT code, name_zh, name_en FROM new_employment_groups ORDER BY sort_order, code`)
	if err != nil {
		return nil, fmt.Errorf("care: groups: %w", err)
	}
	defer rows.Close()
	var out []Group
	for rows.Next() {
		var g Group
		if err := rows.Scan(&g.Code, &g.NameZH, &g.NameEN); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}
