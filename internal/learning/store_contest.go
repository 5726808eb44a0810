package learning

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"zhijia/internal/audit"
	"zhijia/internal/people"
	"zhijia/internal/platform"
)

const contestCols = `c.id, c.city_id, c.org_id, o.name, c.title, c.starts_at, c.ends_at, c.time_limit_s, c.total,
	(SELECT COUNT(*) FROM learning_contest_entries x WHERE x.contest_id = c.id AND x.submitted_at IS NOT NULL)`

func scanContest(sc interface{ Scan(...any) error }, extra ...any) (QuizContest, error) {
	var c QuizContest
	var secs int64
	err := sc.Scan(append([]any{&c.ID, &c.CityID, &c.OrgID, &c.OrgName, &c.Title, &c.StartsAt, &c.EndsAt, &secs, &c.Total, &c.Entries}, extra...)...)
	c.TimeLimit = time.Duration(secs) * time.Second
	return c, err
}

// CreateContest sets a contest for the organiser's subtree: the questions are
// drawn once from the active bank on the organiser's path (optionally one tag)
// and copied, so every entrant answers the same set.
func (s *Store) CreateContest(ctx context.Context, in ContestInput) (int64, error) {
	c, tag, err := in.Normalize()
	if err != nil {
		return 0, err
	}
	a, err := staffActor(ctx)
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now().UTC()
		org, err := loadOrg(ctx, tx, c.OrgID)
		if err != nil || !a.Covers(org.path) {
			return platform.Invalid().Field("org_id", "learning.err.org")
		}
		ids := pathIDs(org.path)
		args := append([]any{}, ids...)
		where := `active = 1 AND org_id IN (` + platform.Placeholders(len(ids)) + `)`
		if tag != "" {
			where, args = where+` AND tags LIKE ? ESCAPE '\'`, append(args, likeArg(","+tag+","))
		}
		pool, err := platform.ScanIDs(tx.Query(ctx, `SELECT id FROM learning_questions WHERE `+where, args...))
		if err != nil {
			return fmt.Errorf("learning: contest pool: %w", err)
		}
		if len(pool) < c.Total {
			return platform.Invalid().Field("questions", "learning.err.contest_pool")
		}
		err = tx.QueryRow(ctx, `INSERT INTO learning_contests (city_id, org_id, title, starts_at, ends_at, time_limit_s, total, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, org.cityID, org.id, c.Title, c.StartsAt, c.EndsAt,
			int64(c.TimeLimit/time.Second), c.Total, now).Scan(&id)
		if err != nil {
			return fmt.Errorf("learning: create contest: %w", err)
		}
		for i, qid := range Draw(-id, "contest", pool, nil, c.Total) {
			if _, err := tx.Exec(ctx, `INSERT INTO learning_contest_items (contest_id, position, question_id, kind, stem, options, answer, explanation)
				SELECT ?, ?, id, kind, stem, options, answer, explanation FROM learning_questions WHERE id = ?`, id, i+1, qid); err != nil {
				return fmt.Errorf("learning: contest question: %w", err)
			}
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "learning.contest.create", EntityType: "learning_contest",
			EntityID: strconv.FormatInt(id, 10), OrgID: org.id, OrgPath: org.path, Summary: fmt.Sprintf("%s（%d 题）", c.Title, c.Total)})
	})
	return id, err
}

// FindContests lists contests organised in the actor's subtree.
func (s *Store) FindContests(ctx context.Context, limit, offset int) ([]QuizContest, int, error) {
	a, err := staffActor(ctx)
	if err != nil {
		return nil, 0, err
	}
	lo, hi := platform.SubtreeRange(a.OrgPath)
	return s.contests(ctx, `o.path >= ? AND o.path < ?`, []any{lo, hi}, limit, offset)
}

// OpenContests lists the contests the signed-in worker may enter now.
func (s *Store) OpenContests(ctx context.Context) ([]QuizContest, error) {
	w, err := workerActor(ctx)
	if err != nil {
		return nil, err
	}
	wk := workerOf(w)
	ids := pathIDs(wk.path)
	now := s.clock.Now().UTC()
	list, _, err := s.contests(ctx, `c.org_id IN (`+platform.Placeholders(len(ids))+`) AND c.starts_at <= ? AND c.ends_at > ?`,
		append(append([]any{}, ids...), now, now), 20, 0)
	return list, err
}

func (s *Store) contests(ctx context.Context, where string, args []any, limit, offset int) ([]QuizContest, int, error) {
	rows, err := s.db.Query(ctx, `SELECT `+contestCols+`, COUNT(*) OVER() FROM learning_contests c JOIN orgs o ON o.id = c.org_id
		WHERE `+where+` ORDER BY c.starts_at DESC, c.id DESC LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("learning: contests: %w", err)
	}
	return platform.ScanPage(rows, func(total *int) (QuizContest, error) { return scanContest(rows, total) })
}

func (s *Store) contest(ctx context.Context, q queryer, id int64) (*QuizContest, string, error) {
	var path string
	c, err := scanContest(q.QueryRow(ctx, `SELECT `+contestCols+`, o.path FROM learning_contests c JOIN orgs o ON o.id = c.org_id WHERE c.id = ?`, id), &path)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", platform.NotFound
	}
	if err != nil {
		return nil, "", fmt.Errorf("learning: contest %d: %w", id, err)
	}
	return &c, path, nil
}

// Contest returns one contest organised in the actor's subtree, with its
// ranking of people (score, then time) and of unions (average score).
func (s *Store) Contest(ctx context.Context, id int64) (*QuizContest, []ContestEntry, []TeamStanding, error) {
	a, err := staffActor(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	c, path, err := s.contest(ctx, s.db, id)
	if err != nil || !a.Covers(path) {
		return nil, nil, nil, platform.NotFound
	}
	entries, err := s.contestRanking(ctx, id, 1000)
	if err != nil {
		return nil, nil, nil, err
	}
	teams, err := s.teamRanking(ctx, id)
	return c, entries, teams, err
}

func (s *Store) contestRanking(ctx context.Context, id int64, limit int) ([]ContestEntry, error) {
	rows, err := s.db.Query(ctx, `SELECT x.id, x.worker_id, w.name, o.name, x.started_at, x.submitted_at, x.score, x.duration_ms
		FROM learning_contest_entries x JOIN workers w ON w.id = x.worker_id JOIN orgs o ON o.id = x.org_id
		WHERE x.contest_id = ? AND x.submitted_at IS NOT NULL ORDER BY x.score DESC, x.duration_ms, x.submitted_at, x.id LIMIT ?`, id, limit)
	if err != nil {
		return nil, fmt.Errorf("learning: contest ranking: %w", err)
	}
	defer rows.Close()
	var out []ContestEntry
	for rows.Next() {
		e := ContestEntry{Rank: len(out) + 1}
		var sub sql.NullTime
		var ms int64
		if err := rows.Scan(&e.ID, &e.WorkerID, &e.WorkerName, &e.OrgName, &e.StartedAt, &sub, &e.Score, &ms); err != nil {
			return nil, err
		}
		e.WorkerName, e.Duration = people.MaskName(e.WorkerName), time.Duration(ms)*time.Millisecond
		if sub.Valid {
			e.SubmittedAt = &sub.Time
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func (s *Store) teamRanking(ctx context.Context, id int64) ([]TeamStanding, error) {
	rows, err := s.db.Query(ctx, `SELECT x.org_id, o.name, COUNT(*), CAST(SUM(x.score) AS BIGINT) * 1000 / COUNT(*) AS avg_milli
		FROM learning_contest_entries x JOIN orgs o ON o.id = x.org_id WHERE x.contest_id = ? AND x.submitted_at IS NOT NULL
		GROUP BY x.org_id, o.name ORDER BY avg_milli DESC, COUNT(*) DESC, x.org_id LIMIT 100`, id)
	if err != nil {
		return nil, fmt.Errorf("learning: team ranking: %w", err)
	}
	defer rows.Close()
	var out []TeamStanding
	for rows.Next() {
		t := TeamStanding{Rank: len(out) + 1}
		if err := rows.Scan(&t.OrgID, &t.Name, &t.Entrants, &t.AvgMilli); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// contestItems are a contest's questions; answers only when withAnswers.
func (s *Store) contestItems(ctx context.Context, id int64, withAnswers bool) ([]Item, error) {
	rows, err := s.db.Query(ctx, `SELECT position, question_id, kind, stem, options, answer, explanation
		FROM learning_contest_items WHERE contest_id = ? ORDER BY position`, id)
	if err != nil {
		return nil, fmt.Errorf("learning: contest items: %w", err)
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		var it Item
		var options string
		if err := rows.Scan(&it.Position, &it.QuestionID, &it.Kind, &it.Stem, &options, &it.Answer, &it.Explanation); err != nil {
			return nil, err
		}
		it.Options = loadOptions(options)
		if !withAnswers {
			it.Answer, it.Explanation = "", ""
		}
		out = append(out, it)
	}
	return out, rows.Err()
}
