package people

import (
	"strings"

	"zhijia/internal/auth"
)

// MaskIDNumber shows an id number as 350102********123X: the area and the last
// four, enough for staff to tell two records apart, not to use the number.
func MaskIDNumber(n string) string {
	r := []rune(n)
	if len(r) <= 10 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:6]) + strings.Repeat("*", len(r)-10) + string(r[len(r)-4:])
}

// MaskName shows a name as 张*明 (first and last character kept) or 张* for a
// two-character name; a one-character name is shown as *.
func MaskName(name string) string {
	r := []rune(strings.TrimSpace(name))
	switch len(r) {
	case 0:
		return ""
	case 1:
		return "*"
	case 2:
		return string(r[0]) + "*"
	}
	return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
}

// MaskPhone shows a mobile as 138****8000 (the sign-in pages' rule).
func MaskPhone(p string) string { return auth.MaskPhone(p) }
