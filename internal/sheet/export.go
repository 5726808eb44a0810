package sheet

import (
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"
)

// XLSXWriter streams rows into an .xlsx (excelize's StreamWriter keeps them in a
// temporary file, not in memory), for exports of any size.
type XLSXWriter struct {
	w        io.Writer
	f        *excelize.File
	sw       *excelize.StreamWriter
	row      int
	password string
	text     int // style id of text cells
	date     int // style id of dates (yyyy-mm-dd)
}

// dateFormat is how exports show dates: the form people in China write.
var dateFormat = "yyyy-mm-dd"

// exportSheet is the name of the one sheet an export holds.
const exportSheet = "Sheet1"

// NewXLSXWriter starts a workbook whose first row is headers (bold, frozen).
func NewXLSXWriter(w io.Writer, headers []string) (*XLSXWriter, error) {
	f := excelize.NewFile()
	x := &XLSXWriter{w: w, f: f}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: 49})
	if err == nil {
		x.text, err = f.NewStyle(&excelize.Style{NumFmt: 49})
	}
	if err == nil {
		x.date, err = f.NewStyle(&excelize.Style{CustomNumFmt: &dateFormat})
	}
	if err == nil {
		x.sw, err = f.NewStreamWriter(exportSheet)
	}
	if err == nil {
		err = x.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("sheet: new workbook: %w", err)
	}
	cells := make([]any, len(headers))
	for i, h := range headers {
		cells[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	x.row = 1
	if err := x.sw.SetRow("A1", cells); err != nil {
		f.Close()
		return nil, fmt.Errorf("sheet: header row: %w", err)
	}
	return x, nil
}

// SetColWidth widens column col (1-based); call it before the first AddRow.
func (x *XLSXWriter) SetColWidth(col int, width float64) {
	_ = x.sw.SetColWidth(col, col, width)
}

// SetPassword makes Close write an encrypted workbook that Excel and WPS open only
// with the password (for full exports of personal data).
func (x *XLSXWriter) SetPassword(pw string) { x.password = pw }

// AddRow appends one row. Strings stay text in Excel (an id number is never turned
// into a number); numbers are numbers and a time.Time is a date shown as yyyy-mm-dd.
func (x *XLSXWriter) AddRow(values ...any) error {
	if x.row >= excelize.TotalRows {
		return fmt.Errorf("sheet: more than %d rows do not fit in one sheet", excelize.TotalRows)
	}
	cells := make([]any, len(values))
	for i, v := range values {
		switch v := v.(type) {
		case string:
			cells[i] = excelize.Cell{StyleID: x.text, Value: v}
		case time.Time:
			cells[i] = excelize.Cell{StyleID: x.date, Value: v}
		default:
			cells[i] = v
		}
	}
	x.row++
	cell, _ := excelize.CoordinatesToCellName(1, x.row)
	return x.sw.SetRow(cell, cells)
}

// Rows counts the data rows added so far.
func (x *XLSXWriter) Rows() int { return x.row - 1 }

// Close finishes the workbook, writes it to w (encrypted if a password is set) and
// removes the temporary files.
func (x *XLSXWriter) Close() error {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return fmt.Errorf("sheet: flush rows: %w", err)
	}
	opts := excelize.Options{Password: x.password}
	if err := x.f.Write(x.w, opts); err != nil {
		return fmt.Errorf("sheet: write workbook: %w", err)
	}
	return nil
}

// Abort drops an unfinished workbook and its temporary files instead of Close.
func (x *XLSXWriter) Abort() { x.f.Close() }
