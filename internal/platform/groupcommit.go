package platform

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
)

// Group commit (SQLite only). SQLite has one writer: write transactions run one
// after another whatever we do. Each commit writes every page it touched to the
// WAL and takes and drops the write lock; when many small transactions arrive
// at once (a morning's daily quizzes, say) those fixed costs dominate. So InTx
// hands its function to one committer goroutine, which runs all the functions
// waiting at that moment in one transaction, each inside its own savepoint, and
// commits once. A function that fails is rolled back to its savepoint and only
// its caller sees the error; the others commit. Every caller returns only after
// the commit that holds its writes, so "InTx returned nil" still means
// "durable". A lone transaction runs exactly as a plain one would.

// maxBatch bounds how many transactions share one commit, so no caller waits
// behind an unbounded queue.
const maxBatch = 64

// ErrClosed is returned by InTx once the database is closed.
var ErrClosed = errors.New("platform: database is closed")

// WriteStats counts write transactions and the commits that carried them: their
// ratio is how many transactions a commit groups on average.
type WriteStats struct {
	Transactions, Commits uint64
}

type writeCounters struct{ txs, commits atomic.Uint64 }

// WriteStats reports the writes so far (SQLite; zero on PostgreSQL).
func (db *DB) WriteStats() WriteStats {
	return WriteStats{Transactions: db.counts.txs.Load(), Commits: db.counts.commits.Load()}
}

type txRequest struct {
	ctx  context.Context
	fn   func(*Tx) error
	done chan txResult

	answered bool // touched by the committer goroutine only
}

// answer hands req its result, once.
func (req *txRequest) answer(res txResult) {
	if !req.answered {
		req.answered = true
		req.done <- res
	}
}

type txResult struct {
	err      error
	panicked any // a panic in fn, raised again in the caller's goroutine
}

// startCommitter starts the goroutine that owns SQLite write transactions.
func (db *DB) startCommitter() {
	db.queue = make(chan *txRequest)
	db.closing = make(chan struct{})
	db.stopped = make(chan struct{})
	go db.commitLoop()
}

// stopCommitter lets the committer finish its batch and return.
func (db *DB) stopCommitter() {
	if db.queue == nil {
		return
	}
	db.closeOnce.Do(func() { close(db.closing) })
	<-db.stopped
}

// queueTx runs fn through the committer and waits for its commit.
func (db *DB) queueTx(ctx context.Context, fn func(*Tx) error) error {
	req := &txRequest{ctx: ctx, fn: fn, done: make(chan txResult, 1)}
	select {
	case db.queue <- req:
	case <-ctx.Done():
		return ctx.Err()
	case <-db.closing:
		return ErrClosed
	}
	res := <-req.done
	if res.panicked != nil {
		panic(res.panicked)
	}
	return res.err
}

func (db *DB) commitLoop() {
	batch := make([]*txRequest, 0, maxBatch)
	stopped := false
	defer func() {
		if stopped {
			close(db.stopped)
			return
		}
		// A function ended this goroutine (runtime.Goexit: t.FailNow called
		// inside InTx): its batch was rolled back by runTx's or runBatch's
		// deferred rollback; its callers are told, and a new committer goes on.
		for _, req := range batch {
			req.answer(txResult{err: errGoexit})
		}
		go db.commitLoop()
	}()
	for {
		select {
		case req := <-db.queue:
			batch = append(batch[:0], req)
		case <-db.closing:
			stopped = true
			return
		}
	gather:
		for len(batch) < maxBatch {
			select {
			case req := <-db.queue:
				batch = append(batch, req)
			default:
				break gather
			}
		}
		if len(batch) == 1 {
			batch[0].answer(db.runAlone(batch[0]))
			continue
		}
		db.runBatch(batch)
	}
}

var errGoexit = errors.New("platform: a transaction's function ended its goroutine (t.FailNow inside InTx?); rolled back")

// runAlone is the plain transaction: the caller's context governs it whole.
func (db *DB) runAlone(req *txRequest) txResult {
	if err := req.ctx.Err(); err != nil {
		return txResult{err: err}
	}
	return db.runTx(req.ctx, req.fn)
}

// runTx runs fn in one transaction of its own, committing if it succeeded; a
// panic in fn rolls back and is handed back in the result.
func (db *DB) runTx(ctx context.Context, fn func(*Tx) error) txResult {
	sqlTx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return txResult{err: fmt.Errorf("platform: begin: %w", err)}
	}
	defer sqlTx.Rollback() // after Commit a no-op; on runtime.Goexit the undo
	t := &Tx{tx: sqlTx, Dialect: db.Dialect, db: db}
	if res := call(fn, t); res.err != nil || res.panicked != nil {
		_ = sqlTx.Rollback()
		return res
	}
	if err := sqlTx.Commit(); err != nil {
		return txResult{err: fmt.Errorf("platform: commit: %w", err)}
	}
	if db.queue != nil {
		db.counts.txs.Add(1)
		db.counts.commits.Add(1)
	}
	db.prepareMissed(ctx, t.missed)
	return txResult{}
}

// runBatch runs several callers' functions in one transaction, each in a
// savepoint, and commits once. Statements run detached from the callers'
// cancellation: an interrupted statement would roll back everyone's work.
func (db *DB) runBatch(batch []*txRequest) {
	ctx := context.Background()
	sqlTx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		for _, req := range batch {
			req.answer(txResult{err: fmt.Errorf("platform: begin: %w", err)})
		}
		return
	}
	defer sqlTx.Rollback() // after Commit a no-op; on runtime.Goexit the undo
	var ok []*txRequest
	var missed []string
	for i, req := range batch {
		if err := req.ctx.Err(); err != nil {
			req.answer(txResult{err: err})
			continue
		}
		t := &Tx{tx: sqlTx, Dialect: db.Dialect, db: db, detached: true}
		res := db.inSavepoint(ctx, t, req.fn)
		if res.lost != nil { // SQLite rolled the whole transaction back
			_ = sqlTx.Rollback()
			req.answer(res.txResult)
			for _, r := range ok {
				r.answer(txResult{err: fmt.Errorf("platform: batch rolled back: %w", res.lost)})
			}
			if rest := batch[i+1:]; len(rest) > 0 {
				db.runBatch(rest)
			}
			return
		}
		if res.err != nil || res.panicked != nil {
			req.answer(res.txResult)
			continue
		}
		ok = append(ok, req)
		missed = append(missed, t.missed...)
	}
	if err := sqlTx.Commit(); err != nil {
		err = fmt.Errorf("platform: commit: %w", err)
		for _, r := range ok {
			r.answer(txResult{err: err})
		}
		return
	}
	db.counts.txs.Add(uint64(len(ok)))
	db.counts.commits.Add(1)
	for _, r := range ok {
		r.answer(txResult{})
	}
	db.prepareMissed(ctx, missed)
}

type savepointResult struct {
	txResult
	lost error // set when the rollback to the savepoint failed: the transaction is gone
}

// inSavepoint runs fn between SAVEPOINT and RELEASE, rolling back to the
// savepoint if it fails.
func (db *DB) inSavepoint(ctx context.Context, t *Tx, fn func(*Tx) error) savepointResult {
	if _, err := t.Exec(ctx, `SAVEPOINT grouped`); err != nil {
		return savepointResult{txResult{err: fmt.Errorf("platform: savepoint: %w", err)}, err}
	}
	res := call(fn, t)
	if res.err == nil && res.panicked == nil {
		if _, err := t.Exec(ctx, `RELEASE grouped`); err != nil {
			return savepointResult{txResult{err: fmt.Errorf("platform: release: %w", err)}, err}
		}
		return savepointResult{txResult: res}
	}
	if _, err := t.Exec(ctx, `ROLLBACK TO grouped`); err != nil {
		return savepointResult{res, err}
	}
	if _, err := t.Exec(ctx, `RELEASE grouped`); err != nil {
		return savepointResult{res, err}
	}
	return savepointResult{txResult: res}
}

func (db *DB) prepareMissed(ctx context.Context, missed []string) {
	for _, q := range missed { // the writer is free again: prepare them for next time
		db.wstmts.get(ctx, db.w, q)
	}
}

// call runs fn, turning a panic into a result.
func call(fn func(*Tx) error, t *Tx) (res txResult) {
	defer func() {
		if p := recover(); p != nil {
			res = txResult{panicked: p}
		}
	}()
	return txResult{err: fn(t)}
}
