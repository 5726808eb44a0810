package learning

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhijia/internal/platform"
)

// QuizContest is a quiz contest (主题竞赛): a fixed set of questions over a window.
type QuizContest struct {
	ID, CityID, OrgID int64
	OrgName           string
	Title             string
	StartsAt, EndsAt  time.Time
	TimeLimit         time.Duration
	Total             int
	Entries           int
}

// Open reports whether the contest takes entries at now.
func (c *QuizContest) Open(now time.Time) bool {
	return !now.Before(c.StartsAt) && now.Before(c.EndsAt)
}

// ContestInput is a contest as typed.
type ContestInput struct {
	Title, Starts, Ends, Questions, Minutes, Tag string
	OrgID                                        int64
}

// Normalize validates in.
func (in ContestInput) Normalize() (QuizContest, string, error) {
	v := platform.Invalid()
	c := QuizContest{Title: strings.TrimSpace(in.Title), OrgID: in.OrgID}
	if c.Title == "" || utf8.RuneCountInString(c.Title) > 100 {
		v.Field("title", "learning.err.title")
	}
	var err1, err2 error
	c.StartsAt, err1 = time.ParseInLocation(datetimeLayout, strings.TrimSpace(in.Starts), platform.Shanghai)
	c.EndsAt, err2 = time.ParseInLocation(datetimeLayout, strings.TrimSpace(in.Ends), platform.Shanghai)
	switch {
	case err1 != nil:
		v.Field("starts", "learning.err.starts")
	case err2 != nil || !c.EndsAt.After(c.StartsAt):
		v.Field("ends", "learning.err.contest_ends")
	}
	c.StartsAt, c.EndsAt = c.StartsAt.UTC(), c.EndsAt.UTC()
	n, err := strconv.Atoi(strings.TrimSpace(in.Questions))
	if err != nil || n < 1 || n > 100 {
		v.Field("questions", "learning.err.contest_questions")
	}
	m, err := strconv.Atoi(strings.TrimSpace(in.Minutes))
	if err != nil || m < 1 || m > 180 {
		v.Field("minutes", "learning.err.contest_minutes")
	}
	c.Total, c.TimeLimit = n, time.Duration(m)*time.Minute
	if c.OrgID <= 0 {
		v.Field("org_id", "learning.err.org")
	}
	return c, strings.TrimSpace(in.Tag), v.OrNil()
}

// ContestEntry is one worker's go at a contest.
type ContestEntry struct {
	Rank        int
	ID          int64
	WorkerID    int64
	WorkerName  string // masked
	OrgName     string
	StartedAt   time.Time
	SubmittedAt *time.Time
	Score       int
	Duration    time.Duration
}

// TeamStanding is a union in a contest's team ranking.
type TeamStanding struct {
	Rank     int
	OrgID    int64
	Name     string
	Entrants int
	AvgMilli int64 // average score × 1000
}

// Avg is the average score, for display.
func (t TeamStanding) Avg() float64 { return float64(t.AvgMilli) / 1000 }
