// Package home serves the console's start page and the portal's tabs: the first
// thing a staff member or a worker sees after signing in.
package home

import (
	"embed"
	"net/http"

	"zhijia/internal/org"
	"zhijia/internal/people"
	"zhijia/internal/platform"
	"zhijia/internal/web"
)

//go:embed templates
var templates embed.FS

// Handlers serves the home pages.
type Handlers struct {
	orgs   *org.Store
	people *people.Store
}

// Mount adds the home routes.
func Mount(s *web.Server, orgs *org.Store, registry *people.Store) {
	h := &Handlers{orgs: orgs, people: registry}
	s.Catalog.Add(Messages)
	s.AddPages("home", templates, "templates")
	s.Sample("home/console/index", consoleView{})
	for _, p := range []string{"index", "me"} {
		s.Sample("home/portal/"+p, &platform.Actor{})
	}
	s.Public("GET /{$}", h.root)
	s.Console("GET /console", "", h.console)
	s.Portal("GET /portal", h.portal)
	s.Portal("GET /portal/me", h.tab("home/portal/me", "tab.me"))
}

// root sends each visitor to their own front door.
func (h *Handlers) root(c *web.Ctx) error {
	switch {
	case c.Session != nil && c.Session.Kind == "worker":
		http.Redirect(c.W, c.R, "/portal", http.StatusSeeOther)
	case c.Session != nil && c.Session.Kind == "staff":
		http.Redirect(c.W, c.R, "/console", http.StatusSeeOther)
	default:
		return c.Render(http.StatusOK, "home/welcome", nil)
	}
	return nil
}

type consoleView struct {
	Stats   org.Stats
	Counts  people.Counts // workers and members in the registry
	OrgName string
	Role    string
}

func (h *Handlers) console(c *web.Ctx) error {
	st, err := h.orgs.SubtreeStats(c.R.Context(), c.Actor.OrgPath)
	if err != nil {
		return err
	}
	counts, err := h.people.SubtreeCounts(c.R.Context(), c.Actor.OrgPath)
	if err != nil {
		return err
	}
	v := consoleView{Stats: st, Counts: counts, OrgName: c.Actor.OrgName, Role: "auth.role." + c.Actor.Role}
	return c.RenderPage(http.StatusOK, "home/console/index", &web.Page{Title: c.T("home.console_title"), Data: v})
}

func (h *Handlers) portal(c *web.Ctx) error {
	return c.RenderPage(http.StatusOK, "home/portal/index", &web.Page{Data: c.Actor})
}

func (h *Handlers) tab(page, title string) web.HandlerFunc {
	return func(c *web.Ctx) error {
		return c.RenderPage(http.StatusOK, page, &web.Page{Title: c.T(title), Data: c.Actor})
	}
}
