package relief

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
)

// Dibao is one district's monthly minimum living standard for a year, in fen.
type Dibao struct {
	DistrictID int64
	Name       string
	Monthly    int64 // 0 when not set
}

// DibaoList lists the districts and industry unions in the actor's subtree (or
// above it, its own district) with their 低保 for year.
func (s *Store) DibaoList(ctx context.Context, year int) ([]Dibao, error) {
	a := platform.ActorFrom(ctx)
	if a == nil || a.OrgPath == "" {
		return nil, nil
	}
	lo, hi := platform.SubtreeRange(a.OrgPath)
	rows, err := s.db.Query(ctx, `SELECT o.id, o.name, COALESCE(d.monthly, 0) FROM orgs o
		LEFT JOIN relief_dibao d ON d.district_id = o.id AND d.year = ?
		WHERE o.path >= ? AND o.path < ? AND o.level IN ('district', 'industry') AND o.status = 'active'
		ORDER BY o.area_code, o.id`, year, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("relief: dibao: %w", err)
	}
	defer rows.Close()
	var out []Dibao
	for rows.Next() {
		var d Dibao
		if err := rows.Scan(&d.DistrictID, &d.Name, &d.Monthly); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// SetDibao records a district's 低保 for a year (monthly, fen).
func (s *Store) SetDibao(ctx context.Context, year int, districtID, monthly int64) error {
	a, err := staffActor(ctx)
	if err != nil {
		return err
	}
	v := platform.Invalid()
	if monthly <= 0 {
		v.Field("monthly", "relief.err.amount_positive")
	}
	if year < 2000 || year > 2100 {
		v.Field("year", "relief.err.year")
	}
	o, err := loadOrg(ctx, s.db, districtID)
	if err != nil || !a.Covers(o.Path) || (o.Level != "district" && o.Level != "industry") {
		v.Field("district_id", "relief.err.district")
	}
	if err := v.OrNil(); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.now()
		_, err := tx.Exec(ctx, `INSERT INTO relief_dibao (city_id, district_id, year, monthly, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (district_id, year) DO UPDATE SET monthly = excluded.monthly, updated_at = excluded.updated_at`,
			o.CityID, o.ID, year, monthly, now)
		if err != nil {
			return fmt.Errorf("relief: set dibao: %w", err)
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "relief.dibao", EntityType: "relief_dibao", EntityID: strconv.FormatInt(o.ID, 10),
			OrgID: o.ID, OrgPath: o.Path, Summary: fmt.Sprintf("%d年度 %s 低保标准 %d分/月", year, o.Name, monthly)})
	})
}

// dibaoOf is the 低保 of a district for a year, 0 when not set.
func dibaoOf(ctx context.Context, q queryer, districtID int64, year int) (int64, error) {
	var m int64
	err := q.QueryRow(ctx, `SELECT monthly FROM relief_dibao WHERE district_id = ? AND year = ?`, districtID, year).Scan(&m)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return m, err
}

// JoinedUnion is a grassroots union and whether it joined the year's programme.
type JoinedUnion struct {
	OrgID     int64
	Name      string
	Headcount int64
	Joined    bool
}

// Unions lists grassroots unions in the actor's subtree whose name holds q
// (largest first), with whether they joined the programme.
func (s *Store) Unions(ctx context.Context, p *Programme, q string, limit int) ([]JoinedUnion, error) {
	a := platform.ActorFrom(ctx)
	if a == nil || p == nil {
		return nil, nil
	}
	lo, hi := platform.SubtreeRange(a.OrgPath)
	rows, err := s.db.Query(ctx, `SELECT o.id, o.name, o.headcount, CASE WHEN j.org_id IS NULL THEN 0 ELSE 1 END
		FROM orgs o LEFT JOIN relief_joined_unions j ON j.org_id = o.id AND j.programme_id = ?
		WHERE o.level = 'grassroots' AND o.path >= ? AND o.path < ? AND o.status = 'active' AND o.name LIKE ? ESCAPE '\'
		ORDER BY o.headcount DESC, o.id LIMIT ?`, p.ID, lo, hi, likeArg(q), limit)
	if err != nil {
		return nil, fmt.Errorf("relief: unions: %w", err)
	}
	defer rows.Close()
	var out []JoinedUnion
	for rows.Next() {
		var u JoinedUnion
		var joined int
		if err := rows.Scan(&u.OrgID, &u.Name, &u.Headcount, &joined); err != nil {
			return nil, err
		}
		u.Joined = joined == 1
		out = append(out, u)
	}
	return out, rows.Err()
}

// SetJoined adds a grassroots union in the actor's subtree to the year's
// programme, or takes it out.
func (s *Store) SetJoined(ctx context.Context, year int, orgID int64, joined bool) error {
	a, err := staffActor(ctx)
	if err != nil {
		return err
	}
	o, err := loadOrg(ctx, s.db, orgID)
	if err != nil || !a.Covers(o.Path) || o.Level != "grassroots" {
		return platform.Invalid().Field("org_id", "relief.err.union")
	}
	p, err := s.ProgrammeFor(ctx, o.CityID, year)
	if err != nil {
		return platform.Invalid().Field("year", "relief.err.no_programme")
	}
	return s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.now()
		q, action := `DELETE FROM relief_joined_unions WHERE programme_id = ? AND org_id = ?`, "relief.union_leave"
		args := []any{p.ID, o.ID}
		if joined {
			q, action = `INSERT INTO relief_joined_unions (programme_id, org_id, city_id, org_path, joined_at) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (programme_id, org_id) DO NOTHING`, "relief.union_join"
			args = append(args, o.CityID, o.Path, now)
		}
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return fmt.Errorf("relief: joined: %w", err)
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: action, EntityType: "org", EntityID: strconv.FormatInt(o.ID, 10),
			OrgID: o.ID, OrgPath: o.Path, Summary: fmt.Sprintf("%d年度 %s", year, o.Name)})
	})
}

// JoinLarge adds every grassroots union in the actor's subtree with at least
// minHeadcount workers to the year's programme (enterprises with 100+ first).
func (s *Store) JoinLarge(ctx context.Context, year int, minHeadcount int64) (int, error) {
	a, err := staffActor(ctx)
	if err != nil {
		return 0, err
	}
	p, err := s.ProgrammeFor(ctx, cityOf(a.OrgPath), year)
	if err != nil {
		return 0, platform.Invalid().Field("year", "relief.err.no_programme")
	}
	lo, hi := platform.SubtreeRange(a.OrgPath)
	var n int64
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.now()
		res, err := tx.Exec(ctx, `INSERT INTO relief_joined_unions (programme_id, org_id, city_id, org_path, joined_at)
			SELECT ?, id, city_id, path, ? FROM orgs WHERE level = 'grassroots' AND path >= ? AND path < ? AND status = 'active'
			AND headcount >= ? ON CONFLICT (programme_id, org_id) DO NOTHING`, p.ID, now, lo, hi, minHeadcount)
		if err != nil {
			return fmt.Errorf("relief: join large: %w", err)
		}
		n, _ = res.RowsAffected()
		return audit.Record(ctx, tx, now, audit.Entry{Action: "relief.union_join", EntityType: "relief_programme",
			EntityID: strconv.Itoa(year), Summary: fmt.Sprintf("%d年度 批量加入 %d 个基层工会（职工%d人以上）", year, n, minHeadcount)})
	})
	return int(n), err
}
