package people

import (
	"context"
	"fmt"
	"strings"

	"zhijia/internal/platform"
)

// stager keeps an import's checked rows (their workerCols values) until the
// final transaction moves them into workers all at once, or drops them.
type stager interface {
	stage(ctx context.Context, rows [][]any) error
	// drop forgets the staged row whose column (id_index or phone_index) is idx,
	// and says whether there was one.
	drop(ctx context.Context, column, idx string) (bool, error)
	move(ctx context.Context, tx *platform.Tx) error
	// discard releases what the stage holds; moved says a move committed.
	discard(ctx context.Context, moved bool) error
}

// newStager picks how an import stages: PostgreSQL's COPY into import_staging
// is the fastest way there; on SQLite a scratch file beside the database keeps
// the one writer free while the file is read, and rows are written once.
func newStager(db *platform.DB) (stager, error) {
	if db.Dialect == platform.Postgres {
		return &tableStager{db: db, token: platform.RandomHex(12)}, nil
	}
	sp, err := db.NewSpool()
	if err != nil {
		return nil, err
	}
	return &spoolStager{sp: sp, dropped: map[string]bool{}}, nil
}

// moveInto inserts the moved rows; a row someone registered meanwhile is a conflict.
func moveInto(tx *platform.Tx, ctx context.Context, rows int, insert func() error) error {
	err := tx.BulkInsert(ctx, "workers", rows, insert)
	if platform.IsUniqueViolation(err) {
		return platform.Errorf(platform.CodeConflict, "people.import.registry_changed")
	}
	if err != nil {
		return fmt.Errorf("people: import: move staged rows: %w", err)
	}
	return nil
}

// spoolStager keeps rows in a platform.Spool and inserts them in multi-row
// statements of importChunk rows in the final transaction.
type spoolStager struct {
	sp      *platform.Spool
	dropped map[string]bool // column + ":" + index of rows refused after staging
}

func (s *spoolStager) stage(_ context.Context, rows [][]any) error {
	for _, r := range rows {
		if err := s.sp.Append(r); err != nil {
			return err
		}
	}
	return nil
}

// drop marks the row: the spool is append-only, so it is skipped on the move.
// A key is staged at most once (a second row with it is refused before staging),
// so a key marked already has nothing left to drop: like tableStager's DELETE,
// drop says false then.
func (s *spoolStager) drop(_ context.Context, column, idx string) (bool, error) {
	k := column + ":" + idx
	if s.dropped[k] {
		return false, nil
	}
	s.dropped[k] = true
	return true, nil
}

// The columns of workerCols that hold the blind indexes.
const (
	colPhoneIndex = 3
	colIDIndex    = 6
)

func (s *spoolStager) skip(row []any) bool {
	if len(s.dropped) == 0 {
		return false
	}
	id, _ := row[colIDIndex].(string)
	phone, _ := row[colPhoneIndex].(string)
	return s.dropped["id_index:"+id] || (phone != "" && s.dropped["phone_index:"+phone])
}

func (s *spoolStager) move(ctx context.Context, tx *platform.Tx) error {
	return moveInto(tx, ctx, s.sp.Rows(), func() error {
		args := make([]any, 0, importChunk*workerInsertArgs)
		n := 0
		flush := func() error {
			if n == 0 {
				return nil
			}
			_, err := tx.ExecRepeated(ctx, workerInsertSQL(n), args...)
			args, n = args[:0], 0
			return err
		}
		err := s.sp.Each(func(row []any) error {
			if s.skip(row) {
				return nil
			}
			args = append(args, row...)
			if n++; n == importChunk {
				return flush()
			}
			return nil
		})
		if err != nil {
			return err
		}
		return flush()
	})
}

func (s *spoolStager) discard(context.Context, bool) error { return s.sp.Close() }

// workerInsertSQL is the insert of n rows into workers.
func workerInsertSQL(n int) string {
	ph := "(" + platform.Placeholders(workerInsertArgs) + ")"
	return `INSERT INTO workers (` + workerCols + `) VALUES ` + strings.TrimSuffix(strings.Repeat(ph+", ", n), ", ")
}

// tableStager copies rows into import_staging under the import's token and
// moves them with one INSERT … SELECT.
type tableStager struct {
	db    *platform.DB
	token string
	seq   int64 // rows staged so far (dropped ones included)
}

func (s *tableStager) stage(ctx context.Context, rows [][]any) error {
	values := make([][]any, len(rows))
	for i, r := range rows {
		s.seq++
		values[i] = append([]any{s.token, s.seq}, r...)
	}
	_, err := s.db.CopyFrom(ctx, "import_staging", stagingColumns(), values)
	return err
}

func (s *tableStager) drop(ctx context.Context, column, idx string) (bool, error) {
	res, err := s.db.Exec(ctx, `DELETE FROM import_staging WHERE token = ? AND `+column+` = ?`, s.token, idx)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

func (s *tableStager) move(ctx context.Context, tx *platform.Tx) error {
	// The count is only a hint (BulkInsert uses it on SQLite alone): the rows
	// staged, without counting them again.
	err := moveInto(tx, ctx, int(s.seq), func() error {
		_, err := tx.Exec(ctx, `INSERT INTO workers (`+workerCols+`) SELECT `+workerCols+
			` FROM import_staging WHERE token = ? ORDER BY seq`, s.token)
		return err
	})
	if err != nil {
		return err
	}
	return s.dropAll(ctx, tx)
}

func (s *tableStager) dropAll(ctx context.Context, tx *platform.Tx) error {
	if _, err := tx.Exec(context.WithoutCancel(ctx), `DELETE FROM import_staging WHERE token = ?`, s.token); err != nil {
		return fmt.Errorf("people: import: drop staged rows: %w", err)
	}
	return nil
}

// discard deletes the staged rows unless a committed move deleted them already
// (a move whose transaction rolled back leaves them for discard).
func (s *tableStager) discard(ctx context.Context, moved bool) error {
	if moved {
		return nil
	}
	return s.db.InTx(context.WithoutCancel(ctx), func(tx *platform.Tx) error { return s.dropAll(ctx, tx) })
}

// stagingColumns are import_staging's columns: token, seq, then workerCols.
func stagingColumns() []string {
	cols := []string{"token", "seq"}
	for _, c := range strings.Split(workerCols, ",") {
		cols = append(cols, strings.TrimSpace(c))
	}
	return cols
}
