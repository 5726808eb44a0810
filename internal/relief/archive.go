package relief

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhijia/internal/audit"
	"zhijia/internal/people"
	"zhijia/internal/platform"
	"zhijia/internal/review"
)

// ArchiveReviewMonths is how often an archived household is reviewed (动态管理).
const ArchiveReviewMonths = 12

// Archive is a household's file in the hardship archive; the name is masked.
type Archive struct {
	ID, WorkerID, OrgID int64
	WorkerName, OrgName string
	OrgPath             string
	Category            Category
	Causes              []string
	Status              string // open, exited
	OpenedAt            time.Time
	NextReviewOn        string
	ReviewDue           bool
	ExitedAt            *time.Time
	ExitReason          string
	Reopened            int
	Version             int64
	Events              []ArchiveEvent
	Incomes             []MonthIncome
}

// ArchiveEvent is one line of a file's history.
type ArchiveEvent struct {
	Action, Category, Note, ActorName string
	At                                time.Time
}

// MonthIncome is a recorded month of per-capita income, in fen.
type MonthIncome struct {
	Month     string // YYYY-MM
	PerCapita int64
}

func nextReview(now time.Time) string {
	return now.In(platform.Shanghai).AddDate(0, ArchiveReviewMonths, 0).Format("2006-01-02")
}

// fileArchive files (or re-opens) the household of an approved application in
// the approving transaction: one household, one file.
func fileArchive(ctx context.Context, tx *platform.Tx, appID int64, now time.Time) error {
	var cityID, workerID, orgID int64
	var path, cat, causes string
	err := tx.QueryRow(ctx, `SELECT city_id, worker_id, org_id, org_path, category, causes FROM relief_applications WHERE id = ?`, appID).
		Scan(&cityID, &workerID, &orgID, &path, &cat, &causes)
	if err != nil {
		return fmt.Errorf("relief: archive application %d: %w", appID, err)
	}
	var id int64
	var status string
	err = tx.QueryRow(ctx, `SELECT id, status FROM relief_archive WHERE worker_id = ?`, workerID).Scan(&id, &status)
	action := "filed"
	switch {
	case errors.Is(err, sql.ErrNoRows):
		err = tx.QueryRow(ctx, `INSERT INTO relief_archive (city_id, worker_id, org_id, org_path, category, causes, opened_at,
			next_review_on, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, cityID, workerID, orgID, path, cat, causes,
			now, nextReview(now), now).Scan(&id)
	case err == nil && status == "exited":
		action = "reopened"
		_, err = tx.Exec(ctx, `UPDATE relief_archive SET status = 'open', category = ?, causes = ?, org_id = ?, org_path = ?,
			next_review_on = ?, exited_at = NULL, exit_reason = '', reopened = reopened + 1, updated_at = ?, version = version + 1
			WHERE id = ?`, cat, causes, orgID, path, nextReview(now), now, id)
	case err == nil:
		action = "refiled"
		_, err = tx.Exec(ctx, `UPDATE relief_archive SET category = ?, causes = ?, updated_at = ?, version = version + 1 WHERE id = ?`,
			cat, causes, now, id)
	}
	if err != nil {
		return fmt.Errorf("relief: file archive: %w", err)
	}
	if err := archiveEvent(ctx, tx, cityID, id, action, cat, fmt.Sprintf("救助申请 %d", appID), now); err != nil {
		return err
	}
	return audit.Record(ctx, tx, now, audit.Entry{Action: "relief.archive_" + action, EntityType: "relief_archive",
		EntityID: strconv.FormatInt(id, 10), OrgID: orgID, OrgPath: path, Summary: fmt.Sprintf("困难职工建档（%s）救助申请 %d", cat, appID)})
}

func archiveEvent(ctx context.Context, tx *platform.Tx, cityID, id int64, action, cat, note string, now time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO relief_archive_events (city_id, archive_id, action, category, note, actor_name, at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, cityID, id, action, cat, note, actorName(platform.ActorFrom(ctx)), now)
	if err != nil {
		return fmt.Errorf("relief: archive event: %w", err)
	}
	return nil
}

const archiveColumns = `r.id, r.worker_id, w.name, r.org_id, o.name, r.org_path, r.category, r.causes, r.status, r.opened_at,
	r.next_review_on, r.exited_at, r.exit_reason, r.reopened, r.version
	FROM relief_archive r JOIN workers w ON w.id = r.worker_id JOIN orgs o ON o.id = r.org_id`

func scanArchive(r interface{ Scan(...any) error }, now time.Time) (*Archive, error) {
	var a Archive
	var name, cat, causes string
	var exited timeOrNull
	if err := r.Scan(&a.ID, &a.WorkerID, &name, &a.OrgID, &a.OrgName, &a.OrgPath, &cat, &causes, &a.Status, &a.OpenedAt,
		&a.NextReviewOn, &exited, &a.ExitReason, &a.Reopened, &a.Version); err != nil {
		return nil, err
	}
	a.WorkerName, a.Category, a.Causes, a.ExitedAt = people.MaskName(name), Category(cat), ParseCauses(causes), exited.ptr()
	a.ReviewDue = a.Status == "open" && a.NextReviewOn <= review.Today(now)
	return &a, nil
}

// ArchiveFilter selects files in the actor's subtree.
type ArchiveFilter struct {
	Status        string // open, exited or ""
	Due           bool   // only open files whose review is due
	Limit, Offset int
}

// FindArchive lists files in the actor's subtree, due reviews first.
func (s *Store) FindArchive(ctx context.Context, f ArchiveFilter) ([]Archive, int, error) {
	a := platform.ActorFrom(ctx)
	if a == nil || a.OrgPath == "" || a.Kind == "worker" {
		return nil, 0, nil
	}
	now := s.now()
	lo, hi := platform.SubtreeRange(a.OrgPath)
	where, args := ` WHERE r.org_path >= ? AND r.org_path < ?`, []any{lo, hi}
	if f.Status == "open" || f.Status == "exited" {
		where, args = where+` AND r.status = ?`, append(args, f.Status)
	}
	if f.Due {
		where, args = where+` AND r.status = 'open' AND r.next_review_on <= ?`, append(args, review.Today(now))
	}
	var total int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM relief_archive r`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("relief: count archive: %w", err)
	}
	rows, err := s.db.Query(ctx, `SELECT `+archiveColumns+where+` ORDER BY CASE WHEN r.status = 'open' THEN 0 ELSE 1 END,
		r.next_review_on, r.id LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("relief: archive: %w", err)
	}
	defer rows.Close()
	var out []Archive
	for rows.Next() {
		r, err := scanArchive(rows, now)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *r)
	}
	return out, total, rows.Err()
}

// ArchiveFile returns one file in the actor's subtree with its history and incomes.
func (s *Store) ArchiveFile(ctx context.Context, id int64) (*Archive, error) {
	a := platform.ActorFrom(ctx)
	r, err := scanArchive(s.db.QueryRow(ctx, `SELECT `+archiveColumns+` WHERE r.id = ?`, id), s.now())
	if err != nil || a == nil || a.Kind == "worker" || !a.Covers(r.OrgPath) {
		return nil, platform.NotFound
	}
	rows, err := s.db.Query(ctx, `SELECT action, category, note, actor_name, at FROM relief_archive_events WHERE archive_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("relief: archive events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e ArchiveEvent
		if err := rows.Scan(&e.Action, &e.Category, &e.Note, &e.ActorName, &e.At); err != nil {
			return nil, err
		}
		r.Events = append(r.Events, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	r.Incomes, err = s.incomes(ctx, id)
	return r, err
}

func (s *Store) incomes(ctx context.Context, id int64) ([]MonthIncome, error) {
	rows, err := s.db.Query(ctx, `SELECT month, per_capita FROM relief_archive_incomes WHERE archive_id = ? ORDER BY month`, id)
	if err != nil {
		return nil, fmt.Errorf("relief: incomes: %w", err)
	}
	defer rows.Close()
	var out []MonthIncome
	for rows.Next() {
		var m MonthIncome
		if err := rows.Scan(&m.Month, &m.PerCapita); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// ArchiveReview is a periodic review of a file as staff record it.
type ArchiveReview struct {
	Version   int64
	Month     string // YYYY-MM of the income recorded, "" for none
	PerCapita int64  // that month's per-capita income, fen
	CauseGone bool
	Note      string
}

// ReviewArchive records a review: a month's income, whether the cause is gone,
// a note. When the exit rule holds (cause gone, above 低保 for 6 consecutive
// months) the household exits; otherwise the next review is set a year on.
func (s *Store) ReviewArchive(ctx context.Context, id int64, in ArchiveReview) (exited bool, err error) {
	a, err := staffActor(ctx)
	if err != nil {
		return false, err
	}
	file, err := s.ArchiveFile(ctx, id)
	if err != nil {
		return false, err
	}
	v := platform.Invalid()
	if in.Month != "" {
		if _, perr := time.Parse("2006-01", in.Month); perr != nil {
			v.Field("month", "relief.err.month")
		}
		if in.PerCapita < 0 {
			v.Field("per_capita", "relief.err.amount_nonnegative")
		}
	}
	if utf8.RuneCountInString(in.Note) > MaxObjection {
		v.Field("note", "relief.err.finding")
	}
	if err := v.OrNil(); err != nil {
		return false, err
	}
	if file.Status != "open" {
		return false, platform.Errorf(platform.CodeConflict, "relief.err.archive_closed")
	}
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.now()
		if in.Month != "" {
			if _, err := tx.Exec(ctx, `INSERT INTO relief_archive_incomes (archive_id, month, per_capita) VALUES (?, ?, ?)
				ON CONFLICT (archive_id, month) DO UPDATE SET per_capita = excluded.per_capita`, id, in.Month, in.PerCapita); err != nil {
				return fmt.Errorf("relief: income: %w", err)
			}
		}
		months, err := consecutiveIncomes(ctx, tx, id)
		if err != nil {
			return err
		}
		d, err := dibaoOf(ctx, tx, cityOfDistrict(file.OrgPath), YearOf(now, platform.Shanghai))
		if err != nil {
			return err
		}
		exited = d > 0 && ShouldExit(in.CauseGone, months, d)
		note := strings.TrimSpace(in.Note)
		if exited {
			return s.exit(ctx, tx, file, in.Version, "rule", "困难原因消除且连续6个月人均收入高于低保 "+note, now)
		}
		res, err := tx.Exec(ctx, `UPDATE relief_archive SET next_review_on = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND version = ?`, nextReview(now), now, id, in.Version)
		if err != nil {
			return fmt.Errorf("relief: archive review: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return platform.Errorf(platform.CodeConflict, "review.err.changed")
		}
		if err := archiveEvent(ctx, tx, cityOf(file.OrgPath), id, "reviewed", string(file.Category), note, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "relief.archive_review", EntityType: "relief_archive",
			EntityID: strconv.FormatInt(id, 10), OrgID: file.OrgID, OrgPath: file.OrgPath, Summary: "档案复核 " + a.Name})
	})
	return exited, err
}

// consecutiveIncomes returns the recorded months' incomes, oldest first, cut at
// the last gap: the exit rule counts consecutive months only.
func consecutiveIncomes(ctx context.Context, tx *platform.Tx, id int64) ([]int64, error) {
	rows, err := tx.Query(ctx, `SELECT month, per_capita FROM relief_archive_incomes WHERE archive_id = ? ORDER BY month`, id)
	if err != nil {
		return nil, fmt.Errorf("relief: incomes: %w", err)
	}
	defer rows.Close()
	var out []int64
	var prev time.Time
	for rows.Next() {
		var m string
		var v int64
		if err := rows.Scan(&m, &v); err != nil {
			return nil, err
		}
		t, _ := time.Parse("2006-01", m)
		if !prev.IsZero() && !t.Equal(prev.AddDate(0, 1, 0)) {
			out = out[:0]
		}
		out, prev = append(out, v), t
	}
	return out, rows.Err()
}

// ExitArchive closes a file by a recorded decision (解困脱困), with the reason.
func (s *Store) ExitArchive(ctx context.Context, id, version int64, reason string) error {
	file, reason, err := s.fileForDecision(ctx, id, reason)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *platform.Tx) error {
		return s.exit(ctx, tx, file, version, "decision", reason, s.now())
	})
}

// fileForDecision is the file a staff decision (exit, reopen) acts on, in the
// actor's scope, and the decision's reason, which must be given.
func (s *Store) fileForDecision(ctx context.Context, id int64, reason string) (*Archive, string, error) {
	if _, err := staffActor(ctx); err != nil {
		return nil, "", err
	}
	file, err := s.ArchiveFile(ctx, id)
	if err != nil {
		return nil, "", err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > MaxObjection {
		return nil, "", platform.Invalid().Field("reason", "relief.err.exit_reason")
	}
	return file, reason, nil
}

func (s *Store) exit(ctx context.Context, tx *platform.Tx, file *Archive, version int64, how, reason string, now time.Time) error {
	res, err := tx.Exec(ctx, `UPDATE relief_archive SET status = 'exited', exited_at = ?, exit_reason = ?, updated_at = ?,
		version = version + 1 WHERE id = ? AND version = ? AND status = 'open'`, now, strings.TrimSpace(reason), now, file.ID, version)
	if err != nil {
		return fmt.Errorf("relief: exit: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return platform.Errorf(platform.CodeConflict, "review.err.changed")
	}
	if err := archiveEvent(ctx, tx, cityOf(file.OrgPath), file.ID, "exited_"+how, string(file.Category), reason, now); err != nil {
		return err
	}
	return audit.Record(ctx, tx, now, audit.Entry{Action: "relief.archive_exit", EntityType: "relief_archive",
		EntityID: strconv.FormatInt(file.ID, 10), OrgID: file.OrgID, OrgPath: file.OrgPath, Summary: "解困脱困（" + how + "）" + truncate(reason, 80)})
}

// ReopenArchive re-opens an exited file (返困) with the reason, keeping its history.
func (s *Store) ReopenArchive(ctx context.Context, id, version int64, reason string) error {
	file, reason, err := s.fileForDecision(ctx, id, reason)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.now()
		res, err := tx.Exec(ctx, `UPDATE relief_archive SET status = 'open', exited_at = NULL, exit_reason = '', next_review_on = ?,
			reopened = reopened + 1, updated_at = ?, version = version + 1 WHERE id = ? AND version = ? AND status = 'exited'`,
			nextReview(now), now, id, version)
		if err != nil {
			return fmt.Errorf("relief: reopen: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return platform.Errorf(platform.CodeConflict, "review.err.changed")
		}
		if err := archiveEvent(ctx, tx, cityOf(file.OrgPath), id, "reopened", string(file.Category), reason, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "relief.archive_reopen", EntityType: "relief_archive",
			EntityID: strconv.FormatInt(id, 10), OrgID: file.OrgID, OrgPath: file.OrgPath, Summary: "返困重新建档 " + truncate(reason, 80)})
	})
}
