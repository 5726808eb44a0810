package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhijia/internal/care"
)

// exported writes a sign-up list as the console exports it: two sessions
// ranked by the real draw under seed, a withdrawn sign-up with no rank.
func exported(t *testing.T, seed string, swap bool) [][]any {
	t.Helper()
	key, _ := care.SeedBytes(seed)
	rows := [][]any{{"id", "weight", "session_id", "draw_rank", "职工", "场次", "状态"}}
	for s := int64(1); s <= 2; s++ {
		var es []care.Entry
		for i := int64(1); i <= 30; i++ {
			es = append(es, care.Entry{ID: s*100 + i, Weight: int(i%3) + 1})
		}
		order := care.DrawOrder(key, es)
		if swap && s == 2 {
			order[3], order[4] = order[4], order[3]
		}
		for r, e := range order {
			rows = append(rows, []any{e.ID, e.Weight, s, r + 1, "张*", "第一期", "候补中"})
		}
	}
	return append(rows, []any{999, 1, 1, "", "李*", "第一期", "已取消"})
}

func writeCSV(t *testing.T, rows [][]any) string {
	var b strings.Builder
	for _, r := range rows {
		parts := make([]string, len(r))
		for i, v := range r {
			parts[i] = fmt.Sprint(v)
		}
		b.WriteString(strings.Join(parts, ",") + "\n")
	}
	path := filepath.Join(t.TempDir(), "signups.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func writeXLSX(t *testing.T, rows [][]any) string {
	f := excelize.NewFile()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "signups.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLotteryVerify_ReproducesAndCatchesTampering(t *testing.T) {
	seed, hash := care.NewSeed()
	for _, write := range []func(*testing.T, [][]any) string{writeCSV, writeXLSX} {
		var out, errb bytes.Buffer
		code := run(context.Background(), []string{"lottery", "verify", "--seed", seed, write(t, exported(t, seed, false))}, &out, &errb)
		if code != 0 || !strings.Contains(out.String(), "OK") || !strings.Contains(out.String(), hash) {
			t.Fatalf("honest list: exit %d, %s %s", code, out.String(), errb.String())
		}
		out.Reset()
		code = run(context.Background(), []string{"lottery", "verify", "--seed", seed, write(t, exported(t, seed, true))}, &out, &errb)
		if code != 1 || strings.Count(out.String(), "MISMATCH") != 2 {
			t.Fatalf("two ranks swapped: exit %d, %s", code, out.String())
		}
	}
	other, _ := care.NewSeed()
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"lottery", "verify", "--seed", other, writeCSV(t, exported(t, seed, false))}, &out, &errb); code != 1 {
		t.Fatalf("another seed: exit %d", code)
	}
	if code := run(context.Background(), []string{"lottery", "verify", "--seed", "xyz", "f.csv"}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "seed") {
		t.Fatalf("bad seed: exit %d %s", code, errb.String())
	}
}
