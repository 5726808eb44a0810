package org_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"zhijia/internal/auth"
	"zhijia/internal/org"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
	"zhijia/internal/web"
)

// problem decodes a problem+json answer.
func problem(t *testing.T, w *httptest.ResponseRecorder, status int) web.Problem {
	t.Helper()
	if w.Code != status || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/problem+json") {
		t.Fatalf("got %d %s, want %d problem+json: %s", w.Code, w.Header().Get("Content-Type"), status, w.Body.String())
	}
	var p web.Problem
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAPI_ListGetCreate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		e := newEnv(t, db)
		c := e.staff(auth.RoleClerk, e.gulou.ID)
		w := c.get("/api/v1/orgs?level=grassroots")
		var list org.OrgList
		if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &list) != nil {
			t.Fatalf("list: %d %s", w.Code, w.Body.String())
		}
		if list.Total != 1 || len(list.Items) != 1 || list.Items[0].ID != e.g1.ID || list.Items[0].ContactPhone != "138****8000" {
			t.Fatalf("list: %+v", list)
		}
		wantIn(t, w.Body.String(), `"credit_code":"`+e.g1.Employer.CreditCode+`"`, `"contact_phone":"138****8000"`, `"parent_id":`+id(e.gulou))
		w = c.get("/api/v1/orgs/" + id(e.g1))
		wantIn(t, wantStatus(t, w, http.StatusOK), `"name":"福州鑫华电子有限公司工会委员会"`, `"headcount":120`)
		wantIn(t, wantStatus(t, c.get("/api/v1/orgs/"+id(e.gulou)+"/stats"), http.StatusOK), `"grassroots":1`, `"headcount":120`)
		if p := problem(t, c.get("/api/v1/orgs/"+id(e.g3)), http.StatusNotFound); p.Code != "not_found" {
			t.Fatalf("problem: %+v", p)
		}
		problem(t, c.get("/api/v1/orgs?level=planet"), http.StatusUnprocessableEntity)
		p := problem(t, c.postJSON("/api/v1/orgs", `{"parent_id":`+id(e.gulou)+`,"level":"grassroots","name":"闽江机械工会",
			"employer_name":"福州闽江机械有限公司","credit_code":"91350102MA2YQ0O1X5","headcount":10}`), http.StatusUnprocessableEntity)
		if len(p.Errors) != 1 || p.Errors[0].Field != "credit_code" || p.Errors[0].Message == "" || !strings.Contains(p.Detail, "第15位") {
			t.Fatalf("problem: %+v", p)
		}
		w = c.postJSON("/api/v1/orgs", `{"parent_id":`+id(e.gulou)+`,"level":"grassroots","name":"闽江机械工会",
			"employer_name":"福州闽江机械有限公司","credit_code":"`+creditCode(t, "350102", 9)+`","headcount":10,"lng":119.3,"lat":26.1}`)
		var made org.OrgJSON
		if w.Code != http.StatusCreated || json.Unmarshal(w.Body.Bytes(), &made) != nil || made.Employer == nil || *made.Employer.Lng != 119.3 {
			t.Fatalf("create: %d %s", w.Code, w.Body.String())
		}
		p = problem(t, c.postJSON("/api/v1/orgs", `{"parent_id":`+id(e.taijiang)+`,"level":"grassroots","name":"越界"}`),
			http.StatusUnprocessableEntity)
		if len(p.Errors) == 0 || p.Errors[0].Field != "parent_id" {
			t.Fatalf("a parent outside the scope: %+v", p)
		}
		reviewer := e.staff(auth.RoleReviewer, e.gulou.ID)
		problem(t, reviewer.postJSON("/api/v1/orgs", `{"parent_id":1,"level":"group","name":"x"}`), http.StatusForbidden)
	})
}

func TestMaskPhone(t *testing.T) {
	for in, want := range map[string]string{
		"13800138000": "138****8000", "0591-87654321": "059******4321", "": "", "123": "***",
		"12345": "1**45", " 13800138000 ": "138****8000",
	} {
		if got := org.MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}
