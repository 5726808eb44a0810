package app_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"zhijia/internal/app/apptest"
	"zhijia/internal/platform/dbtest"
)

// TestBrowser_DashboardDrillExportPrint: city staff open the dashboard, click
// a figure, drill from the city to 鼓楼区 and on to the worker list of one of
// its unions with the filter set; export the dashboard to Excel (one sheet per
// programme); and the annual report prints on A4 without the console chrome.
func TestBrowser_DashboardDrillExportPrint(t *testing.T) {
	ctx, _ := newBrowser(t, false)
	env := apptest.New(t, dbtest.SQLite(t))
	tree := env.Info.Tree
	signInStaff(t, ctx, env, "city.admin")

	open(t, ctx, env, "/console/dashboard")
	wantText(t, ctx, "main", "品牌成效看板", "职工与会员", "职工温暖工程", "“五月风”职工思政工程", "共享职工之家")
	shot(t, ctx, "dashboard")
	press(t, ctx, `tr[data-figure="people.workers"] th a`, false)
	wantPath(t, ctx, "/console/dashboard/figure")
	wantText(t, ctx, "main", "在册职工", "合计")
	do(t, ctx, "the bar chart", chromedp.WaitVisible(chromedp.CSS(".chart-box svg")))
	press(t, ctx, fmt.Sprintf(`tr[data-org="%d"] th a`, tree.Districts["350102"]), false)
	wantText(t, ctx, "h1", "鼓楼区")
	shot(t, ctx, "dashboard-drill-district")
	press(t, ctx, fmt.Sprintf(`tr[data-org="%d"] a.list-link`, tree.Gulou), false)
	wantPath(t, ctx, "/console/workers")
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if !regexp.MustCompile(`[?&]org=` + strconv.FormatInt(tree.Gulou, 10) + `\b`).MatchString(loc) {
		t.Fatalf("the worker list is not filtered to the union: %s", loc)
	}

	open(t, ctx, env, "/console/dashboard")
	sheets := downloadDashboard(t, ctx)
	for _, want := range []string{"职工与会员", "职工温暖工程", "“五月风”职工思政工程", "共享职工之家"} {
		if _, ok := sheets[want]; !ok {
			t.Fatalf("export sheets %v lack %s", sheets, want)
		}
	}

	open(t, ctx, env, "/console/dashboard/report")
	wantText(t, ctx, "main", "福州市总工会", "年度品牌成效报告")
	checkPrintA4(t, ctx)
}

// downloadDashboard clicks the export button and returns the workbook's sheets
// with their row counts.
func downloadDashboard(t *testing.T, ctx context.Context) map[string]int {
	t.Helper()
	dir := t.TempDir()
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir}); err != nil {
		t.Fatalf("download behaviour: %v", err)
	}
	do(t, ctx, "click export", chromedp.Click(chromedp.CSS(`#dashboard-export`)))
	var data []byte
	for deadline := time.Now().Add(20 * time.Second); data == nil; {
		if m, _ := filepath.Glob(filepath.Join(dir, "*.xlsx")); len(m) == 1 {
			data, _ = os.ReadFile(m[0])
		}
		if data == nil {
			if time.Now().After(deadline) {
				t.Fatal("no dashboard export downloaded")
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("open the export: %v", err)
	}
	defer f.Close()
	out := map[string]int{}
	for _, s := range f.GetSheetList() {
		rows, _ := f.GetRows(s)
		out[s] = len(rows)
	}
	return out
}

// checkPrintA4: in print media the menu and top bar are hidden, and the page
// prints on A4 paper (595 × 842 pt) by its own @page rule.
func checkPrintA4(t *testing.T, ctx context.Context) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatalf("print media: %v", err)
	}
	hidden, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
		`getComputedStyle(document.querySelector('.sidemenu')).display === 'none' && getComputedStyle(document.querySelector('.topbar')).display === 'none'`))
	if err != nil || !hidden {
		t.Fatal("the console menu and top bar still show in print")
	}
	shot(t, ctx, "dashboard-report-print")
	pdf, err := chromedp.Run(ctx, chromedp.Action[[]byte](func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
		res, err := cdp.Call(ctx, tg, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: new(true)})
		if err != nil {
			return nil, err
		}
		return res.Data, nil
	}))
	if err != nil {
		t.Fatalf("print to PDF: %v", err)
	}
	if err := os.WriteFile(filepath.Join(artifactDir(t), "dashboard-report.pdf"), pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]`).FindSubmatch(pdf)
	if m == nil {
		t.Fatal("no page size in the PDF")
	}
	w, _ := strconv.ParseFloat(string(m[1]), 64)
	h, _ := strconv.ParseFloat(string(m[2]), 64)
	if w < 593 || w > 598 || h < 840 || h > 845 {
		t.Fatalf("the report prints on %.1f × %.1f pt, want A4 595 × 842", w, h)
	}
}
