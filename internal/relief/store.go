package relief

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
	"zhijia/internal/review"
)

// Store holds the programme years, funds, applications and grants.
type Store struct {
	db      *platform.DB
	clock   platform.Clock
	dataDir string            // attachments live under dataDir/relief
	keys    *platform.Keyring // seals payees' account numbers
}

// NewStore returns a Store on db stamping changes with clock; attachments are
// kept under dataDir, account numbers sealed with keys.
func NewStore(db *platform.DB, clock platform.Clock, dataDir string, keys *platform.Keyring) *Store {
	return &Store{db: db, clock: clock, dataDir: dataDir, keys: keys}
}

// sealAccount seals an account number; none stays empty.
func (s *Store) sealAccount(acc string) string {
	if acc == "" {
		return ""
	}
	return s.keys.Seal(acc)
}

func maskOrEmpty(acc string) string {
	if acc == "" {
		return ""
	}
	return MaskAccount(acc)
}

// Programme is one programme year of a city.
type Programme struct {
	ID, CityID      int64
	Year            int
	CapApplication  int64
	CapHousehold    int64
	Causes          []string
	StopAt          string
	DueDays         int
	NoticeDays      int
	Version         int64
	Joined, Covered int // unions joined and the workers they hold
}

// ReviewConfig is the chain's shape for this year.
func (p *Programme) ReviewConfig() review.Config {
	return review.Config{StopAt: p.StopAt, DueDays: p.DueDays}
}

// Fund is one level's money for a programme year, in fen.
type Fund struct {
	ID, ProgrammeID, OrgID       int64
	OrgName, Level               string
	Total, Committed, Paid, Left int64
}

// cityOf is the id of the city at the top of a path.
func cityOf(path string) int64 {
	ids := review.PathIDs(path)
	if len(ids) == 0 {
		return 0
	}
	id, _ := strconv.ParseInt(ids[0], 10, 64)
	return id
}

// staffActor returns the staff (or API) actor in ctx, or NotFound for anyone else.
func staffActor(ctx context.Context) (*platform.Actor, error) {
	a := platform.ActorFrom(ctx)
	if a == nil || (a.Kind != "staff" && a.Kind != "api" && a.Kind != "system") {
		return nil, platform.NotFound
	}
	return a, nil
}

type queryer = review.Queryer

// orgRow is an org as relief's rules need it.
type orgRow struct {
	ID, CityID      int64
	Level, Name     string
	Path, Status    string
	Headcount       int64
	DistrictID      int64 // the district or industry union above (or itself)
	DistrictName    string
	DistrictPathLen int
}

func loadOrg(ctx context.Context, q queryer, id int64) (*orgRow, error) {
	o := &orgRow{}
	err := q.QueryRow(ctx, `SELECT id, city_id, level, name, path, status, headcount FROM orgs WHERE id = ?`, id).
		Scan(&o.ID, &o.CityID, &o.Level, &o.Name, &o.Path, &o.Status, &o.Headcount)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, platform.NotFound
	}
	if err != nil {
		return nil, fmt.Errorf("relief: org %d: %w", id, err)
	}
	if ids := review.PathIDs(o.Path); len(ids) >= 2 {
		o.DistrictID, _ = strconv.ParseInt(ids[1], 10, 64)
	}
	return o, nil
}

// ProgrammeFor returns the city's programme for year, NotFound if not set up.
func (s *Store) ProgrammeFor(ctx context.Context, cityID int64, year int) (*Programme, error) {
	return s.programme(ctx, s.db, cityID, year)
}

func (s *Store) programme(ctx context.Context, q queryer, cityID int64, year int) (*Programme, error) {
	p := &Programme{}
	var causes string
	err := q.QueryRow(ctx, `SELECT id, city_id, year, cap_application, cap_household, causes, stop_at, due_days, notice_days, version
		FROM relief_programmes WHERE city_id = ? AND year = ?`, cityID, year).
		Scan(&p.ID, &p.CityID, &p.Year, &p.CapApplication, &p.CapHousehold, &causes, &p.StopAt, &p.DueDays, &p.NoticeDays, &p.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, platform.NotFound
	}
	if err != nil {
		return nil, fmt.Errorf("relief: programme %d: %w", year, err)
	}
	p.Causes = ParseCauses(causes)
	err = q.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(c.workers), 0) FROM relief_joined_unions j
		LEFT JOIN org_worker_counts c ON c.org_id = j.org_id WHERE j.programme_id = ?`, p.ID).Scan(&p.Joined, &p.Covered)
	if err != nil {
		return nil, fmt.Errorf("relief: joined unions: %w", err)
	}
	return p, nil
}

// ProgrammeInput is the city's setup of a year as typed.
type ProgrammeInput struct {
	Year                         int
	CapApplication, CapHousehold int64
	Causes                       []string
	StopAt                       string
	DueDays, NoticeDays          int
}

func (in ProgrammeInput) validate() error {
	v := platform.Invalid()
	if in.Year < 2000 || in.Year > 2100 {
		v.Field("year", "relief.err.year")
	}
	if in.CapApplication <= 0 {
		v.Field("cap_application", "relief.err.amount_positive")
	}
	if in.CapHousehold < in.CapApplication {
		v.Field("cap_household", "relief.err.cap_household")
	}
	if len(in.Causes) == 0 {
		v.Field("causes", "relief.err.causes")
	}
	switch in.StopAt {
	case review.LevelGrassroots, review.LevelDistrict, review.LevelCity:
	default:
		v.Field("stop_at", "relief.err.stop_at")
	}
	if in.DueDays < 1 || in.DueDays > 60 {
		v.Field("due_days", "relief.err.due_days")
	}
	if in.NoticeDays < 1 || in.NoticeDays > 30 {
		v.Field("notice_days", "relief.err.notice_days")
	}
	return v.OrNil()
}

// SaveProgramme creates or updates the actor's city's programme for a year: city
// staff only.
func (s *Store) SaveProgramme(ctx context.Context, in ProgrammeInput) (*Programme, error) {
	a, err := staffActor(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	city := cityOf(a.OrgPath)
	if city == 0 || len(review.PathIDs(a.OrgPath)) != 1 {
		return nil, platform.Errorf(platform.CodeForbidden, "relief.err.city_only")
	}
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now().UTC()
		_, err := tx.Exec(ctx, `INSERT INTO relief_programmes (city_id, year, cap_application, cap_household, causes, stop_at,
			due_days, notice_days, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (city_id, year) DO UPDATE SET cap_application = excluded.cap_application, cap_household = excluded.cap_household,
			causes = excluded.causes, stop_at = excluded.stop_at, due_days = excluded.due_days, notice_days = excluded.notice_days,
			updated_at = excluded.updated_at, version = relief_programmes.version + 1`,
			city, in.Year, in.CapApplication, in.CapHousehold, strings.Join(in.Causes, ","), in.StopAt, in.DueDays, in.NoticeDays, now, now)
		if err != nil {
			return fmt.Errorf("relief: save programme: %w", err)
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "relief.programme", EntityType: "relief_programme",
			EntityID: strconv.Itoa(in.Year), OrgID: city, OrgPath: a.OrgPath,
			Summary: fmt.Sprintf("%d年度 单次上限%d分 每户年度上限%d分 原因%s 审核至%s 时限%d工作日 公示%d天", in.Year, in.CapApplication,
				in.CapHousehold, strings.Join(in.Causes, ","), in.StopAt, in.DueDays, in.NoticeDays)})
	})
	if err != nil {
		return nil, err
	}
	return s.ProgrammeFor(ctx, city, in.Year)
}

// Funds lists the funds of the year's programme at orgs in the actor's subtree,
// with a row (total 0) for every city, district and industry union there that
// has none yet, so staff see where money is missing.
func (s *Store) Funds(ctx context.Context, p *Programme) ([]Fund, error) {
	a := platform.ActorFrom(ctx)
	if a == nil || p == nil {
		return nil, nil
	}
	lo, hi := platform.SubtreeRange(a.OrgPath)
	rows, err := s.db.Query(ctx, `SELECT COALESCE(f.id, 0), o.id, o.name, o.level, COALESCE(f.total, 0), COALESCE(f.committed, 0),
		COALESCE(f.paid, 0) FROM orgs o LEFT JOIN relief_funds f ON f.org_id = o.id AND f.programme_id = ?
		WHERE o.path >= ? AND o.path < ? AND o.level IN ('city', 'district', 'industry') AND o.status = 'active'
		ORDER BY o.depth, o.area_code, o.id`, p.ID, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("relief: funds: %w", err)
	}
	defer rows.Close()
	var out []Fund
	for rows.Next() {
		f := Fund{ProgrammeID: p.ID}
		if err := rows.Scan(&f.ID, &f.OrgID, &f.OrgName, &f.Level, &f.Total, &f.Committed, &f.Paid); err != nil {
			return nil, err
		}
		f.Left = f.Total - f.Committed
		out = append(out, f)
	}
	return out, rows.Err()
}

// SetFund sets the total of a level's fund for the year. A city, district or
// industry union in the actor's subtree; the total never drops below what is
// already committed (a guarded update, as approvals are).
func (s *Store) SetFund(ctx context.Context, year int, orgID, total int64) error {
	a, err := staffActor(ctx)
	if err != nil {
		return err
	}
	if total < 0 {
		return platform.Invalid().Field("total", "relief.err.amount_nonnegative")
	}
	o, err := loadOrg(ctx, s.db, orgID)
	if err != nil || !a.Covers(o.Path) || (o.Level != "city" && o.Level != "district" && o.Level != "industry") {
		return platform.Invalid().Field("org_id", "relief.err.fund_org")
	}
	p, err := s.ProgrammeFor(ctx, o.CityID, year)
	if err != nil {
		return platform.Invalid().Field("year", "relief.err.no_programme")
	}
	return s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now().UTC()
		_, err := tx.Exec(ctx, `INSERT INTO relief_funds (city_id, programme_id, org_id, org_path, total, updated_at)
			VALUES (?, ?, ?, ?, 0, ?) ON CONFLICT (programme_id, org_id) DO NOTHING`, o.CityID, p.ID, o.ID, o.Path, now)
		if err != nil {
			return fmt.Errorf("relief: fund: %w", err)
		}
		res, err := tx.Exec(ctx, `UPDATE relief_funds SET total = ?, updated_at = ?, version = version + 1
			WHERE programme_id = ? AND org_id = ? AND committed <= ?`, total, now, p.ID, o.ID, total)
		if err != nil {
			return fmt.Errorf("relief: set fund: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return platform.Invalid().Field("total", "relief.err.total_below_committed")
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "relief.fund", EntityType: "relief_fund", EntityID: strconv.FormatInt(o.ID, 10),
			OrgID: o.ID, OrgPath: o.Path, Summary: fmt.Sprintf("%d年度 %s 专项资金总额 %d分", year, o.Name, total)})
	})
}

// commitFundOf commits amount from the fund of org for a programme in one
// guarded update, telling apart a level without a fund from one without money.
func commitFundOf(ctx context.Context, tx *platform.Tx, programmeID, orgID, amount int64) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `UPDATE relief_funds SET committed = committed + ?, version = version + 1
		WHERE programme_id = ? AND org_id = ? AND committed + ? <= total RETURNING id`, amount, programmeID, orgID, amount).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("relief: commit fund: %w", err)
	}
	if id, _, err := fundAt(ctx, tx, programmeID, orgID); err != nil || id == 0 {
		return 0, platform.Invalid().Field("amount", "relief.err.no_fund")
	}
	return 0, platform.Invalid().Field("amount", "relief.err.fund_exhausted")
}

// fundAt finds the fund of org for a programme, 0 when the level has none.
func fundAt(ctx context.Context, q queryer, programmeID, orgID int64) (id, left int64, err error) {
	err = q.QueryRow(ctx, `SELECT id, total - committed FROM relief_funds WHERE programme_id = ? AND org_id = ?`, programmeID, orgID).Scan(&id, &left)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, nil
	}
	return id, left, err
}

// now is the store's clock in UTC.
func (s *Store) now() time.Time { return s.clock.Now().UTC() }

// likeArg makes a LIKE pattern matching s anywhere, with wildcards in s escaped.
func likeArg(s string) string {
	s = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
	return "%" + s + "%"
}
