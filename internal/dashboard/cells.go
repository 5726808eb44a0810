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
// carries two; the refresh keeps those few people with the orgs they appear
// in (spanners), and the roll-up counts each of them once per subtree — so
// every value equals COUNT(DISTINCT …) over the subtree's records, exactly.

// pathExpr is the record's org path in a figure's Join: the column compared
// with the subtree range ("a.org_path >= s.lo" gives "a.org_path").
var pathExpr = regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*)\s*>=\s*s\.lo\b`)

// cellPathOf is the column a Join compares with the subtree range, "" if none.
// SQL.Figure runs it once per figure; cellPath reads the result.
func cellPathOf(join string) string {
	m := pathExpr.FindStringSubmatch(join)
	if m == nil {
		return ""
	}
	return m[1]
}

// cellPath is the column a figure's cells are grouped by, "" if the figure is
// not described by SQL with a subtree range (it is then computed live).
func (f Figure) cellPath() string {
	if f.sql == nil {
		return ""
	}
	return f.sql.path
}

// cellCol is one column of a year's cells.
type cellCol struct {
	name     string // colName(figure, kind, bucket)
	distinct string // what a distinct count counts, "" for sums and counts
	cond     string // the records the column counts ("" for all), for distinct flags
	condArgs []any
}

// colName names a cell column: kind "v" (value) or "p" (people), bucket 0 for
// the year and 1–12 for months.
func colName(key, kind string, bucket int) string {
	return fmt.Sprintf("%s|%s|%d", key, kind, bucket)
}

// cellCols lists a figure's columns: the year's value, the months' values when
// it has months, the people behind a masked money figure.
func cellCols(q Query, fig Figure) []cellCol {
	f := *fig.sql
	col := func(name string, spec SQL, cond string, args []any) cellCol {
		c := cellCol{name: name, cond: cond, condArgs: args}
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
		out = append(out, col(colName(fig.Key, "p", 0), f.people(), f.Cond, f.condArgs(q)))
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
// months); distinct counts come from one query per thing counted (see
// personCells).
func computeCells(ctx context.Context, db *platform.DB, q Query, path string, figs []Figure) (*rawCells, error) {
	spec := figs[0].sql
	monthly := spec.Time != "" || spec.Day != ""
	raw := &rawCells{values: map[string][]int64{}}
	idx := map[string]int{}
	var sums []Figure
	byWhat := map[string][]cellCol{}
	var whats []string
	for _, f := range figs {
		if f.sql.Agg != "distinct" {
			sums = append(sums, f)
		}
		for _, c := range cellCols(q, f) {
			idx[c.name] = len(raw.cols)
			raw.cols = append(raw.cols, c.name)
			if c.distinct == "" {
				continue
			}
			if byWhat[c.distinct] == nil {
				whats = append(whats, c.distinct)
			}
			byWhat[c.distinct] = append(byWhat[c.distinct], c)
		}
	}
	if len(sums) > 0 {
		mkey, args := spec.monthKey(q)
		var sel []string
		for _, f := range sums {
			sel = append(sel, f.sql.agg(f.sql.Cond))
			args = append(args, f.sql.condArgs(q)...)
		}
		err := cellQuery(ctx, db, q, spec, path+", "+mkey, "", sel, args, func(p string, mk any, vals []int64) {
			v, m := raw.cell(p), monthOf(mk, q.Year)
			for i, f := range sums {
				v[idx[colName(f.Key, "v", 0)]] += vals[i]
				if monthly && m > 0 {
					v[idx[colName(f.Key, "v", m)]] += vals[i]
				}
			}
		})
		if err != nil {
			return nil, err
		}
	}
	for _, what := range whats {
		if err := personCells(ctx, db, q, path, spec, what, byWhat[what], idx, raw); err != nil {
			return nil, err
		}
	}
	return raw, nil
}

func (r *rawCells) cell(p string) []int64 {
	v := r.values[p]
	if v == nil {
		v = make([]int64, len(r.cols))
		r.values[p] = v
	}
	return v
}

// personCells fills distinct counts of one thing (what: a worker, a union):
// one row per (what, path) with a flag per column saying whether that path's
// records fall in it. A path's cell is the sum of its flags (the people
// counted there); rows of one person at several paths are kept as spanners.
func personCells(ctx context.Context, db *platform.DB, q Query, path string, spec *SQL, what string, cols []cellCol,
	idx map[string]int, raw *rawCells) error {
	var sel []string
	var args []any
	for _, c := range cols {
		if c.cond == "" {
			sel = append(sel, "1")
			continue
		}
		sel = append(sel, "MAX(CASE WHEN "+c.cond+" THEN 1 ELSE 0 END)")
		args = append(args, c.condArgs...)
	}
	g := spanGroup{}
	for _, c := range cols {
		g.cols = append(g.cols, c.name)
	}
	var person []spanRow
	var last any
	flush := func() {
		if len(person) > 1 {
			g.people = append(g.people, person)
		}
		person = nil
	}
	err := cellQuery(ctx, db, q, spec, what+", "+path, what+" IS NOT NULL", sel, args, func(who string, p any, vals []int64) {
		r := spanRow{path: asString(p), flags: make([]bool, len(vals))}
		v := raw.cell(r.path)
		for j, f := range vals {
			v[idx[cols[j].name]] += f
			r.flags[j] = f != 0
		}
		if who != last {
			flush()
			last = who
		}
		person = append(person, r)
	})
	flush()
	if len(g.people) > 0 {
		raw.spans = append(raw.spans, g)
	}
	return err
}

func asString(v any) string {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	s, _ := v.(string)
	return s
}

// cellQuery runs "SELECT key1, key2, sel… GROUP BY key1, key2 ORDER BY key1"
// over the city's records of spec (and extra, a condition) and hands each row
// to fn, key1 as text.
func cellQuery(ctx context.Context, db *platform.DB, q Query, spec *SQL, keys, extra string, sel []string, args []any,
	fn func(key1 string, key2 any, vals []int64)) error {
	from, sargs := Subtrees(q.Subtrees)
	where, wargs := spec.where(q)
	switch {
	case extra != "" && where == "":
		where = " WHERE " + extra
	case extra != "":
		where += " AND " + extra
	}
	query := "SELECT " + keys + ", " + strings.Join(sel, ", ") + " FROM " + from + " " + spec.Join + where + " GROUP BY 1, 2 ORDER BY 1"
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
