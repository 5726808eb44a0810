package people

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"zhijia/internal/platform"
)

// mergeFields are the worker columns a merge fills on the kept record when they
// are empty there: the kept record's own values are never overwritten. Columns
// that travel together (a sealed value, its index and its mask) are one group.
var mergeFields = [][]string{
	{"phone_index", "phone_sealed", "phone_masked"},
	{"id_index", "id_sealed", "id_masked", "gender", "birth_date"},
	{"landline"}, {"employer_name"}, {"post"}, {"education"},
	{"model_level"}, {"craftsman"}, {"group_code"},
	{"consent_by", "consent_at", "consent_version"},
}

// Merge resolves an open pair as one person: the record keep is kept, the other's
// household members move to it, the kept record's empty fields are filled from
// the other, the other record is deleted (freeing its id number and phone) and
// the pair is marked merged — one transaction, audited with masked values only.
// A worker with an open membership application or transfer is not merged.
func (s *Store) Merge(ctx context.Context, id, version, keep int64) error {
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *platform.Tx) error {
		d, err := s.openDup(ctx, tx, id, version)
		if err != nil {
			return err
		}
		kept, gone := d.A, d.B
		switch keep {
		case d.AID:
		case d.BID:
			kept, gone = d.B, d.A
		default:
			return platform.Invalid().Field("keep", "people.err.dup_keep_required")
		}
		if err := checkNoOpenMembership(ctx, tx, kept.ID, gone.ID); err != nil {
			return err
		}
		moved, err := moveDependants(ctx, tx, kept.ID, gone.ID)
		if err != nil {
			return err
		}
		if err := s.absorb(ctx, tx, now, kept, gone); err != nil {
			return err
		}
		if err := s.decide(ctx, tx, now, d, DupMerged, ""); err != nil {
			return err
		}
		// Other open pairs naming the deleted record are moot; a new scan finds the kept one.
		if _, err := tx.Exec(ctx, `DELETE FROM worker_duplicates WHERE status = 'open' AND id <> ? AND (a_id = ? OR b_id = ?)`,
			d.ID, gone.ID, gone.ID); err != nil {
			return fmt.Errorf("people: merge %d: %w", d.ID, err)
		}
		return recordDup(ctx, tx, now, "people.duplicates.merge", d, fmt.Sprintf("合并重复职工：保留 %s，删除 %s，移入家庭成员 %d 人",
			dupLabel(kept), dupLabel(gone), moved))
	})
}

// checkNoOpenMembership refuses a merge while either worker awaits a membership
// decision: the application or transfer would be left pointing at a deleted record.
func checkNoOpenMembership(ctx context.Context, tx *platform.Tx, a, b int64) error {
	var n int
	err := tx.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM membership_applications WHERE open_flag = 1 AND worker_id IN (?, ?))
		+ (SELECT COUNT(*) FROM member_transfers WHERE open_flag = 1 AND worker_id IN (?, ?))`, a, b, a, b).Scan(&n)
	if err != nil {
		return fmt.Errorf("people: merge check membership: %w", err)
	}
	if n > 0 {
		return platform.Errorf(platform.CodeConflict, "people.err.dup_open_membership")
	}
	return nil
}

// moveDependants moves the household and the decided membership history of gone
// to kept and ends gone's portal sessions and tokens; it returns how many household members moved.
func moveDependants(ctx context.Context, tx *platform.Tx, kept, gone int64) (int64, error) {
	res, err := tx.Exec(ctx, `UPDATE household_members SET worker_id = ? WHERE worker_id = ?`, kept, gone)
	if err != nil {
		return 0, fmt.Errorf("people: merge household: %w", err)
	}
	moved, _ := res.RowsAffected()
	for _, q := range []string{
		`UPDATE membership_applications SET worker_id = ? WHERE worker_id = ?`,
		`UPDATE member_transfers SET worker_id = ? WHERE worker_id = ?`,
	} {
		if _, err := tx.Exec(ctx, q, kept, gone); err != nil {
			return 0, fmt.Errorf("people: merge history: %w", err)
		}
	}
	for _, q := range []string{`DELETE FROM sessions WHERE worker_id = ?`, `DELETE FROM worker_tokens WHERE worker_id = ?`} {
		if _, err := tx.Exec(ctx, q, gone); err != nil {
			return 0, fmt.Errorf("people: merge sign-ins: %w", err)
		}
	}
	return moved, nil
}

// absorb deletes gone and fills kept's empty fields from it (deleted first, so
// the unique indexes on id number and phone are free for kept). A member's
// status and joining date are taken when kept is not a member.
func (s *Store) absorb(ctx context.Context, tx *platform.Tx, now time.Time, kept, gone *Worker) error {
	cols := ""
	for _, g := range mergeFields {
		for _, c := range g {
			cols += ", " + c
		}
	}
	read := func(id int64) ([]any, error) {
		var status, joined string
		ptrs := []any{&status, &joined}
		for _, g := range mergeFields {
			for range g {
				ptrs = append(ptrs, new(any))
			}
		}
		err := tx.QueryRow(ctx, `SELECT member_status, joined_on`+cols+` FROM workers WHERE id = ?`, id).Scan(ptrs...)
		return append([]any{status, joined}, ptrs[2:]...), err
	}
	kv, err := read(kept.ID)
	if err != nil {
		return fmt.Errorf("people: merge read %d: %w", kept.ID, err)
	}
	gv, err := read(gone.ID)
	if err != nil {
		return fmt.Errorf("people: merge read %d: %w", gone.ID, err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM workers WHERE id = ?`, gone.ID); err != nil {
		if platform.IsForeignKeyViolation(err) { // relief, points, check-ins… name this record
			return platform.Errorf(platform.CodeConflict, "people.err.dup_gone_has_records")
		}
		return fmt.Errorf("people: merge delete %d: %w", gone.ID, err)
	}
	set, args := "", []any{}
	if kv[0] != string(Member) && gv[0] == string(Member) {
		set, args = ", member_status = ?, joined_on = ?", []any{gv[0], gv[1]}
	}
	i := 2
	for _, g := range mergeFields {
		if empty(*kv[i].(*any)) && !empty(*gv[i].(*any)) {
			for j, c := range g {
				set += ", " + c + " = ?"
				args = append(args, *gv[i+j].(*any))
			}
		}
		i += len(g)
	}
	_, err = tx.Exec(ctx, `UPDATE workers SET updated_at = ?, version = version + 1`+set+` WHERE id = ?`,
		append(append([]any{now}, args...), kept.ID)...)
	if err != nil {
		return fmt.Errorf("people: merge update %d: %w", kept.ID, err)
	}
	return nil
}

// empty: NULL or an empty string (a group's first column decides for the group).
func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []byte:
		return len(x) == 0
	case sql.NullString:
		return !x.Valid || x.String == ""
	}
	return false
}
