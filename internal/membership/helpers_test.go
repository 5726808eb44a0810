package membership_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"zhijia/internal/app/apptest"
	"zhijia/internal/auth"
	"zhijia/internal/platform"
)

// apiToken makes a bearer token for a demo staff account.
func apiToken(t *testing.T, env *apptest.Env, username string) string {
	t.Helper()
	accs, _, err := env.App.Auth.FindAccounts(sys, auth.AccountFilter{Query: username})
	if err != nil || len(accs) == 0 {
		t.Fatalf("account %s: %v", username, err)
	}
	a := accs[0]
	actor := platform.WithActor(sys, &platform.Actor{Kind: "staff", AccountID: a.ID, Role: string(a.Role), OrgID: a.OrgID, OrgPath: a.OrgPath})
	tok, err := env.App.Auth.CreateAPIToken(actor, a.ID, "test", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// apiCall sends a JSON request with a bearer token and, for POSTs, an idempotency key.
func apiCall(t *testing.T, env *apptest.Env, token, method, path, key, body string) *apptest.Response {
	t.Helper()
	req, _ := http.NewRequest(method, env.Server.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	return env.NewClient(t).Do(req)
}
