package learning

import (
	"net/http"
	"strconv"

	"zhijia/internal/platform"
	"zhijia/internal/web"
)

const reportPath = "/console/learning/report"

type reportView struct {
	R     *YearReport
	Kinds []EventKind
	Years []int
}

func (h *Handlers) report(c *web.Ctx) error {
	now := h.store.clock.Now().In(platform.Shanghai).Year()
	year, err := strconv.Atoi(c.R.URL.Query().Get("year"))
	if err != nil || year < 2000 || year > now {
		year = now
	}
	r, err := h.store.Report(c.R.Context(), year)
	if err != nil {
		return err
	}
	if c.R.URL.Query().Get("export") == "xlsx" {
		return exportReport(c, r)
	}
	v := &reportView{R: r, Kinds: EventKinds()}
	for y := now; y > now-5; y-- {
		v.Years = append(v.Years, y)
	}
	return c.RenderPage(http.StatusOK, "learning/console/report", &web.Page{Title: c.T("learning.report.title"),
		Crumbs: []web.Crumb{{Label: c.T("learning.menu_group")}, {Label: c.T("learning.report.title")}}, Data: v})
}

// exportReport writes the year's figures, then the events by kind, one a row.
func exportReport(c *web.Ctx, r *YearReport) error {
	out := [][]any{{c.T("learning.report.events"), r.Events}, {c.T("learning.report.units"), r.UnitsReached},
		{c.T("learning.report.workers"), r.WorkersReached}, {c.T("learning.report.checkins"), r.CheckIns},
		{c.T("learning.report.quizzes"), r.Quizzes}, {c.T("learning.report.quiz_workers"), r.QuizWorkers},
		{c.T("learning.report.points"), r.PointsEarned}}
	for _, k := range EventKinds() {
		out = append(out, []any{c.T("learning.report.events") + "：" + c.T("learning.evkind."+string(k)), r.EventsByKind[k]})
	}
	return c.ExportXLSX(c.T("learning.report.title")+" "+strconv.Itoa(r.Year), []string{c.T("learning.report.figure"), strconv.Itoa(r.Year)}, out)
}
