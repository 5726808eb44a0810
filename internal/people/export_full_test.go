package people_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhijia/internal/app/apptest"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

func TestExportFull_EncryptedClearAndAudited(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		admin := env.Staff(t, "gulou.admin")
		id := idNumber("35010219900101123")
		if r := admin.PostForm("/console/workers", workerForm(env, "林雪梅", id, "13812348000")); r.Status != http.StatusSeeOther {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		path := fmt.Sprintf("/console/workers/export-full?org=%d&status=member", env.Info.Tree.Gulou)
		r := admin.Get(path)
		if r.Status != 200 || !strings.Contains(r.Body, `type="password"`) || !strings.Contains(r.Body, "会员") {
			t.Fatalf("form: %d %s", r.Status, r.Body)
		}
		r = admin.PostForm(path, url.Values{"password": {"short"}, "password2": {"short"}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "至少输入 8 个字符") ||
			!strings.Contains(r.Body, `aria-invalid="true"`) || !strings.Contains(r.Body, "status=member") {
			t.Fatalf("short password: %d %s", r.Status, r.Body)
		}
		r = admin.PostForm(path, url.Values{"password": {"s3cret-pass"}, "password2": {"s3cret-pasS"}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "不一致") {
			t.Fatalf("mismatch: %d", r.Status)
		}
		r = admin.PostForm(path, url.Values{"password": {"s3cret-pass"}, "password2": {"s3cret-pass"}})
		if r.Status != 200 || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("export: %d %s", r.Status, r.Body)
		}
		if f, err := excelize.OpenReader(bytes.NewReader(r.Raw)); err == nil {
			f.Close()
			t.Fatal("the workbook opens without the password")
		}
		if f, err := excelize.OpenReader(bytes.NewReader(r.Raw), excelize.Options{Password: "wrong-pass"}); err == nil {
			f.Close()
			t.Fatal("the workbook opens with a wrong password")
		}
		f, err := excelize.OpenReader(bytes.NewReader(r.Raw), excelize.Options{Password: "s3cret-pass"})
		if err != nil {
			t.Fatalf("open with the password: %v", err)
		}
		defer f.Close()
		rows, err := f.GetRows("Sheet1")
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, row := range rows[1:] {
			if len(row) > 4 && row[0] == "林雪梅" && row[1] == id && row[4] == "13812348000" {
				found = true
			}
		}
		if !found {
			t.Fatalf("no clear row for the worker in %d rows: %v", len(rows), rows[:min(3, len(rows))])
		}
		var n int
		var summary string
		if err := db.QueryRow(context.Background(), `SELECT COUNT(*), MAX(summary) FROM audit_log WHERE action = 'people.export_full'`).Scan(&n, &summary); err != nil || n != 1 {
			t.Fatalf("audit rows: %d %v", n, err)
		}
		if !strings.Contains(summary, fmt.Sprintf("%d 条", len(rows)-1)) || !strings.Contains(summary, "status=member") ||
			strings.Contains(summary, id) || strings.Contains(summary, "13812348000") || strings.Contains(summary, "s3cret") {
			t.Errorf("audit summary: %q", summary)
		}
	})
}

func TestExportFull_NeedsReveal(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		clerk := env.Staff(t, "gulou.clerk")
		if r := clerk.Get("/console/workers/export-full"); r.Status != http.StatusForbidden {
			t.Errorf("clerk form: %d", r.Status)
		}
		clerk.Get("/console/workers")
		if r := clerk.PostForm("/console/workers/export-full", url.Values{"password": {"s3cret-pass"}, "password2": {"s3cret-pass"}}); r.Status != http.StatusForbidden {
			t.Errorf("clerk export: %d", r.Status)
		}
		var n int
		if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = 'people.export_full'`).Scan(&n); err != nil || n != 0 {
			t.Errorf("audit rows after refusals: %d %v", n, err)
		}
	})
}
