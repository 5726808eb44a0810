package dashboard

import (
	"embed"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"zhijia/internal/platform"
	"zhijia/internal/web"
)

//go:embed templates static
var assets embed.FS

// Permissions the dashboard's routes need (held in auth's role table).
const (
	PermView  = "dashboard.view"
	PermClose = "dashboard.close"
)

// Handlers serves the dashboard pages.
type Handlers struct{ store *Store }

// Mount adds the dashboard's routes, pages, menu entry and the figures'
// catalogue entries.
func Mount(s *web.Server, store *Store) {
	h := &Handlers{store: store}
	s.Catalog.Add(Messages)
	for _, m := range store.reg.messages {
		s.Catalog.Add(m)
	}
	s.AddPages("dashboard", assets, "templates")
	s.Sample("dashboard/console/board", &boardView{Board: &Board{}})
	s.Sample("dashboard/console/drill", &drillView{Drill: &Drill{}})
	s.Sample("dashboard/console/report", &boardView{Board: &Board{}})
	s.AddMenu(web.MenuItem{Group: "dashboard.menu_group", Label: "dashboard.menu.board", Href: "/console/dashboard", Perm: PermView, Order: 50})
	s.Public("GET /dashboard/static/{file}", h.static)
	s.Console("GET /console/dashboard", PermView, h.board)
	s.Console("GET /console/dashboard/export", PermView, h.export)
	s.Console("GET /console/dashboard/report", PermView, h.report)
	s.Console("GET /console/dashboard/figure", PermView, h.drill)
	s.Console("POST /console/dashboard/close", PermClose, h.closeYear)
}

// scope reads ?org= (default: the actor's own org) and ?year= (default: this
// year). An org outside the actor's subtree is not found; a year that is not a
// number from 2000 to this year shows this year with a message.
func (h *Handlers) scope(c *web.Ctx) (Org, int, string, error) {
	id := c.Actor.OrgID
	if v := strings.TrimSpace(c.R.URL.Query().Get("org")); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return Org{}, 0, "", platform.NotFound
		}
		id = n
	}
	o, err := h.store.Org(c.R.Context(), id)
	if err != nil {
		return Org{}, 0, "", err
	}
	year, alert := h.store.CurrentYear(), ""
	if v := strings.TrimSpace(c.R.URL.Query().Get("year")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 2000 || n > year {
			alert = c.T("dashboard.err.year", year)
		} else {
			year = n
		}
	}
	return o, year, alert, nil
}

type boardView struct {
	Board       *Board
	Alert       string
	Years       []int
	Crumbs      []web.Crumb
	CanClose    bool
	CloseYear   int
	Export      string
	Report      string
	Federation  string
	GeneratedAt string
	UpdatedAt   string // when the live figures were computed, "15:04"
}

func (h *Handlers) board(c *web.Ctx) error {
	v, err := h.boardView(c)
	if err != nil {
		return err
	}
	return c.RenderPage(http.StatusOK, "dashboard/console/board", &web.Page{Title: c.T("dashboard.title"), Crumbs: v.Crumbs, Data: v})
}

func (h *Handlers) boardView(c *web.Ctx) (*boardView, error) {
	o, year, alert, err := h.scope(c)
	if err != nil {
		return nil, err
	}
	b, err := h.store.Board(c.R.Context(), o, year, c.T)
	if err != nil {
		return nil, err
	}
	v := &boardView{Board: b, Alert: alert, CloseYear: h.store.CurrentYear() - 1,
		CanClose: c.Server().Can(c.Actor, PermClose) && strings.Count(c.Actor.OrgPath, "/") == 2,
		Export:   strings.Replace(DashboardURL(o.ID, year), "/console/dashboard?", "/console/dashboard/export?", 1),
		Report:   strings.Replace(DashboardURL(o.ID, year), "/console/dashboard?", "/console/dashboard/report?", 1)}
	for y := h.store.CurrentYear(); y >= h.store.CurrentYear()-5; y-- {
		v.Years = append(v.Years, y)
	}
	v.Crumbs, err = h.crumbs(c, o, year)
	if err != nil {
		return nil, err
	}
	v.Federation = v.Crumbs[0].Label
	v.GeneratedAt = h.store.clock.Now().In(platform.Shanghai).Format("2006-01-02 15:04")
	if !b.UpdatedAt.IsZero() {
		v.UpdatedAt = b.UpdatedAt.In(platform.Shanghai).Format("15:04")
	}
	return v, nil
}

// crumbs: the org's ancestors in scope, each linking to its dashboard.
func (h *Handlers) crumbs(c *web.Ctx, o Org, year int) ([]web.Crumb, error) {
	up, err := h.store.Ancestors(c.R.Context(), o)
	if err != nil {
		return nil, err
	}
	var out []web.Crumb
	for _, a := range up {
		out = append(out, web.Crumb{Label: a.Name, Href: DashboardURL(a.ID, year)})
	}
	return append(out, web.Crumb{Label: o.Name, Href: DashboardURL(o.ID, year)}), nil
}

func (h *Handlers) report(c *web.Ctx) error {
	v, err := h.boardView(c)
	if err != nil {
		return err
	}
	return c.RenderPage(http.StatusOK, "dashboard/console/report", &web.Page{Title: c.T("dashboard.report.title", v.Board.Org.Name, v.Board.Year), Crumbs: v.Crumbs, Data: v})
}

type drillView struct {
	Drill       *Drill
	Label, Unit string
	TotalText   string
	PrevText    string
	Change      string
	List        string
	Bars, Lines template.HTML
	Export      string
	Alert       string
	K           int
}

func (h *Handlers) drill(c *web.Ctx) error {
	key := c.R.URL.Query().Get("key")
	if key == "" {
		return c.Redirect("/console/dashboard", "")
	}
	f, ok := h.store.reg.Figure(key)
	if !ok {
		return platform.NotFound
	}
	o, year, alert, err := h.scope(c)
	if err != nil {
		return err
	}
	d, err := h.store.DrillDown(c.R.Context(), f, o, year)
	if err != nil {
		return err
	}
	if c.R.URL.Query().Get("export") == "xlsx" {
		return h.exportDrill(c, d)
	}
	v := h.drillView(c, d)
	v.Alert = alert
	crumbs, err := h.crumbs(c, o, year)
	if err != nil {
		return err
	}
	crumbs = append(crumbs, web.Crumb{Label: v.Label})
	return c.RenderPage(http.StatusOK, "dashboard/console/drill", &web.Page{Title: v.Label + " - " + o.Name, Crumbs: crumbs, Data: v})
}

func (h *Handlers) drillView(c *web.Ctx, d *Drill) *drillView {
	f := d.Figure
	v := &drillView{Drill: d, Label: c.T(f.Label), Unit: c.T("dashboard.unit." + string(f.Unit)),
		TotalText: Format(f.Unit, d.Total), PrevText: Format(f.Unit, d.Prev), Change: Change(f.Unit, d.Total, d.Prev),
		Export: DrillURL(f.Key, d.Org.ID, d.Year) + "&export=xlsx", K: h.store.k}
	if f.List != nil {
		v.List = f.List(d.Org, d.Year)
	}
	keys := [2]string{c.T("dashboard.year_n", d.Year), c.T("dashboard.year_n", d.Year-1)}
	bars := make([]Bar, 0, len(d.Rows))
	for _, r := range d.Rows {
		name := r.Org.Name
		if r.Direct {
			name = c.T("dashboard.direct")
		}
		bars = append(bars, Bar{Label: name, Cur: r.Cell, Prev: r.PrevCell})
	}
	if len(bars) > 0 {
		v.Bars = BarsSVG("bars", v.Label, keys, bars, func(cl Cell) string { return h.store.CellText(f, cl) })
	}
	if d.Monthly != nil && h.monthsShown(f, d) {
		months := make([]string, 12)
		for i := range months {
			months[i] = c.T("dashboard.month_n", i+1)
		}
		v.Lines = LinesSVG(v.Label, keys, months, d.Monthly, d.PrevMonthly)
	}
	return v
}

// monthsShown: a masked figure's months are breakdown cells too; the line chart
// is left out when a month would describe fewer than k people.
func (h *Handlers) monthsShown(f Figure, d *Drill) bool {
	if !f.Masked {
		return true
	}
	if f.People != nil {
		return false // money by month would need people by month; the bars suffice
	}
	for _, series := range [][]int64{d.Monthly, d.PrevMonthly} {
		for _, v := range series {
			if v > 0 && v < int64(h.store.k) {
				return false
			}
		}
	}
	return true
}

func (h *Handlers) closeYear(c *web.Ctx) error {
	year, err := strconv.Atoi(strings.TrimSpace(c.R.PostFormValue("year")))
	if err != nil {
		year = 0
	}
	if err := h.store.CloseYear(c.R.Context(), year); err != nil {
		to := DashboardURL(c.Actor.OrgID, h.store.CurrentYear())
		e, ok := platform.AsError(err)
		if !ok {
			return err
		}
		key := e.Message
		for _, m := range e.Fields {
			key = m
		}
		return c.Redirect(to, key)
	}
	return c.Redirect(DashboardURL(c.Actor.OrgID, year), "dashboard.flash.closed")
}

// static serves the dashboard's style sheet (screen and print).
func (h *Handlers) static(c *web.Ctx) error {
	if c.R.PathValue("file") != "dashboard.css" {
		return platform.NotFound
	}
	b, err := assets.ReadFile("static/dashboard.css")
	if err != nil {
		return platform.NotFound
	}
	c.W.Header().Set("Content-Type", "text/css; charset=utf-8")
	c.W.Header().Set("Cache-Control", "public, max-age=300")
	_, err = c.W.Write(b)
	return err
}
