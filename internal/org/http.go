package org

import (
	"embed"
	"net/http"
	"sort"
	"strconv"
	"strings"

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
