package people_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zhijia/internal/app/apptest"
	"zhijia/internal/auth"
	"zhijia/internal/people"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

// idNumber builds a valid id number from its first 17 characters.
func idNumber(body string) string { return body + string(people.CheckChar(body)) }

func workerForm(env *apptest.Env, name, id, phone string) url.Values {
	return url.Values{"org_id": {fmt.Sprint(env.Info.Tree.Gulou)}, "name": {name}, "id_number": {id},
		"phone": {phone}, "member_status": {"member"}, "joined_on": {"2021-03-01"}}
}

func TestWorkerPages_CreateSearchShowAndScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		clerk := env.Staff(t, "gulou.clerk")
		id := idNumber("35010219880808913")
		form := workerForm(env, "陈志明", id[:17]+"0", "13912345678")
		if id[17] == '0' {
			form.Set("id_number", id[:17]+"1")
		}
		clerk.Get("/console/workers/new")
		r := clerk.PostForm("/console/workers", form)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "校验码") ||
			!strings.Contains(r.Body, `value="陈志明"`) || !strings.Contains(r.Body, `aria-invalid="true"`) {
			t.Fatalf("bad check char: %d %s", r.Status, r.Body)
		}
		form.Set("id_number", strings.ToLower(id))
		r = clerk.PostForm("/console/workers", form)
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/console/workers/") {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		detail := r.Location
		r = clerk.PostForm("/console/workers/search", url.Values{"q": {id}, "status": {"member"}})
		if r.Status != http.StatusSeeOther || strings.Contains(r.Location, id[6:14]) || !strings.Contains(r.Location, "status=member") {
			t.Fatalf("search by id redirects to %d %q", r.Status, r.Location)
		}
		r = clerk.Get(r.Location)
		if r.Status != 200 || strings.Contains(r.Body, id) || !strings.Contains(r.Body, "陈志明") || !strings.Contains(r.Body, people.MaskIDNumber(id)) {
			t.Fatalf("search by id: %d %d %v %v", r.Status, strings.Count(r.Body, id), strings.Contains(r.Body, "陈志明"), strings.Contains(r.Body, people.MaskIDNumber(id)))
		}
		r = clerk.Get(detail)
		if r.Status != 200 || !strings.Contains(r.Body, "139****5678") || strings.Contains(r.Body, "13912345678") || strings.Contains(r.Body, id) {
			t.Fatalf("detail shows clear data or fails: %d", r.Status)
		}
		if strings.Contains(r.Body, "/reveal") {
			t.Error("a clerk is offered the reveal button")
		}
		// duplicate through the form: the field message, the union named
		r = clerk.PostForm("/console/workers", form)
		if r.Status != http.StatusConflict || !strings.Contains(r.Body, "已登记") {
			t.Errorf("duplicate: %d", r.Status)
		}
		// narrowed to an org: the union shows the worker, a sibling district nothing
		if r := clerk.Get(fmt.Sprintf("/console/workers?org=%d", env.Info.Tree.Gulou)); !strings.Contains(r.Body, "陈志明") {
			t.Errorf("org filter loses the worker: %d", r.Status)
		}
		if r := clerk.Get(fmt.Sprintf("/console/workers?org=%d", env.Info.Tree.Districts["350103"])); r.Status != 200 || strings.Contains(r.Body, "陈志明") {
			t.Errorf("org filter outside the scope: %d", r.Status)
		}
		tj := env.Staff(t, "taijiang.clerk")
		if r := tj.Get(detail); r.Status != http.StatusNotFound {
			t.Errorf("台江 clerk reads a 鼓楼 worker: %d", r.Status)
		}
		if r := tj.Get("/console/workers?q=" + url.QueryEscape(id)); strings.Contains(r.Body, "陈志明") {
			t.Error("台江 clerk finds a 鼓楼 worker")
		}
		// edit: blank id keeps it; a stale version is a conflict that keeps the input
		clerk.Get(detail + "/edit")
		edit := url.Values{"org_id": form["org_id"], "name": {"陈志明"}, "member_status": {"member"}, "model_level": {"city"}, "version": {"1"}}
		if r := clerk.PostForm(detail, edit); r.Status != http.StatusSeeOther {
			t.Fatalf("edit: %d %s", r.Status, r.Body)
		}
		edit.Set("post", "焊工")
		if r := clerk.PostForm(detail, edit); r.Status != http.StatusConflict || !strings.Contains(r.Body, `value="焊工"`) {
			t.Errorf("stale edit: %d", r.Status)
		}
	})
}

func TestWorkerPages_HouseholdNeedsConsent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		clerk := env.Staff(t, "gulou.clerk")
		form := workerForm(env, "林秀英", idNumber("35010219860420928"), "")
		form.Set("h0_relation", "child")
		form.Set("h0_name", "林小丽")
		form.Set("h0_birth", "2015-06-01")
		form.Set("h0_student", "1")
		clerk.Get("/console/workers/new")
		r := clerk.PostForm("/console/workers", form)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "告知书") || !strings.Contains(r.Body, `value="林小丽"`) {
			t.Fatalf("household without consent: %d", r.Status)
		}
		form.Set("consent", "1")
		r = clerk.PostForm("/console/workers", form)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("with consent: %d %s", r.Status, r.Body)
		}
		if r := clerk.Get(r.Location); !strings.Contains(r.Body, "林小丽") || !strings.Contains(r.Body, people.ConsentVersion) {
			t.Errorf("detail lacks the household or the consent")
		}
	})
}

func TestWorkerReveal_AdminOnlyAndAudited(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		id := idNumber("35010219790101915")
		sys := platform.WithActor(context.Background(), platform.System("test"))
		w, err := env.App.People.CreateWorker(sys, people.WorkerInput{OrgID: env.Info.Tree.Gulou, Name: "黄国栋", IDNumber: id, Phone: "13700001111"})
		if err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/console/workers/%d", w.ID)
		clerk := env.Staff(t, "gulou.clerk")
		clerk.Get(path)
		if r := clerk.PostForm(path+"/reveal?field=id_number", nil); r.Status != http.StatusForbidden || strings.Contains(r.Body, id) {
			t.Errorf("clerk reveal: %d", r.Status)
		}
		admin := env.Staff(t, "gulou.admin")
		if r := admin.Get(path); !strings.Contains(r.Body, "/reveal?field=id_number") {
			t.Fatal("no reveal button for an admin")
		}
		r := admin.PostForm(path+"/reveal?field=id_number", nil)
		if r.Status != 200 || !strings.Contains(r.Body, id) || strings.Contains(r.Body, "13700001111") {
			t.Fatalf("admin reveal: %d", r.Status)
		}
		if r.Header.Get("Cache-Control") != "no-store" {
			t.Error("a revealed page may be cached")
		}
		var n int
		if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = 'people.reveal' AND entity_id = ?`,
			fmt.Sprint(w.ID)).Scan(&n); err != nil || n != 1 {
			t.Errorf("reveal audit rows: %d %v", n, err)
		}
	})
}

func TestWorkerExport_MaskedAndAudited(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		sys := platform.WithActor(context.Background(), platform.System("test"))
		var clear []string
		for i, name := range []string{"张伟", "李娜", "王建平"} {
			id := idNumber(fmt.Sprintf("3501021990010%d912", i+1))
			phone := fmt.Sprintf("1380013800%d", i)
			clear = append(clear, id, phone)
			if _, err := env.App.People.CreateWorker(sys, people.WorkerInput{OrgID: env.Info.Tree.Gulou, Name: name, IDNumber: id, Phone: phone}); err != nil {
				t.Fatal(err)
			}
		}
		clerk := env.Staff(t, "gulou.clerk")
		if r := clerk.Get("/console/workers?export=xlsx&q=" + clear[0]); r.Status != 200 {
			t.Fatalf("export by id: %d", r.Status)
		}
		r := clerk.Get("/console/workers?export=xlsx")
		if r.Status != 200 {
			t.Fatalf("export: %d", r.Status)
		}
		f, err := excelize.OpenReader(bytes.NewReader(r.Raw))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows("Sheet1")
		if err != nil || len(rows) < 4 {
			t.Fatalf("rows %d %v", len(rows), err)
		}
		all := fmt.Sprint(rows)
		for _, c := range append(clear, "王建平", "李娜") {
			if strings.Contains(all, c) {
				t.Errorf("export holds %q in clear", c)
			}
		}
		if !strings.Contains(all, "350102********") || !strings.Contains(all, "138****800") {
			t.Errorf("export lacks masked values: %s", all)
		}
		var n int
		var summaries string
		if err := db.QueryRow(context.Background(), `SELECT COUNT(*), MIN(summary) || MAX(summary) FROM audit_log WHERE action = 'people.export'`).Scan(&n, &summaries); err != nil || n != 2 {
			t.Errorf("export audit rows: %d %v", n, err)
		}
		if strings.Contains(summaries, clear[0]) {
			t.Errorf("the export's audit row holds the id number searched for: %s", summaries)
		}
	})
}

func TestWorkerAPI_SearchAndGet(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		sys := platform.WithActor(context.Background(), platform.System("test"))
		id := idNumber("35010219850505916")
		w, err := env.App.People.CreateWorker(sys, people.WorkerInput{OrgID: env.Info.Tree.Gulou, Name: "吴海峰", IDNumber: id, Phone: "15800001234"})
		if err != nil {
			t.Fatal(err)
		}
		get := func(user, path string) (int, map[string]any) {
			req, _ := http.NewRequest(http.MethodGet, env.Server.URL+path, nil)
			req.Header.Set("Authorization", "Bearer "+token(t, env, user))
			r := env.NewClient(t).Do(req)
			var out map[string]any
			_ = json.Unmarshal(r.Raw, &out)
			return r.Status, out
		}
		status, list := get("gulou.clerk", "/api/v1/workers?q="+id)
		if status != 200 || list["total"] != float64(1) || strings.Contains(fmt.Sprint(list), id) {
			t.Fatalf("search: %d %v", status, list)
		}
		status, one := get("gulou.clerk", fmt.Sprintf("/api/v1/workers/%d", w.ID))
		if status != 200 || one["id_number_masked"] != people.MaskIDNumber(id) || one["phone_masked"] != "158****1234" {
			t.Fatalf("get: %d %v", status, one)
		}
		if status, _ := get("taijiang.clerk", fmt.Sprintf("/api/v1/workers/%d", w.ID)); status != http.StatusNotFound {
			t.Errorf("台江 clerk reads a 鼓楼 worker: %d", status)
		}
		if status, body := get("gulou.clerk", "/api/v1/workers?status=retired"); status != http.StatusUnprocessableEntity && status != http.StatusBadRequest {
			t.Errorf("bad status filter: %d %v", status, body)
		}
	})
}

func token(t *testing.T, env *apptest.Env, username string) string {
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
