// Package care runs the everyday services brand (共享职工之家 / 温暖服务): the
// stations where workers rest and are served, the ten-minute service circle
// (十分钟服务圈) that finds them from a phone, check-ins, ratings and staff
// replies, and the coverage report.
//
// This file holds the types and pure rules; geo.go the datums; circle.go the
// in-memory index; store*.go the SQL; http*.go and api.go the handlers.
package care

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhijia/internal/platform"
)

// Facilities a station may offer, in display order (饮水, 热饭/微波炉, 充电, 休息,
// 如厕, 药箱, 书屋, 空调).
var Facilities = []string{"water", "meals", "charging", "rest", "toilet", "first_aid", "books", "aircon"}

// Services a station may offer (法律咨询, 心理咨询, 云门诊, 配餐).
var Services = []string{"legal", "counselling", "clinic", "catering"}

// DefaultRadius is the ten-minute walk of the service circle, in metres.
const DefaultRadius = 800

// MaxRadius bounds what a caller may ask for.
const MaxRadius = 20000

// NearestCount is how many stations the circle lists when none is within reach.
const NearestCount = 5

// Station statuses.
const (
	Active  = "active"
	Retired = "retired"
)

// Station is one shared worker home. Pos is GCJ-02, as Chinese map apps give it.
type Station struct {
	ID         int64     `json:"id"`
	CityID     int64     `json:"-"`
	OrgID      int64     `json:"org_id"`
	OrgName    string    `json:"org_name"`
	OrgPath    string    `json:"-"`
	Name       string    `json:"name"`
	Host       string    `json:"host"`
	Address    string    `json:"address"`
	Pos        Point     `json:"-"`
	Hours      Week      `json:"-"`
	Facilities []string  `json:"facilities"`
	Services   []string  `json:"services"`
	Groups     []string  `json:"groups"`
	Contact    string    `json:"contact"`
	Phone      string    `json:"phone"`
	Status     string    `json:"status"`
	Closures   []Closure `json:"closures"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	Version    int64     `json:"version"`
}

// Has reports whether the station offers facility or service code.
func (s *Station) Has(code string) bool {
	return slices.Contains(s.Facilities, code) || slices.Contains(s.Services, code)
}

// Closure is a temporary closure, whole Shanghai days From..To inclusive.
type Closure struct {
	ID     int64  `json:"id"`
	From   string `json:"from"`
	To     string `json:"to"`
	Reason string `json:"reason"`
}

// Span is one opening interval in minutes after midnight; To ≤ From means the
// interval runs past midnight into the next day.
type Span struct{ From, To int }

// Week is the opening hours, Monday first.
type Week [7][]Span

// dayIndex maps time.Weekday to Week's Monday-first index.
func dayIndex(d time.Weekday) int { return (int(d) + 6) % 7 }

// OpenAt reports whether a station with hours w and closures cs is open at t.
func OpenAt(w Week, cs []Closure, t time.Time) bool {
	t = t.In(platform.Shanghai)
	day := t.Format("2006-01-02")
	for _, c := range cs {
		if day >= c.From && day <= c.To {
			return false
		}
	}
	m := t.Hour()*60 + t.Minute()
	today := dayIndex(t.Weekday())
	for _, s := range w[today] {
		if s.To > s.From && m >= s.From && m < s.To || s.To <= s.From && m >= s.From {
			return true
		}
	}
	for _, s := range w[(today+6)%7] { // yesterday's spans that run past midnight
		if s.To <= s.From && m < s.To {
			return true
		}
	}
	return false
}

// AllDay reports whether w is open around the clock every day.
func (w Week) AllDay() bool {
	for _, d := range w {
		if len(d) != 1 || d[0].From != 0 || d[0].To != 24*60 {
			return false
		}
	}
	return true
}

// FullWeek is a 24-hour station's hours.
func FullWeek() Week {
	var w Week
	for i := range w {
		w[i] = []Span{{0, 24 * 60}}
	}
	return w
}

// ParseDay reads one weekday's hours: "" (closed), "08:00-20:00" or several
// spans separated by commas; "24:00" may end a span.
func ParseDay(s string) ([]Span, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(s, "，", ","), "：", ":"))
	if s == "" {
		return nil, true
	}
	var out []Span
	for _, part := range strings.Split(s, ",") {
		a, b, ok := strings.Cut(strings.TrimSpace(part), "-")
		if !ok {
			return nil, false
		}
		from, ok1 := parseClock(a)
		to, ok2 := parseClock(b)
		if !ok1 || !ok2 || from == 24*60 || from == to {
			return nil, false
		}
		out = append(out, Span{from, to})
	}
	return out, true
}

func parseClock(s string) (int, bool) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || len(h) < 1 || len(h) > 2 || len(m) != 2 {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || hh == 24 && mm != 0 {
		return 0, false
	}
	return hh*60 + mm, true
}

// FormatDay writes one weekday's spans the way ParseDay reads them.
func FormatDay(spans []Span) string {
	parts := make([]string, len(spans))
	for i, s := range spans {
		parts[i] = clock(s.From) + "-" + clock(s.To)
	}
	return strings.Join(parts, ",")
}

func clock(m int) string {
	return strconv.Itoa(m/600) + strconv.Itoa(m/60%10) + ":" + strconv.Itoa(m%60/10) + strconv.Itoa(m%10)
}

// encodeWeek and decodeWeek are the hours column's form.
func encodeWeek(w Week) string {
	days := make([]string, 7)
	for i, d := range w {
		days[i] = FormatDay(d)
	}
	return strings.Join(days, "|")
}

func decodeWeek(s string) Week {
	var w Week
	for i, d := range strings.SplitN(s, "|", 7) {
		w[i], _ = ParseDay(d)
	}
	return w
}

func splitCodes(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// StationInput is what staff enter for a station; Days are the seven weekday
// fields as typed, Monday first.
type StationInput struct {
	OrgID      int64     `json:"org_id"`
	Name       string    `json:"name"`
	Host       string    `json:"host"`
	Address    string    `json:"address"`
	Coords     string    `json:"coords"` // "lat,lng" in GCJ-02
	AllDay     bool      `json:"all_day"`
	Days       [7]string `json:"days"`
	Facilities []string  `json:"facilities"`
	Services   []string  `json:"services"`
	Groups     []string  `json:"groups"`
	Contact    string    `json:"contact"`
	Phone      string    `json:"phone"`
}

// check validates in and returns the parsed position and hours; groups lists
// the valid new-employment group codes.
func (in *StationInput) check(groups []string) (Point, Week, error) {
	in.Name, in.Host, in.Address = strings.TrimSpace(in.Name), strings.TrimSpace(in.Host), strings.TrimSpace(in.Address)
	in.Contact, in.Phone = strings.TrimSpace(in.Contact), strings.TrimSpace(in.Phone)
	v := platform.Invalid()
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 60 {
		v.Field("name", "care.err.name")
	}
	if utf8.RuneCountInString(in.Host) > 100 {
		v.Field("host", "care.err.too_long")
	}
	if in.Address == "" || utf8.RuneCountInString(in.Address) > 200 {
		v.Field("address", "care.err.address")
	}
	p, ok := ParsePoint(in.Coords)
	if !ok || outsideChina(p) {
		v.Field("coords", "care.err.coords")
	}
	var w Week
	if in.AllDay {
		w = FullWeek()
	} else {
		for i, d := range in.Days {
			spans, ok := ParseDay(d)
			if !ok {
				v.Field("day"+strconv.Itoa(i), "care.err.hours")
			}
			w[i] = spans
		}
	}
	in.Facilities = keepKnown(in.Facilities, Facilities)
	in.Services = keepKnown(in.Services, Services)
	in.Groups = keepKnown(in.Groups, groups)
	if in.Phone != "" && !validPhone(in.Phone) {
		v.Field("phone", "care.err.phone")
	}
	if utf8.RuneCountInString(in.Contact) > 40 {
		v.Field("contact", "care.err.too_long")
	}
	return p, w, v.OrNil()
}

// keepKnown keeps the codes of in that appear in known, in known's order.
func keepKnown(in, known []string) []string {
	var out []string
	for _, k := range known {
		if slices.Contains(in, k) {
			out = append(out, k)
		}
	}
	return out
}

// validPhone accepts a mobile or landline number: digits, an optional leading
// +, dashes and spaces, 5 to 20 characters.
func validPhone(s string) bool {
	if len(s) < 5 || len(s) > 20 {
		return false
	}
	for i, r := range s {
		if !(r >= '0' && r <= '9' || r == '-' || r == ' ' || r == '+' && i == 0) {
			return false
		}
	}
	return true
}

// e6 and fromE6 convert degrees to the stored micro-degrees and back.
func e6(f float64) int64 {
	if f < 0 {
		return int64(f*1e6 - 0.5)
	}
	return int64(f*1e6 + 0.5)
}

func fromE6(n int64) float64 { return float64(n) / 1e6 }
