// Package relief is the Warmth Programme (职工温暖工程): one-off aid to households in
// hardship, reviewed up the tree through package review, granted by each level
// from its own fund (分级帮扶), with a programme year's caps and the hardship archive.
//
// This file holds the types and the pure rules: classification, caps and the exit
// rule. No SQL, no HTTP.
package relief

import (
	"slices"
	"strings"
	"time"
)

// EntityType names relief applications in the review chain and the audit log.
const EntityType = "relief_application"

// Category is a household's hardship class by the union's rules.
type Category string

const (
	Deep     Category = "deep"     // 深度困难: per-capita net income below the district's 低保
	Relative Category = "relative" // 相对困难: below twice the 低保
	Sudden   Category = "sudden"   // 意外致困: a sudden event still leaves the family in hardship after insurance
	None     Category = ""         // not in hardship by the income rule
)

// Categories lists every category a household can be filed under.
var Categories = []Category{Deep, Relative, Sudden}

// Causes the programme can cover (致困原因), kept as codes.
var Causes = []string{"illness", "disaster", "education", "accident", "other"}

// SuddenCauses are causes that count as a sudden event for 意外致困.
var SuddenCauses = []string{"disaster", "accident"}

// DefaultCapPerApplication is 50,000 yuan in fen.
const DefaultCapPerApplication int64 = 5_000_000

// DefaultCapPerHousehold is the per-household yearly cap when the city sets none: 50,000 yuan.
const DefaultCapPerHousehold int64 = 5_000_000

// ExitMonths is how many consecutive months above 低保 (with the cause gone) take a
// household out of the archive.
const ExitMonths = 6

// Means is what a household reports about money, per month and in fen.
type Means struct {
	Size          int   // people in the household (由人到户), at least 1
	Income        int64 // household monthly income
	Unavoidable   int64 // monthly unavoidable medical, schooling and disability costs
	MedicalCosts  int64 // one-off costs of the event (illness, accident)
	Losses        int64 // property losses (disaster)
	Tuition       int64 // school fees due
	InsurancePaid int64 // insurance and compensation received for the event
}

// NetMonthly is the household's monthly net income: income less unavoidable costs.
func (m Means) NetMonthly() int64 { return m.Income - m.Unavoidable }

// OutOfPocket is what the event costs the family after insurance and
// compensation, never below zero.
func (m Means) OutOfPocket() int64 {
	n := m.MedicalCosts + m.Losses + m.Tuition - m.InsurancePaid
	if n < 0 {
		return 0
	}
	return n
}

// Classify applies the union's rule with the district's monthly 低保 (fen):
// per-capita net income = (income − unavoidable costs) ÷ size; below 低保 is
// 深度困难, below twice it 相对困难 (exactly 低保 is 相对, exactly twice is not in
// hardship). A sudden event (disaster, accident) whose out-of-pocket cost, spread
// over a year, brings per-capita net income below twice 低保 is 意外致困. The
// comparison is done in whole fen without division.
func Classify(m Means, dibao int64, causes []string) Category {
	size := int64(m.Size)
	if size < 1 {
		size = 1
	}
	net := m.NetMonthly()
	switch {
	case net < dibao*size:
		return Deep
	case net < 2*dibao*size:
		return Relative
	}
	sudden := false
	for _, c := range causes {
		sudden = sudden || slices.Contains(SuddenCauses, c)
	}
	if sudden && 12*net-m.OutOfPocket() < 12*2*dibao*size {
		return Sudden
	}
	return None
}

// CapCheck says whether an amount fits the caps, and which one it breaks.
type CapCheck struct {
	ApplicationLeft int64 // what the application may still be granted
	HouseholdLeft   int64 // what the household may still be granted this year
}

// Caps works out what is left under the per-application and per-household caps,
// given what the application and the household (this year) were already granted.
func Caps(capApplication, capHousehold, grantedApplication, grantedHousehold int64) CapCheck {
	c := CapCheck{ApplicationLeft: capApplication - grantedApplication, HouseholdLeft: capHousehold - grantedHousehold}
	c.ApplicationLeft = max(c.ApplicationLeft, 0)
	c.HouseholdLeft = max(c.HouseholdLeft, 0)
	return c
}

// Allows reports whether amount fits both caps; breaks names the cap it breaks
// ("application" or "household").
func (c CapCheck) Allows(amount int64) (ok bool, breaks string) {
	switch {
	case amount > c.ApplicationLeft:
		return false, "application"
	case amount > c.HouseholdLeft:
		return false, "household"
	}
	return true, ""
}

// ShouldExit applies the exit rule (解困脱困): the cause is gone and the
// household's per-capita monthly income (fen, oldest first) was above 低保 in each
// of the last ExitMonths months recorded. Five good months are not enough.
func ShouldExit(causeGone bool, perCapitaMonthly []int64, dibao int64) bool {
	if !causeGone || len(perCapitaMonthly) < ExitMonths {
		return false
	}
	for _, v := range perCapitaMonthly[len(perCapitaMonthly)-ExitMonths:] {
		if v <= dibao {
			return false
		}
	}
	return true
}

// ParseCauses reads a comma-separated list of causes, keeping known ones once each.
func ParseCauses(s string) []string {
	var out []string
	for _, c := range strings.Split(s, ",") {
		c = strings.TrimSpace(c)
		if slices.Contains(Causes, c) && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// YearOf is the programme year of t (Asia/Shanghai).
func YearOf(t time.Time, loc *time.Location) int { return t.In(loc).Year() }
