package sheet

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func openXLSXBytes(t *testing.T, data []byte, opts ...excelize.Options) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data), opts...)
	if err != nil {
		t.Fatalf("open workbook: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestWriteTemplate_HeadersTextFormatDropDown(t *testing.T) {
	spec := rosterSpec()
	var long []string
	for i := range 60 {
		long = append(long, fmt.Sprintf("新就业形态群体%02d", i))
	}
	spec.Columns = append(spec.Columns, Column{Key: "group", Header: "新就业形态群体", Choices: long})
	var buf bytes.Buffer
	if err := WriteTemplate(&buf, spec); err != nil {
		t.Fatal(err)
	}
	f := openXLSXBytes(t, buf.Bytes())
	if got := f.GetSheetList(); got[0] != "职工名册" || !strings.Contains(strings.Join(got, ","), "填写说明") {
		t.Fatalf("sheets %v", got)
	}
	row, _ := f.GetRows("职工名册")
	if got := strings.Join(row[0], ","); got != "姓名*,身份证号*,手机号码,入会日期,会员状态,新就业形态群体" {
		t.Errorf("header row %s", got)
	}
	for _, col := range []string{"B", "C"} { // 身份证号 and 手机号码 are Text columns
		id, _ := f.GetColStyle("职工名册", col)
		st, _ := f.GetStyle(id)
		if st == nil || st.NumFmt != 49 {
			t.Errorf("column %s style %+v, want text format (49, \"@\")", col, st)
		}
	}
	dvs, _ := f.GetDataValidations("职工名册")
	var lists []string
	for _, dv := range dvs {
		lists = append(lists, dv.Sqref+" "+dv.Formula1)
	}
	if got := strings.Join(lists, " | "); !strings.Contains(got, "E2:E1048576") || !strings.Contains(got, "会员,非会员") || !strings.Contains(got, "选项!$A$1:$A$60") {
		t.Errorf("data validations %s", got)
	}
	if v, _ := f.GetSheetVisible(choicesSheet); v {
		t.Error("the choices sheet should be hidden")
	}
	panes, _ := f.GetPanes("职工名册")
	if !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes %+v, want the header row frozen", panes)
	}
	comments, _ := f.GetComments("职工名册")
	if len(comments) == 0 || !strings.Contains(comments[0].Paragraph[0].Text, "与身份证一致") {
		t.Errorf("comments %+v, want the hint on 姓名", comments)
	}
}

func TestWriteTemplate_FilledTemplateReadsBack(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteTemplate(&buf, rosterSpec()); err != nil {
		t.Fatal(err)
	}
	f := openXLSXBytes(t, buf.Bytes())
	f.SetSheetRow("职工名册", "A2", &[]any{"张三", "350102199001011234", "13800138000", "2024-01-01", "会员"})
	var filled bytes.Buffer
	f.Write(&filled)
	_, rows := readAll(t, filled.Bytes(), rosterSpec())
	if len(rows) != 1 || rows[0].Values["id"] != "350102199001011234" || rows[0].Line != 2 {
		t.Fatalf("rows %+v", rows)
	}
}

func TestWriteErrorReport_RoundTrips(t *testing.T) {
	data := []byte("姓名,身份证号,备注\n张三,3.50102E+17,甲\n李四,350102199001011234,乙\n王五,350102199001011234,\n")
	rd, rows := readAll(t, data, rosterSpec())
	dups := NewDupTracker()
	for _, r := range rows {
		dups.Add(r.Values["id"], r.Line)
	}
	// As a streaming import finds them: row errors as rows pass, then the first of
	// each duplicate pair once the pair is seen — out of order, merged by the report.
	var errs []RowError
	for _, r := range rows {
		if len(r.Reasons) > 0 {
			errs = append(errs, r.Refuse())
		}
	}
	for _, r := range slices.Backward(rows) {
		if reason := dups.Reason(r.Line); reason != "" {
			errs = append(errs, r.Refuse(reason))
		}
	}
	errs = append(errs, rows[0].Refuse()) // the same row refused twice: its reason once
	var buf bytes.Buffer
	if err := WriteErrorReport(&buf, rd.Headers(), errs); err != nil {
		t.Fatal(err)
	}
	f := openXLSXBytes(t, buf.Bytes())
	got, _ := f.GetRows("Sheet1")
	if strings.Join(got[0], ",") != "姓名,身份证号,备注,原行号,错误原因" || len(got) != 4 {
		t.Fatalf("report rows %q", got)
	}
	if got[1][1] != "3.50102E+17" || got[1][3] != "2" || !strings.Contains(got[1][4], "文本格式") {
		t.Errorf("row 1 %q", got[1])
	}
	if !strings.Contains(got[2][4], "与第 4 行重复") || !strings.Contains(got[3][4], "与第 3 行重复") {
		t.Errorf("duplicates should name each other: %q / %q", got[2][4], got[3][4])
	}
	if strings.Count(got[1][4], "文本格式") != 1 {
		t.Errorf("a reason repeated: %q", got[1][4])
	}
	// Staff fix the report and upload it again: it reads like the original.
	_, again := readAll(t, buf.Bytes(), rosterSpec())
	if len(again) != 3 || again[1].Values["id"] != "350102199001011234" || again[1].Values["name"] != "李四" {
		t.Errorf("re-read %+v", again)
	}
}

func TestDupTracker_EveryRowNamesTheOthers(t *testing.T) {
	d := NewDupTracker()
	adds := []struct {
		key   string
		line  int
		first int
	}{{"A", 2, 0}, {"B", 3, 0}, {"A", 5, 2}, {"", 7, 0}, {"", 8, 0}, {"A", 9, 2}}
	for _, a := range adds {
		if got := d.Add(a.key, a.line); got != a.first {
			t.Errorf("Add(%q, %d) = %d, want %d", a.key, a.line, got, a.first)
		}
	}
	want := map[int]string{2: "5、9", 5: "2、9", 9: "2、5", 3: "", 7: ""}
	for line, w := range want {
		if got := joinLines(d.Others(line)); got != w {
			t.Errorf("Others(%d) = %q, want %q", line, got, w)
		}
	}
	if got := fmt.Sprint(d.Lines()); got != "[2 5 9]" {
		t.Errorf("Lines() = %s", got)
	}
	if r := d.Reason(2); !strings.HasPrefix(r, "与第 5、9 行重复") {
		t.Errorf("Reason(2) = %q", r)
	}
}

func TestXLSXWriter_EncryptedOpensOnlyWithPassword(t *testing.T) {
	var buf bytes.Buffer
	x, err := NewXLSXWriter(&buf, []string{"姓名", "身份证号", "人数"})
	if err != nil {
		t.Fatal(err)
	}
	x.SetPassword("s3cret-导出")
	joined := time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)
	for i := range 1000 {
		if err := x.AddRow(fmt.Sprintf("职工%d", i), "350102199001011234", i, joined); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := excelize.OpenReader(bytes.NewReader(buf.Bytes())); err == nil {
		t.Fatal("encrypted export opened without a password")
	}
	if _, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()), excelize.Options{Password: "wrong"}); err == nil {
		t.Fatal("encrypted export opened with the wrong password")
	}
	f := openXLSXBytes(t, buf.Bytes(), excelize.Options{Password: "s3cret-导出"})
	rows, _ := f.GetRows("Sheet1")
	if len(rows) != 1001 || rows[1000][0] != "职工999" || rows[1][1] != "350102199001011234" {
		t.Fatalf("%d rows, last %q", len(rows), rows[len(rows)-1])
	}
	if typ, _ := f.GetCellType("Sheet1", "B2"); typ == excelize.CellTypeNumber {
		t.Error("an id number was written as a number")
	}
	if rows[1][3] != "2024-01-02" {
		t.Errorf("date shown as %q, want 2024-01-02", rows[1][3])
	}
	// An upload of an encrypted workbook gets the "remove the password" message.
	_, err = Open(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "x.xlsx", rosterSpec())
	wantKey(t, err, "sheet.err.xls")
}

// TestXLSXWriter_PlainWorkbookKeepsTypesAndStyles: what the fast plain writer
// produces opens in excelize (as Excel would) with the header bold and frozen,
// id numbers as text cells in text format, numbers as numbers, dates as dates,
// markup escaped, characters XML forbids dropped, widths kept; and our own
// reader reads it back.
func TestXLSXWriter_PlainWorkbookKeepsTypesAndStyles(t *testing.T) {
	var buf bytes.Buffer
	x, _ := NewXLSXWriter(&buf, []string{"姓名", "身份证号", "人数", "日期", "备注"})
	x.SetColWidth(5, 40)
	day := time.Date(2024, 3, 9, 0, 0, 0, 0, time.UTC)
	if err := x.AddRow("张三", "350102199001011234", 42, day, "A&B <c> \x01ok"); err != nil {
		t.Fatal(err)
	}
	if err := x.AddRow("李四", "", int64(7), nil, 1.5); err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	f := openXLSXBytes(t, buf.Bytes())
	rows, err := f.GetRows(exportSheet)
	if err != nil || len(rows) != 3 {
		t.Fatalf("rows %v %v", rows, err)
	}
	if got := strings.Join(rows[1], "|"); got != "张三|350102199001011234|42|2024-03-09|A&B <c> ok" {
		t.Errorf("row 2 reads %q", got)
	}
	if got := strings.Join(rows[2], "|"); got != "李四||7||1.5" {
		t.Errorf("row 3 reads %q", got)
	}
	for cell, want := range map[string]excelize.CellType{"B2": excelize.CellTypeInlineString, "C2": excelize.CellTypeUnset, "D2": excelize.CellTypeUnset} {
		if typ, _ := f.GetCellType(exportSheet, cell); typ != want {
			t.Errorf("%s type %v, want %v", cell, typ, want)
		}
	}
	if v, _ := f.GetCellValue(exportSheet, "D2", excelize.Options{RawCellValue: true}); v != "45360" {
		t.Errorf("D2 raw %q, want the Excel serial of 2024-03-09 (45360)", v)
	}
	idStyle, _ := f.GetCellStyle(exportSheet, "B2")
	if st, _ := f.GetStyle(idStyle); st == nil || st.NumFmt != 49 {
		t.Errorf("id cell style %+v, want text format 49", st)
	}
	headStyle, _ := f.GetCellStyle(exportSheet, "A1")
	if st, _ := f.GetStyle(headStyle); st == nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("header style %+v, want bold", st)
	}
	if panes, _ := f.GetPanes(exportSheet); !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes %+v, want the header frozen", panes)
	}
	if w, _ := f.GetColWidth(exportSheet, "E"); w != 40 {
		t.Errorf("column E width %v, want 40", w)
	}
	spec := Spec{Columns: []Column{{Key: "name", Header: "姓名"}, {Key: "id", Header: "身份证号", Text: true}}}
	rd, err := Open(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "export.xlsx", spec)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	row, err := rd.Next()
	if err != nil || row.Values["id"] != "350102199001011234" || row.Values["name"] != "张三" {
		t.Fatalf("our reader: %+v %v", row, err)
	}
}
