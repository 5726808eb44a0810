package photo

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

func staffCtx() context.Context {
	return platform.WithActor(context.Background(), &platform.Actor{Kind: "staff", AccountID: 1, Name: "干部"})
}

func pngBytes(t *testing.T) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, testImage(20, 10)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func auditCount(t *testing.T, db *platform.DB, action string) int {
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = ?`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestStore_AddListServeRemove(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		dir := t.TempDir()
		s := NewStore(db, platform.NewFakeClock(time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC)), dir)
		ctx := staffCtx()
		station := Owner{Kind: "care.station", ID: 7, CityID: 1, OrgID: 1, OrgPath: "/1/"}
		p, err := s.Add(ctx, station, `C:\手机\IMG_0001.jpeg`, bytes.NewReader(phoneJPEG(t, 6)))
		if err != nil {
			t.Fatal(err)
		}
		if p.Name != "IMG_0001.jpg" || p.Width != 40 || p.Height != 30 || p.Type != "image/jpeg" {
			t.Fatalf("stored %+v", p)
		}
		if _, err := s.Add(ctx, Owner{Kind: "learning.event", ID: 7, CityID: 1, OrgID: 1, OrgPath: "/1/"}, "a.png", bytes.NewReader(pngBytes(t))); err != nil {
			t.Fatal(err)
		}
		list, err := s.List(ctx, "care.station", 7)
		if err != nil || len(list) != 1 || list[0].ID != p.ID {
			t.Fatalf("list = %+v, %v (another kind's photo of the same id must not show)", list, err)
		}
		ids, err := s.IDs(ctx, "care.station", []int64{7, 8})
		counts := map[int64]int{7: len(ids[7]), 8: len(ids[8])}
		if err != nil || counts[7] != 1 || counts[8] != 0 || ids[7][0] != p.ID {
			t.Fatalf("counts = %v, %v", counts, err)
		}
		got, err := s.Get(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		s.Serve(rec, httptest.NewRequest("GET", "/x", nil), got)
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "image/jpeg" || bytes.Contains(rec.Body.Bytes(), []byte("secret")) {
			t.Fatalf("served %d %q, GPS leaked: %v", rec.Code, rec.Header().Get("Content-Type"), bytes.Contains(rec.Body.Bytes(), []byte("secret")))
		}
		req := httptest.NewRequest("GET", "/x", nil)
		req.Header.Set("If-None-Match", rec.Header().Get("ETag"))
		rec2 := httptest.NewRecorder()
		s.Serve(rec2, req, got)
		if rec2.Code != http.StatusNotModified {
			t.Errorf("revalidation answered %d, want 304", rec2.Code)
		}
		if err := s.Remove(ctx, p.ID, Owner{Kind: "care.station", ID: 8}); !errors.Is(err, platform.NotFound) {
			t.Fatalf("removing through another record: %v, want not found", err)
		}
		if err := s.Remove(ctx, p.ID, station); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get(ctx, p.ID); !errors.Is(err, platform.NotFound) {
			t.Fatalf("removed photo still found: %v", err)
		}
		if files, _ := os.ReadDir(filepath.Join(dir, "photos")); len(files) != 1 {
			t.Errorf("%d files left, want only the event's photo", len(files))
		}
		if auditCount(t, db, "photo.add") != 2 || auditCount(t, db, "photo.remove") != 1 {
			t.Error("uploads and removals are audited")
		}
	})
}

func TestStore_RefusesBadFilesOnTheField(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		dir := t.TempDir()
		s := NewStore(db, platform.SystemClock{}, dir)
		o := Owner{Kind: "care.station", ID: 1, CityID: 1, OrgID: 1, OrgPath: "/1/"}
		cases := map[string]struct {
			data []byte
			msg  string
		}{
			"empty": {nil, "photo.err.empty"},
			"text":  {[]byte("not a photo at all"), "photo.err.type"},
			"large": {append(pngBytes(t), make([]byte, MaxSize)...), "photo.err.large"},
		}
		for name, c := range cases {
			_, err := s.Add(staffCtx(), o, name+".jpg", bytes.NewReader(c.data))
			var pe *platform.Error
			if !errors.As(err, &pe) || pe.Fields["photo"] != c.msg {
				t.Errorf("%s: %v, want %s on the photo field", name, err, c.msg)
			}
		}
		for i := 0; i < MaxPerOwner; i++ {
			if _, err := s.Add(staffCtx(), o, "p.png", bytes.NewReader(pngBytes(t))); err != nil {
				t.Fatal(err)
			}
		}
		_, err := s.Add(staffCtx(), o, "p.png", bytes.NewReader(pngBytes(t)))
		var pe *platform.Error
		if !errors.As(err, &pe) || pe.Fields["photo"] != "photo.err.count" {
			t.Fatalf("tenth photo: %v", err)
		}
		if files, _ := os.ReadDir(filepath.Join(dir, "photos")); len(files) != MaxPerOwner {
			t.Errorf("%d files on disk, want %d: a refused photo leaves no file", len(files), MaxPerOwner)
		}
	})
}
