package sheet

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

func TestNeedsFold_CoversEveryRuneWidthFoldChanges(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		s := string(r)
		if width.Fold.String(s) != s && !needsFold(s) {
			t.Errorf("U+%04X is folded by width.Fold but skipped", r)
		}
	}
}

func TestParseDate(t *testing.T) {
	d := func(y, m, day int) time.Time { return time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC) }
	ok := []struct {
		in   string
		want time.Time
	}{
		{"45292", d(2024, 1, 1)},
		{"45292.75", d(2024, 1, 1)}, // a date with a time of day
		{"1", d(1900, 1, 1)},
		{"59", d(1900, 2, 28)},
		{"61", d(1900, 3, 1)}, // after Excel's phantom 1900-02-29
		{"2958465", d(9999, 12, 31)},
		{"2006-01-02", d(2006, 1, 2)},
		{"2006-1-2", d(2006, 1, 2)},
		{"2006/1/2", d(2006, 1, 2)},
		{"2006/01/02 00:00:00", d(2006, 1, 2)},
		{"2006.1.2", d(2006, 1, 2)},
		{"2006年1月2日", d(2006, 1, 2)},
		{"2006年01月02日", d(2006, 1, 2)},
		{" ２００６－０１－０２ ", d(2006, 1, 2)},
		{"20060102", d(2006, 1, 2)},
		{"2024-02-29", d(2024, 2, 29)},
	}
	for _, c := range ok {
		got, err := ParseDate(c.in)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	bad := []string{"", "60", "0", "-1", "2958466", "abc", "2023-02-29", "2006-13-01", "20061301",
		"1/2/2006", "06-01-02", "2006年1月", "1e5", "NaN", "Inf", "2006-01-02-03", "3.50102E+17"}
	for _, s := range bad {
		if got, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", s, got)
		}
	}
}

func TestNormalizeCell(t *testing.T) {
	cases := map[string]string{
		"  张三  ":                "张三",
		"张\u3000\u3000三":        "张 三",
		"３５０１０２Ｘ":               "350102X",
		"ａｂｃ，（１）":               "abc,(1)",
		"a\t\nb":                "a b",
		"\ufeff\u200b138\u00a0": "138",
		"plain":                 "plain",
	}
	for in, want := range cases {
		if got := NormalizeCell(in); got != want {
			t.Errorf("NormalizeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalizeHeader(t *testing.T) {
	for _, in := range []string{"身份证号", " 身份证号 ", "身份证号*", "*身份证号", "身份证号（必填）", "身份证号(必填)*",
		"身 份 证 号", "身份证号\n", "身份证号：", "身份证号 (必填)"} {
		if got := NormalizeHeader(in); got != "身份证号" {
			t.Errorf("NormalizeHeader(%q) = %q", in, got)
		}
	}
	if NormalizeHeader("ＩＤ") != "id" {
		t.Errorf("full-width latin should fold and lower-case")
	}
}

func TestLooksLikeLostNumber(t *testing.T) {
	cases := map[string]bool{
		"3.50102E+17": true, "3.50102199001011E+17": true, "3.5e17": true, "1E+20": true,
		"350102199001011000": true, "3501021990010110": true,
		"350102199001011234": false, "35010219900101123X": false, "13800138000": false,
		"350102900101123": false, "E+17": false, "3.5E": false, "abcE+1": false, "": false,
	}
	for in, want := range cases {
		if got := looksLikeLostNumber(in); got != want {
			t.Errorf("looksLikeLostNumber(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestBar_PlainLinesWhenNotATerminal(t *testing.T) {
	var buf bytes.Buffer
	b := NewBar(&buf, "导入")
	for i := int64(0); i <= 1000; i++ {
		b.Update(i, 1000)
	}
	b.Done()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 11 || lines[10] != "导入 [##############################] 100%  1000/1000" {
		t.Fatalf("%d lines, last %q", len(lines), lines[len(lines)-1])
	}
	if strings.Contains(buf.String(), "\r") {
		t.Error("no carriage returns when the output is not a terminal")
	}
}

func TestBar_TerminalRedrawsAtMostTenTimesASecond(t *testing.T) {
	var buf bytes.Buffer
	b := &Bar{w: &buf, label: "导入", terminal: true, lastStep: -1}
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	b.now = func() time.Time { return now }
	for i := int64(1); i <= 100; i++ {
		now = now.Add(10 * time.Millisecond) // one second in all
		b.Update(i, 100)
	}
	if n := strings.Count(buf.String(), "\r"); n < 9 || n > 12 {
		t.Errorf("%d redraws in one second, want about 10", n)
	}
	if !strings.HasSuffix(buf.String(), "100/100") {
		t.Errorf("the last draw should show the end: %q", buf.String()[len(buf.String())-20:])
	}
	b2 := NewBar(&buf, "导出")
	b2.terminal = true
	buf.Reset()
	b2.Update(500, -1)
	if buf.String() != "\r导出 500 …" {
		t.Errorf("unknown total drew %q", buf.String())
	}
}

func TestMessages_BothLanguages(t *testing.T) {
	for k, m := range Messages {
		if !strings.HasPrefix(k, "sheet.") || m[0] == "" || m[1] == "" {
			t.Errorf("message %s: %q", k, m)
		}
	}
}

func FuzzHeaderMatch(f *testing.F) {
	for _, s := range []string{"身份证号*", "（必填）姓名", "ＩＤ", " * ", "**(必填)", "\u3000", "Ａ：", "ǅ"} {
		f.Add(s)
	}
	names := headerIndex(rosterSpec())
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeHeader(s)
		if NormalizeHeader(n) != n {
			t.Fatalf("not idempotent: %q → %q → %q", s, n, NormalizeHeader(n))
		}
		if utf8.ValidString(s) && strings.ContainsAny(n, " \t\n") {
			t.Fatalf("spaces left in %q", n)
		}
		matchHeader(names, 5, []string{s, n, ""})
		c := NormalizeCell(s)
		if NormalizeCell(c) != c {
			t.Fatalf("NormalizeCell not idempotent: %q → %q", s, c)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"45292", "2006-01-02", "2006年1月2日", "20060102", "2006.1.2", "60", "1e308", "9999-99-99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if d.Hour() != 0 || d.Location() != time.UTC || d.Year() < 1 || d.Year() > 9999 {
			t.Fatalf("ParseDate(%q) = %v", s, d)
		}
		again, err := ParseDate(d.Format("2006-01-02"))
		if err != nil || !again.Equal(d) {
			t.Fatalf("ParseDate(%q) = %v does not round-trip: %v %v", s, d, again, err)
		}
	})
}
