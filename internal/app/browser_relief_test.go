package app_test

import (
	"context"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"zhijia/internal/app/apptest"
	"zhijia/internal/platform/dbtest"
)

// tap scrolls the element to the middle of the phone's screen (clear of the
// fixed tab bar) and taps it.
func tap(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	do(t, ctx, "scroll to "+sel, chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.Evaluate[chromedp.Void](`document.querySelector(`+strconv.Quote(sel)+`).scrollIntoView({block: "center"})`))
	press(t, ctx, sel, true)
}

// staffDecides signs a reviewer in, opens the application from their inbox and
// records a decision, then signs out.
func staffDecides(t *testing.T, ctx context.Context, env *apptest.Env, id, user, action, amount, reason string) {
	t.Helper()
	signInStaff(t, ctx, env, user)
	open(t, ctx, env, "/console/relief/inbox")
	wantText(t, ctx, "main table.list", "陈*明")
	do(t, ctx, "open from the inbox", chromedp.Click(chromedp.CSS(`main table.list a[href="/console/relief/applications/`+id+`"]`)),
		chromedp.WaitVisible(chromedp.CSS("#decide")))
	do(t, ctx, "choose "+action, chromedp.Click(chromedp.CSS(`#decide input[name=action][value=`+action+`]`)))
	if amount != "" {
		fill(t, ctx, "#amount", amount)
	}
	if reason != "" {
		fill(t, ctx, "#reason", reason)
	}
	shot(t, ctx, "relief-"+user+"-"+action)
	press(t, ctx, `#decide button[type=submit]`, false)
	wantText(t, ctx, ".flash", "已")
	press(t, ctx, `form[action="/logout"] button[type=submit]`, false)
}

// One household followed in real Chromium: the worker applies on a phone-sized
// screen, three levels review (the city returns it once and the worker answers),
// the grant goes on public notice, a neighbour objects, the district checks and
// pays its part, and the worker sees it paid.
func TestBrowser_ReliefApplicationThroughThreeLevels(t *testing.T) {
	phone, _ := newBrowser(t, true)
	env := apptest.New(t, dbtest.SQLite(t))
	signInWorker(t, phone, env, "13900000001")
	wantText(t, phone, "#relief-card", "困难帮扶")
	tap(t, phone, `#relief-card a`)
	tap(t, phone, `#relief-apply-link`)
	wantPath(t, phone, "/portal/relief/apply")
	do(t, phone, "tick the cause", chromedp.Click(chromedp.CSS(`input[name=cause][value=illness]`)))
	fill(t, phone, "#f-income", "2500")
	fill(t, phone, "#f-medical_costs", "80000")
	fill(t, phone, "#f-insurance_paid", "30000")
	fill(t, phone, "#f-requested", "1.234")
	fill(t, phone, "#f-payee_name", "陈小明")
	fill(t, phone, "#f-payee_bank", "中国工商银行福州鼓楼支行")
	fill(t, phone, "#f-payee_account", "6222-0212")
	fill(t, phone, "#statement", "丈夫突发脑梗住院，自付医疗费用较高。")
	tap(t, phone, `#relief-apply button[type=submit]`)
	wantText(t, phone, "main", "请填写金额，如 1200 或 1200.50", "请勾选同意后再提交", "银行账号应为12至19位数字")
	shot(t, phone, "relief-01-apply-errors")
	fill(t, phone, "#f-requested", "10000")
	fill(t, phone, "#f-payee_account", "6222 0212 3456 7890 128")
	do(t, phone, "consent", chromedp.Evaluate[chromedp.Void](`document.querySelector("input[name=consent]").scrollIntoView({block: "center"})`),
		chromedp.Tap(chromedp.CSS(`input[name=consent]`)))
	tap(t, phone, `#relief-apply button[type=submit]`)
	wantPath(t, phone, "/portal/relief/application")
	wantText(t, phone, "#my-status", "审核中")
	wantText(t, phone, "#my-payee", "6222 **** **** 0128")
	shot(t, phone, "relief-02-submitted")
	appURL, err := chromedp.Run(phone, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	appID := regexp.MustCompile(`id=(\d+)`).FindStringSubmatch(appURL)[1]

	console, _ := newBrowser(t, false)
	staffDecides(t, console, env, appID, "grass.clerk", "approve", "", "")
	staffDecides(t, console, env, appID, "gulou.reviewer", "approve", "3000", "")
	staffDecides(t, console, env, appID, "city.reviewer", "return", "", "请补充医院诊断证明，申请金额按发票核减")

	do(t, phone, "reload", chromedp.Navigate(appURL), chromedp.WaitReady(chromedp.CSS("body")))
	wantText(t, phone, "#asked", "请补充医院诊断证明")
	fill(t, phone, "#supplement", "诊断证明已交工会")
	do(t, phone, "open the correction form",
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#returned details summary").scrollIntoView({block: "center"})`),
		chromedp.Tap(chromedp.CSS(`#returned details summary`)), chromedp.WaitVisible(chromedp.CSS("#amend-requested")))
	fill(t, phone, "#amend-requested", "9000")
	shot(t, phone, "relief-02b-correcting")
	tap(t, phone, `#returned button[type=submit]`)
	wantText(t, phone, "#my-status", "审核中")
	wantText(t, phone, "#my-timeline", "修改了申请金额：10,000.00 → 9,000.00")

	staffDecides(t, console, env, appID, "city.reviewer", "approve", "5000", "")
	do(t, phone, "reload", chromedp.Navigate(appURL), chromedp.WaitReady(chromedp.CSS("body")))
	wantText(t, phone, "#my-status", "公示中")
	wantText(t, phone, "#my-timeline", "本级救助3,000.00元", "本级救助5,000.00元")
	shot(t, phone, "relief-03-on-notice")

	open(t, phone, env, "/relief/notices")
	wantText(t, phone, "#notices", "陈*明", "8,000.00", "因病")
	if body := textOf(t, phone, "body"); regexp.MustCompile(`陈小明|脑梗`).MatchString(body) {
		t.Fatalf("the public notice shows a clear name or a diagnosis:\n%s", body)
	}
	shot(t, phone, "relief-04-public-notice")
	tap(t, phone, `#notices a[href^="/portal/relief/objection"]`)
	fill(t, phone, `textarea[name=body]`, "该户近期购置新车，请核实")
	tap(t, phone, `form[action="/portal/relief/objection"] button[type=submit]`)
	wantText(t, phone, "#notices", "异议处理中")

	env.Clock.Advance(8 * 24 * time.Hour) // the notice has ended
	signInStaff(t, console, env, "gulou.clerk")
	open(t, console, env, "/console/relief/objections")
	fill(t, console, `#objections textarea[name=finding]`, "经核实，车辆为亲属所有")
	press(t, console, `#objections button[value=dismiss]`, false)
	open(t, console, env, "/console/relief/batches")
	wantText(t, console, "#payable", "本级待发放 1 笔，共 3,000.00 元")
	submit(t, console, "/console/relief/batches")
	fill(t, console, `input[name=bank_ref]`, "GL20261201001")
	press(t, console, `form[action$="/paid"] button[type=submit]`, false)
	wantText(t, console, "#batch-status", "已付款")
	shot(t, console, "relief-05-batch-paid")

	signInWorker(t, phone, env, "13900000001")
	do(t, phone, "reload", chromedp.Navigate(appURL), chromedp.WaitReady(chromedp.CSS("body")))
	wantText(t, phone, "#my-grants", "已发放", "待发放")
	shot(t, phone, "relief-06-worker-paid")
}
