package relief

import (
	"context"
	"fmt"
	"time"

	"zhijia/internal/platform"
)

// YearReport is the programme's figures for a year and the actor's subtree.
type YearReport struct {
	Year                     int
	ArchiveStart, ArchiveEnd int // households in the archive on 1 January and 31 December
	Filed, Exited            int // files opened (or re-opened) and closed in the year
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
	inArchive := `SELECT COUNT(*) FROM relief_archive WHERE org_path >= ? AND org_path < ? AND opened_at < ? AND (exited_at IS NULL OR exited_at >= ?)`
	if err := q([]any{&r.ArchiveStart}, inArchive, lo, hi, start, start); err != nil {
		return nil, err
	}
	if err := q([]any{&r.ArchiveEnd}, inArchive, lo, hi, end, end); err != nil {
		return nil, err
	}
	if err := q([]any{&r.Filed, &r.Exited}, `SELECT COALESCE(SUM(CASE WHEN e.action IN ('filed', 'reopened') THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN e.action IN ('exited_rule', 'exited_decision') THEN 1 ELSE 0 END), 0)
		FROM relief_archive_events e JOIN relief_archive r ON r.id = e.archive_id
		WHERE r.org_path >= ? AND r.org_path < ? AND e.at >= ? AND e.at < ?`, lo, hi, start, end); err != nil {
		return nil, err
	}
	if err := q([]any{&r.Households, &r.Granted}, `SELECT COUNT(DISTINCT g.worker_id), COALESCE(SUM(g.amount), 0) FROM relief_grants g
		JOIN relief_applications a ON a.id = g.application_id
		WHERE a.org_path >= ? AND a.org_path < ? AND g.year = ? AND g.status <> 'revoked'`, lo, hi, year); err != nil {
		return nil, err
	}
	var err error
	if r.ByStatus, err = s.tally(ctx, `SELECT a.status, COUNT(*), COALESCE(SUM(a.granted), 0) FROM relief_applications a
		WHERE a.org_path >= ? AND a.org_path < ? AND a.year = ? GROUP BY a.status ORDER BY a.status`, lo, hi, year); err != nil {
		return nil, err
	}
	grants := ` FROM relief_grants g JOIN relief_applications a ON a.id = g.application_id
		WHERE a.org_path >= ? AND a.org_path < ? AND g.year = ? AND g.status <> 'revoked'`
	if r.ByLevel, err = s.tally(ctx, `SELECT g.level, COUNT(*), SUM(g.amount)`+grants+` GROUP BY g.level ORDER BY g.level`, lo, hi, year); err != nil {
		return nil, err
	}
	if r.ByCause, err = s.tally(ctx, `SELECT g.cause, COUNT(*), SUM(g.amount)`+grants+` GROUP BY g.cause ORDER BY g.cause`, lo, hi, year); err != nil {
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
