package org

import "zhijia/internal/platform"

// provinceCodes are the first two digits of every GB/T 2260 province-level area:
// the 31 mainland provinces, Taiwan (71), Hong Kong (81) and Macao (82).
var provinceCodes = [100]bool{
	11: true, 12: true, 13: true, 14: true, 15: true,
	21: true, 22: true, 23: true,
	31: true, 32: true, 33: true, 34: true, 35: true, 36: true, 37: true,
	41: true, 42: true, 43: true, 44: true, 45: true, 46: true,
	50: true, 51: true, 52: true, 53: true, 54: true,
	61: true, 62: true, 63: true, 64: true, 65: true,
	71: true, 81: true, 82: true,
}

// ValidateAreaCode checks a GB/T 2260 six-digit area code: six digits whose first two
// name a province. It returns the trimmed, half-width code or a catalogue key.
func ValidateAreaCode(s string) (string, error) {
	code := NormaliseCreditCode(s) // same clean-up: spaces, full-width digits
	if code == "" {
		return "", platform.Errorf(platform.CodeInvalid, "org.err.area_code_required")
	}
	if len(code) != 6 || !allDigits(code) {
		return "", platform.Errorf(platform.CodeInvalid, "org.err.area_code_format")
	}
	if !provinceCodes[int(code[0]-'0')*10+int(code[1]-'0')] {
		return "", platform.Errorf(platform.CodeInvalid, "org.err.area_code_province")
	}
	return code, nil
}

// DistrictFitsCity reports whether a district's area code lies in the city's area: a
// prefecture-level city (350100) owns 3501xx; a municipality (110000) owns 11xxxx.
// A district never carries the city's own code.
func DistrictFitsCity(district, city string) bool {
	if len(district) != 6 || len(city) != 6 || district == city {
		return false
	}
	n := 4
	if city[2:] == "0000" {
		n = 2
	}
	return district[:n] == city[:n]
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
