package care_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"zhijia/internal/app/apptest"
	"zhijia/internal/care"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

// TestStationPhotos_UploadShowRemove: a district clerk uploads a station photo
// on the station page (a text file named .jpg is refused on the field, in
// Chinese); the photo shows in the console, on the worker's station card and
// station page, never to a sibling district's clerk, and not to workers once
// the station is retired (the worker API alike); removing it is audited like
// the upload.
func TestStationPhotos_UploadShowRemove(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		c := env.Staff(t, "gulou.clerk")
		id := mustStation(t, c, stationForm(env.Info.Tree.Gulou, "凤山路驿站", offset(luoyuan, 0, 300)))
		page := fmt.Sprintf("/console/care/stations/%d", id)
		contains(t, c.Get(page).Body, `enctype="multipart/form-data"`, `name="photo"`, `accept="image/jpeg,image/png"`, "暂无照片")

		r := postPhoto(t, c, page+"/photos", "门头.jpg", []byte("这不是照片，只是一段改了扩展名的文字。"))
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("text named .jpg: HTTP %d, want 422", r.Status)
		}
		contains(t, r.Body, "只能上传 JPG 或 PNG 格式的照片", `aria-invalid="true"`, "凤山路驿站")
		r = postPhoto(t, c, page+"/photos", "门头.png", redPNG(t))
		if r.Status != http.StatusSeeOther || r.Location != page+"#photos" {
			t.Fatalf("upload: HTTP %d → %q: %s", r.Status, r.Location, r.Body)
		}
		m := regexp.MustCompile(`/console/care/photos/(\d+)`).FindStringSubmatch(c.Get(page).Body)
		if m == nil {
			t.Fatal("the station page shows no photo")
		}
		pid := m[1]
		img := c.Get("/console/care/photos/" + pid)
		if img.Status != 200 || img.Header.Get("Content-Type") != "image/png" || img.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("photo in the console: HTTP %d %s", img.Status, img.Header.Get("Content-Type"))
		}
		if auditCount(t, env, "photo.add", id) != 1 {
			t.Error("the upload is not audited against the station")
		}

		other := env.Staff(t, "taijiang.clerk")
		other.Get("/console/care/stations")
		if r := other.Get("/console/care/photos/" + pid); r.Status != http.StatusNotFound {
			t.Fatalf("a sibling district's clerk sees the photo: HTTP %d", r.Status)
		}
		if r := postPhoto(t, other, page+"/photos", "门头.png", redPNG(t)); r.Status != http.StatusNotFound {
			t.Fatalf("a sibling district's clerk uploads: HTTP %d", r.Status)
		}
		if r := other.PostForm(page+"/photos/remove", url.Values{"photo_id": {pid}}); r.Status != http.StatusNotFound {
			t.Fatalf("a sibling district's clerk removes: HTTP %d", r.Status)
		}

		w := env.Worker(t, "13900000001")
		p := care.GCJToWGS(luoyuan)
		card := w.Get(fmt.Sprintf("/portal/services?lat=%.6f&lng=%.6f", p.Lat, p.Lng))
		contains(t, card.Body, "凤山路驿站", "/portal/care/photo?id="+pid, fmt.Sprintf("/portal/care/station?id=%d", id))
		contains(t, w.Get(fmt.Sprintf("/portal/care/station?id=%d", id)).Body, "凤山路驿站", "/portal/care/photo?id="+pid, "法律咨询")
		if r := w.Get("/portal/care/photo?id=" + pid); r.Status != 200 || r.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("photo on the portal: HTTP %d %s", r.Status, r.Header.Get("Content-Type"))
		}
		if r := env.NewClient(t).Get("/portal/care/photo?id=" + pid); r.Status == 200 {
			t.Fatal("an anonymous visitor gets the photo")
		}

		tok := env.WorkerToken(t, "13900000002")
		api := env.API(t, tok, http.MethodGet, fmt.Sprintf("/api/v1/my/care/stations?lat=%.6f&lng=%.6f", p.Lat, p.Lng), "", "")
		contains(t, api.Body, `"photo_ids":[`+pid+`]`)
		if r := env.API(t, tok, http.MethodGet, "/api/v1/my/care/photos/"+pid, "", ""); r.Status != 200 || r.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("photo by API: HTTP %d %s", r.Status, r.Header.Get("Content-Type"))
		}
		if r := env.API(t, tok, http.MethodGet, "/api/v1/my/care/photos/999999", "", ""); r.Status != http.StatusNotFound {
			t.Fatalf("an unknown photo by API: HTTP %d", r.Status)
		}

		c.PostForm(page+"/status", url.Values{"status": {"retired"}})
		if r := env.API(t, tok, http.MethodGet, "/api/v1/my/care/photos/"+pid, "", ""); r.Status != http.StatusNotFound {
			t.Fatalf("a retired station's photo by API: HTTP %d", r.Status)
		}
		if r := w.Get("/portal/care/photo?id=" + pid); r.Status != http.StatusNotFound {
			t.Fatalf("a retired station's photo on the portal: HTTP %d", r.Status)
		}
		if r := w.Get(fmt.Sprintf("/portal/care/station?id=%d", id)); r.Status != http.StatusNotFound {
			t.Fatalf("a retired station's page on the portal: HTTP %d", r.Status)
		}

		if r := c.PostForm(page+"/photos/remove", url.Values{"photo_id": {pid}}); r.Status != http.StatusSeeOther {
			t.Fatalf("remove: HTTP %d", r.Status)
		}
		if r := c.Get("/console/care/photos/" + pid); r.Status != http.StatusNotFound {
			t.Fatalf("a removed photo: HTTP %d", r.Status)
		}
		if auditCount(t, env, "photo.remove", id) != 1 {
			t.Error("the removal is not audited against the station")
		}
		contains(t, c.Get(page).Body, "暂无照片")
	})
}

// postPhoto posts file as the multipart field "photo", as the station page's form does.
func postPhoto(t *testing.T, c *apptest.Client, path, name string, data []byte) *apptest.Response {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("_csrf", c.CSRF)
	fw, _ := mw.CreateFormFile("photo", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.Base+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", c.Base)
	return c.Do(req)
}

// redPNG is a real 8×6 PNG made with image/png.
func redPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 6))
	for x := 0; x < 8; x++ {
		for y := 0; y < 6; y++ {
			img.Set(x, y, color.RGBA{200, 22, 29, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestSeedDemoPhotos: the demo city's first stations have a photo each, and
// seeding again adds none.
func TestSeedDemoPhotos(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		count := func() int {
			var ids []int64
			rows, err := db.Query(sys, `SELECT id FROM care_stations WHERE city_id = ? ORDER BY id`, env.Info.Tree.City)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var id int64
				rows.Scan(&id)
				ids = append(ids, id)
			}
			rows.Close()
			n, err := env.App.Photos.IDs(sys, care.StationPhotoKind, ids)
			if err != nil {
				t.Fatal(err)
			}
			total := 0
			for _, k := range n {
				total += len(k)
			}
			return total
		}
		if n := count(); n != 6 {
			t.Fatalf("%d demo station photos, want 6", n)
		}
		if err := care.SeedDemoPhotos(sys, db, env.App.Photos, env.Info.Tree.City); err != nil || count() != 6 {
			t.Fatalf("seeding again: %v, %d photos", err, count())
		}
	})
}
