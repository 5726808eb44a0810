package learning_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zhijia/internal/app/apptest"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

// createLecture fills the new-event form as 鼓楼's clerk; the event starts in
// ten minutes and lasts an hour. It returns the event's page path.
func createLecture(t *testing.T, env *apptest.Env, clerk *apptest.Client) string {
	t.Helper()
	want(t, clerk.Get("/console/learning/events/new"), http.StatusOK, "主办工会", "食堂")
	start := env.Clock.Now().Add(10 * time.Minute).In(platform.Shanghai)
	form := url.Values{"kind": {"lecture"}, "title": {"五月风讲堂：劳模说安全"}, "host_name": {"林建华"}, "venue": {"canteen"},
		"place": {"二楼食堂"}, "starts": {start.Format("2006-01-02T15:04")}, "ends": {start.Add(time.Hour).Format("2006-01-02T15:04")},
		"org_id": {fmtID(env.Info.Tree.Districts["350102"])}}
	r := clerk.PostForm("/console/learning/events", form)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/console/learning/events/") {
		t.Fatalf("create event: %d → %q %s", r.Status, r.Location, r.Body)
	}
	return r.Location
}

func fmtID(id int64) string { return strconvI(id) }

func TestEventPages_CreateCheckInByCodeTickAndExport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		clerk := env.Staff(t, "gulou.clerk")
		r := clerk.PostForm("/console/learning/events", url.Values{"kind": {"lecture"}, "title": {"只填了名称"}, "venue": {"online"}})
		want(t, r, http.StatusUnprocessableEntity, "请填写主讲人姓名", "请填写开始时间", `value="只填了名称"`)
		page := createLecture(t, env, clerk)
		want(t, clerk.Get(page), http.StatusOK, "活动已创建", "五月风讲堂：劳模说安全", "林建华", "食堂 二楼食堂", "还没有人签到")
		screen := clerk.Get(page + "/checkin")
		want(t, screen, http.StatusOK, "data:image/png;base64,", "每 30 秒自动更换")
		if screen.Header.Get("Refresh") != "30" {
			t.Fatalf("the check-in screen does not refresh itself: %q", screen.Header.Get("Refresh"))
		}
		link := regexp.MustCompile(`id="checkin-link" href="([^"]+)"`).FindStringSubmatch(screen.Body)
		if link == nil {
			t.Fatal("no check-in link on the screen")
		}
		u, _ := url.Parse(strings.ReplaceAll(link[1], "&amp;", "&"))
		worker := env.Worker(t, "13900000001")
		confirm := worker.Get(u.Path + "?" + u.RawQuery)
		want(t, confirm, http.StatusOK, "五月风讲堂：劳模说安全", "确认签到")
		r = worker.PostForm("/portal/learning/checkin", url.Values{"t": {u.Query().Get("t")}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("check in: %d %s", r.Status, r.Body)
		}
		want(t, worker.Get(r.Location), http.StatusOK, "签到成功，积分已到账", "已签到")
		want(t, worker.PostForm("/portal/learning/checkin", url.Values{"t": {u.Query().Get("t")}}), http.StatusConflict, "已经签到过了")
		tab := worker.Get("/portal/learning")
		want(t, tab, http.StatusOK, "活动签到：五月风讲堂", "+5")

		// A copied code, two minutes later, is refused for the next worker.
		env.Clock.Advance(2 * time.Minute)
		other := env.Worker(t, "13900000002")
		want(t, other.PostForm("/portal/learning/checkin", url.Values{"t": {u.Query().Get("t")}}), http.StatusConflict, "签到码已过期")
		want(t, other.Get("/portal/learning/checkin?t=1.2.3"), http.StatusUnprocessableEntity, "签到码无效")

		// Roster: the clerk ticks a worker without a phone by registry number.
		var id int64
		db.QueryRow(context.Background(), `SELECT id FROM workers WHERE name = '林秀英'`).Scan(&id)
		want(t, clerk.PostForm(page+"/tick", url.Values{"worker_id": {"999999"}}), http.StatusUnprocessableEntity, "您管辖范围内没有这个职工编号", `value="999999"`)
		if r := clerk.PostForm(page+"/tick", url.Values{"worker_id": {fmtID(id)}}); r.Status != http.StatusSeeOther {
			t.Fatalf("tick: %d %s", r.Status, r.Body)
		}
		show := clerk.Get(page)
		want(t, show, http.StatusOK, "已代签到", "陈*明", "扫码签到", "林*英", "代签到（刘芳）")
		x := clerk.Get(page + "?export=xlsx")
		f, err := excelize.OpenReader(strings.NewReader(x.Body))
		if err != nil {
			t.Fatalf("attendance export: %v", err)
		}
		rows, _ := f.GetRows(f.GetSheetName(0))
		if len(rows) != 3 || rows[0][0] != "姓名" {
			t.Fatalf("attendance export rows %v", rows)
		}
		// After the event the clerk records a summary; a sibling district sees nothing.
		r = clerk.PostForm(page+"/summary", url.Values{"summary": {"到会 2 人，反响热烈。"}})
		want(t, clerk.Get(r.Location), http.StatusOK, "活动小结已保存", "到会 2 人，反响热烈。")
		if r := env.Staff(t, "taijiang.clerk").Get(page); r.Status != http.StatusNotFound {
			t.Fatalf("台江 opens a 鼓楼 event: %d", r.Status)
		}
		want(t, clerk.Get("/console/learning/events?kind=lecture"), http.StatusOK, "五月风讲堂：劳模说安全", "2")
	})
}

func strconvI(id int64) string { return strconv.FormatInt(id, 10) }
