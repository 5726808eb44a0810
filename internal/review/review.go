// Package review is the one multi-level review chain every application type uses
// (relief, training declarations, degree subsidies, residency, nominations).
//
// An item is one thing under review, named by entity type and id, belonging to an
// org. Its chain is derived from that org's materialised path: grassroots →
// district (or industry) → city, trimmed by the programme's Config. Each step is
// decided by staff of exactly that step's org (an ancestor's staff see the item
// but do not decide for a lower level: 分级审核 means each level answers for its
// own decision). A decision approves (optionally with an amount this level
// grants), returns the item to the applicant with a reason, or rejects it.
//
// Returned items, once resubmitted, go back to the step that returned them: the
// levels below had already approved what they saw, and the level that asked for
// more is the one that reads the answer. Every step's approval and amount stands.
//
// Every decision is checked against the item's version (optimistic concurrency:
// of two reviewers acting at once one wins, the other gets a conflict saying the
// item changed) and audited in the caller's transaction, so a programme can commit
// its budget, the decision and the audit row together.
package review

import (
	"strings"
	"time"

	"zhijia/internal/platform"
)

// Levels of a chain, as org levels spell them. An industry union stands where a
// district does.
const (
	LevelGrassroots = "grassroots"
	LevelDistrict   = "district"
	LevelIndustry   = "industry"
	LevelCity       = "city"
)

// Status of an item.
type Status string

const (
	Pending  Status = "pending"  // a step is deciding
	Returned Status = "returned" // back with the applicant for more information
	Approved Status = "approved" // every step approved
	Rejected Status = "rejected" // a step rejected; final
)

// Step statuses.
const (
	StepWaiting  = "waiting"  // a lower step has not approved yet
	StepPending  = "pending"  // this step decides now
	StepApproved = "approved" // decided: approved
	StepReturned = "returned" // decided: returned; pending again on resubmission
	StepRejected = "rejected" // decided: rejected
)

// Action is what a reviewer does.
type Action string

const (
	Approve Action = "approve"
	Return  Action = "return"
	Reject  Action = "reject"
)

// Event actions in the history, besides the three decisions.
const (
	EventSubmit   = "submit"
	EventResubmit = "resubmit"
)

// DefaultDueDays is a step's deadline in working days when Config leaves it 0.
const DefaultDueDays = 5

// Config trims and times a chain.
type Config struct {
	StopAt  string // the top level that decides: "grassroots", "district" or "city" ("" = city)
	DueDays int    // working days (Mon–Fri) each step has; 0 = DefaultDueDays
}

func (c Config) dueDays() int {
	if c.DueDays <= 0 {
		return DefaultDueDays
	}
	return c.DueDays
}

// rank orders levels bottom-up; industry ranks with district.
func rank(level string) int {
	switch level {
	case LevelGrassroots:
		return 1
	case LevelDistrict, LevelIndustry:
		return 2
	case LevelCity:
		return 3
	}
	return 0
}

// Node is one org on an item's path, as the chain needs it.
type Node struct {
	ID    int64
	Level string
	Name  string
	Path  string
}

// ChainOf picks, from the orgs on an item's path (any order), the levels that
// decide: the grassroots union, its district or industry union and the city,
// dropping levels above cfg.StopAt. Groups and unknown levels never decide.
func ChainOf(nodes []Node, cfg Config) []Node {
	top := rank(cfg.StopAt)
	if top == 0 {
		top = rank(LevelCity)
	}
	var out []Node
	for r := 1; r <= top; r++ {
		for _, n := range nodes {
			if rank(n.Level) == r {
				out = append(out, n)
				break
			}
		}
	}
	return out
}

// PathIDs splits a materialised path ("/1/12/345/") into its org ids as text.
func PathIDs(path string) []string {
	return strings.FieldsFunc(path, func(r rune) bool { return r == '/' })
}

// AddWorkingDays returns the date n working days (Mon–Fri) after day, as a
// 'YYYY-MM-DD' day in Asia/Shanghai: a step opened on Friday with 1 day is due Monday.
func AddWorkingDays(t time.Time, n int) string {
	d := t.In(platform.Shanghai)
	d = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, platform.Shanghai)
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return d.Format("2006-01-02")
}

// Today is now's date in Asia/Shanghai, as due dates are written.
func Today(now time.Time) string { return now.In(platform.Shanghai).Format("2006-01-02") }

// Overdue reports whether a step due on dueOn is late at now: the due day itself
// is still in time.
func Overdue(dueOn string, now time.Time) bool { return dueOn != "" && dueOn < Today(now) }
