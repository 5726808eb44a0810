package care_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"zhijia/internal/app/apptest"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

// TestActivityPages_PublishSignUpDrawConfirm: staff publish an activity with
// one place; two workers sign up on the portal; staff run the draw; the
// winner confirms and the other sees their waitlist place, then is promoted
// when the winner withdraws.
func TestActivityPages_PublishSignUpDrawConfirm(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		c := env.Staff(t, "gulou.clerk")
		now := env.Clock.Now().In(platform.Shanghai)
		form := url.Values{"org_id": {fmt.Sprint(env.Info.Tree.Districts["350102"])}, "kind": {"nye_dinner"}, "title": {"鼓楼区职工年夜饭"},
			"opens_at": {now.Add(-time.Hour).Format("2006-01-02 15:04")}, "closes_at": {"明天"}, "confirm_days": {"3"},
			"sessions": {"除夕场:1"}, "w_frontline": {"2"}}
		r := c.PostForm("/console/care/activities", form)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "请按 2026-12-01 09:00 的格式填写") || !strings.Contains(r.Body, "鼓楼区职工年夜饭") {
			t.Fatalf("bad close time: HTTP %d", r.Status)
		}
		form.Set("closes_at", now.Add(24*time.Hour).Format("2006-01-02 15:04"))
		r = c.PostForm("/console/care/activities", form)
		m := regexp.MustCompile(`/console/care/activities/(\d+)$`).FindStringSubmatch(r.Location)
		if m == nil {
			t.Fatalf("publish: HTTP %d %s", r.Status, r.Body)
		}
		page := c.Get(r.Location)
		contains(t, page.Body, "鼓楼区职工年夜饭", "除夕场", "随机种子摘要")
		var ids []string
		for i, phone := range []string{"13900000001", "13900000004"} {
			env.Clock.Advance(61 * time.Second)
			w := env.Worker(t, phone)
			db.Exec(sys, `UPDATE workers SET member_status = 'member' WHERE phone_masked LIKE ?`, "%"+phone[7:])
			tab := w.Get("/portal/services")
			contains(t, tab.Body, "鼓楼区职工年夜饭")
			act := w.Get("/portal/care/activity?id=" + m[1])
			sess := regexp.MustCompile(`<option value="(\d+)"`).FindStringSubmatch(act.Body)
			if sess == nil {
				t.Fatalf("worker %d: no session on the sign-up page: %d", i, act.Status)
			}
			if r := w.PostForm("/portal/care/signup", url.Values{"id": {m[1]}, "session_id": {sess[1]}}); r.Status != 303 {
				t.Fatalf("worker %d sign-up: HTTP %d %s", i, r.Status, r.Body)
			}
			again := w.PostForm("/portal/care/signup", url.Values{"id": {m[1]}, "session_id": {sess[1]}})
			if again.Status != http.StatusConflict || !strings.Contains(again.Body, "您已报名过此活动") {
				t.Fatalf("second sign-up: HTTP %d", again.Status)
			}
			ids = append(ids, phone)
		}
		if r := c.PostForm(r.Location+"/draw", url.Values{}); r.Status != http.StatusConflict || !strings.Contains(r.Body, "报名尚未截止") {
			t.Fatalf("early draw: HTTP %d", r.Status)
		}
		env.Clock.Advance(25 * time.Hour)
		c = env.Staff(t, "gulou.clerk") // a new day, a new session
		if r := c.PostForm("/console/care/activities/"+m[1]+"/draw", url.Values{}); r.Status != 303 || r.Location != "/console/care/activities/"+m[1] {
			t.Fatalf("draw: HTTP %d → %q", r.Status, r.Location)
		}
		page = c.Get("/console/care/activities/" + m[1])
		contains(t, page.Body, "已中签，待确认", "候补中", "重新摇号原因", "摇号记录", "/console/care/activities/"+m[1]+"/draws",
			"/console/care/activities/"+m[1]+"/attendance")
		for _, list := range []string{"/draws", "/attendance", "?export=xlsx"} {
			x := c.Get("/console/care/activities/" + m[1] + list)
			if x.Status != 200 || !strings.Contains(x.Header.Get("Content-Type"), "spreadsheetml") {
				t.Fatalf("export %s: HTTP %d %s", list, x.Status, x.Header.Get("Content-Type"))
			}
		}
		var winner, loser *apptest.Client
		for _, phone := range ids {
			env.Clock.Advance(61 * time.Second)
			w := env.Worker(t, phone)
			if strings.Contains(w.Get("/portal/services").Body, "已中签，待确认") {
				winner = w
			} else {
				loser = w
			}
		}
		if winner == nil || loser == nil {
			t.Fatal("want one winner and one on the waitlist")
		}
		contains(t, loser.Get("/portal/services").Body, "候补第 1 位")
		body := winner.Get("/portal/services").Body
		sid := regexp.MustCompile(`action="/portal/care/signup/confirm" class="inline"><input type="hidden" name="_csrf" value="[^"]+"><input type="hidden" name="id" value="(\d+)"`).FindStringSubmatch(body)
		if sid == nil {
			t.Fatal("no confirm button for the winner")
		}
		if r := winner.PostForm("/portal/care/signup/confirm", url.Values{"id": {sid[1]}}); r.Status != 303 {
			t.Fatalf("confirm: HTTP %d", r.Status)
		}
		contains(t, winner.Get("/portal/services").Body, "已确认参加")
		winner.PostForm("/portal/care/signup/cancel", url.Values{"id": {sid[1]}})
		contains(t, loser.Get("/portal/services").Body, "已中签，待确认")
	})
}
