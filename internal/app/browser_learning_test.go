package app_test

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"zhijia/internal/app/apptest"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

// TestBrowser_WorkerDailyQuizEarnsTenPoints: on a phone, a worker opens the 学习
// tab, starts today's quiz, taps the right answers, submits and sees 10 points
// arrive in the balance, the history and the result.
func TestBrowser_WorkerDailyQuizEarnsTenPoints(t *testing.T) {
	ctx, _ := newBrowser(t, true)
	env := apptest.New(t, dbtest.SQLite(t))
	signInWorker(t, ctx, env, "13900000001")
	press(t, ctx, `nav.tabbar a[href="/portal/learning"]`, true)
	wantPath(t, ctx, "/portal/learning")
	wantText(t, ctx, "#my-points", "可用积分", "0", "学习新秀")
	shot(t, ctx, "learning-01-tab")

	press(t, ctx, `form[action="/portal/learning/quiz/start"] button[type=submit]`, true)
	wantPath(t, ctx, "/portal/learning/quiz")
	wantText(t, ctx, "#quiz-form", "第 1 题", "第 5 题", "提交答卷")
	shot(t, ctx, "learning-02-quiz")

	rows, err := env.App.DB.Query(context.Background(), `SELECT position, answer FROM learning_attempt_items
		WHERE attempt_id = (SELECT MAX(id) FROM learning_attempts) ORDER BY position`)
	if err != nil {
		t.Fatal(err)
	}
	answers := map[int]string{}
	for rows.Next() {
		var pos int
		var ans string
		rows.Scan(&pos, &ans)
		answers[pos] = ans
	}
	rows.Close()
	if len(answers) != 5 {
		t.Fatalf("%d questions drawn, want 5", len(answers))
	}
	for pos := 1; pos <= 5; pos++ {
		for _, l := range answers[pos] {
			sel := fmt.Sprintf(`#quiz-form input[name="q%d"][value="%c"]`, pos, l)
			do(t, ctx, "tap "+sel, chromedp.ScrollIntoView(chromedp.CSS(sel)), chromedp.Tap(chromedp.CSS(sel)))
		}
	}
	press(t, ctx, `#quiz-form button[type=submit]`, true)
	wantPath(t, ctx, "/portal/learning/quiz")
	wantText(t, ctx, "main", "积分已到账", "答对 5/5，获得 10 积分", "正确答案")
	shot(t, ctx, "learning-03-result")

	open(t, ctx, env, "/portal/learning")
	if got := textOf(t, ctx, "#points-balance"); got != "10" {
		t.Fatalf("balance shows %q, want 10", got)
	}
	wantText(t, ctx, "#points-history", "每日答题", "+10")
	wantText(t, ctx, "#daily-quiz", "今日已答题")
	wantText(t, ctx, "#my-points", "1 天")
	shot(t, ctx, "learning-04-points")
}

// TestBrowser_EventCheckInFromTheScreen: a clerk schedules a lecture and opens
// its check-in screen; a worker on a phone follows the code's link, confirms,
// and the clerk's attendance list shows them.
func TestBrowser_EventCheckInFromTheScreen(t *testing.T) {
	staff, _ := newBrowser(t, false)
	env := apptest.New(t, dbtest.SQLite(t))
	// The worker is signed in on the phone before the code is read off the
	// screen: signing in moves the test clock past the code's 90 seconds.
	phone, _ := newBrowser(t, true)
	signInWorker(t, phone, env, "13900000001")
	signInStaff(t, staff, env, "gulou.clerk")
	open(t, staff, env, "/console/learning/events/new")
	start := env.Clock.Now().Add(10 * time.Minute).In(platform.Shanghai)
	fill(t, staff, `#f-title`, "主题班会：安全生产月")
	fill(t, staff, `#f-host_name`, "车间主任")
	setValue(t, staff, "#f-venue", "workshop")
	fill(t, staff, `#f-place`, "三号车间")
	setValue(t, staff, "#f-starts", start.Format("2006-01-02T15:04"))
	setValue(t, staff, "#f-ends", start.Add(time.Hour).Format("2006-01-02T15:04"))
	submit(t, staff, "/console/learning/events")
	wantText(t, staff, "main", "活动已创建", "主题班会：安全生产月", "还没有人签到")
	eventPath, err := chromedp.Run(staff, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	press(t, staff, `a[href$="/checkin"]`, false)
	wantText(t, staff, "main", "每 30 秒自动更换")
	shot(t, staff, "learning-05-checkin-screen")
	link := textOf(t, staff, "#checkin-link")
	if !strings.Contains(link, "/portal/learning/checkin?t=") {
		t.Fatalf("check-in link %q", link)
	}

	u, _ := url.Parse(link)
	open(t, phone, env, u.Path+"?"+u.RawQuery)
	wantText(t, phone, "#checkin", "主题班会：安全生产月")
	press(t, phone, `#checkin button[type=submit]`, true)
	wantPath(t, phone, "/portal/learning/events")
	wantText(t, phone, "main", "签到成功", "已签到")
	shot(t, phone, "learning-06-checked-in")

	do(t, staff, "reload event", chromedp.Navigate(eventPath), chromedp.WaitReady(chromedp.CSS("body")))
	wantText(t, staff, "#attendance", "陈*明", "扫码签到")
	shot(t, staff, "learning-07-attendance")
}

// setValue sets a select's or date field's value by script, as picking it would.
func setValue(t *testing.T, ctx context.Context, sel, value string) {
	t.Helper()
	do(t, ctx, "set "+sel, chromedp.Evaluate[chromedp.Void](`document.querySelector(`+strconv.Quote(sel)+`).value = `+strconv.Quote(value)))
}
