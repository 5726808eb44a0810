// Package sheet is the spreadsheet kit every import and export uses: it reads the
// .xlsx and .csv files staff make in Excel, WPS or LibreOffice (headers found by name,
// title rows tolerated, GBK or UTF-8), normalises cells, and writes templates, error
// reports and streaming (optionally encrypted) exports. It knows nothing about workers
// or any other domain: a Spec names the columns, the caller validates the values.
//
// An import reads rows with Open and Next (or All), refuses a row with Row.Refuse,
// tracks in-file duplicates with a DupTracker and hands the refused rows to
// WriteErrorReport. Worksheets are streamed by a small SpreadsheetML scanner
// (xmlscan.go, read_fast.go): excelize's row iterator, kept as a fallback, is about
// four times slower and needs more memory for a million-row roster with shared strings.
package sheet

import (
	"fmt"
	"strings"
)

// Column describes one column an import expects.
type Column struct {
	Key      string   // the caller's name for the value, e.g. "id_number"
	Header   string   // Chinese header in the template, matched by name in uploads
	Aliases  []string // other headers accepted for the same column
	Required bool     // a file without this column is refused as a whole
	Text     bool     // must be text in Excel (id numbers, phones): numbers are refused
	Choices  []string // drop-down list in the template
	Hint     string   // how to fill it in, shown in the template
}

// Spec describes one kind of import file.
type Spec struct {
	Name     string // sheet name of the template and a label for messages
	Columns  []Column
	MaxBytes int64 // 0 means DefaultMaxBytes
	MaxRows  int   // data rows; 0 means no limit beyond Excel's own
}

// DefaultMaxBytes is the size limit when a Spec sets none.
const DefaultMaxBytes = 100 << 20

// headerScanRows is how many rows at the top may hold titles before the header.
const headerScanRows = 10

func (s Spec) maxBytes() int64 {
	if s.MaxBytes > 0 {
		return s.MaxBytes
	}
	return DefaultMaxBytes
}

// Row is one data row of an upload.
type Row struct {
	Line    int               // row number as the user sees it in Excel (1-based)
	Values  map[string]string // normalised cell values by Column.Key ("" when blank or absent)
	Raw     []string          // the original cells, for the error report
	Reasons []string          // problems the reader already found (plain Chinese), e.g. an id stored as a number
}

// Refuse turns the row into an error-report entry with its own reasons plus more.
func (r Row) Refuse(more ...string) RowError {
	reasons := append(append([]string(nil), r.Reasons...), more...)
	return RowError{Line: r.Line, Raw: r.Raw, Reasons: reasons}
}

// RowError is a refused row: where it was, what it held and why it was refused.
type RowError struct {
	Line    int
	Raw     []string
	Reasons []string // plain Chinese, each saying what is wrong and how to fix it
}

// zh renders a catalogue key in Chinese, for texts that go into spreadsheets
// (error reports, templates), which are always in Chinese.
func zh(key string, args ...any) string {
	m, ok := Messages[key]
	if !ok {
		return key
	}
	if len(args) == 0 {
		return m[0]
	}
	return fmt.Sprintf(m[0], args...)
}

// joinLines renders row numbers as "2、5、9".
func joinLines(lines []int) string {
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = fmt.Sprint(l)
	}
	return strings.Join(parts, "、")
}
