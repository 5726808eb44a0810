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

// computeCells fills one batch's cells for the whole city: one query by org
// path and month gives every count and sum (the year is the sum of its
// months) and the months of distinct counts; a second, by org path, the
// year's distinct counts (people are not the sum of months).
func computeCells(ctx context.Context, db *platform.DB, q Query, path string, figs []Figure) (*rawCells, error) {
	spec := figs[0].sql
	monthly := spec.Time != "" || spec.Day != ""
	raw := &rawCells{values: map[string][]int64{}}
	idx := map[string]int{}
	add := func(name string) { idx[name] = len(raw.cols); raw.cols = append(raw.cols, name) }
	var distinct []cellCol // the year's distinct counts, by path
	for _, f := range figs {
		add(colName(f.Key, "v", 0))
		if f.sql.Agg == "distinct" {
			distinct = append(distinct, cellCol{name: colName(f.Key, "v", 0), agg: f.sql.agg(f.sql.Cond), args: f.sql.condArgs(q)})
		}
		for m := 1; monthly && m <= 12; m++ {
			add(colName(f.Key, "v", m))
		}
		if f.sql.People != "" {
			add(colName(f.Key, "p", 0))
			p := *f.sql
			p.Agg, p.Col = "distinct", f.sql.People
			distinct = append(distinct, cellCol{name: colName(f.Key, "p", 0), agg: p.agg(f.sql.Cond), args: f.sql.condArgs(q)})
		}
	}
	cell := func(p string) []int64 {
		v := raw.values[p]
		if v == nil {
			v = make([]int64, len(raw.cols))
			raw.values[p] = v
		}
		return v
	}
	mkey, args := spec.monthKey(q)
	var sel []string
	for _, f := range figs {
		sel = append(sel, f.sql.agg(f.sql.Cond))
		args = append(args, f.sql.condArgs(q)...)
	}
	err := cellQuery(ctx, db, q, spec, path+", "+mkey, sel, args, func(p string, mk any, vals []int64) {
		v, m := cell(p), monthOf(mk, q.Year)
		for i, f := range figs {
			if f.sql.Agg != "distinct" {
				v[idx[colName(f.Key, "v", 0)]] += vals[i]
			}
			if monthly && m > 0 {
				v[idx[colName(f.Key, "v", m)]] += vals[i]
			}
		}
	})
	if err != nil || len(distinct) == 0 {
		return raw, err
	}
	sel, args = nil, nil
	for _, c := range distinct {
		sel = append(sel, c.agg)
		args = append(args, c.args...)
	}
	err = cellQuery(ctx, db, q, spec, path+", 0", sel, args, func(p string, _ any, vals []int64) {
		v := cell(p)
		for i, c := range distinct {
			v[idx[c.name]] = vals[i]
		}
	})
	if err != nil {
		return nil, err
	}
	return raw, spanGroups(ctx, db, q, path, figs, raw)
}

// cellQuery runs "SELECT key1, key2, sel… GROUP BY key1, key2" over the city's
// records of spec and hands each row to fn.
func cellQuery(ctx context.Context, db *platform.DB, q Query, spec *SQL, keys string, sel []string, args []any,
	fn func(path string, key2 any, vals []int64)) error {
	from, sargs := Subtrees(q.Subtrees)
	where, wargs := spec.where(q)
	query := "SELECT " + keys + ", " + strings.Join(sel, ", ") + " FROM " + from + " " + spec.Join + where + " GROUP BY 1, 2"
	all := append(append(args, sargs...), wargs...)
	rows, err := db.Query(ctx, query, all...)
	if err != nil {
		return fmt.Errorf("dashboard: cells: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p string
		var k any
		vals := make([]int64, len(sel))
		dest := []any{&p, &k}
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("dashboard: cells: %w", err)
		}
		fn(p, k, vals)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("dashboard: cells: %w", err)
	}
	return nil
}

// monthKey is an expression placing a record in its month: 1–12 for a time in
// the year (0 and 13 outside it), 'YYYY-MM' for a day; 0 without either.
func (f SQL) monthKey(q Query) (string, []any) {
	switch {
	case f.Time != "":
		var b strings.Builder
		var args []any
		b.WriteString("CASE")
		start := time.Date(q.Year, 1, 1, 0, 0, 0, 0, platform.Shanghai)
		for m := 0; m <= 12; m++ {
			fmt.Fprintf(&b, " WHEN %s < ? THEN %d", f.Time, m)
			args = append(args, start.AddDate(0, m, 0).UTC())
		}
		b.WriteString(" ELSE 13 END")
		return b.String(), args
	case f.Day != "":
		return "substr(" + f.Day + ", 1, 7)", nil
	}
	return "0", nil
}

// monthOf reads a month key: 1–12, or 0 for none in the year.
func monthOf(k any, year int) int {
	switch v := k.(type) {
	case int64:
		if v >= 1 && v <= 12 {
			return int(v)
		}
	case []byte:
		return monthOf(string(v), year)
	case string:
		var y, m int
		if _, err := fmt.Sscanf(v, "%d-%d", &y, &m); err == nil && y == year && m >= 1 && m <= 12 {
			return m
		}
	}
	return 0
}

// spanGroups finds, for each thing counted distinct, the spanners (see cellSet).
func spanGroups(ctx context.Context, db *platform.DB, q Query, path string, figs []Figure, raw *rawCells) error {
	var cols []cellCol
	for _, f := range figs {
		cols = append(cols, cellCols(q, f)...)
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
			return err
		}
		if len(g.people) > 0 {
			raw.spans = append(raw.spans, g)
		}
	}
	return nil
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
