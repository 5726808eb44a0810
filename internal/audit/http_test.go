package audit_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhijia/internal/app/apptest"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

// TestAuditPage_FilterByOrgAndExport: an auditor sees staff actions, narrows them
// to one district, and exports what the filter shows; the export is itself audited.
func TestAuditPage_FilterByOrgAndExport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		env.Staff(t, "gulou.clerk")    // a district sign-in: audited under 鼓楼
		env.Staff(t, "taijiang.clerk") // and one under 台江
		c := env.Staff(t, "city.auditor")
		r := c.Get("/console/audit?action=auth.login")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "刘芳") || !strings.Contains(r.Body, "许静") {
			t.Fatalf("city auditor must see both districts' sign-ins: %d", r.Status)
		}
		if !strings.Contains(r.Body, `登录 <code translate="no">auth.login</code>`) || !strings.Contains(r.Body, `<option value="auth.login"  selected>登录</option>`) {
			t.Error("the log names each action in the reader's language beside its code, and the filter lists names")
		}
		gulouPath := pathOf(t, db, env.Info.Tree.Districts["350102"])
		r = c.Get("/console/audit?action=auth.login&under=" + url.QueryEscape(gulouPath))
		if !strings.Contains(r.Body, "刘芳") || strings.Contains(r.Body, "许静") {
			t.Fatal("filtered to 鼓楼, the page must show 鼓楼's sign-in only")
		}
		r = c.Get("/console/audit?action=auth.login&under=" + url.QueryEscape(gulouPath) + "&export=xlsx")
		f, err := excelize.OpenReader(bytes.NewReader(r.Raw))
		if err != nil {
			t.Fatalf("export is not an .xlsx: %v", err)
		}
		rows, _ := f.GetRows("Sheet1")
		if len(rows) < 2 || rows[0][0] != "时间" || !strings.Contains(strings.Join(rows[1], " "), "刘芳") ||
			rows[1][3] != "登录 auth.login" {
			t.Fatalf("export rows: %v (the action named, with its code)", rows)
		}
		for _, row := range rows[1:] {
			if strings.Contains(strings.Join(row, " "), "许静") {
				t.Fatal("the export must hold only the filtered rows")
			}
		}
		if r := c.Get("/console/audit?action=audit.export"); !strings.Contains(r.Body, "audit.export") {
			t.Fatal("the export itself must be audited")
		}
		if r := c.Get("/console/audit?from=2026-13-40"); r.Status != http.StatusOK || !strings.Contains(r.Body, "日期格式") {
			t.Fatalf("a bad date gets a message on the field, not an error page: %d", r.Status)
		}
		if r := env.Staff(t, "gulou.clerk").Get("/console/audit"); r.Status != http.StatusForbidden {
			t.Fatalf("a clerk must not read the audit log: %d", r.Status)
		}
	})
}

func pathOf(t *testing.T, db *platform.DB, id int64) string {
	t.Helper()
	var p string
	if err := db.QueryRow(t.Context(), `SELECT path FROM orgs WHERE id = ?`, id).Scan(&p); err != nil {
		t.Fatal(err)
	}
	return p
}
