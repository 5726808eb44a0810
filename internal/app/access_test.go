package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"zhijia/internal/app/apptest"
	"zhijia/internal/auth"
	"zhijia/internal/people"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
	"zhijia/internal/web"
)

// accessRow says who may call one route: staff holding Perm ("" = any staff),
// and, when the route names a record ({id}), only within the actor's subtree.
// Every mounted route must have a row; later programmes add theirs here.
type accessRow struct {
	Pattern string
	Perm    string
	Entity  string // what {id} names: "org", "account", "token" (an API token of another account), "worker", or "" for no id
}

var accessMatrix = []accessRow{
	// shell, sign-in and portal: checked for anonymous and worker visitors
	{"GET /static/", "", ""}, {"GET /healthz", "", ""}, {"GET /readyz", "", ""}, {"GET /metrics", "", ""},
	{"GET /api/v1/openapi.json", "", ""}, {"POST /lang", "", ""}, {"GET /{$}", "", ""},
	{"GET /login", "", ""}, {"POST /login", "", ""}, {"GET /login/next", "", ""}, {"GET /login/totp", "", ""},
	{"POST /login/totp", "", ""}, {"GET /login/enrol", "", ""}, {"POST /login/enrol", "", ""},
	{"GET /login/password", "", ""}, {"POST /login/password", "", ""}, {"POST /logout", "", ""},
	{"GET /portal/login", "", ""}, {"POST /portal/login/code", "", ""}, {"POST /portal/login", "", ""},
	{"GET /portal", "", ""}, {"GET /portal/services", "", ""}, {"GET /portal/learning", "", ""}, {"GET /portal/me", "", ""},
	// console
	{"GET /console", "", ""},
	{"GET /console/audit", "audit.view", ""},
	{"GET /console/orgs/tree", "org.view", ""},
	{"GET /console/orgs", "org.view", ""},
	{"GET /console/orgs/new", "org.edit", ""},
	{"POST /console/orgs", "org.edit", ""},
	{"GET /console/orgs/{id}", "org.view", "org"},
	{"GET /console/orgs/{id}/edit", "org.edit", "org"},
	{"POST /console/orgs/{id}", "org.edit", "org"},
	{"GET /console/orgs/{id}/move", "org.edit", "org"},
	{"POST /console/orgs/{id}/move", "org.edit", "org"},
	{"GET /console/orgs/{id}/close", "org.edit", "org"},
	{"POST /console/orgs/{id}/close", "org.edit", "org"},
	{"POST /console/orgs/{id}/reopen", "org.edit", "org"},
	{"POST /console/orgs/{id}/delete", "org.edit", "org"},
	{"GET /console/workers", "people.view", ""},
	{"POST /console/workers/search", "people.view", ""},
	{"GET /console/workers/export-full", "people.reveal", ""},
	{"POST /console/workers/export-full", "people.reveal", ""},
	{"GET /console/workers/new", "people.edit", ""},
	{"POST /console/workers", "people.edit", ""},
	{"GET /console/workers/{id}", "people.view", "worker"},
	{"POST /console/workers/{id}/reveal", "people.reveal", "worker"},
	{"GET /console/workers/{id}/edit", "people.edit", "worker"},
	{"POST /console/workers/{id}", "people.edit", "worker"},
	{"GET /console/workers/import", "people.edit", ""},
	{"GET /console/workers/import/template", "people.edit", ""},
	{"POST /console/workers/import", "people.edit", ""},
	{"GET /console/worker-imports/{id}", "people.edit", "import_job"},
	{"GET /console/worker-imports/{id}/progress", "people.edit", "import_job"},
	{"GET /console/worker-imports/{id}/errors.xlsx", "people.edit", "import_job"},
	{"GET /console/worker-duplicates", "people.edit", ""},
	{"POST /console/worker-duplicates/scan", "people.edit", ""},
	{"GET /console/worker-duplicates/{id}", "people.edit", "duplicate"},
	{"POST /console/worker-duplicates/{id}/merge", "people.edit", "duplicate"},
	{"POST /console/worker-duplicates/{id}/dismiss", "people.edit", "duplicate"},
	{"GET /console/accounts", "account.view", ""},
	{"GET /console/accounts/new", "account.edit", ""},
	{"POST /console/accounts", "account.edit", ""},
	{"GET /console/accounts/{id}", "account.view", "account"},
	{"GET /console/accounts/{id}/edit", "account.edit", "account"},
	{"POST /console/accounts/{id}/edit", "account.edit", "account"},
	{"POST /console/accounts/{id}/reset-password", "account.edit", "account"},
	{"POST /console/accounts/{id}/unlock", "account.edit", "account"},
	{"POST /console/accounts/{id}/disable", "account.edit", "account"},
	{"POST /console/accounts/{id}/enable", "account.edit", "account"},
	{"POST /console/accounts/{id}/reset-totp", "account.edit", "account"},
	{"GET /console/login-attempts", "account.view", ""},
	{"GET /console/tokens", "", ""},
	{"POST /console/tokens", "", ""},
	// {id} is another account's token: only security administrators in scope may revoke it
	{"POST /console/tokens/{id}/revoke", "account.edit", "token"},
	{"GET /console/password", "", ""},
	{"POST /console/password", "", ""},
	// membership: {id} is an application or a transfer to a union in the target org
	{"GET /portal/membership", "", ""}, {"GET /portal/join", "", ""}, {"POST /portal/join", "", ""},
	{"POST /portal/join/withdraw", "", ""}, {"GET /portal/card", "", ""}, {"GET /portal/transfer", "", ""},
	{"POST /portal/transfer", "", ""}, {"POST /portal/transfer/cancel", "", ""}, {"GET /verify", "", ""}, {"GET /verify/key.json", "", ""}, {"GET /sw.js", "", ""},
	{"GET /console/membership/applications", "people.view", ""},
	{"GET /console/membership/applications/new", "people.edit", ""},
	{"POST /console/membership/applications", "people.edit", ""},
	{"GET /console/membership/applications/{id}", "people.view", "application"},
	{"POST /console/membership/applications/{id}/approve", "people.edit", "application"},
	{"POST /console/membership/applications/{id}/decline", "people.edit", "application"},
	{"GET /console/membership/transfers", "people.view", ""},
	{"GET /console/membership/transfers/new", "people.edit", ""},
	{"POST /console/membership/transfers", "people.edit", ""},
	{"GET /console/membership/transfers/{id}", "people.view", "transfer"},
	{"POST /console/membership/transfers/{id}/accept", "people.edit", "transfer"},
	{"POST /console/membership/transfers/{id}/decline", "people.edit", "transfer"},
	{"GET /api/v1/membership/applications", "people.view", ""},
	{"POST /api/v1/membership/applications", "people.edit", ""},
	{"GET /api/v1/membership/applications/{id}", "people.view", "application"},
	{"GET /api/v1/membership/cards/{id}", "people.view", "worker"},
	{"POST /api/v1/membership/applications/{id}/approve", "people.edit", "application"},
	{"POST /api/v1/membership/applications/{id}/decline", "people.edit", "application"},
	{"GET /api/v1/membership/transfers", "people.view", ""},
	{"POST /api/v1/membership/transfers", "people.edit", ""},
	{"POST /api/v1/membership/transfers/{id}/accept", "people.edit", "transfer"},
	{"POST /api/v1/membership/transfers/{id}/decline", "people.edit", "transfer"},
	// a worker's own client: sign-in for a token, then /api/v1/my/ with it
	{"POST /api/v1/worker/sms-code", "", ""}, {"POST /api/v1/worker/token", "", ""},
	{"GET /api/v1/my", "", ""}, {"POST /api/v1/my/token/revoke", "", ""},
	{"GET /api/v1/my/membership", "", ""}, {"GET /api/v1/my/membership/unions", "", ""},
	{"POST /api/v1/my/membership/join", "", ""}, {"POST /api/v1/my/membership/withdraw", "", ""},
	{"GET /api/v1/my/membership/card", "", ""}, {"POST /api/v1/my/membership/transfer", "", ""},
	{"POST /api/v1/my/membership/transfer/cancel", "", ""},
	// API (bearer tokens)
	{"GET /api/v1/me", "", ""},
	{"GET /api/v1/orgs", "org.view", ""},
	{"GET /api/v1/orgs/{id}", "org.view", "org"},
	{"GET /api/v1/orgs/{id}/stats", "org.view", "org"},
	{"POST /api/v1/orgs", "org.edit", ""},
	{"GET /api/v1/workers", "people.view", ""},
	{"GET /api/v1/workers/{id}", "people.view", "worker"},
}

// matrixTargets makes, per entity a programme's routes name by {id}, one record
// for each of the four targets ("own", "child", "sibling", "parent"). A
// programme's access file adds its rows to accessMatrix and its entities here,
// in an init function, so programmes never edit this file to join the matrix.
var matrixTargets = map[string]func(t *testing.T, env *apptest.Env) map[string]int64{}

// where names the four targets of a scoped route, seen from a district actor.
var where = []string{"own", "child", "sibling", "parent"}

type matrixEnv struct {
	env     *apptest.Env
	staff   map[auth.Role]*apptest.Client
	tokens  map[auth.Role]string
	targets map[string]map[string]int64 // entity -> where -> id
	worker  *apptest.Client
	// workerToken is a worker's bearer token, for the /api/v1/my/ routes
	workerToken string
}

// TestAccessMatrix runs every mounted route × every role × (own org, a child, a
// sibling, the parent) and checks allowed or denied against the table.
func TestAccessMatrix(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		m := newMatrixEnv(t, db)
		checkEveryRouteHasARow(t, m.env.App.Server().Routes())
		for _, row := range accessMatrix {
			rt := findRoute(m.env.App.Server().Routes(), row.Pattern)
			if rt.Access == web.WorkerAPI {
				checkWorkerAPI(t, m, row, rt)
			}
			if rt.Access != web.Staff && rt.Access != web.API {
				checkVisitors(t, m, row, rt)
				continue
			}
			for _, role := range auth.Roles() {
				for _, w := range targetsFor(row) {
					want := (row.Perm == "" || auth.Can(&platform.Actor{Kind: "staff", Role: string(role)}, auth.Perm(row.Perm))) &&
						(w == "" || w == "own" || w == "child")
					got, status := m.call(t, rt, role, row, w)
					if got != want {
						t.Errorf("%s as %s on %s target: allowed=%v (HTTP %d), want allowed=%v", row.Pattern, role, w, got, status, want)
					}
				}
			}
			checkVisitors(t, m, row, rt)
		}
	})
}

func targetsFor(row accessRow) []string {
	if row.Entity == "" {
		return []string{""}
	}
	return where
}

func newMatrixEnv(t *testing.T, db *platform.DB) *matrixEnv {
	env := apptest.New(t, db)
	tree := env.Info.Tree
	ctx := context.Background()
	gulou, taijiang := tree.Districts["350102"], tree.Districts["350103"]
	extra := []auth.DemoAccount{
		{Username: "gulou.security", Password: "Demo@2026", Name: "安全", Role: auth.RoleSecurity, OrgID: gulou},
		{Username: "gulou.expert", Password: "Demo@2026", Name: "专家", Role: auth.RoleExpert, OrgID: gulou},
		{Username: "t.own", Password: "Demo@2026", Name: "甲", Role: auth.RoleClerk, OrgID: gulou},
		{Username: "t.child", Password: "Demo@2026", Name: "乙", Role: auth.RoleClerk, OrgID: tree.Gulou},
		{Username: "t.sibling", Password: "Demo@2026", Name: "丙", Role: auth.RoleClerk, OrgID: taijiang},
		{Username: "t.parent", Password: "Demo@2026", Name: "丁", Role: auth.RoleClerk, OrgID: tree.City},
	}
	if _, err := env.App.Auth.SeedDemoAccounts(ctx, extra); err != nil {
		t.Fatal(err)
	}
	users := map[auth.Role]string{auth.RoleAdmin: "gulou.admin", auth.RoleSecurity: "gulou.security",
		auth.RoleAuditor: "gulou.auditor", auth.RoleClerk: "gulou.clerk", auth.RoleReviewer: "gulou.reviewer", auth.RoleExpert: "gulou.expert"}
	m := &matrixEnv{env: env, staff: map[auth.Role]*apptest.Client{}, tokens: map[auth.Role]string{},
		targets: map[string]map[string]int64{
			"org":     {"own": gulou, "child": tree.Gulou, "sibling": taijiang, "parent": tree.City},
			"account": {},
			"token":   {},
			"worker":  matrixWorkers(t, env, map[string]int64{"own": gulou, "child": tree.Gulou, "sibling": taijiang, "parent": tree.City}),
		}}
	m.targets["application"], m.targets["transfer"] = membershipTargets(t, env)
	m.targets["duplicate"] = duplicateTargets(t, env)
	for entity, mk := range matrixTargets {
		m.targets[entity] = mk(t, env)
	}
	sys := platform.WithActor(ctx, platform.System("test"))
	ids := map[string]int64{}
	accs, _, err := env.App.Auth.FindAccounts(sys, auth.AccountFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accs {
		ids[a.Username] = a.ID
	}
	for _, w := range where {
		m.targets["account"][w] = ids["t."+w]
		tok, err := env.App.Auth.CreateAPIToken(sys, ids["t."+w], "matrix target", 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		list, err := env.App.Auth.ListAPITokens(sys, ids["t."+w])
		if err != nil || len(list) != 1 || tok == "" {
			t.Fatalf("token target %s: %v", w, err)
		}
		m.targets["token"][w] = list[0].ID
	}
	for role, u := range users {
		m.staff[role] = env.Staff(t, u)
		actor := platform.WithActor(ctx, &platform.Actor{Kind: "staff", AccountID: ids[u], Role: string(role), OrgID: gulou})
		tok, err := env.App.Auth.CreateAPIToken(actor, ids[u], "matrix", 24*time.Hour)
		if err != nil {
			t.Fatalf("token for %s: %v", u, err)
		}
		m.tokens[role] = tok
	}
	return m
}

// matrixWorkers registers one worker per target: in a grassroots union under
// each of the four orgs (the parent's is a union of an industry under the city,
// outside 鼓楼; "own" is a 鼓楼 union other than the child's).
func matrixWorkers(t *testing.T, env *apptest.Env, orgs map[string]int64) map[string]int64 {
	t.Helper()
	sys := platform.WithActor(context.Background(), platform.System("test"))
	out := map[string]int64{}
	for i, w := range where {
		union := grassrootsUnder(t, env, orgs[w], w)
		body := fmt.Sprintf("35010219800101%d91", i+1)
		wk, err := env.App.People.CreateWorker(sys, people.WorkerInput{OrgID: union, Name: "矩阵" + w,
			IDNumber: body + string(people.CheckChar(body))})
		if err != nil {
			t.Fatalf("matrix worker %s: %v", w, err)
		}
		out[w] = wk.ID
	}
	return out
}

// grassrootsUnder finds an active grassroots union whose path holds orgID and, for
// "own" and "parent", lies outside the child union and outside 鼓楼 respectively.
func grassrootsUnder(t *testing.T, env *apptest.Env, orgID int64, w string) int64 {
	t.Helper()
	ctx := context.Background()
	var path string
	if err := env.App.DB.QueryRow(ctx, `SELECT path FROM orgs WHERE id = ?`, orgID).Scan(&path); err != nil {
		t.Fatal(err)
	}
	var gulouPath string
	if err := env.App.DB.QueryRow(ctx, `SELECT path FROM orgs WHERE id = ?`, env.Info.Tree.Districts["350102"]).Scan(&gulouPath); err != nil {
		t.Fatal(err)
	}
	rows, err := env.App.DB.Query(ctx, `SELECT id, path FROM orgs WHERE level = 'grassroots' AND status = 'active' AND path LIKE ? ORDER BY id`, path+"%")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var p string
		if err := rows.Scan(&id, &p); err != nil {
			t.Fatal(err)
		}
		switch {
		case w == "own" && id == env.Info.Tree.Gulou, w == "parent" && strings.HasPrefix(p, gulouPath):
			continue
		}
		return id
	}
	t.Fatalf("no grassroots union under %s", path)
	return 0
}

// call makes the request and classifies it: denied is 401, 403, 404 or a
// redirect to a sign-in page; a 5xx fails the test outright.
func (m *matrixEnv) call(t *testing.T, rt web.Route, role auth.Role, row accessRow, w string) (bool, int) {
	t.Helper()
	path := rt.Path()
	if w != "" {
		path = strings.Replace(path, "{id}", fmt.Sprint(m.targets[row.Entity][w]), 1)
	}
	if row.Entity == "import_job" { // owner-only: "own" and "child" are the caller's jobs
		path = strings.Replace(rt.Path(), "{id}", fmt.Sprint(m.importJob(t, role, w)), 1)
	}
	c := m.staff[role]
	var r *apptest.Response
	switch {
	case rt.Access == web.API:
		var body *strings.Reader
		if rt.Method() == http.MethodPost {
			body = strings.NewReader(`{}`)
		} else {
			body = strings.NewReader("")
		}
		req, _ := http.NewRequest(rt.Method(), c.Base+path, body)
		req.Header.Set("Authorization", "Bearer "+m.tokens[role])
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", fmt.Sprintf("matrix-%s-%s-%s", role, row.Pattern, w))
		r = c.Do(req)
	case rt.Method() == http.MethodPost:
		r = c.PostForm(path, url.Values{})
	default:
		r = c.Get(path)
	}
	if r.Status >= 500 {
		t.Errorf("%s %s as %s: HTTP %d", rt.Method(), path, role, r.Status)
	}
	return !denied(r), r.Status
}

func denied(r *apptest.Response) bool {
	switch r.Status {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound:
		return true
	case http.StatusSeeOther, http.StatusFound:
		return strings.HasPrefix(r.Location, "/login") || strings.HasPrefix(r.Location, "/portal/login")
	}
	return false
}

// checkVisitors: anonymous visitors and signed-in workers reach public and
// sign-in pages; only workers reach the portal; neither reaches console or API.
func checkVisitors(t *testing.T, m *matrixEnv, row accessRow, rt web.Route) {
	path := strings.Replace(rt.Path(), "{id}", fmt.Sprint(m.targets["org"]["own"]), 1)
	path = strings.TrimSuffix(strings.Replace(path, "{$}", "", 1), "/")
	if path == "" || rt.Pattern == "GET /static/" {
		path = "/static/app.css"
		if rt.Pattern == "GET /{$}" {
			path = "/"
		}
	}
	for _, who := range []string{"anonymous", "worker"} {
		c := m.env.NewClient(t)
		if who == "worker" {
			if m.worker == nil {
				m.env.Clock.Advance(61 * time.Second) // one SMS code a minute per phone
				m.worker = m.env.Worker(t, "13900000002")
			}
			c = m.worker
		}
		var r *apptest.Response
		if rt.Method() == http.MethodPost {
			r = c.PostForm(path, url.Values{})
		} else {
			r = c.Get(path)
		}
		if r.Status >= 500 {
			t.Errorf("%s as %s: HTTP %d", row.Pattern, who, r.Status)
		}
		wantDenied := rt.Access == web.Staff || rt.Access == web.API || rt.Access == web.StaffPending ||
			rt.Access == web.WorkerAPI || (rt.Access == web.Worker && who == "anonymous")
		if rt.Pattern == "POST /logout" && who == "worker" {
			m.worker = nil // signed out: sign in again next time
		}
		if rt.Access == web.Public {
			if r.Status == http.StatusForbidden || (r.Status == http.StatusSeeOther && denied(r) && rt.Pattern != "POST /logout") {
				t.Errorf("%s as %s: public route refused: HTTP %d → %q", row.Pattern, who, r.Status, r.Location)
			}
			continue
		}
		if denied(r) != wantDenied {
			t.Errorf("%s as %s: HTTP %d → %q, want denied=%v", row.Pattern, who, r.Status, r.Location, wantDenied)
		}
	}
}

// checkWorkerAPI calls a worker's API route with a staff client's token (refused)
// and with a worker's token (let through: any answer but 401 and 403; a 404 may
// mean "you have none", and a 4xx the empty body's fault).
func checkWorkerAPI(t *testing.T, m *matrixEnv, row accessRow, rt web.Route) {
	if m.workerToken == "" {
		m.workerToken = m.env.WorkerToken(t, "13900000003")
	}
	body := ""
	if rt.Method() == http.MethodPost {
		body = "{}"
	}
	key := "matrix-" + row.Pattern
	for _, tok := range []string{m.tokens[auth.RoleAdmin], m.workerToken} {
		r := m.env.API(t, tok, rt.Method(), rt.Path(), key, body)
		switch {
		case r.Status >= 500:
			t.Errorf("%s: HTTP %d", row.Pattern, r.Status)
		case tok == m.workerToken && (r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden):
			t.Errorf("%s with a worker token: HTTP %d, want it let through", row.Pattern, r.Status)
		case tok != m.workerToken && r.Status != http.StatusUnauthorized:
			t.Errorf("%s with a staff client's token: HTTP %d, want 401", row.Pattern, r.Status)
		}
	}
	if row.Pattern == "POST /api/v1/my/token/revoke" {
		m.workerToken = "" // signed out: sign in again next time
	}
}

func checkEveryRouteHasARow(t *testing.T, routes []web.Route) {
	rows := map[string]bool{}
	for _, r := range accessMatrix {
		rows[r.Pattern] = true
	}
	for _, rt := range routes {
		if !rows[rt.Pattern] {
			t.Errorf("route %s has no row in the access matrix: add one", rt.Pattern)
		}
	}
}

func findRoute(routes []web.Route, pattern string) web.Route {
	for _, r := range routes {
		if r.Pattern == pattern {
			return r
		}
	}
	return web.Route{Pattern: pattern}
}
