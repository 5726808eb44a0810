package sheet

import (
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"
)

// XLSXWriter streams rows into an .xlsx for exports of any size, never holding
// the rows in memory: a plain workbook is written by plainSink; one with a
// password by excelize (which keeps rows in a temporary file and can encrypt).
type XLSXWriter struct {
	w        io.Writer
	headers  []string
	widths   map[int]float64
	password string
	sink     rowSink // started by the first row or Close
	row      int
}

// rowSink is where an XLSXWriter's rows go.
type rowSink interface {
	add(values []any) error
	finish(w io.Writer) error
	abort()
}

// dateFormat is how exports show dates: the form people in China write.
var dateFormat = "yyyy-mm-dd"

// exportSheet is the name of the one sheet an export holds.
const exportSheet = "Sheet1"

// NewXLSXWriter starts a workbook whose first row is headers (bold, frozen).
func NewXLSXWriter(w io.Writer, headers []string) (*XLSXWriter, error) {
	return &XLSXWriter{w: w, headers: headers, widths: map[int]float64{}}, nil
}

// SetColWidth widens column col (1-based); call it before the first AddRow.
func (x *XLSXWriter) SetColWidth(col int, width float64) { x.widths[col] = width }

// SetPassword makes Close write an encrypted workbook that Excel and WPS open only
// with the password (for full exports of personal data). Call it before AddRow.
func (x *XLSXWriter) SetPassword(pw string) { x.password = pw }

func (x *XLSXWriter) start() error {
	if x.sink != nil {
		return nil
	}
	var err error
	if x.password == "" {
		x.sink, err = newPlainSink(x.headers, x.widths)
	} else {
		x.sink, err = newExcelSink(x.headers, x.widths, x.password)
	}
	return err
}

// AddRow appends one row. Strings stay text in Excel (an id number is never turned
// into a number); numbers are numbers and a time.Time is a date shown as yyyy-mm-dd.
func (x *XLSXWriter) AddRow(values ...any) error {
	if x.row+1 >= excelize.TotalRows {
		return fmt.Errorf("sheet: more than %d rows do not fit in one sheet", excelize.TotalRows)
	}
	if err := x.start(); err != nil {
		return err
	}
	x.row++
	return x.sink.add(values)
}

// Rows counts the data rows added so far.
func (x *XLSXWriter) Rows() int { return x.row }

// Close finishes the workbook, writes it to w (encrypted if a password is set) and
// removes the temporary files.
func (x *XLSXWriter) Close() error {
	if err := x.start(); err != nil {
		return err
	}
	return x.sink.finish(x.w)
}

// Abort drops an unfinished workbook and its temporary files instead of Close.
func (x *XLSXWriter) Abort() {
	if x.sink != nil {
		x.sink.abort()
	}
}

// excelSink writes through excelize's stream writer: for encrypted workbooks.
type excelSink struct {
	f          *excelize.File
	sw         *excelize.StreamWriter
	row        int
	password   string
	text, date int // style ids
}

func newExcelSink(headers []string, widths map[int]float64, password string) (*excelSink, error) {
	f := excelize.NewFile()
	x := &excelSink{f: f, password: password}
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
	for col, wd := range widths {
		if err == nil {
			err = x.sw.SetColWidth(col, col, wd)
		}
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

func (x *excelSink) add(values []any) error {
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

func (x *excelSink) finish(w io.Writer) error {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return fmt.Errorf("sheet: flush rows: %w", err)
	}
	if err := x.f.Write(w, excelize.Options{Password: x.password}); err != nil {
		return fmt.Errorf("sheet: write workbook: %w", err)
	}
	return nil
}

func (x *excelSink) abort() { x.f.Close() }
