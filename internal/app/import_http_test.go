package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zhijia/internal/app/apptest"
	"zhijia/internal/people"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

// uploadRoster posts file to the import form as a browser would.
func uploadRoster(t *testing.T, c *apptest.Client, file []byte, fields map[string]string) *apptest.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fields["_csrf"] = c.CSRF
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", "名册.xlsx")
	fw.Write(file)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.Base+"/console/workers/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", c.Base)
	return c.Do(req)
}

// TestImportPages_TemplateUploadProgressAndErrorReport fills in the downloaded
// template with a good and a bad row, uploads it, follows the job to its end and
// downloads the error report; another account cannot see the job.
func TestImportPages_TemplateUploadProgressAndErrorReport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		clerk := env.Staff(t, "gulou.clerk")
		if r := clerk.Get("/console/workers/import"); r.Status != http.StatusOK || !strings.Contains(r.Body, `name="mode"`) {
			t.Fatalf("import page: %d", r.Status)
		}
		tpl := clerk.Get("/console/workers/import/template")
		x, err := excelize.OpenReader(bytes.NewReader(tpl.Raw))
		if tpl.Status != http.StatusOK || err != nil {
			t.Fatalf("template: %d %v", tpl.Status, err)
		}
		sheetName := x.GetSheetList()[0]
		head, _ := x.GetRows(sheetName)
		if len(head) == 0 || head[0][0] != "姓名*" || head[0][1] != "身份证号*" {
			t.Fatalf("template header %q", head)
		}
		body := "35010219900215110"
		good := body + string(people.CheckChar(body))
		bad := body + map[bool]string{true: "1", false: "2"}[good[17] != '1'] // wrong check character
		x.SetSheetRow(sheetName, "A2", &[]any{"陈导入", good, "", "", "", "", "本科", "是", "2021-03-01"})
		x.SetSheetRow(sheetName, "A3", &[]any{"林有误", bad, "", "", "", "", "", "", ""})
		var file bytes.Buffer
		x.Write(&file)
		x.Close()

		r := uploadRoster(t, clerk, file.Bytes(), map[string]string{"mode": "valid", "org_id": fmt.Sprint(env.Info.Tree.Gulou)})
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/console/worker-imports/") {
			t.Fatalf("upload: %d %s %s", r.Status, r.Location, r.Body)
		}
		job := r.Location
		var p struct{ Status string }
		for i := 0; i < 400; i++ {
			pr := clerk.Get(job + "/progress")
			if err := json.Unmarshal(pr.Raw, &p); err != nil {
				t.Fatalf("progress: %d %s", pr.Status, pr.Body)
			}
			if p.Status != "running" {
				break
			}
			time.Sleep(25 * time.Millisecond)
		}
		page := clerk.Get(job)
		if p.Status != "done" || !strings.Contains(page.Body, "导入 1 人，1 行有误") || !strings.Contains(page.Body, "errors.xlsx") {
			t.Fatalf("job page (%s): %s", p.Status, page.Body)
		}
		rep := clerk.Get(job + "/errors.xlsx")
		rx, err := excelize.OpenReader(bytes.NewReader(rep.Raw))
		if err != nil {
			t.Fatalf("error report: %d %v", rep.Status, err)
		}
		rows, _ := rx.GetRows(rx.GetSheetList()[0])
		if len(rows) != 2 || rows[0][len(rows[0])-1] != "错误原因" || !strings.Contains(rows[1][len(rows[1])-1], "校验码") {
			t.Fatalf("error report rows %q", rows)
		}
		admin := env.Staff(t, "gulou.admin")
		if r := admin.Get(job); r.Status != http.StatusNotFound {
			t.Errorf("another account's job: %d", r.Status)
		}
		if r := uploadRoster(t, clerk, []byte("not a spreadsheet\x00\x01"), map[string]string{"mode": "all"}); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "无法识别的文件类型") {
			t.Errorf("wrong file type: %d %s", r.Status, r.Body[strings.Index(r.Body, "<h1>"):])
		}
	})
}
