package org

import (
	"context"
	"fmt"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"sort"
	"strconv"
	"strings"
	"time"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
)

// Reads the console pages need beyond the store's use cases: the tree page's
// two levels and figures, an org's history, the export's path names.

// treeOf builds the tree page's nodes under root: two levels when the subtree is
// small, else root's children only; each child carries its subtree's active
// grassroots count and headcount.
func (s *Store) treeOf(ctx context.Context, root *Org) (TreeNode, error) {
	node := TreeNode{Org: *root, Expandable: root.Level != LevelGroup}
	lo, hi := platform.SubtreeRange(root.Path)
	var size int // orgs in the subtree, counted up to inlineMax+1 on the path index
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 AS one FROM orgs WHERE path >= ? AND path < ? LIMIT ?) sub`,
		lo, hi, inlineMax+1).Scan(&size)
	if err != nil {
		return node, fmt.Errorf("org: tree %d: %w", root.ID, err)
	}
	var kids []Org
	byParent := map[int64][]Org{}
	if size <= inlineMax {
		all, _, err := s.Find(ctx, Filter{Under: root.Path, Sort: "path", Limit: inlineMax})
		if err != nil {
			return node, err
		}
		for _, o := range all {
			byParent[o.ParentID] = append(byParent[o.ParentID], o)
		}
		kids = byParent[root.ID]
	} else if kids, err = s.Children(ctx, root.ID); err != nil {
		return node, err
	}
	figs, err := s.childFigures(ctx, root)
	if err != nil {
		return node, err
	}
	sortByName(kids)
	for _, k := range kids {
		n := TreeNode{Org: k, Expandable: k.Level != LevelGroup}
		n.Grassroots, n.Headcount = figs[k.ID].grassroots, figs[k.ID].headcount
		grand := byParent[k.ID]
		sortByName(grand)
		for _, g := range grand {
			n.Children = append(n.Children, TreeNode{Org: g, Expandable: g.Level != LevelGroup,
				Headcount: orgHeadcount(&g)})
		}
		node.Children = append(node.Children, n)
	}
	return node, nil
}

// sortByName puts siblings in the order staff expect: district federations in
// area-code order (鼓楼 350102 first), then industry unions, then the rest, each by
// name in pinyin order.
func sortByName(list []Org) {
	col := collate.New(language.SimplifiedChinese)
	rank := map[Level]int{LevelDistrict: 0, LevelIndustry: 1, LevelGrassroots: 2, LevelGroup: 3}
	sort.SliceStable(list, func(i, j int) bool {
		a, b := &list[i], &list[j]
		if rank[a.Level] != rank[b.Level] {
			return rank[a.Level] < rank[b.Level]
		}
		if a.Level == LevelDistrict && a.AreaCode != b.AreaCode {
			return a.AreaCode < b.AreaCode
		}
		return col.CompareString(a.Name, b.Name) < 0
	})
}

func orgHeadcount(o *Org) int64 {
	if o.Employer == nil {
		return 0
	}
	return o.Employer.Headcount
}

type figures struct {
	grassroots int
	headcount  int64
}

// childFigures sums the active grassroots unions under each child of root, in one
// index-only scan of orgs_level_path (level, path, status, headcount).
func (s *Store) childFigures(ctx context.Context, root *Org) (map[int64]figures, error) {
	lo, hi := platform.SubtreeRange(root.Path)
	rows, err := s.db.Query(ctx, `SELECT path, headcount FROM orgs
		WHERE level = 'grassroots' AND path >= ? AND path < ? AND status = 'active'`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("org: child figures %d: %w", root.ID, err)
	}
	defer rows.Close()
	at := len(PathIDs(root.Path)) // index of the child's id in a descendant's path
	out := map[int64]figures{}
	for rows.Next() {
		var path string
		var heads int64
		if err := rows.Scan(&path, &heads); err != nil {
			return nil, fmt.Errorf("org: child figures %d: %w", root.ID, err)
		}
		if ids := PathIDs(path); len(ids) > at {
			f := out[ids[at]]
			f.grassroots++
			f.headcount += heads
			out[ids[at]] = f
		}
	}
	return out, rows.Err()
}

// HistoryEntry is one line of an org's history: an audit entry about it.
type HistoryEntry struct {
	At        time.Time
	ActorName string
	Action    string
	Summary   string
}

// ActionKey is the catalogue key naming the action, e.g. "org.action.move".
func (e HistoryEntry) ActionKey() string { return "org.action." + strings.TrimPrefix(e.Action, "org.") }

// historyLimit is how many entries the detail page shows.
const historyLimit = 20

// History lists the newest audit entries about org id, for its detail page. The
// org must be in the actor's subtree.
func (s *Store) History(ctx context.Context, id int64) ([]HistoryEntry, error) {
	if _, err := s.Get(ctx, id); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT at, actor_name, action, summary FROM audit_log
		WHERE entity_type = 'org' AND entity_id = ? ORDER BY at DESC, id DESC LIMIT ?`,
		strconv.FormatInt(id, 10), historyLimit)
	if err != nil {
		return nil, fmt.Errorf("org: history %d: %w", id, err)
	}
	defer rows.Close()
	var out []HistoryEntry
	for rows.Next() {
		var e HistoryEntry
		if err := rows.Scan(&e.At, &e.ActorName, &e.Action, &e.Summary); err != nil {
			return nil, fmt.Errorf("org: history %d: %w", id, err)
		}
		e.At = e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// pathNames maps the id of every org on the rows' paths that the actor may see to
// its name, for the export's path column.
func (s *Store) pathNames(ctx context.Context, rows []Org) (map[int64]string, error) {
	names := make(map[int64]string, len(rows))
	for _, o := range rows {
		names[o.ID] = o.Name
	}
	var missing []any
	seen := map[int64]bool{}
	for _, o := range rows {
		for _, id := range PathIDs(o.Path) {
			if _, ok := names[id]; !ok && !seen[id] {
				seen[id] = true
				missing = append(missing, id)
			}
		}
	}
	a := platform.ActorFrom(ctx)
	for len(missing) > 0 {
		chunk := missing[:min(len(missing), 500)]
		missing = missing[len(chunk):]
		list, err := s.db.Query(ctx, `SELECT id, name, path FROM orgs WHERE id IN (`+platform.Placeholders(len(chunk))+`)`, chunk...)
		if err != nil {
			return nil, fmt.Errorf("org: path names: %w", err)
		}
		for list.Next() {
			var id int64
			var name, path string
			if err := list.Scan(&id, &name, &path); err != nil {
				list.Close()
				return nil, fmt.Errorf("org: path names: %w", err)
			}
			if a.Covers(path) {
				names[id] = name
			}
		}
		list.Close()
		if err := list.Err(); err != nil {
			return nil, fmt.Errorf("org: path names: %w", err)
		}
	}
	return names, nil
}

// recordExport writes the audit entry of an export of n orgs.
func (s *Store) recordExport(ctx context.Context, n int, query string) error {
	a := platform.ActorFrom(ctx)
	e := audit.Entry{Action: "org.export", EntityType: "org",
		Summary: fmt.Sprintf("导出工会组织 %d 条 filter=%s", n, query)}
	if a != nil {
		e.OrgID, e.OrgPath = a.OrgID, a.OrgPath
	}
	return audit.RecordTx(ctx, s.db, s.clock.Now(), e)
}
