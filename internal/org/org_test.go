package org

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"zhijia/internal/platform"
)

func TestValidateAreaCode(t *testing.T) {
	tests := []struct{ in, want, err string }{
		{"350102", "350102", ""},
		{" ３５０１０２ ", "350102", ""},
		{"110000", "110000", ""},
		{"820000", "820000", ""},
		{"", "", "org.err.area_code_required"},
		{"35010", "", "org.err.area_code_format"},
		{"3501021", "", "org.err.area_code_format"},
		{"35O102", "", "org.err.area_code_format"},
		{"990102", "", "org.err.area_code_province"},
		{"100000", "", "org.err.area_code_province"},
		{"720000", "", "org.err.area_code_province"},
	}
	for _, tt := range tests {
		got, err := ValidateAreaCode(tt.in)
		if tt.err == "" && (err != nil || got != tt.want) {
			t.Errorf("ValidateAreaCode(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
		if e, _ := platform.AsError(err); tt.err != "" && (e == nil || e.Message != tt.err) {
			t.Errorf("ValidateAreaCode(%q) = %v; want %s", tt.in, err, tt.err)
		}
	}
}

func TestDistrictFitsCity(t *testing.T) {
	tests := []struct {
		district, city string
		want           bool
	}{
		{"350102", "350100", true},
		{"350181", "350100", true},
		{"350202", "350100", false}, // Xiamen's Siming district is not Fuzhou's
		{"350100", "350100", false},
		{"110105", "110000", true}, // a municipality owns 11xxxx
		{"120105", "110000", false},
		{"3501", "350100", false},
	}
	for _, tt := range tests {
		if got := DistrictFitsCity(tt.district, tt.city); got != tt.want {
			t.Errorf("DistrictFitsCity(%s, %s) = %v", tt.district, tt.city, got)
		}
	}
}

func TestFitsUnder(t *testing.T) {
	allowed := map[[2]Level]bool{
		{LevelDistrict, LevelCity}: true, {LevelIndustry, LevelCity}: true,
		{LevelGrassroots, LevelDistrict}: true, {LevelGrassroots, LevelIndustry}: true,
		{LevelGroup, LevelGrassroots}: true,
	}
	for _, c := range Levels {
		for _, p := range Levels {
			if got := FitsUnder(c, p); got != allowed[[2]Level{c, p}] {
				t.Errorf("FitsUnder(%s, %s) = %v", c, p, got)
			}
		}
	}
}

func fptr(f float64) *float64 { return &f }

func TestInputValidate(t *testing.T) {
	city := &parentInfo{Level: LevelCity, AreaCode: "350100", CityCode: "350100"}
	district := &parentInfo{Level: LevelDistrict, AreaCode: "350102", CityCode: "350102"}
	emp := func(mod func(e *EmployerInput)) *EmployerInput {
		e := &EmployerInput{Name: "福州鑫华电子有限公司", CreditCode: "91110000600037341L", Headcount: 120,
			Lng: fptr(119.3), Lat: fptr(26.08)}
		if mod != nil {
			mod(e)
		}
		return e
	}
	tests := []struct {
		name   string
		level  Level
		parent *parentInfo
		in     Input
		fields map[string]string
	}{
		{"district ok", LevelDistrict, city, Input{Name: "鼓楼区总工会", AreaCode: "350102"}, nil},
		{"district outside city", LevelDistrict, city, Input{Name: "思明区总工会", AreaCode: "350203"},
			map[string]string{"area_code": "org.err.area_code_city"}},
		{"district no code", LevelDistrict, city, Input{Name: "X"}, map[string]string{"area_code": "org.err.area_code_required"}},
		{"city as child", LevelCity, city, Input{Name: "X", AreaCode: "350100"}, map[string]string{"parent_id": "org.err.level_parent"}},
		{"district as root", LevelDistrict, nil, Input{Name: "X", AreaCode: "350102"}, map[string]string{"parent_id": "org.err.level_parent"}},
		{"bad level", Level("team"), city, Input{Name: "X"}, map[string]string{"level": "org.err.level_invalid"}},
		{"group under district", LevelGroup, district, Input{Name: "一车间"}, map[string]string{"parent_id": "org.err.level_parent"}},
		{"blank name", LevelIndustry, city, Input{Name: "  "}, map[string]string{"name": "org.err.name_required"}},
		{"long name", LevelIndustry, city, Input{Name: strings.Repeat("工", 101)}, map[string]string{"name": "org.err.name_too_long"}},
		{"bad phone", LevelIndustry, city, Input{Name: "X", ContactPhone: "call me"}, map[string]string{"contact_phone": "org.err.contact_phone_format"}},
		{"grassroots ok", LevelGrassroots, district, Input{Name: "X", Employer: emp(nil)}, nil},
		{"grassroots no employer", LevelGrassroots, district, Input{Name: "X"}, map[string]string{"employer_name": "org.err.employer_required"}},
		{"employer on industry", LevelIndustry, city, Input{Name: "X", Employer: emp(nil)}, map[string]string{"employer_name": "org.err.employer_not_allowed"}},
		{"no credit code", LevelGrassroots, district, Input{Name: "X", Employer: emp(func(e *EmployerInput) { e.CreditCode = "" })},
			map[string]string{"credit_code": "org.err.credit_code_required"}},
		{"joint without code", LevelGrassroots, district, Input{Name: "X", Joint: true, Employer: emp(func(e *EmployerInput) { e.CreditCode = "" })}, nil},
		{"joint with bad code", LevelGrassroots, district, Input{Name: "X", Joint: true, Employer: emp(func(e *EmployerInput) { e.CreditCode = "91110000600037341M" })},
			map[string]string{"credit_code": "org.err.credit_code_check"}},
		{"negative headcount", LevelGrassroots, district, Input{Name: "X", Employer: emp(func(e *EmployerInput) { e.Headcount = -1 })},
			map[string]string{"headcount": "org.err.headcount_range"}},
		{"lng only", LevelGrassroots, district, Input{Name: "X", Employer: emp(func(e *EmployerInput) { e.Lat = nil })},
			map[string]string{"lng": "org.err.coords_pair"}},
		{"lng out of China", LevelGrassroots, district, Input{Name: "X", Employer: emp(func(e *EmployerInput) { e.Lng = fptr(2.35) })},
			map[string]string{"lng": "org.err.lng_range"}},
		{"lat swapped", LevelGrassroots, district, Input{Name: "X", Employer: emp(func(e *EmployerInput) { e.Lat = fptr(119.3) })},
			map[string]string{"lat": "org.err.lat_range"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.in.validate(tt.level, tt.parent)
			e, _ := platform.AsError(err)
			if len(tt.fields) == 0 {
				if err != nil {
					t.Fatalf("validate = %v, want ok", err)
				}
				return
			}
			if e == nil || e.Code != platform.CodeInvalid {
				t.Fatalf("validate = %v, want invalid %v", err, tt.fields)
			}
			for f, key := range tt.fields {
				if e.Fields[f] != key {
					t.Errorf("field %s = %q, want %q (all: %v)", f, e.Fields[f], key, e.Fields)
				}
			}
		})
	}
}

func TestInputValidate_NormalisesAndInherits(t *testing.T) {
	in := Input{Name: " 福州鑫华电子有限公司工会委员会 ", Employer: &EmployerInput{Name: "福州鑫华电子有限公司",
		CreditCode: "９１１１００００６０００３７３４１ｌ"}}
	if err := in.validate(LevelGrassroots, &parentInfo{Level: LevelDistrict, AreaCode: "350102"}); err != nil {
		t.Fatal(err)
	}
	if in.Name != "福州鑫华电子有限公司工会委员会" || in.AreaCode != "350102" || in.Employer.CreditCode != "91110000600037341L" {
		t.Fatalf("not normalised: %+v %+v", in, in.Employer)
	}
}

func TestInputValidate_CreditCodePositionInMessage(t *testing.T) {
	in := Input{Name: "X", Employer: &EmployerInput{Name: "Y", CreditCode: "9111000060003I341L"}}
	e, _ := platform.AsError(in.validate(LevelGrassroots, &parentInfo{Level: LevelDistrict, AreaCode: "350102"}))
	if e == nil || e.Message != "org.err.credit_code_char_at" || fmt.Sprint(e.Args) != "[14 I]" {
		t.Fatalf("got %v %v", e, e.Args)
	}
}

func TestPathIDs(t *testing.T) {
	if got := fmt.Sprint(PathIDs("/1/12/345/")); got != "[1 12 345]" {
		t.Fatalf("PathIDs = %s", got)
	}
	if got := PathIDs("/"); len(got) != 0 {
		t.Fatalf("PathIDs(/) = %v", got)
	}
}

func TestScopeUnder(t *testing.T) {
	a := &platform.Actor{Kind: "staff", OrgPath: "/1/12/"}
	tests := []struct {
		under, want string
		ok          bool
	}{
		{"", "/1/12/", true},
		{"/1/12/345/", "/1/12/345/", true},
		{"/1/", "/1/12/", true},
		{"/", "/1/12/", true},
		{"/1/13/", "", false},
		{"/1/120/", "", false},
		{"1/12", "", false},
	}
	for _, tt := range tests {
		got, ok := scopeUnder(a, tt.under)
		if got != tt.want || ok != tt.ok {
			t.Errorf("scopeUnder(%q) = %q, %v", tt.under, got, ok)
		}
	}
	if _, ok := scopeUnder(nil, ""); ok {
		t.Error("no actor must see nothing")
	}
}

// Every catalogue key the package uses is defined in both languages, and the two
// texts take the same arguments.
func TestMessages_Complete(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	keyRE := regexp.MustCompile(`"(org\.(?:err|field|level|status|audit)\.[a-z_]+)"`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRE.FindAllStringSubmatch(string(src), -1) {
			if _, ok := Messages[m[1]]; !ok {
				t.Errorf("%s uses %s, which messages.go does not define", f, m[1])
			}
		}
	}
	for _, l := range Levels {
		if _, ok := Messages[l.LabelKey()]; !ok {
			t.Errorf("no label for level %s", l)
		}
	}
	verbs := regexp.MustCompile(`%[dsv]`)
	for k, v := range Messages {
		if !strings.HasPrefix(k, "org.") || strings.TrimSpace(v[0]) == "" || strings.TrimSpace(v[1]) == "" {
			t.Errorf("%s: bad entry %q", k, v)
		}
		if a, b := verbs.FindAllString(v[0], -1), verbs.FindAllString(v[1], -1); fmt.Sprint(a) != fmt.Sprint(b) {
			t.Errorf("%s: zh takes %v, en takes %v", k, a, b)
		}
	}
}
