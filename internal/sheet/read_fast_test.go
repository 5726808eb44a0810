package sheet

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// excelizeRows reads every row with excelize's raw row iterator: the reference the
// package's own scanner must agree with.
func excelizeRows(t *testing.T, data []byte, sheet string) map[int][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.Rows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int][]string{}
	for n := 1; rows.Next(); n++ {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(trimTrailingBlanks(cells)) > 0 {
			out[n] = trimTrailingBlanks(cells)
		}
	}
	return out
}

// scannerRows reads every row of the first sheet with the package's scanner.
func scannerRows(t *testing.T, data []byte) map[int][]string {
	t.Helper()
	wb, err := openWorkbook(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	src, err := wb.openSheet(wb.sheets[0].path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.close()
	out := map[int][]string{}
	for {
		cells, line, err := src.next()
		if err == io.EOF {
			return out
		} else if err != nil {
			t.Fatal(err)
		}
		if len(trimTrailingBlanks(cells)) > 0 {
			out[line] = trimTrailingBlanks(cells)
		}
	}
}

func TestScanner_AgreesWithExcelize(t *testing.T) {
	tricky := []any{"a & b < c > d \"q\" 's'", " 前后空格 ", "两行\n文字", "😀 emoji", "=SUM(1)", "", 0.1, -3, true, false, 3.50102199001011e17}
	files := map[string][]byte{
		"stream writer (inline strings)": rosterXLSX(t, 50),
		"excel-like (shared strings)":    excelLikeXLSX(t, 50),
		"excelize file": buildXLSX(t, [][]any{
			{"姓名", "身份证号"}, tricky, nil, {nil, nil, "sparse", nil, "E"}, {"x"},
		}, func(f *excelize.File) {
			f.SetCellRichText("Sheet1", "A9", []excelize.RichTextRun{{Text: "富"}, {Text: "文本", Font: &excelize.Font{Bold: true}}})
			f.SetCellFormula("Sheet1", "B9", "1+1")
			f.SetCellValue("Sheet1", "C9", "&amp; literal")
			f.SetCellValue("Sheet1", "AA12", "far column")
		}),
	}
	for name, data := range files {
		t.Run(name, func(t *testing.T) {
			want, got := excelizeRows(t, data, firstSheet(t, data)), scannerRows(t, data)
			if len(want) != len(got) {
				t.Fatalf("%d rows, excelize %d", len(got), len(want))
			}
			for line, w := range want {
				if !slices.Equal(w, got[line]) {
					t.Errorf("row %d: %q, excelize %q", line, got[line], w)
				}
			}
		})
	}
}

func firstSheet(t *testing.T, data []byte) string {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return f.GetSheetList()[0]
}

func TestScanner_PhoneticGuidesAndEntities(t *testing.T) {
	sst := `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>姓名</t></si>` +
		`<si><t>身份证号</t></si><si><t>张三</t><rPh sb="0" eb="2"><t>ジョウサン</t></rPh><phoneticPr fontId="1"/></si>` +
		`<si><r><t>李</t></r><r><rPr><b/></rPr><t xml:space="preserve">四 </t></r></si><si/><si><t><![CDATA[A&B]]>&#x4E2D;&#20013;</t></si></sst>`
	sheet := `<?xml version="1.0"?><!-- made by hand --><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>` +
		`<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="inlineStr"><is><t>35010219900101123X</t></is></c></row>` +
		`<row r="3"><c r="A3" t="s"><v>3</v></c><c r="B3" t="s"><v>5</v></c><c r="C3" t="s"><v>4</v></c></row>` +
		`<row r="5" spans="1:2"><c r="A5" t="str"><f>"王"&amp;"五"</f><v>王五</v></c><c r="B5" s="1"><v>350102199001011</v></c></row>` +
		`<row r="6"/></sheetData></worksheet>`
	data := handMadeXLSX(t, sheet, sst)
	got := scannerRows(t, data)
	want := map[int][]string{1: {"姓名", "身份证号"}, 2: {"张三", "35010219900101123X"}, 3: {"李四 ", "A&B中中"}, 5: {"王五", "350102199001011"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("rows %v, want %v", got, want)
	}
	// A 15-digit id stored as a number is refused; the same digits as text are not.
	_, rows := readAll(t, data, rosterSpec())
	if len(rows) != 3 || len(rows[0].Reasons) != 0 || len(rows[2].Reasons) != 1 {
		t.Errorf("rows %+v: only row 5's numeric id should be refused", rows)
	}
}

func TestScanner_TextZeroTailAcceptedNumericRefused(t *testing.T) {
	data := buildXLSX(t, [][]any{
		{"姓名", "身份证号", "手机号码"},
		{"甲", "350102199001011000", 13800138000}, // text id ending 000: a real id, kept
		{"乙", 350102199001011, "13800138000"},    // 15 digits stored as a number
	}, nil)
	_, rows := readAll(t, data, rosterSpec())
	if len(rows[0].Reasons) != 0 {
		t.Errorf("text id refused: %q", rows[0].Reasons)
	}
	if len(rows[1].Reasons) != 1 || !strings.Contains(rows[1].Reasons[0], "文本格式") {
		t.Errorf("numeric id accepted: %q", rows[1].Reasons)
	}
}

func TestOpen_FallsBackToExcelize(t *testing.T) {
	data := buildXLSX(t, [][]any{{"姓名", "身份证号"}, {"张三", "350102199001011234"}}, nil)
	src, err := openExcelize(bytes.NewReader(data), rosterSpec())
	if err != nil {
		t.Fatal(err)
	}
	defer src.close()
	src.next()
	cells, line, err := src.next()
	if err != nil || line != 2 || cells[0] != "张三" {
		t.Errorf("excelize fallback row %q line %d err %v", cells, line, err)
	}
}

// handMadeXLSX packs a worksheet and shared-string table written by hand.
func handMadeXLSX(t testing.TB, sheet, sst string) []byte {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	parts := map[string]string{
		"xl/workbook.xml": `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml": sheet,
		"xl/sharedStrings.xml":     sst,
	}
	for name, body := range parts {
		w, _ := z.Create(name)
		w.Write([]byte(body))
	}
	z.Close()
	return buf.Bytes()
}

// FuzzScanner feeds arbitrary bytes as a worksheet: the scanner must never panic or
// loop, only return rows or an error.
func FuzzScanner(f *testing.F) {
	f.Add(`<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>1</v></c></row></sheetData>`)
	f.Add(`<row><c t="inlineStr"><is><t>&#x4E2D;&amp;</t></is></c><c r="ZZZZ9"/></row>`)
	f.Add(`<row r="2"><c r="A2" t="s"><v>99</v></c></row><![CDATA[x]]><!-- > --><?pi?>`)
	f.Add(`<row r="3"><c r='B3' t="b"><v>1</v></c><c r="A"><v>x</v></c></row><row/>`)
	f.Fuzz(func(t *testing.T, sheet string) {
		data := handMadeXLSX(t, sheet, `<sst><si><t>a</t></si></sst>`)
		wb, err := openWorkbook(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		src, err := wb.openSheet(wb.sheets[0].path)
		if err != nil {
			t.Fatal(err)
		}
		defer src.close()
		for range 10000 {
			if _, _, err := src.next(); err != nil {
				return
			}
		}
		t.Fatal("no end after 10000 rows")
	})
}
