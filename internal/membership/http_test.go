package membership_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"zhijia/internal/app/apptest"
	"zhijia/internal/membership"
	"zhijia/internal/org"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

var sys = platform.WithActor(context.Background(), platform.System("test"))

func orgName(t *testing.T, env *apptest.Env, id int64) string {
	t.Helper()
	o, err := env.App.Orgs.Get(sys, id)
	if err != nil {
		t.Fatal(err)
	}
	return o.Name
}

// workerRow is the registry row a test checks after a decision.
type workerRow struct {
	id, orgID      int64
	status, joined string
}

func workerByPhone(t *testing.T, env *apptest.Env, phone string) workerRow {
	t.Helper()
	var w workerRow
	err := env.App.DB.QueryRow(sys, `SELECT id, org_id, member_status, joined_on FROM workers WHERE phone_index = ?`,
		env.App.Keys.BlindIndex("phone", phone)).Scan(&w.id, &w.orgID, &w.status, &w.joined)
	if err != nil {
		t.Fatalf("worker %s: %v", phone, err)
	}
	return w
}

func openApplicationID(t *testing.T, env *apptest.Env, workerID int64) int64 {
	t.Helper()
	var id int64
	if err := env.App.DB.QueryRow(sys, `SELECT id FROM membership_applications WHERE worker_id = ? AND status = 'pending'`,
		workerID).Scan(&id); err != nil {
		t.Fatalf("open application: %v", err)
	}
	return id
}

func want(t *testing.T, r *apptest.Response, status int, texts ...string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("HTTP %d (→ %q), want %d: %s", r.Status, r.Location, status, r.Body)
	}
	for _, s := range texts {
		if !strings.Contains(r.Body, s) {
			t.Fatalf("page lacks %q: %s", s, r.Body)
		}
	}
}

// asNonMember makes the demo worker a non-member of their registry union, so
// the joining tests do not depend on how the demo spreads members.
func asNonMember(t *testing.T, env *apptest.Env, phones ...string) {
	t.Helper()
	for _, p := range phones {
		_, err := env.App.DB.Exec(sys, `UPDATE workers SET member_status = 'non_member', joined_on = '' WHERE phone_index = ?`,
			env.App.Keys.BlindIndex("phone", p))
		if err != nil {
			t.Fatal(err)
		}
	}
}

// join has the worker find the union by a part of its name and apply.
func join(t *testing.T, c *apptest.Client, unionID int64, name string) {
	t.Helper()
	part := []rune(name)
	r := c.Get("/portal/join?q=" + url.QueryEscape(string(part[3:7])))
	want(t, r, http.StatusOK, name)
	r = c.PostForm("/portal/join", url.Values{"org_id": {fmt.Sprint(unionID)}})
	if r.Status != http.StatusSeeOther || r.Location != "/portal/membership" {
		t.Fatalf("join: %d → %q: %s", r.Status, r.Location, r.Body)
	}
}

// TestJoin_ApprovedByDistrictMakesMember walks 入会 end to end: the worker
// applies, sees it pending, cannot apply twice; a sibling district cannot see
// it; declining needs a reason; the district approves; the worker is a member
// of that union from today and the decision is in the audit log.
func TestJoin_ApprovedByDistrictMakesMember(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		asNonMember(t, env, "13900000001")
		union := env.Info.Tree.Gulou
		name := orgName(t, env, union)
		w := env.Worker(t, "13900000001")
		join(t, w, union, name)
		want(t, w.Get("/portal/membership"), http.StatusOK, "审批中", name)
		r := w.PostForm("/portal/join", url.Values{"org_id": {fmt.Sprint(union)}})
		want(t, r, http.StatusConflict, "待审批的入会申请")

		me := workerByPhone(t, env, "13900000001")
		id := openApplicationID(t, env, me.id)
		path := fmt.Sprintf("/console/membership/applications/%d", id)

		tj := env.Staff(t, "taijiang.clerk")
		want(t, tj.Get(path), http.StatusNotFound)
		want(t, tj.PostForm(path+"/approve", nil), http.StatusNotFound)
		if r := tj.Get("/console/membership/applications"); strings.Contains(r.Body, path) {
			t.Fatal("a sibling district must not list the application")
		}

		gl := env.Staff(t, "gulou.clerk")
		want(t, gl.Get("/console/membership/applications?status=pending"), http.StatusOK, path, "陈*明")
		long := strings.Repeat("材料不全", 60)
		r = gl.PostForm(path+"/decline", url.Values{"reason": {long}})
		want(t, r, http.StatusUnprocessableEntity, `aria-invalid="true"`, long, "200字以内")
		r = gl.PostForm(path+"/decline", url.Values{"reason": {"  "}})
		want(t, r, http.StatusUnprocessableEntity, "请填写不通过的原因")

		r = gl.PostForm(path+"/approve", url.Values{"version": {"1"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("approve: %d %s", r.Status, r.Body)
		}
		want(t, gl.PostForm(path+"/approve", url.Values{"version": {"1"}}), http.StatusConflict, "已经处理过")

		got := workerByPhone(t, env, "13900000001")
		today := env.Clock.Now().In(platform.Shanghai).Format("2006-01-02")
		if got.status != "member" || got.orgID != union || got.joined != today {
			t.Fatalf("after approval: %+v, want member of %d since %s", got, union, today)
		}
		want(t, w.Get("/portal/membership"), http.StatusOK, "会员", today+" 入会")
		want(t, w.PostForm("/portal/join", url.Values{"org_id": {fmt.Sprint(union)}}), http.StatusConflict, "您已经是工会会员")
		var n int
		db.QueryRow(sys, `SELECT COUNT(*) FROM audit_log WHERE action = 'membership.approved' AND entity_id = ?`, fmt.Sprint(id)).Scan(&n)
		if n != 1 {
			t.Fatalf("audit rows for the approval: %d", n)
		}
	})
}

// TestJoin_DeclinedShowsReason: the worker reads why, and may apply again.
func TestJoin_DeclinedShowsReason(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		asNonMember(t, env, "13900000004")
		union := env.Info.Tree.Gulou
		w := env.Worker(t, "13900000004")
		join(t, w, union, orgName(t, env, union))
		id := openApplicationID(t, env, workerByPhone(t, env, "13900000004").id)
		gl := env.Staff(t, "gulou.clerk")
		r := gl.PostForm(fmt.Sprintf("/console/membership/applications/%d/decline", id), url.Values{"reason": {"请先提供劳动合同"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("decline: %d %s", r.Status, r.Body)
		}
		want(t, w.Get("/portal/membership"), http.StatusOK, "未获通过", "请先提供劳动合同")
		join(t, w, union, orgName(t, env, union))
		again := openApplicationID(t, env, workerByPhone(t, env, "13900000004").id)
		db.Exec(sys, `UPDATE orgs SET status = 'closed' WHERE id = ?`, union)
		want(t, gl.PostForm(fmt.Sprintf("/console/membership/applications/%d/approve", again), nil), http.StatusConflict, "已撤销")
		db.Exec(sys, `UPDATE orgs SET status = 'active' WHERE id = ?`, union)
		want(t, w.PostForm("/portal/join/withdraw", nil), http.StatusSeeOther)
		want(t, w.Get("/portal/membership"), http.StatusOK, "申请入会")
	})
}

// TestJoin_NewEmploymentWorkerFindsJointUnion: a courier picks the district
// and sees its joint union (联合工会).
func TestJoin_NewEmploymentWorkerFindsJointUnion(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		asNonMember(t, env, "13900000005")
		gulou := env.Info.Tree.Districts["350102"]
		joint, err := env.App.Orgs.Create(sys, org.Input{ParentID: gulou, Level: org.LevelGrassroots, Name: "鼓楼区快递行业联合工会",
			Joint: true, Employer: &org.EmployerInput{Name: "鼓楼区快递网点"}})
		if err != nil {
			t.Fatal(err)
		}
		w := env.Worker(t, "13900000005")
		me := workerByPhone(t, env, "13900000005")
		if _, err := db.Exec(sys, `UPDATE workers SET group_code = 'courier' WHERE id = ?`, me.id); err != nil {
			t.Fatal(err)
		}
		want(t, w.Get("/portal/join"), http.StatusOK, "新就业形态", "鼓楼区总工会")
		r := w.Get(fmt.Sprintf("/portal/join?district=%d", gulou))
		want(t, r, http.StatusOK, "鼓楼区快递行业联合工会", "联合工会")
		r = w.PostForm("/portal/join", url.Values{"org_id": {fmt.Sprint(joint.ID)}})
		want(t, r, http.StatusSeeOther)
		want(t, w.PostForm("/portal/join", url.Values{"org_id": {fmt.Sprint(gulou)}}), http.StatusUnprocessableEntity, "正常运行的基层工会")
		want(t, w.PostForm("/portal/join", url.Values{"org_id": {fmt.Sprint(env.Info.Tree.Gulou)}}), http.StatusConflict)
	})
}

var dataURL = regexp.MustCompile(`data-url="[^"#]*/verify#([A-Za-z0-9_.-]+)"`)

// TestCard_OnlyForMembersAndVerifies: a non-member is sent to join; a member's
// card carries a token the public key verifies, and /verify carries that key.
func TestCard_OnlyForMembersAndVerifies(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		asNonMember(t, env, "13900000001")
		w := env.Worker(t, "13900000001")
		r := w.Get("/portal/card")
		if r.Status != http.StatusSeeOther || r.Location != "/portal/membership" {
			t.Fatalf("non-member card: %d → %q", r.Status, r.Location)
		}
		me := workerByPhone(t, env, "13900000001")
		db.Exec(sys, `UPDATE workers SET member_status = 'member', joined_on = '2024-05-01' WHERE id = ?`, me.id)
		r = w.Get("/portal/card")
		want(t, r, http.StatusOK, "陈*明", "2024-05-01", "data:image/png;base64,", "离线可核验", membership.CardNumber(me.id))
		m := dataURL.FindStringSubmatch(r.Body)
		if m == nil {
			t.Fatalf("no verify URL on the card: %s", r.Body)
		}
		signer, _ := env.App.Keys.Signer()
		payload, err := signer.Verify(m[1])
		if err != nil || !strings.Contains(string(payload), `"n":"陈*明"`) {
			t.Fatalf("card token: %v %s", err, payload)
		}
		v := env.NewClient(t).Get("/verify")
		jwk := signer.PublicJWK()
		want(t, v, http.StatusOK, "data-jwk=", jwk["x"], jwk["y"], "/static/verify.js", "离线可核验")
		sw := env.NewClient(t).Get("/sw.js")
		if sw.Status != http.StatusOK || !strings.HasPrefix(sw.Header.Get("Content-Type"), "text/javascript") ||
			!strings.Contains(sw.Body, "/static/verify.js") {
			t.Fatalf("service worker: %d %q", sw.Status, sw.Header.Get("Content-Type"))
		}
		js := env.NewClient(t).Get("/static/verify.js")
		want(t, js, http.StatusOK, "crypto.subtle.verify")
	})
}

// TestTransfer_AcceptedMovesMember: a member asks to move; the old union sees
// it going out and cannot accept it; the new union declines without a reason
// (refused), then accepts; the member has moved and both sides keep the record.
func TestTransfer_AcceptedMovesMember(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		tree := env.Info.Tree
		w := env.Worker(t, "13900000001")
		me := workerByPhone(t, env, "13900000001")
		db.Exec(sys, `UPDATE workers SET member_status = 'member', joined_on = '2024-05-01' WHERE id = ?`, me.id)
		to := orgName(t, env, tree.Taijiang)
		want(t, w.Get("/portal/transfer?q="+url.QueryEscape(string([]rune(to)[3:7]))), http.StatusOK, to)
		r := w.PostForm("/portal/transfer", url.Values{"org_id": {fmt.Sprint(tree.Gulou)}})
		want(t, r, http.StatusUnprocessableEntity, "已经在这个工会")
		r = w.PostForm("/portal/transfer", url.Values{"org_id": {fmt.Sprint(tree.Taijiang)}, "reason": {"换了工作"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("request transfer: %d %s", r.Status, r.Body)
		}
		want(t, w.Get("/portal/membership"), http.StatusOK, to, "待接收")
		var id int64
		db.QueryRow(sys, `SELECT id FROM member_transfers WHERE worker_id = ?`, me.id).Scan(&id)
		path := fmt.Sprintf("/console/membership/transfers/%d", id)

		gl := env.Staff(t, "gulou.clerk")
		want(t, gl.Get("/console/membership/transfers"), http.StatusOK, path, "转出")
		want(t, gl.PostForm(path+"/accept", nil), http.StatusNotFound)
		tj := env.Staff(t, "taijiang.clerk")
		want(t, tj.Get("/console/membership/transfers"), http.StatusOK, path, "转入")
		want(t, tj.PostForm(path+"/decline", url.Values{"reason": {""}}), http.StatusUnprocessableEntity, "请填写不通过的原因")
		want(t, tj.PostForm(path+"/accept", url.Values{"version": {"1"}}), http.StatusSeeOther)

		if got := workerByPhone(t, env, "13900000001"); got.orgID != tree.Taijiang || got.status != "member" || got.joined != "2024-05-01" {
			t.Fatalf("after the transfer: %+v", got)
		}
		want(t, w.Get("/portal/membership"), http.StatusOK, to, "已转入")
		want(t, gl.Get("/console/membership/transfers?status=accepted"), http.StatusOK, path)
		want(t, tj.Get(path), http.StatusOK, "已转入", "换了工作")
	})
}

// TestTransfer_RequestedByStaff: staff of the current union move a member;
// staff of another district cannot name a worker outside their scope.
func TestTransfer_RequestedByStaff(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		tree := env.Info.Tree
		env.Worker(t, "13900000001")
		me := workerByPhone(t, env, "13900000001")
		db.Exec(sys, `UPDATE workers SET member_status = 'member', joined_on = '2024-05-01' WHERE id = ?`, me.id)
		form := func() url.Values { // a fresh form per post: PostForm adds the client's CSRF token
			return url.Values{"worker_id": {fmt.Sprint(me.id)}, "org_id": {fmt.Sprint(tree.Taijiang)}}
		}
		tj := env.Staff(t, "taijiang.clerk")
		want(t, tj.Get("/console/membership/transfers/new"), http.StatusOK)
		want(t, tj.PostForm("/console/membership/transfers", form()), http.StatusUnprocessableEntity, "不在您的管辖范围内")
		gl := env.Staff(t, "gulou.clerk")
		gl.Get("/console/membership/transfers/new")
		r := gl.PostForm("/console/membership/transfers", form())
		if r.Status != http.StatusSeeOther {
			t.Fatalf("staff transfer: %d %s", r.Status, r.Body)
		}
		want(t, gl.PostForm("/console/membership/transfers", form()), http.StatusConflict, "待确认的转会申请")
	})
}

// TestJoin_StaffApplyForWorker: grassroots staff file for a worker in their
// scope; staff of another district cannot name that worker.
func TestJoin_StaffApplyForWorker(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		asNonMember(t, env, "13900000007")
		union := env.Info.Tree.Gulou
		name := orgName(t, env, union)
		seven := workerByPhone(t, env, "13900000007")
		form := func() url.Values {
			return url.Values{"worker_id": {fmt.Sprint(seven.id)}, "org_id": {fmt.Sprint(union)}}
		}
		tj := env.Staff(t, "taijiang.clerk")
		want(t, tj.PostForm("/console/membership/applications", form()), http.StatusUnprocessableEntity, "不在您的管辖范围内")
		gc := env.Staff(t, "grass.clerk")
		q := url.QueryEscape(string([]rune(name)[3:7]))
		want(t, gc.Get(fmt.Sprintf("/console/membership/applications/new?worker_id=%d&q=%s", seven.id, q)), http.StatusOK, name)
		r := gc.PostForm("/console/membership/applications", form())
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/console/membership/applications/") {
			t.Fatalf("apply for a worker: %d → %q: %s", r.Status, r.Location, r.Body)
		}
		want(t, gc.Get(r.Location), http.StatusOK, "吴*栋", name, "待审批")
		want(t, gc.PostForm("/console/membership/applications", form()), http.StatusConflict, "待审批的入会申请")
	})
}

// TestTransfer_MemberWithdraws: the member takes the request back and may ask again.
func TestTransfer_MemberWithdraws(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		tree := env.Info.Tree
		w := env.Worker(t, "13900000001")
		me := workerByPhone(t, env, "13900000001")
		db.Exec(sys, `UPDATE workers SET member_status = 'member', joined_on = '2024-05-01' WHERE id = ?`, me.id)
		w.Get("/portal/transfer")
		ask := func() *apptest.Response {
			return w.PostForm("/portal/transfer", url.Values{"org_id": {fmt.Sprint(tree.Taijiang)}})
		}
		want(t, ask(), http.StatusSeeOther)
		want(t, ask(), http.StatusConflict, "待确认的转会申请")
		want(t, w.Get("/portal/membership"), http.StatusOK, "撤回转会申请")
		want(t, w.PostForm("/portal/transfer/cancel", nil), http.StatusSeeOther)
		want(t, w.Get("/portal/membership"), http.StatusOK, "已取消")
		want(t, ask(), http.StatusSeeOther)
		if got := workerByPhone(t, env, "13900000001"); got.orgID != tree.Gulou {
			t.Fatalf("a request alone must not move the member: %+v", got)
		}
	})
}

// TestAPI_DecideApplication: an API client acting for district staff lists and
// approves; a decline without a reason is a problem with the field named.
func TestAPI_DecideApplication(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		asNonMember(t, env, "13900000001", "13900000004", "13900000007")
		union := env.Info.Tree.Gulou
		for _, phone := range []string{"13900000001", "13900000004"} {
			env.Clock.Advance(61 * time.Second)
			join(t, env.Worker(t, phone), union, orgName(t, env, union))
		}
		a := openApplicationID(t, env, workerByPhone(t, env, "13900000001").id)
		b := openApplicationID(t, env, workerByPhone(t, env, "13900000004").id)
		tok := apiToken(t, env, "gulou.clerk")
		r := apiCall(t, env, tok, http.MethodGet, "/api/v1/membership/applications?status=pending", "", "")
		want(t, r, http.StatusOK, `"total":2`, `"worker_name":"陈*明"`)
		r = apiCall(t, env, tok, http.MethodPost, fmt.Sprintf("/api/v1/membership/applications/%d/approve", a), "k1", `{"version":1}`)
		want(t, r, http.StatusOK, `"status":"approved"`)
		r = apiCall(t, env, tok, http.MethodPost, fmt.Sprintf("/api/v1/membership/applications/%d/decline", b), "k2", `{}`)
		want(t, r, http.StatusUnprocessableEntity, `reason`)
		r = apiCall(t, env, tok, http.MethodPost, fmt.Sprintf("/api/v1/membership/applications/%d/decline", b), "k3", `{"reason":"重复申请"}`)
		want(t, r, http.StatusOK, `"status":"declined"`, "重复申请")
		seven := workerByPhone(t, env, "13900000007")
		body := fmt.Sprintf(`{"worker_id":%d,"org_id":%d}`, seven.id, union)
		other := apiToken(t, env, "taijiang.clerk")
		r = apiCall(t, env, other, http.MethodPost, "/api/v1/membership/applications", "k5", body)
		want(t, r, http.StatusUnprocessableEntity, "worker_id")
		r = apiCall(t, env, tok, http.MethodPost, "/api/v1/membership/applications", "k6", body)
		want(t, r, http.StatusCreated, `"status":"pending"`, `"worker_name":"吴*栋"`)
		r = apiCall(t, env, tok, http.MethodPost, "/api/v1/membership/applications", "k7", body)
		want(t, r, http.StatusConflict)
		r = apiCall(t, env, other, http.MethodPost, fmt.Sprintf("/api/v1/membership/applications/%d/approve", b), "k4", `{}`)
		want(t, r, http.StatusNotFound)
		if got := workerByPhone(t, env, "13900000001"); got.status != "member" {
			t.Fatalf("approved through the API: %+v", got)
		}
		want(t, apiCall(t, env, tok, http.MethodGet, fmt.Sprintf("/api/v1/membership/applications/%d", a), "", ""),
			http.StatusOK, `"status":"approved"`)
		one := workerByPhone(t, env, "13900000001").id
		r = apiCall(t, env, tok, http.MethodGet, fmt.Sprintf("/api/v1/membership/cards/%d", one), "", "")
		want(t, r, http.StatusOK, `"name":"陈*明"`, `/verify#`)
		var card membership.CardJSON
		if err := json.Unmarshal(r.Raw, &card); err != nil {
			t.Fatal(err)
		}
		signer, _ := env.App.Keys.Signer()
		if _, err := signer.Verify(card.Token); err != nil || !strings.HasSuffix(card.VerifyURL, "#"+card.Token) {
			t.Fatalf("API card token: %v %+v", err, card)
		}
		want(t, apiCall(t, env, other, http.MethodGet, fmt.Sprintf("/api/v1/membership/cards/%d", one), "", ""), http.StatusNotFound)
		want(t, apiCall(t, env, tok, http.MethodGet, fmt.Sprintf("/api/v1/membership/cards/%d", workerByPhone(t, env, "13900000004").id), "", ""),
			http.StatusConflict)
	})
}
