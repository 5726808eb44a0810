package platform

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCacheSize bounds the prepared reads kept per database; queries built with
// varying shapes beyond it simply run unprepared.
const stmtCacheSize = 512

// stmtCache keeps prepared statements for SQLite reads. The pure-Go SQLite driver
// parses SQL anew on every unprepared query, which on a hot path (the session
// lookup of every request) costs more than the query itself. PostgreSQL's driver
// caches prepared statements on its own.
type stmtCache struct {
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

func (db *DB) prepared(ctx context.Context, q string) *sql.Stmt {
	if db.Dialect != SQLite {
		return nil
	}
	return db.stmts.get(ctx, db.r, q)
}

func (c *stmtCache) get(ctx context.Context, pool *sql.DB, q string) *sql.Stmt {
	c.mu.RLock()
	st := c.m[q]
	n := len(c.m)
	c.mu.RUnlock()
	if st != nil || n >= stmtCacheSize {
		return st
	}
	st, err := pool.PrepareContext(context.WithoutCancel(ctx), q)
	if err != nil {
		return nil // the unprepared path reports the error
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	if old := c.m[q]; old != nil {
		st.Close()
		return old
	}
	c.m[q] = st
	return st
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = nil
}

func (c *stmtCache) lookup(q string) *sql.Stmt {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.m[q]
}
