package platform

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// CopyFrom bulk-loads rows into table with PostgreSQL's COPY protocol, outside
// any transaction (one statement: all rows or none). Callers use it only on
// PostgreSQL; on SQLite it is an error.
func (db *DB) CopyFrom(ctx context.Context, table string, columns []string, rows [][]any) (int64, error) {
	if db.Dialect != Postgres {
		return 0, errors.New("platform: COPY is PostgreSQL's")
	}
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("platform: copy into %s: %w", table, err)
	}
	defer conn.Close()
	var n int64
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("platform: copy needs a pgx connection, have %T", dc)
		}
		n, err = c.Conn().CopyFrom(ctx, pgx.Identifier{table}, columns, pgx.CopyFromRows(rows))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("platform: copy into %s: %w", table, err)
	}
	return n, nil
}
