package sheet

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// excelLikeXLSX writes an n-row roster the way Excel and WPS store one: every text
// cell in the shared-string table (excelize's StreamWriter writes inline strings
// instead), the id column as text and the join date as a serial.
func excelLikeXLSX(t testing.TB, n int) []byte {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	put := func(name, body string) {
		w, err := z.Create(name)
		if err == nil {
			_, err = w.Write([]byte(body))
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	put("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`)
	put("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	put("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook `+ns+` xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="花名册" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	put("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`)

	sst := map[string]int{}
	var strs []string
	idx := func(s string) int {
		if i, ok := sst[s]; ok {
			return i
		}
		sst[s] = len(strs)
		strs = append(strs, s)
		return len(strs) - 1
	}
	var sh strings.Builder
	sh.WriteString(`<?xml version="1.0" encoding="UTF-8"?><worksheet ` + ns + `><sheetData>`)
	row := func(r int, cells []any) {
		fmt.Fprintf(&sh, `<row r="%d">`, r)
		for j, c := range cells {
			col := string(rune('A' + j))
			switch v := c.(type) {
			case string:
				fmt.Fprintf(&sh, `<c r="%s%d" t="s"><v>%d</v></c>`, col, r, idx(v))
			case int:
				fmt.Fprintf(&sh, `<c r="%s%d"><v>%d</v></c>`, col, r, v)
			}
		}
		sh.WriteString(`</row>`)
	}
	row(1, []any{"姓名", "身份证号", "手机号码", "入会日期", "会员状态", "工作单位", "职务", "学历", "性别", "备注"})
	for i := range n {
		row(i+2, []any{fmt.Sprintf("职工%06d", i), fmt.Sprintf("350102199001%06d", i), fmt.Sprintf("138%08d", i),
			43000 + i%3000, "会员", fmt.Sprintf("福州第%d有限公司", i%5000), "职员", "本科", "男"})
	}
	sh.WriteString(`</sheetData></worksheet>`)
	put("xl/worksheets/sheet1.xml", sh.String())

	var ss strings.Builder
	fmt.Fprintf(&ss, `<?xml version="1.0" encoding="UTF-8"?><sst %s count="%d" uniqueCount="%d">`, ns, len(strs), len(strs))
	for _, s := range strs {
		fmt.Fprintf(&ss, `<si><t>%s</t></si>`, s)
	}
	ss.WriteString(`</sst>`)
	put("xl/sharedStrings.xml", ss.String())
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestOpen_ExcelSharedStrings(t *testing.T) {
	_, rows := readAll(t, excelLikeXLSX(t, 3), rosterSpec())
	if len(rows) != 3 || rows[2].Values["id"] != "350102199001000002" || rows[2].Values["joined"] != "43002" || rows[2].Line != 4 {
		t.Fatalf("rows %+v", rows)
	}
}
