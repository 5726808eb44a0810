package learning_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"zhijia/internal/app/apptest"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

// pngBytes is a real 4×3 PNG.
func pngBytes(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 4, 3))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// postPhoto uploads a file in the "photo" field, as the event page's form does.
func postPhoto(t *testing.T, c *apptest.Client, path, name string, data []byte) *apptest.Response {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	w.WriteField("_csrf", c.CSRF)
	fw, _ := w.CreateFormFile("photo", name)
	fw.Write(data)
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, c.Base+path, &b)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Origin", c.Base)
	return c.Do(req)
}

var photoRE = regexp.MustCompile(`\?photo=(\d+)`)

func TestEventPhotos_UploadShowOnPortalAndRemove(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		clerk := env.Staff(t, "gulou.clerk")
		page := createLecture(t, env, clerk)
		want(t, clerk.Get(page), http.StatusOK, `enctype="multipart/form-data"`, `accept="image/jpeg,image/png"`, "暂无照片")

		// A text file renamed .png is refused on the field, in Chinese; so is no file.
		r := postPhoto(t, clerk, page+"/photos", "现场.png", []byte("这不是图片，只是改了扩展名的文本文件"))
		want(t, r, http.StatusUnprocessableEntity, "只能上传 JPG 或 PNG 格式的照片", `aria-invalid="true"`)
		want(t, clerk.PostForm(page+"/photos", url.Values{}), http.StatusUnprocessableEntity, "请选择要上传的照片")

		r = postPhoto(t, clerk, page+"/photos", "现场.png", pngBytes(t))
		if r.Status != http.StatusSeeOther {
			t.Fatalf("upload: %d %s", r.Status, r.Body)
		}
		show := clerk.Get(page)
		want(t, show, http.StatusOK, "照片已上传", "现场.png")
		m := photoRE.FindStringSubmatch(show.Body)
		if m == nil {
			t.Fatal("no photo on the event page")
		}
		img := clerk.Get(page + "?photo=" + m[1])
		if img.Status != http.StatusOK || img.Header.Get("Content-Type") != "image/png" || img.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("photo: %d %q", img.Status, img.Header.Get("Content-Type"))
		}
		var audited int
		db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = 'photo.add' AND entity_type = 'learning.event'`).Scan(&audited)
		if audited != 1 {
			t.Fatalf("photo.add audited %d times", audited)
		}

		// A sibling district sees neither the page nor the photo, nor may remove it.
		taijiang := env.Staff(t, "taijiang.clerk")
		if r := taijiang.Get(page + "?photo=" + m[1]); r.Status != http.StatusNotFound {
			t.Fatalf("台江 opens a 鼓楼 event photo: %d", r.Status)
		}
		taijiang.Get("/console/learning/events")
		if r := taijiang.PostForm(page+"/photos/remove", url.Values{"photo": {m[1]}}); r.Status != http.StatusNotFound {
			t.Fatalf("台江 removes a 鼓楼 event photo: %d", r.Status)
		}

		// A worker of the audience sees the photo on the portal's event page.
		id := strings.TrimPrefix(page, "/console/learning/events/")
		worker := env.Worker(t, "13900000001")
		want(t, worker.Get("/portal/learning/events"), http.StatusOK, "/portal/learning/event?id="+id)
		want(t, worker.Get("/portal/learning/event?id="+id), http.StatusOK, "五月风讲堂：劳模说安全", "照片", "photo="+m[1])
		if r := worker.Get("/portal/learning/event?id=" + id + "&photo=" + m[1]); r.Status != http.StatusOK || r.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("worker photo: %d", r.Status)
		}
		if r := worker.Get("/portal/learning/event?id=999999"); r.Status != http.StatusSeeOther {
			t.Fatalf("an unknown event on the portal: %d", r.Status)
		}

		// The same through the worker's API.
		tok := env.WorkerToken(t, "13900000001")
		wantAPI(t, env.API(t, tok, "GET", "/api/v1/my/learning/events/"+id, "", ""), http.StatusOK, `"summary"`,
			`"url":"/api/v1/my/learning/events/`+id+`/photos/`+m[1]+`"`, `"type":"image/png"`)
		if r := env.API(t, tok, "GET", "/api/v1/my/learning/events/"+id+"/photos/"+m[1], "", ""); r.Status != http.StatusOK ||
			r.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("API photo: %d %q", r.Status, r.Header.Get("Content-Type"))
		}
		wantAPI(t, env.API(t, tok, "GET", "/api/v1/my/learning/events/999999", "", ""), http.StatusNotFound)

		// Removing it twice: removed, then said to be gone.
		r = clerk.PostForm(page+"/photos/remove", url.Values{"photo": {m[1]}})
		want(t, clerk.Get(r.Location), http.StatusOK, "照片已删除", "暂无照片")
		r = clerk.PostForm(page+"/photos/remove", url.Values{"photo": {m[1]}})
		want(t, clerk.Get(r.Location), http.StatusOK, "这张照片已经删除了")
		if r := worker.Get("/portal/learning/event?id=" + id + "&photo=" + m[1]); r.Status != http.StatusNotFound {
			t.Fatalf("a removed photo is still served: %d", r.Status)
		}
	})
}
