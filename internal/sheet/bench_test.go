package sheet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// benchSpec has the ten columns of a realistic roster row.
func benchSpec() Spec {
	s := rosterSpec()
	for _, h := range []string{"工作单位", "职务", "学历", "性别", "备注"} {
		s.Columns = append(s.Columns, Column{Key: h, Header: h})
	}
	return s
}

// rosterXLSX generates an n-row roster with the StreamWriter.
func rosterXLSX(b testing.TB, n int) []byte { return rosterExport(b, n, "") }

// rosterExport is an n-row export, encrypted when pw is set.
func rosterExport(b testing.TB, n int, pw string) []byte {
	var buf bytes.Buffer
	x, err := NewXLSXWriter(&buf, []string{"姓名", "身份证号", "手机号码", "入会日期", "会员状态", "工作单位", "职务", "学历", "性别", "备注"})
	if err != nil {
		b.Fatal(err)
	}
	x.SetPassword(pw)
	for i := range n {
		err := x.AddRow(fmt.Sprintf("职工%06d", i), fmt.Sprintf("350102199001%06d", i), fmt.Sprintf("138%08d", i),
			43000+i%3000, "会员", fmt.Sprintf("福州第%d有限公司", i%5000), "职员", "本科", "男", "")
		if err != nil {
			b.Fatal(err)
		}
	}
	if err := x.Close(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// readRaw is the baseline: excelize's row iterator and nothing else.
func readRaw(b testing.TB, data []byte) int {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	rows, err := f.Rows(f.GetSheetList()[0])
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		if _, err := rows.Columns(excelize.Options{RawCellValue: true}); err != nil {
			b.Fatal(err)
		}
		n++
	}
	return n - 1
}

// readSheet reads the same file through Open and Next, calling sample every 1000 rows.
func readSheet(b testing.TB, data []byte, sample func()) int {
	rd, err := Open(bytes.NewReader(data), int64(len(data)), "bench.xlsx", benchSpec())
	if err != nil {
		b.Fatal(err)
	}
	defer rd.Close()
	n := 0
	for {
		_, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return n
		} else if err != nil {
			b.Fatal(err)
		}
		if n++; sample != nil && n%1000 == 0 {
			sample()
		}
	}
}

// BenchmarkReadXLSX reads a 100,000-row roster with the sheet reader and with
// excelize's raw row iterator in the same run, and reports both rates and their
// ratio, for a file with inline strings (excelize's StreamWriter) and one with a
// shared-string table (as Excel and WPS write).
func BenchmarkReadXLSX(b *testing.B) {
	const n = 100_000
	for _, kind := range []string{"inline", "shared-strings"} {
		b.Run(kind, func(b *testing.B) {
			data := rosterXLSX(b, n)
			if kind == "shared-strings" {
				data = excelLikeXLSX(b, n)
			}
			b.ResetTimer()
			var raw, ours time.Duration
			for range b.N {
				t0 := time.Now()
				if got := readRaw(b, data); got != n {
					b.Fatalf("raw read %d rows", got)
				}
				t1 := time.Now()
				if got := readSheet(b, data, nil); got != n {
					b.Fatalf("sheet read %d rows", got)
				}
				raw, ours = raw+t1.Sub(t0), ours+time.Since(t1)
			}
			b.ReportMetric(float64(n*b.N)/ours.Seconds(), "rows/s")
			b.ReportMetric(float64(n*b.N)/raw.Seconds(), "raw-rows/s")
			b.ReportMetric(raw.Seconds()/ours.Seconds(), "ratio")
			b.ReportMetric(float64(len(data))/(1<<20), "file-MB")
		})
	}
}

// BenchmarkReadXLSXMemory reports the peak heap while streaming a 200,000-row roster
// (ZHIJIA_SHEET_BENCH_ROWS changes the count; ZHIJIA_SHEET_BENCH_SST=1 uses a
// shared-string file as Excel writes it), the file's own bytes included, as an upload
// held in memory would be.
func BenchmarkReadXLSXMemory(b *testing.B) {
	n := 200_000
	if v, err := strconv.Atoi(os.Getenv("ZHIJIA_SHEET_BENCH_ROWS")); err == nil && v > 0 {
		n = v
	}
	var data []byte
	if os.Getenv("ZHIJIA_SHEET_BENCH_SST") != "" {
		data = excelLikeXLSX(b, n) // shared strings, as Excel and WPS write them
	} else {
		data = rosterXLSX(b, n)
	}
	b.ReportAllocs()
	b.ResetTimer()
	var peak, live uint64
	var ms runtime.MemStats
	calls := 0
	sample := func() { // every 1,000 rows; a full collection every 100,000
		if calls++; calls%100 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			live = max(live, ms.HeapAlloc)
		}
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
	}
	for range b.N {
		runtime.GC()
		if got := readSheet(b, data, sample); got != n {
			b.Fatalf("read %d rows", got)
		}
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(live)/(1<<20), "live-heap-MB")
	b.ReportMetric(float64(len(data))/(1<<20), "file-MB")
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkWriteXLSX measures the streaming export of 100,000 rows, plain and
// encrypted with a password (encryption works on the finished package in memory).
func BenchmarkWriteXLSX(b *testing.B) {
	const n = 100_000
	for _, pw := range []string{"", "s3cret"} {
		name := "plain"
		if pw != "" {
			name = "encrypted"
		}
		b.Run(name, func(b *testing.B) {
			start := time.Now()
			size := 0
			for range b.N {
				size = len(rosterExport(b, n, pw))
			}
			b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "rows/s")
			b.ReportMetric(float64(size)/(1<<20), "file-MB")
		})
	}
}
