package app_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"zhijia/internal/app/apptest"
	"zhijia/internal/care"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

// careStation registers a 24-hour station at pos (GCJ-02) through the console
// and returns the check-in path its QR code carries.
func careStation(t *testing.T, env *apptest.Env, c *apptest.Client, name string, pos care.Point) (id int64, checkin string) {
	t.Helper()
	r := c.PostForm("/console/care/stations", url.Values{"org_id": {fmt.Sprint(env.Info.Tree.Gulou)}, "name": {name},
		"address": {"罗源县凤山路1号"}, "coords": {pos.String()}, "all_day": {"1"}, "facilities": {"water", "charging"}})
	m := regexp.MustCompile(`/console/care/stations/(\d+)$`).FindStringSubmatch(r.Location)
	if m == nil {
		t.Fatalf("station %s: HTTP %d %s", name, r.Status, r.Body)
	}
	fmt.Sscan(m[1], &id)
	page := c.Get(r.Location).Body
	i := strings.Index(page, "/portal/care/checkin?")
	checkin = strings.ReplaceAll(page[i:i+strings.Index(page[i:], "<")], "&amp;", "&")
	return id, checkin
}

// TestBrowser_CareNearestOpenStationCheckin: on a phone with a mocked GPS
// position, a worker taps "use my position", narrows the circle to stations
// open now, finds the nearest open one, scans its code and checks in, then
// rates the visit.
func TestBrowser_CareNearestOpenStationCheckin(t *testing.T) {
	ctx, _ := newBrowser(t, true)
	env := apptest.New(t, dbtest.SQLite(t))
	staff := env.Staff(t, "gulou.clerk")
	spot := care.Point{Lat: 26.4900, Lng: 119.5500} // 罗源县: no demo stations nearby
	east := func(m float64) care.Point {
		return care.Point{Lat: spot.Lat, Lng: spot.Lng + m/(111319.49*0.8949)}
	}
	closedID, _ := careStation(t, env, staff, "凤山路暖心驿站", east(150))
	_, checkin := careStation(t, env, staff, "西兰大道职工驿站", east(400))
	today := env.Clock.Now().In(platform.Shanghai).Format("2006-01-02")
	if r := staff.PostForm(fmt.Sprintf("/console/care/stations/%d/closures", closedID),
		url.Values{"from": {today}, "to": {today}, "reason": {"设备检修"}}); r.Status != 303 {
		t.Fatalf("closure: HTTP %d", r.Status)
	}

	phone := care.GCJToWGS(spot) // the GPS reports WGS-84
	lat, lng, acc := phone.Lat, phone.Lng, 10.0
	if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
		Permission: &browser.PermissionDescriptor{Name: "geolocation"}, Setting: browser.PermissionSettingGranted}); err != nil {
		t.Fatalf("grant geolocation: %v", err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetGeolocationOverride,
		emulation.SetGeolocationOverrideParams{Latitude: &lat, Longitude: &lng, Accuracy: &acc}); err != nil {
		t.Fatalf("mock the position: %v", err)
	}
	signInWorker(t, ctx, env, "13900000001")

	open(t, ctx, env, "/portal/services")
	wantText(t, ctx, "main", "十分钟服务圈", "使用我的位置")
	shot(t, ctx, "care-01-services")
	press(t, ctx, "#care-locate", true)
	wantText(t, ctx, "main", "附近有 2 个驿站（800 米内）", "凤山路暖心驿站", "暂未开放", "西兰大道职工驿站", "400 m")
	shot(t, ctx, "care-02-circle")

	do(t, ctx, "tick open now", chromedp.Click(chromedp.CSS(`input[name=open][type=checkbox]`)))
	press(t, ctx, `form:not(#care-locate-form) button[type=submit]`, true)
	first := textOf(t, ctx, ".care-hits li")
	if !strings.Contains(first, "西兰大道职工驿站") || !strings.Contains(first, "营业中") {
		t.Fatalf("nearest open station: %q", first)
	}
	if strings.Contains(textOf(t, ctx, "main"), "凤山路暖心驿站") {
		t.Fatal("the closed station is still listed with 'open now'")
	}
	shot(t, ctx, "care-03-open-now")

	open(t, ctx, env, checkin) // what scanning the station's QR code opens
	wantText(t, ctx, "main", "西兰大道职工驿站", "确认签到")
	press(t, ctx, `form[action="/portal/care/checkin"] button[type=submit]`, true)
	wantText(t, ctx, "main", "签到成功", "西兰大道职工驿站")
	shot(t, ctx, "care-04-checked-in")

	do(t, ctx, "five stars", chromedp.Click(chromedp.CSS(`input[name=rating][value="5"]`)))
	fill(t, ctx, `textarea[name=comment]`, "热水和充电都很方便")
	press(t, ctx, `form[action="/portal/care/visit/rate"] button[type=submit]`, true)
	wantText(t, ctx, "main", "感谢您的评价", "您的评分：5 星", "热水和充电都很方便")
	shot(t, ctx, "care-05-rated")
}
