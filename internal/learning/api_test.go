package learning_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"zhijia/internal/app/apptest"
	"zhijia/internal/learning"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

func wantAPI(t *testing.T, r *apptest.Response, status int, texts ...string) map[string]any {
	t.Helper()
	if r.Status != status {
		t.Fatalf("HTTP %d, want %d: %s", r.Status, status, r.Body)
	}
	for _, s := range texts {
		if !strings.Contains(r.Body, s) {
			t.Fatalf("answer lacks %q: %s", s, r.Body)
		}
	}
	var out map[string]any
	json.Unmarshal(r.Raw, &out)
	return out
}

func gulouStaff(env *apptest.Env) context.Context {
	var path string
	id := env.Info.Tree.Districts["350102"]
	env.App.DB.QueryRow(context.Background(), `SELECT path FROM orgs WHERE id = ?`, id).Scan(&path)
	return platform.WithActor(context.Background(), &platform.Actor{Kind: "staff", AccountID: 1, Name: "刘芳", Role: "clerk", OrgID: id, OrgPath: path})
}

func TestMyLearningAPI_QuizPointsCheckInAndMall(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		tok := env.WorkerToken(t, "13900000001")
		api := func(method, path, key, body string) *apptest.Response {
			return env.API(t, tok, method, path, key, body)
		}
		wantAPI(t, env.API(t, "", "GET", "/api/v1/my/learning", "", ""), http.StatusUnauthorized)
		wantAPI(t, api("GET", "/api/v1/my/learning/quiz", "", ""), http.StatusNotFound, "请先开始今日答题")
		wantAPI(t, api("POST", "/api/v1/my/learning/quiz/submit", "", `{}`), http.StatusUnprocessableEntity)
		wantAPI(t, api("POST", "/api/v1/my/learning/quiz/submit", "", `{"attempt_id":1,"answers":{"x":"A"}}`), http.StatusUnprocessableEntity)
		r := api("POST", "/api/v1/my/learning/quiz/start", "", "")
		quiz := wantAPI(t, r, http.StatusCreated, `"status":"open"`)
		if strings.Contains(r.Body, `"answer"`) || strings.Contains(r.Body, `"explanation"`) {
			t.Fatalf("an open quiz carries answers: %s", r.Body)
		}
		id := int64(quiz["id"].(float64))
		_, form, _ := rightAnswers(t, env, "13900000001")
		answers := map[string]string{}
		for k, v := range form {
			if strings.HasPrefix(k, "q") {
				answers[k[1:]] = strings.Join(v, "")
			}
		}
		body, _ := json.Marshal(map[string]any{"attempt_id": id, "answers": answers})
		wantAPI(t, api("POST", "/api/v1/my/learning/quiz/submit", "submit-1", string(body)), http.StatusOK, `"points":10`, `"answer":`, `"correct":true`)
		wantAPI(t, api("POST", "/api/v1/my/learning/quiz/submit", "submit-1", string(body)), http.StatusOK, `"points":10`) // a retry: the first answer again
		wantAPI(t, api("POST", "/api/v1/my/learning/quiz/submit", "submit-2", string(body)), http.StatusConflict, "今天的答卷已经提交过了")
		wantAPI(t, api("GET", "/api/v1/my/learning", "", ""), http.StatusOK, `"balance":10`, `"streak":1`, `"status":"submitted"`)
		wantAPI(t, api("GET", "/api/v1/my/learning/points?limit=5", "", ""), http.StatusOK, `"amount":10`, "每日答题")

		// Check in at the demo lecture with the code on the organiser's screen.
		staff := gulouStaff(env)
		events, _, err := env.App.Learning.FindEvents(staff, learning.EventFilter{Kind: learning.Lecture, Limit: 5})
		if err != nil || len(events) == 0 {
			t.Fatalf("demo lecture: %v", err)
		}
		code, _, _ := env.App.Learning.CheckinCode(staff, events[0].ID)
		wantAPI(t, api("GET", "/api/v1/my/learning/events", "", ""), http.StatusOK, `"checked_in":false`)
		wantAPI(t, api("POST", "/api/v1/my/learning/checkin", "", `{"token":"1.2.3"}`), http.StatusUnprocessableEntity, "签到码无效")
		wantAPI(t, api("POST", "/api/v1/my/learning/checkin", "", fmt.Sprintf(`{"token":%q}`, code)), http.StatusCreated, "五月风讲堂")
		wantAPI(t, api("POST", "/api/v1/my/learning/checkin", "", fmt.Sprintf(`{"token":%q}`, code)), http.StatusConflict, "已经签到过了")
		wantAPI(t, api("POST", "/api/v1/my/learning/events/signup", "", `{}`), http.StatusUnprocessableEntity)

		// Redeem and cancel in the mall.
		today := env.Clock.Now().In(platform.Shanghai).Format("2006-01-02")
		rid, err := env.App.Learning.SaveReward(staff, 0, learning.RewardInput{Name: "雨伞", Cost: "12", Stock: "1", Opens: today, Closes: today})
		if err != nil {
			t.Fatal(err)
		}
		wantAPI(t, api("GET", "/api/v1/my/learning/mall", "", ""), http.StatusOK, "雨伞", `"balance":15`)
		wantAPI(t, api("POST", "/api/v1/my/learning/mall/redeem", "", `{}`), http.StatusUnprocessableEntity)
		o := wantAPI(t, api("POST", "/api/v1/my/learning/mall/redeem", "", fmt.Sprintf(`{"reward_id":%d}`, rid)), http.StatusCreated, `"pickup_code"`)
		wantAPI(t, api("POST", "/api/v1/my/learning/mall/redeem", "", fmt.Sprintf(`{"reward_id":%d}`, rid)), http.StatusConflict, "该商品已兑完")
		oid := int64(o["id"].(float64))
		wantAPI(t, api("POST", "/api/v1/my/learning/mall/cancel", "", fmt.Sprintf(`{"order_id":%d}`, oid)), http.StatusOK)
		wantAPI(t, api("POST", "/api/v1/my/learning/mall/cancel", "", fmt.Sprintf(`{"order_id":%d}`, oid)), http.StatusConflict, "该订单已领取或已取消")
		wantAPI(t, api("POST", "/api/v1/my/learning/mall/cancel", "", `{"order_id":999999}`), http.StatusNotFound)
		wantAPI(t, api("GET", "/api/v1/my/learning", "", ""), http.StatusOK, `"balance":15`)
		env.Clock.Advance(time.Second)
		doc := env.API(t, "", "GET", "/api/v1/openapi.json", "", "")
		wantAPI(t, doc, http.StatusOK, "/api/v1/my/learning/quiz/submit", "/api/v1/my/learning/mall/redeem")
	})
}
