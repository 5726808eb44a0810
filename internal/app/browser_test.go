package app_test

// Real-browser tests: headless Chromium, driven by chromedp, clicks through the
// flows a staff member or a worker would, on the whole app served on loopback.
// They run only with ZHIJIA_TEST_BROWSER=1 and save a screenshot after each
// meaningful step (see artifactDir). They run on SQLite: they are about the
// pages; the store tests cover PostgreSQL.

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"zhijia/internal/app"
	"zhijia/internal/app/apptest"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

func TestBrowser_StaffSignInWithTOTP(t *testing.T) {
	ctx, _ := newBrowser(t, false)
	env := apptest.New(t, dbtest.SQLite(t))
	env.Clock.Advance(31 * time.Second)

	open(t, ctx, env, "/login")
	wantText(t, ctx, ".demo-banner", "演示环境")
	wantText(t, ctx, "section.demo-help", "gulou.clerk", app.DemoPassword, "鼓楼区总工会")
	shot(t, ctx, "staff-totp-01-login")

	fill(t, ctx, `form[action="/login"] input[name=username]`, "gulou.clerk")
	fill(t, ctx, `form[action="/login"] input[name=password]`, app.DemoPassword)
	submit(t, ctx, "/login")
	wantPath(t, ctx, "/login/totp")
	wantText(t, ctx, "h1", "动态口令验证")

	// The user reads the code from the demo table, as from an authenticator app.
	code := textOf(t, ctx, `td[data-demo-code="gulou.clerk"]`)
	if want := currentCode(t, env, "gulou.clerk"); code != want {
		t.Fatalf("demo table shows code %q, the account's current code is %q", code, want)
	}
	shot(t, ctx, "staff-totp-02-code")
	fill(t, ctx, `form[action="/login/totp"] input[name=code]`, code)
	submit(t, ctx, "/login/totp")

	wantPath(t, ctx, "/console")
	wantText(t, ctx, ".topbar .scope", "鼓楼区总工会")
	wantText(t, ctx, ".topbar .who", "刘芳")
	wantText(t, ctx, "nav.sidemenu", "组织树", "工会组织")
	wantText(t, ctx, "main", "刘芳")
	shot(t, ctx, "staff-totp-03-console")
}

func TestBrowser_WrongTOTPThenLockout(t *testing.T) {
	ctx, _ := newBrowser(t, false)
	env := apptest.New(t, dbtest.SQLite(t))
	env.Clock.Advance(31 * time.Second)

	open(t, ctx, env, "/login")
	fill(t, ctx, `form[action="/login"] input[name=username]`, "city.clerk")
	fill(t, ctx, `form[action="/login"] input[name=password]`, app.DemoPassword)
	submit(t, ctx, "/login")
	wantPath(t, ctx, "/login/totp")
	fill(t, ctx, `form[action="/login/totp"] input[name=code]`, wrongCode(currentCode(t, env, "city.clerk")))
	submit(t, ctx, "/login/totp")
	wantPath(t, ctx, "/login/totp")
	wantText(t, ctx, `[role=alert]`, "动态口令不正确")
	shot(t, ctx, "lockout-01-wrong-totp")

	// A fresh browser: no session, a different account.
	ctx, _ = newBrowser(t, false)
	open(t, ctx, env, "/login")
	for i := 1; i <= 5; i++ {
		fill(t, ctx, `form[action="/login"] input[name=username]`, "taijiang.clerk")
		fill(t, ctx, `form[action="/login"] input[name=password]`, "Wrong@"+strconv.Itoa(2020+i))
		submit(t, ctx, "/login")
		wantPath(t, ctx, "/login")
		msg := textOf(t, ctx, "#form-error")
		if i < 5 && !strings.Contains(msg, "用户名或密码不正确") {
			t.Fatalf("wrong password %d shows %q, want 用户名或密码不正确", i, msg)
		}
		if i == 5 && !strings.Contains(msg, "锁定") { // the fifth failure in a row locks the account
			t.Fatalf("wrong password %d shows %q, want the lock message", i, msg)
		}
		if i == 1 {
			shot(t, ctx, "lockout-02-wrong-password")
		}
	}
	// Even the right password is refused while the account is locked.
	fill(t, ctx, `form[action="/login"] input[name=password]`, app.DemoPassword)
	submit(t, ctx, "/login")
	wantPath(t, ctx, "/login")
	wantText(t, ctx, "#form-error", "锁定")
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`form[action="/login"] input[name=username]`))); v != "taijiang.clerk" {
		t.Fatalf("the username typed should be kept, got %q", v)
	}
	shot(t, ctx, "lockout-03-locked")
}

// wrongCode is a six-digit code that is certainly not code.
func wrongCode(code string) string {
	b := []byte(code)
	for i, c := range b {
		b[i] = '0' + (c-'0'+1)%10
	}
	return string(b)
}

func TestBrowser_WorkerSMSSignIn(t *testing.T) {
	ctx, _ := newBrowser(t, true)
	env := apptest.New(t, dbtest.SQLite(t))
	const phoneForm, loginForm = `form[action="/portal/login/code"]`, `form[action="/portal/login"]`

	open(t, ctx, env, "/portal/login")
	wantText(t, ctx, ".demo-banner", "演示环境")
	shot(t, ctx, "worker-sms-01-login")

	fill(t, ctx, phoneForm+` input[name=phone]`, "12345")
	press(t, ctx, phoneForm+` button[type=submit]`, true)
	wantText(t, ctx, "main", "请输入正确的 11 位手机号码")
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(phoneForm+` input[name=phone]`))); v != "12345" {
		t.Fatalf("the phone typed should be kept, got %q", v)
	}
	shot(t, ctx, "worker-sms-02-bad-phone")

	fill(t, ctx, phoneForm+` input[name=phone]`, "13900000001")
	press(t, ctx, phoneForm+` button[type=submit]`, true)
	code := textOf(t, ctx, "#demo-sms-code")
	if len(code) != 6 {
		t.Fatalf("demo SMS code = %q, want 6 digits", code)
	}
	shot(t, ctx, "worker-sms-03-code")
	fill(t, ctx, loginForm+` input[name=code]`, code)
	press(t, ctx, loginForm+` button[type=submit]`, true)

	wantPath(t, ctx, "/portal")
	wantText(t, ctx, "nav.tabbar", "首页", "服务", "学习", "我的")
	wantText(t, ctx, "main", "陈小明")
	shot(t, ctx, "worker-sms-04-portal")
}

func TestBrowser_ConsoleTree(t *testing.T) {
	ctx, _ := newBrowser(t, false)
	env := apptest.New(t, dbtest.SQLite(t))
	gulou := orgName(t, env, env.Info.Tree.Districts["350102"])
	grass := orgName(t, env, env.Info.Tree.Gulou)
	signInStaff(t, ctx, env, "city.admin")

	open(t, ctx, env, "/console/orgs/tree")
	wantText(t, ctx, "main", "组织树", "福州市总工会", gulou, "福州市教育工会", "产业工会")
	// Closed branches keep their content laid out (content-visibility: hidden), so
	// chromedp's visibility test cannot tell; checkVisibility() sees what a user sees.
	seen := `!!(` + string(treeName(gulou, grass)) + `)?.checkVisibility()`
	if v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](seen)); err != nil || v {
		t.Fatalf("%s should be hidden until %s is opened (visible=%v, %v)", grass, gulou, v, err)
	}
	shot(t, ctx, "console-tree-01-city")

	do(t, ctx, "expand "+gulou, chromedp.Click(treeSummary(gulou)))
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](seen, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("%s should show once %s is opened: %v", grass, gulou, err)
	}
	wantText(t, ctx, ".org-tree details[open] details[open]", grass, "基层工会")
	shot(t, ctx, "console-tree-02-expanded")

	press(t, ctx, `a[href="/console/orgs/tree?root=`+strconv.FormatInt(env.Info.Tree.Districts["350102"], 10)+`"]`, false)
	wantText(t, ctx, "nav.crumbs", "福州市总工会", gulou)
	wantText(t, ctx, ".org-tree", grass, "基层工会")
	shot(t, ctx, "console-tree-03-district")

	open(t, ctx, env, "/console/orgs")
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('table.list tbody tr a[href^="/console/orgs/"]').length`))
	if err != nil || rows == 0 {
		t.Fatalf("org list shows %d rows (%v)", rows, err)
	}
	wantText(t, ctx, ".toolbar", "导出Excel")
	wantText(t, ctx, "table.list", "福州市总工会")
	shot(t, ctx, "console-tree-04-list")
}

// treeSummary finds the clickable line of the named union on the tree page.
func treeSummary(name string) chromedp.JSPath {
	return chromedp.JSPath(`[...document.querySelectorAll(".org-tree summary")].find(s => s.querySelector(".org-name").textContent === ` + strconv.Quote(name) + `)`)
}

// treeName finds the name of union child shown inside the branch of union parent.
func treeName(parent, child string) chromedp.JSPath {
	return chromedp.JSPath(`[...(` + string(treeSummary(parent)) + `)?.closest("details").querySelectorAll(".org-name") ?? []].find(e => e.textContent === ` + strconv.Quote(child) + `)`)
}

// orgName reads an org's name through the store, as the system.
func orgName(t *testing.T, env *apptest.Env, id int64) string {
	t.Helper()
	if id == 0 {
		t.Fatal("the demo tree lacks an org this test needs")
	}
	o, err := env.App.Orgs.Get(platform.WithActor(context.Background(), platform.System("test")), id)
	if err != nil {
		t.Fatal(err)
	}
	return o.Name
}

func TestBrowser_EnglishLocale(t *testing.T) {
	ctx, _ := newBrowser(t, false)
	env := apptest.New(t, dbtest.SQLite(t))
	open(t, ctx, env, "/login")
	wantText(t, ctx, "h1", "工作人员登录")
	press(t, ctx, `form.lang-switch button[name=lang][value=en]`, false)
	wantPath(t, ctx, "/login")
	wantText(t, ctx, "h1", "Staff sign-in")
	wantText(t, ctx, "form.lang-switch", "中文")
	wantText(t, ctx, ".demo-banner", "Demo environment")
	shot(t, ctx, "english-01-login")
}

// TestBrowser_READMEScreenshot is a tool, not a check: with ZHIJIA_SCREENSHOT_DIR
// set it saves console.png (the union tree, 1280×800) and portal.png (a worker's
// home, 390×844) there for the docs.
func TestBrowser_READMEScreenshot(t *testing.T) {
	dir := os.Getenv("ZHIJIA_SCREENSHOT_DIR")
	if dir == "" {
		t.Skip("screenshot tool: set ZHIJIA_SCREENSHOT_DIR to save console.png and portal.png there")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	env := apptest.New(t, dbtest.SQLite(t))

	ctx, _ := startBrowser(t, false)
	setViewport(t, ctx, 1280, 800, false)
	signInStaff(t, ctx, env, "city.admin")
	open(t, ctx, env, "/console/orgs/tree")
	wantText(t, ctx, "main", "福州市总工会")
	viewportPNG(t, ctx, filepath.Join(dir, "console.png"))

	ctx, _ = startBrowser(t, true)
	open(t, ctx, env, "/portal/login")
	fill(t, ctx, `form[action="/portal/login/code"] input[name=phone]`, env.Info.WorkerPhones[0])
	press(t, ctx, `form[action="/portal/login/code"] button[type=submit]`, true)
	fill(t, ctx, `form[action="/portal/login"] input[name=code]`, textOf(t, ctx, "#demo-sms-code"))
	press(t, ctx, `form[action="/portal/login"] button[type=submit]`, true)
	wantPath(t, ctx, "/portal")
	open(t, ctx, env, "/portal") // again, without the one-time "signed in" notice
	wantText(t, ctx, "nav.tabbar", "首页")
	viewportPNG(t, ctx, filepath.Join(dir, "portal.png"))
}
