package learning

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"zhijia/internal/people"
	"zhijia/internal/platform"
	"zhijia/internal/points"
	"zhijia/internal/web"
)

const ledgerPath = "/console/learning/ledger"

// ledgerSources are the kinds of entries staff filter by (source prefixes).
var ledgerSources = []string{"quiz", "event", "order", "order-cancel"}

type ledgerView struct {
	Rows    []points.EntryRow
	Q       web.ListQuery
	P       web.Pager
	Sources []string
}

// ledgerSearch is the ledger search: entries booked to unions in the actor's subtree.
func (h *Handlers) ledgerSearch(c *web.Ctx) error {
	q := c.ParseList("id")
	f := points.EntryFilter{Path: c.Actor.OrgPath, WorkerID: workerFilter(q.Get("worker")), Limit: q.Limit(), Offset: q.Offset()}
	if src := q.Get("source"); slices.Contains(ledgerSources, src) {
		f.Source = src + ":"
	}
	if d, err := time.ParseInLocation(dateLayout, q.Get("from"), platform.Shanghai); err == nil {
		f.From = d.UTC()
	}
	if d, err := time.ParseInLocation(dateLayout, q.Get("to"), platform.Shanghai); err == nil {
		f.To = d.AddDate(0, 0, 1).UTC()
	}
	rows, total, err := h.ledger.FindEntries(c.R.Context(), f)
	if err != nil {
		return err
	}
	for i := range rows {
		rows[i].WorkerName = people.MaskName(rows[i].WorkerName)
	}
	if q.Export {
		head := []string{c.T("learning.ledger.at"), c.T("learning.ledger.worker_id"), c.T("learning.att.name"), c.T("learning.att.org"),
			c.T("learning.ledger.amount"), c.T("learning.ledger.reason"), c.T("learning.ledger.source")}
		out := make([][]any, 0, len(rows))
		for _, r := range rows {
			out = append(out, []any{r.CreatedAt, r.WorkerID, r.WorkerName, r.OrgName, r.Amount, r.Reason, r.Source})
		}
		return c.ExportXLSX(c.T("learning.ledger.title"), head, out)
	}
	v := &ledgerView{Rows: rows, Q: q, P: q.Pager(ledgerPath, total), Sources: ledgerSources}
	return c.RenderPage(http.StatusOK, "learning/console/ledger", &web.Page{Title: c.T("learning.ledger.title"),
		Crumbs: []web.Crumb{{Label: c.T("learning.menu_group")}, {Label: c.T("learning.ledger.title")}}, Data: v})
}

func workerFilter(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}
