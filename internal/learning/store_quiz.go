package learning

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"zhijia/internal/platform"
	"zhijia/internal/points"
)

// Attempt statuses.
const (
	AttemptOpen      = "open"
	AttemptSubmitted = "submitted"
	AttemptExpired   = "expired" // the time limit passed before a submission
)

// Attempt is one worker's daily quiz.
type Attempt struct {
	ID, WorkerID          int64
	Date                  string
	Status                string
	StartedAt, DeadlineAt time.Time
	SubmittedAt           *time.Time
	Total, Correct        int
	Points                int64
	Items                 []Item

	cityID, orgID int64 // the union the quiz was taken in, for the ledger
}

// Item is one question of an attempt, as it was when drawn. While the attempt is
// open Answer and Explanation are empty: the page never receives them.
type Item struct {
	Position    int
	QuestionID  int64
	Kind        Kind
	Stem        string
	Options     []string
	Answer      string
	Explanation string
	Given       string
	Correct     bool
}

// Open reports whether the attempt still takes answers at now.
func (a *Attempt) Open(now time.Time) bool {
	return a.Status == AttemptOpen && !now.After(a.DeadlineAt.Add(Grace))
}

const attemptCols = `id, worker_id, quiz_date, status, started_at, deadline_at, submitted_at, total, correct, points`

func scanAttempt(sc interface{ Scan(...any) error }) (*Attempt, error) {
	a := &Attempt{}
	var sub sql.NullTime
	if err := sc.Scan(&a.ID, &a.WorkerID, &a.Date, &a.Status, &a.StartedAt, &a.DeadlineAt, &sub, &a.Total, &a.Correct, &a.Points); err != nil {
		return nil, err
	}
	if sub.Valid {
		a.SubmittedAt = &sub.Time
	}
	return a, nil
}

// Today returns the signed-in worker's quiz of today, or nil before they start it.
func (s *Store) Today(ctx context.Context) (*Attempt, error) {
	w, err := workerActor(ctx)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now().UTC()
	a, err := scanAttempt(s.db.QueryRow(ctx, `SELECT `+attemptCols+` FROM learning_attempts WHERE worker_id = ? AND quiz_date = ?`,
		w.WorkerID, QuizDate(now)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("learning: today's quiz: %w", err)
	}
	return a, s.loadItems(ctx, s.db, a, now)
}

// Attempt returns one of the signed-in worker's quizzes with its questions.
func (s *Store) Attempt(ctx context.Context, id int64) (*Attempt, error) {
	w, err := workerActor(ctx)
	if err != nil {
		return nil, err
	}
	a, err := scanAttempt(s.db.QueryRow(ctx, `SELECT `+attemptCols+` FROM learning_attempts WHERE id = ? AND worker_id = ?`, id, w.WorkerID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, platform.NotFound
	}
	if err != nil {
		return nil, fmt.Errorf("learning: attempt %d: %w", id, err)
	}
	return a, s.loadItems(ctx, s.db, a, s.clock.Now().UTC())
}

type rowsQueryer interface {
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// loadItems fills the questions; answers only once the attempt is closed.
func (s *Store) loadItems(ctx context.Context, db rowsQueryer, a *Attempt, now time.Time) error {
	if a.Status == AttemptOpen && !a.Open(now) {
		a.Status = AttemptExpired // shown so; stored so at the next submit
	}
	rows, err := db.Query(ctx, `SELECT position, question_id, kind, stem, options, answer, explanation, given, correct
		FROM learning_attempt_items WHERE attempt_id = ? ORDER BY position`, a.ID)
	if err != nil {
		return fmt.Errorf("learning: items of %d: %w", a.ID, err)
	}
	defer rows.Close()
	a.Items = a.Items[:0]
	for rows.Next() {
		var it Item
		var options string
		var correct int
		if err := rows.Scan(&it.Position, &it.QuestionID, &it.Kind, &it.Stem, &options, &it.Answer, &it.Explanation, &it.Given, &correct); err != nil {
			return err
		}
		it.Options, it.Correct = loadOptions(options), correct == 1
		if a.Status == AttemptOpen {
			it.Answer, it.Explanation = "", ""
		}
		a.Items = append(a.Items, it)
	}
	return rows.Err()
}

// Start begins the signed-in worker's quiz of today: the questions are drawn and
// copied into the attempt, and the clock starts. Starting again (or twice at
// once) returns the same attempt.
func (s *Store) Start(ctx context.Context) (*Attempt, error) {
	w, err := workerActor(ctx)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now().UTC()
		date := QuizDate(now)
		err := tx.QueryRow(ctx, `SELECT id FROM learning_attempts WHERE worker_id = ? AND quiz_date = ?`, w.WorkerID, date).Scan(&id)
		if err == nil || !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		wk := workerOf(w)
		ids, err := s.drawFor(ctx, tx, wk, date)
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO learning_attempts (city_id, worker_id, org_id, quiz_date, status, started_at, deadline_at, total)
			VALUES (?, ?, ?, ?, 'open', ?, ?, ?) ON CONFLICT (worker_id, quiz_date) DO NOTHING RETURNING id`,
			wk.cityID, wk.id, wk.orgID, date, now, now.Add(s.settings.TimeLimit), len(ids)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) { // started at the same moment elsewhere
			return tx.QueryRow(ctx, `SELECT id FROM learning_attempts WHERE worker_id = ? AND quiz_date = ?`, w.WorkerID, date).Scan(&id)
		}
		if err != nil {
			return fmt.Errorf("learning: start quiz: %w", err)
		}
		for i, qid := range ids {
			_, err := tx.Exec(ctx, `INSERT INTO learning_attempt_items (attempt_id, position, question_id, question_version, kind, stem,
				options, answer, explanation) SELECT ?, ?, id, version, kind, stem, options, answer, explanation
				FROM learning_questions WHERE id = ?`, id, i+1, qid)
			if err != nil {
				return fmt.Errorf("learning: snapshot question %d: %w", qid, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Attempt(ctx, id)
}

// drawFor picks today's questions for a worker from the active questions of the
// unions on their path (their own, district and city), recent ones last.
func (s *Store) drawFor(ctx context.Context, tx *platform.Tx, w *workerRef, date string) ([]int64, error) {
	orgs := pathIDs(w.path)
	pool, err := platform.ScanIDs(tx.Query(ctx, `SELECT id FROM learning_questions WHERE active = 1 AND org_id IN (`+platform.Placeholders(len(orgs))+`)`, orgs...))
	if err != nil {
		return nil, fmt.Errorf("learning: pool: %w", err)
	}
	if len(pool) == 0 {
		return nil, platform.Errorf(platform.CodeConflict, "learning.err.no_questions")
	}
	day, _ := time.Parse("2006-01-02", date)
	since := day.AddDate(0, 0, -s.settings.RecentDays).Format("2006-01-02")
	seen, err := platform.ScanIDs(tx.Query(ctx, `SELECT i.question_id FROM learning_attempt_items i JOIN learning_attempts a ON a.id = i.attempt_id
		WHERE a.worker_id = ? AND a.quiz_date >= ?`, w.id, since))
	if err != nil {
		return nil, fmt.Errorf("learning: recent questions: %w", err)
	}
	recent := map[int64]bool{}
	for _, id := range seen {
		recent[id] = true
	}
	return Draw(w.id, date, pool, recent, s.settings.Questions), nil
}

// ErrAlreadySubmitted refuses a second submission of the same quiz.
var ErrAlreadySubmitted = platform.Errorf(platform.CodeConflict, "learning.err.already_submitted")

// Submit grades the signed-in worker's answers (position → letters) on the
// server and posts the points to the ledger, once: a second submission, even at
// the same moment, is refused. Past the time limit the quiz is closed as
// expired and earns nothing.
func (s *Store) Submit(ctx context.Context, attemptID int64, answers map[int]string) (*Attempt, error) {
	a, _, err := s.SubmitKeyed(ctx, attemptID, answers, "")
	return a, err
}

// SubmitKeyed is Submit for a client that sends an idempotency key: the key is
// stored with the closed quiz in the same transaction, and a retry with the
// same key gets the quiz back (replayed) where another submission is refused.
func (s *Store) SubmitKeyed(ctx context.Context, attemptID int64, answers map[int]string, key string) (a *Attempt, replayed bool, err error) {
	w, err := workerActor(ctx)
	if err != nil {
		return nil, false, err
	}
	// The quiz is read on the writer: its page cache stays warm, where a
	// reader's is emptied by every commit, and concurrent submissions share
	// commits (platform's group commit).
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		if a, err = loadForGrading(ctx, tx, attemptID, w.WorkerID); err != nil {
			return err
		}
		if a.Status != AttemptOpen {
			return ErrAlreadySubmitted
		}
		now := s.clock.Now().UTC()
		if !a.Open(now) {
			a.Status = AttemptExpired
			_, err := tx.Exec(ctx, `UPDATE learning_attempts SET status = 'expired', submit_key = ? WHERE id = ? AND status = 'open'`, key, a.ID)
			return err
		}
		return s.grade(ctx, tx, a, answers, key, now)
	})
	if errors.Is(err, ErrAlreadySubmitted) && key != "" {
		var stored string
		if e := s.db.QueryRow(ctx, `SELECT submit_key FROM learning_attempts WHERE id = ? AND worker_id = ?`, attemptID, w.WorkerID).
			Scan(&stored); e == nil && stored == key {
			a, err = s.Attempt(ctx, attemptID)
			return a, err == nil, err
		}
	}
	if err != nil {
		return nil, false, err
	}
	if a.Status == AttemptSubmitted {
		return a, false, nil // as stored: no need to read it back
	}
	a, err = s.Attempt(ctx, attemptID)
	return a, false, err
}

// loadForGrading reads an open quiz, its questions with their answers and the
// union it was taken in, in one statement.
func loadForGrading(ctx context.Context, db rowsQueryer, attemptID, workerID int64) (*Attempt, error) {
	rows, err := db.Query(ctx, `SELECT a.status, a.quiz_date, a.started_at, a.deadline_at, a.city_id, a.org_id,
			i.position, i.question_id, i.kind, i.stem, i.options, i.answer, i.explanation
		FROM learning_attempts a JOIN learning_attempt_items i ON i.attempt_id = a.id
		WHERE a.id = ? AND a.worker_id = ? ORDER BY i.position`, attemptID, workerID)
	if err != nil {
		return nil, fmt.Errorf("learning: submit %d: %w", attemptID, err)
	}
	defer rows.Close()
	a := &Attempt{ID: attemptID, WorkerID: workerID}
	for rows.Next() {
		var it Item
		var options string
		if err := rows.Scan(&a.Status, &a.Date, &a.StartedAt, &a.DeadlineAt, &a.cityID, &a.orgID,
			&it.Position, &it.QuestionID, &it.Kind, &it.Stem, &options, &it.Answer, &it.Explanation); err != nil {
			return nil, err
		}
		it.Options = loadOptions(options)
		a.Items = append(a.Items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(a.Items) == 0 {
		return nil, platform.NotFound
	}
	a.Total = len(a.Items)
	return a, nil
}

func (s *Store) grade(ctx context.Context, tx *platform.Tx, a *Attempt, answers map[int]string, key string, now time.Time) error {
	correct, answered := 0, 0
	for i, it := range a.Items {
		given := normalizeAnswer(answers[it.Position], it.Kind)
		a.Items[i].Given, a.Items[i].Correct = given, given != "" && given == it.Answer
		if given != "" {
			answered++
		}
		if a.Items[i].Correct {
			correct++
		}
	}
	pts := s.settings.Score(correct, answered, len(a.Items))
	res, err := tx.Exec(ctx, `UPDATE learning_attempts SET status = 'submitted', submitted_at = ?, correct = ?, points = ?, submit_key = ?
		WHERE id = ? AND status = 'open'`, now, correct, pts, key, a.ID)
	if err != nil {
		return fmt.Errorf("learning: grade %d: %w", a.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrAlreadySubmitted
	}
	if err := saveAnswers(ctx, tx, a); err != nil {
		return err
	}
	a.Status, a.Correct, a.Points, a.SubmittedAt = AttemptSubmitted, correct, pts, &now
	if pts == 0 {
		return nil
	}
	_, err = points.Post(ctx, tx, now, points.Award{WorkerID: a.WorkerID, Amount: pts,
		Reason: fmt.Sprintf("每日答题 %s 答对 %d/%d", a.Date, correct, len(a.Items)), Source: "quiz:" + strconv.FormatInt(a.ID, 10),
		CityID: a.cityID, OrgID: a.orgID})
	return err
}

// saveAnswers records every item's answer in one statement.
func saveAnswers(ctx context.Context, tx *platform.Tx, a *Attempt) error {
	if len(a.Items) == 0 {
		return nil
	}
	var given, right strings.Builder
	var gArgs, rArgs []any
	for _, it := range a.Items {
		given.WriteString(" WHEN ? THEN ?")
		right.WriteString(" WHEN ? THEN ?")
		gArgs = append(gArgs, it.Position, it.Given)
		rArgs = append(rArgs, it.Position, boolInt(it.Correct))
	}
	args := append(append(gArgs, rArgs...), a.ID)
	_, err := tx.Exec(ctx, `UPDATE learning_attempt_items SET given = CASE position`+given.String()+` ELSE given END,
		correct = CASE position`+right.String()+` ELSE correct END WHERE attempt_id = ?`, args...)
	if err != nil {
		return fmt.Errorf("learning: answers of %d: %w", a.ID, err)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// History lists the signed-in worker's latest quizzes, newest first (no questions).
func (s *Store) History(ctx context.Context, limit int) ([]Attempt, error) {
	w, err := workerActor(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT `+attemptCols+` FROM learning_attempts WHERE worker_id = ? ORDER BY quiz_date DESC LIMIT ?`, w.WorkerID, limit)
	if err != nil {
		return nil, fmt.Errorf("learning: history: %w", err)
	}
	defer rows.Close()
	now := s.clock.Now().UTC()
	var out []Attempt
	for rows.Next() {
		a, err := scanAttempt(rows)
		if err != nil {
			return nil, err
		}
		if a.Status == AttemptOpen && !a.Open(now) {
			a.Status = AttemptExpired
		}
		out = append(out, *a)
	}
	return out, rows.Err()
}

// StreakOf is the signed-in worker's run of consecutive quiz days.
func (s *Store) StreakOf(ctx context.Context) (int, error) {
	w, err := workerActor(ctx)
	if err != nil {
		return 0, err
	}
	rows, err := s.db.Query(ctx, `SELECT quiz_date FROM learning_attempts WHERE worker_id = ? AND status = 'submitted'
		ORDER BY quiz_date DESC LIMIT 400`, w.WorkerID)
	if err != nil {
		return 0, fmt.Errorf("learning: streak: %w", err)
	}
	defer rows.Close()
	var dates []string
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return 0, err
		}
		dates = append(dates, d)
	}
	return Streak(dates, QuizDate(s.clock.Now())), rows.Err()
}
