package app_test

// A real-browser run of the roster import: upload a file with bad rows, watch the
// job to its end, read the summary and download the error report.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"zhijia/internal/app/apptest"
	"zhijia/internal/people"
	"zhijia/internal/platform/dbtest"
)

// withCheck completes an id number from its first 17 characters.
func withCheck(body string) string { return body + string(people.CheckChar(body)) }

// rosterWithBadRows writes an .xlsx with the roster's headers, two good rows, one
// id with a wrong check character and one id twice; it returns the file's path.
func rosterWithBadRows(t *testing.T) string {
	t.Helper()
	var head []any
	for _, col := range people.RosterSpec(nil).Columns {
		head = append(head, col.Header)
	}
	good1, good2, dup := withCheck("35010219900215110"), withCheck("35010219850310222"), withCheck("35010219880808444")
	bad := withCheck("35010219920707333")
	bad = bad[:17] + map[bool]string{true: "1", false: "2"}[bad[17] != '1']
	rows := [][]any{head,
		{"陈导入", good1, "13911112222", "", "", "", "", "是", "2021-03-01"},
		{"王正确", good2, "", "", "", "", "", "否", ""},
		{"林有误", bad},
		{"张重复", dup},
		{"李重复", dup},
	}
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "名册.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestBrowser_ImportWithBadRowsAndErrorReport(t *testing.T) {
	ctx, _ := newBrowser(t, false)
	env := apptest.New(t, dbtest.SQLite(t))
	signInStaff(t, ctx, env, "gulou.clerk")

	open(t, ctx, env, "/console/workers/import")
	wantText(t, ctx, "h1", "导入职工名册")
	do(t, ctx, "choose the file, the union and the mode",
		chromedp.SetUploadFiles(chromedp.CSS(`input[name=file]`), []string{rosterWithBadRows(t)}),
		chromedp.SetValue(chromedp.CSS(`select[name=org_id]`), fmt.Sprint(env.Info.Tree.Gulou)),
		chromedp.Click(chromedp.CSS(`input[name=mode][value=valid]`)))
	shot(t, ctx, "import-01-form")
	submit(t, ctx, "/console/workers/import")
	wantText(t, ctx, "h1", "导入进度")
	shot(t, ctx, "import-02-progress")

	// The page polls the job and reloads itself with the summary when it ends.
	do(t, ctx, "wait for the import to finish", chromedp.WaitVisible(chromedp.CSS(`#import-job[data-status=done]`)))
	wantText(t, ctx, "#import-job", "导入 2 人，3 行有误", "错误报告")
	shot(t, ctx, "import-03-summary")

	rows := downloadErrorReport(t, ctx)
	if len(rows) != 4 || rows[0][len(rows[0])-1] != "错误原因" {
		t.Fatalf("error report rows %q", rows)
	}
	reasons := map[string]string{}
	for _, r := range rows[1:] {
		reasons[r[0]] = r[len(r)-1]
	}
	if !strings.Contains(reasons["林有误"], "校验码") || !strings.Contains(reasons["张重复"], "与第 6 行重复") ||
		!strings.Contains(reasons["李重复"], "与第 5 行重复") {
		t.Errorf("reasons: %q", reasons)
	}
}

// downloadErrorReport clicks the error report link with downloads going to a
// temporary directory, waits for the file and reads its rows.
func downloadErrorReport(t *testing.T, ctx context.Context) [][]string {
	t.Helper()
	dir := t.TempDir()
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir}); err != nil {
		t.Fatalf("download behaviour: %v", err)
	}
	do(t, ctx, "click the error report", chromedp.Click(chromedp.CSS(`#import-job a[href$="/errors.xlsx"]`)))
	var data []byte
	for deadline := time.Now().Add(20 * time.Second); data == nil; {
		matches, _ := filepath.Glob(filepath.Join(dir, "*.xlsx"))
		if len(matches) == 1 {
			data, _ = os.ReadFile(matches[0])
		}
		if data == nil {
			if time.Now().After(deadline) {
				ents, _ := os.ReadDir(dir)
				t.Fatalf("no error report downloaded to %s: %v", dir, ents)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("open the error report: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
