package people

import (
	"strings"
	"testing"
	"time"

	"zhijia/internal/platform"
)

var today = time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)

// validID builds a valid number from area, birth (yyyymmdd) and sequence.
func validID(area, birth, seq string) string {
	body := area + birth + seq
	return body + string(CheckChar(body))
}

func fieldKey(err error) string {
	e, ok := platform.AsError(err)
	if !ok {
		return ""
	}
	return e.Fields["id_number"]
}

func TestParseIDNumber_Table(t *testing.T) {
	male := validID("350102", "19850317", "913") // 17th digit 3: odd
	female := validID("350103", "20011231", "924")
	cases := []struct {
		name, in, want, err string
		gender              Gender
	}{
		{"valid male", male, male, "", GenderMale},
		{"valid female", female, female, "", GenderFemale},
		{"known good with X", "11010519491231002X", "11010519491231002X", "", GenderFemale},
		{"lower-case x", "11010519491231002x", "11010519491231002X", "", GenderFemale},
		{"full-width digits", "１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X", "", GenderFemale},
		{"spaces stripped", " 110105 19491231 002X ", "11010519491231002X", "", GenderFemale},
		{"old 15-digit converted", "350102850317913", validID("350102", "19850317", "913"), "", GenderMale},
		{"empty", "  ", "", "people.err.id_required", ""},
		{"too short", "3501021985031791", "", "people.err.id_length", ""},
		{"too long", male + "1", "", "people.err.id_length", ""},
		{"letter inside", "3501021985A317913X", "", "people.err.id_char", ""},
		{"X not last", "X5010219850317913" + "1", "", "people.err.id_char", ""},
		{"scientific notation", "3.50102E+17", "", "people.err.id_scientific", ""},
		{"bad month", validID("350102", "19851317", "913"), "", "people.err.id_birth", ""},
		{"feb 30", validID("350102", "19850230", "913"), "", "people.err.id_birth", ""},
		{"before 1900", validID("350102", "18991231", "913"), "", "people.err.id_birth", ""},
		{"in the future", validID("350102", "20270101", "913"), "", "people.err.id_birth", ""},
		{"wrong check char", male[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", male[17])+1)%11]), "", "people.err.id_check", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			id, err := ParseIDNumberAt(c.in, today)
			if c.err != "" {
				if got := fieldKey(err); got != c.err {
					t.Fatalf("ParseIDNumber(%q) error %v, want field error %s", c.in, err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseIDNumber(%q): %v", c.in, err)
			}
			if id.Number != c.want || id.Gender != c.gender || id.AreaCode != c.want[:6] {
				t.Errorf("ParseIDNumber(%q) = %+v, want %s %s", c.in, id, c.want, c.gender)
			}
			if got := id.Birth.Format("20060102"); got != c.want[6:14] {
				t.Errorf("birth %s, want %s", got, c.want[6:14])
			}
		})
	}
}

func TestMask(t *testing.T) {
	cases := []struct{ got, want string }{
		{MaskIDNumber("35010219850317913X"), "350102********913X"},
		{MaskName("张晓明"), "张*明"},
		{MaskName("张明"), "张*"},
		{MaskName("欧阳娜娜"), "欧**娜"},
		{MaskName("王"), "*"},
		{MaskPhone("13800138000"), "138****8000"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("mask = %q, want %q", c.got, c.want)
		}
	}
}

func FuzzParseIDNumber(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "350102850317913", "3.50102E+17", "１１０１０５", "", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseIDNumberAt(s, today)
		if err != nil {
			if fieldKey(err) == "" {
				t.Fatalf("error without a field message: %v", err)
			}
			return
		}
		if len(id.Number) != 18 || CheckChar(id.Number[:17]) != id.Number[17] {
			t.Fatalf("accepted %q as %q", s, id.Number)
		}
		again, err := ParseIDNumberAt(id.Number, today)
		if err != nil || again != id {
			t.Fatalf("normalised form does not round-trip: %q → %+v / %v", id.Number, again, err)
		}
		if id.Birth.After(today) || id.Birth.Year() < 1900 {
			t.Fatalf("birth %v accepted", id.Birth)
		}
	})
}
