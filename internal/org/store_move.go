package org

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"zhijia/internal/platform"
)

// Move puts org id, with its whole subtree, under newParentID. Both must be in the
// actor's subtree; the city cannot move, nor can an org go under itself or its own
// descendants, and its level must suit the new parent. Every path and depth below
// is rewritten in the same transaction.
func (s *Store) Move(ctx context.Context, id, newParentID, version int64) error {
	return s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now()
		o, err := loadChangeable(ctx, tx, id, version)
		if err != nil {
			return err
		}
		if o.ParentID == 0 {
			return platform.Invalid().Field("parent_id", "org.err.move_root")
		}
		p, err := loadScoped(ctx, tx, newParentID)
		if err != nil {
			return err
		}
		if p.ID == o.ParentID {
			return nil
		}
		if err := moveAllowed(o, p); err != nil {
			return err
		}
		old, err := loadOrg(ctx, tx, o.ParentID)
		if err != nil {
			return err
		}
		if err := lockForMove(ctx, tx, o, p, now); err != nil {
			return err
		}
		if err := rewriteSubtree(ctx, tx, o, p); err != nil {
			return err
		}
		o.Path = p.Path + strconv.FormatInt(o.ID, 10) + "/"
		return record(ctx, tx, now, "org.move", o, fmt.Sprintf("「%s」：「%s」→「%s」", o.Name, old.Name, p.Name))
	})
}

// moveAllowed applies the tree rules to moving o under p.
func moveAllowed(o, p *Org) error {
	switch {
	case strings.HasPrefix(p.Path, o.Path):
		return platform.Invalid().Field("parent_id", "org.err.move_into_descendant")
	case p.Status != StatusActive:
		return platform.Invalid().Field("parent_id", "org.err.parent_closed")
	case !FitsUnder(o.Level, p.Level):
		return platform.Invalid().Field("parent_id", "org.err.level_parent")
	case o.Level == LevelDistrict && !DistrictFitsCity(o.AreaCode, p.AreaCode):
		return platform.Invalid().Field("parent_id", "org.err.area_code_city")
	}
	return nil
}

// lockForMove takes the moved org's and the new parent's row locks, always in id
// order so two crossing moves queue rather than deadlock, and checks that neither
// changed since it was read: the second of two crossing moves then fails instead
// of making a cycle.
func lockForMove(ctx context.Context, tx *platform.Tx, o, p *Org, now time.Time) error {
	moveOrg := func() error {
		res, err := tx.Exec(ctx, `UPDATE orgs SET parent_id = ?, version = version + 1, updated_at = ?
			WHERE id = ? AND version = ? AND path = ?`, p.ID, now, o.ID, o.Version, o.Path)
		return mustAffect(res, err, "org.err.stale")
	}
	lockParent := func() error {
		res, err := tx.Exec(ctx, `UPDATE orgs SET updated_at = updated_at WHERE id = ? AND path = ? AND status = 'active'`, p.ID, p.Path)
		return mustAffect(res, err, "org.err.parent_changed")
	}
	first, second := moveOrg, lockParent
	if p.ID < o.ID {
		first, second = lockParent, moveOrg
	}
	if err := first(); err != nil {
		return err
	}
	return second()
}

// rewriteSubtree swaps the path prefix of o's subtree for its new place under p.
// The statement repeats until nothing is left under the old prefix, which catches a
// child a concurrent Create slipped in under the old path (PostgreSQL READ
// COMMITTED); on SQLite the second pass finds nothing.
func rewriteSubtree(ctx context.Context, tx *platform.Tx, o, p *Org) error {
	newPath := p.Path + strconv.FormatInt(o.ID, 10) + "/"
	lo, hi := platform.SubtreeRange(o.Path)
	for pass := 0; pass < 5; pass++ {
		res, err := tx.Exec(ctx, `UPDATE orgs SET path = CAST(? AS TEXT) || substr(path, CAST(? AS INTEGER)),
			depth = depth + ? WHERE path >= ? AND path < ?`,
			newPath, len(o.Path)+1, p.Depth+1-o.Depth, lo, hi)
		if err != nil {
			return fmt.Errorf("org: move %d: rewrite paths: %w", o.ID, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			break
		}
	}
	if p.CityID == o.CityID {
		return nil
	}
	nlo, nhi := platform.SubtreeRange(newPath)
	if _, err := tx.Exec(ctx, `UPDATE employers SET city_id = ? WHERE id IN
		(SELECT employer_id FROM orgs WHERE path >= ? AND path < ?)`, p.CityID, nlo, nhi); err != nil {
		return fmt.Errorf("org: move %d: employers' city: %w", o.ID, err)
	}
	if _, err := tx.Exec(ctx, `UPDATE orgs SET city_id = ? WHERE path >= ? AND path < ?`, p.CityID, nlo, nhi); err != nil {
		return fmt.Errorf("org: move %d: city: %w", o.ID, err)
	}
	return nil
}

// loadChangeable reads an org for a structural change: it must be in the actor's
// subtree but not the actor's own org (that is for the level above), and still
// at the version the user saw.
func loadChangeable(ctx context.Context, tx *platform.Tx, id, version int64) (*Org, error) {
	o, err := loadScoped(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if o.Path == platform.ActorFrom(ctx).OrgPath {
		return nil, platform.Errorf(platform.CodeForbidden, "org.err.own_org")
	}
	if version >= 0 && o.Version != version {
		return nil, platform.Errorf(platform.CodeConflict, "org.err.stale")
	}
	return o, nil
}

// Close takes an org out of service (status closed); its history stays. An org
// with active children cannot close until they have closed or moved.
func (s *Store) Close(ctx context.Context, id, version int64, reason string) error {
	reason = strings.TrimSpace(reason)
	v := platform.Invalid()
	textField(v, "reason", reason, maxAddress, "org.err.reason_required", "org.err.reason_too_long")
	if err := v.OrNil(); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now()
		o, err := loadChangeable(ctx, tx, id, version)
		if err != nil {
			return err
		}
		if o.Status == StatusClosed {
			return platform.Errorf(platform.CodeConflict, "org.err.already_closed")
		}
		// Check before and after the guarded update: the update holds the row
		// lock, so a child created concurrently is either seen here or refused.
		if err := noActiveChildren(ctx, tx, id); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE orgs SET status = 'closed', closed_at = ?, updated_at = ?,
			version = version + 1 WHERE id = ? AND version = ?`, now, now, id, version)
		if err := mustAffect(res, err, "org.err.stale"); err != nil {
			return err
		}
		if err := noActiveChildren(ctx, tx, id); err != nil {
			return err
		}
		return record(ctx, tx, now, "org.close", o, fmt.Sprintf("关闭「%s」：%s", o.Name, reason))
	})
}

func noActiveChildren(ctx context.Context, tx *platform.Tx, id int64) error {
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM orgs WHERE parent_id = ? AND status = 'active'`, id).Scan(&n); err != nil {
		return fmt.Errorf("org: count children of %d: %w", id, err)
	}
	if n > 0 {
		return platform.Errorf(platform.CodeConflict, "org.err.close_children", n)
	}
	return nil
}

// Reopen puts a closed org back in service; its parent must be active.
func (s *Store) Reopen(ctx context.Context, id, version int64) error {
	return s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now()
		o, err := loadChangeable(ctx, tx, id, version)
		if err != nil {
			return err
		}
		if o.Status != StatusClosed {
			return platform.Errorf(platform.CodeConflict, "org.err.not_closed")
		}
		if o.ParentID != 0 {
			res, err := tx.Exec(ctx, `UPDATE orgs SET updated_at = updated_at WHERE id = ? AND status = 'active'`, o.ParentID)
			if err := mustAffect(res, err, "org.err.parent_closed"); err != nil {
				return err
			}
		}
		res, err := tx.Exec(ctx, `UPDATE orgs SET status = 'active', closed_at = NULL, updated_at = ?,
			version = version + 1 WHERE id = ? AND version = ?`, now, id, version)
		if err := mustAffect(res, err, "org.err.stale"); err != nil {
			return err
		}
		return record(ctx, tx, now, "org.reopen", o, fmt.Sprintf("恢复「%s」", o.Name))
	})
}

// Delete removes an org entered by mistake, with its employer record. An org that
// has children, accounts, workers or any other record pointing at it is refused:
// close it instead, which keeps its history.
func (s *Store) Delete(ctx context.Context, id int64) error {
	return s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now()
		o, err := loadChangeable(ctx, tx, id, -1)
		if err != nil {
			return err
		}
		var used int
		err = tx.QueryRow(ctx, `SELECT
			(SELECT COUNT(*) FROM orgs WHERE parent_id = ?) +
			(SELECT COUNT(*) FROM accounts WHERE org_id = ?) +
			(SELECT COUNT(*) FROM workers WHERE org_id = ?)`, id, id, id).Scan(&used)
		if err != nil {
			return fmt.Errorf("org: delete %d: %w", id, err)
		}
		if used > 0 {
			return platform.Errorf(platform.CodeConflict, "org.err.delete_in_use")
		}
		// Other packages' tables refer to orgs too: their foreign keys answer for them.
		if _, err := tx.Exec(ctx, `DELETE FROM orgs WHERE id = ?`, id); err != nil {
			return deleteErr(id, err)
		}
		if o.EmployerID != 0 {
			if _, err := tx.Exec(ctx, `DELETE FROM employers WHERE id = ?
				AND NOT EXISTS (SELECT 1 FROM orgs WHERE employer_id = ?)`, o.EmployerID, o.EmployerID); err != nil {
				return deleteErr(id, err)
			}
		}
		return record(ctx, tx, now, "org.delete", o, fmt.Sprintf("删除%s「%s」", label(o.Level.LabelKey()), o.Name))
	})
}

func deleteErr(id int64, err error) error {
	if platform.IsForeignKeyViolation(err) {
		return platform.Errorf(platform.CodeConflict, "org.err.delete_in_use")
	}
	return fmt.Errorf("org: delete %d: %w", id, err)
}

// mustAffect turns "no row matched a guarded update" into a conflict with key.
func mustAffect(res sql.Result, err error, key string) error {
	if err != nil {
		return fmt.Errorf("org: guarded update: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("org: rows affected: %w", err)
	}
	if n == 0 {
		return platform.Errorf(platform.CodeConflict, key)
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}
