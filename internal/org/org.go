// Package org keeps the union tree: the city federation at the root, district and
// industry unions under it, grassroots unions (each inside an employer) and their
// groups. Every node carries a materialised path (/1/12/345/) so a subtree is one
// index range scan, and every store method confines the actor to its own subtree.
package org

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhijia/internal/platform"
)

// Level is a node's place in the union tree.
type Level string

const (
	LevelCity       Level = "city"       // 市总工会, the root
	LevelDistrict   Level = "district"   // 县(市)区总工会, one per GB/T 2260 area
	LevelIndustry   Level = "industry"   // 产业工会, a sibling of districts
	LevelGrassroots Level = "grassroots" // 基层工会, inside one employer
	LevelGroup      Level = "group"      // 工会小组
)

// Levels lists every level from the top of the tree down.
var Levels = []Level{LevelCity, LevelDistrict, LevelIndustry, LevelGrassroots, LevelGroup}

// Valid reports whether l is one of the five levels.
func (l Level) Valid() bool {
	switch l {
	case LevelCity, LevelDistrict, LevelIndustry, LevelGrassroots, LevelGroup:
		return true
	}
	return false
}

// LabelKey is the catalogue key of the level's name, e.g. "org.level.city".
func (l Level) LabelKey() string { return "org.level." + string(l) }

// ParentLevels are the levels a node of level l may sit under; none for the city.
func (l Level) ParentLevels() []Level {
	switch l {
	case LevelDistrict, LevelIndustry:
		return []Level{LevelCity}
	case LevelGrassroots:
		return []Level{LevelDistrict, LevelIndustry}
	case LevelGroup:
		return []Level{LevelGrassroots}
	}
	return nil
}

// FitsUnder reports whether a node of level child may sit under a node of level parent.
func FitsUnder(child, parent Level) bool {
	for _, p := range child.ParentLevels() {
		if p == parent {
			return true
		}
	}
	return false
}

// Status is whether an org is in service. Closed orgs keep their history.
type Status string

const (
	StatusActive Status = "active"
	StatusClosed Status = "closed"
)

// LabelKey is the catalogue key of the status's name.
func (s Status) LabelKey() string { return "org.status." + string(s) }

// Org is one node of the union tree. Depth is 0 for the city, 1 for districts and
// industries, 2 for grassroots unions and 3 for groups.
type Org struct {
	ID           int64
	CityID       int64
	ParentID     int64 // 0 for the city
	Level        Level
	Name         string
	AreaCode     string
	Path         string
	Depth        int
	Status       Status
	EmployerID   int64     // 0 when none
	Employer     *Employer // loaded with the org when EmployerID != 0
	ContactName  string
	ContactPhone string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	ClosedAt     *time.Time
	Version      int64
}

// IsJoint reports whether a grassroots union is a joint union (联合工会) of small
// employers: its employer record carries no credit code.
func (o *Org) IsJoint() bool {
	return o.Level == LevelGrassroots && o.Employer != nil && o.Employer.CreditCode == ""
}

// Employer is the enterprise a grassroots union sits in (用人单位).
type Employer struct {
	ID         int64
	CityID     int64
	Name       string
	CreditCode string // "" for a joint union without one
	Headcount  int64
	Address    string
	Lng, Lat   *float64 // GCJ-02, nil when unknown
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Input is what a console form sends to create or edit an org. Update ignores
// ParentID and Level (use Move; a level never changes).
type Input struct {
	ParentID     int64
	Level        Level
	Name         string
	AreaCode     string
	ContactName  string
	ContactPhone string
	Joint        bool // a 联合工会: the employer's credit code becomes optional
	Employer     *EmployerInput
}

// EmployerInput is the employer part of a grassroots union's form.
type EmployerInput struct {
	Name       string
	CreditCode string
	Headcount  int64
	Address    string
	Lng, Lat   *float64
}

// Limits on free text, in characters.
const (
	maxName      = 100
	maxAddress   = 200
	maxHeadcount = 1_000_000
)

// Coordinates of mainland China in GCJ-02, loosely.
const (
	minLng, maxLng = 73.0, 136.0
	minLat, maxLat = 3.0, 54.0
)

// parentInfo is what the rules need to know about the place an org goes.
type parentInfo struct {
	Level    Level
	AreaCode string // the parent's own code
	CityCode string // the city's code, for districts
}

// normalise trims the free-text fields of in, in place.
func (in *Input) normalise() {
	in.Name = strings.TrimSpace(in.Name)
	in.AreaCode = NormaliseCreditCode(in.AreaCode)
	in.ContactName = strings.TrimSpace(in.ContactName)
	in.ContactPhone = strings.TrimSpace(in.ContactPhone)
	if e := in.Employer; e != nil {
		e.Name = strings.TrimSpace(e.Name)
		e.CreditCode = NormaliseCreditCode(e.CreditCode)
		e.Address = strings.TrimSpace(e.Address)
	}
}

// validate checks in for a node of level lvl placed under p (nil for the city) and
// returns an invalid *platform.Error with one message per bad field, or nil. It
// fills in the normalised area code and credit code.
func (in *Input) validate(lvl Level, p *parentInfo) error {
	in.normalise()
	v := platform.Invalid()
	switch {
	case !lvl.Valid():
		v.Field("level", "org.err.level_invalid")
	case p == nil && lvl != LevelCity, p != nil && !FitsUnder(lvl, p.Level):
		v.Field("parent_id", "org.err.level_parent")
	}
	textField(v, "name", in.Name, maxName, "org.err.name_required", "org.err.name_too_long")
	textField(v, "contact_name", in.ContactName, maxName, "", "org.err.contact_name_too_long")
	if in.ContactPhone != "" && !validPhone(in.ContactPhone) {
		v.Field("contact_phone", "org.err.contact_phone_format")
	}
	in.validateArea(v, lvl, p)
	switch {
	case lvl == LevelGrassroots && in.Employer == nil:
		v.Field("employer_name", "org.err.employer_required")
	case lvl == LevelGrassroots:
		in.Employer.validate(v, in.Joint)
	case in.Employer != nil:
		v.Field("employer_name", "org.err.employer_not_allowed")
	}
	return v.OrNil()
}

// validateArea applies the area-code rule of each level: the city and districts
// carry their own code (a district's inside the city's); other levels may leave it
// blank to take the parent's.
func (in *Input) validateArea(v *platform.Error, lvl Level, p *parentInfo) {
	if in.AreaCode == "" && (lvl == LevelGrassroots || lvl == LevelIndustry || lvl == LevelGroup) {
		if p != nil {
			in.AreaCode = p.AreaCode
		}
		return
	}
	code, err := ValidateAreaCode(in.AreaCode)
	if err != nil {
		e, _ := platform.AsError(err)
		v.Field("area_code", e.Message)
		return
	}
	in.AreaCode = code
	if lvl == LevelDistrict && p != nil && !DistrictFitsCity(code, p.CityCode) {
		v.Field("area_code", "org.err.area_code_city")
	}
}

// validate checks an employer; a joint union may leave the credit code blank.
func (e *EmployerInput) validate(v *platform.Error, joint bool) {
	textField(v, "employer_name", e.Name, maxName, "org.err.employer_name_required", "org.err.employer_name_too_long")
	if e.CreditCode == "" && !joint {
		v.Field("credit_code", "org.err.credit_code_required")
	} else if e.CreditCode != "" {
		code, err := ValidateCreditCode(e.CreditCode)
		if err != nil {
			ce, _ := platform.AsError(err)
			v.Field("credit_code", ce.Fields["credit_code"])
			v.Message, v.Args = ce.Message, ce.Args // the top message names the position
		}
		e.CreditCode = code
	}
	if e.Headcount < 0 || e.Headcount > maxHeadcount {
		v.Field("headcount", "org.err.headcount_range")
	}
	if utf8.RuneCountInString(e.Address) > maxAddress {
		v.Field("address", "org.err.address_too_long")
	}
	switch {
	case (e.Lng == nil) != (e.Lat == nil):
		v.Field("lng", "org.err.coords_pair")
	case e.Lng != nil && !(*e.Lng >= minLng && *e.Lng <= maxLng):
		v.Field("lng", "org.err.lng_range")
	case e.Lat != nil && !(*e.Lat >= minLat && *e.Lat <= maxLat):
		v.Field("lat", "org.err.lat_range")
	}
}

// textField checks a line of text against a length limit; requiredKey "" makes it optional.
func textField(v *platform.Error, field, s string, max int, requiredKey, tooLongKey string) {
	switch {
	case s == "" && requiredKey != "":
		v.Field(field, requiredKey)
	case utf8.RuneCountInString(s) > max:
		v.Field(field, tooLongKey)
	}
}

// validPhone accepts office and mobile numbers as people write them:
// digits with optional +, -, spaces and brackets, 5 to 20 characters.
func validPhone(s string) bool {
	if n := len(s); n < 5 || n > 20 {
		return false
	}
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' || r == '-' || r == ' ' || r == '(' || r == ')':
		default:
			return false
		}
	}
	return digits >= 5
}

// changes describes, for the audit log, what applying in would change in o:
// "名称：甲 → 乙". Contact details and coordinates are only said to have changed,
// so the log never holds a phone number.
func changes(o *Org, in *Input) []string {
	var out []string
	diff := func(key, before, after string) {
		if before != after {
			out = append(out, label(key)+"："+before+" → "+after)
		}
	}
	changed := func(key string, differ bool) {
		if differ {
			out = append(out, label(key)+"："+label("org.audit.changed"))
		}
	}
	diff("org.field.name", o.Name, in.Name)
	diff("org.field.area_code", o.AreaCode, in.AreaCode)
	changed("org.field.contact_name", o.ContactName != in.ContactName)
	changed("org.field.contact_phone", o.ContactPhone != in.ContactPhone)
	if in.Employer == nil {
		return out
	}
	var e Employer
	if o.Employer != nil {
		e = *o.Employer
	}
	n := in.Employer
	diff("org.field.employer_name", e.Name, n.Name)
	diff("org.field.credit_code", e.CreditCode, n.CreditCode)
	diff("org.field.headcount", strconv.FormatInt(e.Headcount, 10), strconv.FormatInt(n.Headcount, 10))
	diff("org.field.address", e.Address, n.Address)
	changed("org.field.location", !sameCoord(e.Lng, n.Lng) || !sameCoord(e.Lat, n.Lat))
	return out
}

func sameCoord(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// PathIDs parses the ids out of a materialised path, top first: "/1/12/" → [1 12].
func PathIDs(path string) []int64 {
	var ids []int64
	for _, p := range strings.Split(strings.Trim(path, "/"), "/") {
		if n, err := strconv.ParseInt(p, 10, 64); err == nil {
			ids = append(ids, n)
		}
	}
	return ids
}

// validPath accepts materialised paths (digits and slashes, starting and ending with
// "/") and "/" itself, the system actor's scope.
func validPath(p string) bool {
	if p == "/" {
		return true
	}
	if len(p) < 2 || p[0] != '/' || p[len(p)-1] != '/' {
		return false
	}
	for i := 0; i < len(p); i++ {
		if p[i] != '/' && (p[i] < '0' || p[i] > '9') {
			return false
		}
	}
	return true
}

// scopeUnder narrows a requested subtree to the actor's: a prefix above the actor's
// org becomes the actor's org; one beside it matches nothing.
func scopeUnder(a *platform.Actor, under string) (string, bool) {
	if a == nil || !validPath(a.OrgPath) {
		return "", false
	}
	switch {
	case under == "":
		return a.OrgPath, true
	case !validPath(under):
		return "", false
	case a.Covers(under):
		return under, true
	case strings.HasPrefix(a.OrgPath, under):
		return a.OrgPath, true
	}
	return "", false
}
