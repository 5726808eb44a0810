package care

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhijia/internal/platform"
)

// Activity kinds (集体婚礼, 疗休养, 年夜饭, 委托班, 交友联谊, 其他).
var Kinds = []string{"wedding", "recuperation", "nye_dinner", "childcare", "mixer", "other"}

// Sign-up statuses.
const (
	SignupPending    = "pending"    // signed up, before the draw
	SignupOffered    = "offered"    // holds a place, to confirm by ConfirmBy
	SignupConfirmed  = "confirmed"  // place confirmed
	SignupWaitlist   = "waitlist"   // waiting in draw order
	SignupCancelled  = "cancelled"  // given up by the worker
	SignupExpired    = "expired"    // not confirmed in time: place lost
	SignupIneligible = "ineligible" // failed the re-check at the draw
)

// Activity is a bookable activity with its sessions.
type Activity struct {
	ID          int64      `json:"id"`
	CityID      int64      `json:"-"`
	OrgID       int64      `json:"org_id"`
	OrgName     string     `json:"org_name"`
	OrgPath     string     `json:"-"`
	Kind        string     `json:"kind"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	OpensAt     time.Time  `json:"opens_at"`
	ClosesAt    time.Time  `json:"closes_at"`
	ConfirmDays int        `json:"confirm_days"`
	Rules       Rules      `json:"rules"`
	Weights     Weights    `json:"weights"`
	SeedHash    string     `json:"seed_hash"`
	Seed        string     `json:"seed,omitempty"` // shown once drawn
	Status      string     `json:"status"`
	Draws       int        `json:"draws"`
	DrawnAt     *time.Time `json:"drawn_at,omitempty"`
	Sessions    []Session  `json:"sessions"`
	Version     int64      `json:"version"`
}

// Session is one session or site of an activity.
type Session struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Quota  int    `json:"quota"`
	Placed int    `json:"placed"`
}

// Rules is who may sign up.
type Rules struct {
	MembersOnly bool     `json:"members_only"`
	MinAge      int      `json:"min_age"` // 0 = no bound
	MaxAge      int      `json:"max_age"`
	Groups      []string `json:"groups"`       // new-employment groups; empty = anyone
	ModelLevels []string `json:"model_levels"` // model-worker levels; empty = anyone
	ChildMinAge int      `json:"child_min_age"`
	ChildMaxAge int      `json:"child_max_age"`
}

// Weights are the lottery's priority weights added to a base of 1.
type Weights struct {
	Hardship  int `json:"hardship"`  // household in the hardship archive
	Model     int `json:"model"`     // model worker of any level
	Frontline int `json:"frontline"` // new-employment (front-line) worker
}

func (w Weights) encode() string {
	return "hardship=" + strconv.Itoa(w.Hardship) + ",model=" + strconv.Itoa(w.Model) + ",frontline=" + strconv.Itoa(w.Frontline)
}

func decodeWeights(s string) Weights {
	var w Weights
	for _, kv := range strings.Split(s, ",") {
		k, v, _ := strings.Cut(kv, "=")
		n, _ := strconv.Atoi(v)
		switch k {
		case "hardship":
			w.Hardship = n
		case "model":
			w.Model = n
		case "frontline":
			w.Frontline = n
		}
	}
	return w
}

// Facts is what the rules need to know about a worker at a moment.
type Facts struct {
	Member     bool
	OrgPath    string
	BirthDate  string // 'YYYY-MM-DD', '' unknown
	GroupCode  string
	ModelLevel string
	Hardship   bool
}

// ageOn is the age in whole years on day; ok is false when birth is unknown.
func ageOn(birth string, day time.Time) (int, bool) {
	b, err := time.Parse("2006-01-02", birth)
	if err != nil {
		return 0, false
	}
	y, m, d := day.In(platform.Shanghai).Date()
	age := y - b.Year()
	if m < b.Month() || m == b.Month() && d < b.Day() {
		age--
	}
	return age, true
}

// Refusal names the first rule f fails for a of this activity (catalogue key),
// or "" when the worker is eligible; at is when the check is made.
func (a *Activity) Refusal(f Facts, at time.Time) string {
	r := a.Rules
	switch {
	case !strings.HasPrefix(f.OrgPath, a.OrgPath):
		return "care.rule.subtree"
	case r.MembersOnly && !f.Member:
		return "care.rule.members_only"
	case len(r.Groups) > 0 && !slices.Contains(r.Groups, f.GroupCode):
		return "care.rule.group"
	case len(r.ModelLevels) > 0 && !slices.Contains(r.ModelLevels, f.ModelLevel):
		return "care.rule.model"
	}
	if r.MinAge > 0 || r.MaxAge > 0 {
		age, ok := ageOn(f.BirthDate, at)
		if !ok {
			return "care.rule.age_unknown"
		}
		if r.MinAge > 0 && age < r.MinAge || r.MaxAge > 0 && age > r.MaxAge {
			return "care.rule.age"
		}
	}
	return ""
}

// Weight is a worker's lottery weight under a's weights.
func (a *Activity) Weight(f Facts) int {
	w := 1
	if f.Hardship {
		w += a.Weights.Hardship
	}
	if f.ModelLevel != "" {
		w += a.Weights.Model
	}
	if f.GroupCode != "" {
		w += a.Weights.Frontline
	}
	return max(w, 1)
}

// ActivityInput is what staff enter to publish an activity; Sessions holds
// one "name:quota" per line.
type ActivityInput struct {
	OrgID       int64   `json:"org_id"`
	Kind        string  `json:"kind"`
	Title       string  `json:"title"`
	Description string  `json:"description"`
	OpensAt     string  `json:"opens_at"`  // 'YYYY-MM-DD HH:MM' Asia/Shanghai
	ClosesAt    string  `json:"closes_at"` // idem
	ConfirmDays int     `json:"confirm_days"`
	Sessions    string  `json:"sessions"`
	Rules       Rules   `json:"rules"`
	Weights     Weights `json:"weights"`
}

// parseLocal reads 'YYYY-MM-DD HH:MM' (or the browser's 'YYYY-MM-DDTHH:MM') in Asia/Shanghai.
func parseLocal(s string) (time.Time, bool) {
	s = strings.Replace(strings.TrimSpace(s), "T", " ", 1)
	t, err := time.ParseInLocation("2006-01-02 15:04", s, platform.Shanghai)
	return t, err == nil
}

type sessionInput struct {
	name  string
	quota int
}

// check validates in and returns its parsed window and sessions.
func (in *ActivityInput) check() (opens, closes time.Time, sessions []sessionInput, err error) {
	in.Title, in.Description = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description)
	v := platform.Invalid()
	if !slices.Contains(Kinds, in.Kind) {
		v.Field("kind", "care.err.kind")
	}
	if in.Title == "" || utf8.RuneCountInString(in.Title) > 80 {
		v.Field("title", "care.err.title")
	}
	if utf8.RuneCountInString(in.Description) > 2000 {
		v.Field("description", "care.err.too_long")
	}
	var ok1, ok2 bool
	opens, ok1 = parseLocal(in.OpensAt)
	closes, ok2 = parseLocal(in.ClosesAt)
	if !ok1 {
		v.Field("opens_at", "care.err.when")
	}
	if !ok2 {
		v.Field("closes_at", "care.err.when")
	} else if ok1 && !closes.After(opens) {
		v.Field("closes_at", "care.err.window")
	}
	if in.ConfirmDays < 1 || in.ConfirmDays > 30 {
		v.Field("confirm_days", "care.err.confirm_days")
	}
	sessions, ok := parseSessions(in.Sessions)
	if !ok {
		v.Field("sessions", "care.err.sessions")
	}
	r := in.Rules
	if r.MinAge < 0 || r.MaxAge < 0 || r.MaxAge > 0 && r.MinAge > r.MaxAge || r.MaxAge > 120 {
		v.Field("max_age", "care.err.ages")
	}
	if r.ChildMinAge < 0 || r.ChildMaxAge < 0 || r.ChildMaxAge > 0 && r.ChildMinAge > r.ChildMaxAge || r.ChildMaxAge > 18 {
		v.Field("child_max_age", "care.err.ages")
	}
	w := in.Weights
	if w.Hardship < 0 || w.Model < 0 || w.Frontline < 0 || w.Hardship > 20 || w.Model > 20 || w.Frontline > 20 {
		v.Field("weights", "care.err.weights")
	}
	return opens, closes, sessions, v.OrNil()
}

// parseSessions reads one "name:quota" (or "name：quota") per line, 1–50 lines.
func parseSessions(s string) ([]sessionInput, bool) {
	var out []sessionInput
	for _, line := range strings.Split(strings.ReplaceAll(s, "：", ":"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		i := strings.LastIndex(line, ":")
		if i <= 0 {
			return nil, false
		}
		name := strings.TrimSpace(line[:i])
		q, err := strconv.Atoi(strings.TrimSpace(line[i+1:]))
		if err != nil || q < 1 || q > 100000 || name == "" || utf8.RuneCountInString(name) > 60 {
			return nil, false
		}
		out = append(out, sessionInput{name, q})
	}
	return out, len(out) > 0 && len(out) <= 50
}

// SignupInput is what a worker gives when signing up: the session and, by
// kind, the wedding partner and registration date or the child.
type SignupInput struct {
	SessionID   int64  `json:"session_id"`
	PartnerName string `json:"partner_name"`
	MarriedOn   string `json:"married_on"`
	ChildID     int64  `json:"child_id"`
}
