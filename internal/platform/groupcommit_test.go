package platform

import (
	"context"
	"errors"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
)

// Internal tests of the write queue's batches: the batch is built by hand, so
// what shares a commit is certain, not left to timing.

func openProbe(t *testing.T) *DB {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "gc.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(ctx, `CREATE TABLE probe (n INTEGER PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	return db
}

func insertProbe(n int, then func(*Tx) error) func(*Tx) error {
	return func(tx *Tx) error {
		if _, err := tx.Exec(context.Background(), `INSERT INTO probe (n) VALUES (?)`, n); err != nil {
			return err
		}
		if then != nil {
			return then(tx)
		}
		return nil
	}
}

func request(ctx context.Context, fn func(*Tx) error) *txRequest {
	return &txRequest{ctx: ctx, fn: fn, done: make(chan txResult, 1)}
}

func probeRows(t *testing.T, db *DB) []int {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT n FROM probe ORDER BY n`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var n int
		rows.Scan(&n)
		out = append(out, n)
	}
	return out
}

func TestGroupCommit_AFailureUndoesOnlyItsOwnWrites(t *testing.T) {
	db := openProbe(t)
	refused := errors.New("refused")
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	ctx := context.Background()
	batch := []*txRequest{
		request(ctx, insertProbe(1, nil)),
		request(ctx, insertProbe(2, func(*Tx) error { return refused })),
		request(ctx, insertProbe(3, nil)),
		request(ctx, insertProbe(4, func(*Tx) error { panic("boom") })),
		request(cancelled, insertProbe(5, nil)),
		request(ctx, insertProbe(1, nil)), // the same key as the first: a constraint error, for this caller only
		request(ctx, insertProbe(6, nil)),
	}
	db.runBatch(batch)
	results := make([]txResult, len(batch))
	for i, r := range batch {
		results[i] = <-r.done
	}
	if got := probeRows(t, db); !slices.Equal(got, []int{1, 3, 6}) {
		t.Fatalf("rows after the batch: %v, want [1 3 6]", got)
	}
	if results[0].err != nil || results[2].err != nil || results[6].err != nil {
		t.Fatalf("successful callers got errors: %+v", results)
	}
	if !errors.Is(results[1].err, refused) || results[3].panicked != "boom" || !errors.Is(results[4].err, context.Canceled) ||
		!IsUniqueViolation(results[5].err) {
		t.Fatalf("each failing caller should get its own failure: %+v", results)
	}
	if st := db.WriteStats(); st.Transactions != 3 || st.Commits != 1 {
		t.Fatalf("stats %+v, want 3 transactions in 1 commit", st)
	}
}

func TestGroupCommit_ATransactionEndedUnderneathFailsThoseBeforeAndRetriesThoseAfter(t *testing.T) {
	db := openProbe(t)
	ctx := context.Background()
	endTx := func(tx *Tx) error { _, err := tx.Exec(ctx, `ROLLBACK`); return err }
	batch := []*txRequest{
		request(ctx, insertProbe(1, nil)),
		request(ctx, insertProbe(2, endTx)), // SQLite does this itself on a full disk or an I/O error
		request(ctx, insertProbe(3, nil)),
		request(ctx, insertProbe(4, nil)),
	}
	db.runBatch(batch)
	var errs []error
	for _, r := range batch {
		res := <-r.done
		errs = append(errs, res.err)
	}
	if errs[0] == nil || errs[1] == nil || errs[2] != nil || errs[3] != nil {
		t.Fatalf("errors %v: want the first two to fail and the two after to commit", errs)
	}
	if got := probeRows(t, db); !slices.Equal(got, []int{3, 4}) {
		t.Fatalf("rows: %v, want [3 4]", got)
	}
}

// t.FailNow inside a transaction's function ends the goroutine running it
// (runtime.Goexit cannot be stopped): the write is undone and the writer goes
// on, rather than every later transaction waiting for a leader that is gone.
func TestGroupCommit_GoexitInAFunctionDoesNotStopWrites(t *testing.T) {
	db := openProbe(t)
	ctx := context.Background()
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		db.InTx(ctx, insertProbe(1, func(*Tx) error { runtime.Goexit(); return nil }))
		t.Error("InTx returned after its function called runtime.Goexit")
	}()
	<-ended
	if err := db.InTx(ctx, insertProbe(2, nil)); err != nil {
		t.Fatal(err)
	}
	if got := probeRows(t, db); !slices.Equal(got, []int{2}) {
		t.Fatalf("rows: %v, want [2]", got)
	}
}

// A follower's function that calls runtime.Goexit ends the leader's goroutine:
// the follower is told, and the batch's other callers get an error, not a hang.
func TestGroupCommit_GoexitInABatchAnswersEveryone(t *testing.T) {
	db := openProbe(t)
	ctx := context.Background()
	batch := []*txRequest{
		request(ctx, insertProbe(1, nil)),
		request(ctx, insertProbe(2, func(*Tx) error { runtime.Goexit(); return nil })),
		request(ctx, insertProbe(3, nil)),
	}
	db.wq.pending, db.wq.leading = slices.Clone(batch), true
	ended := make(chan struct{})
	go func() { defer close(ended); db.lead() }()
	<-ended
	for i, r := range batch {
		if res := <-r.done; !errors.Is(res.err, errGoexit) {
			t.Fatalf("caller %d got %+v, want errGoexit", i, res)
		}
	}
	if err := db.InTx(ctx, insertProbe(4, nil)); err != nil {
		t.Fatal(err)
	}
	if got := probeRows(t, db); !slices.Equal(got, []int{4}) {
		t.Fatalf("rows: %v, want [4]", got)
	}
}
