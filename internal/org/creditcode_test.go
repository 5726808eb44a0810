package org

import (
	"strings"
	"testing"

	"zhijia/internal/platform"
)

// withCheck completes 17 characters with their computed check character.
func withCheck(t testing.TB, first17 string) string {
	t.Helper()
	c, err := CreditCodeCheckChar(first17)
	if err != nil {
		t.Fatalf("check char of %q: %v", first17, err)
	}
	return first17 + string(c)
}

func TestCreditCodeCheckChar_PublishedCodes(t *testing.T) {
	// Codes printed on real business licences; each was checked by computation
	// (Tencent's Shenzhen company, and the example from the brief), not trusted.
	for _, code := range []string{"91110000600037341L", "91440300708461136T", "91350100M000100Y43"} {
		got, err := CreditCodeCheckChar(code[:17])
		if err != nil || got != code[17] {
			t.Errorf("check char of %s = %q, %v; want %q", code, got, err, code[17])
		}
	}
}

func TestValidateCreditCode(t *testing.T) {
	tests := []struct {
		name, in, want, msg string
		args                []any
	}{
		{"valid", "91110000600037341L", "91110000600037341L", "", nil},
		{"lower case and spaces", " 9111 0000 6000 3734 1l ", "91110000600037341L", "", nil},
		{"full width", "９１１１００００６０００３７３４１Ｌ", "91110000600037341L", "", nil},
		{"ideographic space", "\u300091440300708461136T", "91440300708461136T", "", nil},
		{"check char zero", withCheck(t, "91350102000000001"), "", "", nil},
		{"empty", "  ", "", "org.err.credit_code_required", nil},
		{"too short", "9111000060003734", "", "org.err.credit_code_length_n", []any{16}},
		{"too long", "91110000600037341LL", "", "org.err.credit_code_length_n", []any{19}},
		{"letter I", "9111000060003I341L", "", "org.err.credit_code_char_at", []any{14, "I"}},
		{"letter O at 1", "O1110000600037341L", "", "org.err.credit_code_char_at", []any{1, "O"}},
		{"han char short", "911100006000373中L", "", "org.err.credit_code_length_n", []any{17}},
		{"han in place", "91110000600037341中", "", "org.err.credit_code_char_at", []any{18, "中"}},
		{"invalid utf8", "9111000060003734\xff1", "", "org.err.credit_code_char_at", []any{17, "�"}},
		{"area not digits", withCheck(t, "911A0000600037341"), "", "org.err.credit_code_area", nil},
		{"area bad province", withCheck(t, "91990000600037341"), "", "org.err.credit_code_area", nil},
		{"national area", withCheck(t, "51100000500000111"), "", "", nil},
		{"bad check char", "91110000600037341M", "", "org.err.credit_code_check", nil},
		{"transposed", "91110000600073341L", "", "org.err.credit_code_check", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ValidateCreditCode(tt.in)
			if tt.msg == "" {
				if err != nil {
					t.Fatalf("ValidateCreditCode(%q) = %v, want ok", tt.in, err)
				}
				if tt.want != "" && got != tt.want {
					t.Fatalf("got %q, want %q", got, tt.want)
				}
				return
			}
			e, ok := platform.AsError(err)
			if !ok || e.Code != platform.CodeInvalid || e.Message != tt.msg {
				t.Fatalf("ValidateCreditCode(%q) = %v, want %s", tt.in, err, tt.msg)
			}
			if e.Fields["credit_code"] == "" {
				t.Errorf("no field message for credit_code: %v", e)
			}
			if tt.args != nil && !equalArgs(e.Args, tt.args) {
				t.Errorf("args = %v, want %v", e.Args, tt.args)
			}
		})
	}
}

func equalArgs(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCreditCodeCheckChar_Rejects(t *testing.T) {
	for _, in := range []string{"", "9111000060003734", "911100006000373411", "9111000060003734I"} {
		if _, err := CreditCodeCheckChar(in); err == nil {
			t.Errorf("CreditCodeCheckChar(%q) accepted", in)
		}
	}
}

func FuzzValidateCreditCode(f *testing.F) {
	for _, s := range []string{"91110000600037341L", "９１１１", "91350100M000100Y43", "", "IOZSV", "91110000600037341中"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, err := ValidateCreditCode(s)
		if err == nil {
			again, err2 := ValidateCreditCode(code)
			if err2 != nil || again != code {
				t.Fatalf("valid %q normalised to %q, which re-validates to %q, %v", s, code, again, err2)
			}
			if len(code) != CreditCodeLen {
				t.Fatalf("valid code %q has length %d", code, len(code))
			}
		}
		// Build a well-formed code from the input's bytes: it must validate.
		var b strings.Builder
		b.WriteString("91350102")
		for i := 0; b.Len() < 17; i++ {
			c := byte(i)
			if i < len(s) {
				c = s[i]
			}
			b.WriteByte(creditCharset[int(c)%len(creditCharset)])
		}
		full := withCheck(t, b.String())
		if got, err := ValidateCreditCode(full); err != nil || got != full {
			t.Fatalf("generated %q: %q, %v", full, got, err)
		}
	})
}
