package sheet

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"

	"zhijia/internal/platform"
)

// source yields the raw rows of one sheet, whatever the file format.
type source interface {
	// next returns the cells of the next row and its row number; io.EOF at the end.
	next() (cells []string, line int, err error)
	// progress says how far reading has come; total is -1 when unknown.
	progress() (done, total int64)
	close() error
}

// Reader streams the data rows of an upload, below its header row.
type Reader struct {
	spec     Spec
	src      source
	lay      layout
	pending  [][]string // rows read while looking for the header, not yet returned
	pendLine []int
	pendNum  [][]bool
	rows     int
	report   Progress
}

// progressEvery is how many rows pass between progress reports.
const progressEvery = 2048

// Open reads the start of an upload and finds its header. The type is told by the
// content, not the name (filename is only used in messages): .xlsx (a zip) or text
// (.csv in UTF-8 with or without BOM, GBK, or UTF-16 "Unicode text"). size is the
// length when known, or -1. Errors are *platform.Error with a catalogue key: empty
// file, too big, old .xls or another binary, no header, required columns missing.
// CSV is streamed. An .xlsx is a zip, read from its end: when r is an io.ReaderAt
// (an *os.File, a multipart.File, a bytes.Reader) and size is given it is read in
// place, otherwise it is first read into memory; its shared strings are held packed
// and its rows are streamed.
func Open(r io.Reader, size int64, filename string, spec Spec) (*Reader, error) {
	limit := spec.maxBytes()
	if size > limit {
		return nil, tooBig(limit)
	}
	cr := &countingReader{r: r, limit: limit}
	br := bufio.NewReaderSize(cr, 64<<10)
	head, err := br.Peek(64 << 10)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		if errors.Is(err, errTooBig) {
			return nil, tooBig(limit)
		}
		return nil, fmt.Errorf("sheet: read %s: %w", filename, err)
	}
	if len(bytes.TrimSpace(bytes.TrimPrefix(head, utf8BOM))) == 0 {
		return nil, platform.Errorf(platform.CodeInvalid, "sheet.err.empty")
	}
	var src source
	switch kind := sniff(head); kind {
	case kindXLSX:
		src, err = openXLSX(r, size, br, cr, limit, spec)
	case kindText:
		src, err = openCSV(br, cr, size, head)
	case kindOLE:
		return nil, platform.Errorf(platform.CodeInvalid, "sheet.err.xls")
	default:
		return nil, platform.Errorf(platform.CodeInvalid, "sheet.err.wrong_type")
	}
	if err != nil {
		return nil, err
	}
	rd := &Reader{spec: spec, src: src}
	if err := rd.start(); err != nil {
		src.close()
		return nil, err
	}
	return rd, nil
}

// start reads the first rows, finds the header among them and checks there is data.
func (rd *Reader) start() error {
	var rows [][]string
	var lines []int
	for len(rows) < headerScanRows {
		cells, line, err := rd.src.next()
		if err == io.EOF {
			break
		} else if err != nil {
			return err
		}
		rows, lines = append(rows, cells), append(lines, line)
		rd.pendNum = append(rd.pendNum, rd.numeric())
	}
	if allBlank(rows) {
		return platform.Errorf(platform.CodeInvalid, "sheet.err.empty")
	}
	lay, at, err := findHeader(rd.spec, rows, lines)
	if err != nil {
		return err
	}
	rd.lay, rd.pending, rd.pendLine, rd.pendNum = lay, rows[at+1:], lines[at+1:], rd.pendNum[at+1:]
	for allBlank(rd.pending) { // make sure at least one data row follows the header
		cells, line, err := rd.src.next()
		if err == io.EOF {
			return platform.Errorf(platform.CodeInvalid, "sheet.err.empty")
		} else if err != nil {
			return err
		}
		rd.pending, rd.pendLine = append(rd.pending, cells), append(rd.pendLine, line)
		rd.pendNum = append(rd.pendNum, rd.numeric())
	}
	return nil
}

// Headers returns the file's header row as written, for the error report.
func (rd *Reader) Headers() []string { return rd.lay.headers }

// HeaderLine is the row number of the header row.
func (rd *Reader) HeaderLine() int { return rd.lay.line }

// Has reports whether the file has the column with this key.
func (rd *Reader) Has(key string) bool {
	for i, c := range rd.spec.Columns {
		if c.Key == key {
			return rd.lay.index[i] >= 0
		}
	}
	return false
}

// OnProgress sets who hears how far reading has come (every couple of thousand rows
// and at the end), in bytes: of the file for CSV (total -1 when its size was not
// given), of the worksheet's XML for .xlsx (rows, total -1, in the excelize fallback).
func (rd *Reader) OnProgress(p Progress) { rd.report = p }

// Next returns the next non-blank data row, or io.EOF after the last one. A file with
// more data rows than Spec.MaxRows stops with an error.
func (rd *Reader) Next() (Row, error) {
	for {
		cells, numeric, line, err := rd.raw()
		if err != nil {
			if err == io.EOF && rd.report != nil {
				done, total := rd.src.progress()
				rd.report.Update(done, total)
			}
			return Row{}, err
		}
		if isBlank(cells) {
			continue
		}
		rd.rows++
		if rd.spec.MaxRows > 0 && rd.rows > rd.spec.MaxRows {
			return Row{}, platform.Errorf(platform.CodeInvalid, "sheet.err.too_many_rows", rd.spec.MaxRows)
		}
		if rd.report != nil && rd.rows%progressEvery == 0 {
			rd.report.Update(rd.src.progress())
		}
		return rd.row(cells, numeric, line), nil
	}
}

// All ranges over the data rows: for row, err := range rd.All() { … }. An error
// (never io.EOF) is yielded once, with an empty Row, and ends the loop.
func (rd *Reader) All() iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		for {
			row, err := rd.Next()
			if err == io.EOF {
				return
			}
			if !yield(row, err) || err != nil {
				return
			}
		}
	}
}

// raw returns the next row, first from the rows read while finding the header.
func (rd *Reader) raw() ([]string, []bool, int, error) {
	if len(rd.pending) > 0 {
		cells, numeric, line := rd.pending[0], rd.pendNum[0], rd.pendLine[0]
		rd.pending, rd.pendNum, rd.pendLine = rd.pending[1:], rd.pendNum[1:], rd.pendLine[1:]
		return cells, numeric, line, nil
	}
	cells, line, err := rd.src.next()
	return cells, rd.numeric(), line, err
}

// numeric is which cells of the row just read were stored as numbers, or nil when
// the source cannot tell (CSV, the excelize fallback).
func (rd *Reader) numeric() []bool {
	if t, ok := rd.src.(interface{ numericCells() []bool }); ok {
		return t.numericCells()
	}
	return nil
}

// row normalises the cells of one row and notes the problems the reader can see.
func (rd *Reader) row(cells []string, numeric []bool, line int) Row {
	row := Row{Line: line, Raw: cells, Values: make(map[string]string, len(rd.spec.Columns))}
	for i, c := range rd.spec.Columns {
		j := rd.lay.index[i]
		if j < 0 || j >= len(cells) {
			row.Values[c.Key] = ""
			continue
		}
		v := unquoteCell(NormalizeCell(cells[j]), c.Text)
		if c.Text && storedAsNumber(v, numeric, j) {
			row.Reasons = append(row.Reasons, zh("sheet.row.text_number", c.Header, v))
		}
		row.Values[c.Key] = v
	}
	return row
}

// Rows counts the data rows returned so far.
func (rd *Reader) Rows() int { return rd.rows }

// Close releases the temporary files excelize may have made.
func (rd *Reader) Close() error { return rd.src.close() }

func isBlank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func allBlank(rows [][]string) bool {
	for _, r := range rows {
		if !isBlank(r) {
			return false
		}
	}
	return true
}

type fileKind int

const (
	kindUnknown fileKind = iota
	kindXLSX
	kindText
	kindOLE
)

var (
	utf8BOM    = []byte{0xEF, 0xBB, 0xBF}
	utf16LEBOM = []byte{0xFF, 0xFE}
	utf16BEBOM = []byte{0xFE, 0xFF}
)

// sniff tells the file type by its first bytes.
func sniff(head []byte) fileKind {
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return kindXLSX
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return kindOLE // .xls, or an .xlsx saved with a password
	case bytes.HasPrefix(head, utf16LEBOM), bytes.HasPrefix(head, utf16BEBOM):
		return kindText
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return kindUnknown // images, PDFs, archives: text files hold no NUL bytes
	}
	for _, b := range head {
		if b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != 0x1A {
			return kindUnknown
		}
	}
	return kindText
}

// errTooBig stops reading a file of unknown size once it passes the limit.
var errTooBig = errors.New("sheet: file over the size limit")

// countingReader counts bytes for progress and enforces the size limit.
type countingReader struct {
	r     io.Reader
	n     int64
	limit int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.limit {
		return n, errTooBig
	}
	return n, err
}

func tooBig(limit int64) error {
	return platform.Errorf(platform.CodeInvalid, "sheet.err.too_big", fmt.Sprintf("%d MB", limit>>20))
}
