package learning

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhijia/internal/platform"
)

// EventKind is what an event is.
type EventKind string

const (
	Lecture  EventKind = "lecture"  // 五月风讲堂
	Meeting  EventKind = "meeting"  // 主题班会
	Contest  EventKind = "contest"  // 知识竞赛
	Ceremony EventKind = "ceremony" // 仪式
)

// EventKinds lists the kinds in display order.
func EventKinds() []EventKind { return []EventKind{Lecture, Meeting, Contest, Ceremony} }

// KindPoints are the points one check-in earns, per kind.
var KindPoints = map[EventKind]int64{Lecture: 5, Meeting: 3, Contest: 5, Ceremony: 2}

// Venues are where events take place: 食堂, 车间, 宿舍, 会议室, 线上.
func Venues() []string { return []string{"canteen", "workshop", "dormitory", "meeting_room", "online"} }

// Event is a lecture, themed meeting, contest or ceremony.
type Event struct {
	ID, CityID, OrgID  int64
	OrgName            string
	Kind               EventKind
	Title              string
	HostWorkerID       int64
	HostName           string
	Venue, Place       string
	StartsAt, EndsAt   time.Time
	Capacity, SignedUp int
	AudienceID         int64
	AudienceName       string
	AudiencePath       string
	Signup             bool
	Points             int64
	Summary            string
	CheckIns           int
	Version            int64
}

// CheckinOpensBefore is how early check-in opens before an event starts.
const CheckinOpensBefore = 30 * time.Minute

// CheckinOpen reports whether check-in is open at now.
func (e *Event) CheckinOpen(now time.Time) bool {
	return !now.Before(e.StartsAt.Add(-CheckinOpensBefore)) && !now.After(e.EndsAt)
}

// EventInput is an event as typed in the form.
type EventInput struct {
	Kind, Title, HostName, Venue, Place string
	HostWorkerID                        int64
	Starts, Ends                        string // datetime-local in Shanghai: 2026-05-01T14:00
	Capacity                            string
	OrgID, AudienceID                   int64
	Signup                              bool
	Version                             int64
}

// datetimeLayout is how <input type="datetime-local"> sends a time.
const datetimeLayout = "2006-01-02T15:04"

// Normalize validates in; the orgs and host are checked by the store.
func (in EventInput) Normalize() (Event, error) {
	v := platform.Invalid()
	e := Event{Kind: EventKind(strings.TrimSpace(in.Kind)), Title: strings.TrimSpace(in.Title), HostName: strings.TrimSpace(in.HostName),
		Venue: strings.TrimSpace(in.Venue), Place: strings.TrimSpace(in.Place), HostWorkerID: in.HostWorkerID,
		OrgID: in.OrgID, AudienceID: in.AudienceID, Signup: in.Signup, Version: in.Version}
	if !slices.Contains(EventKinds(), e.Kind) {
		v.Field("kind", "learning.err.event_kind")
	}
	if e.Title == "" || utf8.RuneCountInString(e.Title) > 100 {
		v.Field("title", "learning.err.title")
	}
	if e.HostWorkerID == 0 && (e.HostName == "" || utf8.RuneCountInString(e.HostName) > 50) {
		v.Field("host_name", "learning.err.host")
	}
	if !slices.Contains(Venues(), e.Venue) {
		v.Field("venue", "learning.err.venue")
	}
	if utf8.RuneCountInString(e.Place) > 100 || (e.Place == "" && e.Venue != "online") {
		v.Field("place", "learning.err.place")
	}
	var err1, err2 error
	e.StartsAt, err1 = time.ParseInLocation(datetimeLayout, strings.TrimSpace(in.Starts), platform.Shanghai)
	e.EndsAt, err2 = time.ParseInLocation(datetimeLayout, strings.TrimSpace(in.Ends), platform.Shanghai)
	switch {
	case err1 != nil:
		v.Field("starts", "learning.err.starts")
	case err2 != nil || !e.EndsAt.After(e.StartsAt) || e.EndsAt.Sub(e.StartsAt) > 24*time.Hour:
		v.Field("ends", "learning.err.ends")
	}
	e.StartsAt, e.EndsAt = e.StartsAt.UTC(), e.EndsAt.UTC()
	if c := strings.TrimSpace(in.Capacity); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil || n < 0 || n > 100000 {
			v.Field("capacity", "learning.err.capacity")
		}
		e.Capacity = n
	}
	if e.OrgID <= 0 {
		v.Field("org_id", "learning.err.org")
	}
	if e.AudienceID <= 0 {
		e.AudienceID = e.OrgID
	}
	e.Points = KindPoints[e.Kind]
	return e, v.OrNil()
}

// TokenStep is how long one check-in QR code lives on the organiser's screen.
const TokenStep = 30 * time.Second

// tokenSteps is how many steps back a scanned code is still taken: the one on
// screen and the two before it (a slow phone, a slow network).
const tokenSteps = 2

// CheckinToken is the code shown at now for an event: its id, the 30-second
// step and an HMAC over both, so it cannot be made up or moved to another event.
func CheckinToken(key []byte, eventID int64, now time.Time) string {
	step := now.Unix() / int64(TokenStep/time.Second)
	return fmt.Sprintf("%d.%d.%s", eventID, step, tokenMAC(key, eventID, step))
}

func tokenMAC(key []byte, eventID, step int64) string {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "learning.checkin|%d|%d", eventID, step)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// ParseCheckinToken checks a scanned code and returns its event. A forged code
// is invalid; a genuine one older than the steps allowed has expired.
func ParseCheckinToken(key []byte, token string, now time.Time) (int64, error) {
	parts := strings.Split(strings.TrimSpace(token), ".")
	if len(parts) != 3 {
		return 0, platform.Errorf(platform.CodeInvalid, "learning.err.token_invalid")
	}
	id, err1 := strconv.ParseInt(parts[0], 10, 64)
	step, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || !hmac.Equal([]byte(parts[2]), []byte(tokenMAC(key, id, step))) {
		return 0, platform.Errorf(platform.CodeInvalid, "learning.err.token_invalid")
	}
	cur := now.Unix() / int64(TokenStep/time.Second)
	if step > cur || cur-step > tokenSteps {
		return 0, platform.Errorf(platform.CodeConflict, "learning.err.token_expired")
	}
	return id, nil
}
