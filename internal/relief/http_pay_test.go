package relief_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhijia/internal/app/apptest"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

// checkBankFile: the bank's file holds full account numbers, so it needs the
// reveal permission (a clerk is refused), a password of 8 or more characters,
// comes encrypted with it, and is audited.
func checkBankFile(t *testing.T, env *apptest.Env, clerk *apptest.Client, batch string) {
	t.Helper()
	path := "/console/relief/batches/" + batch + "/export"
	if page := clerk.Get("/console/relief/batches/" + batch); !strings.Contains(page.Body, "6222 **** **** 0128") ||
		strings.Contains(page.Body, "6222021234567890128") || strings.Contains(page.Body, path) {
		t.Fatalf("batch page: account not masked, or a clerk is offered the bank file:\n%s", page.Body)
	}
	if r := clerk.Get(path); r.Status != http.StatusForbidden {
		t.Fatalf("bank file form for a clerk: %d", r.Status)
	}
	admin := env.Staff(t, "gulou.admin")
	if r := admin.Get(path); r.Status != http.StatusOK || !strings.Contains(r.Body, `name="password2"`) {
		t.Fatalf("bank file form: %d", r.Status)
	}
	if r := admin.PostForm(path, url.Values{"password": {"short"}, "password2": {"short"}}); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "密码至少8位") {
		t.Fatalf("short password: %d", r.Status)
	}
	x := admin.PostForm(path, url.Values{"password": {"bank-2026!"}, "password2": {"bank-2026!"}})
	if x.Status != http.StatusOK || !strings.Contains(x.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("bank file: %d", x.Status)
	}
	if f, err := excelize.OpenReader(bytes.NewReader(x.Raw)); err == nil {
		f.Close()
		t.Fatal("the bank file opens without the password")
	}
	f, err := excelize.OpenReader(bytes.NewReader(x.Raw), excelize.Options{Password: "bank-2026!"})
	if err != nil {
		t.Fatalf("open with the password: %v", err)
	}
	defer f.Close()
	rows, _ := f.GetRows("Sheet1")
	if len(rows) < 2 || rows[1][1] != "陈小明" || rows[1][2] != "6222021234567890128" || rows[1][3] != "中国工商银行福州鼓楼支行" {
		t.Fatalf("bank rows: %v", rows)
	}
	var n int
	env.App.DB.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = 'relief.batch_export'`).Scan(&n)
	if n != 1 {
		t.Errorf("%d bank file exports audited, want 1", n)
	}
}

// checkListExports: the payment batches, public notices and objections lists
// export to Excel, names masked as on the pages.
func checkListExports(t *testing.T, staff *apptest.Client, lists ...string) {
	t.Helper()
	want := map[string]string{"/console/relief/batches": "3,000.00", "/console/relief/notices": "陈*明",
		"/console/relief/objections": "该户有经营性收入未申报"}
	for _, list := range lists {
		c := struct{ list, want string }{list, want[list]}
		if page := staff.Get(c.list); !strings.Contains(page.Body, c.list+"?export=xlsx") {
			t.Errorf("%s offers no export", c.list)
		}
		x := staff.Get(c.list + "?export=xlsx")
		if x.Status != http.StatusOK || !strings.Contains(x.Header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("%s export: %d", c.list, x.Status)
		}
		f, err := excelize.OpenReader(bytes.NewReader(x.Raw))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("Sheet1")
		f.Close()
		all := fmt.Sprint(rows)
		if len(rows) < 2 || !strings.Contains(all, c.want) || strings.Contains(all, "陈小明") {
			t.Errorf("%s export rows: %v", c.list, rows)
		}
	}
}

// A returned application is corrected on the phone: the form comes filled with
// what is on file, a wrong amount comes back as typed with its message, and the
// accepted correction shows in the history on both sides.
func TestHTTP_ReturnedApplicationCorrected(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		worker := env.Worker(t, "13900000001")
		worker.Get("/portal/relief/apply")
		id := submitted(t, worker.PostForm("/portal/relief/apply", applyForm("c1")))
		if r := decide(t, env.Staff(t, "grass.clerk"), id, url.Values{"action": {"return"}, "reason": {"申请金额请按发票核减"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("return: %d", r.Status)
		}
		path := "/portal/relief/application?id=" + strconv.FormatInt(id, 10)
		mine := worker.Get(path)
		if !strings.Contains(mine.Body, `id="amend-requested" value="10000.00"`) || !strings.Contains(mine.Body, "6222 **** **** 0128") {
			t.Fatalf("correction form not filled with what is on file:\n%s", mine.Body)
		}
		form := url.Values{"id": {strconv.FormatInt(id, 10)}, "version": {version(t, mine.Body)}, "amend": {"1"}}
		for _, f := range []string{"income", "unavoidable", "medical_costs", "insurance_paid", "losses", "tuition"} {
			form.Set(f, "")
		}
		form.Set("income", "2500")
		form.Set("unavoidable", "300")
		form.Set("medical_costs", "80000")
		form.Set("insurance_paid", "30000.50")
		form.Set("statement", "丈夫患病住院，家庭收入骤减。")
		form.Set("payee_name", "陈小明")
		form.Set("payee_bank", "中国工商银行福州鼓楼支行")
		form.Set("requested", "八千")
		if r := worker.PostForm("/portal/relief/resubmit", form); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, `value="八千"`) {
			t.Fatalf("a wrong amount: %d\n%s", r.Status, r.Body)
		}
		form.Set("requested", "8000")
		if r := worker.PostForm("/portal/relief/resubmit", form); r.Status != http.StatusSeeOther {
			t.Fatalf("corrected: %d\n%s", r.Status, r.Body)
		}
		const changed = "修改了申请金额：10,000.00 → 8,000.00"
		if mine := worker.Get(path); !strings.Contains(mine.Body, changed) {
			t.Errorf("the worker's history lacks the change")
		}
		if page := env.Staff(t, "grass.clerk").Get("/console/relief/applications/" + strconv.FormatInt(id, 10)); !strings.Contains(page.Body, changed) ||
			!strings.Contains(page.Body, "审核中") {
			t.Errorf("the reviewer's history lacks the change:\n%s", page.Body)
		}
	})
}
