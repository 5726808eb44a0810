package platform

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
)

// Group commit (SQLite only). SQLite has one writer: write transactions run one
// after another whatever we do. Each commit writes every page it touched to the
// WAL and takes and drops the write lock; when many small transactions arrive
// at once (a morning's daily quizzes, say) those fixed costs dominate. So the
// transactions waiting for the writer form a queue, and the caller at its head
// (the leader) runs all of them on its own goroutine in one transaction, each
// inside its own savepoint, and commits once; then it hands the lead to the
// next caller waiting. A function that fails is rolled back to its savepoint
// and only its caller sees the error; the others commit. Every caller returns
// only after the commit that holds its writes, so "InTx returned nil" still
// means committed. A lone transaction runs as a plain one would, on its
// caller's goroutine, with no hand-over.

// maxBatch bounds how many transactions share one commit, so no caller waits
// behind an unbounded queue.
const maxBatch = 64

// ErrClosed is returned by InTx once the database is closed.
var ErrClosed = errors.New("platform: database is closed")

var errGoexit = errors.New("platform: a transaction's function ended its goroutine (t.FailNow inside InTx?); rolled back")

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

// writeQueue holds the transactions waiting for SQLite's one writer.
type writeQueue struct {
	mu      sync.Mutex
	idle    sync.Cond // signalled when no one leads
	pending []*txRequest
	leading bool // a caller is running a batch; then the queue's head leads next
	closed  bool
}

type txRequest struct {
	ctx  context.Context
	fn   func(*Tx) error
	done chan txResult // its result, or its turn to lead

	answered bool // written only by the leader that runs it
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
	panicked any  // a panic in fn, raised again in the caller's goroutine
	lead     bool // not a result: the caller's turn to run the next batch
}

func newWriteQueue() *writeQueue {
	q := &writeQueue{}
	q.idle.L = &q.mu
	return q
}

// closeWrites refuses new transactions and waits for the running batch.
func (db *DB) closeWrites() {
	q := db.wq
	if q == nil {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	for q.leading {
		q.idle.Wait()
	}
}

// queueTx queues fn and waits for the commit that holds it, leading a batch
// when it is its turn.
func (db *DB) queueTx(ctx context.Context, fn func(*Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	req := &txRequest{ctx: ctx, fn: fn, done: make(chan txResult, 1)}
	q := db.wq
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return ErrClosed
	}
	q.pending = append(q.pending, req)
	lead := !q.leading
	q.leading = true
	q.mu.Unlock()
	for {
		if lead {
			db.lead()
		}
		res := <-req.done
		if res.lead {
			lead = true
			continue
		}
		if res.panicked != nil {
			panic(res.panicked)
		}
		return res.err
	}
}

// lead runs the batch at the head of the queue (the leader's own transaction
// first) and hands the lead to the first caller still waiting.
func (db *DB) lead() {
	q := db.wq
	q.mu.Lock()
	n := min(len(q.pending), maxBatch)
	batch := slices.Clone(q.pending[:n])
	q.pending = slices.Delete(q.pending, 0, n)
	q.mu.Unlock()
	finished := false
	defer func() {
		if !finished {
			// A function ended this goroutine (runtime.Goexit: t.FailNow inside
			// InTx). The deferred rollback in runTx or runBatch undid the batch;
			// its callers are told, and the lead passes on as usual.
			for _, req := range batch {
				req.answer(txResult{err: errGoexit})
			}
		}
		q.mu.Lock()
		if len(q.pending) > 0 {
			q.pending[0].done <- txResult{lead: true}
		} else {
			q.leading = false
			q.idle.Broadcast()
		}
		q.mu.Unlock()
	}()
	if n == 1 {
		batch[0].answer(db.runAlone(batch[0]))
	} else {
		db.runBatch(batch)
	}
	finished = true
}

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
	if db.wq != nil {
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
