package app_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

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
	openID, checkin := careStation(t, env, staff, "西兰大道职工驿站", east(400))
	carePhoto(t, staff, openID)
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
	wantImagesLoaded(t, ctx, ".care-hits img.care-cover", 1)
	shot(t, ctx, "care-03-open-now")
	press(t, ctx, `.care-hits a[href^="/portal/care/station?id="]`, true)
	wantText(t, ctx, "main", "西兰大道职工驿站", "24小时开放", "饮水")
	wantImagesLoaded(t, ctx, ".care-photos img", 1)
	shot(t, ctx, "care-03b-station-photos")

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

// TestBrowser_CareStationPhotoUpload: a district clerk chooses a photo on
// the station page and uploads it; a text file named .jpg is refused on the
// field with the reason in Chinese.
func TestBrowser_CareStationPhotoUpload(t *testing.T) {
	ctx, _ := newBrowser(t, false)
	env := apptest.New(t, dbtest.SQLite(t))
	id, _ := careStation(t, env, env.Staff(t, "gulou.clerk"), "西兰大道职工驿站", care.Point{Lat: 26.49, Lng: 119.55})
	signInStaff(t, ctx, env, "gulou.clerk")
	page := fmt.Sprintf("/console/care/stations/%d", id)
	open(t, ctx, env, page)
	wantText(t, ctx, "#photos", "暂无照片")
	dir := t.TempDir()
	fake := filepath.Join(dir, "门头.jpg")
	if err := os.WriteFile(fake, []byte("这不是照片，只是一段改了扩展名的文字。"), 0o600); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "choose a text file named .jpg", chromedp.SetUploadFiles(chromedp.CSS(`input[name=photo]`), []string{fake}))
	submit(t, ctx, page+"/photos")
	wantText(t, ctx, "#photos", "只能上传 JPG 或 PNG 格式的照片")
	shot(t, ctx, "care-photo-01-refused")
	real := filepath.Join(dir, "门头.png")
	if err := os.WriteFile(real, stationPNG(t), 0o600); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "choose a PNG", chromedp.SetUploadFiles(chromedp.CSS(`input[name=photo]`), []string{real}))
	submit(t, ctx, page+"/photos")
	wantText(t, ctx, "main", "照片已上传")
	wantImagesLoaded(t, ctx, "#photos img", 1)
	shot(t, ctx, "care-photo-02-uploaded")
}

// carePhoto uploads a PNG to a station through the console, as its form does.
func carePhoto(t *testing.T, c *apptest.Client, station int64) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("_csrf", c.CSRF)
	fw, _ := mw.CreateFormFile("photo", "门头.png")
	fw.Write(stationPNG(t))
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/console/care/stations/%d/photos", c.Base, station), &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", c.Base)
	if r := c.Do(req); r.Status != http.StatusSeeOther {
		t.Fatalf("station photo: HTTP %d %s", r.Status, r.Body)
	}
}

// stationPNG is a 160×120 PNG in union red with a white band, made with image/png.
func stationPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 160, 120))
	for x := 0; x < 160; x++ {
		for y := 0; y < 120; y++ {
			c := color.RGBA{200, 22, 29, 255}
			if y > 50 && y < 70 {
				c = color.RGBA{255, 255, 255, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// wantImagesLoaded checks at least n images match sel and every one has
// loaded (the browser decoded it).
func wantImagesLoaded(t *testing.T, ctx context.Context, sel string, n int) {
	t.Helper()
	js := `(async () => { const ims = [...document.querySelectorAll(` + strconv.Quote(sel) + `)];
		await Promise.all(ims.map(i => i.complete ? 0 : new Promise(r => { i.onload = i.onerror = r; })));
		return [ims.length, ims.filter(i => i.naturalWidth > 0).length]; })()`
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](js, chromedp.EvalAwaitPromise))
	if err != nil || len(got) != 2 {
		t.Fatalf("images %s: %v", sel, err)
	}
	if total, loaded := got[0], got[1]; total < n || loaded != total {
		t.Fatalf("images %s: %d of %d loaded, want at least %d, all loaded", sel, loaded, total, n)
	}
}

// TestBrowser_CareActivitySignUpDrawConfirm: on a phone, a worker signs up for
// an activity from the 服务 tab; after the close, staff run the draw; the
// worker sees the place offered and confirms it.
func TestBrowser_CareActivitySignUpDrawConfirm(t *testing.T) {
	ctx, _ := newBrowser(t, true)
	env := apptest.New(t, dbtest.SQLite(t))
	staff := env.Staff(t, "gulou.clerk")
	now := env.Clock.Now().In(platform.Shanghai)
	r := staff.PostForm("/console/care/activities", url.Values{"org_id": {fmt.Sprint(env.Info.Tree.Districts["350102"])},
		"kind": {"mixer"}, "title": {"鼓楼区青年职工交友联谊会"}, "opens_at": {now.Add(-time.Hour).Format("2006-01-02 15:04")},
		"closes_at": {now.Add(10 * time.Minute).Format("2006-01-02 15:04")}, "confirm_days": {"3"}, "sessions": {"闽江之心场:20"}})
	if r.Status != 303 || !strings.HasPrefix(r.Location, "/console/care/activities/") {
		t.Fatalf("publish: HTTP %d %s", r.Status, r.Body)
	}
	activity := r.Location

	signInWorker(t, ctx, env, "13900000001")
	open(t, ctx, env, "/portal/services")
	wantText(t, ctx, "#activities", "鼓楼区青年职工交友联谊会")
	press(t, ctx, `#activities a`, true)
	wantText(t, ctx, "main", "闽江之心场", "摇号随机种子摘要")
	shot(t, ctx, "care-activity-01-sign-up")
	press(t, ctx, `form[action="/portal/care/signup"] button[type=submit]`, true)
	wantText(t, ctx, "main", "报名成功", "已报名，待摇号")
	shot(t, ctx, "care-activity-02-signed-up")

	env.Clock.Advance(11 * time.Minute) // sign-up has closed; the worker's session is still fresh
	staff = env.Staff(t, "gulou.clerk")
	if r := staff.PostForm(activity+"/draw", url.Values{}); r.Status != 303 || r.Location != activity {
		t.Fatalf("draw: HTTP %d → %q", r.Status, r.Location)
	}
	open(t, ctx, env, "/portal/services")
	wantText(t, ctx, "#my-activities", "已中签，待确认", "请在")
	shot(t, ctx, "care-activity-03-offered")
	press(t, ctx, `form[action="/portal/care/signup/confirm"] button[type=submit]`, true)
	wantText(t, ctx, "main", "已确认参加")
	shot(t, ctx, "care-activity-04-confirmed")
}
