package care

import (
	"context"
	"fmt"
	"strings"

	"zhijia/internal/platform"
)

// DistrictCoverage is one district's (or industry union's) line of the report.
type DistrictCoverage struct {
	OrgID          int64  `json:"org_id"`
	Name           string `json:"name"`
	Stations       int    `json:"stations"`
	Unions         int    `json:"unions"`
	UnionsCovered  int    `json:"unions_covered"`
	Workers        int    `json:"workers"`
	WorkersCovered int    `json:"workers_covered"`
}

// Coverage is the service-circle coverage of the actor's subtree: a union (and
// its workers) is covered when its workplace lies within Radius of a station
// that is active and not temporarily closed today. Unions without a recorded
// workplace position count as not covered and are shown apart.
type Coverage struct {
	Radius         int                `json:"radius"`
	Day            string             `json:"day"`
	Stations       int                `json:"stations"`
	Unions         int                `json:"unions"`
	UnionsCovered  int                `json:"unions_covered"`
	UnionsNoPlace  int                `json:"unions_without_position"`
	Workers        int                `json:"workers"`
	WorkersCovered int                `json:"workers_covered"`
	Districts      []DistrictCoverage `json:"districts"`
}

// Share is covered ÷ all as a percentage with one decimal, for display.
func Share(covered, all int) string {
	if all == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", float64(covered)*100/float64(all))
}

// districtPath is the path of the level-2 ancestor (district or industry
// union) of path, or "" for the city itself.
func districtPath(path string) string {
	parts := strings.SplitN(strings.Trim(path, "/"), "/", 3)
	if len(parts) < 2 {
		return ""
	}
	return "/" + parts[0] + "/" + parts[1] + "/"
}

// Coverage computes the report for the actor's subtree.
func (s *Store) Coverage(ctx context.Context) (*Coverage, error) {
	a, err := staff(ctx)
	if err != nil {
		return nil, err
	}
	var city int64
	if err := s.db.QueryRow(ctx, `SELECT city_id FROM orgs WHERE id = ?`, a.OrgID).Scan(&city); err != nil {
		return nil, fmt.Errorf("care: coverage city: %w", err)
	}
	ix, err := s.index(ctx, city)
	if err != nil {
		return nil, err
	}
	today := s.clock.Now().In(platform.Shanghai).Format("2006-01-02")
	open := make([]*Station, 0, ix.Len())
	for _, st := range ix.all {
		if !closedOn(st.Closures, today) {
			open = append(open, st)
		}
	}
	openIx := NewIndex(open)
	cov := &Coverage{Radius: DefaultRadius, Day: today}
	rows, byPath, err := s.districtRows(ctx, city)
	if err != nil {
		return nil, err
	}
	for _, st := range ix.all {
		if a.Covers(st.OrgPath) {
			cov.Stations++
			if d := byPath[districtPath(st.OrgPath)]; d != nil {
				d.Stations++
			}
		}
	}
	if err := s.coverUnions(ctx, a, openIx, cov, byPath); err != nil {
		return nil, err
	}
	for _, d := range rows {
		if d.Stations+d.Unions > 0 {
			cov.Districts = append(cov.Districts, *d)
		}
	}
	return cov, nil
}

func closedOn(cs []Closure, day string) bool {
	for _, c := range cs {
		if day >= c.From && day <= c.To {
			return true
		}
	}
	return false
}

// districtRows lists the city's districts and industry unions, by path.
func (s *Store) districtRows(ctx context.Context, city int64) ([]*DistrictCoverage, map[string]*DistrictCoverage, error) {
	rows, err := s.db.Query(ctx, `SELECT id, name, path FROM orgs WHERE city_id = ? AND level IN ('district', 'industry')
		ORDER BY level, area_code, id`, city)
	if err != nil {
		return nil, nil, fmt.Errorf("care: districts: %w", err)
	}
	defer rows.Close()
	var out []*DistrictCoverage
	byPath := map[string]*DistrictCoverage{}
	for rows.Next() {
		d := &DistrictCoverage{}
		var path string
		if err := rows.Scan(&d.OrgID, &d.Name, &path); err != nil {
			return nil, nil, err
		}
		out = append(out, d)
		byPath[path] = d
	}
	return out, byPath, rows.Err()
}

// coverUnions counts the subtree's grassroots unions and workers within reach.
func (s *Store) coverUnions(ctx context.Context, a *platform.Actor, ix *Index, cov *Coverage, byPath map[string]*DistrictCoverage) error {
	lo, hi := platform.SubtreeRange(a.OrgPath)
	rows, err := s.db.Query(ctx, `SELECT o.path, e.lat, e.lng, COALESCE(c.workers, 0) FROM orgs o
		LEFT JOIN employers e ON e.id = o.employer_id LEFT JOIN org_worker_counts c ON c.org_id = o.id
		WHERE o.level = 'grassroots' AND o.status = 'active' AND o.path >= ? AND o.path < ?`, lo, hi)
	if err != nil {
		return fmt.Errorf("care: coverage unions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var path string
		var lat, lng *float64
		var workers int
		if err := rows.Scan(&path, &lat, &lng, &workers); err != nil {
			return err
		}
		d := byPath[districtPath(path)]
		if d == nil {
			d = &DistrictCoverage{}
		}
		cov.Unions++
		d.Unions++
		cov.Workers += workers
		d.Workers += workers
		if lat == nil || lng == nil {
			cov.UnionsNoPlace++
			continue
		}
		if ix.Any(Point{*lat, *lng}, DefaultRadius) {
			cov.UnionsCovered++
			d.UnionsCovered++
			cov.WorkersCovered += workers
			d.WorkersCovered += workers
		}
	}
	return rows.Err()
}
