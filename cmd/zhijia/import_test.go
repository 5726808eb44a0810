package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhijia/internal/audit"
	"zhijia/internal/people"
	"zhijia/internal/platform"
)

// rosterID is a valid synthetic id number (sequence 110–199, apart from the
// demo's 9xx, and never ending in 000, which the reader takes for a lost number).
func rosterID(k int) string {
	birth := fmt.Sprintf("19%02d%02d%02d", 60+k%40, 1+k/40%12, 1+k/480%28)
	body := fmt.Sprintf("350102%s1%02d", birth, 10+k/13440%90)
	return body + string(people.CheckChar(body))
}

// writeRoster writes n rows (k from 0) with row(k) cells to a new .xlsx.
func writeRoster(t *testing.T, path string, n int, row func(k int) []any) {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	sw, err := x.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.SetRow("A1", []any{"姓名*", "身份证号*", "手机号", "是否会员", "入会日期"}); err != nil {
		t.Fatal(err)
	}
	for k := 0; k < n; k++ {
		cell, _ := excelize.CoordinatesToCellName(1, k+2)
		if err := sw.SetRow(cell, row(k)); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := x.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// demoUnion loads the demo city into dir and returns a grassroots union's id.
func demoUnion(t *testing.T, dir string) string {
	t.Helper()
	if code, out := zhijia(t, "demo", "--data-dir", dir, "--demo", "--orgs", "20"); code != 0 {
		t.Fatalf("demo: %s", out)
	}
	db := openData(t, dir)
	defer db.Close()
	var id int64
	if err := db.QueryRow(context.Background(), `SELECT id FROM orgs WHERE level = 'grassroots' ORDER BY id LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(id)
}

func openData(t *testing.T, dir string) *platform.DB {
	t.Helper()
	db, err := platform.Open(context.Background(), filepath.Join(dir, "zhijia.db"))
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func countImported(t *testing.T, db *platform.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM workers WHERE id_masked LIKE '350102%' AND consent_by = '' AND created_at = updated_at AND name LIKE '导入%'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportWorkers_CommandLine(t *testing.T) {
	dir := t.TempDir()
	union := demoUnion(t, dir)
	file := filepath.Join(dir, "roster.xlsx")
	writeRoster(t, file, 50, func(k int) []any {
		id := rosterID(k)
		if k == 7 {
			id = id[:17] + map[bool]string{true: "0", false: "1"}[id[17] != '0'] // wrong check character
		}
		return []any{fmt.Sprintf("导入%d", k), id, "", "是", "2020-05-01"}
	})
	report := filepath.Join(dir, "errors.xlsx")
	code, out := zhijia(t, "import", "workers", file, "--data-dir", dir, "--org", union, "--errors", report)
	if code != 1 || !strings.Contains(out, "未导入") || !strings.Contains(out, "第 9 行") || !strings.Contains(out, "导入 importing") {
		t.Fatalf("all or nothing with a bad row: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(report); err != nil {
		t.Fatalf("error report: %v", err)
	}
	code, out = zhijia(t, "import", "workers", file, "--data-dir", dir, "--org", union, "--mode", "valid")
	if code != 0 || !strings.Contains(out, "已导入 imported: 49") {
		t.Fatalf("valid rows: exit %d\n%s", code, out)
	}
	db := openData(t, dir)
	defer db.Close()
	if n := countImported(t, db); n != 49 {
		t.Fatalf("%d workers imported, want 49", n)
	}
}

// TestImportWorkers_ReportHasTheCellsOfAnEarlierDuplicate: the first of two rows
// with the same id is refused thousands of rows after it was written; the error
// report still shows its cells (read again from the file).
func TestImportWorkers_ReportHasTheCellsOfAnEarlierDuplicate(t *testing.T) {
	dir := t.TempDir()
	union := demoUnion(t, dir)
	file := filepath.Join(dir, "dup.xlsx")
	const n = 2600
	writeRoster(t, file, n, func(k int) []any {
		if k == n-1 {
			return []any{"导入重复", rosterID(0), "", "否", ""}
		}
		return []any{fmt.Sprintf("导入%d", k), rosterID(k), "", "是", "2020-05-01"}
	})
	report := filepath.Join(dir, "errors.xlsx")
	code, out := zhijia(t, "import", "workers", file, "--data-dir", dir, "--org", union, "--mode", "valid", "--errors", report)
	if code != 0 || !strings.Contains(out, fmt.Sprintf("已导入 imported: %d", n-2)) {
		t.Fatalf("exit %d\n%s", code, out)
	}
	x, err := excelize.OpenFile(report)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, _ := x.GetRows(x.GetSheetList()[0])
	if len(rows) != 3 || rows[1][0] != "导入0" || rows[2][0] != "导入重复" {
		t.Fatalf("report rows %q", rows)
	}
}

// TestKill_MidImportLeavesNothing kills an import of a large file once it has
// written a good part of it, then finds none of its workers and a whole audit chain.
func TestKill_MidImportLeavesNothing(t *testing.T) {
	if args := os.Getenv("ZHIJIA_KILL_IMPORT"); args != "" {
		os.Exit(run(context.Background(), strings.Split(args, "\x1f"), os.Stdout, os.Stderr))
	}
	if testing.Short() {
		t.Skip("large file")
	}
	dir := t.TempDir()
	union := demoUnion(t, dir)
	file := filepath.Join(dir, "big.xlsx")
	const n = 160_000
	writeRoster(t, file, n, func(k int) []any { return []any{fmt.Sprintf("导入%d", k), rosterID(k), "", "是", "2020-05-01"} })
	cmd := exec.Command(os.Args[0], "-test.run", "^TestKill_MidImportLeavesNothing$")
	cmd.Env = append(os.Environ(), "ZHIJIA_KILL_IMPORT="+strings.Join([]string{"import", "workers", file, "--data-dir", dir, "--org", union}, "\x1f"))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stderr)
	killed, lines := false, 0
	for sc.Scan() {
		if lines++; lines == 2 { // the bar's second line: 100,000 rows read and written in the open transaction
			cmd.Process.Signal(syscall.SIGKILL)
			killed = true
			break
		}
	}
	cmd.Wait()
	if !killed {
		t.Fatal("the import finished before it could be killed")
	}
	db := openData(t, dir)
	defer db.Close()
	ctx := context.Background()
	var check string
	if err := db.QueryRow(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity check: %q %v", check, err)
	}
	if got := countImported(t, db); got != 0 {
		t.Fatalf("%d workers from the killed import are in the registry", got)
	}
	var audits int
	db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'people.import'`).Scan(&audits)
	if audits != 0 {
		t.Errorf("%d import audit rows after a kill", audits)
	}
	if rows, problems, err := audit.Verify(ctx, db); err != nil || len(problems) > 0 {
		t.Fatalf("audit chain after the kill: %d rows, %v %v", rows, problems, err)
	}
}
