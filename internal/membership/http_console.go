package membership

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"zhijia/internal/web"
)

type appListView struct {
	CanEdit  bool
	Rows     []Application
	Q        web.ListQuery
	P        web.Pager
	Statuses []Status
}

type appView struct {
	App    *Application
	Reason string
	Error  string // beside the reason, translated
	Alert  string
}

const appsPath = "/console/membership/applications"

func appURL(id int64) string { return appsPath + "/" + strconv.FormatInt(id, 10) }

func (h *Handlers) applications(c *web.Ctx) error {
	q := c.ParseList("submitted")
	f := Filter{Status: Status(q.Get("status")), Q: q.Q, Limit: q.Limit(), Offset: q.Offset()}
	switch f.Status {
	case "", Pending, Approved, Declined, Withdrawn:
	default:
		f.Status = ""
	}
	rows, total, err := h.store.FindApplications(c.R.Context(), f)
	if err != nil {
		return err
	}
	if q.Export {
		head := []string{c.T("membership.col.submitted"), c.T("membership.col.worker"), c.T("membership.col.union"),
			c.T("membership.col.status"), c.T("membership.col.decided_by"), c.T("membership.col.decided_at"), c.T("membership.col.reason")}
		out := make([][]any, 0, len(rows))
		for _, r := range rows {
			var at any = ""
			if r.DecidedAt != nil {
				at = *r.DecidedAt
			}
			out = append(out, []any{r.SubmittedAt, r.WorkerName, r.OrgName, c.T("membership.status." + string(r.Status)),
				r.DecidedByName, at, r.Reason})
		}
		return c.ExportXLSX(c.T("membership.applications.title"), head, out)
	}
	v := &appListView{CanEdit: c.Server().Can(c.Actor, "people.edit"), Rows: rows, Q: q, P: q.Pager(appsPath, total), Statuses: []Status{Pending, Approved, Declined, Withdrawn}}
	return c.RenderPage(http.StatusOK, "membership/console/applications", &web.Page{Title: c.T("membership.applications.title"),
		Crumbs: []web.Crumb{{Label: c.T("membership.menu_group")}, {Label: c.T("membership.applications.title")}}, Data: v})
}

func (h *Handlers) application(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	app, err := h.store.Application(c.R.Context(), id)
	if err != nil {
		return err
	}
	return h.renderApp(c, http.StatusOK, &appView{App: app})
}

func (h *Handlers) renderApp(c *web.Ctx, status int, v *appView) error {
	title := c.T("membership.application.title")
	return c.RenderPage(status, "membership/console/application", &web.Page{Title: title,
		Crumbs: []web.Crumb{{Label: c.T("membership.menu_group")}, {Label: c.T("membership.applications.title"), Href: appsPath},
			{Label: title}}, Data: v})
}

// decide runs a staff decision posted from a record's page: success goes back to
// the page with a flash; a refusal shows the page again with the reason as typed.
func (h *Handlers) decide(c *web.Ctx, do func(ctx context.Context, id, version int64, reason string) error,
	url func(int64) string, flash string, refuse func(*web.Ctx, int64, string, error) error) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	reason := c.R.PostFormValue("reason")
	if err := do(c.R.Context(), id, c.FormInt64("version"), reason); err != nil {
		return refuse(c, id, reason, err)
	}
	return c.Redirect(url(id), flash)
}

func (h *Handlers) approve(c *web.Ctx) error {
	return h.decide(c, func(ctx context.Context, id, version int64, _ string) error {
		return h.store.Approve(ctx, id, version)
	}, appURL, "membership.flash.approved", h.refuseApp)
}

func (h *Handlers) decline(c *web.Ctx) error {
	return h.decide(c, h.store.Decline, appURL, "membership.flash.declined", h.refuseApp)
}

// refuseApp shows the application again with the refusal, the reason as typed.
func (h *Handlers) refuseApp(c *web.Ctx, id int64, reason string, err error) error {
	status, alert, fields, ok := refusal(c, err)
	if !ok {
		return err
	}
	app, err := h.store.Application(c.R.Context(), id)
	if err != nil {
		return err
	}
	v := &appView{App: app, Reason: reason, Error: fields["reason"], Alert: alert}
	return h.renderApp(c, status, v)
}

// applicationNew is the form grassroots staff use to apply for a worker who
// cannot do it on a phone: the worker's record and the union in their scope.
func (h *Handlers) applicationNew(c *web.Ctx) error {
	v := &transferNewView{WorkerID: strings.TrimSpace(c.R.FormValue("worker_id"))}
	if err := h.searchFor(c, v); err != nil {
		return err
	}
	return h.renderApplicationNew(c, http.StatusOK, v)
}

func (h *Handlers) renderApplicationNew(c *web.Ctx, status int, v *transferNewView) error {
	title := c.T("membership.application_new.title")
	return c.RenderPage(status, "membership/console/application_new", &web.Page{Title: title,
		Crumbs: []web.Crumb{{Label: c.T("membership.menu_group")}, {Label: c.T("membership.applications.title"), Href: appsPath},
			{Label: title}}, Data: v})
}

func (h *Handlers) applicationCreate(c *web.Ctx) error {
	v := &transferNewView{WorkerID: strings.TrimSpace(c.R.PostFormValue("worker_id")), OrgID: c.FormInt64("org_id")}
	workerID, _ := strconv.ParseInt(v.WorkerID, 10, 64)
	a, err := h.store.SubmitFor(c.R.Context(), workerID, v.OrgID)
	if err == nil {
		return c.Redirect(appURL(a.ID), "membership.flash.submitted_for")
	}
	status, alert, fields, ok := refusal(c, err)
	if !ok {
		return err
	}
	v.Alert, v.Errors = alert, fields
	if err := h.searchFor(c, v); err != nil {
		return err
	}
	return h.renderApplicationNew(c, status, v)
}
