package people

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
	"zhijia/internal/sheet"
)

// rosterHeaders is the template's header row as staff see it.
var rosterHeaders = []string{"姓名*", "身份证号*", "手机号", "所属工会", "单位", "岗位", "学历", "是否会员", "入会日期", "劳模级别", "工匠称号", "新就业形态群体"}

// xlsxFile builds a workbook with a title row, the header and rows (strings as
// text cells; float64 values as numbers, as Excel stores a mangled id).
func xlsxFile(t testing.TB, rows [][]any) []byte {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	sw, err := x.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(sw.SetRow("A1", []any{"2026年职工名册"}))
	hdr := make([]any, len(rosterHeaders))
	for i, h := range rosterHeaders {
		hdr[i] = h
	}
	must(sw.SetRow("A2", hdr))
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+3)
		must(sw.SetRow(cell, r))
	}
	must(sw.Flush())
	var buf bytes.Buffer
	must(x.Write(&buf))
	return buf.Bytes()
}

func (f *fixture) openRoster(t testing.TB, data []byte) *sheet.Reader {
	t.Helper()
	groups, err := f.store.Groups(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	rd, err := sheet.Open(bytes.NewReader(data), int64(len(data)), "roster.xlsx", RosterSpec(groups))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rd.Close() })
	return rd
}

func (f *fixture) workerCount(t testing.TB) int {
	t.Helper()
	var n int
	if err := f.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM workers`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// mixedRoster has two good rows (3, 4) and one of each problem.
func (f *fixture) mixedRoster(t testing.TB) []byte {
	good1 := validID("350102", "19900215", "913")
	good2 := validID("350102", "19850601", "922")
	dup := validID("350102", "19791231", "931")
	bad := validID("350102", "19900101", "901")
	bad = bad[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", bad[17])+1)%11])
	return xlsxFile(t, [][]any{
		{"陈小明", good1, "13900001234", "", "福州电机厂", "电工", "本科", "是", "2020/5/1", "市级劳模", "", ""},                       // 3
		{"林秀英", strings.ToLower(good2), "", fmt.Sprint(f.tree.Gulou), "", "", "", "否", "", "", "", "外卖送餐员"},           // 4
		{"黄伟", bad, "", "", "", "", "", "", "", "", "", ""},                                                           // 5 check char
		{"张强", 3.50102199001011e17, "", "", "", "", "", "", "", "", "", ""},                                           // 6 lost digits
		{"李娜", dup, "", "", "", "", "", "", "", "", "", ""},                                                           // 7 dup of 8
		{"李娜", dup, "", "", "", "", "", "", "", "", "", ""},                                                           // 8 dup of 7
		{"王军", validID("350103", "19880808", "941"), "", fmt.Sprint(f.tree.Taijiang), "", "", "", "", "", "", "", ""}, // 9 outside scope
		{"吴静", validID("350102", "19920303", "952"), "", "", "", "", "", "是", "2020-13-45", "", "", ""},               // 10 bad date
	})
}

func reasonsByLine(res *ImportResult) map[int]string {
	out := map[int]string{}
	for _, e := range res.Errors {
		out[e.Line] = strings.Join(e.Reasons, "；")
	}
	return out
}

func TestImportWorkers_AllOrNothingWritesNothingAndReportsEveryRow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		ctx := f.as(t, "clerk", f.tree.Districts["350102"])
		res, err := f.store.ImportWorkers(ctx, f.openRoster(t, f.mixedRoster(t)), ImportOptions{OrgID: f.tree.Gulou, Mode: AllOrNothing})
		if err != nil {
			t.Fatal(err)
		}
		if res.Imported != 0 || res.Refused != 6 || f.workerCount(t) != 0 {
			t.Fatalf("imported %d refused %d workers %d: %+v", res.Imported, res.Refused, f.workerCount(t), res.Errors)
		}
		got := reasonsByLine(res)
		want := map[int]string{5: "校验码", 6: "文本", 7: "第 8 行", 8: "第 7 行", 9: "管辖范围", 10: "不是有效日期"}
		for line, frag := range want {
			if !strings.Contains(got[line], frag) {
				t.Errorf("row %d: reason %q, want it to mention %q", line, got[line], frag)
			}
		}
		if len(got) != len(want) {
			t.Errorf("refused rows %v", got)
		}
		var summary string
		if err := db.QueryRow(context.Background(), `SELECT summary FROM audit_log WHERE action = 'people.import'`).Scan(&summary); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(summary, "未写入") {
			t.Errorf("audit %q", summary)
		}
	})
}

func TestImportWorkers_ValidRowsWritesTheGoodOnes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		ctx := f.as(t, "clerk", f.tree.Districts["350102"])
		res, err := f.store.ImportWorkers(ctx, f.openRoster(t, f.mixedRoster(t)), ImportOptions{OrgID: f.tree.Gulou, Mode: ValidRows})
		if err != nil {
			t.Fatal(err)
		}
		if res.Imported != 2 || res.Refused != 6 || f.workerCount(t) != 2 {
			t.Fatalf("imported %d refused %d workers %d: %v", res.Imported, res.Refused, f.workerCount(t), reasonsByLine(res))
		}
		list, _, err := f.store.FindWorkers(ctx, WorkerFilter{Q: validID("350102", "19900215", "913")})
		if err != nil || len(list) != 1 {
			t.Fatalf("find imported worker: %v %v", list, err)
		}
		w, _ := f.store.GetWorker(ctx, list[0].ID)
		if w.Name != "陈小明" || w.Education != "bachelor" || w.MemberStatus != Member || w.JoinedOn != "2020-05-01" ||
			w.ModelLevel != ModelCity || w.PhoneMasked != "139****1234" || w.OrgID != f.tree.Gulou {
			t.Errorf("imported worker %+v", w)
		}
		// Importing the same file again refuses the two, naming their union.
		res, err = f.store.ImportWorkers(ctx, f.openRoster(t, f.mixedRoster(t)), ImportOptions{OrgID: f.tree.Gulou, Mode: ValidRows})
		if err != nil {
			t.Fatal(err)
		}
		if got := reasonsByLine(res); res.Imported != 0 || !strings.Contains(got[3], "已登记在") {
			t.Errorf("second import: imported %d, row 3 %q", res.Imported, got[3])
		}
		var summary string
		if err := db.QueryRow(context.Background(), `SELECT summary FROM audit_log WHERE action = 'people.import' ORDER BY id LIMIT 1`).Scan(&summary); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(summary, "导入 2 人") || strings.Contains(summary, "陈小明") {
			t.Errorf("audit %q", summary)
		}
	})
}

func TestImportWorkers_ErrorReportHasReasons(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		ctx := f.as(t, "clerk", f.tree.Districts["350102"])
		res, err := f.store.ImportWorkers(ctx, f.openRoster(t, f.mixedRoster(t)), ImportOptions{OrgID: f.tree.Gulou})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := sheet.WriteErrorReport(&buf, res.Headers, res.Errors); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		rows, _ := x.GetRows(x.GetSheetList()[0])
		if len(rows) != 7 || rows[0][len(rows[0])-1] != "错误原因" || rows[1][0] != "黄伟" {
			t.Fatalf("report rows %q", rows)
		}
	})
}

// TestImportWorkers_DuplicateOfAWrittenRow: the first of two rows with the same id
// number was already written (thousands of rows earlier) when the second one
// comes; both are refused, the first taken back out inside the transaction.
func TestImportWorkers_DuplicateOfAWrittenRow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		ctx := f.as(t, "admin", f.tree.City)
		const n = 2500
		epoch := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
		rows := make([][]any, 0, n+1)
		for k := range n {
			rows = append(rows, []any{fmt.Sprintf("职工%d", k), validID("350102", epoch.AddDate(0, 0, k).Format("20060102"), "123"),
				fmt.Sprintf("139%08d", k), "", "", "", "", "", "", "", "", ""})
		}
		rows = append(rows, []any{"重复", rows[0][1], "", "", "", "", "", "", "", "", "", ""})
		res, err := f.store.ImportWorkers(ctx, f.openRoster(t, xlsxFile(t, rows)), ImportOptions{OrgID: f.tree.Gulou, Mode: ValidRows})
		if err != nil {
			t.Fatal(err)
		}
		got := reasonsByLine(res)
		if res.Imported != n-1 || res.Refused != 2 || f.workerCount(t) != n-1 ||
			!strings.Contains(got[3], fmt.Sprintf("第 %d 行", n+3)) || !strings.Contains(got[n+3], "第 3 行") {
			t.Fatalf("imported %d refused %d workers %d: %v", res.Imported, res.Refused, f.workerCount(t), got)
		}
	})
}

// progressWrite writes a row through the database's one writer each time the
// import reports progress, and remembers whether any write had to wait long.
type progressWrite struct {
	t       *testing.T
	db      *platform.DB
	n       int
	blocked bool
}

func (p *progressWrite) Update(done, total int64) {
	p.n++
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if _, err := p.db.Exec(ctx, `INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, 1)`, "import-test", p.n); err != nil {
		p.blocked = true
	}
}

// TestImportWorkers_WriterFreeBetweenChunks: while a large import runs, other
// writes (a sign-in, say) go through; the registry sees the rows only at the end.
func TestImportWorkers_WriterFreeBetweenChunks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		ctx := f.as(t, "clerk", f.tree.Districts["350102"])
		p := &progressWrite{t: t, db: db}
		res, err := f.store.ImportWorkers(ctx, f.openRoster(t, benchRoster(t, 5000)),
			ImportOptions{OrgID: f.tree.Gulou, Mode: AllOrNothing, Progress: p})
		if err != nil {
			t.Fatal(err)
		}
		if p.n == 0 || p.blocked {
			t.Fatalf("writes during the import: %d progress reports, blocked=%v", p.n, p.blocked)
		}
		if res.Imported != 5000 || f.workerCount(t) != 5000 {
			t.Fatalf("imported %d, registry holds %d", res.Imported, f.workerCount(t))
		}
		var staged int
		db.QueryRow(context.Background(), `SELECT COUNT(*) FROM import_staging`).Scan(&staged)
		if staged != 0 {
			t.Fatalf("%d staged rows left behind", staged)
		}
	})
}

// TestImportWorkers_DuplicatesPastTheReportCap: once the report is full, a third
// row with a written row's id number, or a row with the id number of a row
// refused for another reason, refuses nothing twice; both engines count alike
// and the counts add up to the file's rows.
func TestImportWorkers_DuplicatesPastTheReportCap(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		defer func(old int) { maxImportErrors = old }(maxImportErrors)
		maxImportErrors = 1
		f := newFixture(t, db)
		ctx := f.as(t, "admin", f.tree.City)
		const n = 2500
		epoch := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
		bad := validID("350102", "19900101", "901")
		bad = bad[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", bad[17])+1)%11])
		written := validID("350102", "19600101", "111")
		badDate := validID("350102", "19600102", "111")
		rows := [][]any{
			{"校验码错", bad, "", "", "", "", "", "", "", "", "", ""},               // 3 fills the report
			{"先写入", written, "", "", "", "", "", "", "", "", "", ""},            // 4 staged, then refused by 6
			{"日期错", badDate, "", "", "", "", "", "是", "2020-13-45", "", "", ""}, // 5 refused
		}
		for k := range n {
			rows = append(rows, []any{fmt.Sprintf("职工%d", k), validID("350102", epoch.AddDate(0, 0, k).Format("20060102"), "123"),
				"", "", "", "", "", "", "", "", "", ""})
		}
		rows = append(rows,
			[]any{"重复一", written, "", "", "", "", "", "", "", "", "", ""}, // drops row 4
			[]any{"重复二", written, "", "", "", "", "", "", "", "", "", ""}, // rows 4 and the one above refused already
			[]any{"重复三", badDate, "", "", "", "", "", "", "", "", "", ""}, // row 5 refused already
		)
		res, err := f.store.ImportWorkers(ctx, f.openRoster(t, xlsxFile(t, rows)), ImportOptions{OrgID: f.tree.Gulou, Mode: ValidRows})
		if err != nil {
			t.Fatal(err)
		}
		if res.Imported != n || res.Refused != 6 || res.Imported+res.Refused != len(rows) || f.workerCount(t) != n || !res.Truncated {
			t.Fatalf("imported %d refused %d (of %d rows) workers %d truncated %v",
				res.Imported, res.Refused, len(rows), f.workerCount(t), res.Truncated)
		}
	})
}
