package relief

import (
	"net/http"
	"strconv"
	"strings"

	"zhijia/internal/platform"
	"zhijia/internal/web"
)

const archivePath = "/console/relief/archive"

// mountArchive adds the hardship archive and the year report.
func (h *Handlers) mountArchive(s *web.Server) {
	for page, zero := range map[string]any{"console/archive": &archiveListView{}, "console/archive_file": &archiveView{},
		"console/report": &reportView{}} {
		s.Sample("relief/"+page, zero)
	}
	s.AddMenu(
		web.MenuItem{Group: "relief.menu_group", Label: "relief.menu.archive", Href: archivePath, Perm: "relief.view", Order: 450},
		web.MenuItem{Group: "relief.menu_group", Label: "relief.menu.report", Href: "/console/relief/report", Perm: "relief.view", Order: 460},
	)
	s.Console("GET /console/relief/archive", "relief.view", h.archive)
	s.Console("GET /console/relief/archive/{id}", "relief.view", h.archiveFile)
	s.Console("POST /console/relief/archive/{id}/review", "relief.apply", h.archiveReview)
	s.Console("POST /console/relief/archive/{id}/exit", "relief.review", h.archiveExit)
	s.Console("POST /console/relief/archive/{id}/reopen", "relief.apply", h.archiveReopen)
	s.Console("GET /console/relief/report", "relief.view", h.report)
}

type archiveListView struct {
	Rows []Archive
	Q    web.ListQuery
	P    web.Pager
}

func (h *Handlers) archive(c *web.Ctx) error {
	q := c.ParseList()
	f := ArchiveFilter{Status: q.Get("status"), Due: q.Get("due") == "1", Limit: q.Limit(), Offset: q.Offset()}
	rows, total, err := h.store.FindArchive(c.R.Context(), f)
	if err != nil {
		return err
	}
	if q.Export {
		head := []string{c.T("relief.col.id"), c.T("relief.col.worker"), c.T("relief.col.union"), c.T("relief.col.category"),
			c.T("relief.col.causes"), c.T("relief.col.status"), c.T("relief.archive.opened"), c.T("relief.archive.next_review")}
		out := make([][]any, 0, len(rows))
		for _, r := range rows {
			out = append(out, []any{r.ID, r.WorkerName, r.OrgName, categoryText(c, r.Category), causesText(c, r.Causes),
				c.T("relief.archive." + r.Status), r.OpenedAt, r.NextReviewOn})
		}
		return c.ExportXLSX(c.T("relief.menu.archive"), head, out)
	}
	title := c.T("relief.menu.archive")
	return c.RenderPage(http.StatusOK, "relief/console/archive", &web.Page{Title: title,
		Crumbs: []web.Crumb{{Label: c.T("relief.menu_group")}, {Label: title}},
		Data:   &archiveListView{Rows: rows, Q: q, P: q.Pager(archivePath, total)}})
}

type archiveView struct {
	money
	A         *Archive
	CanApply  bool
	CanReview bool
	Form      map[string]string
	Alert     string
	Errors    map[string]string
}

func (h *Handlers) archiveFile(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	return h.renderArchive(c, http.StatusOK, id, &archiveView{})
}

func (h *Handlers) renderArchive(c *web.Ctx, status int, id int64, v *archiveView) error {
	a, err := h.store.ArchiveFile(c.R.Context(), id)
	if err != nil {
		return err
	}
	v.A, v.CanApply, v.CanReview = a, c.Server().Can(c.Actor, "relief.apply"), c.Server().Can(c.Actor, "relief.review")
	if v.Form == nil {
		v.Form = map[string]string{}
	}
	title := c.T("relief.archive.title")
	return c.RenderPage(status, "relief/console/archive_file", &web.Page{Title: title,
		Crumbs: []web.Crumb{{Label: c.T("relief.menu_group")}, {Label: c.T("relief.menu.archive"), Href: archivePath}, {Label: title}}, Data: v})
}

// archiveDone answers an archive action: back to the file with a flash, or the
// file again with the refusal and what was typed.
func (h *Handlers) archiveDone(c *web.Ctx, id int64, err error, flash string, form map[string]string) error {
	if err == nil {
		return c.Redirect(archivePath+"/"+strconv.FormatInt(id, 10), flash)
	}
	status, alert, fields, ok := refusal(c, err)
	if !ok {
		return err
	}
	return h.renderArchive(c, status, id, &archiveView{Form: form, Alert: alert, Errors: fields})
}

func (h *Handlers) archiveReview(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	form := map[string]string{"month": strings.TrimSpace(c.R.PostFormValue("month")), "per_capita": c.R.PostFormValue("per_capita"),
		"note": c.R.PostFormValue("note")}
	in := ArchiveReview{Version: c.FormInt64("version"), Month: form["month"], CauseGone: c.R.PostFormValue("cause_gone") == "1", Note: form["note"]}
	errs := map[string]string{}
	yuanField(c, "per_capita", &in.PerCapita, errs)
	if len(errs) > 0 {
		err = platform.Invalid().Field("per_capita", errs["per_capita"])
	} else {
		var exited bool
		if exited, err = h.store.ReviewArchive(c.R.Context(), id, in); err == nil && exited {
			return h.archiveDone(c, id, nil, "relief.flash.archive_exited", nil)
		}
	}
	return h.archiveDone(c, id, err, "relief.flash.archive_reviewed", form)
}

func (h *Handlers) archiveExit(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	reason := c.R.PostFormValue("reason")
	err = h.store.ExitArchive(c.R.Context(), id, c.FormInt64("version"), reason)
	return h.archiveDone(c, id, err, "relief.flash.archive_exited", map[string]string{"reason": reason})
}

func (h *Handlers) archiveReopen(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	reason := c.R.PostFormValue("reason")
	err = h.store.ReopenArchive(c.R.Context(), id, c.FormInt64("version"), reason)
	return h.archiveDone(c, id, err, "relief.flash.archive_reopened", map[string]string{"reason": reason})
}

type reportView struct {
	money
	R *YearReport
}

func (h *Handlers) report(c *web.Ctx) error {
	year, _ := strconv.Atoi(c.R.FormValue("year"))
	if year < 2000 || year > 2100 {
		year = YearOf(h.store.now(), platform.Shanghai)
	}
	r, err := h.store.Report(c.R.Context(), year)
	if err != nil {
		return err
	}
	if c.R.FormValue("export") == "xlsx" {
		return h.exportReport(c, r)
	}
	title := c.T("relief.menu.report")
	return c.RenderPage(http.StatusOK, "relief/console/report", &web.Page{Title: title,
		Crumbs: []web.Crumb{{Label: c.T("relief.menu_group")}, {Label: title}}, Data: &reportView{R: r}})
}

func (h *Handlers) exportReport(c *web.Ctx, r *YearReport) error {
	rows := [][]any{
		{c.T("relief.report.archive_start"), r.ArchiveStart, ""}, {c.T("relief.report.archive_end"), r.ArchiveEnd, ""},
		{c.T("relief.report.filed"), r.Filed, ""}, {c.T("relief.report.exited"), r.Exited, ""},
		{c.T("relief.report.households"), r.Households, yuan(r.Granted)},
		{c.T("relief.report.joined"), r.Joined, ""}, {c.T("relief.report.covered"), r.Covered, ""},
	}
	for _, t := range r.ByStatus {
		rows = append(rows, []any{c.T("relief.col.status") + "：" + c.T("relief.status."+t.Key), t.N, yuan(t.Amount)})
	}
	for _, t := range r.ByLevel {
		rows = append(rows, []any{c.T("relief.report.by_level") + "：" + levelText(c, t.Key), t.N, yuan(t.Amount)})
	}
	for _, t := range r.ByCause {
		rows = append(rows, []any{c.T("relief.report.by_cause") + "：" + c.T("relief.cause."+t.Key), t.N, yuan(t.Amount)})
	}
	for _, f := range r.Funds {
		rows = append(rows, []any{c.T("relief.setup.funds") + "：" + f.OrgName, yuan(f.Total), yuan(f.Committed) + " / " + yuan(f.Paid)})
	}
	head := []string{c.T("relief.report.item"), c.T("relief.report.count"), c.T("relief.report.amount")}
	return c.ExportXLSX(c.T("relief.report.file", r.Year), head, rows)
}
