package relief

import (
	"net/http"
	"strconv"

	"zhijia/internal/web"
)

// mountNotice adds public notice, objections and payment batches.
func (h *Handlers) mountNotice(s *web.Server) {
	for page, zero := range map[string]any{"auth/notices": &noticeView{}, "portal/objection": &objectionView{},
		"console/objections": &objectionsView{}, "console/notices": &noticeView{}, "console/batches": &batchesView{}, "console/batch": &batchView{},
		"console/batch_export": &bankFileView{}} {
		s.Sample("relief/"+page, zero)
	}
	s.AddMenu(
		// Any staff may read the notices and object, as anyone may on the public page.
		web.MenuItem{Group: "relief.menu_group", Label: "relief.menu.notices", Href: "/console/relief/notices", Order: 425},
		web.MenuItem{Group: "relief.menu_group", Label: "relief.menu.objections", Href: "/console/relief/objections", Perm: "relief.view", Order: 430},
		web.MenuItem{Group: "relief.menu_group", Label: "relief.menu.batches", Href: "/console/relief/batches", Perm: "relief.view", Order: 440},
	)
	s.Public("GET /relief/notices", h.notices)
	s.Portal("GET /portal/relief/objection", h.objectionForm)
	s.Portal("POST /portal/relief/objection", h.raiseObjection)
	s.Console("GET /console/relief/notices", "", h.consoleNotices)
	s.Console("POST /console/relief/notices/objection", "", h.consoleObjection)
	s.Console("GET /console/relief/objections", "relief.view", h.objections)
	s.Console("POST /console/relief/objections/{id}/resolve", "relief.review", h.resolveObjection)
	s.Console("GET /console/relief/batches", "relief.view", h.batches)
	s.Console("POST /console/relief/batches", "relief.setup", h.createBatch)
	s.Console("GET /console/relief/batches/{id}", "relief.view", h.batch)
	s.Console("GET /console/relief/batches/{id}/export", "people.reveal", h.exportBatchForm)
	s.Console("POST /console/relief/batches/{id}/export", "people.reveal", h.exportBatch)
	s.Console("POST /console/relief/batches/{id}/paid", "relief.setup", h.markPaid)
}

type noticeView struct {
	money
	Rows     []Notice
	Alert    string
	Errors   map[string]string
	FailedID int64
	Body     string
}

func (h *Handlers) notices(c *web.Ctx) error {
	rows, err := h.store.PublicNotices(c.R.Context(), 500)
	if err != nil {
		return err
	}
	return c.RenderPage(http.StatusOK, "relief/auth/notices", &web.Page{Title: c.T("relief.notice.title"), Data: &noticeView{Rows: rows}})
}

// consoleNotices lists the grants on notice for staff, any of whom may object.
func (h *Handlers) consoleNotices(c *web.Ctx) error {
	if c.R.FormValue("export") == "xlsx" {
		return h.exportNotices(c)
	}
	return h.renderConsoleNotices(c, http.StatusOK, &noticeView{})
}

func (h *Handlers) renderConsoleNotices(c *web.Ctx, status int, v *noticeView) error {
	rows, err := h.store.PublicNotices(c.R.Context(), 500)
	if err != nil {
		return err
	}
	v.Rows = rows
	title := c.T("relief.notice.title")
	return c.RenderPage(status, "relief/console/notices", &web.Page{Title: title,
		Crumbs: []web.Crumb{{Label: c.T("relief.menu_group")}, {Label: title}}, Data: v})
}

func (h *Handlers) consoleObjection(c *web.Ctx) error {
	id, err := requireID(c)
	body := c.R.PostFormValue("body")
	if err == nil {
		_, err = h.store.RaiseObjection(c.R.Context(), id, body)
	}
	if err == nil {
		return c.Redirect("/console/relief/notices", "relief.flash.objection")
	}
	status, alert, fields, ok := refusal(c, err)
	if !ok {
		return err
	}
	return h.renderConsoleNotices(c, status, &noticeView{Alert: alert, Errors: fields, FailedID: id, Body: body})
}

type objectionView struct {
	money
	Notice *Notice
	Body   string
	Alert  string
	Errors map[string]string
}

// objectionForm is where a signed-in worker writes an objection to one notice line.
func (h *Handlers) objectionForm(c *web.Ctx) error {
	id := queryID(c)
	n, err := h.noticeLine(c, id)
	if err != nil || n == nil {
		return c.Redirect("/relief/notices", "")
	}
	return c.RenderPage(http.StatusOK, "relief/portal/objection", &web.Page{Title: c.T("relief.objection.title"), Data: &objectionView{Notice: n}})
}

func (h *Handlers) noticeLine(c *web.Ctx, id int64) (*Notice, error) {
	if id == 0 {
		return nil, nil
	}
	rows, err := h.store.PublicNotices(c.R.Context(), 5000)
	if err != nil {
		return nil, err
	}
	for i := range rows {
		if rows[i].ApplicationID == id {
			return &rows[i], nil
		}
	}
	return nil, nil
}

func (h *Handlers) raiseObjection(c *web.Ctx) error {
	id, err := requireID(c)
	if err != nil {
		return err
	}
	body := c.R.PostFormValue("body")
	if _, err := h.store.RaiseObjection(c.R.Context(), id, body); err != nil {
		status, alert, fields, ok := refusal(c, err)
		if !ok {
			return err
		}
		n, _ := h.noticeLine(c, id)
		return c.RenderPage(status, "relief/portal/objection", &web.Page{Title: c.T("relief.objection.title"),
			Data: &objectionView{Notice: n, Body: body, Alert: alert, Errors: fields}})
	}
	return c.Redirect("/relief/notices", "relief.flash.objection")
}

type objectionsView struct {
	Rows      []Objection
	CanReview bool
	Alert     string
	Errors    map[string]string
	FailedID  int64
	Finding   string
}

func (h *Handlers) objections(c *web.Ctx) error {
	if c.R.FormValue("export") == "xlsx" {
		return h.exportObjections(c)
	}
	return h.renderObjections(c, http.StatusOK, &objectionsView{})
}

func (h *Handlers) renderObjections(c *web.Ctx, status int, v *objectionsView) error {
	rows, err := h.store.Objections(c.R.Context(), 200)
	if err != nil {
		return err
	}
	v.Rows, v.CanReview = rows, c.Server().Can(c.Actor, "relief.review")
	title := c.T("relief.menu.objections")
	return c.RenderPage(status, "relief/console/objections", &web.Page{Title: title,
		Crumbs: []web.Crumb{{Label: c.T("relief.menu_group")}, {Label: title}}, Data: v})
}

func (h *Handlers) resolveObjection(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	finding := c.R.PostFormValue("finding")
	err = h.store.ResolveObjection(c.R.Context(), id, c.R.PostFormValue("outcome") == "uphold", finding)
	if err == nil {
		return c.Redirect("/console/relief/objections", "relief.flash.resolved")
	}
	status, alert, fields, ok := refusal(c, err)
	if !ok {
		return err
	}
	return h.renderObjections(c, status, &objectionsView{Alert: alert, Errors: fields, FailedID: id, Finding: finding})
}

type batchesView struct {
	money
	Rows         []Batch
	CanPay       bool
	Payable      int
	PayableTotal int64
	Alert        string
}

func (h *Handlers) batches(c *web.Ctx) error {
	if c.R.FormValue("export") == "xlsx" {
		return h.exportBatches(c)
	}
	return h.renderBatches(c, http.StatusOK, &batchesView{})
}

func (h *Handlers) renderBatches(c *web.Ctx, status int, v *batchesView) error {
	ctx := c.R.Context()
	var err error
	if v.Rows, err = h.store.Batches(ctx, 100); err != nil {
		return err
	}
	if v.Payable, v.PayableTotal, err = h.store.Payable(ctx); err != nil {
		return err
	}
	v.CanPay = c.Server().Can(c.Actor, "relief.setup")
	title := c.T("relief.menu.batches")
	return c.RenderPage(status, "relief/console/batches", &web.Page{Title: title,
		Crumbs: []web.Crumb{{Label: c.T("relief.menu_group")}, {Label: title}}, Data: v})
}

func (h *Handlers) createBatch(c *web.Ctx) error {
	b, err := h.store.CreateBatch(c.R.Context())
	if err == nil {
		return c.Redirect("/console/relief/batches/"+strconv.FormatInt(b.ID, 10), "relief.flash.batch")
	}
	status, alert, _, ok := refusal(c, err)
	if !ok {
		return err
	}
	return h.renderBatches(c, status, &batchesView{Alert: alert})
}

type batchView struct {
	money
	B         *Batch
	CanPay    bool
	CanReveal bool // may export the bank's file with full accounts
	BankRef   string
	Alert     string
	Errors    map[string]string
}

func (h *Handlers) batch(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	return h.renderBatch(c, http.StatusOK, id, &batchView{})
}

func (h *Handlers) renderBatch(c *web.Ctx, status int, id int64, v *batchView) error {
	b, err := h.store.Batch(c.R.Context(), id, false)
	if err != nil {
		return err
	}
	v.B, v.CanPay = b, c.Server().Can(c.Actor, "relief.setup") && b.OrgID == c.Actor.OrgID
	v.CanReveal = c.Server().Can(c.Actor, "people.reveal")
	title := c.T("relief.batch.title")
	return c.RenderPage(status, "relief/console/batch", &web.Page{Title: title,
		Crumbs: []web.Crumb{{Label: c.T("relief.menu_group")}, {Label: c.T("relief.menu.batches"), Href: "/console/relief/batches"}, {Label: title}}, Data: v})
}

func (h *Handlers) markPaid(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	ref := c.R.PostFormValue("bank_ref")
	if err := h.store.MarkPaid(c.R.Context(), id, ref); err != nil {
		status, alert, fields, ok := refusal(c, err)
		if !ok {
			return err
		}
		return h.renderBatch(c, status, id, &batchView{BankRef: ref, Alert: alert, Errors: fields})
	}
	return c.Redirect("/console/relief/batches/"+strconv.FormatInt(id, 10), "relief.flash.paid")
}
