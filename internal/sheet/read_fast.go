package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"strings"

	"zhijia/internal/platform"
)

// workbook is an .xlsx opened for fast streaming: the package's zip directory, its
// sheets in order and the shared strings packed into one buffer.
type workbook struct {
	zr     *zip.Reader
	sheets []wbSheet
	sst    stringTable
}

type wbSheet struct{ name, path string }

// stringTable holds the shared strings in 1 MB chunks, each string prefixed by its
// length, and one 4-byte position per string: a few bytes of overhead per string
// and no doubling slack, where a []string would take sixteen bytes more each.
type stringTable struct {
	chunks [][]byte
	starts []uint32 // chunk<<20 | offset
}

const chunkBits = 20

// maxStringChunks bounds the shared strings held in memory, in MB: a million-row
// roster needs about 60.
const maxStringChunks = 256

func (t *stringTable) add(s []byte) {
	need := binary.MaxVarintLen32 + len(s)
	n := len(t.chunks)
	if n == 0 || len(t.chunks[n-1])+need > cap(t.chunks[n-1]) {
		t.chunks = append(t.chunks, make([]byte, 0, max(1<<chunkBits, need)))
		n++
	}
	c := t.chunks[n-1]
	if len(s) >= 1<<chunkBits || n >= 1<<(32-chunkBits) {
		s = nil // beyond Excel's 32,767 characters per cell, or over 4 GB: kept empty
	}
	t.starts = append(t.starts, uint32(n-1)<<chunkBits|uint32(len(c)))
	c = binary.AppendUvarint(c, uint64(len(s)))
	t.chunks[n-1] = append(c, s...)
}

func (t *stringTable) get(i int) (string, bool) {
	if i < 0 || i >= len(t.starts) {
		return "", false
	}
	c := t.chunks[t.starts[i]>>chunkBits][t.starts[i]&(1<<chunkBits-1):]
	n, k := binary.Uvarint(c)
	return string(c[k : k+int(n)]), true
}

// openWorkbook reads the workbook's directory, sheet list and shared strings.
func openWorkbook(ra io.ReaderAt, size int64) (*workbook, error) {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, platform.Errorf(platform.CodeInvalid, "sheet.err.broken")
	}
	wb := &workbook{zr: zr}
	var doc struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"id,attr"` // r:id, in the transitional or the strict namespace
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := wb.decode("xl/workbook.xml", &doc); err != nil {
		return nil, err
	}
	if err := wb.decode("xl/_rels/workbook.xml.rels", &rels); err != nil {
		return nil, err
	}
	targets := map[string]string{}
	sstPath := ""
	for _, r := range rels.Rel {
		target := r.Target
		if strings.HasPrefix(target, "/") {
			target = strings.TrimPrefix(target, "/")
		} else {
			target = path.Join("xl", target)
		}
		targets[r.ID] = target
		if strings.HasSuffix(r.Type, "/sharedStrings") {
			sstPath = target
		}
	}
	for _, s := range doc.Sheets {
		if p, ok := targets[s.RID]; ok {
			wb.sheets = append(wb.sheets, wbSheet{name: s.Name, path: p})
		}
	}
	if sstPath != "" {
		if err := wb.readStrings(sstPath); err != nil {
			return nil, err
		}
	}
	return wb, nil
}

// decode unmarshals one small part of the package.
func (wb *workbook) decode(name string, v any) error {
	f, err := wb.zr.Open(name)
	if err != nil {
		return platform.Errorf(platform.CodeInvalid, "sheet.err.broken")
	}
	defer f.Close()
	if err := xml.NewDecoder(f).Decode(v); err != nil {
		return platform.Errorf(platform.CodeInvalid, "sheet.err.broken")
	}
	return nil
}

// readStrings loads the shared-string table: the text of each <si>, rich-text runs
// joined, phonetic guides (<rPh>, common in Chinese files) left out.
func (wb *workbook) readStrings(name string) error {
	f, err := wb.zr.Open(name)
	if err != nil {
		return nil // a workbook without the part simply has no shared strings
	}
	defer f.Close()
	sc := newXMLScanner(f)
	var cur []byte
	sized := false
	inT, inPh := false, false
	for {
		kind, err := sc.next()
		if err != nil {
			return platform.Errorf(platform.CodeInvalid, "sheet.err.broken")
		}
		if inT && !inPh {
			cur = unescape(cur, sc.text)
		}
		n := string(sc.name())
		switch {
		case kind == tokEOF:
			return nil
		case n == "sst" && kind == tokStart && !sized:
			if u, err := atoiBytes(sc.attr("uniqueCount")); err == nil {
				wb.sst.starts = make([]uint32, 0, min(u, 1<<22)) // the count is the file's word
			}
			sized = true
		case n == "si" && kind == tokStart:
			cur = cur[:0]
		case n == "si" && kind == tokEnd, n == "si" && kind == tokSelfClose:
			if kind == tokSelfClose {
				cur = cur[:0]
			}
			wb.sst.add(cur)
			if len(wb.sst.chunks) > maxStringChunks { // a zip bomb, or no roster
				return platform.Errorf(platform.CodeInvalid, "sheet.err.too_big", fmt.Sprintf("%d MB", maxStringChunks))
			}
		case n == "t":
			inT = kind == tokStart
		case n == "rPh":
			inPh = kind == tokStart
		}
	}
}

// numericCells says which cells of the row next last returned were stored as
// numbers, so a Text column can tell an id Excel turned into a number.
func (s *fastSource) numericCells() []bool { return s.numeric }

// fastSource streams one worksheet with xmlScanner.
type fastSource struct {
	wb      *workbook
	rc      io.ReadCloser
	sc      *xmlScanner
	line    int
	numeric []bool // which cells of the last row were stored as numbers
	done    bool
	val     []byte
	width   int             // the widest row so far, to size the next
	read    *countingReader // bytes of worksheet XML read, for progress
	size    int64           // the worksheet XML's size
}

func (wb *workbook) openSheet(p string) (*fastSource, error) {
	for _, f := range wb.zr.File {
		if f.Name != p {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, platform.Errorf(platform.CodeInvalid, "sheet.err.broken")
		}
		cr := &countingReader{r: rc, limit: math.MaxInt64}
		return &fastSource{wb: wb, rc: rc, sc: newXMLScanner(cr), read: cr, size: int64(f.UncompressedSize64)}, nil
	}
	return nil, platform.Errorf(platform.CodeInvalid, "sheet.err.broken")
}

// progress is the share of the worksheet's XML read so far, in bytes.
func (s *fastSource) progress() (int64, int64) {
	if s.done {
		return s.size, s.size
	}
	return min(s.read.n, s.size), s.size
}

func (s *fastSource) close() error { return s.rc.Close() }

// next returns the next <row> present in the sheet, with its r number.
func (s *fastSource) next() ([]string, int, error) {
	for !s.done {
		kind, err := s.sc.next()
		if err != nil {
			return nil, 0, platform.Errorf(platform.CodeInvalid, "sheet.err.broken")
		}
		n := string(s.sc.name())
		switch {
		case kind == tokEOF || (kind == tokEnd && n == "sheetData"):
			s.done = true
		case n == "row" && kind != tokEnd:
			s.line = rowNumber(s.sc.attr("r"), s.line+1)
			if kind == tokSelfClose {
				s.numeric = nil
				return nil, s.line, nil
			}
			cells, err := s.readRow()
			return cells, s.line, err
		}
	}
	return nil, 0, io.EOF
}

// readRow reads the cells up to </row>.
func (s *fastSource) readRow() ([]string, error) {
	// Fresh slices per row (the reader may hold on to them), sized like the last row.
	cells := make([]string, 0, s.width)
	s.numeric = make([]bool, 0, s.width)
	col := 0
	for {
		kind, err := s.sc.next()
		if err != nil || kind == tokEOF {
			return nil, platform.Errorf(platform.CodeInvalid, "sheet.err.broken")
		}
		n := string(s.sc.name())
		if n == "row" && kind == tokEnd {
			s.width = max(s.width, len(cells))
			return cells, nil
		}
		if n != "c" || kind == tokEnd {
			continue
		}
		col = columnIndex(s.sc.attr("r"), col+1)
		if col > 16384 {
			return nil, platform.Errorf(platform.CodeInvalid, "sheet.err.broken")
		}
		typ := string(s.sc.attr("t"))
		v := ""
		if kind == tokStart {
			if v, err = s.readCell(typ); err != nil {
				return nil, err
			}
		}
		for len(cells) < col {
			cells = append(cells, "")
			s.numeric = append(s.numeric, false)
		}
		cells[col-1] = v
		s.numeric[col-1] = (typ == "" || typ == "n") && v != ""
	}
}

// readCell reads a cell's content up to </c> and resolves its value as excelize's
// raw mode would: shared strings looked up, numbers and dates as stored.
func (s *fastSource) readCell(typ string) (string, error) {
	s.val = s.val[:0]
	inV, inT, inPh := false, false, false
	for {
		kind, err := s.sc.next()
		if err != nil || kind == tokEOF {
			return "", platform.Errorf(platform.CodeInvalid, "sheet.err.broken")
		}
		if (inV || inT) && !inPh {
			s.val = unescape(s.val, s.sc.text)
		}
		switch n := string(s.sc.name()); {
		case n == "c" && kind == tokEnd:
			return s.resolve(typ)
		case n == "v":
			inV = kind == tokStart
		case n == "t":
			inT = kind == tokStart
		case n == "rPh":
			inPh = kind == tokStart
		}
	}
}

func (s *fastSource) resolve(typ string) (string, error) {
	switch typ {
	case "s":
		if len(bytes.TrimSpace(s.val)) == 0 {
			return "", nil
		}
		i, err := atoiBytes(bytes.TrimSpace(s.val))
		if err != nil {
			return "", platform.Errorf(platform.CodeInvalid, "sheet.err.broken")
		}
		v, ok := s.wb.sst.get(i)
		if !ok {
			return "", fmt.Errorf("sheet: shared string %d of %d: %w", i, len(s.wb.sst.starts), errBadXML)
		}
		return v, nil
	case "b":
		if string(s.val) == "1" || string(s.val) == "true" {
			return "1", nil
		}
		return "0", nil
	}
	return string(s.val), nil
}

// rowNumber parses a row's r attribute, or uses the next number when it is absent.
func rowNumber(r []byte, next int) int {
	if n, err := atoiBytes(r); err == nil && n > 0 {
		return n
	}
	return next
}

// columnIndex reads the column of a cell reference like "AB12" (1-based).
func columnIndex(ref []byte, next int) int {
	col := 0
	for _, c := range ref {
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c < 'A' || c > 'Z' {
			break
		}
		col = col*26 + int(c-'A'+1)
	}
	if col == 0 {
		return next
	}
	return col
}

func atoiBytes(b []byte) (int, error) {
	if len(b) == 0 || len(b) > 9 {
		return 0, errors.New("sheet: not a small number")
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, errors.New("sheet: not a number")
		}
		n = n*10 + int(c-'0')
	}
	return n, nil
}
