package sheet

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// NormalizeCell is what every cell goes through: full-width letters, digits and
// punctuation become ASCII, invisible characters go, spaces are trimmed and runs of
// spaces collapse to one.
func NormalizeCell(s string) string {
	if needsFold(s) {
		s = width.Fold.String(s)
	}
	return collapseSpaces(s)
}

// needsFold reports a string width.Fold would change: only the ideographic space,
// the U+FFxx full- and half-width forms and the won sign are folded, so plain ASCII
// and ordinary Chinese text (the common case) skip the transformer.
func needsFold(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < utf8.RuneSelf {
			continue
		}
		for _, r := range s[i:] {
			if foldable(r) {
				return true
			}
		}
		return false
	}
	return false
}

func foldable(r rune) bool { return r == '\u3000' || r == '\u20a9' || (r >= 0xFF00 && r <= 0xFFEF) }

// collapseSpaces trims s and turns each run of white space into one ASCII space,
// dropping zero-width characters and byte-order marks.
func collapseSpaces(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || c == '\t' || c == '\n' || c == '\r' || (c == ' ' && (i == 0 || i == len(s)-1 || s[i+1] == ' ')) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\ufeff':
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// unquoteCell removes the tricks people use to keep a number as text: the
// formula ="350102…" (common in CSV files) and, in text columns, a leading apostrophe.
func unquoteCell(s string, text bool) string {
	if len(s) >= 3 && strings.HasPrefix(s, `="`) && strings.HasSuffix(s, `"`) {
		s = strings.TrimSpace(s[2 : len(s)-1])
	}
	if text && len(s) > 1 && s[0] == '\'' {
		s = strings.TrimSpace(s[1:])
	}
	return s
}

// headerMarks are the required/optional markers templates put around header names.
var headerMarks = []string{"*", "(必填)", "(选填)", "[必填]", "必填", ":"}

// NormalizeHeader reduces a header cell to the form headers are compared in: folded
// to half-width, lower-case, no spaces, without "*" and "（必填）" markers.
func NormalizeHeader(s string) string {
	for range 4 { // a fixed point, so normalising twice changes nothing
		t := normalizeHeaderOnce(s)
		if t == s {
			break
		}
		s = t
	}
	return s
}

func normalizeHeaderOnce(s string) string {
	s = width.Fold.String(s)
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
	for changed := true; changed; {
		changed = false
		for _, m := range headerMarks {
			if t := strings.TrimSuffix(s, m); t != s {
				s, changed = t, true
			}
			if t := strings.TrimPrefix(s, m); t != s {
				s, changed = t, true
			}
		}
	}
	return s
}

// storedAsNumber reports a Text-column value Excel turned into a number. When the
// file says which cells are numbers (numeric not nil), a number of 12 digits or more
// is refused; otherwise, for CSV, the shapes a converted id takes are recognised.
func storedAsNumber(v string, numeric []bool, j int) bool {
	if numeric == nil {
		return looksLikeLostNumber(v)
	}
	if isScientific(v) {
		return true
	}
	if j >= len(numeric) || !numeric[j] {
		return false
	}
	digits := 0
	for i := 0; i < len(v) && v[i] != 'e' && v[i] != 'E'; i++ {
		if v[i] >= '0' && v[i] <= '9' {
			digits++
		}
	}
	return digits >= 12
}

// looksLikeLostNumber reports a Text-column value that Excel stored as a number:
// scientific notation (3.50102E+17), or 16 and more digits whose tail beyond Excel's
// 15 significant digits is all zeros (350102199001011000).
func looksLikeLostNumber(s string) bool {
	if isScientific(s) {
		return true
	}
	if len(s) < 16 || !allDigits(s) {
		return false
	}
	return strings.Trim(s[15:], "0") == ""
}

// isScientific matches 3.50102E+17, 3.5E17 and 1e+20.
func isScientific(s string) bool {
	i := strings.IndexAny(s, "eE")
	if i <= 0 || i == len(s)-1 {
		return false
	}
	mant, exp := s[:i], strings.TrimPrefix(s[i+1:], "+")
	if exp == "" || !allDigits(exp) {
		return false
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	return intPart != "" && allDigits(intPart) && (frac == "" || allDigits(frac))
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ErrBadDate is returned by ParseDate for anything that is not a date it knows.
var ErrBadDate = errors.New("sheet: not a date")

// maxSerial is 9999-12-31 as an Excel serial.
const maxSerial = 2958465

// ParseDate reads the dates people put in spreadsheets: Excel serials (45292 is
// 2024-01-01, in Excel's 1900 system with its phantom 1900-02-29), 2006-01-02,
// 2006/1/2, 2006.1.2, 2006年1月2日 and 20060102, optionally followed by a time of
// day, which is dropped. The result is midnight UTC.
func ParseDate(s string) (time.Time, error) {
	s = NormalizeCell(s)
	if s == "" {
		return time.Time{}, ErrBadDate
	}
	if len(s) == 8 && allDigits(s) {
		return ymd(s[:4], s[4:6], s[6:])
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, "eEnNiI+-") {
		return fromSerial(f)
	}
	if i := strings.IndexAny(s, " T"); i > 0 {
		s = s[:i] // "2024-01-02 00:00:00", "2024/1/2 8:30"
	}
	s = strings.TrimSuffix(s, "日")
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return r == '-' || r == '/' || r == '.' || r == '年' || r == '月'
	})
	if len(parts) != 3 || len(parts[0]) != 4 || len(parts[1]) > 2 || len(parts[2]) > 2 {
		return time.Time{}, ErrBadDate
	}
	return ymd(parts[0], parts[1], parts[2])
}

// fromSerial converts an Excel 1900-system serial; the time of day is dropped.
func fromSerial(f float64) (time.Time, error) {
	if f < 1 || f >= maxSerial+1 || math.IsNaN(f) {
		return time.Time{}, ErrBadDate
	}
	n := int(f)
	switch {
	case n == 60: // 1900-02-29, which never existed
		return time.Time{}, ErrBadDate
	case n < 60: // before the phantom day, serial 1 is 1900-01-01
		return time.Date(1899, 12, 31+n, 0, 0, 0, 0, time.UTC), nil
	default:
		return time.Date(1899, 12, 30+n, 0, 0, 0, 0, time.UTC), nil
	}
}

// ymd builds a date from digit strings, refusing days that do not exist.
func ymd(ys, ms, ds string) (time.Time, error) {
	if !allDigits(ys) || !allDigits(ms) || !allDigits(ds) {
		return time.Time{}, ErrBadDate
	}
	y, _ := strconv.Atoi(ys)
	m, _ := strconv.Atoi(ms)
	d, _ := strconv.Atoi(ds)
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if y < 1 || t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return time.Time{}, ErrBadDate
	}
	return t, nil
}
