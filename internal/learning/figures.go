package learning

import (
	"net/url"

	"zhijia/internal/dashboard"
)

// FigureMessages names the May Wind programme's dashboard figures.
var FigureMessages = map[string][2]string{
	"learning.fig.programme":     {"“五月风”职工思政工程", "May Wind programme"},
	"learning.fig.events":        {"活动场次", "Events held"},
	"learning.fig.kind.lecture":  {"五月风讲堂场次", "Lectures"},
	"learning.fig.kind.meeting":  {"主题班会场次", "Themed meetings"},
	"learning.fig.kind.contest":  {"知识竞赛场次", "Knowledge contests"},
	"learning.fig.kind.ceremony": {"仪式场次", "Ceremonies"},
	"learning.fig.units":         {"覆盖单位（签到职工所在工会）", "Units reached (unions of workers checked in)"},
	"learning.fig.workers":       {"覆盖职工（签到人数）", "Workers reached (checked in)"},
	"learning.fig.checkins":      {"签到人次", "Check-ins"},
	"learning.fig.quiz_workers":  {"参与答题职工", "Workers who took the quiz"},
	"learning.fig.quiz_attempts": {"答题人次", "Quiz attempts"},
}

const (
	eventsJoin   = `JOIN orgs o ON o.path >= s.lo AND o.path < s.hi JOIN learning_events e ON e.org_id = o.id`
	checkinsJoin = `JOIN orgs o ON o.path >= s.lo AND o.path < s.hi JOIN learning_checkins c ON c.org_id = o.id`
	attemptsJoin = `JOIN orgs o ON o.path >= s.lo AND o.path < s.hi JOIN learning_attempts a ON a.org_id = o.id`
)

func yearBounds(q dashboard.Query) []any { return []any{q.Start, q.End} }
func yearDays(q dashboard.Query) []any   { return []any{q.FirstDay(), q.LastDay()} }

func eventsList(kind string) func(o dashboard.Org, year int) string {
	return func(_ dashboard.Org, year int) string {
		v := url.Values{"from": {dashboard.NewQuery(year, 0).FirstDay()}, "to": {dashboard.NewQuery(year, 0).LastDay()}}
		if kind != "" {
			v.Set("kind", kind)
		}
		return eventsPath + "?" + v.Encode()
	}
}

// Figures are the May Wind figures of a year: events held by the unions of a
// subtree (by kind), who checked in (workers, their unions, check-ins) and the
// daily quiz. Events count where they were hosted; check-ins and quiz answers
// where the worker's union is.
func Figures() []dashboard.Figure {
	const prog = "learning.fig.programme"
	event := func(key, label, kind string) dashboard.Figure {
		spec := dashboard.SQL{Join: eventsJoin, Agg: "count", Where: `e.starts_at >= ? AND e.starts_at < ?`, Args: yearBounds, Time: "e.starts_at"}
		if kind != "" {
			spec.Cond, spec.CondArgs = `e.kind = ?`, func(dashboard.Query) []any { return []any{kind} }
		}
		return spec.Figure(
			dashboard.Figure{Key: key, Programme: prog, Label: label, List: eventsList(kind)})
	}
	figs := []dashboard.Figure{event("learning.events", "learning.fig.events", "")}
	for _, k := range EventKinds() {
		figs = append(figs, event("learning.kind."+string(k), "learning.fig.kind."+string(k), string(k)))
	}
	checkin := func(key, label, agg, col string) dashboard.Figure {
		return dashboard.SQL{Join: checkinsJoin, Agg: agg, Col: col, Where: `c.checked_at >= ? AND c.checked_at < ?`, Args: yearBounds, Time: "c.checked_at"}.Figure(
			dashboard.Figure{Key: key, Programme: prog, Label: label, List: eventsList("")})
	}
	quiz := func(key, label, agg, col string) dashboard.Figure {
		return dashboard.SQL{Join: attemptsJoin, Agg: agg, Col: col, Where: `a.quiz_date >= ? AND a.quiz_date <= ? AND a.status = 'submitted'`,
			Args: yearDays, Day: "a.quiz_date"}.Figure(
			dashboard.Figure{Key: key, Programme: prog, Label: label, List: func(dashboard.Org, int) string { return rankingPath }})
	}
	return append(figs,
		checkin("learning.units", "learning.fig.units", "distinct", "c.org_id"),
		checkin("learning.workers", "learning.fig.workers", "distinct", "c.worker_id"),
		checkin("learning.checkins", "learning.fig.checkins", "count", ""),
		quiz("learning.quiz_workers", "learning.fig.quiz_workers", "distinct", "a.worker_id"),
		quiz("learning.quiz_attempts", "learning.fig.quiz_attempts", "count", ""),
	)
}
