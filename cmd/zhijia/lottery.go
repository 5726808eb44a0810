package main

import (
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"zhijia/internal/care"
)

const lotteryUsage = "用法 usage: zhijia lottery verify --seed HEX FILE (.xlsx or .csv exported from the activity's sign-up list)"

// cmdLottery re-runs an activity's draw from its exported sign-up list and the
// seed revealed at the draw, and says whether every stored rank is reproduced.
// It needs no database: anyone holding the two can check.
func cmdLottery(args []string, stdout io.Writer) (bool, error) {
	if len(args) == 0 || args[0] != "verify" {
		return false, errors.New(lotteryUsage)
	}
	fs := flag.NewFlagSet("lottery verify", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	seedHex := fs.String("seed", "", "the seed published at the draw (hex)")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() != 1 {
		return false, errors.New(lotteryUsage)
	}
	seed, ok := care.SeedBytes(strings.TrimSpace(*seedHex))
	if !ok {
		return false, errors.New("--seed: not a hex seed")
	}
	records, err := readTable(fs.Arg(0))
	if err != nil {
		return false, err
	}
	rows, err := rankedRows(records)
	if err != nil {
		return false, err
	}
	fmt.Fprintf(stdout, "seed hash 种子摘要: %s\n", care.SeedHash(strings.TrimSpace(*seedHex)))
	problems := care.VerifyRanks(seed, rows)
	for _, p := range problems {
		fmt.Fprintln(stdout, "MISMATCH 不一致:", p)
	}
	if len(problems) > 0 {
		return false, nil
	}
	fmt.Fprintf(stdout, "OK 复核通过: %d sign-ups, every rank reproduced\n", len(rows))
	return true, nil
}

// readTable reads the first sheet of an .xlsx file or a UTF-8 .csv file.
func readTable(path string) ([][]string, error) {
	if strings.HasSuffix(strings.ToLower(path), ".csv") {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r := csv.NewReader(f)
		r.FieldsPerRecord = -1
		return r.ReadAll()
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	return f.GetRows(f.GetSheetName(0))
}

// rankedRows reads the id, weight, session_id and draw_rank columns; rows
// without a rank (withdrawn before the draw, not eligible) are not entrants.
func rankedRows(records [][]string) ([]care.Ranked, error) {
	if len(records) == 0 {
		return nil, errors.New("the file is empty")
	}
	col := map[string]int{}
	for i, h := range records[0] {
		col[strings.TrimPrefix(strings.TrimSpace(h), "\ufeff")] = i
	}
	for _, name := range []string{"id", "weight", "session_id", "draw_rank"} {
		if _, ok := col[name]; !ok {
			return nil, fmt.Errorf("column %q missing", name)
		}
	}
	cell := func(rec []string, name string) string {
		if i := col[name]; i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var out []care.Ranked
	for n, rec := range records[1:] {
		if cell(rec, "draw_rank") == "" {
			continue
		}
		id, e1 := strconv.ParseInt(cell(rec, "id"), 10, 64)
		w, e2 := strconv.Atoi(cell(rec, "weight"))
		s, e3 := strconv.ParseInt(cell(rec, "session_id"), 10, 64)
		r, e4 := strconv.Atoi(cell(rec, "draw_rank"))
		if err := errors.Join(e1, e2, e3, e4); err != nil {
			return nil, fmt.Errorf("row %d: %w", n+2, err)
		}
		out = append(out, care.Ranked{Entry: care.Entry{ID: id, Weight: w}, Session: s, Rank: r})
	}
	return out, nil
}
