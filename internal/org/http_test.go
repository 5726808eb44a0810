package org_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zhijia/internal/app"
	"zhijia/internal/auth"
	"zhijia/internal/org"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
	"zhijia/internal/web"
)

var t0 = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)

// env is the whole app on a test database, with a small union tree:
//
//	city 350100 ── gulou 350102 ── g1 (鑫华, 120 heads) ── group
//	           ├── taijiang 350103 ── g3 (盛康, 50 heads)
//	           └── edu (industry)
type env struct {
	t     *testing.T
	app   *app.App
	clock *platform.FakeClock
	h     http.Handler
	n     int

	city, gulou, taijiang, edu, g1, g3, group *org.Org
}

func sys() context.Context { return platform.WithActor(context.Background(), platform.System("test")) }

// newApp is the app on db with no org yet.
func newApp(t *testing.T, db *platform.DB) *env {
	t.Helper()
	keys, err := platform.NewKeyring([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, clock: platform.NewFakeClock(t0)}
	quiet := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	e.app = app.New(platform.Config{BaseURL: "http://example.com"}, db, keys, e.clock, quiet)
	e.h = e.app.Server().Handler()
	return e
}

func newEnv(t *testing.T, db *platform.DB) *env {
	t.Helper()
	e := newApp(t, db)
	s, ctx := e.app.Orgs, sys()
	must := func(o *org.Org, err error) *org.Org {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	e.city = must(s.CreateRoot(ctx, org.Input{Name: "福州市总工会", AreaCode: "350100"}))
	e.gulou = must(s.Create(ctx, org.Input{ParentID: e.city.ID, Level: org.LevelDistrict, Name: "鼓楼区总工会", AreaCode: "350102"}))
	e.taijiang = must(s.Create(ctx, org.Input{ParentID: e.city.ID, Level: org.LevelDistrict, Name: "台江区总工会", AreaCode: "350103"}))
	e.edu = must(s.Create(ctx, org.Input{ParentID: e.city.ID, Level: org.LevelIndustry, Name: "福州市教育工会"}))
	e.g1 = must(s.Create(ctx, grassroots(t, e.gulou, "福州鑫华电子有限公司", 1, 120)))
	e.g3 = must(s.Create(ctx, grassroots(t, e.taijiang, "福州盛康商贸有限公司", 3, 50)))
	e.group = must(s.Create(ctx, org.Input{ParentID: e.g1.ID, Level: org.LevelGroup, Name: "一车间工会小组"}))
	return e
}

func grassroots(t *testing.T, parent *org.Org, name string, n int, heads int64) org.Input {
	return org.Input{ParentID: parent.ID, Level: org.LevelGrassroots, Name: name + "工会委员会",
		ContactName: "陈主席", ContactPhone: "13800138000",
		Employer: &org.EmployerInput{Name: name, CreditCode: creditCode(t, parent.AreaCode, n), Headcount: heads,
			Address: "福州市五四路1号"}}
}

// creditCode is a valid credit code for employer n registered in area.
func creditCode(t *testing.T, area string, n int) string {
	body := fmt.Sprintf("91%s%09d", area, n)
	c, err := org.CreditCodeCheckChar(body)
	if err != nil {
		t.Fatal(err)
	}
	return body + string(c)
}

// client is a signed-in staff browser (cookie and CSRF token) or API client.
type client struct {
	e      *env
	cookie string
	csrf   string
	bearer string
}

const initialPassword, newPassword = "Welcome#2026", "Another#2027x"

// staff signs in a new account with role at orgID, through every sign-in step.
func (e *env) staff(role auth.Role, orgID int64) *client {
	t := e.t
	t.Helper()
	e.n++
	user := fmt.Sprintf("staff%d", e.n)
	a := e.app.Auth
	if _, err := a.CreateAccount(sys(), auth.AccountInput{OrgID: orgID, Username: user, Name: "测试员" + user,
		Role: role, Password: initialPassword}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	res, err := a.PasswordLogin(ctx, user, initialPassword, "127.0.0.1", "test")
	for i := 0; err == nil && res.Stage != platform.StageFull && i < 4; i++ {
		switch res.Stage {
		case platform.StagePassword:
			res, err = a.ChangePasswordInSession(ctx, res.Token, initialPassword, newPassword)
		case platform.StageEnrol:
			var secret string
			if secret, _, _, err = a.EnrolTOTP(ctx, res.Token); err == nil {
				key, _ := auth.DecodeTOTPSecret(secret)
				res, err = a.ConfirmTOTP(ctx, res.Token, auth.TOTPCode(key, e.clock.Now()))
			}
		default:
			t.Fatalf("sign-in stage %q", res.Stage)
		}
	}
	if err != nil || res.Stage != platform.StageFull {
		t.Fatalf("sign in %s: %v %+v", user, err, res)
	}
	acc, _, err := a.FindAccounts(sys(), auth.AccountFilter{Query: user})
	if err != nil || len(acc) != 1 {
		t.Fatalf("find account %s: %v", user, err)
	}
	token, err := a.CreateAPIToken(sys(), acc[0].ID, "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	return &client{e: e, cookie: res.Token, csrf: res.CSRF, bearer: token}
}

func (c *client) do(r *http.Request) *httptest.ResponseRecorder {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		r.Header.Set("Authorization", "Bearer "+c.bearer)
	} else {
		r.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: c.cookie})
	}
	w := httptest.NewRecorder()
	c.e.h.ServeHTTP(w, r)
	return w
}

func (c *client) get(path string) *httptest.ResponseRecorder {
	return c.do(httptest.NewRequest(http.MethodGet, "http://example.com"+path, nil))
}

// post sends a form with the CSRF token.
func (c *client) post(path string, form url.Values) *httptest.ResponseRecorder {
	form.Set("_csrf", c.csrf)
	r := httptest.NewRequest(http.MethodPost, "http://example.com"+path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(r)
}

func (c *client) postJSON(path, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "http://example.com"+path, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Idempotency-Key", fmt.Sprintf("test-%d", time.Now().UnixNano()))
	return c.do(r)
}

func wantStatus(t *testing.T, w *httptest.ResponseRecorder, status int) string {
	t.Helper()
	body := w.Body.String()
	if w.Code != status {
		t.Fatalf("status %d, want %d; body:\n%s", w.Code, status, clip(body))
	}
	return body
}

func wantIn(t *testing.T, body string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(body, p) {
			t.Errorf("page lacks %q:\n%s", p, clip(body))
		}
	}
}

func wantNotIn(t *testing.T, body string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if strings.Contains(body, p) {
			t.Errorf("page shows %q", p)
		}
	}
}

var mainRE = regexp.MustCompile(`(?s)<main.*</main>`)

// clip keeps the page's main part, so failures are readable.
func clip(body string) string {
	if m := mainRE.FindString(body); m != "" {
		body = m
	}
	if len(body) > 4000 {
		body = body[:4000] + "…"
	}
	return body
}

func id(o *org.Org) string { return fmt.Sprint(o.ID) }

func TestTree_RootAndReRoot(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		e := newEnv(t, db)
		c := e.staff(auth.RoleAdmin, e.city.ID)
		body := wantStatus(t, c.get("/console/orgs/tree"), http.StatusOK)
		wantIn(t, body, "鼓楼区总工会", "台江区总工会", "基层工会 1 个，职工 120 人", `href="/console/orgs/tree?root=`+id(e.gulou)+`"`,
			"福州鑫华电子有限公司工会委员会", "<details open>") // a small tree shows two levels
		body = wantStatus(t, c.get("/console/orgs/tree?root="+id(e.gulou)), http.StatusOK)
		wantIn(t, body, "福州鑫华电子有限公司工会委员会", "一车间工会小组", `href="/console/orgs/tree?root=`+id(e.city)+`"`)
		wantNotIn(t, body, "台江区总工会")
		staffer := e.staff(auth.RoleClerk, e.gulou.ID)
		wantStatus(t, staffer.get("/console/orgs/tree?root="+id(e.taijiang)), http.StatusNotFound)
		body = wantStatus(t, staffer.get("/console/orgs/tree"), http.StatusOK)
		wantNotIn(t, body, "台江区总工会", `tree?root=`+id(e.city))
	})
}

func TestTree_BigSubtreeShowsChildrenOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		e := newApp(t, db)
		demo, err := org.SeedDemo(context.Background(), db, e.clock, 300)
		if err != nil {
			t.Fatal(err)
		}
		c := e.staff(auth.RoleAdmin, demo.City)
		body := wantStatus(t, c.get("/console/orgs/tree"), http.StatusOK)
		// 13 districts and 30 industries under the open root; no grassroots union.
		if n := strings.Count(body, "<details"); n != 1+13+30 {
			t.Errorf("%d <details>, want the root and its 43 children", n)
		}
		wantIn(t, body, "<b>300</b>", "鼓楼区总工会", "tree?root="+fmt.Sprint(demo.Districts["350102"]))
		wantNotIn(t, body, "有限公司工会")
		gulou := fmt.Sprint(demo.Districts["350102"])
		body = wantStatus(t, c.get("/console/orgs/tree?root="+gulou), http.StatusOK)
		wantIn(t, body, "有限公司", "福州市总工会")
		body = wantStatus(t, c.get("/console/orgs/"+gulou), http.StatusOK)
		if strings.Count(body, "<tr") > 51 && !strings.Contains(body, "/console/orgs?under="+gulou) {
			t.Errorf("a long list of children must be cut short with a link to the rest")
		}
		body = wantStatus(t, c.get("/console/orgs?under="+gulou+"&level=district"), http.StatusOK)
		wantIn(t, body, "鼓楼区总工会", "共 1 条", `name="under" value="`+gulou+`"`)
	})
}

func TestList_RendersAndFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		e := newEnv(t, db)
		c := e.staff(auth.RoleAdmin, e.city.ID)
		body := wantStatus(t, c.get("/console/orgs"), http.StatusOK)
		wantIn(t, body, "鼓楼区总工会", "福州盛康商贸有限公司工会委员会", e.g1.Employer.CreditCode, "138****8000")
		wantNotIn(t, body, "13800138000")
		body = wantStatus(t, c.get("/console/orgs?q=鑫华"), http.StatusOK)
		wantIn(t, body, "福州鑫华电子有限公司工会委员会", "共 1 条")
		wantNotIn(t, body, "福州盛康商贸有限公司工会委员会")
		body = wantStatus(t, c.get("/console/orgs?q="+e.g3.Employer.CreditCode), http.StatusOK)
		wantIn(t, body, "福州盛康商贸有限公司工会委员会", "共 1 条")
		body = wantStatus(t, c.get("/console/orgs?level=district&sort=name&dir=desc"), http.StatusOK)
		wantIn(t, body, "鼓楼区总工会", "台江区总工会", "共 2 条", `aria-sort="descending"`)
		wantNotIn(t, body, "福州鑫华电子有限公司工会委员会")
		staffer := e.staff(auth.RoleReviewer, e.gulou.ID)
		body = wantStatus(t, staffer.get("/console/orgs"), http.StatusOK)
		wantIn(t, body, "福州鑫华电子有限公司工会委员会")
		wantNotIn(t, body, "台江区总工会", "福州盛康商贸有限公司工会委员会")
	})
}

func TestList_ExportXLSX(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		e := newEnv(t, db)
		c := e.staff(auth.RoleAdmin, e.city.ID)
		w := c.get("/console/orgs?level=grassroots&export=xlsx")
		if w.Code != http.StatusOK || !strings.Contains(w.Header().Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("export: %d %s", w.Code, w.Header().Get("Content-Type"))
		}
		f, err := excelize.OpenReader(bytes.NewReader(w.Body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows("Sheet1")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 {
			t.Fatalf("want a header and 2 grassroots unions, got %d rows: %v", len(rows), rows)
		}
		head := strings.Join(rows[0], "|")
		wantIn(t, head, "统一社会信用代码", "职工人数", "单位地址", "上级组织", "联系电话")
		var g1 string
		for _, r := range rows[1:] {
			if strings.Contains(strings.Join(r, "|"), "鑫华") {
				g1 = strings.Join(r, "|")
			}
		}
		wantIn(t, g1, e.g1.Employer.CreditCode, "|120|", "福州市五四路1号", "福州市总工会 / 鼓楼区总工会", "138****8000")
		wantNotIn(t, g1, "13800138000")
	})
}

// createForm is a grassroots union's form under parent.
func createForm(parent *org.Org, name, code string) url.Values {
	return url.Values{"parent_id": {id(parent)}, "level": {"grassroots"}, "name": {name},
		"contact_name": {"林主席"}, "contact_phone": {"0591-88001234"}, "employer_name": {"福州闽江机械有限公司"},
		"credit_code": {code}, "headcount": {"1,200"}, "address": {"福州市鼓楼区杨桥路8号"},
		"lng": {"119.28"}, "lat": {"26.08"}}
}

func TestCreate_BadCreditCodeKeepsInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		e := newEnv(t, db)
		c := e.staff(auth.RoleClerk, e.gulou.ID)
		body := wantStatus(t, c.post("/console/orgs", createForm(e.gulou, "闽江机械工会委员会", "91350102MA2YQ0O1X5")), http.StatusUnprocessableEntity)
		wantIn(t, body, `value="闽江机械工会委员会"`, `value="1,200"`, `value="91350102MA2YQ0O1X5"`,
			"第15位“O”不是有效字符", // the top message names the position
			`id="f-credit_code" name="credit_code" value="91350102MA2YQ0O1X5" aria-invalid="true"`,
			`<span class="field-error" id="e-credit_code">`)
		body = wantStatus(t, c.post("/console/orgs", func() url.Values {
			f := createForm(e.gulou, "闽江机械工会委员会", creditCode(t, "350102", 9))
			f.Set("headcount", "一千")
			f.Set("name", "")
			return f
		}()), http.StatusUnprocessableEntity)
		wantIn(t, body, "职工人数请填写整数", "请填写工会组织名称", `value="一千"`)
	})
}

var detailRE = regexp.MustCompile(`^/console/orgs/(\d+)$`)

func TestCreate_RedirectsToNewOrg(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		e := newEnv(t, db)
		c := e.staff(auth.RoleClerk, e.gulou.ID)
		body := wantStatus(t, c.get("/console/orgs/new?parent="+id(e.gulou)), http.StatusOK)
		wantIn(t, body, `<option value="grassroots" selected>`, "鼓楼区总工会")
		w := c.post("/console/orgs", createForm(e.gulou, "闽江机械工会委员会", creditCode(t, "350102", 9)))
		loc := w.Header().Get("Location")
		if w.Code != http.StatusSeeOther || !detailRE.MatchString(loc) {
			t.Fatalf("create: %d %q\n%s", w.Code, loc, clip(w.Body.String()))
		}
		next := httptest.NewRequest(http.MethodGet, "http://example.com"+loc, nil)
		for _, ck := range w.Result().Cookies() {
			next.AddCookie(ck)
		}
		body = wantStatus(t, c.do(next), http.StatusOK)
		wantIn(t, body, "已新建工会组织", "闽江机械工会委员会", "福州闽江机械有限公司", "1200", "0591-88001234", "119.28")
		wantIn(t, body, "新建基层工会「闽江机械工会委员会」") // the history timeline
		body = wantStatus(t, c.get("/console/orgs?q=闽江"), http.StatusOK)
		wantIn(t, body, "闽江机械工会委员会", "共 1 条")
	})
}

func TestEdit_StaleKeepsInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		e := newEnv(t, db)
		c := e.staff(auth.RoleClerk, e.gulou.ID)
		body := wantStatus(t, c.get("/console/orgs/"+id(e.g1)+"/edit"), http.StatusOK)
		wantIn(t, body, `name="version" value="1"`, `value="13800138000"`)
		form := url.Values{"version": {"1"}, "name": {"鑫华电子工会"}, "employer_name": {"福州鑫华电子有限公司"},
			"credit_code": {e.g1.Employer.CreditCode}, "headcount": {"130"}}
		w := c.post("/console/orgs/"+id(e.g1), form)
		if w.Code != http.StatusSeeOther {
			t.Fatalf("edit: %d\n%s", w.Code, clip(w.Body.String()))
		}
		form.Set("name", "别人没看到的新名称")
		body = wantStatus(t, c.post("/console/orgs/"+id(e.g1), form), http.StatusConflict)
		wantIn(t, body, "您编辑期间该组织已被他人修改", `value="别人没看到的新名称"`, `name="version" value="2"`)
	})
}

func TestHTTP_SiblingDistrictIsNotFound(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		e := newEnv(t, db)
		c := e.staff(auth.RoleClerk, e.gulou.ID)
		for _, path := range []string{"/console/orgs/" + id(e.taijiang), "/console/orgs/" + id(e.g3),
			"/console/orgs/" + id(e.g3) + "/edit", "/console/orgs/" + id(e.g3) + "/move",
			"/console/orgs/" + id(e.g3) + "/close", "/console/orgs/new?parent=" + id(e.taijiang)} {
			wantStatus(t, c.get(path), http.StatusNotFound)
		}
		posts := map[string]url.Values{
			"/console/orgs/" + id(e.g3):             {"version": {"1"}, "name": {"改名"}},
			"/console/orgs/" + id(e.g3) + "/move":   {"version": {"1"}, "parent_id": {id(e.gulou)}},
			"/console/orgs/" + id(e.g3) + "/close":  {"version": {"1"}, "reason": {"企业注销"}},
			"/console/orgs/" + id(e.g3) + "/reopen": {"version": {"1"}},
			"/console/orgs/" + id(e.g3) + "/delete": {},
			"/console/orgs":                         createForm(e.taijiang, "越界工会", creditCode(t, "350103", 7)),
		}
		for path, form := range posts {
			wantStatus(t, c.post(path, form), http.StatusNotFound)
		}
		g3, err := e.app.Orgs.Get(sys(), e.g3.ID)
		if err != nil || g3.Name != e.g3.Name || g3.Status != org.StatusActive || g3.ParentID != e.taijiang.ID {
			t.Fatalf("sibling's org changed: %+v %v", g3, err)
		}
	})
}

func TestMove_IntoOwnDescendantShowsError(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		e := newEnv(t, db)
		c := e.staff(auth.RoleAdmin, e.city.ID)
		body := wantStatus(t, c.get("/console/orgs/"+id(e.g1)+"/move"), http.StatusOK)
		wantIn(t, body, "台江区总工会", "福州市教育工会", "当前上级")
		body = wantStatus(t, c.post("/console/orgs/"+id(e.gulou)+"/move",
			url.Values{"version": {"1"}, "parent_id": {id(e.g1)}}), http.StatusUnprocessableEntity)
		wantIn(t, body, "不能把组织调整到它自己或它的下级组织之下", `id="e-parent_id"`)
		w := c.post("/console/orgs/"+id(e.g1)+"/move", url.Values{"version": {"1"}, "parent_id": {id(e.taijiang)}})
		if w.Code != http.StatusSeeOther {
			t.Fatalf("move: %d\n%s", w.Code, clip(w.Body.String()))
		}
		g1, _ := e.app.Orgs.Get(sys(), e.g1.ID)
		if g1.ParentID != e.taijiang.ID {
			t.Fatalf("not moved: %+v", g1)
		}
	})
}

func TestCloseAndDelete_RefusalsOnPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		e := newEnv(t, db)
		c := e.staff(auth.RoleClerk, e.gulou.ID)
		body := wantStatus(t, c.get("/console/orgs/"+id(e.g1)), http.StatusOK)
		wantIn(t, body, "/console/orgs/"+id(e.g1)+"/move", "data-confirm=")
		own := wantStatus(t, c.get("/console/orgs/"+id(e.gulou)), http.StatusOK)
		wantNotIn(t, own, "/console/orgs/"+id(e.gulou)+"/move", "/delete")
		own = wantStatus(t, c.post("/console/orgs/"+id(e.gulou)+"/delete", url.Values{}), http.StatusUnprocessableEntity)
		wantIn(t, own, "不能对本单位执行此操作")
		own = wantStatus(t, c.get("/console/orgs/"+id(e.gulou)+"/close"), http.StatusOK)
		wantIn(t, own, "不能对本单位执行此操作")
		wantNotIn(t, own, `name="reason"`)
		body = wantStatus(t, c.post("/console/orgs/"+id(e.g1)+"/close", url.Values{"version": {"1"}, "reason": {" "}}),
			http.StatusUnprocessableEntity)
		wantIn(t, body, "请填写撤销原因", `aria-invalid="true"`)
		body = wantStatus(t, c.post("/console/orgs/"+id(e.g1)+"/close", url.Values{"version": {"1"}, "reason": {"企业注销"}}),
			http.StatusConflict)
		wantIn(t, body, "该组织下还有1个正常的下级组织")
		body = wantStatus(t, c.post("/console/orgs/"+id(e.g1)+"/delete", url.Values{}), http.StatusConflict)
		wantIn(t, body, `<div class="alert" role="alert">该组织已有下级组织`, "福州鑫华电子有限公司") // the detail page
		w := c.post("/console/orgs/"+id(e.group)+"/delete", url.Values{})
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/console/orgs/"+id(e.g1) {
			t.Fatalf("delete: %d %s", w.Code, w.Header().Get("Location"))
		}
		w = c.post("/console/orgs/"+id(e.g1)+"/close", url.Values{"version": {"1"}, "reason": {"企业注销"}})
		if w.Code != http.StatusSeeOther {
			t.Fatalf("close: %d\n%s", w.Code, clip(w.Body.String()))
		}
		body = wantStatus(t, c.get("/console/orgs/"+id(e.g1)), http.StatusOK)
		wantIn(t, body, "已撤销", "/reopen", "关闭「福州鑫华电子有限公司工会委员会」：企业注销")
	})
}

// TestPages_RenderEmpty draws every org page with nil data and with its
// registered zero view.
func TestPages_RenderEmpty(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	s := e.app.Server()
	s.Public("GET /test/render/{page...}", func(c *web.Ctx) error {
		return c.RenderPage(http.StatusOK, c.R.PathValue("page"), &web.Page{})
	})
	n := 0
	for _, name := range s.PageNames() {
		if !strings.HasPrefix(name, "org/") {
			continue
		}
		n++
		w := httptest.NewRecorder()
		e.h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "http://example.com/test/render/"+name, nil))
		if w.Code != http.StatusOK || strings.Contains(w.Body.String(), "<no value>") {
			t.Errorf("%s with nil data: %d %s", name, w.Code, clip(w.Body.String()))
		}
		w = httptest.NewRecorder()
		if err := s.RenderForTest(w, httptest.NewRequest(http.MethodGet, "http://example.com/console", nil), name); err != nil {
			t.Errorf("%s with its zero view: %v", name, err)
		}
	}
	if n != 6 {
		t.Errorf("rendered %d org pages, want 6", n)
	}
}
