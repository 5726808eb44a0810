package relief

import (
	"zhijia/internal/web"
)

// exportLimit bounds the rows a list's Excel export holds.
const exportLimit = 10000

// exportNotices exports the grants on public notice, names masked as on the page.
func (h *Handlers) exportNotices(c *web.Ctx) error {
	rows, err := h.store.PublicNotices(c.R.Context(), exportLimit)
	if err != nil {
		return err
	}
	head := []string{c.T("relief.col.id"), c.T("relief.col.union"), c.T("relief.col.name"), c.T("relief.col.causes"),
		c.T("relief.col.granted"), c.T("relief.notice.until"), c.T("relief.col.status")}
	out := make([][]any, 0, len(rows))
	for _, n := range rows {
		status := c.T("relief.status.notice")
		if n.Halted {
			status = c.T("relief.status.halted")
		}
		out = append(out, []any{n.ApplicationID, n.Union, n.Name, causesText(c, n.Causes), FormatYuan(n.Amount), n.Until, status})
	}
	return c.ExportXLSX(c.T("relief.notice.title"), head, out)
}

// exportObjections exports the objections in the actor's subtree with their findings.
func (h *Handlers) exportObjections(c *web.Ctx) error {
	rows, err := h.store.Objections(c.R.Context(), exportLimit)
	if err != nil {
		return err
	}
	head := []string{c.T("relief.col.id"), c.T("relief.col.submitted"), c.T("relief.export.raised_by"), c.T("relief.col.union"),
		c.T("relief.col.worker"), c.T("relief.field.objection"), c.T("relief.col.status"), c.T("relief.field.finding"),
		c.T("relief.export.decided_by"), c.T("relief.export.decided_at")}
	out := make([][]any, 0, len(rows))
	for _, o := range rows {
		var decided any = ""
		if o.DecidedAt != nil {
			decided = *o.DecidedAt
		}
		out = append(out, []any{o.ApplicationID, o.RaisedAt, o.RaisedByName, o.Union, o.Worker, o.Body,
			c.T("relief.objection." + o.Status), o.Finding, o.DecidedByName, decided})
	}
	return c.ExportXLSX(c.T("relief.menu.objections"), head, out)
}

// exportBatches exports the payment batches in the actor's subtree (totals, not
// payees: the bank's file is the batch page's, behind the reveal permission).
func (h *Handlers) exportBatches(c *web.Ctx) error {
	rows, err := h.store.Batches(c.R.Context(), exportLimit)
	if err != nil {
		return err
	}
	head := []string{c.T("relief.col.id"), c.T("relief.col.union"), c.T("relief.batch.grants"), c.T("relief.batch.total"),
		c.T("relief.col.status"), c.T("relief.field.bank_ref"), c.T("relief.batch.created"), c.T("relief.export.created_by"),
		c.T("relief.export.paid_at")}
	out := make([][]any, 0, len(rows))
	for _, b := range rows {
		var paid any = ""
		if b.PaidAt != nil {
			paid = *b.PaidAt
		}
		out = append(out, []any{b.ID, b.OrgName, b.Grants, FormatYuan(b.Total), c.T("relief.batch." + b.Status), b.BankRef,
			b.CreatedAt, b.CreatedByName, paid})
	}
	return c.ExportXLSX(c.T("relief.menu.batches"), head, out)
}
