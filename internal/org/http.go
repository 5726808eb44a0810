package org

import (
	"context"
	"embed"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
	"zhijia/internal/web"
)

//go:embed templates
var templates embed.FS

// Handlers serves the union-tree console pages and the org API.
type Handlers struct {
	store *Store
}

// Mount adds the org pages, menu entries and API routes to the shell. Reading needs
// org.view; every change needs org.edit, and the store confines both to the
// actor's subtree.
func Mount(s *web.Server, store *Store) {
	h := &Handlers{store: store}
	s.Catalog.Add(Messages)
	s.AddPages("org", templates, "templates")
	for page, zero := range map[string]any{"tree": &treeView{}, "list": &listView{}, "show": &detailView{},
		"form": &formView{}, "move": &moveView{}, "close": &closeView{}} {
		s.Sample("org/console/"+page, zero)
	}
	s.AddMenu(
		web.MenuItem{Group: "org.menu_group", Label: "org.menu.tree", Href: "/console/orgs/tree", Perm: "org.view", Order: 100},
		web.MenuItem{Group: "org.menu_group", Label: "org.menu.list", Href: "/console/orgs", Perm: "org.view", Order: 110},
	)
	s.Console("GET /console/orgs/tree", "org.view", h.tree)
	s.Console("GET /console/orgs", "org.view", h.list)
	s.Console("GET /console/orgs/new", "org.edit", h.newForm)
	s.Console("POST /console/orgs", "org.edit", h.create)
	s.Console("GET /console/orgs/{id}", "org.view", h.show)
	s.Console("GET /console/orgs/{id}/edit", "org.edit", h.editForm)
	s.Console("POST /console/orgs/{id}", "org.edit", h.update)
	s.Console("GET /console/orgs/{id}/move", "org.edit", h.moveForm)
	s.Console("POST /console/orgs/{id}/move", "org.edit", h.move)
	s.Console("GET /console/orgs/{id}/close", "org.edit", h.closeForm)
	s.Console("POST /console/orgs/{id}/close", "org.edit", h.close)
	s.Console("POST /console/orgs/{id}/reopen", "org.edit", h.reopen)
	s.Console("POST /console/orgs/{id}/delete", "org.edit", h.delete)
	mountAPI(s, h)
}

// can reports whether the signed-in actor holds perm.
func can(c *web.Ctx, perm string) bool {
	s := c.Server()
	return s.Can != nil && s.Can(c.Actor, perm)
}

// crumbs is the trail 组织管理 / 工会组织 / ancestors… / o / tail…; o may be nil.
func crumbs(c *web.Ctx, ancestors []Org, o *Org, tail ...string) []web.Crumb {
	out := []web.Crumb{{Label: c.T("org.menu_group")}, {Label: c.T("org.menu.list"), Href: "/console/orgs"}}
	for _, a := range ancestors {
		out = append(out, web.Crumb{Label: a.Name, Href: detailURL(a.ID)})
	}
	if o != nil {
		href := detailURL(o.ID)
		if len(tail) == 0 {
			href = ""
		}
		out = append(out, web.Crumb{Label: o.Name, Href: href})
	}
	for _, t := range tail {
		out = append(out, web.Crumb{Label: t})
	}
	return out
}

func detailURL(id int64) string { return "/console/orgs/" + strconv.FormatInt(id, 10) }

// ---- tree ----

// inlineMax is how many orgs a subtree may hold for the tree page to show its
// first two levels at once; a bigger one shows its children, each with a link
// that re-roots the tree there.
const inlineMax = 200

// TreeNode is one org on the tree page, with the figures of its subtree and,
// when loaded, its children.
type TreeNode struct {
	Org
	Grassroots int
	Headcount  int64
	Children   []TreeNode
	Expandable bool // may have children: the page links to a tree rooted here
}

type treeView struct {
	Root  TreeNode
	Stats Stats
}

func (h *Handlers) tree(c *web.Ctx) error {
	ctx := c.R.Context()
	rootID := c.Actor.OrgID
	if v := c.R.URL.Query().Get("root"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return platform.NotFound
		}
		rootID = id
	}
	root, err := h.store.Get(ctx, rootID)
	if err != nil {
		return err
	}
	ancestors, err := h.store.Ancestors(ctx, root.ID)
	if err != nil {
		return err
	}
	st, err := h.store.SubtreeStats(ctx, root.Path)
	if err != nil {
		return err
	}
	node, err := h.store.treeOf(ctx, root)
	if err != nil {
		return err
	}
	cr := []web.Crumb{{Label: c.T("org.menu_group")}, {Label: c.T("org.menu.tree"), Href: "/console/orgs/tree"}}
	for _, a := range ancestors {
		cr = append(cr, web.Crumb{Label: a.Name, Href: "/console/orgs/tree?root=" + strconv.FormatInt(a.ID, 10)})
	}
	cr = append(cr, web.Crumb{Label: root.Name})
	return c.RenderPage(http.StatusOK, "org/console/tree", &web.Page{Title: c.T("org.tree.title"),
		Crumbs: cr, Data: &treeView{Root: node, Stats: st}})
}

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

func sortByName(list []Org) {
	sort.SliceStable(list, func(i, j int) bool { return list[i].Name < list[j].Name })
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

// ---- list and export ----

type listView struct {
	Rows   []Org
	Q      web.ListQuery
	P      web.Pager
	Levels []Level
	Under  *Org // the subtree the list is narrowed to, if any
}

func (h *Handlers) list(c *web.Ctx) error {
	q := c.ParseList("path", "name", "level", "created")
	f := Filter{Q: q.Q, Sort: q.Sort, Desc: q.Desc, Limit: q.Limit(), Offset: q.Offset()}
	if l := Level(q.Get("level")); l.Valid() {
		f.Level = l
	}
	if st := Status(q.Get("status")); st == StatusActive || st == StatusClosed {
		f.Status = st
	}
	var under *Org
	if u := q.Get("under"); u != "" {
		id, err := strconv.ParseInt(u, 10, 64)
		if err != nil {
			return platform.NotFound
		}
		if under, err = h.store.Get(c.R.Context(), id); err != nil {
			return err
		}
		f.Under = under.Path
	}
	if q.Export {
		return h.export(c, f)
	}
	rows, total, err := h.store.Find(c.R.Context(), f)
	if err != nil {
		return err
	}
	v := &listView{Rows: rows, Q: q, P: q.Pager("/console/orgs", total), Levels: Levels, Under: under}
	return c.RenderPage(http.StatusOK, "org/console/list", &web.Page{Title: c.T("org.list.title"),
		Crumbs: []web.Crumb{{Label: c.T("org.menu_group")}, {Label: c.T("org.menu.list")}}, Data: v})
}

// export sends every org matching f (Find returns at most 1000 a call, so it pages).
func (h *Handlers) export(c *web.Ctx, f Filter) error {
	ctx := c.R.Context()
	var rows []Org
	f.Limit, f.Offset = 1000, 0
	for len(rows) < web.ExportLimit {
		page, total, err := h.store.Find(ctx, f)
		if err != nil {
			return err
		}
		rows = append(rows, page...)
		if len(page) < f.Limit || len(rows) >= total {
			break
		}
		f.Offset += len(page)
	}
	names, err := h.store.pathNames(ctx, rows)
	if err != nil {
		return err
	}
	if err := h.store.recordExport(ctx, len(rows), c.R.URL.RawQuery); err != nil {
		return err
	}
	head := []string{"ID", c.T("org.field.name"), c.T("org.field.level"), c.T("org.field.status"),
		c.T("org.field.path"), c.T("org.field.area_code"), c.T("org.field.employer_name"),
		c.T("org.field.credit_code"), c.T("org.field.headcount"), c.T("org.field.address"),
		c.T("org.field.contact_name"), c.T("org.field.contact_phone"), c.T("org.field.lng"),
		c.T("org.field.lat"), c.T("org.field.created_at"), c.T("org.field.closed_at")}
	out := make([][]any, 0, len(rows))
	for i := range rows {
		out = append(out, exportRow(c, &rows[i], names))
	}
	return c.ExportXLSX(c.T("org.list.title"), head, out)
}

func exportRow(c *web.Ctx, o *Org, names map[int64]string) []any {
	var path []string
	for _, id := range PathIDs(o.Path) {
		if n, ok := names[id]; ok && id != o.ID {
			path = append(path, n)
		}
	}
	row := []any{o.ID, o.Name, c.T(o.Level.LabelKey()), c.T(o.Status.LabelKey()), strings.Join(path, " / "),
		o.AreaCode, "", "", "", "", o.ContactName, MaskPhone(o.ContactPhone), "", "", o.CreatedAt, ""}
	if e := o.Employer; e != nil {
		row[6], row[7], row[8], row[9] = e.Name, e.CreditCode, e.Headcount, e.Address
		if e.Lng != nil && e.Lat != nil {
			row[12], row[13] = *e.Lng, *e.Lat
		}
	}
	if o.ClosedAt != nil {
		row[15] = *o.ClosedAt
	}
	return row
}

// ---- detail ----

// detailChildren caps the children the detail page lists; the rest are a link away.
const detailChildren = 50

type detailView struct {
	Org        *Org
	Children   []Org
	More       int // children not listed
	History    []HistoryEntry
	CanEdit    bool // edit and add a child
	CanAdd     bool // some level fits under this org and it is active
	CanChange  bool // move, close, reopen, delete: not the actor's own org
	Alert      string
	AlertError bool
}

func (h *Handlers) show(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	return h.renderDetail(c, id, http.StatusOK, "")
}

// renderDetail draws the detail page, with alert (already translated) above it
// when an action on the page was refused.
func (h *Handlers) renderDetail(c *web.Ctx, id int64, status int, alert string) error {
	ctx := c.R.Context()
	o, err := h.store.Get(ctx, id)
	if err != nil {
		return err
	}
	ancestors, err := h.store.Ancestors(ctx, id)
	if err != nil {
		return err
	}
	kids, err := h.store.Children(ctx, id)
	if err != nil {
		return err
	}
	hist, err := h.store.History(ctx, id)
	if err != nil {
		return err
	}
	edit := can(c, "org.edit")
	more := max(len(kids)-detailChildren, 0)
	kids = kids[:len(kids)-more]
	v := &detailView{Org: o, Children: kids, More: more, History: hist, CanEdit: edit,
		CanAdd:    edit && o.Status == StatusActive && len(childLevels(o.Level)) > 0,
		CanChange: edit && o.Path != c.Actor.OrgPath, Alert: alert, AlertError: alert != ""}
	return c.RenderPage(status, "org/console/show", &web.Page{Title: o.Name, Crumbs: crumbs(c, ancestors, o), Data: v})
}

// detailRefused re-renders the detail page with the store's refusal as an alert;
// not-found and internal errors go to the shell's error page.
func (h *Handlers) detailRefused(c *web.Ctx, id int64, err error) error {
	e, ok := platform.AsError(err)
	if !ok || e.Code == platform.CodeNotFound || e.Code == platform.CodeInternal {
		return err
	}
	return h.renderDetail(c, id, refusalStatus(e.Code), errorText(c, e))
}

// errorText is the user's sentence for e: its message, or its first field message
// when the message is only the generic "correct the fields".
func errorText(c *web.Ctx, e *platform.Error) string {
	if e.Message != "err.invalid" || len(e.Fields) == 0 {
		return c.T(e.Message, e.Args...)
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return c.T(e.Fields[keys[0]])
}

// childLevels are the levels that may sit under a node of level l.
func childLevels(l Level) []Level {
	var out []Level
	for _, c := range Levels {
		if FitsUnder(c, l) {
			out = append(out, c)
		}
	}
	return out
}

// ---- reads for the pages ----

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
		list, err := s.db.Query(ctx, `SELECT id, name, path FROM orgs WHERE id IN (`+placeholders(len(chunk))+`)`, chunk...)
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
