package learning

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"zhijia/internal/people"
	"zhijia/internal/points"
	"zhijia/internal/web"
)

const rankingPath = "/console/learning/ranking"

// rankingView is a leaderboard page, on the portal or the console.
type rankingView struct {
	Scope   string // portal: union, district or city
	Scopes  []string
	Period  points.Period
	Periods []points.Period
	ByRate  bool
	Leaders []points.Leader
	Unions  []points.UnionStanding
	Me      int64
	Q       web.ListQuery
}

func pickPeriod(s string) points.Period {
	p := points.Period(s)
	if !slices.Contains(points.Periods(), p) {
		return points.Month
	}
	return p
}

// scopePaths are the worker's union, district and city paths, from their own.
func scopePaths(path string) map[string]string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	out := map[string]string{"union": path}
	if len(parts) >= 1 {
		out["city"] = "/" + parts[0] + "/"
	}
	if len(parts) >= 2 {
		out["district"] = "/" + parts[0] + "/" + parts[1] + "/"
	}
	return out
}

// WorkerPath is the signed-in worker's union path.
func (s *Store) WorkerPath(ctx context.Context) (string, error) {
	w, err := workerActor(ctx)
	if err != nil {
		return "", err
	}
	wk := workerOf(w)
	return wk.path, nil
}

func (h *Handlers) portalRanking(c *web.Ctx) error {
	ctx := c.R.Context()
	path, err := h.store.WorkerPath(ctx)
	if err != nil {
		return err
	}
	q := c.R.URL.Query()
	v := &rankingView{Scope: q.Get("scope"), Scopes: []string{"union", "district", "city"}, Period: pickPeriod(q.Get("period")),
		Periods: points.Periods(), ByRate: q.Get("by") == "rate", Me: c.Actor.WorkerID}
	if !slices.Contains(v.Scopes, v.Scope) {
		v.Scope = "union"
	}
	paths := scopePaths(path)
	now := h.store.clock.Now()
	if v.Leaders, err = h.ledger.Leaders(ctx, paths[v.Scope], v.Period, now, 50); err != nil {
		return err
	}
	if v.Unions, err = h.ledger.UnionRanking(ctx, paths["district"], v.Period, now, v.ByRate, 20); err != nil {
		return err
	}
	maskLeaders(v.Leaders)
	return c.RenderPage(http.StatusOK, "learning/portal/ranking", &web.Page{Title: c.T("learning.rank.title"), Data: v})
}

func maskLeaders(ls []points.Leader) {
	for i := range ls {
		ls[i].Name = people.MaskName(ls[i].Name)
	}
}

func (h *Handlers) consoleRanking(c *web.Ctx) error {
	ctx := c.R.Context()
	q := c.ParseList("avg", "rate")
	v := &rankingView{Period: pickPeriod(q.Get("period")), Periods: points.Periods(), ByRate: q.Sort == "rate", Q: q}
	now := h.store.clock.Now()
	people := q.Export && q.Get("board") == "people"
	var err error
	if !people {
		if v.Unions, err = h.ledger.UnionRanking(ctx, c.Actor.OrgPath, v.Period, now, v.ByRate, q.Limit()); err != nil {
			return err
		}
	}
	if q.Export && !people {
		head := []string{c.T("learning.rank.rank"), c.T("learning.rank.union"), c.T("learning.rank.headcount"), c.T("learning.rank.points"),
			c.T("learning.rank.active"), c.T("learning.rank.avg"), c.T("learning.rank.rate")}
		out := make([][]any, 0, len(v.Unions))
		for _, u := range v.Unions {
			out = append(out, []any{u.Rank, u.Name, u.Headcount, u.Points, u.Active, u.Avg(), u.Rate()})
		}
		return c.ExportXLSX(c.T("learning.rank.unions"), head, out)
	}
	limit := 20
	if q.Export {
		limit = q.Limit()
	}
	if v.Leaders, err = h.ledger.Leaders(ctx, c.Actor.OrgPath, v.Period, now, limit); err != nil {
		return err
	}
	maskLeaders(v.Leaders)
	if people {
		head := []string{c.T("learning.rank.rank"), c.T("learning.att.name"), c.T("learning.rank.union"), c.T("learning.rank.points")}
		out := make([][]any, 0, len(v.Leaders))
		for _, l := range v.Leaders {
			out = append(out, []any{l.Rank, l.Name, l.OrgName, l.Points})
		}
		return c.ExportXLSX(c.T("learning.rank.people"), head, out)
	}
	return c.RenderPage(http.StatusOK, "learning/console/ranking", &web.Page{Title: c.T("learning.rank.title"),
		Crumbs: []web.Crumb{{Label: c.T("learning.menu_group")}, {Label: c.T("learning.rank.title")}}, Data: v})
}
