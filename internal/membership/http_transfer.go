package membership

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"zhijia/internal/web"
)

type transferListView struct {
	Rows      []Transfer
	Q         web.ListQuery
	P         web.Pager
	Statuses  []TransferStatus
	ActorPath string // to tell moves in from moves out
	CanEdit   bool
}

type transferView struct {
	T         *Transfer
	ActorPath string
	Reason    string
	Error     string
	Alert     string
}

type transferNewView struct {
	WorkerID string
	Q        string
	Results  []Union
	Searched bool
	OrgID    int64
	Reason   string
	Errors   map[string]string
	Alert    string
}

const transfersPath = "/console/membership/transfers"

func transferURL(id int64) string { return transfersPath + "/" + strconv.FormatInt(id, 10) }

func (h *Handlers) transfers(c *web.Ctx) error {
	q := c.ParseList("requested")
	f := TransferFilter{Status: TransferStatus(q.Get("status")), Limit: q.Limit(), Offset: q.Offset()}
	switch f.Status {
	case "", TransferPending, TransferAccepted, TransferDeclined, TransferCancelled:
	default:
		f.Status = ""
	}
	rows, total, err := h.store.FindTransfers(c.R.Context(), f)
	if err != nil {
		return err
	}
	if q.Export {
		head := []string{c.T("membership.col.requested"), c.T("membership.col.worker"), c.T("membership.col.from"),
			c.T("membership.col.to"), c.T("membership.col.status"), c.T("membership.col.decided_by"), c.T("membership.col.reason")}
		out := make([][]any, 0, len(rows))
		for _, r := range rows {
			out = append(out, []any{r.RequestedAt, r.WorkerName, r.FromName, r.ToName,
				c.T("membership.tstatus." + string(r.Status)), r.DecidedByName, r.Reason})
		}
		return c.ExportXLSX(c.T("membership.transfers.title"), head, out)
	}
	v := &transferListView{Rows: rows, Q: q, P: q.Pager(transfersPath, total), ActorPath: c.Actor.OrgPath,
		Statuses: []TransferStatus{TransferPending, TransferAccepted, TransferDeclined, TransferCancelled},
		CanEdit:  c.Server().Can(c.Actor, "people.edit")}
	return c.RenderPage(http.StatusOK, "membership/console/transfers", &web.Page{Title: c.T("membership.transfers.title"),
		Crumbs: []web.Crumb{{Label: c.T("membership.menu_group")}, {Label: c.T("membership.transfers.title")}}, Data: v})
}

func (h *Handlers) transferShow(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	t, err := h.store.Transfer(c.R.Context(), id)
	if err != nil {
		return err
	}
	return h.renderTransfer(c, http.StatusOK, &transferView{T: t})
}

func (h *Handlers) renderTransfer(c *web.Ctx, status int, v *transferView) error {
	v.ActorPath = c.Actor.OrgPath
	title := c.T("membership.transfer.title")
	return c.RenderPage(status, "membership/console/transfer", &web.Page{Title: title,
		Crumbs: []web.Crumb{{Label: c.T("membership.menu_group")}, {Label: c.T("membership.transfers.title"), Href: transfersPath},
			{Label: title}}, Data: v})
}

func (h *Handlers) transferAccept(c *web.Ctx) error {
	return h.decide(c, func(ctx context.Context, id, version int64, _ string) error {
		return h.store.AcceptTransfer(ctx, id, version)
	}, transferURL, "membership.flash.transfer_accepted", h.refuseTransfer)
}

func (h *Handlers) transferDecline(c *web.Ctx) error {
	return h.decide(c, h.store.DeclineTransfer, transferURL, "membership.flash.transfer_declined", h.refuseTransfer)
}

func (h *Handlers) refuseTransfer(c *web.Ctx, id int64, reason string, err error) error {
	status, alert, fields, ok := refusal(c, err)
	if !ok {
		return err
	}
	t, err := h.store.Transfer(c.R.Context(), id)
	if err != nil {
		return err
	}
	return h.renderTransfer(c, status, &transferView{T: t, Reason: reason, Error: fields["reason"], Alert: alert})
}

// transferNew is the form staff use to move a member of their union elsewhere.
func (h *Handlers) transferNew(c *web.Ctx) error {
	v := &transferNewView{WorkerID: strings.TrimSpace(c.R.FormValue("worker_id"))}
	if err := h.searchFor(c, v); err != nil {
		return err
	}
	return h.renderTransferNew(c, http.StatusOK, v)
}

func (h *Handlers) searchFor(c *web.Ctx, v *transferNewView) error {
	v.Q = strings.TrimSpace(c.R.FormValue("q"))
	if v.Q == "" {
		return nil
	}
	v.Searched = true
	city, err := h.store.CityOf(c.R.Context(), c.Actor.OrgID)
	if err != nil {
		return err
	}
	v.Results, err = h.store.SearchUnions(c.R.Context(), city, v.Q, 20)
	return err
}

func (h *Handlers) renderTransferNew(c *web.Ctx, status int, v *transferNewView) error {
	title := c.T("membership.transfer_new.title")
	return c.RenderPage(status, "membership/console/transfer_new", &web.Page{Title: title,
		Crumbs: []web.Crumb{{Label: c.T("membership.menu_group")}, {Label: c.T("membership.transfers.title"), Href: transfersPath},
			{Label: title}}, Data: v})
}

func (h *Handlers) transferCreate(c *web.Ctx) error {
	v := &transferNewView{WorkerID: strings.TrimSpace(c.R.PostFormValue("worker_id")), OrgID: c.FormInt64("org_id"),
		Reason: c.R.PostFormValue("reason")}
	workerID, _ := strconv.ParseInt(v.WorkerID, 10, 64)
	t, err := h.store.RequestTransfer(c.R.Context(), workerID, v.OrgID, v.Reason)
	if err == nil {
		return c.Redirect(transferURL(t.ID), "membership.flash.transfer_requested")
	}
	status, alert, fields, ok := refusal(c, err)
	if !ok {
		return err
	}
	v.Alert, v.Errors = alert, fields
	if err := h.searchFor(c, v); err != nil {
		return err
	}
	return h.renderTransferNew(c, status, v)
}
