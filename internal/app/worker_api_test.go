package app_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"zhijia/internal/app/apptest"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

func wantAPI(t *testing.T, r *apptest.Response, status int, texts ...string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("HTTP %d, want %d: %s", r.Status, status, r.Body)
	}
	for _, s := range texts {
		if !strings.Contains(r.Body, s) {
			t.Fatalf("answer lacks %q: %s", s, r.Body)
		}
	}
}

// TestWorkerToken_SignInUseRevoke: a worker's own client gets a token for a
// texted code, acts with it on /api/v1/my/ only, and loses it on sign-out and
// after 30 days. Every refusal says why in the worker's language.
func TestWorkerToken_SignInUseRevoke(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		post := func(path, body string) *apptest.Response {
			return env.API(t, "", http.MethodPost, path, "", body)
		}
		wantAPI(t, post("/api/v1/worker/sms-code", `{"phone":"1234"}`), http.StatusUnprocessableEntity, `"field":"phone"`)
		wantAPI(t, post("/api/v1/worker/sms-code", `not json`), http.StatusUnprocessableEntity, "JSON")
		r := post("/api/v1/worker/sms-code", `{"phone":"+86 139 0000 0005"}`)
		wantAPI(t, r, http.StatusOK, `"phone":"139****0005"`, `"demo_code"`)
		var sent struct {
			DemoCode string `json:"demo_code"`
		}
		json.Unmarshal(r.Raw, &sent)
		wantAPI(t, post("/api/v1/worker/sms-code", `{"phone":"13900000005"}`), http.StatusTooManyRequests)

		wrong := "000000"
		if sent.DemoCode == wrong {
			wrong = "111111"
		}
		wantAPI(t, post("/api/v1/worker/token", `{"phone":"13900000005","code":"12"}`), http.StatusUnprocessableEntity, `"field":"code"`)
		wantAPI(t, post("/api/v1/worker/token", `{"phone":"13900000005","code":"`+wrong+`"}`), http.StatusUnauthorized, "验证码")
		r = post("/api/v1/worker/token", `{"phone":"13900000005","code":"`+sent.DemoCode+`","client":"微信小程序"}`)
		wantAPI(t, r, http.StatusCreated, `"token":"zjw_`)
		var tok struct{ Token string }
		json.Unmarshal(r.Raw, &tok)
		wantAPI(t, post("/api/v1/worker/token", `{"phone":"13900000005","code":"`+sent.DemoCode+`"}`), http.StatusUnauthorized, "已使用")

		wantAPI(t, env.API(t, tok.Token, http.MethodGet, "/api/v1/my", "", ""), http.StatusOK, `"worker_id":`)
		wantAPI(t, env.API(t, tok.Token, http.MethodGet, "/api/v1/me", "", ""), http.StatusUnauthorized)
		wantAPI(t, env.API(t, tok.Token, http.MethodGet, "/api/v1/workers", "", ""), http.StatusUnauthorized)
		wantAPI(t, env.API(t, "", http.MethodGet, "/api/v1/my", "", ""), http.StatusUnauthorized)
		wantAPI(t, env.API(t, "zjw_forged", http.MethodGet, "/api/v1/my", "", ""), http.StatusUnauthorized)

		wantAPI(t, env.API(t, tok.Token, http.MethodPost, "/api/v1/my/token/revoke", "", ""), http.StatusNoContent)
		wantAPI(t, env.API(t, tok.Token, http.MethodGet, "/api/v1/my", "", ""), http.StatusUnauthorized)

		other := env.WorkerToken(t, "13900000006")
		wantAPI(t, env.API(t, other, http.MethodGet, "/api/v1/my", "", ""), http.StatusOK)
		env.Clock.Advance(31 * 24 * time.Hour)
		wantAPI(t, env.API(t, other, http.MethodGet, "/api/v1/my", "", ""), http.StatusUnauthorized)
	})
}

// TestWorkerToken_IdempotencyKeysAreTheWorkers: two workers using the same key
// each get their own answer, never the other's.
func TestWorkerToken_IdempotencyKeysAreTheWorkers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		a, b := env.WorkerToken(t, "13900000007"), env.WorkerToken(t, "13900000008")
		ra := env.API(t, a, http.MethodPost, "/api/v1/my/membership/withdraw", "same-key", "")
		rb := env.API(t, b, http.MethodPost, "/api/v1/my/membership/withdraw", "same-key", "")
		if ra.Status >= 500 || rb.Status >= 500 {
			t.Fatalf("HTTP %d / %d", ra.Status, rb.Status)
		}
		if ra.Header.Get("Idempotent-Replayed") != "" || rb.Header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("one worker's key replayed another's answer: %v / %v", ra.Header, rb.Header)
		}
	})
}

// TestOpenAPI_ListsWorkerRoutes: a mini-program developer finds the sign-in and
// the /api/v1/my/ routes in the document, the sign-in marked as needing no token.
func TestOpenAPI_ListsWorkerRoutes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		r := env.NewClient(t).Get("/api/v1/openapi.json")
		var doc struct {
			Paths map[string]map[string]struct {
				Security []any `json:"security"`
			} `json:"paths"`
		}
		if err := json.Unmarshal(r.Raw, &doc); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{"/api/v1/worker/token", "/api/v1/my/membership/join", "/api/v1/my/membership/card"} {
			if doc.Paths[p] == nil {
				t.Errorf("%s missing from the OpenAPI document", p)
			}
		}
		if op := doc.Paths["/api/v1/worker/token"]["post"]; op.Security == nil || len(op.Security) != 0 {
			t.Errorf("the token route must say it needs no token: %+v", op)
		}
	})
}
