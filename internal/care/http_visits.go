package care

import (
	"net/http"
	"strconv"

	"zhijia/internal/web"
)

const visitsPath = "/console/care/visits"

type visitListView struct {
	CanEdit  bool
	Rows     []*Visit
	Stats    *VisitStats
	HourMax  int
	Q        web.ListQuery
	P        web.Pager
	Errors   map[string]string
	Alert    string
	ReplyFor int64
	Reply    string
}

func (h *Handlers) visitFilter(c *web.Ctx, q web.ListQuery) (VisitFilter, map[string]string) {
	f := VisitFilter{Rated: q.Get("rated") == "1", Limit: q.Limit(), Offset: q.Offset()}
	f.StationID, _ = strconv.ParseInt(q.Get("station"), 10, 64)
	errs := map[string]string{}
	if s := q.Get("from"); s != "" {
		if d, ok := checkDay(s); ok {
			f.From = d
		} else {
			errs["from"] = c.T("care.err.day")
		}
	}
	if s := q.Get("to"); s != "" {
		if d, ok := checkDay(s); ok {
			f.To = d
		} else {
			errs["to"] = c.T("care.err.day")
		}
	}
	return f, errs
}

func (h *Handlers) visits(c *web.Ctx) error {
	return h.renderVisits(c, http.StatusOK, &visitListView{})
}

func (h *Handlers) renderVisits(c *web.Ctx, status int, v *visitListView) error {
	q := c.ParseList("visited")
	f, errs := h.visitFilter(c, q)
	rows, total, err := h.store.FindVisits(c.R.Context(), f)
	if err != nil {
		return err
	}
	if q.Export {
		head := []string{c.T("care.col.visited"), c.T("care.col.station"), c.T("care.col.worker"), c.T("care.col.group"),
			c.T("care.col.rating"), c.T("care.col.comment"), c.T("care.col.reply")}
		names, err := h.groupNames(c)
		if err != nil {
			return err
		}
		out := make([][]any, 0, len(rows))
		for _, r := range rows {
			out = append(out, []any{r.VisitedAt, r.StationName, r.WorkerName, names[r.GroupCode], r.Rating, r.Comment, r.Reply})
		}
		return c.ExportXLSX(c.T("care.visits.title"), head, out)
	}
	stats, err := h.store.Visits(c.R.Context(), f)
	if err != nil {
		return err
	}
	names, err := h.groupNames(c)
	if err != nil {
		return err
	}
	for i, g := range stats.ByGroup { // the store gives the Chinese name
		if n := names[g.Key]; n != "" {
			stats.ByGroup[i].Label = n
		}
	}
	v.CanEdit, v.Rows, v.Stats, v.Q, v.P = c.Server().Can(c.Actor, "care.edit"), rows, stats, q, q.Pager(visitsPath, total)
	for _, n := range stats.ByHour {
		v.HourMax = max(v.HourMax, n)
	}
	if v.Errors == nil {
		v.Errors = errs
	}
	return c.RenderPage(status, "care/console/visits", &web.Page{Title: c.T("care.visits.title"),
		Crumbs: []web.Crumb{{Label: c.T("care.menu_group")}, {Label: c.T("care.visits.title")}}, Data: v})
}

// Bar is one bar of the by-hour figure, in SVG units.
type Bar struct{ Hour, N, X, Y, H int }

// HourBars is the by-hour figure, bars up to 60 units high.
func (v *visitListView) HourBars() []Bar {
	out := make([]Bar, 24)
	for i := range out {
		out[i] = Bar{Hour: i, X: i*20 + 2, Y: 70}
		if v.Stats != nil && v.HourMax > 0 {
			out[i].N = v.Stats.ByHour[i]
			out[i].H = out[i].N * 60 / v.HourMax
			out[i].Y = 70 - out[i].H
		}
	}
	return out
}

func (h *Handlers) reply(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	text := c.R.PostFormValue("reply")
	err = h.store.ReplyVisit(c.R.Context(), id, text)
	if err == nil {
		return c.Redirect(visitsPath+"?rated=1", "care.flash.replied")
	}
	status, alert, fields, ok := refusal(c, err)
	if !ok {
		return err
	}
	return h.renderVisits(c, status, &visitListView{Alert: alert, Errors: fields, ReplyFor: id, Reply: text})
}

type coverageView struct {
	Cov *Coverage
}

// Share formats a share for the template.
func (v *coverageView) Share(covered, all int) string { return Share(covered, all) }

func (h *Handlers) coverage(c *web.Ctx) error {
	cov, err := h.store.Coverage(c.R.Context())
	if err != nil {
		return err
	}
	if c.R.URL.Query().Get("export") == "xlsx" {
		head := []string{c.T("care.col.district"), c.T("care.col.stations"), c.T("care.col.unions"), c.T("care.col.unions_covered"),
			c.T("care.col.union_share"), c.T("care.col.workers"), c.T("care.col.workers_covered"), c.T("care.col.worker_share")}
		out := make([][]any, 0, len(cov.Districts)+1)
		for _, d := range cov.Districts {
			out = append(out, []any{d.Name, d.Stations, d.Unions, d.UnionsCovered, Share(d.UnionsCovered, d.Unions),
				d.Workers, d.WorkersCovered, Share(d.WorkersCovered, d.Workers)})
		}
		out = append(out, []any{c.T("care.total"), cov.Stations, cov.Unions, cov.UnionsCovered, Share(cov.UnionsCovered, cov.Unions),
			cov.Workers, cov.WorkersCovered, Share(cov.WorkersCovered, cov.Workers)})
		return c.ExportXLSX(c.T("care.coverage.title"), head, out)
	}
	return c.RenderPage(http.StatusOK, "care/console/coverage", &web.Page{Title: c.T("care.coverage.title"),
		Crumbs: []web.Crumb{{Label: c.T("care.menu_group")}, {Label: c.T("care.coverage.title")}}, Data: &coverageView{Cov: cov}})
}

// groupNames is the group names in the user's language, by code.
func (h *Handlers) groupNames(c *web.Ctx) (map[string]string, error) {
	groups, err := h.store.Groups(c.R.Context())
	if err != nil {
		return nil, err
	}
	return groupNames(c, groups), nil
}
