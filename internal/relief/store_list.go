package relief

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"zhijia/internal/platform"
	"zhijia/internal/review"
)

// Filter selects applications in the actor's subtree for the review list.
type Filter struct {
	Status   string
	Step     string // the level deciding now
	Cause    string
	Category string
	Union    string // union name contains
	Overdue  bool
	Sort     string // "submitted" (default), "requested", "due"
	Desc     bool
	Limit    int
	Offset   int
}

// Sorts lists the list's sort keys, the default first.
var Sorts = []string{"submitted", "requested", "due"}

func (f Filter) where(a *platform.Actor, today string) (string, []any) {
	lo, hi := platform.SubtreeRange(a.OrgPath)
	var b strings.Builder
	var args []any
	if len(review.PathIDs(a.OrgPath)) == 1 {
		// The city's staff see the whole city: its id selects the same rows, and
		// the city indexes keep them in list order.
		b.WriteString(` WHERE a.city_id = ?`)
		args = []any{cityOf(a.OrgPath)}
	} else {
		b.WriteString(` WHERE a.org_path >= ? AND a.org_path < ?`)
		args = []any{lo, hi}
	}
	add := func(cond string, v ...any) { b.WriteString(" AND " + cond); args = append(args, v...) }
	if slices.Contains(Statuses, f.Status) {
		add(`a.status = ?`, f.Status)
	}
	if f.Step != "" {
		add(`a.step_level = ?`, f.Step)
	}
	if slices.Contains(Causes, f.Cause) {
		add(`(',' || a.causes || ',') LIKE ?`, "%,"+f.Cause+",%")
	}
	if f.Category != "" {
		add(`a.category = ?`, f.Category)
	}
	if f.Union != "" {
		add(`a.org_id IN (SELECT id FROM orgs WHERE path >= ? AND path < ? AND name LIKE ? ESCAPE '\')`, lo, hi, likeArg(f.Union))
	}
	if f.Overdue {
		add(`a.status = 'pending' AND a.due_on < ?`, today)
	}
	return b.String(), args
}

func (f Filter) order() string {
	col := map[string]string{"requested": "a.requested", "due": "a.due_on"}[f.Sort]
	if col == "" {
		col = "a.submitted_at"
	}
	desc := f.Desc
	if col == "a.submitted_at" {
		desc = !desc // newest first is the list's natural order; "desc" flips it
	}
	dir := ""
	if desc {
		dir = " DESC"
	}
	return ` ORDER BY ` + col + dir + `, a.id` + dir
}

// FindApplications lists applications in the actor's subtree with the total
// matching the filter.
func (s *Store) FindApplications(ctx context.Context, f Filter) ([]Application, int, error) {
	a := platform.ActorFrom(ctx)
	if a == nil || a.OrgPath == "" || a.Kind == "worker" {
		return nil, 0, nil
	}
	now := s.now()
	where, args := f.where(a, review.Today(now))
	var total int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM relief_applications a`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("relief: count applications: %w", err)
	}
	if total == 0 {
		return nil, 0, nil
	}
	// The page's ids come from the index alone; only its rows are joined.
	rows, err := s.db.Query(ctx, `WITH page AS (SELECT a.id FROM relief_applications a`+where+f.order()+` LIMIT ? OFFSET ?)
		SELECT `+appColumns+appFrom+` JOIN page ON page.id = a.id`+f.order(), append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("relief: find applications: %w", err)
	}
	defer rows.Close()
	var out []Application
	for rows.Next() {
		app, err := scanApp(rows, now)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *app)
	}
	return out, total, rows.Err()
}

// Inbox lists the applications waiting for the actor's own org, overdue first.
func (s *Store) Inbox(ctx context.Context, limit int) ([]Application, error) {
	rows, err := review.Inbox(ctx, s.db, s.now(), EntityType, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Application, 0, len(rows))
	for _, r := range rows {
		app, err := s.loadFor(ctx, r.EntityID)
		if err != nil {
			continue
		}
		out = append(out, *app)
	}
	return out, nil
}
