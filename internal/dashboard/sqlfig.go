package dashboard

import (
	"context"
	"fmt"
	"strings"
	"time"

	"zhijia/internal/platform"
)

// SQL describes a figure as one aggregate over records joined to the subtrees:
// the table of subtrees is "s" with columns lo and hi (a subtree's path range,
// see platform.SubtreeRange), and Join ties the records to it. Compute and
// Monthly then run one query each, for any number of subtrees, on both engines.
type SQL struct {
	Join  string // e.g. "JOIN orgs o ON o.path >= s.lo AND o.path < s.hi JOIN workers w ON w.org_id = o.id"
	Agg   string // "count", "sum" or "distinct"
	Col   string // what sum or distinct counts ("" for count)
	Where string // extra conditions, with ? placeholders
	Args  func(q Query) []any
	// Time (a UTC timestamp column) or Day (a 'YYYY-MM-DD' text column) places a
	// record in a month, for the line chart; neither means no monthly view.
	Time, Day string
	// People, for a masked money figure, is the column naming the person behind
	// a record (counted distinct to decide masking).
	People string
	// Cond narrows this figure within the records Join and Where select (a
	// level, a cause, a kind). Figures with the same Join and Where are computed
	// together, one column each, in a single query (they must then have the
	// same Args too).
	Cond     string
	CondArgs func(q Query) []any
	// path is the record's org path the figure's cells are grouped by, worked
	// out from Join once by Figure (see cellPathOf).
	path string
}

func (f SQL) condArgs(q Query) []any {
	if f.CondArgs == nil {
		return nil
	}
	return f.CondArgs(q)
}

func (f SQL) batchKey() string { return f.Join + "|" + f.Where }

// and joins two conditions, either of which may be empty.
func and(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " AND (" + b + ")"
}

// Subtrees is the derived table of subtree ranges and its arguments.
func Subtrees(paths []string) (string, []any) {
	var b strings.Builder
	args := make([]any, 0, 2*len(paths))
	b.WriteString("(")
	for i, p := range paths {
		if i > 0 {
			b.WriteString(" UNION ALL ")
		}
		b.WriteString("SELECT CAST(? AS TEXT) AS lo, CAST(? AS TEXT) AS hi")
		lo, hi := platform.SubtreeRange(p)
		args = append(args, lo, hi)
	}
	b.WriteString(") s")
	return b.String(), args
}

func (f SQL) agg(cond string) string {
	switch f.Agg {
	case "sum":
		if cond == "" {
			return "COALESCE(SUM(" + f.Col + "), 0)"
		}
		return "COALESCE(SUM(CASE WHEN " + cond + " THEN " + f.Col + " ELSE 0 END), 0)"
	case "distinct":
		if cond == "" {
			return "COUNT(DISTINCT " + f.Col + ")"
		}
		return "COUNT(DISTINCT CASE WHEN " + cond + " THEN " + f.Col + " END)"
	}
	if cond == "" {
		return "COUNT(*)"
	}
	return "COALESCE(SUM(CASE WHEN " + cond + " THEN 1 ELSE 0 END), 0)"
}

func (f SQL) where(q Query) (string, []any) {
	if f.Where == "" {
		return "", nil
	}
	var args []any
	if f.Args != nil {
		args = f.Args(q)
	}
	return " WHERE " + f.Where, args
}

// Compute gives one value per subtree.
func (f SQL) Compute(ctx context.Context, db *platform.DB, q Query) ([]int64, error) {
	if len(q.Subtrees) == 0 {
		return nil, nil
	}
	out, err := computeBatch(ctx, db, q, []SQL{f})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// computeBatch computes figures sharing Join and Where in one query: one
// aggregate column per figure, one row per subtree.
func computeBatch(ctx context.Context, db *platform.DB, q Query, fs []SQL) ([][]int64, error) {
	from, sargs := Subtrees(q.Subtrees)
	where, wargs := fs[0].where(q)
	cols := make([]string, len(fs))
	var args []any
	for i, f := range fs {
		cols[i] = f.agg(f.Cond)
		args = append(args, f.condArgs(q)...)
	}
	query := "SELECT s.lo, " + strings.Join(cols, ", ") + " FROM " + from + " " + fs[0].Join + where + " GROUP BY s.lo"
	rows, err := db.Query(ctx, query, append(append(args, sargs...), wargs...)...)
	if err != nil {
		return nil, fmt.Errorf("dashboard: compute: %w", err)
	}
	defer rows.Close()
	pos := map[string]int{}
	for i, p := range q.Subtrees {
		lo, _ := platform.SubtreeRange(p)
		pos[lo] = i
	}
	out := make([][]int64, len(fs))
	for i := range out {
		out[i] = make([]int64, len(q.Subtrees))
	}
	var p string
	vals := make([]int64, len(fs))
	dest := []any{&p}
	for i := range vals {
		dest = append(dest, &vals[i])
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("dashboard: compute: %w", err)
		}
		for i, v := range vals {
			out[i][pos[p]] = v
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("dashboard: compute: %w", err)
	}
	return out, nil
}

// Monthly gives 12 values for the first subtree, or nil without Time or Day.
func (f SQL) Monthly(ctx context.Context, db *platform.DB, q Query) ([]int64, error) {
	if f.Time == "" && f.Day == "" {
		return nil, nil
	}
	var cols []string
	var margs []any
	for m := 1; m <= 12; m++ {
		mc, args := f.monthCond(q, m)
		cols = append(cols, f.agg(and(mc, f.Cond)))
		margs = append(append(margs, args...), f.condArgs(q)...)
	}
	from, args := Subtrees(q.Subtrees[:1])
	where, wargs := f.where(q)
	query := "SELECT " + strings.Join(cols, ", ") + " FROM " + from + " " + f.Join + where
	all := append(append(margs, args...), wargs...)
	out := make([]int64, 12)
	dest := make([]any, 12)
	for i := range out {
		dest[i] = &out[i]
	}
	if err := db.QueryRow(ctx, query, all...).Scan(dest...); err != nil {
		return nil, fmt.Errorf("dashboard: monthly: %w", err)
	}
	return out, nil
}

// monthCond is the condition placing a record in month m (1–12) of the year,
// by Time or Day (one of them must be set).
func (f SQL) monthCond(q Query, m int) (string, []any) {
	start := time.Date(q.Year, 1, 1, 0, 0, 0, 0, platform.Shanghai)
	if f.Time != "" {
		return f.Time + " >= ? AND " + f.Time + " < ?", []any{start.AddDate(0, m-1, 0).UTC(), start.AddDate(0, m, 0).UTC()}
	}
	return "substr(" + f.Day + ", 1, 7) = ?", []any{fmt.Sprintf("%04d-%02d", q.Year, m)}
}

// people is the figure counting the people behind f's records (f.People,
// distinct), for masking a money figure.
func (f SQL) people() SQL {
	p := f
	p.Agg, p.Col = "distinct", f.People
	return p
}

// Figure fills a figure's compute functions from the SQL description.
func (f SQL) Figure(fig Figure) Figure {
	f.path = cellPathOf(f.Join)
	fig.Compute = f.Compute
	fig.sql = &f
	if f.People != "" {
		fig.People = f.people().Compute
	}
	if f.Time != "" || f.Day != "" {
		fig.Monthly = f.Monthly
	}
	return fig
}
