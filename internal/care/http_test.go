package care_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"zhijia/internal/app/apptest"
	"zhijia/internal/care"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

// TestStationForm_BadInputKeptAndExplained: wrong coordinates and hours are
// named on their fields, the page keeps what was typed, nothing is stored.
func TestStationForm_BadInputKeptAndExplained(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		c := env.Staff(t, "gulou.clerk")
		form := stationForm(env.Info.Tree.Districts["350102"], "凤山路驿站", luoyuan)
		form.Set("coords", "119.55,26.49x")
		form.Del("all_day")
		form.Set("day2", "8-20")
		form.Set("phone", "call me")
		r := c.PostForm("/console/care/stations", form)
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad form: HTTP %d, want 422", r.Status)
		}
		contains(t, r.Body, "请填写国内的 GCJ-02 坐标", "时间格式应为 08:00-20:00", "电话号码格式不正确",
			`value="119.55,26.49x"`, `value="8-20"`, `value="凤山路驿站"`)
		form.Set("org_id", fmt.Sprint(env.Info.Tree.Districts["350103"])) // a sibling district
		form.Set("coords", luoyuan.String())
		form.Set("day2", "08:00-20:00")
		form.Set("phone", "")
		r = c.PostForm("/console/care/stations", form)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "请选择您管辖范围内的工会") {
			t.Fatalf("station under a sibling: HTTP %d, want 422 with the union refused", r.Status)
		}
		var n int
		db.QueryRow(sys, `SELECT COUNT(*) FROM care_stations WHERE name = '凤山路驿站'`).Scan(&n)
		if n != 0 {
			t.Fatalf("%d stations stored from refused forms", n)
		}
	})
}

// TestStation_CreateEditRetireAudited: a district clerk registers, edits and
// retires a station, each audited; a sibling district's clerk cannot see it.
func TestStation_CreateEditRetireAudited(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		c := env.Staff(t, "gulou.clerk")
		id := mustStation(t, c, stationForm(env.Info.Tree.Gulou, "凤山路驿站", luoyuan))
		page := c.Get(fmt.Sprintf("/console/care/stations/%d", id))
		contains(t, page.Body, "凤山路驿站", "24小时开放", "饮水", "充电", "法律咨询", "快递员", luoyuan.String(), "/portal/care/checkin?s=")
		if qr := c.Get(fmt.Sprintf("/console/care/stations/%d/qr.png", id)); qr.Status != 200 || qr.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("QR code: HTTP %d %s", qr.Status, qr.Header.Get("Content-Type"))
		}
		form := stationForm(env.Info.Tree.Gulou, "凤山路职工驿站", offset(luoyuan, 100, 0))
		form.Del("all_day")
		for d := 0; d < 7; d++ {
			form.Set(fmt.Sprintf("day%d", d), "08:00-12:00,14:00-18:00")
		}
		form.Set("version", "1")
		if r := c.PostForm(fmt.Sprintf("/console/care/stations/%d", id), form); r.Status != 303 {
			t.Fatalf("edit: HTTP %d: %s", r.Status, r.Body)
		}
		if r := c.PostForm(fmt.Sprintf("/console/care/stations/%d", id), form); r.Status != http.StatusConflict || !strings.Contains(r.Body, "已被他人修改") {
			t.Fatalf("edit with a stale version: HTTP %d, want 409", r.Status)
		}
		page = c.Get(fmt.Sprintf("/console/care/stations/%d", id))
		contains(t, page.Body, "凤山路职工驿站", "08:00-12:00,14:00-18:00")
		if r := c.PostForm(fmt.Sprintf("/console/care/stations/%d/status", id), url.Values{"status": {"retired"}}); r.Status != 303 {
			t.Fatalf("retire: HTTP %d", r.Status)
		}
		for _, a := range []string{"care.station.create", "care.station.update", "care.station.retired"} {
			if auditCount(t, env, a, id) != 1 {
				t.Errorf("audit rows for %s: want 1", a)
			}
		}
		other := env.Staff(t, "taijiang.clerk")
		if r := other.Get(fmt.Sprintf("/console/care/stations/%d", id)); r.Status != http.StatusNotFound {
			t.Fatalf("sibling district clerk sees the station: HTTP %d", r.Status)
		}
		list := other.Get("/console/care/stations?q=凤山路")
		if strings.Contains(list.Body, "凤山路职工驿站") {
			t.Fatal("sibling district clerk's list shows the station")
		}
		x := c.Get("/console/care/stations?q=凤山路&export=xlsx")
		if x.Status != 200 || !strings.Contains(x.Header.Get("Content-Type"), "spreadsheet") {
			t.Fatalf("export: HTTP %d %s", x.Status, x.Header.Get("Content-Type"))
		}
	})
}

type circleJSON struct {
	Radius int `json:"radius_m"`
	Within []struct {
		Station  struct{ ID int64 }
		Distance int  `json:"distance_m"`
		Open     bool `json:"open_now"`
	} `json:"within"`
	Nearest []struct {
		Station  struct{ ID int64 }
		Distance int `json:"distance_m"`
	} `json:"nearest"`
}

func circle(t *testing.T, env *apptest.Env, tok, query string) circleJSON {
	t.Helper()
	r := env.API(t, tok, http.MethodGet, "/api/v1/my/care/stations?"+query, "", "")
	var out circleJSON
	if r.Status != 200 || json.Unmarshal(r.Raw, &out) != nil {
		t.Fatalf("circle %s: HTTP %d %s", query, r.Status, r.Body)
	}
	return out
}

// TestCircle_ConvertsPhonePositionToGCJ: a phone reports WGS-84; a station
// 700 m east of the worker in GCJ-02 terms is found 700 m away, although the
// raw WGS-84 numbers lie hundreds of metres from it.
func TestCircle_ConvertsPhonePositionToGCJ(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		c := env.Staff(t, "gulou.clerk")
		near := mustStation(t, c, stationForm(env.Info.Tree.Gulou, "七百米驿站", offset(luoyuan, 0, 700)))
		far := mustStation(t, c, stationForm(env.Info.Tree.Gulou, "九百米驿站", offset(luoyuan, 0, -900)))
		phone := care.GCJToWGS(luoyuan) // what the phone's GPS says where the worker stands
		if d := care.Distance(phone, offset(luoyuan, 0, 700)); d > 600 && d < 800 {
			t.Fatalf("test set-up: raw datums should disagree, got %.0f m", d)
		}
		tok := env.WorkerToken(t, "13900000001")
		got := circle(t, env, tok, fmt.Sprintf("lat=%.6f&lng=%.6f", phone.Lat, phone.Lng))
		if len(got.Within) != 1 || got.Within[0].Station.ID != near || got.Within[0].Distance < 699 || got.Within[0].Distance > 701 {
			t.Fatalf("within 800 m: %+v, want station %d at 700 m", got.Within, near)
		}
		got = circle(t, env, tok, fmt.Sprintf("lat=%.6f&lng=%.6f&radius=1000", phone.Lat, phone.Lng))
		if len(got.Within) != 2 || got.Within[1].Station.ID != far || got.Within[1].Distance != 900 {
			t.Fatalf("within 1000 m: %+v", got.Within)
		}
		away := care.GCJToWGS(offset(luoyuan, 3000, 0))
		got = circle(t, env, tok, fmt.Sprintf("lat=%.6f&lng=%.6f", away.Lat, away.Lng))
		if len(got.Within) != 0 || len(got.Nearest) != 5 || got.Nearest[0].Distance < 3000 {
			t.Fatalf("3 km away: within %d, nearest %+v; want none within and the nearest five", len(got.Within), got.Nearest)
		}
		for _, q := range []string{"lat=abc&lng=119", "lat=26.4&lng=119&radius=0", "lat=26.4&lng=119&radius=99999", "lng=119"} {
			if r := env.API(t, tok, http.MethodGet, "/api/v1/my/care/stations?"+q, "", ""); r.Status != http.StatusUnprocessableEntity {
				t.Errorf("circle %s: HTTP %d, want 422", q, r.Status)
			}
		}
	})
}

// TestCircle_ClosureAndFilters: a temporary closure today marks the station
// closed (and drops it with "open now"), facility filters narrow the list,
// and taking the closure back opens it again.
func TestCircle_ClosureAndFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		c := env.Staff(t, "gulou.clerk")
		a := mustStation(t, c, stationForm(env.Info.Tree.Gulou, "甲驿站", offset(luoyuan, 0, 200)))
		bForm := stationForm(env.Info.Tree.Gulou, "乙驿站", offset(luoyuan, 0, 300))
		bForm["facilities"] = []string{"water", "meals"}
		b := mustStation(t, c, bForm)
		today := env.Clock.Now().In(platform.Shanghai).Format("2006-01-02")
		r := c.PostForm(fmt.Sprintf("/console/care/stations/%d/closures", a), url.Values{"from": {today}, "to": {"2020-01-01"}, "reason": {"检修"}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "结束日期不能早于开始日期") {
			t.Fatalf("closure ending before it starts: HTTP %d", r.Status)
		}
		if r := c.PostForm(fmt.Sprintf("/console/care/stations/%d/closures", a), url.Values{"from": {today}, "to": {today}, "reason": {"检修"}}); r.Status != 303 {
			t.Fatalf("closure: HTTP %d %s", r.Status, r.Body)
		}
		tok := env.WorkerToken(t, "13900000001")
		p := care.GCJToWGS(luoyuan)
		base := fmt.Sprintf("lat=%.6f&lng=%.6f", p.Lat, p.Lng)
		got := circle(t, env, tok, base)
		if len(got.Within) != 2 || got.Within[0].Station.ID != a || got.Within[0].Open || !got.Within[1].Open {
			t.Fatalf("with a closure today: %+v", got.Within)
		}
		if got = circle(t, env, tok, base+"&open=1"); len(got.Within) != 1 || got.Within[0].Station.ID != b {
			t.Fatalf("open now: %+v", got.Within)
		}
		if got = circle(t, env, tok, base+"&need=meals"); len(got.Within) != 1 || got.Within[0].Station.ID != b {
			t.Fatalf("need meals: %+v", got.Within)
		}
		var cid int64
		db.QueryRow(sys, `SELECT id FROM care_station_closures WHERE station_id = ?`, a).Scan(&cid)
		if r := c.PostForm(fmt.Sprintf("/console/care/closures/%d/delete", cid), url.Values{}); r.Status != 303 {
			t.Fatalf("remove closure: HTTP %d", r.Status)
		}
		if got = circle(t, env, tok, base+"&open=1"); len(got.Within) != 2 {
			t.Fatalf("after the closure is taken back: %+v", got.Within)
		}
		if auditCount(t, env, "care.station.close", a) != 1 || auditCount(t, env, "care.station.reopen", a) != 1 {
			t.Error("closure and its removal must be audited")
		}
	})
}

// TestPortalServices_PositionDistrictAndMap: the 服务 tab lists the circle
// from a phone position with a drawn map and map-app links, falls back to a
// district, and explains a bad position.
func TestPortalServices_PositionDistrictAndMap(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		c := env.Staff(t, "gulou.clerk")
		mustStation(t, c, stationForm(env.Info.Tree.Gulou, "凤山路驿站", offset(luoyuan, 0, 300)))
		w := env.Worker(t, "13900000001")
		p := care.GCJToWGS(luoyuan)
		r := w.Get(fmt.Sprintf("/portal/services?lat=%.6f&lng=%.6f", p.Lat, p.Lng))
		contains(t, r.Body, "附近有 1 个驿站（800 米内）", "凤山路驿站", "300 m", "<svg", "geo:", "uri.amap.com", "/care/static/circle.js", "申请加入工会")
		if strings.Contains(r.Body, "<script>") {
			t.Error("inline script on the services tab")
		}
		r = w.Get("/portal/services?lat=26.4&lng=")
		contains(t, r.Body, "位置无效")
		r = w.Get("/portal/services")
		contains(t, r.Body, "使用我的位置", "或选择区域", "鼓楼区总工会")
		r = w.Get(fmt.Sprintf("/portal/services?district=%d", env.Info.Tree.Districts["350102"]))
		contains(t, r.Body, "<svg")
		if !strings.Contains(r.Body, "附近有") && !strings.Contains(r.Body, "以下是离您最近的驿站") {
			t.Error("a district's centre lists no stations")
		}
		js := env.NewClient(t).Get("/care/static/circle.js")
		if js.Status != 200 || !strings.Contains(js.Body, "getCurrentPosition") {
			t.Fatalf("circle.js: HTTP %d", js.Status)
		}
	})
}
