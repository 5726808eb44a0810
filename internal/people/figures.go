package people

import (
	"net/url"
	"strconv"

	"zhijia/internal/dashboard"
)

// FigureMessages names the registry's dashboard figures.
var FigureMessages = map[string][2]string{
	"people.fig.programme":      {"职工与会员", "Workers and members"},
	"people.fig.workers":        {"在册职工", "Workers in the registry"},
	"people.fig.members":        {"工会会员", "Union members"},
	"people.fig.model_workers":  {"劳动模范", "Model workers"},
	"people.fig.new_employment": {"新就业形态劳动者", "New-employment workers"},
	"people.fig.unions":         {"基层工会", "Grassroots unions"},
}

const workersJoin = `JOIN orgs o ON o.path >= s.lo AND o.path < s.hi JOIN workers w ON w.org_id = o.id`

func endArg(q dashboard.Query) []any { return []any{q.End} }

func workersList(extra url.Values) func(o dashboard.Org, year int) string {
	return func(o dashboard.Org, _ int) string {
		v := url.Values{"org": {strconv.FormatInt(o.ID, 10)}}
		for k, x := range extra {
			v[k] = x
		}
		return "/console/workers?" + v.Encode()
	}
}

// Figures are the registry's stock figures at the end of a year: workers
// registered by then, members who had joined by then, titled model workers,
// new-employment workers and active grassroots unions. Stocks are as the
// registry holds them now; a closed year keeps the values it had when closed.
func Figures() []dashboard.Figure {
	const prog = "people.fig.programme"
	worker := func(key, label, cond string, args func(dashboard.Query) []any, list url.Values) dashboard.Figure {
		return dashboard.SQL{Join: workersJoin, Agg: "count", Where: `w.created_at < ?`, Args: endArg, Cond: cond, CondArgs: args}.Figure(
			dashboard.Figure{Key: key, Programme: prog, Label: label, List: workersList(list)})
	}
	return []dashboard.Figure{
		worker("people.workers", "people.fig.workers", "", nil, nil),
		worker("people.members", "people.fig.members", `w.member_status = 'member' AND w.joined_on <= ?`,
			func(q dashboard.Query) []any { return []any{q.LastDay()} }, url.Values{"status": {"member"}}),
		worker("people.model_workers", "people.fig.model_workers", `w.model_level <> ''`, nil, url.Values{"model": {"any_title"}}),
		worker("people.new_employment", "people.fig.new_employment", `w.group_code <> ''`, nil, url.Values{"group": {"any_group"}}),
		dashboard.SQL{Join: `JOIN orgs o ON o.path >= s.lo AND o.path < s.hi`, Agg: "count",
			Where: `o.level = 'grassroots' AND o.status = 'active' AND o.created_at < ?`, Args: endArg}.Figure(
			dashboard.Figure{Key: "people.unions", Programme: prog, Label: "people.fig.unions",
				List: func(o dashboard.Org, _ int) string {
					return "/console/orgs?level=grassroots&status=active&under=" + strconv.FormatInt(o.ID, 10)
				}}),
	}
}
