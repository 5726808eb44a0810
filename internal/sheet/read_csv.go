package sheet

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"zhijia/internal/platform"
)

// csvSource streams a text file through the encoding it was written in.
type csvSource struct {
	cr    *countingReader
	size  int64
	rd    *csv.Reader
	extra int // newlines inside quoted cells so far: Excel shows them within one row
	limit int64
}

func openCSV(br *bufio.Reader, cr *countingReader, size int64, head []byte) (source, error) {
	dec := textDecoder(head)
	sample, _ := io.ReadAll(io.LimitReader(transform.NewReader(bytes.NewReader(head), textDecoder(head)), 8<<10))
	first, _, _ := strings.Cut(string(sample), "\n")
	rd := csv.NewReader(transform.NewReader(br, dec))
	rd.Comma = sniffDelimiter(first)
	rd.FieldsPerRecord = -1
	rd.LazyQuotes = true
	return &csvSource{cr: cr, size: size, rd: rd, limit: cr.limit}, nil
}

func (s *csvSource) next() ([]string, int, error) {
	rec, err := s.rd.Read()
	if err == io.EOF {
		return nil, 0, io.EOF
	}
	if err != nil {
		if errors.Is(err, errTooBig) {
			return nil, 0, tooBig(s.limit)
		}
		return nil, 0, platform.Errorf(platform.CodeInvalid, "sheet.err.broken")
	}
	line, _ := s.rd.FieldPos(0)
	line -= s.extra
	for _, f := range rec {
		s.extra += strings.Count(f, "\n")
	}
	return rec, line, nil
}

func (s *csvSource) progress() (int64, int64) { return s.cr.n, s.size }

func (s *csvSource) close() error { return nil }

// textDecoder picks the encoding of a text file from its first 64 KB: a BOM decides;
// otherwise valid UTF-8 is UTF-8 and anything else is GBK (GB18030, its superset),
// which Chinese Excel writes by default.
func textDecoder(head []byte) transform.Transformer {
	switch {
	case bytes.HasPrefix(head, utf8BOM):
		return unicode.UTF8BOM.NewDecoder()
	case bytes.HasPrefix(head, utf16LEBOM), bytes.HasPrefix(head, utf16BEBOM):
		return unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
	case validUTF8Prefix(head):
		return transform.Nop
	}
	return simplifiedchinese.GB18030.NewDecoder()
}

// validUTF8Prefix is utf8.Valid allowing a rune cut off at the end of the sample.
func validUTF8Prefix(b []byte) bool {
	for cut := 0; cut < utf8.UTFMax && cut <= len(b); cut++ {
		if utf8.Valid(b[:len(b)-cut]) {
			return true
		}
	}
	return false
}

// sniffDelimiter picks comma, tab or semicolon by their count in the first line.
func sniffDelimiter(firstLine string) rune {
	best, n := ',', strings.Count(firstLine, ",")
	for _, d := range []rune{'\t', ';'} {
		if c := strings.Count(firstLine, string(d)); c > n {
			best, n = d, c
		}
	}
	return best
}
