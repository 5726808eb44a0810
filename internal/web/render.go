package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"zhijia/internal/platform"
)

// Page is what every layout receives; the page's own data is in Data.
type Page struct {
	L       *Localizer
	Title   string
	Actor   *platform.Actor
	CSRF    string
	Demo    bool
	Flash   string
	Menu    []MenuLink
	Crumbs  []Crumb
	Path    string
	Layout  string
	Data    any
	Version string
}

// Crumb is one step of the breadcrumb trail.
type Crumb struct {
	Label string
	Href  string
}

type pageSet struct {
	mu      sync.RWMutex
	layouts []layoutFile
	pages   map[string][2]*template.Template // one per locale, in Locales order
	catalog *Catalog
	samples map[string]any
}

type layoutFile struct{ name, text string }

func newPageSet(c *Catalog) *pageSet {
	return &pageSet{pages: map[string][2]*template.Template{}, samples: map[string]any{}, catalog: c}
}

// staticMessage matches {{.L.T "key"}} and {{$.L.T "key"}} with no arguments.
var staticMessage = regexp.MustCompile(`\{\{\s*\$?\.L\.T\s+"([a-z0-9_.]+)"\s*\}\}`)

// inlineMessages writes each argument-free message straight into the template
// text for one locale, so rendering does not look it up on every request (a
// lookup through the template engine's reflection costs microseconds, and a page
// has dozens). Keys not yet in the catalogue stay as calls, resolved at render.
// Templates quote their attributes, so HTML escaping fits every place a message
// stands.
func inlineMessages(text string, l *Localizer) string {
	return staticMessage.ReplaceAllStringFunc(text, func(m string) string {
		key := staticMessage.FindStringSubmatch(m)[1]
		if !l.Has(key) {
			return m
		}
		return template.HTMLEscapeString(l.T(key))
	})
}

var funcs = template.FuncMap{
	"shanghai": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(platform.Shanghai).Format("2006-01-02 15:04")
	},
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(platform.Shanghai).Format("2006-01-02")
	},
	"add": func(a, b int) int { return a + b },
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
	"fielderr": func(fields map[string]string, name string) string { return fields[name] },
}

func (p *pageSet) addLayouts(fsys fs.FS) {
	for _, dir := range []string{"templates/layout", "templates/partial"} {
		ents, err := fs.ReadDir(fsys, dir)
		if err != nil {
			panic(err)
		}
		for _, e := range ents {
			b, err := fs.ReadFile(fsys, dir+"/"+e.Name())
			if err != nil {
				panic(err)
			}
			p.layouts = append(p.layouts, layoutFile{e.Name(), string(b)})
		}
	}
	p.addPages("shell", fsys, "templates/shell")
}

// addPages parses each .html file under dir with every layout and the
// package's partials (files under dir named "*.partial.html": {{define}}
// blocks its pages share); a template error panics at start-up,
// never at request time.
func (p *pageSet) addPages(prefix string, fsys fs.FS, dir string) {
	partials := p.partials(fsys, dir)
	shared := append(slices.Clone(p.layouts), partials...)
	err := fs.WalkDir(fsys, dir, func(file string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(file, ".html") || strings.HasSuffix(file, partialSuffix) {
			return err
		}
		b, err := fs.ReadFile(fsys, file)
		if err != nil {
			return err
		}
		name := prefix + "/" + strings.TrimSuffix(strings.TrimPrefix(file, dir+"/"), ".html")
		var set [2]*template.Template
		for i, loc := range Locales {
			l := p.catalog.Localizer(loc)
			t := template.New(file).Funcs(funcs)
			for _, lf := range shared {
				template.Must(t.New(lf.name).Parse(inlineMessages(lf.text, l)))
			}
			set[i] = template.Must(t.Parse(inlineMessages(string(b), l)))
		}
		p.mu.Lock()
		p.pages[name] = set
		p.mu.Unlock()
		return nil
	})
	if err != nil {
		panic(fmt.Sprintf("web: pages %s: %v", dir, err))
	}
}

// partialSuffix marks a package's shared blocks (go:embed leaves out "_" files).
const partialSuffix = ".partial.html"

// partials reads a package's shared blocks: the files under dir named "*.partial.html".
func (p *pageSet) partials(fsys fs.FS, dir string) []layoutFile {
	var out []layoutFile
	err := fs.WalkDir(fsys, dir, func(file string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(file, partialSuffix) {
			return err
		}
		b, err := fs.ReadFile(fsys, file)
		if err == nil {
			out = append(out, layoutFile{file, string(b)})
		}
		return err
	})
	if err != nil {
		panic(fmt.Sprintf("web: partials %s: %v", dir, err))
	}
	return out
}

// PageNames lists every registered page, for the render-every-template test.
func (s *Server) PageNames() []string {
	s.pages.mu.RLock()
	defer s.pages.mu.RUnlock()
	out := make([]string, 0, len(s.pages.pages))
	for k := range s.pages.pages {
		out = append(out, k)
	}
	return out
}

// layoutFor picks the layout: the page's folder (console, portal, auth), or for
// shell pages, the part of the site the request is in.
func (c *Ctx) layoutFor(name string) string {
	parts := strings.Split(name, "/")
	if len(parts) > 2 {
		switch parts[1] {
		case "console", "portal", "auth":
			return parts[1] + ".html"
		}
	}
	switch {
	case strings.HasPrefix(c.R.URL.Path, "/portal"):
		return "portal.html"
	case c.Session != nil && c.Session.Kind == "staff" && c.Session.Stage == platform.StageFull:
		return "console.html"
	}
	return "auth.html"
}

// Render draws a page in its layout; data is the page's own.
func (c *Ctx) Render(status int, name string, data any) error {
	return c.RenderPage(status, name, &Page{Data: data})
}

// RenderPage draws a page with title and breadcrumbs set by the handler.
func (c *Ctx) RenderPage(status int, name string, pg *Page) error {
	c.s.pages.mu.RLock()
	set, ok := c.s.pages.pages[name]
	c.s.pages.mu.RUnlock()
	t := set[c.L.i]
	if !ok {
		return fmt.Errorf("web: no page %q", name)
	}
	pg.L, pg.Actor, pg.CSRF, pg.Demo, pg.Path = c.L, c.Actor, c.CSRF(), c.s.Config.Demo, c.R.URL.Path
	pg.Layout = c.layoutFor(name)
	pg.Flash = c.takeFlash()
	if pg.Layout == "console.html" {
		pg.Menu = c.s.menuFor(c)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, pg.Layout, pg); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	h := c.W.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	c.W.WriteHeader(status)
	_, err := c.W.Write(buf.Bytes())
	return err
}

// MenuItem is one entry of the console's left menu; programmes add theirs.
type MenuItem struct {
	Group string // catalogue key of the programme heading
	Label string // catalogue key
	Href  string
	Perm  string
	Order int
}

// MenuLink is a menu entry resolved for one user.
type MenuLink struct {
	Group, Label, Href string
	Active             bool
	First              bool // first of its group: the layout prints the heading
}

// AddMenu registers a console menu entry; a programme with no entries shows nothing.
func (s *Server) AddMenu(items ...MenuItem) { s.menu = append(s.menu, items...) }

func (s *Server) menuFor(c *Ctx) []MenuLink {
	var out []MenuLink
	group := ""
	active, best := -1, 0
	for _, m := range sortedMenu(s.menu) {
		if m.Perm != "" && (s.Can == nil || !s.Can(c.Actor, m.Perm)) {
			continue
		}
		p := c.R.URL.Path
		if (p == m.Href || strings.HasPrefix(p, m.Href+"/")) && len(m.Href) > best {
			active, best = len(out), len(m.Href) // the longest matching link wins
		}
		out = append(out, MenuLink{Group: c.T(m.Group), Label: c.T(m.Label), Href: m.Href, First: m.Group != group})
		group = m.Group
	}
	if active >= 0 {
		out[active].Active = true
	}
	return out
}

func sortedMenu(in []MenuItem) []MenuItem {
	out := append([]MenuItem(nil), in...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Order < out[j-1].Order; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// Sample registers the zero value of a page's view type, for the test that renders
// every page with empty data.
func (s *Server) Sample(page string, zero any) {
	s.pages.mu.Lock()
	s.pages.samples[page] = zero
	s.pages.mu.Unlock()
}

// RenderForTest renders a page with its registered zero view (or nil) and an empty
// actor, for the test that every template copes with empty data.
func (s *Server) RenderForTest(w http.ResponseWriter, r *http.Request, name string) error {
	c := s.newCtx(w, r, Route{})
	c.Actor = &platform.Actor{}
	s.pages.mu.RLock()
	data := s.pages.samples[name]
	s.pages.mu.RUnlock()
	return c.RenderPage(http.StatusOK, name, &Page{Data: data})
}
