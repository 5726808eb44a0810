package care_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"zhijia/internal/care"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

// TestWorkerAPI_Activities: list, sign up (errors named), confirm and withdraw
// through a worker's bearer token.
func TestWorkerAPI_Activities(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		e := newActEnv(t, db)
		db.Exec(sys, `UPDATE workers SET member_status = 'member', birth_date = '1992-03-04' WHERE phone_masked LIKE '%0001'`)
		a := e.activity(t, "recuperation", "武夷山一期:1", care.Rules{MembersOnly: true, MinAge: 20, MaxAge: 50}, care.Weights{})
		tok := e.env.WorkerToken(t, "13900000001")
		r := e.env.API(t, tok, http.MethodGet, "/api/v1/my/care/activities", "", "")
		if r.Status != 200 || !strings.Contains(r.Body, a.SeedHash) || strings.Contains(r.Body, `"seed":`) {
			t.Fatalf("open activities (seed hash shown, seed hidden): HTTP %d %s", r.Status, r.Body)
		}
		path := fmt.Sprintf("/api/v1/my/care/activities/%d/signups", a.ID)
		if r := e.env.API(t, tok, http.MethodPost, path, "", `{"session_id":0}`); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "session_id") {
			t.Errorf("no session: HTTP %d %s", r.Status, r.Body)
		}
		r = e.env.API(t, tok, http.MethodPost, path, "", fmt.Sprintf(`{"session_id":%d}`, a.Sessions[0].ID))
		var g struct {
			ID     int64  `json:"id"`
			Status string `json:"status"`
		}
		if r.Status != http.StatusCreated || json.Unmarshal(r.Raw, &g) != nil || g.Status != "pending" {
			t.Fatalf("sign up: HTTP %d %s", r.Status, r.Body)
		}
		if r := e.env.API(t, tok, http.MethodPost, path, "", fmt.Sprintf(`{"session_id":%d}`, a.Sessions[0].ID)); r.Status != http.StatusConflict || !strings.Contains(r.Body, "您已报名过此活动") {
			t.Errorf("twice: HTTP %d %s", r.Status, r.Body)
		}
		confirm := fmt.Sprintf("/api/v1/my/care/signups/%d/confirm", g.ID)
		if r := e.env.API(t, tok, http.MethodPost, confirm, "", ""); r.Status != http.StatusConflict {
			t.Errorf("confirm before the draw: HTTP %d %s", r.Status, r.Body)
		}
		e.env.Clock.Advance(25 * time.Hour)
		if _, err := e.env.App.Care.Draw(e.staff, a.ID, ""); err != nil {
			t.Fatal(err)
		}
		tok = e.env.WorkerToken(t, "13900000001")
		r = e.env.API(t, tok, http.MethodPost, confirm, "", "")
		if r.Status != 200 || !strings.Contains(r.Body, `"status":"confirmed"`) || !strings.Contains(r.Body, `"draw_rank":1`) {
			t.Fatalf("confirm: HTTP %d %s", r.Status, r.Body)
		}
		cancel := fmt.Sprintf("/api/v1/my/care/signups/%d/cancel", g.ID)
		if r := e.env.API(t, tok, http.MethodPost, cancel, "", ""); r.Status != 200 || !strings.Contains(r.Body, `"status":"cancelled"`) {
			t.Fatalf("withdraw: HTTP %d %s", r.Status, r.Body)
		}
		if r := e.env.API(t, tok, http.MethodPost, cancel, "", ""); r.Status != http.StatusConflict {
			t.Errorf("withdraw twice: HTTP %d", r.Status)
		}
		if r := e.env.API(t, tok, http.MethodPost, "/api/v1/my/care/signups/999999/confirm", "", ""); r.Status != http.StatusNotFound {
			t.Errorf("someone else's or no sign-up: HTTP %d", r.Status)
		}
		old := e.activity(t, "mixer", "场次:5", care.Rules{MaxAge: 25}, care.Weights{})
		r = e.env.API(t, tok, http.MethodPost, fmt.Sprintf("/api/v1/my/care/activities/%d/signups", old.ID), "", fmt.Sprintf(`{"session_id":%d}`, old.Sessions[0].ID))
		if r.Status != http.StatusConflict || !strings.Contains(r.Body, "年龄不在本活动要求范围内") {
			t.Errorf("too old for the mixer: HTTP %d %s", r.Status, r.Body)
		}
	})
}
