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
	v := &reportView{R: r, Kinds: EventKinds()}
	for y := now; y > now-5; y-- {
		v.Years = append(v.Years, y)
	}
	return c.RenderPage(http.StatusOK, "learning/console/report", &web.Page{Title: c.T("learning.report.title"),
		Crumbs: []web.Crumb{{Label: c.T("learning.menu_group")}, {Label: c.T("learning.report.title")}}, Data: v})
}
