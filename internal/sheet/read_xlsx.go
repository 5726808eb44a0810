package sheet

import (
	"bufio"
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

// openXLSX opens the workbook and picks the first sheet that has the Spec's header:
// a workbook may start with an instructions sheet.
func openXLSX(br *bufio.Reader, cr *countingReader, limit int64, spec Spec) (source, error) {
	f, err := excelize.OpenReader(br)
	if err != nil {
		if errors.Is(err, errTooBig) || cr.n > limit {
			return nil, tooBig(limit)
		}
		return nil, platform.Errorf(platform.CodeInvalid, "sheet.err.broken")
	}
	var firstErr error
	for _, name := range f.GetSheetList() {
		src, err := openSheet(f, name, spec)
		if err == nil {
			return src, nil
		}
		if pe, ok := platform.AsError(err); !ok {
			f.Close()
			return nil, err
		} else if firstErr == nil || pe.Message == "sheet.err.missing_columns" {
			if fe, _ := platform.AsError(firstErr); fe == nil || fe.Message != "sheet.err.missing_columns" {
				firstErr = err
			}
		}
	}
	f.Close()
	if firstErr == nil {
		return nil, platform.Errorf(platform.CodeInvalid, "sheet.err.empty")
	}
	return nil, firstErr
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
