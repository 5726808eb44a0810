package relief

import (
	"net/http"
	"strconv"

	"zhijia/internal/platform"
	"zhijia/internal/web"
)

type myView struct {
	money
	Rows      []Application
	Programme bool // this year's programme is open for applications
}

func (h *Handlers) myApplications(c *web.Ctx) error {
	rows, err := h.store.MyApplications(c.R.Context())
	if err != nil {
		return err
	}
	v := &myView{Rows: rows}
	if _, err := h.store.ProgrammeFor(c.R.Context(), cityOf(c.Actor.OrgPath), YearOf(h.store.now(), platform.Shanghai)); err == nil {
		v.Programme = true
	}
	return c.RenderPage(http.StatusOK, "relief/portal/home", &web.Page{Title: c.T("relief.portal.title"), Data: v})
}

// queryID reads ?id= (or a posted id); 0 when absent or malformed.
func queryID(c *web.Ctx) int64 {
	id, _ := strconv.ParseInt(c.R.FormValue("id"), 10, 64)
	if id < 0 {
		return 0
	}
	return id
}

func (h *Handlers) myApplication(c *web.Ctx) error {
	id := queryID(c)
	if id == 0 {
		return c.Redirect("/portal/relief", "")
	}
	return h.showMine(c, http.StatusOK, id, &appView{})
}

func (h *Handlers) showMine(c *web.Ctx, status int, id int64, v *appView) error {
	app, err := h.store.Application(c.R.Context(), id)
	if err != nil {
		return err
	}
	v.App = app
	if v.Form == nil {
		v.Form = map[string]string{}
	}
	return c.RenderPage(status, "relief/portal/application", &web.Page{Title: c.T("relief.application.title"), Data: v})
}

// requireID refuses a posted action that names no application.
func requireID(c *web.Ctx) (int64, error) {
	id := queryID(c)
	if id == 0 {
		return 0, platform.Invalid().Field("id", "relief.err.no_application")
	}
	return id, nil
}

func (h *Handlers) portalResubmit(c *web.Ctx) error {
	id, err := requireID(c)
	if err != nil {
		return err
	}
	if form, err := h.resubmit(c, id); err != nil {
		status, alert, fields, ok := refusal(c, err)
		if !ok {
			return err
		}
		return h.showMine(c, status, id, &appView{Form: form, Alert: alert, Errors: fields})
	}
	return c.Redirect(portalAppURL(id), "relief.flash.resubmitted")
}

func (h *Handlers) portalAttach(c *web.Ctx) error {
	id, err := requireID(c)
	if err != nil {
		return err
	}
	if err := h.attach(c, id); err != nil {
		status, alert, fields, ok := refusal(c, err)
		if !ok {
			return err
		}
		return h.showMine(c, status, id, &appView{Alert: alert, Errors: fields})
	}
	return c.Redirect(portalAppURL(id), "relief.flash.attached")
}

func (h *Handlers) portalAttachment(c *web.Ctx) error {
	id := queryID(c)
	if id == 0 {
		return c.Redirect("/portal/relief", "")
	}
	return h.serveAttachment(c, id)
}
