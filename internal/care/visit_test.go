package care_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"zhijia/internal/app/apptest"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

// checkinURL reads the QR code's URL off the station's console page.
func checkinURL(t *testing.T, c *apptest.Client, id int64) (path string, q url.Values) {
	t.Helper()
	page := c.Get(fmt.Sprintf("/console/care/stations/%d", id))
	i := strings.Index(page.Body, "/portal/care/checkin?")
	if i < 0 {
		t.Fatal("no check-in URL on the station page")
	}
	raw := page.Body[i:]
	raw = strings.ReplaceAll(raw[:strings.Index(raw, "<")], "&amp;", "&")
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return raw, u.Query()
}

// TestCheckin_PortalRateAndReply: a worker scans the code, confirms, checks in
// once a day, rates the visit; staff see it counted by group and hour and
// reply; the worker reads the reply. A forged code is refused.
func TestCheckin_PortalRateAndReply(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		c := env.Staff(t, "gulou.clerk")
		id := mustStation(t, c, stationForm(env.Info.Tree.Gulou, "凤山路驿站", luoyuan))
		path, q := checkinURL(t, c, id)
		w := env.Worker(t, "13900000001")
		confirm := w.Get(path)
		contains(t, confirm.Body, "凤山路驿站", "确认签到")
		forged := w.Get(fmt.Sprintf("/portal/care/checkin?s=%d&t=%s", id+1, q.Get("t")))
		if forged.Status != http.StatusUnprocessableEntity || !strings.Contains(forged.Body, "二维码无效") {
			t.Fatalf("a code for another station: HTTP %d", forged.Status)
		}
		r := w.PostForm("/portal/care/checkin", url.Values{"s": {q.Get("s")}, "t": {q.Get("t")}})
		if r.Status != 303 || !strings.HasPrefix(r.Location, "/portal/care/visit?id=") {
			t.Fatalf("check in: HTTP %d → %q", r.Status, r.Location)
		}
		visit := r.Location
		again := w.PostForm("/portal/care/checkin", url.Values{"s": {q.Get("s")}, "t": {q.Get("t")}})
		if again.Location != visit {
			t.Fatalf("second scan the same day: → %q, want the first visit %q", again.Location, visit)
		}
		var n int
		db.QueryRow(sys, `SELECT COUNT(*) FROM care_visits WHERE station_id = ?`, id).Scan(&n)
		if n != 1 {
			t.Fatalf("%d visits recorded, want 1", n)
		}
		vid := strings.TrimPrefix(visit, "/portal/care/visit?id=")
		bad := w.PostForm("/portal/care/visit/rate", url.Values{"id": {vid}, "comment": {"很好"}})
		if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "请选择1到5星") || !strings.Contains(bad.Body, "很好") {
			t.Fatalf("rating without stars: HTTP %d", bad.Status)
		}
		if r := w.PostForm("/portal/care/visit/rate", url.Values{"id": {vid}, "rating": {"4"}, "comment": {"热水很方便"}}); r.Status != 303 {
			t.Fatalf("rate: HTTP %d %s", r.Status, r.Body)
		}
		list := c.Get(fmt.Sprintf("/console/care/visits?station=%d", id))
		contains(t, list.Body, "共 1 次到访", "热水很方便", "4/5")
		if r := c.PostForm("/console/care/visits/"+vid+"/reply", url.Values{"reply": {""}}); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("empty reply: HTTP %d", r.Status)
		}
		if r := c.PostForm("/console/care/visits/"+vid+"/reply", url.Values{"reply": {"谢谢您的肯定！"}}); r.Status != 303 {
			t.Fatalf("reply: HTTP %d", r.Status)
		}
		contains(t, w.Get(visit).Body, "谢谢您的肯定！", "您的评分：4 星")
		other := env.Staff(t, "taijiang.clerk")
		if r := other.PostForm("/console/care/visits/"+vid+"/reply", url.Values{"reply": {"越权回复"}}); r.Status != http.StatusNotFound {
			t.Fatalf("sibling district replies: HTTP %d", r.Status)
		}
		var vidN int64
		fmt.Sscan(vid, &vidN)
		if auditCount(t, env, "care.visit.reply", vidN) != 1 {
			t.Error("the reply must be audited once")
		}
	})
}

// TestWorkerAPI_CheckinAndRating covers the worker's API and its error answers.
func TestWorkerAPI_CheckinAndRating(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		c := env.Staff(t, "gulou.clerk")
		id := mustStation(t, c, stationForm(env.Info.Tree.Gulou, "凤山路驿站", luoyuan))
		_, q := checkinURL(t, c, id)
		tok := env.WorkerToken(t, "13900000001")
		body := fmt.Sprintf(`{"station_id":%d,"token":%q}`, id, q.Get("t"))
		r := env.API(t, tok, http.MethodPost, "/api/v1/my/care/checkins", "", body)
		var v struct {
			ID          int64  `json:"id"`
			StationName string `json:"station_name"`
			Again       bool   `json:"already_checked_in"`
		}
		if r.Status != http.StatusCreated || json.Unmarshal(r.Raw, &v) != nil || v.StationName != "凤山路驿站" {
			t.Fatalf("check in: HTTP %d %s", r.Status, r.Body)
		}
		r = env.API(t, tok, http.MethodPost, "/api/v1/my/care/checkins", "", body)
		if r.Status != http.StatusOK || !strings.Contains(r.Body, `"already_checked_in":true`) {
			t.Fatalf("second check-in: HTTP %d %s", r.Status, r.Body)
		}
		for _, b := range []string{fmt.Sprintf(`{"station_id":%d,"token":"forged"}`, id), `{"station_id":999999,"token":"x"}`} {
			if r := env.API(t, tok, http.MethodPost, "/api/v1/my/care/checkins", "", b); r.Status != http.StatusUnprocessableEntity {
				t.Errorf("check in with %s: HTTP %d, want 422", b, r.Status)
			}
		}
		if r := env.API(t, tok, http.MethodPost, "/api/v1/my/care/checkins", "", `{"station":1}`); r.Status != http.StatusBadRequest && r.Status != http.StatusUnprocessableEntity {
			t.Errorf("unknown field: HTTP %d", r.Status)
		}
		rate := fmt.Sprintf("/api/v1/my/care/visits/%d/rating", v.ID)
		if r := env.API(t, tok, http.MethodPost, rate, "", `{"rating":9}`); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "rating") {
			t.Errorf("rating 9: HTTP %d %s", r.Status, r.Body)
		}
		if r := env.API(t, tok, http.MethodPost, rate, "", `{"rating":5,"comment":"好"}`); r.Status != http.StatusOK || !strings.Contains(r.Body, `"rating":5`) {
			t.Fatalf("rate: HTTP %d %s", r.Status, r.Body)
		}
		if r := env.API(t, tok, http.MethodPost, rate, "", `{"rating":3}`); r.Status != http.StatusConflict {
			t.Errorf("rating twice: HTTP %d, want 409", r.Status)
		}
		other := env.WorkerToken(t, "13900000002")
		if r := env.API(t, other, http.MethodPost, rate, "", `{"rating":3}`); r.Status != http.StatusNotFound {
			t.Errorf("rating another worker's visit: HTTP %d, want 404", r.Status)
		}
		r = env.API(t, tok, http.MethodGet, "/api/v1/my/care/visits", "", "")
		if r.Status != 200 || !strings.Contains(r.Body, `"total":1`) {
			t.Fatalf("my visits: HTTP %d %s", r.Status, r.Body)
		}
		staff := staffToken(t, env, "gulou.clerk")
		if r := env.API(t, staff, http.MethodGet, fmt.Sprintf("/api/v1/care/stations/%d", id), "", ""); r.Status != 200 || !strings.Contains(r.Body, `"gcj02"`) {
			t.Fatalf("staff station API: HTTP %d %s", r.Status, r.Body)
		}
		sib := staffToken(t, env, "taijiang.clerk")
		if r := env.API(t, sib, http.MethodGet, fmt.Sprintf("/api/v1/care/stations/%d", id), "", ""); r.Status != http.StatusNotFound {
			t.Fatalf("sibling's station API: HTTP %d", r.Status)
		}
	})
}

// TestCoverage_UnionsWithinReach: a union whose workplace lies 500 m from a
// station is covered; one 2 km away is not; a closure today uncovers it.
func TestCoverage_UnionsWithinReach(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		c := env.Staff(t, "grass.clerk") // a grassroots union's clerk: its subtree is one union
		var emp int64
		if err := db.QueryRow(sys, `SELECT employer_id FROM orgs WHERE id = ?`, env.Info.Tree.Gulou).Scan(&emp); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(sys, `UPDATE employers SET lat = ?, lng = ? WHERE id = ?`, luoyuan.Lat, luoyuan.Lng, emp); err != nil {
			t.Fatal(err)
		}
		page := c.Get("/console/care/coverage")
		contains(t, page.Body, "0.0%")
		id := mustStation(t, c, stationForm(env.Info.Tree.Gulou, "凤山路驿站", offset(luoyuan, 500, 0)))
		page = c.Get("/console/care/coverage")
		contains(t, page.Body, "100.0%", "基层工会被覆盖（1 / 1）")
		today := env.Clock.Now().In(platform.Shanghai).Format("2006-01-02")
		c.PostForm(fmt.Sprintf("/console/care/stations/%d/closures", id), url.Values{"from": {today}, "to": {today}, "reason": {"检修"}})
		page = c.Get("/console/care/coverage")
		contains(t, page.Body, "基层工会被覆盖（0 / 1）")
		x := c.Get("/console/care/coverage?export=xlsx")
		if x.Status != 200 {
			t.Fatalf("coverage export: HTTP %d", x.Status)
		}
	})
}
