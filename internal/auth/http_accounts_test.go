package auth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zhijia/internal/app"
	"zhijia/internal/app/apptest"
	"zhijia/internal/auth"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

// The console pages for accounts, the sign-in log, API tokens and one's own
// password, driven through the real app and its sign-in pages on both engines.
// Each app costs a seeded city, so each test groups several user stories.

func TestAccountsConsole_CreateListScopeAndExport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		sec := env.Staff(t, "city.security")
		gulou := fmt.Sprint(env.Info.Tree.Districts["350102"])
		taijiang := fmt.Sprint(env.Info.Tree.Districts["350103"])

		r := sec.Get("/console/accounts/new")
		wantPage(t, r, http.StatusOK, `<option value="`+gulou+`"`, "鼓楼区总工会", "台江区总工会")

		// Bad input comes back with the input kept and a message on each wrong field.
		r = sec.PostForm("/console/accounts", url.Values{"org_id": {gulou}, "username": {"9lives"},
			"name": {"赵安"}, "role": {"security"}, "password": {"weak"}})
		wantPage(t, r, http.StatusUnprocessableEntity, `value="9lives"`, `value="赵安"`, "用户名以字母开头",
			"密码至少需要 8 个字符", `aria-invalid="true"`, "请按提示修改", `<option value="`+gulou+`" selected>`,
			`<option value="security" selected>`)
		if strings.Contains(r.Body, `value="weak"`) {
			t.Error("a refused form must never send the password back")
		}

		// A security administrator creates a district security administrator.
		r = sec.PostForm("/console/accounts", url.Values{"org_id": {gulou}, "username": {"Gulou.Security"},
			"name": {"赵安"}, "role": {"security"}, "password": {"Init@2026x"}, "locale": {""}})
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/console/accounts/") {
			t.Fatalf("create: %d → %q\n%s", r.Status, r.Location, r.Body)
		}
		wantPage(t, sec.Get(r.Location), http.StatusOK, "账号已创建", "赵安", "gulou.security", "鼓楼区总工会", "待修改初始密码")
		wantPage(t, sec.Get("/console/accounts?q=gulou.sec"), http.StatusOK, "gulou.security", "共 1 条")

		// A blank password is generated, strong, and shown once.
		r = sec.PostForm("/console/accounts", url.Values{"org_id": {gulou}, "username": {"gulou.temp"},
			"name": {"钱多"}, "role": {"clerk"}})
		pw := tempPassword(t, r)
		if k := auth.CheckPassword("gulou.temp", pw); k != "" {
			t.Fatalf("generated password %q is weak: %s", pw, k)
		}

		// Export is a real workbook with the list's columns and no secrets.
		r = sec.Get("/console/accounts?export=xlsx&q=gulou")
		rows := xlsxRows(t, r)
		if len(rows) < 3 || rows[0][0] != "用户名" || !hasRow(rows, "gulou.security", "安全管理员", "鼓楼区总工会") {
			t.Fatalf("export rows: %v", rows)
		}
		if strings.Contains(string(r.Raw), "argon2") {
			t.Fatal("the export must not carry password hashes")
		}

		// A clerk has no account pages, and no menu entry for them.
		clerk := env.Staff(t, "city.clerk")
		if r := clerk.Get("/console/accounts"); r.Status != http.StatusForbidden {
			t.Fatalf("clerk on /console/accounts: %d", r.Status)
		}
		home := clerk.Get("/console")
		if strings.Contains(home.Body, `href="/console/accounts"`) || !strings.Contains(home.Body, `href="/console/tokens"`) {
			t.Fatal("a clerk's menu: no 账号管理, but 接口令牌")
		}

		// The new account's first sign-in asks for a new password; then it sees
		// only its own district.
		gs := signInNew(t, env, "gulou.security", "Init@2026x", "Gulou#2026sec")
		list := gs.Get("/console/accounts")
		wantPage(t, list, http.StatusOK, "gulou.clerk", "grass.clerk")
		if strings.Contains(list.Body, "taijiang.clerk") || strings.Contains(list.Body, "city.clerk") {
			t.Fatal("a district security administrator must not see other districts' accounts")
		}
		if r := gs.Get(fmt.Sprintf("/console/accounts/%d", accountID(t, env, "taijiang.clerk"))); r.Status != http.StatusNotFound {
			t.Fatalf("台江 account from 鼓楼: %d", r.Status)
		}
		wantPage(t, gs.Get(fmt.Sprintf("/console/accounts/%d", accountID(t, env, "gulou.clerk"))), http.StatusOK, "刘芳")
		if r := gs.Get("/console/accounts/new"); strings.Contains(r.Body, "台江区总工会") {
			t.Fatal("the org list must hold only the actor's subtree")
		}
		r = gs.PostForm("/console/accounts", url.Values{"org_id": {taijiang}, "username": {"tj.sneak"},
			"name": {"孙越"}, "role": {"clerk"}, "password": {"Init@2026x"}})
		wantPage(t, r, http.StatusUnprocessableEntity, "不在您的管理范围内", `value="tj.sneak"`)
	})
}

func TestAccountsConsole_ActionsLogTokensAndPassword(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		sec := env.Staff(t, "city.security")

		// Five wrong passwords lock an account; unlock lets it in again.
		anon := env.NewClient(t)
		for range auth.MaxFailures {
			anon.PostForm("/login", url.Values{"username": {"gulou.clerk"}, "password": {"Wrong#2026"}})
		}
		gulouClerk := accountURL(t, env, "gulou.clerk")
		wantPage(t, sec.Get(gulouClerk), http.StatusOK, "已锁定至", "/unlock", "密码错误")
		wantPage(t, sec.Get("/console/accounts?locked=1"), http.StatusOK, "gulou.clerk", "共 1 条")
		r := sec.PostForm(gulouClerk+"/unlock", nil)
		if r.Status != http.StatusSeeOther || r.Location != gulouClerk {
			t.Fatalf("unlock: %d → %q", r.Status, r.Location)
		}
		if r := sec.Get(gulouClerk); !strings.Contains(r.Body, "已解除锁定") || strings.Contains(r.Body, "已锁定至") {
			t.Fatalf("after unlock:\n%s", r.Body)
		}
		env.Staff(t, "gulou.clerk")

		// The sign-in log filters and exports.
		wantPage(t, sec.Get("/console/login-attempts?subject=gulou.clerk&failed=1"), http.StatusOK, "密码错误", "账号已锁定")
		wantPage(t, sec.Get("/console/login-attempts?from=2026-13-01"), http.StatusUnprocessableEntity, "日期格式应为")
		if rows := xlsxRows(t, sec.Get("/console/login-attempts?export=xlsx&subject=gulou.clerk")); len(rows) < 7 || !hasRow(rows, "gulou.clerk", "失败") {
			t.Fatalf("log export: %v", rows)
		}

		// Reset shows a temporary password once; the next sign-in must change it.
		grass := accountURL(t, env, "grass.clerk")
		pw := tempPassword(t, sec.PostForm(grass+"/reset-password", nil))
		c := env.NewClient(t)
		env.Clock.Advance(31 * time.Second)
		r = c.PostForm("/login", url.Values{"username": {"grass.clerk"}, "password": {pw}})
		if r.Location != "/login/totp" {
			t.Fatalf("sign in with the temporary password: %d → %q", r.Status, r.Location)
		}
		code, _ := env.App.Auth.CurrentCode(context.Background(), "grass.clerk")
		c.Get("/login/totp")
		if r := c.PostForm("/login/totp", url.Values{"code": {code}}); r.Location != "/login/password" {
			t.Fatalf("after the code: %d → %q, want the password change", r.Status, r.Location)
		}

		// Refusals show on the account page with their status, never a 500.
		self := accountURL(t, env, "city.security")
		wantPage(t, sec.PostForm(self+"/reset-password", nil), http.StatusConflict, `class="alert"`, "不能重置自己的密码")
		wantPage(t, sec.PostForm(self+"/disable", nil), http.StatusConflict, "不能对自己的账号进行此操作")

		// Edit with the version the form was drawn from; a stale one is refused.
		form := sec.Get(grass + "/edit")
		version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(form.Body)
		if version == nil {
			t.Fatalf("edit form has no version:\n%s", form.Body)
		}
		edit := url.Values{"org_id": {fmt.Sprint(env.Info.Tree.Gulou)}, "name": {"谢红英"}, "role": {"clerk"}, "locale": {"en"}, "version": {version[1]}}
		if r := sec.PostForm(grass+"/edit", edit); r.Status != http.StatusSeeOther {
			t.Fatalf("edit: %d\n%s", r.Status, r.Body)
		}
		wantPage(t, sec.Get(grass), http.StatusOK, "账号信息已保存", "谢红英", "English")
		wantPage(t, sec.PostForm(grass+"/edit", edit), http.StatusConflict, "已被他人修改", `value="谢红英"`)

		// Disable and enable.
		sec.PostForm(grass+"/disable", nil)
		wantPage(t, sec.Get(grass), http.StatusOK, "账号已停用", "/enable")
		sec.PostForm(grass+"/enable", nil)
		wantPage(t, sec.Get(grass), http.StatusOK, "账号已启用", "/disable")

		tokensAndPassword(t, env)
	})
}

// tokensAndPassword: any staff member keeps their own API tokens and password.
func tokensAndPassword(t *testing.T, env *apptest.Env) {
	clerk := env.Staff(t, "city.clerk")
	wantPage(t, clerk.PostForm("/console/tokens", url.Values{"name": {""}, "days": {"400"}}),
		http.StatusUnprocessableEntity, "请为令牌填写一个用途说明", "1 到 366 之间", `value="400"`)
	r := clerk.PostForm("/console/tokens", url.Values{"name": {"报表同步"}, "days": {"30"}})
	m := regexp.MustCompile(`zjt_[A-Za-z0-9_-]+`).FindString(r.Body)
	if r.Status != http.StatusOK || m == "" || !strings.Contains(r.Body, "Authorization: Bearer "+m) {
		t.Fatalf("token page: %d\n%s", r.Status, r.Body)
	}
	me := apiMe(t, env, m)
	var who struct{ Name string }
	if me.Status != http.StatusOK || json.Unmarshal(me.Raw, &who) != nil || who.Name != "张敏" {
		t.Fatalf("/api/v1/me with the token: %d %s", me.Status, me.Body)
	}
	list := clerk.Get("/console/tokens")
	id := regexp.MustCompile(`action="(/console/tokens/\d+/revoke)"`).FindStringSubmatch(list.Body)
	if id == nil || !strings.Contains(list.Body, "报表同步") {
		t.Fatalf("token list:\n%s", list.Body)
	}
	if r := env.Staff(t, "gulou.clerk").PostForm(id[1], nil); r.Status != http.StatusNotFound {
		t.Fatalf("someone else's token: %d", r.Status)
	}
	if r := clerk.PostForm(id[1], nil); r.Status != http.StatusSeeOther || r.Location != "/console/tokens" {
		t.Fatalf("revoke: %d → %q", r.Status, r.Location)
	}
	wantPage(t, clerk.Get("/console/tokens"), http.StatusOK, "令牌已吊销", "已吊销")
	if me := apiMe(t, env, m); me.Status != http.StatusUnauthorized || !strings.HasPrefix(me.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("revoked token: %d %s", me.Status, me.Header.Get("Content-Type"))
	}

	wantPage(t, clerk.PostForm("/console/password", url.Values{"old_password": {app.DemoPassword},
		"new_password": {"Clerk#2026new"}, "confirm_password": {"Clerk#2026neW"}}), http.StatusUnprocessableEntity, "两次输入的新密码不一致")
	wantPage(t, clerk.PostForm("/console/password", url.Values{"old_password": {"Wrong#2026"},
		"new_password": {"Clerk#2026new"}, "confirm_password": {"Clerk#2026new"}}), http.StatusUnprocessableEntity, "原密码不正确")
	r = clerk.PostForm("/console/password", url.Values{"old_password": {app.DemoPassword},
		"new_password": {"Clerk#2026new"}, "confirm_password": {"Clerk#2026new"}})
	if r.Status != http.StatusSeeOther || r.Location != "/console/password" {
		t.Fatalf("change password: %d → %q\n%s", r.Status, r.Location, r.Body)
	}
	wantPage(t, clerk.Get("/console/password"), http.StatusOK, "密码已修改")
	c := env.NewClient(t)
	if r := c.PostForm("/login", url.Values{"username": {"city.clerk"}, "password": {"Clerk#2026new"}}); r.Location != "/login/totp" {
		t.Fatalf("sign in with the new password: %d → %q", r.Status, r.Location)
	}
}

func apiMe(t *testing.T, env *apptest.Env, token string) *apptest.Response {
	req, _ := http.NewRequest(http.MethodGet, env.Server.URL+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	return env.NewClient(t).Do(req)
}

// signInNew takes a newly created account through its first sign-in: a forced
// password change, then authenticator set-up, reading the key off the page.
func signInNew(t *testing.T, env *apptest.Env, username, initial, chosen string) *apptest.Client {
	t.Helper()
	c := env.NewClient(t)
	r := c.PostForm("/login", url.Values{"username": {username}, "password": {initial}})
	if r.Status != http.StatusSeeOther || r.Location != "/login/password" {
		t.Fatalf("first sign-in of %s: %d → %q, want /login/password", username, r.Status, r.Location)
	}
	c.Get("/login/password")
	r = c.PostForm("/login/password", url.Values{"old_password": {initial}, "new_password": {chosen}, "confirm_password": {chosen}})
	if r.Location != "/login/enrol" {
		t.Fatalf("password change: %d → %q\n%s", r.Status, r.Location, r.Body)
	}
	page := c.Get("/login/enrol")
	m := regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`).FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("no key on the enrol page:\n%s", page.Body)
	}
	secret, err := auth.DecodeTOTPSecret(m[1])
	if err != nil {
		t.Fatal(err)
	}
	r = c.PostForm("/login/enrol", url.Values{"code": {auth.TOTPCode(secret, env.Clock.Now())}})
	if r.Location != "/console" {
		t.Fatalf("enrol: %d → %q\n%s", r.Status, r.Location, r.Body)
	}
	c.Get("/console")
	return c
}

func accountID(t *testing.T, env *apptest.Env, username string) int64 {
	t.Helper()
	ctx := platform.WithActor(context.Background(), platform.System("test"))
	rows, _, err := env.App.Auth.FindAccounts(ctx, auth.AccountFilter{Query: username})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range rows {
		if a.Username == username {
			return a.ID
		}
	}
	t.Fatalf("no account %s", username)
	return 0
}

func accountURL(t *testing.T, env *apptest.Env, username string) string {
	return fmt.Sprintf("/console/accounts/%d", accountID(t, env, username))
}

func tempPassword(t *testing.T, r *apptest.Response) string {
	t.Helper()
	m := regexp.MustCompile(`id="temp-password">([^<]+)<`).FindStringSubmatch(r.Body)
	if r.Status != http.StatusOK || m == nil {
		t.Fatalf("want a page showing the temporary password, got %d\n%s", r.Status, r.Body)
	}
	return m[1]
}

func wantPage(t *testing.T, r *apptest.Response, status int, texts ...string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d\n%s", r.Status, status, r.Body)
	}
	for _, s := range texts {
		if !strings.Contains(r.Body, s) {
			t.Fatalf("page lacks %q\n%s", s, r.Body)
		}
	}
}

func xlsxRows(t *testing.T, r *apptest.Response) [][]string {
	t.Helper()
	if r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("export: %d %s\n%s", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	f, err := excelize.OpenReader(bytes.NewReader(r.Raw))
	if err != nil {
		t.Fatalf("export is not a workbook: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// hasRow reports whether some row holds every one of cells.
func hasRow(rows [][]string, cells ...string) bool {
	for _, row := range rows {
		n := 0
		for _, want := range cells {
			for _, got := range row {
				if got == want {
					n++
					break
				}
			}
		}
		if n == len(cells) {
			return true
		}
	}
	return false
}
