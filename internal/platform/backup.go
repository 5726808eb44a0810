package platform

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Backup writes a consistent copy of a live SQLite database to dest with VACUUM
// INTO, which reads one snapshot while writers carry on.
func Backup(ctx context.Context, db *DB, dest string) error {
	if db.Dialect != SQLite {
		return errors.New("backup: PostgreSQL deployments are backed up with pg_dump or the server's own tools")
	}
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("backup: %s already exists; choose a new file name", dest)
	}
	if _, err := db.r.ExecContext(ctx, `VACUUM INTO '`+strings.ReplaceAll(dest, "'", "''")+`'`); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}
