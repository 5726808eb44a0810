package auth

import (
	"strings"

	"zhijia/internal/platform"
)

// NormaliseMobile returns a mainland China mobile number as 11 ASCII digits
// (1[3-9]xxxxxxxxx). It accepts full-width digits, spaces and dashes, and a
// +86, 86 or 0086 prefix. The error is a field error on "phone".
func NormaliseMobile(s string) (string, error) {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			b.WriteRune(c)
		case c >= '０' && c <= '９':
			b.WriteRune('0' + (c - '０'))
		case c == '+' || c == '＋':
			if b.Len() > 0 {
				return "", phoneError()
			}
			b.WriteByte('+')
		case c == ' ' || c == '-' || c == '\u3000' || c == '－' || c == '\t':
		default:
			return "", phoneError()
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(d, "+86"):
		d = d[3:]
	case strings.HasPrefix(d, "0086"):
		d = d[4:]
	case len(d) == 13 && strings.HasPrefix(d, "86"):
		d = d[2:]
	}
	if len(d) != 11 || d[0] != '1' || d[1] < '3' || d[1] > '9' || strings.Contains(d, "+") {
		return "", phoneError()
	}
	return d, nil
}

func phoneError() error { return platform.Invalid().Field("phone", "auth.err.phone_invalid") }

// MaskPhone shows a phone number as 138****8000: enough to recognise, not to call.
func MaskPhone(p string) string {
	r := []rune(p)
	if len(r) < 8 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:3]) + "****" + string(r[len(r)-4:])
}
