package platform_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"zhijia/internal/platform"
)

func TestSpool_ReplaysRowsAndLeavesNoFile(t *testing.T) {
	dir := t.TempDir()
	db, err := platform.Open(context.Background(), "sqlite:"+filepath.Join(dir, "z.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sp, err := db.NewSpool()
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	at := time.Date(2026, 11, 29, 8, 0, 0, 123, time.UTC)
	want := [][]any{{"张三", int64(-7), nil, at, ""}, {"李四\x00", int64(1 << 40), "x", at, "福州"}}
	for _, r := range want {
		if err := sp.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := sp.Append([]any{3.5}); err == nil {
		t.Error("a float was accepted")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "z.db" && e.Name() != "z.db-wal" && e.Name() != "z.db-shm" {
			t.Errorf("spool left a file %s in the data directory", e.Name())
		}
	}
	for pass := 0; pass < 2; pass++ {
		var got [][]any
		err := sp.Each(func(row []any) error {
			got = append(got, append([]any(nil), row...))
			return nil
		})
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("pass %d: replayed %v, %v; want %v", pass, got, err, want)
		}
	}
}
