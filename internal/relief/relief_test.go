package relief

import "testing"

func TestClassify_Boundaries(t *testing.T) {
	const dibao = 100000 // 1,000 yuan a month
	cases := []struct {
		name   string
		m      Means
		causes []string
		want   Category
	}{
		{"below dibao", Means{Size: 3, Income: 299999}, nil, Deep},
		{"exactly dibao is relative", Means{Size: 3, Income: 300000}, nil, Relative},
		{"just under twice", Means{Size: 3, Income: 599999}, nil, Relative},
		{"exactly twice is not in hardship", Means{Size: 3, Income: 600000}, nil, None},
		{"unavoidable costs count", Means{Size: 2, Income: 500000, Unavoidable: 350000}, nil, Deep},
		{"size 0 counts as one", Means{Size: 0, Income: 99999}, nil, Deep},
		{"sudden event, still in hardship after insurance", Means{Size: 2, Income: 400000, MedicalCosts: 3000000, InsurancePaid: 1000000}, []string{"accident"}, Sudden},
		{"sudden event covered by insurance", Means{Size: 2, Income: 400000, MedicalCosts: 3000000, InsurancePaid: 3000000}, []string{"accident"}, None},
		{"illness is not sudden", Means{Size: 2, Income: 400000, MedicalCosts: 3000000}, []string{"illness"}, None},
		{"disaster losses", Means{Size: 1, Income: 300000, Losses: 1200001}, []string{"disaster"}, Sudden},
		{"disaster losses exactly at the line", Means{Size: 1, Income: 300000, Losses: 1200000}, []string{"disaster"}, None},
	}
	for _, c := range cases {
		if got := Classify(c.m, dibao, c.causes); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func TestCaps(t *testing.T) {
	cases := []struct {
		name                 string
		capApp, capHousehold int64
		grantedApp, grantedH int64
		amount               int64
		ok                   bool
		breaks               string
	}{
		{"fits", 5000000, 8000000, 0, 0, 5000000, true, ""},
		{"application cap exactly reached", 5000000, 8000000, 2000000, 2000000, 3000000, true, ""},
		{"over the application cap by one fen", 5000000, 8000000, 2000000, 2000000, 3000001, false, "application"},
		{"household cap for the year", 5000000, 8000000, 0, 6000000, 2000001, false, "household"},
		{"household cap exactly", 5000000, 8000000, 0, 6000000, 2000000, true, ""},
		{"already over", 5000000, 8000000, 6000000, 9000000, 0, true, ""},
	}
	for _, c := range cases {
		ok, breaks := Caps(c.capApp, c.capHousehold, c.grantedApp, c.grantedH).Allows(c.amount)
		if ok != c.ok || breaks != c.breaks {
			t.Errorf("%s: ok=%v breaks=%q, want %v %q", c.name, ok, breaks, c.ok, c.breaks)
		}
	}
}

func TestShouldExit(t *testing.T) {
	const dibao = 100000
	above := []int64{100001, 120000, 130000, 110000, 150000, 160000}
	cases := []struct {
		name   string
		gone   bool
		months []int64
		want   bool
	}{
		{"six months above, cause gone", true, above, true},
		{"five months are not enough", true, above[1:], false},
		{"cause not gone", false, above, false},
		{"one month exactly at dibao breaks the run", true, []int64{150000, 150000, 100000, 150000, 150000, 150000}, false},
		{"older bad month does not count", true, append([]int64{50000}, above...), true},
		{"latest month below", true, append(above[1:], 90000), false},
	}
	for _, c := range cases {
		if got := ShouldExit(c.gone, c.months, dibao); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestParseCauses(t *testing.T) {
	got := ParseCauses(" illness, bogus,illness ,disaster")
	if len(got) != 2 || got[0] != "illness" || got[1] != "disaster" {
		t.Errorf("ParseCauses: %v", got)
	}
}
