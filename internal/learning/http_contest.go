package learning

import (
	"net/http"
	"strconv"

	"zhijia/internal/web"
)

const (
	contestsPath       = "/console/learning/contests"
	portalContestsPath = "/portal/learning/contests"
)

type contestsView struct {
	CanEdit bool
	Rows    []QuizContest
	P       web.Pager
}

type contestForm struct {
	In     ContestInput
	Orgs   []OrgOption
	Alert  string
	Errors map[string]string
}

type contestView struct {
	C       *QuizContest
	Entries []ContestEntry
	Teams   []TeamStanding
}

type myContestView struct {
	C     *QuizContest
	Open  []QuizContest
	Entry *ContestEntry
	Items []Item
	Now   bool // still open at this moment
}

func (h *Handlers) contests(c *web.Ctx) error {
	q := c.ParseList("starts")
	rows, total, err := h.store.FindContests(c.R.Context(), q.Limit(), q.Offset())
	if err != nil {
		return err
	}
	if q.Export {
		head := []string{c.T("learning.contest.title"), c.T("learning.ev.org"), c.T("learning.ev.starts"), c.T("learning.ev.ends"),
			c.T("learning.contest.questions"), c.T("learning.contest.entries")}
		out := make([][]any, 0, len(rows))
		for _, r := range rows {
			out = append(out, []any{r.Title, r.OrgName, r.StartsAt, r.EndsAt, r.Total, r.Entries})
		}
		return c.ExportXLSX(c.T("learning.contests.title"), head, out)
	}
	v := &contestsView{CanEdit: c.Server().Can(c.Actor, permEdit), Rows: rows, P: q.Pager(contestsPath, total)}
	return c.RenderPage(http.StatusOK, "learning/console/contests", &web.Page{Title: c.T("learning.contests.title"),
		Crumbs: []web.Crumb{{Label: c.T("learning.menu_group")}, {Label: c.T("learning.contests.title")}}, Data: v})
}

func (h *Handlers) renderContestForm(c *web.Ctx, status int, v *contestForm) error {
	orgs, err := h.store.EventOrgs(c.R.Context())
	if err != nil {
		return err
	}
	v.Orgs = orgs
	return c.RenderPage(status, "learning/console/contest_form", &web.Page{Title: c.T("learning.contests.new"),
		Crumbs: []web.Crumb{{Label: c.T("learning.menu_group")}, {Label: c.T("learning.contests.title"), Href: contestsPath}, {Label: c.T("learning.contests.new")}}, Data: v})
}

func (h *Handlers) contestNew(c *web.Ctx) error {
	return h.renderContestForm(c, http.StatusOK, &contestForm{In: ContestInput{Questions: "10", Minutes: "10", OrgID: c.Actor.OrgID}})
}

func (h *Handlers) contestCreate(c *web.Ctx) error {
	f := c.R.PostFormValue
	in := ContestInput{Title: f("title"), Starts: f("starts"), Ends: f("ends"), Questions: f("questions"), Minutes: f("minutes"),
		Tag: f("tag"), OrgID: c.FormInt64("org_id")}
	id, err := h.store.CreateContest(c.R.Context(), in)
	if err != nil {
		status, alert, fields, ok := refusal(c, err)
		if !ok {
			return err
		}
		return h.renderContestForm(c, status, &contestForm{In: in, Alert: alert, Errors: fields})
	}
	return c.Redirect(contestsPath+"/"+strconv.FormatInt(id, 10), "learning.flash.contest_created")
}

func (h *Handlers) contestShow(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	ct, entries, teams, err := h.store.Contest(c.R.Context(), id)
	if err != nil {
		return err
	}
	if c.R.URL.Query().Get("export") == "xlsx" {
		head := []string{c.T("learning.rank.rank"), c.T("learning.att.name"), c.T("learning.att.org"), c.T("learning.contest.score"), c.T("learning.contest.time")}
		out := make([][]any, 0, len(entries))
		for _, e := range entries {
			out = append(out, []any{e.Rank, e.WorkerName, e.OrgName, e.Score, e.Duration.Round(100 * 1e6).String()})
		}
		return c.ExportXLSX(ct.Title, head, out)
	}
	return c.RenderPage(http.StatusOK, "learning/console/contest", &web.Page{Title: ct.Title,
		Crumbs: []web.Crumb{{Label: c.T("learning.menu_group")}, {Label: c.T("learning.contests.title"), Href: contestsPath}, {Label: ct.Title}},
		Data:   &contestView{C: ct, Entries: entries, Teams: teams}})
}

func (h *Handlers) myContests(c *web.Ctx) error {
	v := &myContestView{}
	ctx := c.R.Context()
	var err error
	if v.Open, err = h.store.OpenContests(ctx); err != nil {
		return err
	}
	if id, _ := strconv.ParseInt(c.R.URL.Query().Get("id"), 10, 64); id > 0 {
		if v.C, v.Entry, v.Items, err = h.store.MyContest(ctx, id); err != nil {
			return err
		}
		v.Now = v.C.Open(h.store.clock.Now())
	}
	return c.RenderPage(http.StatusOK, "learning/portal/contests", &web.Page{Title: c.T("learning.contests.portal"), Data: v})
}

func (h *Handlers) contestEnter(c *web.Ctx) error {
	id := c.FormInt64("contest")
	if id <= 0 {
		return c.Redirect(portalContestsPath, "learning.flash.no_contest")
	}
	err := h.store.EnterContest(c.R.Context(), id)
	if key, ok := platformError(err); ok && err != nil && key != "err.not_found" {
		return c.Redirect(portalContestsPath, key)
	}
	if err != nil {
		return err
	}
	return c.Redirect(portalContestsPath+"?id="+strconv.FormatInt(id, 10), "")
}

func (h *Handlers) contestSubmit(c *web.Ctx) error {
	id := c.FormInt64("contest")
	if id <= 0 {
		return c.Redirect(portalContestsPath, "learning.flash.no_contest")
	}
	err := h.store.SubmitContest(c.R.Context(), id, answersFrom(c))
	back := portalContestsPath + "?id=" + strconv.FormatInt(id, 10)
	if key, ok := platformError(err); ok && err != nil && key != "err.not_found" {
		return c.Redirect(back, key)
	}
	if err != nil {
		return err
	}
	return c.Redirect(back, "learning.flash.contest_submitted")
}
