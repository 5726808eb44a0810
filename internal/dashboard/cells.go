package dashboard

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"zhijia/internal/platform"
)

// The live figures of a year are computed once per city and kept as cells:
// one value per figure (and per month, and people behind a masked money
// figure) for each org path the records carry. Any subtree's value is then the
// sum of the cells whose path lies in it, read in Go (see cellSet), so a page
// reads no records at all. One query per group of figures that share their
// records (SQL.batchKey) fills the cells for the whole city.
//
// Sums and counts add up across orgs exactly. A distinct count (people, units)
// adds up exactly as long as each person's records carry one org in the year:
// a worker belongs to one union at a time, and a record carries the union the
// worker was in when it was made. A worker who changed union during the year
// carries two; the refresh lists those few people with the orgs they appear
// in (spanners), and the roll-up counts each of them once per subtree — so
// every value equals COUNT(DISTINCT …) over the subtree's records, exactly.

// pathExpr is the record's org path in a figure's Join: the column compared
// with the subtree range ("a.org_path >= s.lo" gives "a.org_path").
var pathExpr = regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*)\s*>=\s*s\.lo\b`)

// cellPath is the column a figure's cells are grouped by, "" if the figure is
// not described by SQL with a subtree range (it is then computed live).
func (f Figure) cellPath() string {
	if f.sql == nil {
		return ""
	}
	if f.sql.Path != "" {
		return f.sql.Path
	}
	m := pathExpr.FindStringSubmatch(f.sql.Join)
	if m == nil {
		return ""
	}
	return m[1]
}

// cellCol is one aggregate column of a refresh query.
type cellCol struct {
	name     string // colName(figure, kind, bucket)
	agg      string
	args     []any
	distinct string // what COUNT(DISTINCT …) counts, "" for sums and counts
	cond     string // the records the column counts, for the spanners' flags
	condArgs []any
}

// colName names a cell column: kind "v" (value) or "p" (people), bucket 0 for
// the year and 1–12 for months.
func colName(key, kind string, bucket int) string {
	return fmt.Sprintf("%s|%s|%d", key, kind, bucket)
}

// monthCond is the condition placing a record in month m (1–12) of the year.
func (f SQL) monthCond(q Query, m int) (string, []any) {
	start := time.Date(q.Year, 1, 1, 0, 0, 0, 0, platform.Shanghai)
	if f.Time != "" {
		return f.Time + " >= ? AND " + f.Time + " < ?", []any{start.AddDate(0, m-1, 0).UTC(), start.AddDate(0, m, 0).UTC()}
	}
	return "substr(" + f.Day + ", 1, 7) = ?", []any{fmt.Sprintf("%04d-%02d", q.Year, m)}
}

// cellCols lists a figure's columns: the year's value, the months' values when
// it has months, the people behind a masked money figure.
func cellCols(q Query, fig Figure) []cellCol {
	f := *fig.sql
	col := func(name string, spec SQL, cond string, args []any) cellCol {
		c := cellCol{name: name, agg: spec.agg(cond), args: args, cond: cond, condArgs: args}
		if spec.Agg == "distinct" {
			c.distinct = spec.Col
		}
		return c
	}
	out := []cellCol{col(colName(fig.Key, "v", 0), f, f.Cond, f.condArgs(q))}
	if f.Time != "" || f.Day != "" {
		for m := 1; m <= 12; m++ {
			mc, margs := f.monthCond(q, m)
			out = append(out, col(colName(fig.Key, "v", m), f, and(mc, f.Cond), append(margs, f.condArgs(q)...)))
		}
	}
	if f.People != "" {
		p := f
		p.Agg, p.Col = "distinct", f.People
		out = append(out, col(colName(fig.Key, "p", 0), p, f.Cond, f.condArgs(q)))
	}
	return out
}

// rawCells is what one refresh query returns: values by path and column.
type rawCells struct {
	cols   []string
	values map[string][]int64 // path → one value per column
	spans  []spanGroup
}

// computeCells runs one batch's query for the whole city: one row per org path.
func computeCells(ctx context.Context, db *platform.DB, q Query, path string, figs []Figure) (*rawCells, error) {
	var cols []cellCol
	for _, f := range figs {
		cols = append(cols, cellCols(q, f)...)
	}
	from, sargs := Subtrees(q.Subtrees)
	where, wargs := figs[0].sql.where(q)
	var sel []string
	var args []any
	raw := &rawCells{values: map[string][]int64{}}
	for _, c := range cols {
		sel = append(sel, c.agg)
		args = append(args, c.args...)
		raw.cols = append(raw.cols, c.name)
	}
	query := "SELECT " + path + ", " + strings.Join(sel, ", ") + " FROM " + from + " " + figs[0].sql.Join + where + " GROUP BY " + path
	rows, err := db.Query(ctx, query, append(append(args, sargs...), wargs...)...)
	if err != nil {
		return nil, fmt.Errorf("dashboard: cells: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p string
		vals := make([]int64, len(cols))
		dest := []any{&p}
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("dashboard: cells: %w", err)
		}
		raw.values[p] = vals
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("dashboard: cells: %w", err)
	}
	byWhat := map[string][]cellCol{}
	var order []string
	for _, c := range cols {
		if c.distinct == "" {
			continue
		}
		if byWhat[c.distinct] == nil {
			order = append(order, c.distinct)
		}
		byWhat[c.distinct] = append(byWhat[c.distinct], c)
	}
	for _, what := range order {
		g, err := spanners(ctx, db, q, path, figs[0].sql, what, byWhat[what])
		if err != nil {
			return nil, err
		}
		if len(g.people) > 0 {
			raw.spans = append(raw.spans, g)
		}
	}
	return raw, nil
}

// spanGroup lists the people whose records in the year carry more than one
// org path, for the distinct columns that count them.
type spanGroup struct {
	cols   []string
	people [][]spanRow // one entry per person: each path with the columns it counts in
}

type spanRow struct {
	path  string
	flags []bool // one per column of the group
}

// spanners finds the people (what: the counted column) whose records carry two
// or more paths, with each path's flags: whether the records there fall in
// each column. Few people change union within a year; the query reads the
// year's records once grouped by person.
func spanners(ctx context.Context, db *platform.DB, q Query, path string, spec *SQL, what string, cols []cellCol) (spanGroup, error) {
	g := spanGroup{}
	from, sargs := Subtrees(q.Subtrees)
	where, wargs := spec.where(q)
	var sel []string
	var args []any
	for _, c := range cols {
		g.cols = append(g.cols, c.name)
		if c.cond == "" {
			sel = append(sel, "1")
			continue
		}
		sel = append(sel, "MAX(CASE WHEN "+c.cond+" THEN 1 ELSE 0 END)")
		args = append(args, c.condArgs...)
	}
	in := what + " IN (SELECT " + what + " FROM " + from + " " + spec.Join + where + " GROUP BY " + what + " HAVING MIN(" + path + ") < MAX(" + path + "))"
	if where == "" {
		where = " WHERE " + in
	} else {
		where += " AND " + in
	}
	query := "SELECT " + what + ", " + path + ", " + strings.Join(sel, ", ") + " FROM " + from + " " + spec.Join + where +
		" GROUP BY " + what + ", " + path + " ORDER BY " + what
	args = append(append(append(append(args, sargs...), wargs...), sargs...), wargs...)
	rows, err := db.Query(ctx, query, args...)
	if err != nil {
		return g, fmt.Errorf("dashboard: spanners: %w", err)
	}
	defer rows.Close()
	var last any
	for rows.Next() {
		var who any
		var r spanRow
		flags := make([]int64, len(cols))
		dest := []any{&who, &r.path}
		for i := range flags {
			dest = append(dest, &flags[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return g, fmt.Errorf("dashboard: spanners: %w", err)
		}
		for _, f := range flags {
			r.flags = append(r.flags, f != 0)
		}
		if len(g.people) == 0 || fmt.Sprint(who) != fmt.Sprint(last) {
			g.people = append(g.people, nil)
			last = who
		}
		g.people[len(g.people)-1] = append(g.people[len(g.people)-1], r)
	}
	return g, rows.Err()
}
