// Package platform is the shared kernel: configuration, database access for both
// engines, migrations, the clock, errors and the acting user.
package platform

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect names a database engine.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is the handle every store uses. On SQLite writes go through a one-connection
// pool so they never fight over the write lock; reads use their own pool.
type DB struct {
	Dialect Dialect
	w       *sql.DB
	r       *sql.DB
	DSN     string
	path    string // SQLite: the database file
	stmts   stmtCache
	wstmts  stmtCache

	wq     *writeQueue // SQLite: write transactions waiting for the writer
	counts writeCounters
}

// Open opens dsn: a postgres:// URL, or a SQLite file path (optionally "sqlite:" prefixed).
func Open(ctx context.Context, dsn string) (*DB, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("platform: open postgres: %w", err)
		}
		db.SetMaxOpenConns(32)
		db.SetMaxIdleConns(32)
		if err := db.PingContext(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("platform: connect postgres: %w", err)
		}
		return &DB{Dialect: Postgres, w: db, r: db, DSN: dsn}, nil
	}
	path := strings.TrimPrefix(dsn, "sqlite:")
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("platform: data dir: %w", err)
		}
	}
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "foreign_keys(1)", "busy_timeout(10000)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	// Readers sort in memory; the writer's sorts can be a million-row index
	// build (platform.BulkInsert), which spills to a temporary file instead.
	reader := url.Values{"_pragma": append(slices.Clone(q["_pragma"]), "temp_store(MEMORY)", "cache_size(-16384)"), "_txlock": {"deferred"}}
	q.Add("_pragma", "temp_store(FILE)")
	// The one writer gets a larger page cache than SQLite's default 2 MB: imports
	// too small to rebuild indexes for (BulkInsert) update random blind-index
	// pages. 32 MB keeps a million-row import under 300 MB of memory in all.
	// Readers keep a modest one each.
	q.Add("_pragma", "cache_size(-32768)")
	q.Set("_txlock", "immediate")
	w, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("platform: open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	r, err := sql.Open("sqlite", "file:"+path+"?"+reader.Encode())
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("platform: open sqlite: %w", err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("platform: open sqlite %s: %w", path, err)
	}
	db := &DB{Dialect: SQLite, w: w, r: r, DSN: dsn, path: path}
	db.wq = newWriteQueue()
	return db, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	db.closeWrites()
	db.stmts.close()
	db.wstmts.close()
	err := db.w.Close()
	if db.r != db.w {
		if e := db.r.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Writer is the raw writer pool, for migrations and maintenance only.
func (db *DB) Writer() *sql.DB { return db.w }

// Ping checks the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.r.PingContext(ctx) }

// Query runs a read on the reader pool.
func (db *DB) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := db.prepared(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return db.r.QueryContext(ctx, db.Rebind(q), args...)
}

// QueryRow runs a one-row read on the reader pool.
func (db *DB) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st := db.prepared(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.r.QueryRowContext(ctx, db.Rebind(q), args...)
}

// Exec runs one statement on the writer outside a transaction.
func (db *DB) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return db.w.ExecContext(ctx, db.Rebind(q), args...)
}

// Tx is a transaction whose statements use ? placeholders on every engine.
type Tx struct {
	tx      *sql.Tx
	Dialect Dialect
	stmts   map[string]*sql.Stmt // ExecRepeated's, closed with the transaction
	db      *DB
	missed  []string
	// detached: the statements ignore the caller's cancellation (a grouped
	// transaction, where an interrupted statement would undo the others' work).
	detached bool
}

func (t *Tx) ctx(ctx context.Context) context.Context {
	if t.detached {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// ExecRepeated runs a statement the transaction runs many times (a bulk
// insert's chunks): on SQLite it is parsed once per transaction, not per call.
func (t *Tx) ExecRepeated(ctx context.Context, q string, args ...any) (sql.Result, error) {
	ctx = t.ctx(ctx)
	if t.Dialect != SQLite {
		return t.Exec(ctx, q, args...)
	}
	st := t.stmts[q]
	if st == nil {
		var err error
		if st, err = t.tx.PrepareContext(ctx, q); err != nil {
			return nil, err
		}
		if t.stmts == nil {
			t.stmts = map[string]*sql.Stmt{}
		}
		t.stmts[q] = st
	}
	return st.ExecContext(ctx, args...)
}

func (t *Tx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	ctx = t.ctx(ctx)
	if st := t.cached(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, rebind(t.Dialect, q), args...)
}

func (t *Tx) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	ctx = t.ctx(ctx)
	if st := t.cached(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, rebind(t.Dialect, q), args...)
}

func (t *Tx) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	ctx = t.ctx(ctx)
	if st := t.cached(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, rebind(t.Dialect, q), args...)
}

// cached is q prepared once on SQLite's one writer connection and bound to
// this transaction: the pure-Go driver otherwise parses every statement anew.
func (t *Tx) cached(ctx context.Context, q string) *sql.Stmt {
	if t.db == nil || t.Dialect != SQLite {
		return nil
	}
	st := t.db.wstmts.lookup(q)
	if st == nil {
		t.missed = append(t.missed, q)
		return nil
	}
	return t.tx.StmtContext(ctx, st)
}

// InTx runs fn in one write transaction, committing if fn returns nil. On
// SQLite, transactions that arrive together share one commit (groupcommit.go).
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	if db.wq != nil {
		return db.queueTx(ctx, fn)
	}
	res := db.runTx(ctx, fn)
	if res.panicked != nil {
		panic(res.panicked)
	}
	return res.err
}

// Rebind turns ? placeholders into the engine's form.
func (db *DB) Rebind(q string) string { return rebind(db.Dialect, q) }

// rebind rewrites ? to $1, $2… for PostgreSQL, skipping quoted text.
func rebind(d Dialect, q string) string {
	if d != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteString(fmt.Sprintf("$%d", n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// IsUniqueViolation reports whether err is a unique-constraint violation, by code.
func IsUniqueViolation(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// IsForeignKeyViolation reports whether err is a foreign-key violation, by code.
func IsForeignKeyViolation(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23503"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	}
	return false
}
