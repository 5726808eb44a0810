package relief

import (
	"net/url"
	"strconv"

	"zhijia/internal/dashboard"
)

// FigureMessages names the Warmth Programme's dashboard figures.
var FigureMessages = map[string][2]string{
	"relief.fig.programme":         {"职工温暖工程", "Warmth Programme"},
	"relief.fig.applications":      {"救助申请", "Applications"},
	"relief.fig.apps_open":         {"审核中申请", "Applications in review"},
	"relief.fig.apps_granted":      {"已批准申请（公示或已发放）", "Applications granted (notice or paid)"},
	"relief.fig.apps_rejected":     {"未批准申请", "Applications rejected"},
	"relief.fig.households":        {"帮扶困难家庭（户）", "Households helped"},
	"relief.fig.grants":            {"救助金合计", "Grants in total"},
	"relief.fig.grants.grassroots": {"基层工会救助金", "Grants by grassroots unions"},
	"relief.fig.grants.district":   {"县(市)区总工会救助金", "Grants by district federations"},
	"relief.fig.grants.industry":   {"产业工会救助金", "Grants by industry unions"},
	"relief.fig.grants.city":       {"市总工会救助金", "Grants by the city federation"},
	"relief.fig.cause.illness":     {"因病救助金", "Grants for illness"},
	"relief.fig.cause.disaster":    {"因灾救助金", "Grants for disaster"},
	"relief.fig.cause.education":   {"因学救助金", "Grants for education"},
	"relief.fig.cause.accident":    {"意外救助金", "Grants for accidents"},
	"relief.fig.cause.other":       {"其他原因救助金", "Grants for other causes"},
	"relief.fig.fund_total":        {"专项资金安排", "Funds set aside"},
	"relief.fig.fund_committed":    {"专项资金已使用（含待发）", "Funds committed"},
	"relief.fig.fund_paid":         {"专项资金已发放", "Funds paid out"},
	"relief.fig.joined_unions":     {"参与温暖工程的基层工会", "Unions in the programme"},
	"relief.fig.workers_covered":   {"覆盖职工", "Workers covered"},
	"relief.fig.archive_start":     {"年初在档困难职工家庭（户）", "Households in the archive at the start of the year"},
	"relief.fig.archive_end":       {"年末在档困难职工家庭（户）", "Households in the archive at the end of the year"},
	"relief.fig.archive_in":        {"本年建档（含返困）（户）", "Households filed this year (incl. fallen back)"},
	"relief.fig.archive_out":       {"本年解困脱困（户）", "Households that exited this year"},
}

const (
	appsJoin    = `JOIN relief_applications a ON a.org_path >= s.lo AND a.org_path < s.hi`
	grantsJoin  = appsJoin + ` JOIN relief_grants g ON g.application_id = a.id`
	fundsJoin   = `JOIN relief_funds f ON f.org_path >= s.lo AND f.org_path < s.hi JOIN relief_programmes p ON p.id = f.programme_id`
	grantsWhere = `a.year = ? AND g.year = ? AND g.status <> 'revoked'`
	archiveJoin = `JOIN relief_archive r ON r.org_path >= s.lo AND r.org_path < s.hi JOIN relief_archive_events e ON e.archive_id = r.id`
	unionsJoin  = `JOIN relief_joined_unions j ON j.org_path >= s.lo AND j.org_path < s.hi JOIN relief_programmes p ON p.id = j.programme_id`
)

func yearArgs(q dashboard.Query) []any      { return []any{q.CityID, q.Year} }
func grantYearArgs(q dashboard.Query) []any { return []any{q.Year, q.Year} }
func appYearArgs(q dashboard.Query) []any   { return []any{q.Year} }

// applicationsList is the application list narrowed to one grassroots union
// (the list filters by union name); above grassroots there is no such filter,
// so the drill-down goes on by org instead.
func applicationsList(status string) func(o dashboard.Org, year int) string {
	return func(o dashboard.Org, year int) string {
		if o.Level != "grassroots" {
			return ""
		}
		v := url.Values{"union": {o.Name}}
		if status != "" {
			v.Set("status", status)
		}
		return listPath + "?" + v.Encode()
	}
}

// Figures are the Warmth Programme's figures for the dashboard: applications,
// households and grants of the programme year (masked below k households),
// funds and the unions that joined.
func Figures() []dashboard.Figure {
	const prog = "relief.fig.programme"
	apps := func(key, label, status, cond string) dashboard.Figure {
		return dashboard.SQL{Join: appsJoin, Agg: "count", Where: `a.year = ?`, Args: appYearArgs, Cond: cond, Time: "a.submitted_at"}.Figure(
			dashboard.Figure{Key: key, Programme: prog, Label: label, Masked: true, List: applicationsList(status)})
	}
	grants := func(key, label, cond string, extra ...any) dashboard.Figure {
		return dashboard.SQL{Join: grantsJoin, Agg: "sum", Col: "g.amount", People: "g.worker_id",
			Where: grantsWhere, Args: grantYearArgs, Cond: cond, CondArgs: func(dashboard.Query) []any { return extra }, Time: "g.created_at"}.Figure(
			dashboard.Figure{Key: key, Programme: prog, Label: label, Unit: dashboard.Fen, Masked: true, List: applicationsList("")})
	}
	figs := []dashboard.Figure{
		apps("relief.applications", "relief.fig.applications", "", ""),
		apps("relief.apps_open", "relief.fig.apps_open", StatusPending, `a.status IN ('pending', 'returned')`),
		apps("relief.apps_granted", "relief.fig.apps_granted", StatusPaid, `a.status IN ('notice', 'halted', 'paid')`),
		apps("relief.apps_rejected", "relief.fig.apps_rejected", StatusRejected, `a.status IN ('rejected', 'revoked')`),
		dashboard.SQL{Join: grantsJoin, Agg: "distinct", Col: "g.worker_id", Where: grantsWhere, Args: grantYearArgs, Time: "g.created_at"}.Figure(
			dashboard.Figure{Key: "relief.households", Programme: prog, Label: "relief.fig.households", Masked: true, List: applicationsList("")}),
		grants("relief.grants", "relief.fig.grants", ""),
	}
	for _, lv := range []string{"grassroots", "district", "industry", "city"} {
		figs = append(figs, grants("relief.grants."+lv, "relief.fig.grants."+lv, "g.level = ?", lv))
	}
	for _, c := range Causes {
		figs = append(figs, grants("relief.cause."+c, "relief.fig.cause."+c, "g.cause = ?", c))
	}
	for _, col := range []string{"total", "committed", "paid"} {
		figs = append(figs, dashboard.SQL{Join: fundsJoin, Agg: "sum", Col: "f." + col, Where: `p.city_id = ? AND p.year = ?`, Args: yearArgs}.Figure(
			dashboard.Figure{Key: "relief.fund_" + col, Programme: prog, Label: "relief.fig.fund_" + col, Unit: dashboard.Fen,
				List: func(dashboard.Org, int) string { return "/console/relief/setup" }}))
	}
	figs = append(figs,
		dashboard.SQL{Join: unionsJoin, Agg: "count", Where: `p.city_id = ? AND p.year = ?`, Args: yearArgs}.Figure(
			dashboard.Figure{Key: "relief.joined_unions", Programme: prog, Label: "relief.fig.joined_unions",
				List: func(dashboard.Org, int) string { return "/console/relief/setup" }}),
		dashboard.SQL{Join: unionsJoin + ` JOIN workers w ON w.org_id = j.org_id`, Agg: "count", Where: `p.city_id = ? AND p.year = ?`, Args: yearArgs}.Figure(
			dashboard.Figure{Key: "relief.workers_covered", Programme: prog, Label: "relief.fig.workers_covered",
				List: func(o dashboard.Org, _ int) string { return "/console/workers?org=" + strconv.FormatInt(o.ID, 10) }}),
	)
	return append(figs, archiveFigures(prog)...)
}

// archiveFigures are the hardship archive at both ends of the year (entries
// less exits before the moment, as the year report counts them) and the
// households filed and exited during it.
func archiveFigures(prog string) []dashboard.Figure {
	list := func(dashboard.Org, int) string { return archivePath }
	// Both ends share one query: the events before the year's end, those
	// before its start picked out by Cond.
	at := func(key, cond string) dashboard.Figure {
		return dashboard.SQL{Join: archiveJoin, Agg: "sum", Col: archiveStep, Where: `e.at < ?`,
			Args: func(q dashboard.Query) []any { return []any{q.End} }, Cond: cond,
			CondArgs: func(q dashboard.Query) []any {
				if cond == "" {
					return nil
				}
				return []any{q.Start}
			}}.Figure(
			dashboard.Figure{Key: "relief." + key, Programme: prog, Label: "relief.fig." + key, Masked: true, List: list})
	}
	moved := func(key, cond string) dashboard.Figure {
		return dashboard.SQL{Join: archiveJoin, Agg: "distinct", Col: "r.id", Where: `e.at >= ? AND e.at < ?`,
			Args: func(q dashboard.Query) []any { return []any{q.Start, q.End} }, Cond: cond, Time: "e.at"}.Figure(
			dashboard.Figure{Key: "relief." + key, Programme: prog, Label: "relief.fig." + key, Masked: true, List: list})
	}
	return []dashboard.Figure{
		at("archive_start", "e.at < ?"),
		at("archive_end", ""),
		moved("archive_in", archiveIn),
		moved("archive_out", archiveOut),
	}
}
