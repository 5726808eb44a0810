package people

import (
	"strings"
	"time"

	"zhijia/internal/platform"
)

// Gender is derived from the id number's 17th digit: odd is male.
type Gender string

const (
	GenderMale   Gender = "male"
	GenderFemale Gender = "female"
)

// LabelKey is the catalogue key of the gender's name.
func (g Gender) LabelKey() string { return "people.gender." + string(g) }

// ID is a parsed 身份证号 (GB 11643): the normalised 18 characters and what the
// number itself says about its holder.
type ID struct {
	Number   string    // 18 characters, check character upper-case
	AreaCode string    // first 6 digits: the GB/T 2260 area of first registration
	Birth    time.Time // date of birth, UTC midnight
	Gender   Gender
}

// idWeights are the ISO 7064 MOD 11-2 weights of the first 17 digits.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// CheckChar computes the 18th character for the first 17 digits of an id number.
// It panics if body is not 17 ASCII digits: callers validate first.
func CheckChar(body string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(body[i]-'0') * idWeights[i]
	}
	return "10X98765432"[sum%11]
}

// normaliseID turns what people type into ASCII: full-width digits and X become
// half-width, lower-case x becomes X, spaces (also full-width) and dashes go.
func normaliseID(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c >= '０' && c <= '９':
			b.WriteRune('0' + (c - '０'))
		case c == 'x' || c == 'ｘ' || c == 'Ｘ':
			b.WriteByte('X')
		case c == ' ' || c == '\u3000' || c == '\t' || c == '-' || c == '\n' || c == '\r':
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// idError is a field error on field with one of the id catalogue keys.
func idError(field, key string) error { return platform.Invalid().Field(field, key) }

// ParseIDNumber checks and normalises an 18-character id number (or converts an
// old 15-digit one) and derives birth date, gender and area code from it. Errors
// are field errors on "id_number" saying what to check. A birth date after today
// is refused; stores use ParseIDNumberAt with their clock.
func ParseIDNumber(s string) (ID, error) {
	return parseID(s, "id_number", time.Now().UTC())
}

// ParseIDNumberAt is ParseIDNumber with today given (the injected clock's now).
func ParseIDNumberAt(s string, today time.Time) (ID, error) {
	return parseID(s, "id_number", today)
}

func parseID(s, field string, today time.Time) (ID, error) {
	n := normaliseID(s)
	if n == "" {
		return ID{}, idError(field, "people.err.id_required")
	}
	for i, c := range n {
		isDigit := c >= '0' && c <= '9'
		if !isDigit && !(c == 'X' && i == len(n)-1 && len(n) == 18) {
			if c == 'E' || c == 'e' || c == '.' || c == '+' {
				return ID{}, idError(field, "people.err.id_scientific")
			}
			return ID{}, idError(field, "people.err.id_char")
		}
	}
	switch len(n) {
	case 15:
		n = convert15(n)
	case 18:
	default:
		return ID{}, idError(field, "people.err.id_length")
	}
	birth, err := time.Parse("20060102", n[6:14])
	if err != nil || birth.Year() < 1900 || birth.After(today) {
		return ID{}, idError(field, "people.err.id_birth")
	}
	if CheckChar(n[:17]) != n[17] {
		return ID{}, idError(field, "people.err.id_check")
	}
	g := GenderFemale
	if (n[16]-'0')%2 == 1 {
		g = GenderMale
	}
	return ID{Number: n, AreaCode: n[:6], Birth: birth, Gender: g}, nil
}

// convert15 turns an old 15-digit number (area, yymmdd, 3-digit sequence; issued
// before 1999, so the century is 19) into the 18-character form.
func convert15(n string) string {
	body := n[:6] + "19" + n[6:]
	return body + string(CheckChar(body))
}
