// Package dbtest runs a test on every engine zhijia supports: SQLite always, and
// PostgreSQL when ZHIJIA_TEST_PG is set (failing, not skipping, if it is unreachable).
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"zhijia/internal/platform"
)

// Each runs fn once per engine, each on a freshly migrated, empty database.
func Each(t *testing.T, fn func(t *testing.T, db *platform.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) {
		if os.Getenv("ZHIJIA_TEST_PG") == "" {
			t.Skip("PostgreSQL SKIPPED: set ZHIJIA_TEST_PG=postgres://… to run store tests on PostgreSQL")
		}
		fn(t, Postgres(t))
	})
}

// SQLite opens a migrated database in a temp file.
func SQLite(t testing.TB) *platform.DB {
	t.Helper()
	ctx := context.Background()
	db, err := platform.Open(ctx, filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := platform.Migrate(ctx, db); err != nil {
		t.Fatalf("migrate sqlite: %v", err)
	}
	return db
}

var (
	tplOnce sync.Once
	tplName string
	tplErr  error
)

// Postgres clones a fresh database from a migrated template made once per process.
func Postgres(t testing.TB) *platform.DB {
	t.Helper()
	base := os.Getenv("ZHIJIA_TEST_PG")
	if base == "" {
		t.Fatal("ZHIJIA_TEST_PG is not set")
	}
	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("ZHIJIA_TEST_PG: %v", err)
	}
	defer admin.Close()
	if err := admin.PingContext(ctx); err != nil {
		t.Fatalf("ZHIJIA_TEST_PG is set but PostgreSQL is unreachable: %v", err)
	}
	tplOnce.Do(func() { tplName, tplErr = makeTemplate(ctx, admin, base) })
	if tplErr != nil {
		t.Fatalf("postgres template: %v", tplErr)
	}
	name := "zt_" + randHex(8)
	if _, err := admin.ExecContext(ctx, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s`, name, tplName)); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	db, err := platform.Open(ctx, withDB(base, name))
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() {
		db.Close()
		a, err := sql.Open("pgx", base)
		if err == nil {
			a.ExecContext(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name))
			a.Close()
		}
	})
	return db
}

func makeTemplate(ctx context.Context, admin *sql.DB, base string) (string, error) {
	name := "ztpl_" + randHex(8)
	if _, err := admin.ExecContext(ctx, fmt.Sprintf(`CREATE DATABASE %s`, name)); err != nil {
		return "", err
	}
	db, err := platform.Open(ctx, withDB(base, name))
	if err != nil {
		return "", err
	}
	err = platform.Migrate(ctx, db)
	db.Close()
	if err != nil {
		return "", err
	}
	// The template is dropped by the next run's sweep of stale ztpl_ databases.
	sweepStale(ctx, admin, name)
	return name, nil
}

// sweepStale drops templates left by earlier, finished runs (older than an hour).
func sweepStale(ctx context.Context, admin *sql.DB, keep string) {
	rows, err := admin.QueryContext(ctx, `SELECT d.datname FROM pg_database d
		WHERE (d.datname LIKE 'ztpl_%' OR d.datname LIKE 'zt_%') AND d.datname <> $1
		AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname)
		AND (pg_stat_file('base/'||d.oid||'/PG_VERSION')).modification < now() - interval '1 hour'`, keep)
	if err != nil {
		return
	}
	var names []string
	for rows.Next() {
		var n string
		if rows.Scan(&n) == nil {
			names = append(names, n)
		}
	}
	rows.Close()
	for _, n := range names {
		admin.ExecContext(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s`, n))
	}
}

// withDB swaps the database name in a postgres URL.
func withDB(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	u.Path = "/" + name
	return u.String()
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
