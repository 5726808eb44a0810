package sheet

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
)

// WriteErrorReport writes the refused rows as an .xlsx: the upload's own header row,
// each row's original cells, then 原行号 and 错误原因. Rows come in file order, and
// entries for the same line (say a validation error and a duplicate found later) are
// merged, each reason once. Staff fix the rows in it and upload the same file again: the extra columns
// are ignored on the way back in.
func WriteErrorReport(w io.Writer, headers []string, errs []RowError) error {
	errs = mergeByLine(errs)
	x, err := NewXLSXWriter(w, append(append([]string(nil), headers...), zh("sheet.report.line"), zh("sheet.report.reason")))
	if err != nil {
		return err
	}
	x.SetColWidth(len(headers)+2, 60)
	for _, e := range errs {
		cells := make([]any, len(headers)+2)
		for i := range headers {
			cells[i] = ""
			if i < len(e.Raw) {
				cells[i] = e.Raw[i]
			}
		}
		cells[len(headers)] = e.Line
		cells[len(headers)+1] = strings.Join(e.Reasons, "；")
		if err := x.AddRow(cells...); err != nil {
			x.Abort()
			return fmt.Errorf("sheet: error report row %d: %w", e.Line, err)
		}
	}
	return x.Close()
}

// mergeByLine sorts a copy of errs by line and joins entries for the same line.
func mergeByLine(errs []RowError) []RowError {
	sorted := slices.Clone(errs)
	slices.SortStableFunc(sorted, func(a, b RowError) int { return cmp.Compare(a.Line, b.Line) })
	out := sorted[:0]
	for _, e := range sorted {
		if n := len(out); n > 0 && out[n-1].Line == e.Line && e.Line != 0 {
			last := &out[n-1]
			last.Reasons = slices.Clip(last.Reasons)
			for _, r := range e.Reasons {
				if !slices.Contains(last.Reasons, r) {
					last.Reasons = append(last.Reasons, r)
				}
			}
			continue
		}
		out = append(out, e)
	}
	return out
}
