package learning

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"zhijia/internal/platform"
)

// contestFor loads a contest the signed-in worker may see: organised by a
// union on their path.
func (s *Store) contestFor(ctx context.Context, q queryer, id int64) (*QuizContest, *workerRef, error) {
	w, err := workerActor(ctx)
	if err != nil {
		return nil, nil, err
	}
	c, path, err := s.contest(ctx, q, id)
	if err != nil {
		return nil, nil, err
	}
	wk := workerOf(w)
	if !strings.HasPrefix(wk.path, path) {
		return nil, nil, platform.NotFound
	}
	return c, wk, nil
}

func (s *Store) myEntry(ctx context.Context, q queryer, contestID, workerID int64) (*ContestEntry, error) {
	e := &ContestEntry{WorkerID: workerID}
	var sub sql.NullTime
	var ms int64
	err := q.QueryRow(ctx, `SELECT id, started_at, submitted_at, score, duration_ms FROM learning_contest_entries
		WHERE contest_id = ? AND worker_id = ?`, contestID, workerID).Scan(&e.ID, &e.StartedAt, &sub, &e.Score, &ms)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("learning: entry %d: %w", contestID, err)
	}
	if sub.Valid {
		e.SubmittedAt = &sub.Time
	}
	e.Duration = time.Duration(ms) * time.Millisecond
	return e, nil
}

// MyContest is a contest as the signed-in worker sees it: their entry, the
// questions once they entered (answers only after they submitted) and their rank.
func (s *Store) MyContest(ctx context.Context, id int64) (*QuizContest, *ContestEntry, []Item, error) {
	c, wk, err := s.contestFor(ctx, s.db, id)
	if err != nil {
		return nil, nil, nil, err
	}
	e, err := s.myEntry(ctx, s.db, id, wk.id)
	if err != nil || e == nil {
		return c, nil, nil, err
	}
	items, err := s.contestItems(ctx, id, e.SubmittedAt != nil)
	if err != nil {
		return nil, nil, nil, err
	}
	if e.SubmittedAt != nil {
		ranking, err := s.contestRanking(ctx, id, 100000)
		if err != nil {
			return nil, nil, nil, err
		}
		for _, r := range ranking {
			if r.ID == e.ID {
				e.Rank = r.Rank
			}
		}
	}
	return c, e, items, nil
}

// EnterContest starts the signed-in worker's entry (once; the clock starts).
func (s *Store) EnterContest(ctx context.Context, id int64) error {
	return s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now().UTC()
		c, wk, err := s.contestFor(ctx, tx, id)
		if err != nil {
			return err
		}
		if !c.Open(now) {
			return platform.Errorf(platform.CodeConflict, "learning.err.contest_closed")
		}
		_, err = tx.Exec(ctx, `INSERT INTO learning_contest_entries (contest_id, worker_id, org_id, started_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (contest_id, worker_id) DO NOTHING`, id, wk.id, wk.orgID, now)
		if err != nil {
			return fmt.Errorf("learning: enter contest %d: %w", id, err)
		}
		return nil
	})
}

// SubmitContest grades the signed-in worker's entry once: the score is the
// right answers; the time is from entering to submitting. Past the time
// limit the entry counts with no score.
func (s *Store) SubmitContest(ctx context.Context, id int64, answers map[int]string) error {
	items, err := s.contestItems(ctx, id, true)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now().UTC()
		c, wk, err := s.contestFor(ctx, tx, id)
		if err != nil {
			return err
		}
		e, err := s.myEntry(ctx, tx, id, wk.id)
		if err != nil {
			return err
		}
		if e == nil {
			return platform.Errorf(platform.CodeConflict, "learning.err.contest_not_entered")
		}
		score, took := 0, now.Sub(e.StartedAt)
		if took <= c.TimeLimit+Grace {
			for _, it := range items {
				if Grade(it.Kind, it.Answer, answers[it.Position]) {
					score++
				}
			}
		} else {
			took = c.TimeLimit
		}
		res, err := tx.Exec(ctx, `UPDATE learning_contest_entries SET submitted_at = ?, score = ?, duration_ms = ?
			WHERE id = ? AND submitted_at IS NULL`, now, score, took.Milliseconds(), e.ID)
		if err != nil {
			return fmt.Errorf("learning: submit contest %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return platform.Errorf(platform.CodeConflict, "learning.err.contest_submitted")
		}
		return nil
	})
}
