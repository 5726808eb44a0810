package sheet

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"zhijia/internal/platform"
)

// rosterSpec is a worker-roster-like Spec used across the tests.
func rosterSpec() Spec {
	return Spec{Name: "职工名册", Columns: []Column{
		{Key: "name", Header: "姓名", Required: true, Hint: "与身份证一致"},
		{Key: "id", Header: "身份证号", Aliases: []string{"身份证号码", "公民身份号码"}, Required: true, Text: true, Hint: "18 位"},
		{Key: "phone", Header: "手机号码", Aliases: []string{"手机号", "联系电话"}, Text: true},
		{Key: "joined", Header: "入会日期"},
		{Key: "status", Header: "会员状态", Choices: []string{"会员", "非会员"}},
	}}
}

// buildXLSX writes rows into a fresh workbook (nil cells are left empty) and lets
// edit adjust it (merged cells, styles) before it is saved.
func buildXLSX(t testing.TB, rows [][]any, edit func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		for j, v := range r {
			if v == nil {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellValue("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if edit != nil {
		edit(f)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gbk(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readAll opens data and returns every row, failing the test on any error.
func readAll(t testing.TB, data []byte, spec Spec) (*Reader, []Row) {
	t.Helper()
	rd, err := Open(bytes.NewReader(data), int64(len(data)), "upload", spec)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer rd.Close()
	var rows []Row
	for {
		row, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return rd, rows
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		rows = append(rows, row)
	}
}

// wantKey checks err is a platform error with the catalogue key.
func wantKey(t testing.TB, err error, key string) *platform.Error {
	t.Helper()
	pe, ok := platform.AsError(err)
	if !ok || pe.Message != key {
		t.Fatalf("error = %v, want %s", err, key)
	}
	if _, ok := Messages[key]; !ok {
		t.Fatalf("key %s is not in the catalogue", key)
	}
	return pe
}
