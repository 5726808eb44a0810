package people

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
	"zhijia/internal/sheet"
)

// benchRows is the size of the benchmark roster (ZHIJIA_IMPORT_BENCH_ROWS).
func benchRows() int {
	if n, err := strconv.Atoi(os.Getenv("ZHIJIA_IMPORT_BENCH_ROWS")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

// benchRoster writes an n-row roster in the template's columns, every row valid:
// unique id numbers and mobiles, the default union, a join date as text.
func benchRoster(b testing.TB, n int) []byte {
	var buf bytes.Buffer
	x, err := sheet.NewXLSXWriter(&buf, rosterHeaders)
	if err != nil {
		b.Fatal(err)
	}
	epoch := time.Date(1966, 1, 1, 0, 0, 0, 0, time.UTC)
	for k := range n {
		body := "350102" + epoch.AddDate(0, 0, k%14000).Format("20060102") + strconv.Itoa(110+k/14000)
		err := x.AddRow(fmt.Sprintf("职工%06d", k), body+string(CheckChar(body)), fmt.Sprintf("139%08d", k), "",
			fmt.Sprintf("福州第%d有限公司", k%5000), "操作工", "本科", "是", "2020-05-01", "", "", "")
		if err != nil {
			b.Fatal(err)
		}
	}
	if err := x.Close(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkImport measures the roster import (full validation, sealing, blind
// indexes, duplicate checks, one transaction) on SQLite against a baseline that
// reads the same file with excelize's row iterator and inserts the same columns
// raw with a prepared statement, and logs the ratio of the two.
func BenchmarkImport(b *testing.B) {
	n := benchRows()
	data := benchRoster(b, n)
	engines := []struct {
		name string
		open func(*testing.B) *platform.DB
	}{{"sqlite", benchDB}}
	if os.Getenv("ZHIJIA_TEST_PG") != "" {
		engines = append(engines, struct {
			name string
			open func(*testing.B) *platform.DB
		}{"postgres", func(b *testing.B) *platform.DB { return dbtest.Postgres(b) }})
	}
	b.Run("sqlite/process", func(b *testing.B) { importProcess(b, data, n) })
	for _, e := range engines {
		rates := map[string]float64{}
		b.Run(e.name+"/zhijia", func(b *testing.B) {
			var elapsed time.Duration
			peak, stop := peakHeap()
			resetPeakRSS()
			for range b.N {
				elapsed += importOnce(b, e.open(b), data, n)
			}
			if rss := peakRSS(); rss > 0 {
				b.ReportMetric(rss, "peak-rss-MB")
			}
			rates["zhijia"] = float64(n*b.N) / elapsed.Seconds()
			stop()
			b.ReportMetric(rates["zhijia"], "rows/s")
			b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
			// The benchmark holds the file in memory; a real import reads it from disk.
			b.ReportMetric(float64(len(data))/(1<<20), "file-MB")
		})
		b.Run(e.name+"/baseline", func(b *testing.B) {
			var elapsed time.Duration
			for range b.N {
				f := newFixture(b, e.open(b))
				start := time.Now()
				if got := rawImport(b, f.db, data, f.tree.Gulou); got != n {
					b.Fatalf("baseline inserted %d", got)
				}
				elapsed += time.Since(start)
			}
			rates["baseline"] = float64(n*b.N) / elapsed.Seconds()
			b.ReportMetric(rates["baseline"], "rows/s")
		})
		if rates["baseline"] > 0 && rates["zhijia"] > 0 {
			b.Logf("%s, %d rows: import %.0f rows/s, baseline %.0f rows/s, ratio %.2f; 1,000,000 rows ≈ %.0f s",
				e.name, n, rates["zhijia"], rates["baseline"], rates["zhijia"]/rates["baseline"], 1e6/rates["zhijia"])
		}
	}
}

// importOnce imports the roster into a fresh demo tree on db and returns the time taken.
func importOnce(b *testing.B, db *platform.DB, data []byte, n int) time.Duration {
	f := newFixture(b, db)
	ctx := f.as(b, "admin", f.tree.City)
	groups, _ := f.store.Groups(ctx)
	start := time.Now()
	rd, err := sheet.Open(bytes.NewReader(data), int64(len(data)), "bench.xlsx", RosterSpec(groups))
	if err != nil {
		b.Fatal(err)
	}
	res, err := f.store.ImportWorkers(ctx, rd, ImportOptions{OrgID: f.tree.Gulou})
	rd.Close()
	took := time.Since(start)
	if err != nil || res.Imported != n {
		b.Fatalf("imported %v, err %v, first errors %v", res, err, firstErrors(res))
	}
	return took
}

// benchDB is a fresh SQLite database; ZHIJIA_BENCH_CACHE_KIB sets the writer's
// page cache, to measure how much the random blind-index keys suffer from the
// default 2 MB cache once the indexes outgrow it.
func benchDB(b *testing.B) *platform.DB {
	db := dbtest.SQLite(b)
	if kib, err := strconv.Atoi(os.Getenv("ZHIJIA_BENCH_CACHE_KIB")); err == nil && kib > 0 {
		if _, err := db.Writer().Exec(fmt.Sprintf("PRAGMA cache_size = -%d", kib)); err != nil {
			b.Fatal(err)
		}
	}
	return db
}

// peakHeap samples the live heap every 20 ms until stop is called (the file's
// bytes, held by the benchmark, are included).
func peakHeap() (*atomic.Uint64, func()) {
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return &peak, func() { close(done) }
}

// resetPeakRSS starts the process's resident-memory high-water mark afresh
// (Linux: writing 5 to clear_refs resets VmHWM), so peakRSS measures the import
// alone: Go's heap, SQLite's caches and sorts, everything the process holds —
// the benchmark's copy of the file included.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS is VmHWM in MB, or 0 where the system does not tell.
func peakRSS() float64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}

func firstErrors(res *ImportResult) []sheet.RowError {
	if res == nil {
		return nil
	}
	return res.Errors[:min(3, len(res.Errors))]
}

// rawImport is the baseline: excelize's row iterator, one prepared insert of the
// same columns, clear text, no checks, one transaction.
func rawImport(b testing.TB, db *platform.DB, data []byte, orgID int64) int {
	ctx := context.Background()
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	rows, err := x.Rows(x.GetSheetList()[0])
	if err != nil {
		b.Fatal(err)
	}
	tx, err := db.Writer().BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, db.Rebind(`INSERT INTO workers (city_id, org_id, name, id_index, id_sealed, id_masked,
		phone_index, phone_sealed, phone_masked, employer_name, post, education, member_status, joined_on, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`))
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().UTC()
	n := 0
	rows.Next() // header
	for rows.Next() {
		c, err := rows.Columns()
		if err != nil {
			b.Fatal(err)
		}
		for len(c) < 9 {
			c = append(c, "")
		}
		if _, err := st.ExecContext(ctx, 1, orgID, c[0], c[1], c[1], c[1], c[2], c[2], c[2], c[4], c[5], c[6], c[7], c[8], now, now); err != nil {
			b.Fatal(err)
		}
		n++
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return n
}

// importProcess runs the import alone in a child process reading the file from
// disk, as `zhijia import workers` does, and reports that process's peak
// resident memory: Go's heap, SQLite's caches and sorts, everything.
func importProcess(b *testing.B, data []byte, n int) {
	path := filepath.Join(b.TempDir(), "roster.xlsx")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.Fatal(err)
	}
	var peak int64
	var took time.Duration
	for range b.N {
		cmd := exec.Command(os.Args[0], "-test.run=^TestImportChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "ZHIJIA_IMPORT_CHILD="+path, "ZHIJIA_IMPORT_CHILD_ROWS="+strconv.Itoa(n))
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("child import: %v\n%s", err, out)
		}
		took += time.Since(start)
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			peak = max(peak, ru.Maxrss)
		}
	}
	b.ReportMetric(float64(peak)/1024, "process-peak-rss-MB")
	b.ReportMetric(float64(n*b.N)/took.Seconds(), "rows/s")
}

// TestImportChild is importProcess's child: it imports the file named by
// ZHIJIA_IMPORT_CHILD into a fresh SQLite database (and is skipped otherwise).
func TestImportChild(t *testing.T) {
	path := os.Getenv("ZHIJIA_IMPORT_CHILD")
	if path == "" {
		t.Skip("run by BenchmarkImport in a child process")
	}
	n, _ := strconv.Atoi(os.Getenv("ZHIJIA_IMPORT_CHILD_ROWS"))
	f := newFixture(t, dbtest.SQLite(t))
	ctx := f.as(t, "admin", f.tree.City)
	groups, _ := f.store.Groups(ctx)
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	st, _ := file.Stat()
	rd, err := sheet.Open(file, st.Size(), "roster.xlsx", RosterSpec(groups))
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	res, err := f.store.ImportWorkers(ctx, rd, ImportOptions{OrgID: f.tree.Gulou})
	if err != nil || res.Imported != n {
		t.Fatalf("imported %v, err %v", res, err)
	}
}
