package sheet

import (
	"strings"

	"zhijia/internal/platform"
)

// layout is where each Spec column sits in the file.
type layout struct {
	line    int      // the header's row number
	headers []string // the header row as written
	index   []int    // Spec column i is file column index[i], or -1
}

// headerIndex maps normalised header names and aliases to Spec column indexes.
func headerIndex(spec Spec) map[string]int {
	m := make(map[string]int, len(spec.Columns)*2)
	for i, c := range spec.Columns {
		for _, h := range append([]string{c.Header}, c.Aliases...) {
			if k := NormalizeHeader(h); k != "" {
				if _, dup := m[k]; !dup {
					m[k] = i
				}
			}
		}
	}
	return m
}

// matchHeader places the Spec's columns in one candidate header row; the first
// file column with a name wins, later ones with the same name are ignored.
func matchHeader(names map[string]int, ncols int, cells []string) (index []int, matched int) {
	index = make([]int, ncols)
	for i := range index {
		index[i] = -1
	}
	for j, cell := range cells {
		if i, ok := names[NormalizeHeader(cell)]; ok && index[i] < 0 {
			index[i] = j
			matched++
		}
	}
	return index, matched
}

// findHeader picks, among the first rows, the one that names the most known columns:
// title rows and merged cells above the header are skipped that way.
func findHeader(spec Spec, rows [][]string, lines []int) (layout, int, error) {
	names := headerIndex(spec)
	best, bestAt := 0, -1
	var bestIndex []int
	for k, cells := range rows {
		index, n := matchHeader(names, len(spec.Columns), cells)
		if n > best {
			best, bestAt, bestIndex = n, k, index
		}
	}
	if bestAt < 0 {
		return layout{}, 0, platform.Errorf(platform.CodeInvalid, "sheet.err.no_header", expectedHeaders(spec))
	}
	var missing []string
	for i, c := range spec.Columns {
		if c.Required && bestIndex[i] < 0 {
			missing = append(missing, c.Header)
		}
	}
	if len(missing) > 0 {
		return layout{}, 0, platform.Errorf(platform.CodeInvalid, "sheet.err.missing_columns", strings.Join(missing, "、"))
	}
	l := layout{line: lines[bestAt], headers: trimTrailingBlanks(rows[bestAt]), index: bestIndex}
	return l, bestAt, nil
}

// expectedHeaders lists the column names for the "no header" message.
func expectedHeaders(spec Spec) string {
	hs := make([]string, len(spec.Columns))
	for i, c := range spec.Columns {
		hs[i] = c.Header
	}
	return strings.Join(hs, "、")
}

func trimTrailingBlanks(cells []string) []string {
	n := len(cells)
	for n > 0 && strings.TrimSpace(cells[n-1]) == "" {
		n--
	}
	return append([]string(nil), cells[:n]...)
}
