package people

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"zhijia/internal/auth"
	"zhijia/internal/platform"
)

// WorkerFilter selects workers for a list. Q is a whole id number or a whole
// mobile number (found through the blind index), or the start of a name. Under
// narrows to an org subtree inside the actor's. Sort is name (default), created
// or birth; Limit defaults to 50, at most MaxFind (an export's whole list).
type WorkerFilter struct {
	Under        string
	Q            string
	MemberStatus MemberStatus
	ModelLevel   string // "" any, "any_title" any titled level, or one level
	GroupCode    string // "" any, "any_group" any group, or one code
	Sort         string
	Desc         bool
	Limit        int
	Offset       int
}

// MaxFind caps one FindWorkers call: the console's export limit.
const MaxFind = 100_000

var workerSorts = map[string]string{"name": "w.name", "created": "w.created_at", "birth": "w.birth_date"}

// filterCondition is the SQL of a worker filter: the subtree (the actor's, or
// f.Under inside it), the search and the list's filters. ok is false when
// f.Under lies outside the actor's subtree.
func (s *Store) filterCondition(ctx context.Context, f WorkerFilter) (under, cond string, args []any, ok bool) {
	a := platform.ActorFrom(ctx)
	under = a.OrgPath
	if f.Under != "" {
		if !a.Covers(f.Under) {
			return "", "", nil, false
		}
		under = f.Under
	}
	lo, hi := platform.SubtreeRange(under)
	where := []string{"o.path >= ?", "o.path < ?"}
	args = []any{lo, hi}
	if c, v := s.queryCondition(f.Q); c != "" {
		where, args = append(where, c), append(args, v...)
	}
	if f.MemberStatus != "" {
		where, args = append(where, "w.member_status = ?"), append(args, string(f.MemberStatus))
	}
	switch f.ModelLevel {
	case "":
	case "any_title":
		where = append(where, "w.model_level <> ''")
	default:
		where, args = append(where, "w.model_level = ?"), append(args, f.ModelLevel)
	}
	switch f.GroupCode {
	case "":
	case "any_group":
		where = append(where, "w.group_code <> ''")
	default:
		where, args = append(where, "w.group_code = ?"), append(args, f.GroupCode)
	}
	return under, strings.Join(where, " AND "), args, true
}

// FindWorkers lists the matching workers in the actor's subtree, masked, and the
// number of matches.
func (s *Store) FindWorkers(ctx context.Context, f WorkerFilter) ([]Worker, int, error) {
	under, cond, args, ok := s.filterCondition(ctx, f)
	if !ok {
		return nil, 0, nil
	}
	col, ok := workerSorts[f.Sort]
	if !ok {
		col = workerSorts["name"]
	}
	dir := " ASC"
	if f.Desc {
		dir = " DESC"
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	total, err := s.countWorkers(ctx, f, under, cond, args)
	if err != nil {
		return nil, 0, err
	}
	rows, err := s.db.Query(ctx, `SELECT `+workerColumns+workerFrom+` WHERE `+cond+
		` ORDER BY `+col+dir+`, w.id`+dir+` LIMIT ? OFFSET ?`, append(args, min(limit, MaxFind), max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("people: find: %w", err)
	}
	defer rows.Close()
	var out []Worker
	for rows.Next() {
		w, err := scanWorker(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("people: find: %w", err)
		}
		out = append(out, *w)
	}
	return out, total, rows.Err()
}

// OrgChoice is one org a list can be narrowed to.
type OrgChoice struct {
	ID         int64
	Name, Path string
	Child      bool // below the actor's own org (indented)
}

// OrgChoices lists the actor's org and its direct children (at most 300), for
// narrowing a list to one part of the subtree.
func (s *Store) OrgChoices(ctx context.Context) ([]OrgChoice, error) {
	a := platform.ActorFrom(ctx)
	rows, err := s.db.Query(ctx, `SELECT id, name, path FROM orgs WHERE (id = ? OR parent_id = ?) AND status = 'active'
		ORDER BY depth, path LIMIT 300`, a.OrgID, a.OrgID)
	if err != nil {
		return nil, fmt.Errorf("people: org choices: %w", err)
	}
	defer rows.Close()
	var out []OrgChoice
	for rows.Next() {
		var o OrgChoice
		if err := rows.Scan(&o.ID, &o.Name, &o.Path); err != nil {
			return nil, err
		}
		if a.Covers(o.Path) {
			o.Child = o.ID != a.OrgID
			out = append(out, o)
		}
	}
	return out, rows.Err()
}

// OrgPath is the path of an org in the actor's subtree; ok is false otherwise.
func (s *Store) OrgPath(ctx context.Context, id int64) (string, bool) {
	var p string
	if err := s.db.QueryRow(ctx, `SELECT path FROM orgs WHERE id = ?`, id).Scan(&p); err != nil {
		return "", false
	}
	return p, platform.ActorFrom(ctx).Covers(p)
}

// countWorkers counts the matches; with no search and no filter but membership
// it reads the per-org counts instead of counting a whole subtree's workers.
func (s *Store) countWorkers(ctx context.Context, f WorkerFilter, under, cond string, args []any) (int, error) {
	if strings.TrimSpace(f.Q) == "" && f.ModelLevel == "" && f.GroupCode == "" {
		c, err := s.SubtreeCounts(ctx, under)
		switch f.MemberStatus {
		case "":
			return int(c.Workers), err
		case Member:
			return int(c.Members), err
		case NonMember:
			return int(c.Workers - c.Members), err
		}
	}
	var total int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*)`+workerFrom+` WHERE `+cond, args...).Scan(&total); err != nil {
		return 0, fmt.Errorf("people: count: %w", err)
	}
	return total, nil
}

// queryCondition turns the search box into one indexed condition: an id number
// or a mobile number by blind index, else a name prefix as a range.
func (s *Store) queryCondition(q string) (string, []any) {
	q = strings.TrimSpace(q)
	if q == "" {
		return "", nil
	}
	if kind, idx, ok := strings.Cut(q, ":"); ok && len(idx) == 64 && (kind == "#id" || kind == "#phone") {
		col := map[string]string{"#id": "w.id_index", "#phone": "w.phone_index"}[kind]
		return col + " = ?", []any{idx}
	}
	n := normaliseID(q)
	if len(n) == 15 || len(n) == 18 {
		if id, err := parseID(n, "q", maxDay); err == nil {
			return "w.id_index = ?", []any{s.keys.BlindIndex(kindIDNumber, id.Number)}
		}
	}
	if p, err := auth.NormaliseMobile(q); err == nil {
		return "w.phone_index = ?", []any{s.keys.BlindIndex(kindPhone, p)}
	}
	if isDigits(n) && len(n) >= 11 { // a number that is neither: nobody
		return "1 = 0", nil
	}
	return "w.name >= ? AND w.name < ?", []any{q, prefixEnd(q)}
}

// SearchToken turns a whole id number or mobile number typed in a search box
// into a token that finds the same worker ("#id:" or "#phone:" and the blind
// index), so list links and browser history never hold the number itself. Other
// text comes back unchanged.
func (s *Store) SearchToken(q string) string {
	q = strings.TrimSpace(q)
	n := normaliseID(q)
	if len(n) == 15 || len(n) == 18 {
		if id, err := parseID(n, "q", maxDay); err == nil {
			return "#id:" + s.keys.BlindIndex(kindIDNumber, id.Number)
		}
	}
	if p, err := auth.NormaliseMobile(q); err == nil {
		return "#phone:" + s.keys.BlindIndex(kindPhone, p)
	}
	return q
}

// prefixEnd is the smallest string after every string starting with p.
func prefixEnd(p string) string {
	r, size := utf8.DecodeLastRuneInString(p)
	return p[:len(p)-size] + string(r+1)
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			if c != 'X' {
				return false
			}
		}
	}
	return s != ""
}

// Counts are the workers and members under an org subtree.
type Counts struct {
	Workers int64
	Members int64
}

// SubtreeCounts counts the workers and members under path (inclusive): the sum of
// org_worker_counts (kept by triggers on workers) over the subtree's orgs, found
// by path range, so the cost follows the number of orgs, not of workers.
func (s *Store) SubtreeCounts(ctx context.Context, path string) (Counts, error) {
	var c Counts
	if !strings.HasPrefix(path, "/") || !strings.HasSuffix(path, "/") || !platform.ActorFrom(ctx).Covers(path) {
		return c, platform.NotFound
	}
	lo, hi := platform.SubtreeRange(path)
	err := s.db.QueryRow(ctx, `SELECT COALESCE(SUM(c.workers), 0), COALESCE(SUM(c.members), 0)
		FROM orgs o JOIN org_worker_counts c ON c.org_id = o.id WHERE o.path >= ? AND o.path < ?`, lo, hi).Scan(&c.Workers, &c.Members)
	if err != nil {
		return c, fmt.Errorf("people: counts %s: %w", path, err)
	}
	return c, nil
}
