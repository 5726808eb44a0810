package people

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

// DupStatus is where a possible duplicate pair stands in the review queue.
type DupStatus string

const (
	DupOpen      DupStatus = "open"
	DupMerged    DupStatus = "merged"
	DupDismissed DupStatus = "dismissed"
)

// DupStatuses lists the statuses in the order the filter shows them.
func DupStatuses() []DupStatus { return []DupStatus{DupOpen, DupMerged, DupDismissed} }

// ReasonSameNameBirth: two records with the same name and birth date. (Two
// people cannot share a phone: phone_index is unique.)
const ReasonSameNameBirth = "same_name_birth"

// Duplicate is one pair in the review queue. A or B is nil once merged away.
type Duplicate struct {
	ID, CityID int64
	AID, BID   int64
	A, B       *Worker
	Reason     string
	Status     DupStatus
	FoundAt    time.Time
	DecidedBy  string
	DecidedAt  *time.Time
	Note       string
	Version    int64
}

// DupFilter narrows the review queue.
type DupFilter struct {
	Status        DupStatus // "" = any
	Limit, Offset int
}

// dupScope is the WHERE clause that keeps a pair whose remaining workers all lie
// in the actor's subtree (a merged pair has one worker left).
const dupScope = ` FROM worker_duplicates d
	LEFT JOIN workers wa ON wa.id = d.a_id LEFT JOIN orgs oa ON oa.id = wa.org_id
	LEFT JOIN workers wb ON wb.id = d.b_id LEFT JOIN orgs ob ON ob.id = wb.org_id
	WHERE (oa.path IS NOT NULL OR ob.path IS NOT NULL)
	AND (oa.path IS NULL OR (oa.path >= ? AND oa.path < ?))
	AND (ob.path IS NULL OR (ob.path >= ? AND ob.path < ?))`

const dupColumns = `d.id, d.city_id, d.a_id, d.b_id, d.reason, d.status, d.found_at, d.decided_by, d.decided_at, d.note, d.version`

func scopeArgs(ctx context.Context) ([]any, error) {
	a := platform.ActorFrom(ctx)
	if a == nil || a.OrgPath == "" {
		return nil, platform.NotFound
	}
	lo, hi := platform.SubtreeRange(a.OrgPath)
	return []any{lo, hi, lo, hi}, nil
}

func scanDup(r scanner) (*Duplicate, error) {
	var d Duplicate
	var decided sql.NullTime
	var status string
	if err := r.Scan(&d.ID, &d.CityID, &d.AID, &d.BID, &d.Reason, &status, &d.FoundAt, &d.DecidedBy, &decided,
		&d.Note, &d.Version); err != nil {
		return nil, err
	}
	d.Status, d.FoundAt = DupStatus(status), d.FoundAt.UTC()
	if decided.Valid {
		t := decided.Time.UTC()
		d.DecidedAt = &t
	}
	return &d, nil
}

// ScanDuplicates looks, in one SQL pass, for pairs of workers in the actor's
// subtree with the same name and birth date, and queues the pairs not queued
// before. It returns how many new pairs it found.
func (s *Store) ScanDuplicates(ctx context.Context) (int, error) {
	args, err := scopeArgs(ctx)
	if err != nil {
		return 0, err
	}
	now := s.clock.Now()
	found := 0
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		res, err := tx.Exec(ctx, `INSERT INTO worker_duplicates (city_id, a_id, b_id, reason, status, found_at, version)
			SELECT wa.city_id, wa.id, wb.id, ?, 'open', ?, 1
			FROM workers wa JOIN orgs oa ON oa.id = wa.org_id
			JOIN workers wb ON wb.name = wa.name AND wb.birth_date = wa.birth_date AND wb.city_id = wa.city_id AND wb.id > wa.id
			JOIN orgs ob ON ob.id = wb.org_id
			WHERE wa.birth_date <> '' AND oa.path >= ? AND oa.path < ? AND ob.path >= ? AND ob.path < ?
			ON CONFLICT (a_id, b_id) DO NOTHING`, append([]any{ReasonSameNameBirth, now}, args...)...)
		if err != nil {
			return fmt.Errorf("people: scan duplicates: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("people: scan duplicates: %w", err)
		}
		found = int(n)
		return audit.Record(ctx, tx, now, audit.Entry{Action: "people.duplicates.scan", EntityType: "worker_duplicate",
			Summary: fmt.Sprintf("扫描重复职工（同姓名同出生日期），新发现 %d 对", found)})
	})
	return found, err
}

// FindDuplicates lists the pairs the actor may see, newest first, with the
// workers (masked, without their households) and the total for the pager.
func (s *Store) FindDuplicates(ctx context.Context, f DupFilter) ([]Duplicate, int, error) {
	args, err := scopeArgs(ctx)
	if err != nil {
		return nil, 0, err
	}
	where := ""
	if f.Status != "" {
		where, args = ` AND d.status = ?`, append(args, string(f.Status))
	}
	var total int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*)`+dupScope+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("people: count duplicates: %w", err)
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	rows, err := s.db.Query(ctx, `SELECT `+dupColumns+dupScope+where+` ORDER BY d.id DESC LIMIT ? OFFSET ?`,
		append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("people: find duplicates: %w", err)
	}
	var out []Duplicate
	for rows.Next() {
		d, err := scanDup(rows)
		if err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("people: find duplicates: %w", err)
		}
		out = append(out, *d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if err := s.fillPairs(ctx, out); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// dupLoadChunk is how many workers fillPairs reads in one IN query.
const dupLoadChunk = 500

// fillPairs loads the workers of all the pairs (those that still exist and
// the actor covers) in a few IN queries rather than per pair: an export
// lists up to web.ExportLimit pairs. The list and the export show no
// household, so it is not read.
func (s *Store) fillPairs(ctx context.Context, out []Duplicate) error {
	var ids []int64
	seen := map[int64]bool{}
	for _, d := range out {
		for _, id := range []int64{d.AID, d.BID} {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	actor := platform.ActorFrom(ctx)
	byID := make(map[int64]*Worker, len(ids))
	for start := 0; start < len(ids); start += dupLoadChunk {
		chunk := ids[start:min(start+dupLoadChunk, len(ids))]
		rows, err := s.db.Query(ctx, `SELECT `+workerColumns+workerFrom+` WHERE w.id IN (`+
			platform.Placeholders(len(chunk))+`)`, platform.IDArgs(chunk)...)
		if err != nil {
			return fmt.Errorf("people: duplicates' workers: %w", err)
		}
		for rows.Next() {
			w, err := scanWorker(rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("people: duplicates' workers: %w", err)
			}
			if actor.Covers(w.OrgPath) {
				byID[w.ID] = w
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("people: duplicates' workers: %w", err)
		}
	}
	for i := range out {
		out[i].A, out[i].B = byID[out[i].AID], byID[out[i].BID]
	}
	return nil
}

// GetDuplicate returns one pair the actor may see, with both workers.
func (s *Store) GetDuplicate(ctx context.Context, id int64) (*Duplicate, error) {
	return s.loadDup(ctx, s.db, id)
}

func (s *Store) loadDup(ctx context.Context, q queryer, id int64) (*Duplicate, error) {
	args, err := scopeArgs(ctx)
	if err != nil {
		return nil, err
	}
	d, err := scanDup(q.QueryRow(ctx, `SELECT `+dupColumns+dupScope+` AND d.id = ?`, append(args, id)...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, platform.NotFound
	}
	if err != nil {
		return nil, fmt.Errorf("people: duplicate %d: %w", id, err)
	}
	return d, s.fillPair(ctx, q, d)
}

// fillPair loads the pair's workers that still exist.
func (s *Store) fillPair(ctx context.Context, q queryer, d *Duplicate) error {
	for _, p := range []struct {
		id  int64
		dst **Worker
	}{{d.AID, &d.A}, {d.BID, &d.B}} {
		w, err := loadScoped(ctx, q, p.id)
		if platform.ErrorCode(err) == platform.CodeNotFound {
			continue
		}
		if err != nil {
			return err
		}
		*p.dst = w
	}
	return nil
}

// Dismiss closes an open pair as two different people; both records stay.
func (s *Store) Dismiss(ctx context.Context, id, version int64, note string) error {
	note = strings.TrimSpace(note)
	if len([]rune(note)) > 500 {
		return platform.Invalid().Field("note", "people.err.dup_note_long")
	}
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *platform.Tx) error {
		d, err := s.openDup(ctx, tx, id, version)
		if err != nil {
			return err
		}
		if err := s.decide(ctx, tx, now, d, DupDismissed, note); err != nil {
			return err
		}
		return recordDup(ctx, tx, now, "people.duplicates.dismiss", d,
			fmt.Sprintf("忽略疑似重复：%s 与 %s 为不同的人", dupLabel(d.A), dupLabel(d.B)))
	})
}

// openDup loads a pair for a decision: both workers present and in scope, still
// open, and at the version the user saw.
func (s *Store) openDup(ctx context.Context, tx *platform.Tx, id, version int64) (*Duplicate, error) {
	d, err := s.loadDup(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if d.Version != version {
		return nil, platform.Errorf(platform.CodeConflict, "people.err.dup_stale")
	}
	if d.Status != DupOpen || d.A == nil || d.B == nil {
		return nil, platform.Errorf(platform.CodeConflict, "people.err.dup_decided")
	}
	return d, nil
}

func (s *Store) decide(ctx context.Context, tx *platform.Tx, now time.Time, d *Duplicate, st DupStatus, note string) error {
	by := ""
	if a := platform.ActorFrom(ctx); a != nil {
		by = a.Name
	}
	res, err := tx.Exec(ctx, `UPDATE worker_duplicates SET status = ?, decided_by = ?, decided_at = ?, note = ?,
		version = version + 1 WHERE id = ? AND version = ?`, string(st), by, now, note, d.ID, d.Version)
	if err != nil {
		return fmt.Errorf("people: decide duplicate %d: %w", d.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return platform.Errorf(platform.CodeConflict, "people.err.dup_stale")
	}
	return nil
}

func recordDup(ctx context.Context, tx *platform.Tx, now time.Time, action string, d *Duplicate, summary string) error {
	w := d.A
	if w == nil {
		w = d.B
	}
	return audit.Record(ctx, tx, now, audit.Entry{Action: action, EntityType: "worker_duplicate",
		EntityID: strconv.FormatInt(d.ID, 10), OrgID: w.OrgID, OrgPath: w.OrgPath, Summary: summary})
}

// dupLabel names a worker in an audit summary, masked: 张*明（#12，350102********123X）.
func dupLabel(w *Worker) string {
	if w == nil {
		return "-"
	}
	return fmt.Sprintf("%s（#%d，%s）", MaskName(w.Name), w.ID, w.IDMasked)
}
