package people

import (
	"context"
	"embed"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"zhijia/internal/platform"
	"zhijia/internal/web"
)

//go:embed templates
var templates embed.FS

// Handlers serves the worker registry's console pages and API.
type Handlers struct {
	store *Store
	db    *platform.DB
	clock platform.Clock
}

// Mount adds the registry's pages, menu and API. Lists and details need
// people.view and show masked data; people.edit adds and edits; one clear value at
// a time needs people.reveal and is audited.
func Mount(s *web.Server, store *Store) {
	h := &Handlers{store: store, db: store.db, clock: store.clock}
	s.Catalog.Add(Messages)
	s.AddPages("people", templates, "templates")
	s.Sample("people/console/list", &listView{})
	s.Sample("people/console/show", &showView{W: &Worker{}})
	s.Sample("people/console/form", &formView{})
	s.AddMenu(web.MenuItem{Group: "people.menu_group", Label: "people.menu.workers", Href: "/console/workers", Perm: "people.view", Order: 200})
	s.Console("GET /console/workers", "people.view", h.list)
	s.Console("POST /console/workers/search", "people.view", h.search)
	s.Console("GET /console/workers/new", "people.edit", h.newForm)
	s.Console("POST /console/workers", "people.edit", h.create)
	s.Console("GET /console/workers/{id}", "people.view", h.show)
	s.Console("POST /console/workers/{id}/reveal", "people.reveal", h.reveal)
	s.Console("GET /console/workers/{id}/edit", "people.edit", h.editForm)
	s.Console("POST /console/workers/{id}", "people.edit", h.update)
	mountAPI(s, h)
	mountImport(s, h)
	mountDuplicates(s, h)
	mountExportFull(s, h)
}

func can(c *web.Ctx, perm string) bool {
	s := c.Server()
	return s.Can != nil && s.Can(c.Actor, perm)
}

func detailURL(id int64) string { return "/console/workers/" + strconv.FormatInt(id, 10) }

func crumbs(c *web.Ctx, tail ...web.Crumb) []web.Crumb {
	return append([]web.Crumb{{Label: c.T("people.menu_group")}, {Label: c.T("people.menu.workers"), Href: "/console/workers"}}, tail...)
}

// ---- list ----

type listView struct {
	Rows        []Worker
	QText       string // the search box: empty when the search is by token
	ByNumber    bool   // the search is a whole id or mobile number
	Orgs        []OrgChoice
	Counts      Counts // workers and members in the chosen part of the subtree
	Q           web.ListQuery
	P           web.Pager
	Groups      []Group
	GroupNames  map[string]string
	ModelLevels []ModelLevel
	CanEdit     bool
	FullExport  string // link to the password-protected full export, for people.reveal holders
}

func filterOf(q web.ListQuery) WorkerFilter {
	return WorkerFilter{Q: q.Q, MemberStatus: MemberStatus(q.Get("status")), ModelLevel: q.Get("model"),
		GroupCode: q.Get("group"), Sort: q.Sort, Desc: q.Desc, Limit: q.Limit(), Offset: q.Offset()}
}

func (h *Handlers) list(c *web.Ctx) error {
	ctx := c.R.Context()
	q := c.ParseList("name", "created", "birth")
	f := filterOf(q)
	if f.MemberStatus != "" && f.MemberStatus != Member && f.MemberStatus != NonMember {
		f.MemberStatus = ""
	}
	if !h.narrow(c, q, &f) {
		f.Under = "/none/" // an org outside the scope: nothing
	}
	groups, err := h.store.Groups(ctx)
	if err != nil {
		return err
	}
	if q.Export {
		return h.export(c, f, groups)
	}
	rows, total, err := h.store.FindWorkers(ctx, f)
	if err != nil {
		return err
	}
	v := &listView{Rows: rows, Q: q, P: q.Pager("/console/workers", total), Groups: groups,
		GroupNames: groupNames(c, groups), ModelLevels: ModelLevels(), CanEdit: can(c, "people.edit")}
	if can(c, "people.reveal") {
		v.FullExport = "/console/workers/export-full?" + q.Values.Encode()
	}
	v.QText, v.ByNumber = q.Q, strings.HasPrefix(q.Q, "#")
	if v.ByNumber {
		v.QText = ""
	}
	if v.Orgs, err = h.store.OrgChoices(ctx); err != nil {
		return err
	}
	under := f.Under
	if under == "" {
		under = c.Actor.OrgPath
	}
	if under != "/none/" {
		if v.Counts, err = h.store.SubtreeCounts(ctx, under); err != nil && platform.ErrorCode(err) != platform.CodeNotFound {
			return err
		}
	}
	return c.RenderPage(http.StatusOK, "people/console/list", &web.Page{Title: c.T("people.list.title"),
		Crumbs: []web.Crumb{{Label: c.T("people.menu_group")}, {Label: c.T("people.menu.workers")}}, Data: v})
}

// search is where the filter form posts: it redirects to the list with a whole
// id or mobile number replaced by its search token, so the number never sits in
// a URL (history, links, the referrer).
func (h *Handlers) search(c *web.Ctx) error {
	v := url.Values{}
	for _, name := range []string{"org", "status", "model", "group"} {
		if x := strings.TrimSpace(c.R.PostFormValue(name)); x != "" {
			v.Set(name, x)
		}
	}
	if q := h.store.SearchToken(c.R.PostFormValue("q")); q != "" {
		v.Set("q", q)
	}
	to := "/console/workers"
	if len(v) > 0 {
		to += "?" + v.Encode()
	}
	return c.Redirect(to, "")
}

// narrow reads the org filter (an org id) into f.Under; false when the org is
// unknown or outside the actor's subtree.
func (h *Handlers) narrow(c *web.Ctx, q web.ListQuery, f *WorkerFilter) bool {
	v := q.Get("org")
	if v == "" {
		return true
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return false
	}
	path, ok := h.store.OrgPath(c.R.Context(), id)
	f.Under = path
	return ok
}

// groupNames maps group codes to names in the user's language.
func groupNames(c *web.Ctx, groups []Group) map[string]string {
	out := map[string]string{}
	for _, g := range groups {
		out[g.Code] = g.NameZH
		if c.L.Locale() == "en" {
			out[g.Code] = g.NameEN
		}
	}
	return out
}

// export writes the list, masked, and audits it in its own transaction first.
// auditQuery is the list's filter for the audit log with the search text
// hidden: it may be an id number, a phone or a name.
func auditQuery(v url.Values) string {
	v = maps.Clone(v)
	if v.Get("q") != "" {
		v.Set("q", "***")
	}
	v.Del("export")
	return v.Encode()
}

// ---- detail and reveal ----

type showView struct {
	W         *Worker
	GroupName string
	Revealed  map[string]string // field → clear value, shown once on this response
	CanReveal bool
	CanEdit   bool
}

func (h *Handlers) show(c *web.Ctx) error {
	return h.renderShow(c, http.StatusOK, nil)
}

func (h *Handlers) renderShow(c *web.Ctx, status int, revealed map[string]string) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	ctx := c.R.Context()
	w, err := h.store.GetWorker(ctx, id)
	if err != nil {
		return err
	}
	v := &showView{W: w, Revealed: revealed, CanReveal: can(c, "people.reveal"), CanEdit: can(c, "people.edit")}
	if v.GroupName, err = h.groupName(ctx, c, w.GroupCode); err != nil {
		return err
	}
	return c.RenderPage(status, "people/console/show", &web.Page{Title: MaskName(w.Name),
		Crumbs: crumbs(c, web.Crumb{Label: MaskName(w.Name)}), Data: v})
}

func (h *Handlers) groupName(ctx context.Context, c *web.Ctx, code string) (string, error) {
	if code == "" {
		return "", nil
	}
	groups, err := h.store.Groups(ctx)
	if err != nil {
		return "", err
	}
	return groupNames(c, groups)[code], nil
}

// reveal shows one clear value on the detail page; it is never put in a URL or
// a redirect, and the store audits it before returning it.
func (h *Handlers) reveal(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	field := c.R.URL.Query().Get("field")
	if field == "" {
		field = c.R.PostFormValue("field")
	}
	clear, err := h.store.RevealWorker(c.R.Context(), id, field)
	if err != nil {
		if e, ok := platform.AsError(err); ok && e.Code == platform.CodeInvalid {
			return h.renderShow(c, http.StatusUnprocessableEntity, nil) // no such field: nothing shown
		}
		return err
	}
	c.W.Header().Set("Cache-Control", "no-store")
	return h.renderShow(c, http.StatusOK, map[string]string{field: clear})
}
