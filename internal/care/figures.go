package care

import (
	"net/url"

	"zhijia/internal/dashboard"
)

// FigureMessages names the care programme's dashboard figures.
var FigureMessages = map[string][2]string{
	"care.fig.programme": {"共享职工之家", "Worker stations"},
	"care.fig.stations":  {"服务站点（年末在用）", "Stations in service at year end"},
	"care.fig.visits":    {"站点服务人次", "Station visits"},
	"care.fig.visitors":  {"到站职工", "Workers who visited"},
}

const (
	stationsJoin = `JOIN orgs o ON o.path >= s.lo AND o.path < s.hi JOIN care_stations st ON st.org_id = o.id`
	visitsJoin   = stationsJoin + ` JOIN care_visits v ON v.station_id = st.id`
)

// Figures are the care figures: stations registered by the year's end and
// still active (a district's count is the drill-down of the city's), and the
// year's visits and visitors, counted where the station is.
func Figures() []dashboard.Figure {
	const prog = "care.fig.programme"
	visitsList := func(_ dashboard.Org, year int) string {
		q := dashboard.NewQuery(year, 0)
		return "/console/care/visits?" + url.Values{"from": {q.FirstDay()}, "to": {q.LastDay()}}.Encode()
	}
	visits := func(key, label, agg, col string) dashboard.Figure {
		return dashboard.SQL{Join: visitsJoin, Agg: agg, Col: col, Where: `v.day >= ? AND v.day <= ?`,
			Args: func(q dashboard.Query) []any { return []any{q.FirstDay(), q.LastDay()} }, Day: "v.day"}.Figure(
			dashboard.Figure{Key: key, Programme: prog, Label: label, List: visitsList})
	}
	return []dashboard.Figure{
		dashboard.SQL{Join: stationsJoin, Agg: "count", Where: `st.status = 'active' AND st.created_at < ?`,
			Args: func(q dashboard.Query) []any { return []any{q.End} }}.Figure(
			dashboard.Figure{Key: "care.stations", Programme: prog, Label: "care.fig.stations",
				List: func(dashboard.Org, int) string { return "/console/care/stations?status=active" }}),
		visits("care.visits", "care.fig.visits", "count", ""),
		visits("care.visitors", "care.fig.visitors", "distinct", "v.worker_id"),
	}
}
