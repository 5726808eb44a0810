package platform

import "database/sql"

// ScanPage reads the rows of a list query whose last column is
// COUNT(*) OVER(): each row through scan, which stores that count in total,
// and closes the rows. A page past the end has no rows and a total of 0.
func ScanPage[T any](rows *sql.Rows, scan func(total *int) (T, error)) ([]T, int, error) {
	defer rows.Close()
	var out []T
	total := 0
	for rows.Next() {
		v, err := scan(&total)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, v)
	}
	return out, total, rows.Err()
}
