package membership_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"zhijia/internal/app/apptest"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

// TestMyAPI_JoinCardTransfer follows a worker's own client through what the
// portal's membership pages do: find a union, apply, be refused a second
// request, be approved, fetch the card, ask to move and cancel it.
func TestMyAPI_JoinCardTransfer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		asNonMember(t, env, "13900000001")
		tok := env.WorkerToken(t, "13900000001")
		union := env.Info.Tree.Gulou
		name := orgName(t, env, union)

		r := env.API(t, tok, http.MethodGet, "/api/v1/my/membership/card", "", "")
		want(t, r, http.StatusConflict, "请先申请入会")
		want(t, env.API(t, tok, http.MethodGet, "/api/v1/my/membership/unions", "", ""), http.StatusUnprocessableEntity, `"q"`)
		want(t, env.API(t, tok, http.MethodGet, "/api/v1/my/membership/unions?district=x", "", ""), http.StatusUnprocessableEntity, "区县编号无效")
		want(t, env.API(t, tok, http.MethodGet, "/api/v1/my/membership/unions?q="+name, "", ""), http.StatusOK, fmt.Sprintf(`"id":%d`, union))

		body := fmt.Sprintf(`{"org_id":%d}`, union)
		r = env.API(t, tok, http.MethodPost, "/api/v1/my/membership/join", "join-1", body)
		want(t, r, http.StatusCreated, `"status":"pending"`)
		again := env.API(t, tok, http.MethodPost, "/api/v1/my/membership/join", "join-1", body)
		if again.Status != http.StatusCreated || again.Body != r.Body {
			t.Fatalf("a retry with the same key must replay the first answer: %d %s", again.Status, again.Body)
		}
		want(t, env.API(t, tok, http.MethodPost, "/api/v1/my/membership/join", "join-2", body), http.StatusConflict, "待审批的入会申请")
		want(t, env.API(t, tok, http.MethodPost, "/api/v1/my/membership/join", "join-3", `{"org_id":"x"}`), http.StatusUnprocessableEntity, "JSON")

		var app struct{ ID, Version int64 }
		if err := json.Unmarshal(r.Raw, &app); err != nil {
			t.Fatal(err)
		}
		staff := apiToken(t, env, "gulou.clerk")
		want(t, env.API(t, staff, http.MethodPost, fmt.Sprintf("/api/v1/membership/applications/%d/approve", app.ID), "", "{}"), http.StatusOK, `"approved"`)

		r = env.API(t, tok, http.MethodGet, "/api/v1/my/membership", "", "")
		want(t, r, http.StatusOK, `"member":true`, fmt.Sprintf(`"org_id":%d`, union))
		r = env.API(t, tok, http.MethodGet, "/api/v1/my/membership/card", "", "")
		want(t, r, http.StatusOK, `"token":"`, "/verify#")

		want(t, env.API(t, tok, http.MethodPost, "/api/v1/my/membership/transfer", "", fmt.Sprintf(`{"org_id":%d}`, union)), http.StatusUnprocessableEntity)
		to := env.Info.Tree.Districts["350103"]
		r = env.API(t, tok, http.MethodPost, "/api/v1/my/membership/transfer", "", fmt.Sprintf(`{"org_id":%d,"reason":"换工作"}`, grassrootsIn(t, env, to)))
		want(t, r, http.StatusCreated, `"status":"pending"`, `"requested_kind":"worker"`)
		r = env.API(t, tok, http.MethodPost, "/api/v1/my/membership/transfer/cancel", "", "")
		want(t, r, http.StatusOK, `"open_transfer":null`, `"cancelled"`)
		want(t, env.API(t, tok, http.MethodPost, "/api/v1/my/membership/transfer/cancel", "", ""), http.StatusConflict)
	})
}

// grassrootsIn finds an active grassroots union under org.
func grassrootsIn(t *testing.T, env *apptest.Env, org int64) int64 {
	t.Helper()
	var path string
	var id int64
	if err := env.App.DB.QueryRow(sys, `SELECT path FROM orgs WHERE id = ?`, org).Scan(&path); err != nil {
		t.Fatal(err)
	}
	if err := env.App.DB.QueryRow(sys, `SELECT id FROM orgs WHERE level = 'grassroots' AND status = 'active' AND path LIKE ? ORDER BY id LIMIT 1`,
		path+"%").Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}
