package care

import (
	"testing"
	"time"

	"zhijia/internal/platform"
)

func TestRefusal_EligibilityEdges(t *testing.T) {
	a := &Activity{OrgPath: "/1/2/", Rules: Rules{MembersOnly: true, MinAge: 18, MaxAge: 35, ModelLevels: []string{"national", "provincial"}}}
	day := time.Date(2026, 12, 1, 10, 0, 0, 0, platform.Shanghai)
	ok := Facts{Member: true, OrgPath: "/1/2/9/", BirthDate: "1995-06-01", ModelLevel: "national"}
	cases := []struct {
		name string
		edit func(f *Facts)
		want string
	}{
		{"eligible", func(f *Facts) {}, ""},
		{"18 today", func(f *Facts) { f.BirthDate = "2008-12-01" }, ""},
		{"18 tomorrow", func(f *Facts) { f.BirthDate = "2008-12-02" }, "care.rule.age"},
		{"35 until the day before 36", func(f *Facts) { f.BirthDate = "1990-12-02" }, ""},
		{"36 today", func(f *Facts) { f.BirthDate = "1990-12-01" }, "care.rule.age"},
		{"birth unknown", func(f *Facts) { f.BirthDate = "" }, "care.rule.age_unknown"},
		{"not a member", func(f *Facts) { f.Member = false }, "care.rule.members_only"},
		{"city-level model worker", func(f *Facts) { f.ModelLevel = "city" }, "care.rule.model"},
		{"no title", func(f *Facts) { f.ModelLevel = "" }, "care.rule.model"},
		{"sibling subtree", func(f *Facts) { f.OrgPath = "/1/3/9/" }, "care.rule.subtree"},
		{"path sharing a prefix only", func(f *Facts) { f.OrgPath = "/1/22/" }, "care.rule.subtree"},
	}
	for _, c := range cases {
		f := ok
		c.edit(&f)
		if got := a.Refusal(f, day); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func TestWeight_AddsConfiguredPriorities(t *testing.T) {
	a := &Activity{Weights: Weights{Hardship: 3, Model: 2, Frontline: 1}}
	cases := []struct {
		f    Facts
		want int
	}{
		{Facts{}, 1},
		{Facts{Hardship: true}, 4},
		{Facts{ModelLevel: "city"}, 3},
		{Facts{GroupCode: "courier"}, 2},
		{Facts{Hardship: true, ModelLevel: "national", GroupCode: "courier"}, 7},
	}
	for _, c := range cases {
		if got := a.Weight(c.f); got != c.want {
			t.Errorf("%+v: weight %d, want %d", c.f, got, c.want)
		}
	}
}

func TestParseSessions(t *testing.T) {
	cases := []struct {
		in string
		n  int
		ok bool
	}{
		{"第一期:30", 1, true},
		{"第一期：30\n\n第二期:20\n", 2, true},
		{"A:B:3", 1, true},
		{"第一期", 0, false},
		{"第一期:0", 0, false},
		{"第一期:-3", 0, false},
		{":5", 0, false},
		{"", 0, false},
	}
	for _, c := range cases {
		got, ok := parseSessions(c.in)
		if ok != c.ok || len(got) != c.n {
			t.Errorf("parseSessions(%q) = %d, %v; want %d, %v", c.in, len(got), ok, c.n, c.ok)
		}
	}
}
