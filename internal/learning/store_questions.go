package learning

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
)

// QuestionFilter selects questions on the console list.
type QuestionFilter struct {
	Q          string // words in the stem
	Kind       Kind
	Tag        string
	Difficulty int
	Active     string // "1", "0" or "" for both
	Sort       string // "updated" (default) or "used"
	Limit      int
	Offset     int
}

const questionCols = `q.id, q.city_id, q.org_id, o.name, q.kind, q.stem, q.options, q.answer, q.explanation, q.tags,
	q.difficulty, q.active, q.updated_at, q.version`

func scanQuestion(sc interface{ Scan(...any) error }, extra ...any) (Question, error) {
	var q Question
	var options, tags string
	var active int
	dest := append([]any{&q.ID, &q.CityID, &q.OrgID, &q.OrgName, &q.Kind, &q.Stem, &options, &q.Answer, &q.Explanation,
		&tags, &q.Difficulty, &active, &q.UpdatedAt, &q.Version}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return q, err
	}
	q.Options, q.Tags, q.Active = loadOptions(options), loadTags(tags), active == 1
	return q, nil
}

// FindQuestions lists the questions of unions in the actor's subtree.
func (s *Store) FindQuestions(ctx context.Context, f QuestionFilter) ([]Question, int, error) {
	a, err := staffActor(ctx)
	if err != nil {
		return nil, 0, err
	}
	lo, hi := platform.SubtreeRange(a.OrgPath)
	where, args := []string{"o.path >= ? AND o.path < ?"}, []any{lo, hi}
	if f.Q != "" {
		where, args = append(where, `q.stem LIKE ? ESCAPE '\'`), append(args, likeArg(f.Q))
	}
	if f.Kind != "" {
		where, args = append(where, "q.kind = ?"), append(args, string(f.Kind))
	}
	if t := strings.TrimSpace(f.Tag); t != "" {
		where, args = append(where, `q.tags LIKE ? ESCAPE '\'`), append(args, likeArg(","+t+","))
	}
	if f.Difficulty > 0 {
		where, args = append(where, "q.difficulty = ?"), append(args, f.Difficulty)
	}
	if f.Active == "1" || f.Active == "0" {
		where, args = append(where, "q.active = ?"), append(args, map[string]int{"1": 1, "0": 0}[f.Active])
	}
	order := "q.updated_at DESC, q.id DESC"
	if f.Sort == "used" {
		order = "used DESC, q.id DESC"
	}
	rows, err := s.db.Query(ctx, `SELECT `+questionCols+`,
		(SELECT COUNT(*) FROM learning_attempt_items i WHERE i.question_id = q.id) AS used, COUNT(*) OVER()
		FROM learning_questions q JOIN orgs o ON o.id = q.org_id WHERE `+strings.Join(where, " AND ")+`
		ORDER BY `+order+` LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("learning: find questions: %w", err)
	}
	return platform.ScanPage(rows, func(total *int) (Question, error) {
		var used int
		q, err := scanQuestion(rows, &used, total)
		q.Used = used
		return q, err
	})
}

// Question returns one question in the actor's subtree.
func (s *Store) Question(ctx context.Context, id int64) (*Question, error) {
	a, err := staffActor(ctx)
	if err != nil {
		return nil, err
	}
	q, path, err := s.question(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	if !a.Covers(path) {
		return nil, platform.NotFound
	}
	return q, nil
}

func (s *Store) question(ctx context.Context, db queryer, id int64) (*Question, string, error) {
	var path string
	var used int
	q, err := scanQuestion(db.QueryRow(ctx, `SELECT `+questionCols+`, o.path,
		(SELECT COUNT(*) FROM learning_attempt_items i WHERE i.question_id = q.id)
		FROM learning_questions q JOIN orgs o ON o.id = q.org_id WHERE q.id = ?`, id), &path, &used)
	q.Used = used
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", platform.NotFound
	}
	if err != nil {
		return nil, "", fmt.Errorf("learning: question %d: %w", id, err)
	}
	return &q, path, nil
}

// CreateQuestion adds a question to the bank of the actor's own union.
func (s *Store) CreateQuestion(ctx context.Context, in QuestionInput) (*Question, error) {
	q, err := in.Normalize()
	if err != nil {
		return nil, err
	}
	a, err := staffActor(ctx)
	if err != nil {
		return nil, err
	}
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now().UTC()
		if err := s.insertQuestion(ctx, tx, a, &q, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "learning.question.create", EntityType: "learning_question",
			EntityID: strconv.FormatInt(q.ID, 10), Summary: "新增题目：" + short(q.Stem)}) // the actor's own union
	})
	if err != nil {
		return nil, err
	}
	return &q, nil
}

func (s *Store) insertQuestion(ctx context.Context, tx *platform.Tx, a *platform.Actor, q *Question, now time.Time) error {
	o, err := loadOrg(ctx, tx, a.OrgID)
	if err != nil {
		return fmt.Errorf("learning: actor's org: %w", err)
	}
	q.OrgID, q.OrgName, q.CityID, q.Version, q.UpdatedAt = o.id, o.name, o.cityID, 1, now
	err = tx.QueryRow(ctx, `INSERT INTO learning_questions (city_id, org_id, kind, stem, options, answer, explanation, tags,
		difficulty, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`,
		o.cityID, o.id, string(q.Kind), q.Stem, storedOptions(q.Options), q.Answer, q.Explanation, storedTags(q.Tags),
		q.Difficulty, now, now).Scan(&q.ID)
	if err != nil {
		return fmt.Errorf("learning: insert question: %w", err)
	}
	return nil
}

// UpdateQuestion changes a question (optimistic on version). Quizzes already
// taken keep the text they were given.
func (s *Store) UpdateQuestion(ctx context.Context, id int64, in QuestionInput) (*Question, error) {
	q, err := in.Normalize()
	if err != nil {
		return nil, err
	}
	a, err := staffActor(ctx)
	if err != nil {
		return nil, err
	}
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now().UTC()
		old, path, err := s.question(ctx, tx, id)
		if err != nil || !a.Covers(path) {
			return platform.NotFound
		}
		res, err := tx.Exec(ctx, `UPDATE learning_questions SET kind = ?, stem = ?, options = ?, answer = ?, explanation = ?,
			tags = ?, difficulty = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			string(q.Kind), q.Stem, storedOptions(q.Options), q.Answer, q.Explanation, storedTags(q.Tags), q.Difficulty, now, id, in.Version)
		if err != nil {
			return fmt.Errorf("learning: update question %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return platform.Errorf(platform.CodeConflict, "learning.err.stale")
		}
		q.ID, q.OrgID, q.OrgName, q.CityID, q.Version, q.UpdatedAt, q.Active = id, old.OrgID, old.OrgName, old.CityID, in.Version+1, now, old.Active
		return audit.Record(ctx, tx, now, audit.Entry{Action: "learning.question.update", EntityType: "learning_question",
			EntityID: strconv.FormatInt(id, 10), OrgID: old.OrgID, OrgPath: path, Summary: "修改题目：" + short(old.Stem) + " → " + short(q.Stem)})
	})
	if err != nil {
		return nil, err
	}
	return &q, nil
}

// SetQuestionActive takes a question out of the daily pool or puts it back.
func (s *Store) SetQuestionActive(ctx context.Context, id int64, active bool) error {
	a, err := staffActor(ctx)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now().UTC()
		old, path, err := s.question(ctx, tx, id)
		if err != nil || !a.Covers(path) {
			return platform.NotFound
		}
		flag, action := 0, "learning.question.deactivate"
		if active {
			flag, action = 1, "learning.question.activate"
		}
		if _, err := tx.Exec(ctx, `UPDATE learning_questions SET active = ?, updated_at = ? WHERE id = ?`, flag, now, id); err != nil {
			return fmt.Errorf("learning: question %d active: %w", id, err)
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: action, EntityType: "learning_question",
			EntityID: strconv.FormatInt(id, 10), OrgID: old.OrgID, OrgPath: path, Summary: short(old.Stem)})
	})
}

// short cuts a text for an audit summary.
func short(s string) string {
	r := []rune(s)
	if len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
