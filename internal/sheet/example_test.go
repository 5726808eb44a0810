package sheet_test

import (
	"fmt"
	"io"
	"strings"

	"zhijia/internal/sheet"
)

// An import: read the rows, refuse the bad ones (with in-file duplicates naming each
// other), and give the refused rows back as an .xlsx.
func Example() {
	spec := sheet.Spec{Name: "职工名册", Columns: []sheet.Column{
		{Key: "name", Header: "姓名", Required: true},
		{Key: "id", Header: "身份证号", Required: true, Text: true},
		{Key: "joined", Header: "入会日期"},
	}}
	upload := "姓名,身份证号,入会日期\n张三,350102199001011234,2024-01-02\n李四,3.50102E+17,45292\n王五,350102199001011234,2024年1月3日\n"
	rd, err := sheet.Open(strings.NewReader(upload), int64(len(upload)), "名册.csv", spec)
	if err != nil {
		fmt.Println(err) // a *platform.Error with a catalogue key, e.g. sheet.err.no_header
		return
	}
	defer rd.Close()
	dups := sheet.NewDupTracker()
	var refused []sheet.RowError
	for row, err := range rd.All() {
		if err != nil {
			fmt.Println(err)
			return
		}
		if first := dups.Add(row.Values["id"], row.Line); first > 0 {
			refused = append(refused, row.Refuse(dups.Reason(row.Line)))
			// The earlier row is refused too (in one transaction, or in a first pass).
			refused = append(refused, sheet.RowError{Line: first, Reasons: []string{dups.Reason(first)}})
			continue
		}
		if _, err := sheet.ParseDate(row.Values["joined"]); err != nil {
			row.Reasons = append(row.Reasons, "入会日期无效")
		}
		if len(row.Reasons) > 0 {
			refused = append(refused, row.Refuse())
		}
	}
	for _, e := range refused {
		fmt.Println(e.Line, e.Reasons[0][:strings.Index(e.Reasons[0], "：")])
	}
	again, _ := sheet.Open(strings.NewReader(upload), int64(len(upload)), "名册.csv", spec)
	_ = sheet.FillRaw(again, refused) // the cells of row 2, refused after it had passed
	again.Close()
	fmt.Println(refused[2].Raw)
	_ = sheet.WriteErrorReport(io.Discard, rd.Headers(), refused)
	// Output:
	// 3 “身份证号”被 Excel 存成了数字（3.50102E+17），长数字会丢失末几位
	// 4 与第 2 行重复
	// 2 与第 4 行重复
	// [张三 350102199001011234 2024-01-02]
}
