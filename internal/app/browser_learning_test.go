package app_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"zhijia/internal/app/apptest"
	"zhijia/internal/platform/dbtest"
)

// signInWorker signs a demo worker in on a phone through the SMS pages.
func signInWorker(t *testing.T, ctx context.Context, env *apptest.Env, phone string) {
	t.Helper()
	const phoneForm, loginForm = `form[action="/portal/login/code"]`, `form[action="/portal/login"]`
	open(t, ctx, env, "/portal/login")
	fill(t, ctx, phoneForm+` input[name=phone]`, phone)
	press(t, ctx, phoneForm+` button[type=submit]`, true)
	fill(t, ctx, loginForm+` input[name=code]`, textOf(t, ctx, "#demo-sms-code"))
	press(t, ctx, loginForm+` button[type=submit]`, true)
	wantPath(t, ctx, "/portal")
}

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
