package sheet

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"zhijia/internal/platform"
)

// xlsxSource streams one worksheet with excelize's row iterator, raw values
// (dates come as serials, numbers as stored), never the whole sheet in memory.
type xlsxSource struct {
	f      *excelize.File
	rows   *excelize.Rows
	line   int
	replay [][]string // rows read while choosing the sheet
}

// openXLSX reads the upload (within the size limit) and opens the first sheet that
// has the Spec's header: a workbook may start with an instructions sheet. Workbooks
// are streamed with the package's own scanner; excelize's row iterator is kept for
// packages the scanner does not recognise.
func openXLSX(r io.Reader, size int64, br *bufio.Reader, cr *countingReader, limit int64, spec Spec) (source, error) {
	ra, ok := r.(io.ReaderAt)
	if !ok || size <= 0 {
		data, err := io.ReadAll(br)
		if err != nil {
			if errors.Is(err, errTooBig) || cr.n > limit {
				return nil, tooBig(limit)
			}
			return nil, fmt.Errorf("sheet: read workbook: %w", err)
		}
		ra, size = bytes.NewReader(data), int64(len(data))
	}
	wb, err := openWorkbook(ra, size)
	if err != nil || len(wb.sheets) == 0 {
		return openExcelize(io.NewSectionReader(ra, 0, size), spec)
	}
	var firstErr error
	for _, sh := range wb.sheets {
		err := probeSheet(spec, func() (source, error) { return wb.openSheet(sh.path) })
		if err == nil {
			return wb.openSheet(sh.path)
		}
		firstErr = preferError(firstErr, err)
		if _, ok := platform.AsError(err); !ok {
			return nil, err
		}
	}
	return nil, orEmpty(firstErr)
}

// orEmpty is err, or "the file is empty" for a workbook without sheets.
func orEmpty(err error) error {
	if err == nil {
		return platform.Errorf(platform.CodeInvalid, "sheet.err.empty")
	}
	return err
}

// openExcelize is the fallback: excelize's streaming row iterator.
func openExcelize(r io.Reader, spec Spec) (source, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, platform.Errorf(platform.CodeInvalid, "sheet.err.broken")
	}
	var firstErr error
	for _, name := range f.GetSheetList() {
		src, err := openSheet(f, name, spec)
		if err == nil {
			return src, nil
		}
		firstErr = preferError(firstErr, err)
		if _, ok := platform.AsError(err); !ok {
			break
		}
	}
	f.Close()
	return nil, orEmpty(firstErr)
}

// probeSheet reads the first rows of a sheet and says whether the header is there.
func probeSheet(spec Spec, open func() (source, error)) error {
	src, err := open()
	if err != nil {
		return err
	}
	defer src.close()
	var head [][]string
	var lines []int
	for len(head) < headerScanRows {
		cells, line, err := src.next()
		if err == io.EOF {
			break
		} else if err != nil {
			return err
		}
		head, lines = append(head, cells), append(lines, line)
	}
	if allBlank(head) {
		return platform.Errorf(platform.CodeInvalid, "sheet.err.empty")
	}
	_, _, err = findHeader(spec, head, lines)
	return err
}

// preferError keeps the most useful of the sheets' errors: missing columns (the
// header was found) over no header over an empty sheet.
func preferError(have, next error) error {
	rank := func(err error) int {
		pe, ok := platform.AsError(err)
		switch {
		case err == nil:
			return 0
		case !ok:
			return 4
		case pe.Message == "sheet.err.missing_columns":
			return 3
		case pe.Message == "sheet.err.no_header":
			return 2
		}
		return 1
	}
	if rank(next) > rank(have) {
		return next
	}
	return have
}

// openSheet reads the first rows of one sheet and keeps them if the header is there.
func openSheet(f *excelize.File, name string, spec Spec) (*xlsxSource, error) {
	rows, err := f.Rows(name)
	if err != nil {
		return nil, fmt.Errorf("sheet: open worksheet %q: %w", name, err)
	}
	src := &xlsxSource{f: f, rows: rows}
	var head [][]string
	var lines []int
	for len(head) < headerScanRows {
		cells, line, err := src.next()
		if err == io.EOF {
			break
		} else if err != nil {
			rows.Close()
			return nil, err
		}
		head, lines = append(head, cells), append(lines, line)
	}
	if allBlank(head) {
		rows.Close()
		return nil, platform.Errorf(platform.CodeInvalid, "sheet.err.empty")
	}
	if _, _, err := findHeader(spec, head, lines); err != nil {
		rows.Close()
		return nil, err
	}
	src.replay, src.line = head, 0
	return src, nil
}

func (s *xlsxSource) next() ([]string, int, error) {
	if len(s.replay) > 0 {
		cells := s.replay[0]
		s.replay = s.replay[1:]
		s.line++
		return cells, s.line, nil
	}
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return nil, 0, platform.Errorf(platform.CodeInvalid, "sheet.err.broken")
		}
		return nil, 0, io.EOF
	}
	cells, err := s.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, 0, platform.Errorf(platform.CodeInvalid, "sheet.err.broken")
	}
	s.line++
	return cells, s.line, nil
}

func (s *xlsxSource) progress() (int64, int64) { return int64(s.line), -1 }

func (s *xlsxSource) close() error {
	err := s.rows.Close()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	return err
}
