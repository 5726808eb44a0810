package care

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
)

// Hardship answers whether a worker's household is in the hardship archive. The
// relief programme provides it; care never reads relief's tables.
type Hardship interface {
	InHardshipArchive(ctx context.Context, workerID int64) (bool, error)
	// InHardshipArchiveAll is the same for many workers in a few queries: a
	// draw asks for every sign-up at once.
	InHardshipArchiveAll(ctx context.Context, workerIDs []int64) (map[int64]bool, error)
}

// SetHardship plugs in the relief programme's answer (nil: nobody counts).
func (s *Store) SetHardship(h Hardship) { s.hardship = h }

const activityCols = `a.id, a.city_id, a.org_id, o.name, o.path, a.kind, a.title, a.description, a.opens_at, a.closes_at,
	a.confirm_days, a.members_only, a.min_age, a.max_age, a.groups_allowed, a.model_levels, a.child_min_age, a.child_max_age,
	a.weights, a.seed, a.seed_hash, a.status, a.draws, a.drawn_at, a.version`

func scanActivity(r scanner, extra ...any) (*Activity, string, error) {
	a := &Activity{}
	var members int
	var groups, levels, weights, seed string
	var drawn sql.NullTime
	err := r.Scan(append([]any{&a.ID, &a.CityID, &a.OrgID, &a.OrgName, &a.OrgPath, &a.Kind, &a.Title, &a.Description,
		&a.OpensAt, &a.ClosesAt, &a.ConfirmDays, &members, &a.Rules.MinAge, &a.Rules.MaxAge, &groups, &levels,
		&a.Rules.ChildMinAge, &a.Rules.ChildMaxAge, &weights, &seed, &a.SeedHash, &a.Status, &a.Draws, &drawn, &a.Version}, extra...)...)
	if err != nil {
		return nil, "", err
	}
	a.Rules.MembersOnly = members == 1
	a.Rules.Groups, a.Rules.ModelLevels = splitCodes(groups), splitCodes(levels)
	a.Weights = decodeWeights(weights)
	if drawn.Valid {
		a.DrawnAt = &drawn.Time
		a.Seed = seed // published once drawn
	}
	return a, seed, nil
}

func loadActivity(ctx context.Context, q queryer, id int64) (*Activity, string, error) {
	a, seed, err := scanActivity(q.QueryRow(ctx, `SELECT `+activityCols+` FROM care_activities a JOIN orgs o ON o.id = a.org_id
		WHERE a.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", platform.NotFound
	}
	if err != nil {
		return nil, "", fmt.Errorf("care: activity %d: %w", id, err)
	}
	rows, err := q.Query(ctx, `SELECT id, name, quota, placed FROM care_sessions WHERE activity_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, "", fmt.Errorf("care: sessions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var se Session
		if err := rows.Scan(&se.ID, &se.Name, &se.Quota, &se.Placed); err != nil {
			return nil, "", err
		}
		a.Sessions = append(a.Sessions, se)
	}
	return a, seed, rows.Err()
}

// CreateActivity publishes an activity under a union in the actor's subtree;
// the seed's hash is public from now on, the seed stays secret until the draw.
func (s *Store) CreateActivity(ctx context.Context, in ActivityInput) (*Activity, error) {
	a, err := staff(ctx)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		opens, closes, sessions, verr := in.check()
		city, path, oerr := hostOrg(ctx, tx, a, in.OrgID)
		if err := mergeInvalid(verr, oerr); err != nil {
			return err
		}
		groups, err := s.groupCodes(ctx, tx)
		if err != nil {
			return err
		}
		in.Rules.Groups = keepKnown(in.Rules.Groups, groups)
		in.Rules.ModelLevels = keepKnown(in.Rules.ModelLevels, []string{"national", "provincial", "city"})
		now := s.clock.Now().UTC()
		seed, hash := NewSeed()
		members := 0
		if in.Rules.MembersOnly {
			members = 1
		}
		err = tx.QueryRow(ctx, `INSERT INTO care_activities (city_id, org_id, kind, title, description, opens_at, closes_at,
			confirm_days, members_only, min_age, max_age, groups_allowed, model_levels, child_min_age, child_max_age, weights,
			seed, seed_hash, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)
			RETURNING id`, city, in.OrgID, in.Kind, in.Title, in.Description, opens.UTC(), closes.UTC(), in.ConfirmDays, members,
			in.Rules.MinAge, in.Rules.MaxAge, strings.Join(in.Rules.Groups, ","), strings.Join(in.Rules.ModelLevels, ","),
			in.Rules.ChildMinAge, in.Rules.ChildMaxAge, in.Weights.encode(), seed, hash, now, now).Scan(&id)
		if err != nil {
			return fmt.Errorf("care: create activity: %w", err)
		}
		for _, se := range sessions {
			if _, err := tx.Exec(ctx, `INSERT INTO care_sessions (city_id, activity_id, name, quota) VALUES (?, ?, ?, ?)`,
				city, id, se.name, se.quota); err != nil {
				return fmt.Errorf("care: session: %w", err)
			}
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "care.activity.create", EntityType: "care_activity",
			EntityID: strconv.FormatInt(id, 10), OrgID: in.OrgID, OrgPath: path, Summary: "发布活动 " + in.Title + " 种子摘要 " + hash})
	})
	if err != nil {
		return nil, err
	}
	return s.Activity(ctx, id)
}

// Activity returns one activity in the actor's subtree.
func (s *Store) Activity(ctx context.Context, id int64) (*Activity, error) {
	a, err := staff(ctx)
	if err != nil {
		return nil, err
	}
	act, _, err := loadActivity(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	if !a.Covers(act.OrgPath) {
		return nil, platform.NotFound
	}
	return act, attendance(ctx, s.db, act)
}

// FindActivities lists the activities in the actor's subtree, newest first.
func (s *Store) FindActivities(ctx context.Context, limit, offset int) ([]*Activity, int, error) {
	a, err := staff(ctx)
	if err != nil {
		return nil, 0, err
	}
	lo, hi := platform.SubtreeRange(a.OrgPath)
	rows, err := s.db.Query(ctx, `SELECT `+activityCols+`, COUNT(*) OVER() FROM care_activities a JOIN orgs o ON o.id = a.org_id
		WHERE o.path >= ? AND o.path < ? ORDER BY a.opens_at DESC, a.id DESC LIMIT ? OFFSET ?`, lo, hi, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("care: find activities: %w", err)
	}
	return platform.ScanPage(rows, func(total *int) (*Activity, error) {
		act, _, err := scanActivity(rows, total)
		return act, err
	})
}

// workerFacts reads what the rules need about a worker now.
func (s *Store) workerFacts(ctx context.Context, q queryer, workerID int64) (Facts, int64, error) {
	var f Facts
	var status string
	var city int64
	err := q.QueryRow(ctx, `SELECT w.city_id, w.member_status, o.path, w.birth_date, w.group_code, w.model_level
		FROM workers w JOIN orgs o ON o.id = w.org_id WHERE w.id = ?`, workerID).
		Scan(&city, &status, &f.OrgPath, &f.BirthDate, &f.GroupCode, &f.ModelLevel)
	if err != nil {
		return f, 0, platform.NotFound
	}
	f.Member = status == "member"
	if s.hardship != nil {
		if f.Hardship, err = s.hardship.InHardshipArchive(ctx, workerID); err != nil {
			return f, 0, fmt.Errorf("care: hardship: %w", err)
		}
	}
	return f, city, nil
}
