package sheet

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/unicode"
)

func TestOpen_ExcelTitleMergedAboveHeader(t *testing.T) {
	data := buildXLSX(t, [][]any{
		{"福州市鼓楼区职工花名册"},
		{"填报单位：鼓楼区总工会", nil, nil, "填报日期：2024年1月"},
		{"姓名", "身份证号", "手机号码", "入会日期", "会员状态"},
		{"张三", "350102199001011234", "13800138000", 45292, "会员"},
		{},
		{"李四", "35010219900101123X", "", "2024/1/2", "非会员"},
	}, func(f *excelize.File) { f.MergeCell("Sheet1", "A1", "E1") })
	rd, rows := readAll(t, data, rosterSpec())
	if rd.HeaderLine() != 3 || len(rows) != 2 {
		t.Fatalf("header line %d, %d rows, want 3 and 2", rd.HeaderLine(), len(rows))
	}
	if rows[0].Line != 4 || rows[1].Line != 6 {
		t.Errorf("lines %d, %d; want 4, 6 as Excel shows them", rows[0].Line, rows[1].Line)
	}
	want := map[string]string{"name": "张三", "id": "350102199001011234", "phone": "13800138000", "joined": "45292", "status": "会员"}
	for k, v := range want {
		if rows[0].Values[k] != v {
			t.Errorf("%s = %q, want %q", k, rows[0].Values[k], v)
		}
	}
	if len(rows[0].Reasons) != 0 {
		t.Errorf("reasons %v for a good row", rows[0].Reasons)
	}
	if got := strings.Join(rd.Headers(), ","); got != "姓名,身份证号,手机号码,入会日期,会员状态" {
		t.Errorf("headers %s", got)
	}
}

func TestOpen_WPSExtraColumnsAnyOrder(t *testing.T) {
	data := buildXLSX(t, [][]any{
		{"序号", "手机号", " 身份证号码 *", "姓名（必填）", "备注", "所在单位"},
		{1, "13800138000", "350102199001011234", "王 五", "调入", "福州某公司"},
	}, nil)
	_, rows := readAll(t, data, rosterSpec())
	if len(rows) != 1 {
		t.Fatalf("%d rows", len(rows))
	}
	v := rows[0].Values
	if v["name"] != "王 五" || v["id"] != "350102199001011234" || v["phone"] != "13800138000" || v["joined"] != "" {
		t.Errorf("values %v", v)
	}
	if len(rows[0].Raw) != 6 || rows[0].Raw[4] != "调入" {
		t.Errorf("raw %q should keep every original cell", rows[0].Raw)
	}
}

func TestOpen_InstructionSheetFirst(t *testing.T) {
	data := buildXLSX(t, [][]any{{"说明：请在第二张表填写"}}, func(f *excelize.File) {
		f.NewSheet("名册")
		f.SetSheetRow("名册", "A1", &[]any{"姓名", "身份证号"})
		f.SetSheetRow("名册", "A2", &[]any{"赵六", "350102199001011234"})
	})
	_, rows := readAll(t, data, rosterSpec())
	if len(rows) != 1 || rows[0].Values["name"] != "赵六" {
		t.Fatalf("rows %+v", rows)
	}
}

const csvRoster = "姓名,身份证号,手机号码,入会日期\r\n张三,350102199001011234,13800138000,2024-01-01\r\n李四,35010219900101123X,,2024年1月2日\r\n"

func TestOpen_CSVEncodings(t *testing.T) {
	cases := map[string][]byte{
		"utf8":     []byte(csvRoster),
		"utf8 bom": append([]byte{0xEF, 0xBB, 0xBF}, csvRoster...),
		"gbk":      gbk(t, csvRoster),
		"tab":      []byte(strings.ReplaceAll(csvRoster, ",", "\t")),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			_, rows := readAll(t, data, rosterSpec())
			if len(rows) != 2 || rows[0].Values["name"] != "张三" || rows[1].Values["joined"] != "2024年1月2日" {
				t.Fatalf("rows %+v", rows)
			}
			if rows[1].Line != 3 {
				t.Errorf("line %d, want 3", rows[1].Line)
			}
		})
	}
}

func TestOpen_CSVLinesAsExcelShowsThem(t *testing.T) {
	data := "标题\n\n姓名,身份证号,备注\n张三,1,\"两行\n备注\"\n\n李四,2,\n"
	_, rows := readAll(t, []byte(data), rosterSpec())
	if len(rows) != 2 || rows[0].Line != 4 || rows[1].Line != 6 {
		t.Fatalf("rows %+v, want lines 4 and 6", rows)
	}
}

func TestOpen_IDStoredAsNumberRefused(t *testing.T) {
	xlsx := buildXLSX(t, [][]any{
		{"姓名", "身份证号", "手机号码"},
		{"张三", 3.50102199001011e17, 13800138000},
		{"李四", "350102199001011234", "13800138000"},
	}, nil)
	csv := []byte("姓名,身份证号\n张三,3.50102E+17\n李四,350102199001011234\n")
	for name, data := range map[string][]byte{"xlsx numeric cell": xlsx, "csv text": csv} {
		t.Run(name, func(t *testing.T) {
			_, rows := readAll(t, data, rosterSpec())
			if len(rows[0].Reasons) != 1 || !strings.Contains(rows[0].Reasons[0], "文本格式") || !strings.Contains(rows[0].Reasons[0], "身份证号") {
				t.Errorf("reasons %q, want the column-must-be-text message", rows[0].Reasons)
			}
			if len(rows[1].Reasons) != 0 {
				t.Errorf("text id refused: %q", rows[1].Reasons)
			}
		})
	}
}

func TestOpen_FullWidthNormalised(t *testing.T) {
	data := []byte("姓名,身份证号,手机号码\n　张　　三 ,３５０１０２１９９００１０１１２３Ｘ,１３８ ０013 8000\n")
	_, rows := readAll(t, data, rosterSpec())
	v := rows[0].Values
	if v["name"] != "张 三" || v["id"] != "35010219900101123X" || v["phone"] != "138 0013 8000" {
		t.Errorf("values %q", v)
	}
}

func TestOpen_RefusedFiles(t *testing.T) {
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 40)...)
	xls := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 504)...)
	headerOnly := buildXLSX(t, [][]any{{"姓名", "身份证号"}}, nil)
	cases := []struct {
		name string
		data []byte
		key  string
	}{
		{"zero bytes", nil, "sheet.err.empty"},
		{"blank text", []byte(" \r\n\r\n,,\r\n"), "sheet.err.empty"},
		{"bom only", []byte{0xEF, 0xBB, 0xBF}, "sheet.err.empty"},
		{"empty workbook", buildXLSX(t, nil, nil), "sheet.err.empty"},
		{"header without data", headerOnly, "sheet.err.empty"},
		{"no known header", []byte("a,b,c\n1,2,3\n"), "sheet.err.no_header"},
		{"required column missing", []byte("姓名,手机号码\n张三,13800138000\n"), "sheet.err.missing_columns"},
		{"old xls", xls, "sheet.err.xls"},
		{"png", png, "sheet.err.wrong_type"},
		{"broken zip", []byte("PK\x03\x04 not really a zip"), "sheet.err.broken"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Open(bytes.NewReader(c.data), int64(len(c.data)), "f.xlsx", rosterSpec())
			wantKey(t, err, c.key)
		})
	}
}

func TestOpen_MessagesNameTheColumns(t *testing.T) {
	_, err := Open(strings.NewReader("a,b\n1,2\n"), -1, "f.csv", rosterSpec())
	if pe := wantKey(t, err, "sheet.err.no_header"); !strings.Contains(fmt.Sprint(pe.Args...), "姓名、身份证号、手机号码") {
		t.Errorf("args %v should list the expected headers", pe.Args)
	}
	_, err = Open(strings.NewReader("姓名,手机号码\n张三,1\n"), -1, "f.csv", rosterSpec())
	if pe := wantKey(t, err, "sheet.err.missing_columns"); fmt.Sprint(pe.Args...) != "身份证号" {
		t.Errorf("args %v should name the missing column", pe.Args)
	}
}

func TestOpen_OverSizeLimit(t *testing.T) {
	spec := rosterSpec()
	spec.MaxBytes = 1 << 20
	big := []byte("姓名,身份证号\n" + strings.Repeat("张三,350102199001011234\n", 60000))
	_, err := Open(bytes.NewReader(big), int64(len(big)), "f.csv", spec)
	wantKey(t, err, "sheet.err.too_big")

	// Size unknown (a chunked upload): the limit still holds while streaming.
	rd, err := Open(bytes.NewReader(big), -1, "f.csv", spec)
	if err == nil {
		for err == nil {
			_, err = rd.Next()
		}
	}
	wantKey(t, err, "sheet.err.too_big")
}

func TestNext_TooManyRows(t *testing.T) {
	spec := rosterSpec()
	spec.MaxRows = 2
	rd, err := Open(strings.NewReader("姓名,身份证号\na,1\nb,2\nc,3\n"), -1, "f.csv", spec)
	if err != nil {
		t.Fatal(err)
	}
	for err == nil {
		_, err = rd.Next()
	}
	if err == io.EOF {
		t.Fatal("three rows passed a two-row limit")
	}
	wantKey(t, err, "sheet.err.too_many_rows")
}

func TestOpen_UnicodeTextAndQuotedNumbers(t *testing.T) {
	// Excel's "Unicode 文本" is UTF-16 with a BOM, tab separated.
	text := "姓名\t身份证号\t手机号码\r\n张三\t=\"350102199001011234\"\t'13800138000\r\n"
	data, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	_, rows := readAll(t, data, rosterSpec())
	if len(rows) != 1 || rows[0].Values["id"] != "350102199001011234" || rows[0].Values["phone"] != "13800138000" {
		t.Fatalf("rows %+v", rows)
	}
}

func TestOpen_XLSXOverSizeLimitWhileStreaming(t *testing.T) {
	spec := rosterSpec()
	spec.MaxBytes = 1 << 20
	data := rosterXLSX(t, 40000)
	if len(data) <= 1<<20 {
		t.Fatalf("test file only %d bytes", len(data))
	}
	_, err := Open(bytes.NewReader(data), -1, "big.xlsx", spec)
	wantKey(t, err, "sheet.err.too_big")
}

func TestReader_All(t *testing.T) {
	rd, err := Open(strings.NewReader("姓名,身份证号\na,1\n\nb,2\n"), -1, "f.csv", rosterSpec())
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	for row, err := range rd.All() {
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, row.Line)
	}
	if fmt.Sprint(lines) != "[2 4]" {
		t.Errorf("lines %v", lines)
	}
}

type progressLog struct{ done, total []int64 }

func (p *progressLog) Update(done, total int64) {
	p.done, p.total = append(p.done, done), append(p.total, total)
}

func TestReader_ProgressReachesTheEnd(t *testing.T) {
	for name, data := range map[string][]byte{"xlsx": rosterXLSX(t, 5000), "csv": []byte("姓名,身份证号\n" + strings.Repeat("张三,1\n", 50000))} {
		t.Run(name, func(t *testing.T) {
			rd, err := Open(bytes.NewReader(data), int64(len(data)), "f", rosterSpec())
			if err != nil {
				t.Fatal(err)
			}
			defer rd.Close()
			var p progressLog
			rd.OnProgress(&p)
			for _, err := range rd.All() {
				if err != nil {
					t.Fatal(err)
				}
			}
			n := len(p.done)
			if n < 3 || p.done[n-1] != p.total[n-1] || p.total[0] <= 0 || p.done[0] >= p.done[n-2] {
				t.Errorf("progress %v of %v: want rising to the total", p.done, p.total)
			}
		})
	}
}

func TestOpen_XLSXFromAPlainReader(t *testing.T) {
	// An upload that is not an io.ReaderAt (a network stream) is read into memory first.
	data := buildXLSX(t, [][]any{{"姓名", "身份证号"}, {"张三", "350102199001011234"}}, nil)
	rd, err := Open(io.MultiReader(bytes.NewReader(data)), -1, "f.xlsx", rosterSpec())
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	row, err := rd.Next()
	if err != nil || row.Values["id"] != "350102199001011234" || row.Line != 2 {
		t.Fatalf("row %+v, %v", row, err)
	}
}
