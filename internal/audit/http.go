package audit

import (
	"embed"
	"fmt"
	"net/http"

	"zhijia/internal/platform"
	"zhijia/internal/web"
)

//go:embed templates
var templates embed.FS

// Handlers serves the audit log pages.
type Handlers struct {
	db    *platform.DB
	clock platform.Clock
}

// Mount adds the audit routes and menu entry to the shell.
func Mount(s *web.Server, db *platform.DB, clock platform.Clock) {
	h := &Handlers{db: db, clock: clock}
	s.Catalog.Add(Messages)
	s.Catalog.Add(ActionMessages)
	s.AddPages("audit", templates, "templates")
	s.Sample("audit/console/list", &listView{})
	s.AddMenu(web.MenuItem{Group: "menu.system", Label: "audit.menu", Href: "/console/audit", Perm: "audit.view", Order: 900})
	s.Console("GET /console/audit", "audit.view", h.list)
}

type listView struct {
	Rows    []Row
	Q       web.ListQuery
	P       web.Pager
	Actions []string
	Orgs    []orgOption
	Errors  map[string]string
	L       *web.Localizer
}

// orgOption is one choice of the org filter: the actor's org and the two levels
// below it (a city auditor picks a district or an industry union).
type orgOption struct {
	ID     int64
	Name   string
	Path   string
	Indent string
}

// orgOptions reads the filter's choices straight from the tree (audit sits below
// org in the kernel, so it queries the table rather than importing the package).
func orgOptions(c *web.Ctx, db *platform.DB) ([]orgOption, error) {
	lo, hi := platform.SubtreeRange(c.Actor.OrgPath)
	var depth int
	if err := db.QueryRow(c.R.Context(), `SELECT depth FROM orgs WHERE id = ?`, c.Actor.OrgID).Scan(&depth); err != nil {
		return nil, nil // no org (system actor): no choices
	}
	rows, err := db.Query(c.R.Context(), `SELECT id, name, path, depth FROM orgs WHERE path >= ? AND path < ? AND depth <= ?
		AND level IN ('city', 'district', 'industry') ORDER BY path LIMIT 200`, lo, hi, depth+1)
	if err != nil {
		return nil, fmt.Errorf("audit: org choices: %w", err)
	}
	defer rows.Close()
	var out []orgOption
	for rows.Next() {
		var o orgOption
		var d int
		if err := rows.Scan(&o.ID, &o.Name, &o.Path, &d); err != nil {
			return nil, err
		}
		if d > depth {
			o.Indent = "　"
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

func (h *Handlers) list(c *web.Ctx) error {
	q := c.ParseList("at")
	f, errs := parseFilter(q)
	f.Limit, f.Offset = q.Limit(), q.Offset()
	var rows []Row
	total := 0
	if len(errs) == 0 {
		var err error
		if rows, total, err = Find(c.R.Context(), h.db, f); err != nil {
			return err
		}
	}
	if q.Export && len(errs) == 0 {
		if !c.Server().Can(c.Actor, "audit.export") {
			return platform.Errorf(platform.CodeForbidden, "err.forbidden")
		}
		return h.export(c, rows, total)
	}
	actions, err := Actions(c.R.Context(), h.db)
	if err != nil {
		return err
	}
	orgs, err := orgOptions(c, h.db)
	if err != nil {
		return err
	}
	v := &listView{Rows: rows, Q: q, P: q.Pager("/console/audit", total), Actions: actions, Orgs: orgs, Errors: errs, L: c.L}
	return c.RenderPage(http.StatusOK, "audit/console/list", &web.Page{Title: c.T("audit.title"),
		Crumbs: []web.Crumb{{Label: c.T("menu.system")}, {Label: c.T("audit.title")}}, Data: v})
}

// parseFilter reads the form; dates are days in Asia/Shanghai.
func parseFilter(q web.ListQuery) (Filter, map[string]string) {
	f := Filter{Actor: q.Get("actor"), Action: q.Get("action"), Under: q.Get("under")}
	var errs map[string]string
	f.From, f.To, errs = q.DayRange("from", "to")
	return f, errs
}

func (h *Handlers) export(c *web.Ctx, rows []Row, total int) error {
	now := h.clock.Now()
	err := RecordTx(c.R.Context(), h.db, now, Entry{Action: "audit.export", EntityType: "audit_log",
		Summary: fmt.Sprintf("导出审计日志 %d 条 filter=%s", total, c.R.URL.RawQuery)})
	if err != nil {
		return err
	}
	head := []string{c.T("audit.col.at"), c.T("audit.col.actor"), c.T("audit.col.org"), c.T("audit.col.action"),
		c.T("audit.col.entity"), c.T("audit.col.summary"), c.T("audit.col.ip"), c.T("audit.col.request"), c.T("audit.col.hash")}
	out := make([][]any, 0, len(rows))
	for _, r := range rows {
		out = append(out, []any{r.At, r.ActorName, r.OrgPath, actionLabel(c.L, r.Action), r.EntityType + " " + r.EntityID,
			r.Summary, r.IP, r.RequestID, r.Hash})
	}
	return c.ExportXLSX(c.T("audit.title"), head, out)
}

// actionLabel names an action in the reader's language ("登录 auth.login"), or
// gives its code where the catalogue has no name for it.
func actionLabel(l *web.Localizer, code string) string {
	if name := actionName(l, code); name != "" {
		return name + " " + code
	}
	return code
}

// actionName is the action's name in the reader's language, "" where it has none.
func actionName(l *web.Localizer, code string) string {
	if key := "audit.action." + code; l.Has(key) {
		return l.T(key)
	}
	return ""
}

// ActionName is the action's name alone, "" where it has none.
func (v *listView) ActionName(code string) string { return actionName(v.L, code) }
