package platform

import (
	"database/sql"
	"strings"
)

// Placeholders is "?, ?, …" for an IN list of n values; "NULL" for none, so
// that "x IN (…)" stays valid SQL and matches nothing.
func Placeholders(n int) string {
	if n <= 0 {
		return "NULL"
	}
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// ScanIDs reads a one-column result of ids and closes it. It takes a query's
// two results as they come: ScanIDs(tx.Query(ctx, q, args...)).
func ScanIDs(rows *sql.Rows, err error) ([]int64, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// IDArgs turns ids into a statement's arguments, for an IN list.
func IDArgs(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}
