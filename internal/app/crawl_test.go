package app_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"

	"zhijia/internal/app"
	"zhijia/internal/app/apptest"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

// The crawl signs in as each kind of user, follows every link the app renders
// (breadth-first, same origin, GET only) in both languages, and fails on what a
// user notices first: a 5xx, a rendered link that leads to a 4xx, a raw catalogue
// key instead of text, or Chinese UI text on an English page.
//
//	go test -count=1 -run TestCrawl ./internal/app/           (SQLite; PostgreSQL too with ZHIJIA_TEST_PG)
//	CRAWL_DUMP=1 go test -v -count=1 -run TestCrawl ./internal/app/
//
// The second prints every page fetched (VISIT) and every run of Han characters
// on en pages (CJK), to review by eye what the checks let through as data.

// crawlMaxPages bounds one role's crawl in one language.
const crawlMaxPages = 400

// crawlVariants bounds how many query strings of one path, and how many records
// of one route pattern (/console/workers/{id}), are fetched: the rest look alike.
const (
	crawlQueryVariants  = 2
	crawlRecordVariants = 3
)

// knownElsewhere lists findings the crawl reports that are known and being fixed
// elsewhere: each entry is "page path pattern|finding" where finding is the raw
// key, CJK text or status the crawl reports. A stale entry fails the test, so
// the list stays honest; it is empty when nothing is outstanding.
var knownElsewhere = []string{}

// crawlDataText is Chinese text on en pages that is data, not UI, though it
// equals a catalogue value: entries are "page path pattern|text". Keep it small.
var crawlDataText = map[string]bool{
	// The demo learning events' titles begin with their kind ("五月风讲堂：…",
	// "主题班会：…"); the check-in page shows the title without the kind.
	"/console/learning/events/{id}/checkin|五月风讲堂": true,
	"/console/learning/events/{id}/checkin|主题班会":  true,
}

type crawlRole struct {
	name  string
	login string // staff username, a worker phone when isWkr, "" for a visitor
	start string // where the crawl begins; a visitor's space-separated pages
	isWkr bool
}

// crawlRoles: the brief's four users, plus the security officer and the auditor
// (accounts, sign-in log and audit pages are theirs alone under the separation
// of duties) and an anonymous visitor (sign-in pages, public notices, /verify).
var crawlRoles = []crawlRole{
	{"city-admin", "city.admin", "/console", false},
	{"district-clerk", "gulou.clerk", "/console", false},
	{"grassroots-clerk", "grass.clerk", "/console", false},
	{"worker", "13900000004", "/portal", true},
	{"city-security", "city.security", "/console", false},
	{"city-auditor", "city.auditor", "/console", false},
	{"visitor", "", "/ /portal/login /relief/notices /verify", false},
}

func TestCrawl_EveryRenderedLink(t *testing.T) {
	if testing.Short() {
		t.Skip("crawl: skipped in -short")
	}
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := crawlEnv(t, db)
		crawlState(t, env)
		chk := newCrawlChecker(t, env)
		for _, lang := range []string{"zh-CN", "en"} {
			for _, role := range crawlRoles {
				t.Run(lang+"/"+role.name, func(t *testing.T) {
					c := crawlSignIn(t, env, role)
					u, _ := url.Parse(env.Server.URL)
					c.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: "lang", Value: lang, Path: "/"}})
					crawl(t, c, role.start, lang, chk)
					// The not-found page is seen too, and must speak the language.
					if r := c.Get("/console/orgs/999999999"); r.Status != http.StatusNotFound && r.Status != http.StatusSeeOther {
						t.Errorf("a missing record: status %d", r.Status)
					} else if r.Status == http.StatusNotFound {
						chk.checkPage(t, "/console/orgs/999999999", lang, r.Body)
					}
				})
			}
		}
		chk.reportStale(t)
	})
}

// crawlState adds, through the app's own pages, the records the demo city lacks
// and whose pages print status labels: a pending and an approved membership
// application (the second worker then has a card and asks to transfer) and a
// queue of possible duplicates from a real scan (of two look-alike workers
// inserted directly, as the access matrix does).
func crawlState(t *testing.T, env *apptest.Env) {
	t.Helper()
	gulou := env.Info.Tree.Gulou
	for _, phone := range []string{"13900000001", "13900000004"} {
		env.Clock.Advance(61 * time.Second)
		w := env.Worker(t, phone)
		if r := w.PostForm("/portal/join", url.Values{"org_id": {fmt.Sprint(gulou)}}); r.Status != http.StatusSeeOther {
			t.Fatalf("join %s: %d %.300s", phone, r.Status, r.Body)
		}
	}
	var appID int64
	err := env.App.DB.QueryRow(context.Background(), `SELECT MAX(id) FROM membership_applications`).Scan(&appID)
	if err != nil {
		t.Fatalf("membership application: %v", err)
	}
	clerk := env.Staff(t, "gulou.clerk")
	clerk.Get(fmt.Sprintf("/console/membership/applications/%d", appID))
	r := clerk.PostForm(fmt.Sprintf("/console/membership/applications/%d/approve", appID), url.Values{"version": {"1"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("approve: %d %.300s", r.Status, r.Body)
	}
	env.Clock.Advance(61 * time.Second)
	member := env.Worker(t, "13900000004")
	member.Get("/portal/transfer")
	r = member.PostForm("/portal/transfer", url.Values{"org_id": {fmt.Sprint(env.Info.Tree.Taijiang)}, "reason": {"换了工作"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("transfer: %d %.300s", r.Status, r.Body)
	}
	now := env.Clock.Now().UTC()
	for range 2 {
		_, err := env.App.DB.Exec(context.Background(), `INSERT INTO workers (city_id, org_id, name, birth_date, created_at, updated_at)
			VALUES (?, ?, '重复测试', '1970-03-03', ?, ?)`, env.Info.Tree.City, gulou, now, now)
		if err != nil {
			t.Fatalf("duplicate worker: %v", err)
		}
	}
	admin := env.Staff(t, "city.admin")
	admin.Get("/console/worker-duplicates")
	if r := admin.PostForm("/console/worker-duplicates/scan", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("duplicate scan: %d %.300s", r.Status, r.Body)
	}
}

func crawlSignIn(t *testing.T, env *apptest.Env, role crawlRole) *apptest.Client {
	switch {
	case role.login == "":
		return env.NewClient(t)
	case role.isWkr:
		env.Clock.Advance(61 * time.Second) // one SMS code a minute per phone
		return env.Worker(t, role.login)
	}
	return env.Staff(t, role.login)
}

// crawlEnv builds the app as `serve --demo` does (SeedDemo), on a small city
// with a small synthetic registry so the crawl finishes well under a minute.
func crawlEnv(t *testing.T, db *platform.DB) *apptest.Env {
	t.Helper()
	keys, err := platform.NewKeyring(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	clock := platform.NewFakeClock(time.Now().UTC().Truncate(time.Second))
	cfg := platform.Config{Demo: true, BaseURL: "http://127.0.0.1", DataDir: t.TempDir(), DemoOrgs: 20, DemoWorkers: 60}
	a := app.New(cfg, db, keys, clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
	info, err := a.SeedDemo(context.Background(), cfg.DemoOrgs)
	if err != nil {
		t.Fatalf("seed demo: %v", err)
	}
	srv := httptest.NewServer(a.Server().Handler())
	t.Cleanup(srv.Close)
	return &apptest.Env{App: a, Server: srv, Clock: clock, Info: info}
}

type crawlLink struct{ path, from string }

// crawl walks breadth-first from start and reports every problem page by page.
func crawl(t *testing.T, c *apptest.Client, start, lang string, chk *crawlChecker) {
	t.Helper()
	var queue []crawlLink
	seen := map[string]bool{}
	for _, p := range strings.Fields(start) {
		queue = append(queue, crawlLink{p, "(start)"})
		seen[p] = true
	}
	variants := map[string]int{}
	pages := 0
	for len(queue) > 0 && pages < crawlMaxPages {
		l := queue[0]
		queue = queue[1:]
		pages++
		r := c.Get(l.path)
		if os.Getenv("CRAWL_DUMP") != "" {
			fmt.Printf("VISIT %s\t%d\t%s\n", t.Name(), r.Status, l.path)
		}
		switch {
		case r.Status >= 300 && r.Status < 400:
			if next, ok := sameOrigin(c.Base, l.path, r.Location); ok && !seen[next] {
				seen[next] = true
				queue = append(queue, crawlLink{next, l.path + " (redirect)"})
			}
			continue
		case r.Status >= 400:
			chk.fail(t, l.path, fmt.Sprintf("status %d", r.Status), "linked from %s: %.300s", l.from, visibleText(r.Body))
			continue
		}
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
			continue
		}
		chk.checkPage(t, l.path, lang, r.Body)
		for _, href := range links(r.Body) {
			next, ok := sameOrigin(c.Base, l.path, href)
			if !ok || seen[next] || skipLink(next) {
				continue
			}
			seen[next] = true
			if k := variantKey(next); k != "" {
				if variants[k]++; variants[k] > variantLimit(next) {
					continue
				}
			}
			queue = append(queue, crawlLink{next, l.path})
		}
	}
	t.Logf("%s: %d pages fetched, %d links left in the queue", lang, pages, len(queue))
}

var hrefRE = regexp.MustCompile(`<a\b[^>]*?\bhref="([^"]*)"`)

func links(body string) []string {
	var out []string
	for _, m := range hrefRE.FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// sameOrigin resolves href against the page and returns its path?query when it
// stays on the app's origin; fragments are dropped.
func sameOrigin(base, page, href string) (string, bool) {
	b, _ := url.Parse(base + page)
	u, err := b.Parse(href)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host != b.Host {
		return "", false
	}
	p := u.EscapedPath()
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p, true
}

func skipLink(p string) bool {
	path, query, _ := strings.Cut(p, "?")
	switch {
	case path == "/logout", strings.HasPrefix(path, "/api/"), strings.HasPrefix(path, "/static/"):
		return true
	case strings.Contains(query, "export=xlsx"), strings.Contains(query, "format=xlsx"):
		return true
	}
	for _, ext := range []string{".png", ".svg", ".xlsx", ".csv", ".css", ".js", ".pdf", ".jpg"} {
		if strings.HasSuffix(path, ext) {
			return true
		}
	}
	return false
}

var numSegRE = regexp.MustCompile(`/[0-9]+(/|$)`)

// variantKey groups links that differ only in their query string or record id.
func variantKey(p string) string {
	path, query, _ := strings.Cut(p, "?")
	if query != "" {
		return "q " + path
	}
	if pat := numSegRE.ReplaceAllString(path, "/{id}$1"); pat != path {
		return "id " + numSegRE.ReplaceAllString(pat, "/{id}$1")
	}
	return ""
}

func variantLimit(p string) int {
	if strings.Contains(p, "?") {
		return crawlQueryVariants
	}
	return crawlRecordVariants
}

var (
	dropRE = regexp.MustCompile(`(?is)<(script|style|code|pre|svg)\b.*?</(script|style|code|pre|svg)>` +
		`|<(option|span|td|b)\b[^>]*\btranslate="no"[^>]*>.*?</(option|span|td|b)>`)
	// zhRecordRE is text the page marks as recorded in Chinese (audit summaries
	// are written once, in zh-CN, as the legal record): not UI, so not an en fault.
	zhRecordRE = regexp.MustCompile(`(?s)<span lang="zh-CN">.*?</span>`)
	tagRE      = regexp.MustCompile(`(?s)<[^>]*>`)
	wsRE       = regexp.MustCompile(`\s+`)
)

// visibleText is what a reader sees: tags, attribute values, scripts and the
// code-like text in <code>/<pre> or marked translate="no" removed, entities decoded.
func visibleText(body string) string {
	s := dropRE.ReplaceAllString(body, " ")
	s = tagRE.ReplaceAllString(s, " ")
	return strings.TrimSpace(wsRE.ReplaceAllString(html.UnescapeString(s), " "))
}

// crawlChecker holds the catalogue's key set and zh texts, and the findings.
type crawlChecker struct {
	keys     map[string]bool
	prefixes map[string]bool
	zh       map[string][]string // an all-Han zh-CN value -> the en texts of its keys
	known    map[string]bool
	used     map[string]bool
	reported map[string]bool // one report per subtest, route pattern and finding
}

// fullwidthRE is English text run into Chinese punctuation ("Scope：").
var fullwidthRE = regexp.MustCompile(`[A-Za-z] ?[：，。；、（）]`)

var keyShapeRE = regexp.MustCompile(`\b[a-z][a-z0-9_]*(\.[a-z0-9_]+)+\b`)

func newCrawlChecker(t *testing.T, env *apptest.Env) *crawlChecker {
	cat := env.App.Server().Catalog
	zh, en := cat.Localizer("zh-CN"), cat.Localizer("en")
	c := &crawlChecker{keys: map[string]bool{}, prefixes: map[string]bool{}, zh: map[string][]string{},
		known: map[string]bool{}, used: map[string]bool{}, reported: map[string]bool{}}
	for _, k := range cat.Keys() {
		c.keys[k] = true
		p, _, _ := strings.Cut(k, ".")
		c.prefixes[p] = true
		if v := zh.T(k); v != en.T(k) && len(cjkRuns(v)) == 1 && cjkRuns(v)[0] == v {
			c.zh[v] = append(c.zh[v], en.T(k))
		}
	}
	for _, k := range knownElsewhere {
		c.known[k] = true
	}
	c.addReferenceLabels(t, env)
	return c
}

// addReferenceLabels adds the bilingual labels that live in reference tables
// (the new-employment groups), which a page must also show in its language.
func (c *crawlChecker) addReferenceLabels(t *testing.T, env *apptest.Env) {
	rows, err := env.App.DB.Query(context.Background(), `SELECT name_zh, name_en FROM new_employment_groups`)
	if err != nil {
		t.Fatalf("reference labels: %v", err)
	}
	defer rows.Close()
	for rows.Next() {
		var zh, en string
		if err := rows.Scan(&zh, &en); err != nil {
			t.Fatal(err)
		}
		c.zh[zh] = append(c.zh[zh], en)
	}
}

// checkPage looks for raw keys in every language and zh UI text on en pages.
func (c *crawlChecker) checkPage(t *testing.T, path, lang, body string) {
	t.Helper()
	text := visibleText(body)
	for _, busy := range []string{"系统繁忙", "The system is busy"} {
		if strings.Contains(text, busy) {
			c.fail(t, path, busy, "an internal error shown with a success status")
		}
	}
	for _, tok := range keyShapeRE.FindAllString(text, -1) {
		p, _, _ := strings.Cut(tok, ".")
		if c.keys[tok] || c.prefixes[p] {
			c.fail(t, path, tok, "raw catalogue key shown in %s: …%s…", lang, around(text, tok))
		}
	}
	if lang != "en" {
		return
	}
	text = visibleText(zhRecordRE.ReplaceAllString(body, " "))
	for _, m := range fullwidthRE.FindAllString(text, -1) {
		p := string([]rune(m)[len([]rune(m))-1])
		c.fail(t, path, p, "Chinese punctuation in English text: …%s…", around(text, m))
	}
	if !strings.Contains(body, `lang="en"`) {
		c.fail(t, path, "not en", "page is not in English with the lang cookie set")
	}
	for _, run := range cjkRuns(text) {
		if os.Getenv("CRAWL_DUMP") != "" {
			fmt.Printf("CJK %s\t%s\t%s\n", pathPattern(path), run, around(text, run))
		}
		if ens, ok := c.zh[run]; ok && !containsAny(text, ens) && !crawlDataText[pathPattern(path)+"|"+run] {
			c.fail(t, path, run, "zh-CN catalogue text on an en page, its English %q absent: …%s…", ens, around(text, run))
		}
	}
}

func containsAny(text string, subs []string) bool {
	for _, s := range subs {
		if strings.Contains(text, s) {
			return true
		}
	}
	return false
}

// around quotes the text near the first occurrence of s, for the failure message.
func around(text, s string) string {
	i := strings.Index(text, s)
	r := []rune(text[:i])
	from := max(0, len(r)-20)
	after := []rune(text[i:])
	return string(r[from:]) + string(after[:min(len(after), len([]rune(s))+20)])
}

// cjkRuns splits s into maximal runs of Han characters.
func cjkRuns(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.Is(unicode.Han, r) })
}

// fail reports one finding unless it is listed in knownElsewhere.
func (c *crawlChecker) fail(t *testing.T, path, finding, format string, args ...any) {
	t.Helper()
	key := pathPattern(path) + "|" + finding
	if c.known[key] {
		c.used[key] = true
		return
	}
	if c.reported[t.Name()+" "+key] {
		return
	}
	c.reported[t.Name()+" "+key] = true
	t.Errorf("%s: %q: %s", path, finding, fmt.Sprintf(format, args...))
}

func pathPattern(p string) string {
	path, _, _ := strings.Cut(p, "?")
	path = numSegRE.ReplaceAllString(path, "/{id}$1")
	return numSegRE.ReplaceAllString(path, "/{id}$1")
}

// reportStale fails on knownElsewhere entries the crawl no longer meets, so the
// list shrinks as the findings are fixed.
func (c *crawlChecker) reportStale(t *testing.T) {
	var stale []string
	for k := range c.known {
		if !c.used[k] {
			stale = append(stale, k)
		}
	}
	sort.Strings(stale)
	if len(stale) > 0 {
		t.Errorf("knownElsewhere entries no longer found (remove them):\n%s", strings.Join(stale, "\n"))
	}
}
