package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"zhijia/internal/app/apptest"
	"zhijia/internal/auth"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

func apiToken(t *testing.T, env *apptest.Env, username string) string {
	t.Helper()
	ctx := context.Background()
	accs, _, err := env.App.Auth.FindAccounts(platform.WithActor(ctx, platform.System("test")), auth.AccountFilter{Query: username})
	if err != nil || len(accs) == 0 {
		t.Fatalf("account %s: %v", username, err)
	}
	a := accs[0]
	actor := platform.WithActor(ctx, &platform.Actor{Kind: "staff", AccountID: a.ID, Role: string(a.Role), OrgID: a.OrgID, OrgPath: a.OrgPath})
	tok, err := env.App.Auth.CreateAPIToken(actor, a.ID, "test", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func apiPost(t *testing.T, env *apptest.Env, token, path, key, body string) *apptest.Response {
	req, _ := http.NewRequest(http.MethodPost, env.Server.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	return env.NewClient(t).Do(req)
}

// TestAPI_CreateIsIdempotent: a retried create returns the first answer and
// creates nothing twice; a create without a key is refused with a clear problem.
func TestAPI_CreateIsIdempotent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		tok := apiToken(t, env, "gulou.admin")
		body := fmt.Sprintf(`{"parent_id":%d,"level":"grassroots","name":"闽江联合工会","joint":true,"employer_name":"闽江片区小微企业"}`,
			env.Info.Tree.Districts["350102"])
		first := apiPost(t, env, tok, "/api/v1/orgs", "k-1", body)
		if first.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", first.Status, first.Body)
		}
		again := apiPost(t, env, tok, "/api/v1/orgs", "k-1", body)
		if again.Status != http.StatusCreated || again.Body != first.Body || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("retry must replay the first answer: %d %s", again.Status, again.Body)
		}
		var n int
		db.QueryRow(context.Background(), `SELECT COUNT(*) FROM orgs WHERE name = ?`, "闽江联合工会").Scan(&n)
		if n != 1 {
			t.Fatalf("want one org after a retry, got %d", n)
		}
		missing := apiPost(t, env, tok, "/api/v1/orgs", "", body)
		var p struct {
			Status int    `json:"status"`
			Detail string `json:"detail"`
		}
		json.Unmarshal(missing.Raw, &p)
		if missing.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Detail, "Idempotency-Key") {
			t.Fatalf("a create without a key: %d %s", missing.Status, missing.Body)
		}
		if r := apiPost(t, env, tok, "/api/v1/orgs", "", "{"); r.Header.Get("Content-Type") != "application/problem+json; charset=utf-8" {
			t.Fatalf("errors are problem+json: %q", r.Header.Get("Content-Type"))
		}
	})
}

func TestSweep_ClearsExpired(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		env.Worker(t, "13900000003")
		tok := apiToken(t, env, "gulou.admin")
		apiPost(t, env, tok, "/api/v1/orgs", "old-key", `{}`)
		env.Clock.Advance(25 * time.Hour)
		if err := env.App.Sweep(context.Background()); err != nil {
			t.Fatal(err)
		}
		for _, table := range []string{"sessions", "sms_codes", "idempotency_keys"} {
			var n int
			db.QueryRow(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n)
			if n != 0 {
				t.Errorf("%s: %d rows left after the sweep", table, n)
			}
		}
	})
}

func TestUpload_TooLargeGetsAClearMessage(t *testing.T) {
	env := apptest.New(t, dbtest.SQLite(t))
	c := env.Staff(t, "gulou.clerk")
	body := strings.NewReader("_csrf=" + c.CSRF + "&x=" + strings.Repeat("a", 3<<20))
	req, _ := http.NewRequest(http.MethodPost, env.Server.URL+"/console/orgs", body)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", env.Server.URL)
	r := c.Do(req)
	if r.Status != http.StatusRequestEntityTooLarge || !strings.Contains(r.Body, "太大") {
		t.Fatalf("want 413 with a clear message, got %d", r.Status)
	}
}
