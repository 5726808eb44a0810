package relief

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"zhijia/internal/platform"
	"zhijia/internal/review"
)

// YearReport is the programme's figures for a year and the actor's subtree.
type YearReport struct {
	Year                     int
	ArchiveStart, ArchiveEnd int // households in the archive when the year starts and when it ends
	Filed, Exited            int // households filed (or re-opened) and households that exited in the year
	ByStatus                 []Tally
	ByLevel                  []Tally // grants by the level that granted them
	ByCause                  []Tally
	Households               int   // households granted aid
	Granted                  int64 // total granted, fen
	Funds                    []Fund
	Joined, Covered          int // unions joined and the workers they hold
}

// Tally is one row of a breakdown: a key, a count and, for money, a sum in fen.
type Tally struct {
	Key    string
	N      int
	Amount int64
}

// Report works out the year's figures for the actor's subtree.
func (s *Store) Report(ctx context.Context, year int) (*YearReport, error) {
	a := platform.ActorFrom(ctx)
	if a == nil || a.OrgPath == "" || a.Kind == "worker" {
		return nil, platform.NotFound
	}
	r := &YearReport{Year: year}
	lo, hi := platform.SubtreeRange(a.OrgPath)
	start := time.Date(year, 1, 1, 0, 0, 0, 0, platform.Shanghai).UTC()
	end := time.Date(year+1, 1, 1, 0, 0, 0, 0, platform.Shanghai).UTC()
	q := func(dest []any, sql string, args ...any) error {
		if err := s.db.QueryRow(ctx, sql, args...).Scan(dest...); err != nil {
			return fmt.Errorf("relief: report: %w", err)
		}
		return nil
	}
	// A file's entries (filed, re-opened) and exits alternate, so the households
	// in the archive at a moment are the entries before it less the exits.
	if err := q([]any{&r.ArchiveStart, &r.ArchiveEnd, &r.Filed, &r.Exited}, `SELECT
		COALESCE(SUM(CASE WHEN e.at < ? THEN `+archiveStep+` ELSE 0 END), 0), COALESCE(SUM(`+archiveStep+`), 0),
		COUNT(DISTINCT CASE WHEN e.at >= ? AND `+archiveIn+` THEN r.id END),
		COUNT(DISTINCT CASE WHEN e.at >= ? AND `+archiveOut+` THEN r.id END)
		FROM relief_archive r JOIN relief_archive_events e ON e.archive_id = r.id
		WHERE r.org_path >= ? AND r.org_path < ? AND e.at < ?`, start, start, start, lo, hi, end); err != nil {
		return nil, err
	}
	grants := ` FROM relief_grants g WHERE g.year = ? AND g.app_path >= ? AND g.app_path < ? AND g.status <> 'revoked'`
	if err := q([]any{&r.Households}, `SELECT COUNT(DISTINCT g.worker_id)`+grants, year, lo, hi); err != nil {
		return nil, err
	}
	parts, err := s.tally(ctx, `SELECT g.level || '/' || g.cause, COUNT(*), SUM(g.amount)`+grants+` GROUP BY g.level, g.cause`, year, lo, hi)
	if err != nil {
		return nil, err
	}
	r.ByLevel, r.ByCause, r.Granted = splitTally(parts)
	statuses := `SELECT a.status, COUNT(*), COALESCE(SUM(a.granted), 0) FROM relief_applications a
		WHERE a.org_path >= ? AND a.org_path < ? AND a.year = ? GROUP BY a.status ORDER BY a.status`
	args := []any{lo, hi, year}
	if len(review.PathIDs(a.OrgPath)) == 1 { // the whole city: by its id, from the year index
		statuses = `SELECT a.status, COUNT(*), COALESCE(SUM(a.granted), 0) FROM relief_applications a
			WHERE a.city_id = ? AND a.year = ? GROUP BY a.status ORDER BY a.status`
		args = []any{cityOf(a.OrgPath), year}
	}
	if r.ByStatus, err = s.tally(ctx, statuses, args...); err != nil {
		return nil, err
	}
	if p, perr := s.ProgrammeFor(ctx, cityOf(a.OrgPath), year); perr == nil {
		if r.Funds, err = s.Funds(ctx, p); err != nil {
			return nil, err
		}
		if err := q([]any{&r.Joined, &r.Covered}, `SELECT COUNT(*), COALESCE(SUM(c.workers), 0) FROM relief_joined_unions j
			LEFT JOIN org_worker_counts c ON c.org_id = j.org_id WHERE j.programme_id = ? AND j.org_path >= ? AND j.org_path < ?`,
			p.ID, lo, hi); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// The archive's events that bring a household in and take it out, and the
// step each makes in the count of households on file.
const (
	archiveIn   = `e.action IN ('filed', 'reopened')`
	archiveOut  = `e.action IN ('exited_rule', 'exited_decision')`
	archiveStep = `CASE WHEN ` + archiveIn + ` THEN 1 WHEN ` + archiveOut + ` THEN -1 ELSE 0 END`
)

// splitTally folds level/cause rows into the two breakdowns and the total.
func splitTally(parts []Tally) (byLevel, byCause []Tally, total int64) {
	add := func(list []Tally, key string, t Tally) []Tally {
		for i := range list {
			if list[i].Key == key {
				list[i].N += t.N
				list[i].Amount += t.Amount
				return list
			}
		}
		return append(list, Tally{Key: key, N: t.N, Amount: t.Amount})
	}
	for _, t := range parts {
		level, cause, _ := strings.Cut(t.Key, "/")
		byLevel, byCause = add(byLevel, level, t), add(byCause, cause, t)
		total += t.Amount
	}
	sort.Slice(byLevel, func(i, j int) bool { return rankLevel(byLevel[i].Key) < rankLevel(byLevel[j].Key) })
	sort.Slice(byCause, func(i, j int) bool { return byCause[i].Key < byCause[j].Key })
	return byLevel, byCause, total
}

func rankLevel(l string) int {
	return map[string]int{"grassroots": 1, "district": 2, "industry": 2, "city": 3}[l]
}

func (s *Store) tally(ctx context.Context, q string, args ...any) ([]Tally, error) {
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("relief: report tally: %w", err)
	}
	defer rows.Close()
	var out []Tally
	for rows.Next() {
		var t Tally
		if err := rows.Scan(&t.Key, &t.N, &t.Amount); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
