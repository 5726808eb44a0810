// Package people is the worker registry: workers, members, households, the
// 身份证号 and phone rules, and the personal data they hold, sealed at rest,
// found by blind index and shown masked unless someone with people.reveal asks.
package people

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/width"

	"zhijia/internal/auth"
	"zhijia/internal/platform"
)

// MemberStatus says whether a worker has joined a union (入会).
type MemberStatus string

const (
	Member    MemberStatus = "member"
	NonMember MemberStatus = "non_member"
)

// ModelLevel is the level of a model-worker title (劳动模范); "" is none.
type ModelLevel string

const (
	ModelNone       ModelLevel = ""
	ModelNational   ModelLevel = "national"
	ModelProvincial ModelLevel = "provincial"
	ModelCity       ModelLevel = "city"
)

// ModelLevels lists the titled levels, highest first.
func ModelLevels() []ModelLevel { return []ModelLevel{ModelNational, ModelProvincial, ModelCity} }

// LabelKey is the catalogue key of the level's name.
func (m ModelLevel) LabelKey() string {
	if m == ModelNone {
		return "people.model.none"
	}
	return "people.model." + string(m)
}

// Educations lists the education codes, lowest first.
func Educations() []string {
	return []string{"primary", "junior", "senior", "vocational", "college", "bachelor", "master", "doctor"}
}

// Relations lists household relations.
func Relations() []string {
	return []string{"spouse", "child", "parent", "sibling", "grandchild", "grandparent", "other"}
}

// ConsentVersion names the household-data consent text staff read to the worker
// (PIPL art. 29/31); a new text gets a new version.
const ConsentVersion = "household-2026-01"

// Worker is one person in the registry, as staff see it: personal data masked.
type Worker struct {
	ID, CityID, OrgID int64
	OrgName, OrgPath  string
	Name              string
	IDMasked          string
	Gender            Gender
	Birth             string // YYYY-MM-DD, derived from the id number
	PhoneMasked       string
	Landline          string
	Employer, Post    string
	Education         string
	MemberStatus      MemberStatus
	JoinedOn          string // YYYY-MM-DD or ""
	ModelLevel        ModelLevel
	Craftsman         string
	GroupCode         string // new-employment group, "" for none
	ConsentBy         string // "account:12" or "worker:5"; "" = no household consent
	ConsentAt         *time.Time
	ConsentVersion    string
	Household         []HouseholdMember
	CreatedAt         time.Time
	UpdatedAt         time.Time
	Version           int64
}

// HouseholdMember is one member of a worker's household, masked.
type HouseholdMember struct {
	ID                                 int64
	Relation, Name, IDMasked, Birth    string
	Student, Ill, Disabled, Unemployed bool
}

// WorkerInput is a create or edit as typed. On edit, a blank IDNumber or Phone
// keeps the stored value (the form never shows them in clear).
type WorkerInput struct {
	OrgID                           int64
	Name, IDNumber, Phone, Landline string
	Employer, Post, Education       string
	MemberStatus                    MemberStatus
	JoinedOn                        string
	ModelLevel                      ModelLevel
	Craftsman, GroupCode            string
	Household                       []HouseholdInput
	Consent                         bool // the worker agreed, today, to the household data being kept
}

// HouseholdInput is one household row as typed; ID names an existing member,
// whose id number is kept when IDNumber is blank.
type HouseholdInput struct {
	ID                                 int64
	Relation, Name, IDNumber, Birth    string
	Student, Ill, Disabled, Unemployed bool
}

// Blank reports whether the row was left empty (the form shows spare rows).
func (h HouseholdInput) Blank() bool {
	return strings.TrimSpace(h.Relation+h.Name+h.IDNumber+h.Birth) == "" && !h.Student && !h.Ill && !h.Disabled && !h.Unemployed
}

// checked is a validated input: normalised text, parsed id, normalised phone.
type checked struct {
	in    WorkerInput
	id    *ID    // nil: keep the stored number
	phone string // "" with keepPhone: keep the stored one
	house []checkedMember
}

type checkedMember struct {
	in HouseholdInput
	id *ID
}

// clean trims and narrows full-width letters and digits.
func clean(s string) string { return strings.TrimSpace(width.Narrow.String(s)) }

// validate checks in; creating requires the id number. Field names match the form.
func (in WorkerInput) validate(creating bool, today time.Time) (*checked, error) {
	v := platform.Invalid()
	c := &checked{in: in}
	c.in.Name = strings.TrimSpace(in.Name)
	if c.in.Name == "" {
		v.Field("name", "people.err.name_required")
	} else if utf8.RuneCountInString(c.in.Name) > 50 {
		v.Field("name", "people.err.name_long")
	}
	if strings.TrimSpace(in.IDNumber) != "" || creating {
		id, err := ParseIDNumberAt(in.IDNumber, today)
		mergeField(v, err, "id_number")
		c.id = &id
	}
	if strings.TrimSpace(in.Phone) != "" {
		p, err := auth.NormaliseMobile(in.Phone)
		if err != nil {
			v.Field("phone", "people.err.phone_invalid")
		}
		c.phone = p
	}
	c.in.Landline = clean(in.Landline)
	if c.in.Landline != "" && !validLandline(c.in.Landline) {
		v.Field("landline", "people.err.landline_invalid")
	}
	c.in.Employer, c.in.Post, c.in.Craftsman = clean(in.Employer), clean(in.Post), clean(in.Craftsman)
	if c.in.Education != "" && !contains(Educations(), c.in.Education) {
		v.Field("education", "people.err.education_invalid")
	}
	validateMembership(v, &c.in, today)
	if c.in.ModelLevel != ModelNone && !contains(ModelLevels(), c.in.ModelLevel) {
		v.Field("model_level", "people.err.model_level_invalid")
	}
	c.house = validateHousehold(v, in.Household, today)
	return c, v.OrNil()
}

func validateMembership(v *platform.Error, in *WorkerInput, today time.Time) {
	switch in.MemberStatus {
	case "":
		in.MemberStatus = NonMember
	case Member, NonMember:
	default:
		v.Field("member_status", "people.err.member_status_invalid")
	}
	in.JoinedOn = strings.TrimSpace(in.JoinedOn)
	if in.MemberStatus != Member {
		in.JoinedOn = ""
		return
	}
	if in.JoinedOn == "" {
		return
	}
	d, err := time.Parse("2006-01-02", in.JoinedOn)
	if err != nil || d.After(today) || d.Year() < 1925 {
		v.Field("joined_on", "people.err.joined_on_invalid")
	}
}

// validateHousehold checks the non-blank rows; fields are named household.N.field.
func validateHousehold(v *platform.Error, rows []HouseholdInput, today time.Time) []checkedMember {
	var out []checkedMember
	for i, h := range rows {
		if h.Blank() {
			continue
		}
		f := func(name string) string { return "household." + strconv.Itoa(i) + "." + name }
		h.Name, h.Relation, h.Birth = strings.TrimSpace(h.Name), strings.TrimSpace(h.Relation), strings.TrimSpace(h.Birth)
		if h.Name == "" {
			v.Field(f("name"), "people.err.name_required")
		}
		if !contains(Relations(), h.Relation) {
			v.Field(f("relation"), "people.err.relation_invalid")
		}
		m := checkedMember{in: h}
		if strings.TrimSpace(h.IDNumber) != "" {
			id, err := parseID(h.IDNumber, f("id_number"), today)
			mergeField(v, err, f("id_number"))
			m.id = &id
			h.Birth = id.Birth.Format("2006-01-02")
		} else if h.Birth != "" {
			if d, err := time.Parse("2006-01-02", h.Birth); err != nil || d.After(today) || d.Year() < 1900 {
				v.Field(f("birth"), "people.err.birth_invalid")
			}
		}
		m.in.Birth = h.Birth
		out = append(out, m)
	}
	return out
}

// mergeField copies err's message for field into v.
func mergeField(v *platform.Error, err error, field string) {
	if e, ok := platform.AsError(err); ok {
		if k := e.Fields[field]; k != "" {
			v.Field(field, k)
		}
	}
}

// validLandline accepts 0591-87654321 style numbers: digits, one or two dashes,
// an optional extension after 转 or "ext".
func validLandline(s string) bool {
	s = strings.NewReplacer("转", "-", "ext", "-", " ", "", "(", "", ")", "").Replace(s)
	digits := 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '-':
		default:
			return false
		}
	}
	return digits >= 7 && digits <= 16
}

func contains[T comparable](list []T, x T) bool {
	for _, v := range list {
		if v == x {
			return true
		}
	}
	return false
}

func errField(field, key string) error { return platform.Invalid().Field(field, key) }
