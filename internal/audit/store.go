package audit

import (
	"context"
	"fmt"
	"strings"
	"time"

	"zhijia/internal/platform"
)

// Filter selects audit rows. Under is forced inside the actor's subtree.
type Filter struct {
	Actor  string // name contains
	Under  string // org path prefix
	Action string // exact action, or a prefix ending in "." ("org.")
	From   time.Time
	To     time.Time // exclusive
	Limit  int
	Offset int
}

// Find lists audit rows, newest first, within the actor's subtree.
func Find(ctx context.Context, db *platform.DB, f Filter) ([]Row, int, error) {
	a := platform.ActorFrom(ctx)
	if a == nil || a.OrgPath == "" {
		return nil, 0, platform.Errorf(platform.CodeForbidden, "err.forbidden")
	}
	under := a.OrgPath
	if f.Under != "" && strings.HasPrefix(f.Under, a.OrgPath) {
		under = f.Under
	}
	where := []string{"1=1"}
	var args []any
	if under != "/" {
		lo, hi := platform.SubtreeRange(under)
		where = append(where, "org_path >= ? AND org_path < ?")
		args = append(args, lo, hi)
	}
	if f.Actor != "" {
		where = append(where, `actor_name LIKE ? ESCAPE '\'`)
		args = append(args, "%"+escapeLike(f.Actor)+"%")
	}
	if strings.HasSuffix(f.Action, ".") {
		where = append(where, `action LIKE ? ESCAPE '\'`)
		args = append(args, escapeLike(f.Action)+"%")
	} else if f.Action != "" {
		where = append(where, "action = ?")
		args = append(args, f.Action)
	}
	if !f.From.IsZero() {
		where = append(where, "at >= ?")
		args = append(args, f.From.UTC())
	}
	if !f.To.IsZero() {
		where = append(where, "at < ?")
		args = append(args, f.To.UTC())
	}
	if f.Limit <= 0 {
		f.Limit = 20
	}
	q := `SELECT id, chain, seq, at, actor_kind, actor_id, actor_name, org_id, org_path, action, entity_type,
		entity_id, summary, ip, request_id, prev_hash, hash, COUNT(*) OVER ()
		FROM audit_log WHERE ` + strings.Join(where, " AND ") + ` ORDER BY at DESC, id DESC LIMIT ? OFFSET ?`
	rows, err := db.Query(ctx, q, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("audit: find: %w", err)
	}
	defer rows.Close()
	var out []Row
	total := 0
	for rows.Next() {
		var r Row
		if err := rows.Scan(&r.ID, &r.Chain, &r.Seq, &r.At, &r.ActorKind, &r.ActorID, &r.ActorName, &r.OrgID,
			&r.OrgPath, &r.Action, &r.EntityType, &r.EntityID, &r.Summary, &r.IP, &r.RequestID, &r.PrevHash, &r.Hash, &total); err != nil {
			return nil, 0, fmt.Errorf("audit: find: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("audit: find: %w", err)
	}
	if len(out) == 0 && f.Offset > 0 {
		err := db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE `+strings.Join(where, " AND "), args...).Scan(&total)
		if err != nil {
			return nil, 0, fmt.Errorf("audit: count: %w", err)
		}
	}
	return out, total, nil
}

// Actions lists the distinct actions recorded, for the filter's drop-down.
func Actions(ctx context.Context, db *platform.DB) ([]string, error) {
	rows, err := db.Query(ctx, `SELECT DISTINCT action FROM audit_log ORDER BY action`)
	if err != nil {
		return nil, fmt.Errorf("audit: actions: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// RecordTx runs Record in its own transaction, for actions that change nothing
// else (an export, a reveal).
func RecordTx(ctx context.Context, db *platform.DB, now time.Time, e Entry) error {
	return db.InTx(ctx, func(tx *platform.Tx) error { return Record(ctx, tx, now, e) })
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
