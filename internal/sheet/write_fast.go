package sheet

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// plainSink writes an unencrypted workbook itself: SpreadsheetML with inline
// strings, deflated at the fastest level into a temporary file, then copied
// out on finish. It is several times faster than excelize's stream writer,
// which matters for a city's roster (a million rows); encrypted workbooks
// still go through excelize, which can encrypt.
type plainSink struct {
	tmp  *os.File
	zw   *zip.Writer
	bw   *bufio.Writer
	refs []string // column letters
	buf  []byte
	row  int
}

const (
	styleHeader = 1 // bold, text
	styleText   = 2 // text ("@"): an id number stays text
	styleDate   = 3 // yyyy-mm-dd
)

func newPlainSink(headers []string, widths map[int]float64) (*plainSink, error) {
	tmp, err := os.CreateTemp("", "zhijia-export-*.xlsx")
	if err != nil {
		return nil, fmt.Errorf("sheet: export file: %w", err)
	}
	os.Remove(tmp.Name()) // gone when closed, whatever happens
	s := &plainSink{tmp: tmp, zw: zip.NewWriter(tmp)}
	s.zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestSpeed)
	})
	for name, body := range map[string]string{"[Content_Types].xml": contentTypesXML, "_rels/.rels": rootRelsXML,
		"xl/workbook.xml": workbookXML, "xl/_rels/workbook.xml.rels": workbookRelsXML, "xl/styles.xml": stylesXML} {
		if err := s.file(name, body); err != nil {
			s.abort()
			return nil, err
		}
	}
	w, err := s.zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		s.abort()
		return nil, fmt.Errorf("sheet: export: %w", err)
	}
	s.bw = bufio.NewWriterSize(w, 64<<10)
	s.bw.WriteString(xmlHeader + `<worksheet xmlns="` + nsMain + `"><sheetViews><sheetView workbookViewId="0">` +
		`<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>`)
	if len(widths) > 0 {
		s.bw.WriteString("<cols>")
		for col := 1; col <= max(len(headers), maxKey(widths)); col++ {
			if wd, ok := widths[col]; ok {
				fmt.Fprintf(s.bw, `<col min="%d" max="%d" width="%g" customWidth="1"/>`, col, col, wd)
			}
		}
		s.bw.WriteString("</cols>")
	}
	s.bw.WriteString("<sheetData>")
	cells := make([]any, len(headers))
	for i, h := range headers {
		cells[i] = h
	}
	return s, s.write(cells, styleHeader)
}

func maxKey(m map[int]float64) int {
	n := 0
	for k := range m {
		n = max(n, k)
	}
	return n
}

func (s *plainSink) file(name, body string) error {
	w, err := s.zw.Create(name)
	if err == nil {
		_, err = io.WriteString(w, body)
	}
	if err != nil {
		return fmt.Errorf("sheet: export %s: %w", name, err)
	}
	return nil
}

func (s *plainSink) add(values []any) error { return s.write(values, styleText) }

// write appends one row; strings get textStyle.
func (s *plainSink) write(values []any, textStyle int) error {
	s.row++
	for len(s.refs) < len(values) {
		name, _ := excelize.ColumnNumberToName(len(s.refs) + 1)
		s.refs = append(s.refs, name)
	}
	rn := strconv.Itoa(s.row)
	b := append(s.buf[:0], `<row r="`...)
	b = append(append(b, rn...), `">`...)
	for i, v := range values {
		b = appendCell(b, s.refs[i]+rn, v, textStyle)
	}
	b = append(b, "</row>"...)
	s.buf = b
	_, err := s.bw.Write(b)
	return err
}

// excelEpoch is day 0 of Excel's date serials (with its 1900 leap-year quirk).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

func appendCell(b []byte, ref string, v any, textStyle int) []byte {
	cell := func(attrs string) []byte { return append(append(append(b, `<c r="`...), ref...), attrs...) }
	switch v := v.(type) {
	case nil:
		return b
	case string:
		if v == "" {
			return b
		}
		b = cell(`" s="` + strconv.Itoa(textStyle) + `" t="inlineStr"><is><t xml:space="preserve">`)
		return append(appendEscaped(b, v), "</t></is></c>"...)
	case int:
		b = append(cell(`"><v>`), strconv.Itoa(v)...)
	case int64:
		b = append(cell(`"><v>`), strconv.FormatInt(v, 10)...)
	case float64:
		b = append(cell(`"><v>`), strconv.FormatFloat(v, 'g', -1, 64)...)
	case bool:
		b = cell(`" t="b"><v>`)
		if v {
			b = append(b, '1')
		} else {
			b = append(b, '0')
		}
	case time.Time:
		wall := time.Date(v.Year(), v.Month(), v.Day(), v.Hour(), v.Minute(), v.Second(), v.Nanosecond(), time.UTC)
		days := wall.Sub(excelEpoch).Hours() / 24
		b = append(cell(`" s="`+strconv.Itoa(styleDate)+`"><v>`), strconv.FormatFloat(days, 'f', -1, 64)...)
	default:
		return appendCell(b, ref, fmt.Sprint(v), textStyle)
	}
	return append(b, "</v></c>"...)
}

// appendEscaped writes s as XML text, dropping characters XML 1.0 forbids.
func appendEscaped(b []byte, s string) []byte {
	for _, r := range s {
		switch {
		case r == '&':
			b = append(b, "&amp;"...)
		case r == '<':
			b = append(b, "&lt;"...)
		case r == '>':
			b = append(b, "&gt;"...)
		case r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || r >= 0x10000:
			if r == utf8.RuneError {
				continue
			}
			b = utf8.AppendRune(b, r)
		}
	}
	return b
}

// finish closes the package and copies it to w.
func (s *plainSink) finish(w io.Writer) error {
	defer s.tmp.Close()
	s.bw.WriteString("</sheetData></worksheet>")
	if err := s.bw.Flush(); err != nil {
		return fmt.Errorf("sheet: export: %w", err)
	}
	if err := s.zw.Close(); err != nil {
		return fmt.Errorf("sheet: export: %w", err)
	}
	if _, err := s.tmp.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("sheet: export: %w", err)
	}
	if _, err := io.Copy(w, s.tmp); err != nil {
		return fmt.Errorf("sheet: write workbook: %w", err)
	}
	return nil
}

func (s *plainSink) abort() { s.tmp.Close() }

const (
	xmlHeader       = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
	nsMain          = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	nsRel           = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	contentTypesXML = xmlHeader + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
		`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`
	rootRelsXML = xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="` + nsRel + `/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	workbookXML = xmlHeader + `<workbook xmlns="` + nsMain + `" xmlns:r="` + nsRel + `"><sheets>` +
		`<sheet name="` + exportSheet + `" sheetId="1" r:id="rId1"/></sheets></workbook>`
	workbookRelsXML = xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="` + nsRel + `/worksheet" Target="worksheets/sheet1.xml"/>` +
		`<Relationship Id="rId2" Type="` + nsRel + `/styles" Target="styles.xml"/></Relationships>`
	stylesXML = xmlHeader + `<styleSheet xmlns="` + nsMain + `">` +
		`<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>` +
		`<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>` +
		`<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
		`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
		`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
		`<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
		`<xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyNumberFormat="1"/>` +
		`<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
		`<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>` +
		`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`
)
