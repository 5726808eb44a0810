package platform

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

//go:embed migrations
var migrationsFS embed.FS

// Migrate applies every embedded migration not yet applied.
func Migrate(ctx context.Context, db *DB) error {
	sub, err := fs.Sub(migrationsFS, "migrations/"+string(db.Dialect))
	if err != nil {
		return fmt.Errorf("platform: migrations: %w", err)
	}
	dialect := goose.DialectSQLite3
	if db.Dialect == Postgres {
		dialect = goose.DialectPostgres
	}
	p, err := goose.NewProvider(dialect, db.w, sub, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("platform: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("platform: migrate: %w", err)
	}
	return nil
}

// MigrationNames lists the migration files of one engine, for the parity test.
func MigrationNames(d Dialect) ([]string, error) {
	ents, err := migrationsFS.ReadDir("migrations/" + string(d))
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(ents))
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names, nil
}
