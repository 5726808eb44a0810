package org

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"zhijia/internal/platform"
)

// The unified social credit code (统一社会信用代码, GB 32100-2015) is 18 characters from
// a 31-character alphabet that leaves out I, O, Z, S and V; the 18th is a check
// character computed from the first 17 with the weights below (3^(i) mod 31).
const creditCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// CreditCodeLen is the length of a unified social credit code.
const CreditCodeLen = 18

// creditValue maps a character to its value in the alphabet, or -1.
func creditValue(c byte) int {
	return strings.IndexByte(creditCharset, c)
}

// NormaliseCreditCode makes pasted codes comparable: it drops every space (half- or
// full-width), turns full-width letters and digits into ASCII and upper-cases.
func NormaliseCreditCode(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r >= 0xFF01 && r <= 0xFF5E { // full-width ASCII block
			r -= 0xFEE0
		}
		if unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

// CreditCodeCheckChar computes the check character (the 18th) for the first 17
// characters of a credit code, which must already be normalised.
func CreditCodeCheckChar(first17 string) (byte, error) {
	if len(first17) != CreditCodeLen-1 {
		return 0, platform.Errorf(platform.CodeInvalid, "org.err.credit_code_length_n", utf8.RuneCountInString(first17)+1)
	}
	sum := 0
	for i := 0; i < len(first17); i++ {
		v := creditValue(first17[i])
		if v < 0 {
			return 0, creditCharError(first17, i)
		}
		sum += v * creditWeights[i]
	}
	return creditCharset[(31-sum%31)%31], nil
}

// ValidateCreditCode normalises s and checks length, alphabet, the registration
// area (characters 3-8) and the check character. It returns the normalised code,
// or an invalid *platform.Error whose Message names the problem (with the position
// of a bad character) and whose Fields["credit_code"] holds a field message.
func ValidateCreditCode(s string) (string, error) {
	code := NormaliseCreditCode(s)
	if code == "" {
		return "", creditErr("org.err.credit_code_required", "org.err.credit_code_required")
	}
	if n := utf8.RuneCountInString(code); n != CreditCodeLen {
		return "", creditErr("org.err.credit_code_length", "org.err.credit_code_length_n", n)
	}
	for i, r := range code {
		if r >= utf8.RuneSelf || creditValue(byte(r)) < 0 {
			return "", creditCharError(code, i)
		}
	}
	area := code[2:8]
	if !allDigits(area) || !(provinceCodes[int(area[0]-'0')*10+int(area[1]-'0')] || area[:2] == "10") {
		return "", creditErr("org.err.credit_code_area", "org.err.credit_code_area")
	}
	want, err := CreditCodeCheckChar(code[:17])
	if err != nil {
		return "", err
	}
	if code[17] != want {
		return "", creditErr("org.err.credit_code_check", "org.err.credit_code_check")
	}
	return code, nil
}

// creditCharError names the first bad character at byte offset i (1-based in the message).
func creditCharError(code string, i int) *platform.Error {
	r, _ := utf8.DecodeRuneInString(code[i:])
	pos := utf8.RuneCountInString(code[:i]) + 1
	return creditErr("org.err.credit_code_char", "org.err.credit_code_char_at", pos, string(r))
}

func creditErr(field, msg string, args ...any) *platform.Error {
	e := platform.Errorf(platform.CodeInvalid, msg, args...)
	return e.Field("credit_code", field)
}
