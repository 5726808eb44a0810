package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
)

// Store reads and changes the union tree. Every method takes the actor from ctx
// and treats an org outside the actor's subtree exactly like one that does not exist.
type Store struct {
	db    *platform.DB
	clock platform.Clock
}

// NewStore returns a Store on db that stamps changes with clock.
func NewStore(db *platform.DB, clock platform.Clock) *Store {
	return &Store{db: db, clock: clock}
}

// queryer is what both *platform.DB (reads) and *platform.Tx offer.
type queryer interface {
	QueryRow(ctx context.Context, q string, args ...any) *sql.Row
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// orgColumns and orgFrom read an org with its employer; scanOrg reads the row.
const (
	orgColumns = `o.id, o.city_id, o.parent_id, o.level, o.name, o.area_code, o.path, o.depth,
	o.status, o.employer_id, o.contact_name, o.contact_phone, o.created_at, o.updated_at, o.closed_at,
	o.version, e.id, e.city_id, e.name, e.credit_code, e.headcount, e.address, e.lng, e.lat,
	e.created_at, e.updated_at`
	orgFrom   = ` FROM orgs o LEFT JOIN employers e ON e.id = o.employer_id`
	selectOrg = `SELECT ` + orgColumns + orgFrom
)

type scanner interface{ Scan(dest ...any) error }

// scanOrg reads one row of orgColumns.
func scanOrg(r scanner) (*Org, error) {
	var (
		o                   Org
		parentID, empID     sql.NullInt64
		closedAt            sql.NullTime
		eID, eCity, eHead   sql.NullInt64
		eName, eCode, eAddr sql.NullString
		eLng, eLat          sql.NullFloat64
		eCreated, eUpdated  sql.NullTime
		level, status       string
	)
	dest := []any{&o.ID, &o.CityID, &parentID, &level, &o.Name, &o.AreaCode, &o.Path, &o.Depth,
		&status, &empID, &o.ContactName, &o.ContactPhone, &o.CreatedAt, &o.UpdatedAt, &closedAt,
		&o.Version, &eID, &eCity, &eName, &eCode, &eHead, &eAddr, &eLng, &eLat, &eCreated, &eUpdated}
	if err := r.Scan(dest...); err != nil {
		return nil, err
	}
	o.ParentID, o.EmployerID = parentID.Int64, empID.Int64
	o.Level, o.Status = Level(level), Status(status)
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	if closedAt.Valid {
		t := closedAt.Time.UTC()
		o.ClosedAt = &t
	}
	if eID.Valid {
		o.Employer = &Employer{ID: eID.Int64, CityID: eCity.Int64, Name: eName.String,
			CreditCode: eCode.String, Headcount: eHead.Int64, Address: eAddr.String,
			CreatedAt: eCreated.Time.UTC(), UpdatedAt: eUpdated.Time.UTC()}
		if eLng.Valid && eLat.Valid {
			lng, lat := eLng.Float64, eLat.Float64
			o.Employer.Lng, o.Employer.Lat = &lng, &lat
		}
	}
	return &o, nil
}

// loadOrg reads one org by id, whoever asks; platform.NotFound if there is none.
func loadOrg(ctx context.Context, q queryer, id int64) (*Org, error) {
	o, err := scanOrg(q.QueryRow(ctx, selectOrg+` WHERE o.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, platform.NotFound
	}
	if err != nil {
		return nil, fmt.Errorf("org: load %d: %w", id, err)
	}
	return o, nil
}

// loadScoped reads one org the actor may see; anything else is platform.NotFound.
func loadScoped(ctx context.Context, q queryer, id int64) (*Org, error) {
	o, err := loadOrg(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if !platform.ActorFrom(ctx).Covers(o.Path) {
		return nil, platform.NotFound
	}
	return o, nil
}

// Get returns one org with its employer.
func (s *Store) Get(ctx context.Context, id int64) (*Org, error) {
	return loadScoped(ctx, s.db, id)
}

// Children lists the direct children of an org, by name.
func (s *Store) Children(ctx context.Context, id int64) ([]Org, error) {
	if _, err := loadScoped(ctx, s.db, id); err != nil {
		return nil, err
	}
	return queryOrgs(ctx, s.db, selectOrg+` WHERE o.parent_id = ? ORDER BY o.name, o.id`, id)
}

func queryOrgs(ctx context.Context, q queryer, query string, args ...any) ([]Org, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("org: list: %w", err)
	}
	defer rows.Close()
	var out []Org
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, fmt.Errorf("org: list: %w", err)
		}
		out = append(out, *o)
	}
	return out, rows.Err()
}

// Ancestors lists the orgs above id that the actor may see, from the top down,
// for breadcrumbs. The org itself is not included.
func (s *Store) Ancestors(ctx context.Context, id int64) ([]Org, error) {
	o, err := loadScoped(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	ids := PathIDs(o.Path)
	ids = ids[:len(ids)-1]
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, v := range ids {
		args[i] = v
	}
	list, err := queryOrgs(ctx, s.db, selectOrg+` WHERE o.id IN (`+platform.Placeholders(len(ids))+`) ORDER BY o.depth`, args...)
	if err != nil {
		return nil, err
	}
	a := platform.ActorFrom(ctx)
	out := list[:0]
	for _, x := range list {
		if a.Covers(x.Path) {
			out = append(out, x)
		}
	}
	return out, nil
}

// Stats are the figures of a subtree's active orgs. Headcount is the sum over the
// employers of the active grassroots unions.
type Stats struct {
	Grassroots int
	Headcount  int64
	Districts  int
	Industries int
	Groups     int
}

// SubtreeStats counts the active orgs under path (inclusive) by level, in one
// index-only query over orgs_level_path; the headcount summed is the copy of each
// employer's headcount the store keeps on its grassroots union.
func (s *Store) SubtreeStats(ctx context.Context, path string) (Stats, error) {
	var st Stats
	if !validPath(path) || !platform.ActorFrom(ctx).Covers(path) {
		return st, platform.NotFound
	}
	lo, hi := platform.SubtreeRange(path)
	// orgs_level_path (level, path, status, headcount) covers this: no row lookups.
	rows, err := s.db.Query(ctx, `SELECT level, COUNT(*), COALESCE(SUM(headcount), 0) FROM orgs
		WHERE level IN ('district', 'industry', 'grassroots', 'group')
		AND path >= ? AND path < ? AND status = 'active'
		GROUP BY level`, lo, hi)
	if err != nil {
		return st, fmt.Errorf("org: stats %s: %w", path, err)
	}
	defer rows.Close()
	for rows.Next() {
		var level string
		var n int
		var heads int64
		if err := rows.Scan(&level, &n, &heads); err != nil {
			return st, fmt.Errorf("org: stats %s: %w", path, err)
		}
		switch Level(level) {
		case LevelDistrict:
			st.Districts = n
		case LevelIndustry:
			st.Industries = n
		case LevelGrassroots:
			st.Grassroots, st.Headcount = n, heads
		case LevelGroup:
			st.Groups = n
		}
	}
	return st, rows.Err()
}

// record writes the audit entry of a change to o.
func record(ctx context.Context, tx *platform.Tx, now time.Time, action string, o *Org, summary string) error {
	return audit.Record(ctx, tx, now, audit.Entry{Action: action, EntityType: "org",
		EntityID: strconv.FormatInt(o.ID, 10), OrgID: o.ID, OrgPath: o.Path, Summary: summary})
}

// label is the zh-CN name of a catalogue key, for audit summaries.
func label(key string) string { return Messages[key][0] }

// Filter selects orgs for a list page. Under is a path prefix, narrowed to the
// actor's subtree (empty means the whole subtree). Sort is one of name, level,
// created or path (the default, i.e. tree order); Limit defaults to 50, at most 1000.
type Filter struct {
	Under  string
	Level  Level
	Status Status
	Q      string // part of the name, or a whole credit code
	Sort   string
	Desc   bool
	Limit  int
	Offset int
}

var sortColumns = map[string]string{
	"name":    "o.name",
	"level":   "CASE o.level WHEN 'city' THEN 0 WHEN 'district' THEN 1 WHEN 'industry' THEN 2 WHEN 'grassroots' THEN 3 ELSE 4 END",
	"created": "o.created_at",
	"path":    "o.path",
}

// Find lists the orgs matching f in the actor's subtree and the total number of matches.
func (s *Store) Find(ctx context.Context, f Filter) ([]Org, int, error) {
	under, ok := scopeUnder(platform.ActorFrom(ctx), f.Under)
	if !ok {
		return nil, 0, nil
	}
	lo, hi := platform.SubtreeRange(under)
	where, args := []string{"o.path >= ?", "o.path < ?"}, []any{lo, hi}
	if f.Level != "" {
		where, args = append(where, "o.level = ?"), append(args, string(f.Level))
	}
	if f.Status != "" {
		where, args = append(where, "o.status = ?"), append(args, string(f.Status))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		where = append(where, `(LOWER(o.name) LIKE ? ESCAPE '\' OR e.credit_code = ?)`)
		args = append(args, "%"+escapeLike(strings.ToLower(q))+"%", NormaliseCreditCode(q))
	}
	col, ok := sortColumns[f.Sort]
	if !ok {
		col = sortColumns["path"]
	}
	dir := " ASC"
	if f.Desc {
		dir = " DESC"
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 1000)
	cond := strings.Join(where, " AND ")
	rows, err := s.db.Query(ctx, `SELECT COUNT(*) OVER (), `+orgColumns+orgFrom+
		` WHERE `+cond+` ORDER BY `+col+dir+`, o.id`+dir+` LIMIT ? OFFSET ?`,
		append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("org: find: %w", err)
	}
	defer rows.Close()
	var out []Org
	total := 0
	for rows.Next() {
		o, err := scanOrgCounted(rows, &total)
		if err != nil {
			return nil, 0, fmt.Errorf("org: find: %w", err)
		}
		out = append(out, *o)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("org: find: %w", err)
	}
	if len(out) == 0 && f.Offset > 0 { // past the end: the window gave no count
		err = s.db.QueryRow(ctx, `SELECT COUNT(*)`+orgFrom+` WHERE `+cond, args...).Scan(&total)
		if err != nil {
			return nil, 0, fmt.Errorf("org: find count: %w", err)
		}
	}
	return out, total, nil
}

// scanOrgCounted reads a row of selectOrg preceded by COUNT(*) OVER ().
func scanOrgCounted(r scanner, total *int) (*Org, error) {
	return scanOrg(prefixScanner{r, total})
}

type prefixScanner struct {
	r     scanner
	first any
}

func (p prefixScanner) Scan(dest ...any) error { return p.r.Scan(append([]any{p.first}, dest...)...) }

// escapeLike makes s match literally inside a LIKE pattern with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Create adds an org under in.ParentID, which must be an active org in the actor's
// subtree whose level suits in.Level. A grassroots union gets its employer record.
func (s *Store) Create(ctx context.Context, in Input) (*Org, error) {
	if in.ParentID == 0 {
		return nil, platform.Invalid().Field("parent_id", "org.err.parent_required")
	}
	o := &Org{Level: in.Level}
	err := s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now()
		p, err := loadScoped(ctx, tx, in.ParentID)
		if err != nil {
			return err
		}
		if p.Status != StatusActive {
			return platform.Invalid().Field("parent_id", "org.err.parent_closed")
		}
		if err := in.validate(in.Level, infoOf(p)); err != nil {
			return err
		}
		// Lock the parent as we read it, so a concurrent move or close cannot
		// leave the new child with a stale path or under a closed parent.
		res, err := tx.Exec(ctx, `UPDATE orgs SET updated_at = updated_at WHERE id = ? AND path = ? AND status = 'active'`, p.ID, p.Path)
		if err := mustAffect(res, err, "org.err.parent_changed"); err != nil {
			return err
		}
		o.CityID, o.ParentID, o.Depth = p.CityID, p.ID, p.Depth+1
		if err := insertOrg(ctx, tx, now, o, p.Path, &in); err != nil {
			return err
		}
		return record(ctx, tx, now, "org.create", o,
			fmt.Sprintf("新建%s「%s」，上级「%s」", label(o.Level.LabelKey()), o.Name, p.Name))
	})
	if err != nil {
		return nil, err
	}
	return loadOrg(ctx, s.db, o.ID)
}

// CreateRoot adds a city federation, the root of a tree. Only the system actor may,
// or anyone while the database holds no org at all (first start).
func (s *Store) CreateRoot(ctx context.Context, in Input) (*Org, error) {
	o := &Org{Level: LevelCity}
	err := s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now()
		if a := platform.ActorFrom(ctx); a == nil || a.Kind != "system" {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM orgs`).Scan(&n); err != nil {
				return fmt.Errorf("org: create root: %w", err)
			}
			if n > 0 {
				return platform.Errorf(platform.CodeForbidden, "org.err.root_forbidden")
			}
		}
		if err := in.validate(LevelCity, nil); err != nil {
			return err
		}
		if err := insertOrg(ctx, tx, now, o, "/", &in); err != nil {
			return err
		}
		return record(ctx, tx, now, "org.create", o, fmt.Sprintf("新建%s「%s」", label(o.Level.LabelKey()), o.Name))
	})
	if err != nil {
		return nil, err
	}
	return loadOrg(ctx, s.db, o.ID)
}

// insertOrg inserts o (with CityID, ParentID, Level and Depth set) and its employer
// from in, then sets its path under parentPath. A root becomes its own city.
func insertOrg(ctx context.Context, tx *platform.Tx, now time.Time, o *Org, parentPath string, in *Input) error {
	o.Name, o.AreaCode, o.ContactName, o.ContactPhone = in.Name, in.AreaCode, in.ContactName, in.ContactPhone
	var heads int64
	if in.Employer != nil {
		heads = in.Employer.Headcount
		id, err := insertEmployer(ctx, tx, now, o.CityID, in.Employer)
		if err != nil {
			return err
		}
		o.EmployerID = id
	}
	err := tx.QueryRow(ctx, `INSERT INTO orgs (city_id, parent_id, level, name, area_code, path, depth, status,
		employer_id, headcount, contact_name, contact_phone, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, '', ?, 'active', ?, ?, ?, ?, ?, ?, 1) RETURNING id`,
		o.CityID, nullID(o.ParentID), string(o.Level), o.Name, o.AreaCode, o.Depth,
		nullID(o.EmployerID), heads, o.ContactName, o.ContactPhone, now, now).Scan(&o.ID)
	if err != nil {
		return fmt.Errorf("org: insert: %w", err)
	}
	o.Path = parentPath + strconv.FormatInt(o.ID, 10) + "/"
	if o.CityID == 0 {
		o.CityID = o.ID
	}
	if _, err := tx.Exec(ctx, `UPDATE orgs SET path = ?, city_id = ? WHERE id = ?`, o.Path, o.CityID, o.ID); err != nil {
		return fmt.Errorf("org: set path %d: %w", o.ID, err)
	}
	return nil
}

func insertEmployer(ctx context.Context, tx *platform.Tx, now time.Time, cityID int64, e *EmployerInput) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO employers (city_id, name, credit_code, headcount, address, lng, lat,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		cityID, e.Name, nullStr(e.CreditCode), e.Headcount, e.Address, e.Lng, e.Lat, now, now).Scan(&id)
	if platform.IsUniqueViolation(err) {
		return 0, creditCodeTaken()
	}
	if err != nil {
		return 0, fmt.Errorf("org: insert employer: %w", err)
	}
	return id, nil
}

// Update edits an org's name, area code, contacts and employer. version is the
// one the user saw; if someone saved in between, it is a conflict. ParentID and
// Level in in are ignored: see Move.
func (s *Store) Update(ctx context.Context, id, version int64, in Input) (*Org, error) {
	err := s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now()
		o, err := loadScoped(ctx, tx, id)
		if err != nil {
			return err
		}
		if o.Version != version {
			return platform.Errorf(platform.CodeConflict, "org.err.stale")
		}
		var info *parentInfo
		if o.ParentID != 0 {
			p, err := loadOrg(ctx, tx, o.ParentID)
			if err != nil {
				return err
			}
			info = infoOf(p)
		}
		if err := in.validate(o.Level, info); err != nil {
			return err
		}
		diff := changes(o, &in)
		if len(diff) == 0 {
			return nil
		}
		if err := saveEmployer(ctx, tx, now, o, in.Employer); err != nil {
			return err
		}
		var heads int64
		if in.Employer != nil {
			heads = in.Employer.Headcount
		}
		res, err := tx.Exec(ctx, `UPDATE orgs SET name = ?, area_code = ?, contact_name = ?, contact_phone = ?,
			employer_id = ?, headcount = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			in.Name, in.AreaCode, in.ContactName, in.ContactPhone, nullID(o.EmployerID), heads, now, id, version)
		if err := mustAffect(res, err, "org.err.stale"); err != nil {
			return err
		}
		return record(ctx, tx, now, "org.update", o, strings.Join(diff, "；"))
	})
	if err != nil {
		return nil, err
	}
	return loadOrg(ctx, s.db, id)
}

// saveEmployer writes e as o's employer, adding the record if o has none yet.
func saveEmployer(ctx context.Context, tx *platform.Tx, now time.Time, o *Org, e *EmployerInput) error {
	if e == nil {
		return nil
	}
	if o.EmployerID == 0 {
		id, err := insertEmployer(ctx, tx, now, o.CityID, e)
		o.EmployerID = id
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE employers SET name = ?, credit_code = ?, headcount = ?, address = ?,
		lng = ?, lat = ?, updated_at = ? WHERE id = ?`,
		e.Name, nullStr(e.CreditCode), e.Headcount, e.Address, e.Lng, e.Lat, now, o.EmployerID)
	if platform.IsUniqueViolation(err) {
		return creditCodeTaken()
	}
	if err != nil {
		return fmt.Errorf("org: update employer %d: %w", o.EmployerID, err)
	}
	return nil
}

// infoOf is what the rules need to know about p as a parent. Only districts use
// CityCode, and their parent is the city itself.
func infoOf(p *Org) *parentInfo {
	return &parentInfo{Level: p.Level, AreaCode: p.AreaCode, CityCode: p.AreaCode}
}

func creditCodeTaken() error {
	return platform.Errorf(platform.CodeConflict, "org.err.credit_code_taken").Field("credit_code", "org.err.credit_code_taken")
}
