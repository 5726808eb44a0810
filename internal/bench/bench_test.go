package bench

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkPortalPage serves the signed-in portal home through the whole stack
// in-process; compare with BenchmarkBareDBPage (one PK lookup and a small template).
func BenchmarkPortalPage(b *testing.B) {
	a, cookie, err := benchApp(context.Background(), Options{Dir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	h := a.Server().Handler()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r := httptest.NewRequest("GET", "/portal", nil)
			r.Header.Set("Cookie", cookie)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != http.StatusOK {
				b.Fatal(w.Code)
			}
		}
	})
}

func BenchmarkBareDBPage(b *testing.B) {
	a, _, err := benchApp(context.Background(), Options{Dir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	h := bareDBHandler(a.DB)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
			if w.Code != http.StatusOK {
				b.Fatal(w.Code)
			}
		}
	})
}
