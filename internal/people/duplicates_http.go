package people

import (
	"net/http"
	"strconv"

	"zhijia/internal/platform"
	"zhijia/internal/web"
)

// dupPath is the review queue. It lives beside /console/workers rather than under
// it: /console/workers/duplicates/{id} and /console/workers/{id}/edit would both
// match /console/workers/duplicates/edit, which ServeMux refuses as a conflict.
const dupPath = "/console/worker-duplicates"

func dupURL(id int64) string { return dupPath + "/" + strconv.FormatInt(id, 10) }

// mountDuplicates adds the duplicate review queue: people.edit lists, scans,
// merges and dismisses; the store keeps every pair inside the actor's subtree.
func mountDuplicates(s *web.Server, h *Handlers) {
	s.Catalog.Add(dupMessages)
	s.Sample("people/console/duplicates", &dupListView{})
	s.Sample("people/console/duplicate", &dupView{D: &Duplicate{}})
	s.AddMenu(web.MenuItem{Group: "people.menu_group", Label: "people.dup.menu", Href: dupPath, Perm: "people.edit", Order: 220})
	s.Console("GET "+dupPath, "people.edit", h.duplicates)
	s.Console("POST "+dupPath+"/scan", "people.edit", h.scanDuplicates)
	s.Console("GET "+dupPath+"/{id}", "people.edit", h.duplicate)
	s.Console("POST "+dupPath+"/{id}/merge", "people.edit", h.mergeDuplicate)
	s.Console("POST "+dupPath+"/{id}/dismiss", "people.edit", h.dismissDuplicate)
}

type dupListView struct {
	Rows     []Duplicate
	Q        web.ListQuery
	P        web.Pager
	Statuses []DupStatus
	Found    string // the last scan's count, from the redirect
}

func (h *Handlers) duplicates(c *web.Ctx) error {
	q := c.ParseList()
	st := DupStatus(q.Get("status"))
	switch st {
	case "", DupOpen, DupMerged, DupDismissed:
	default:
		st = ""
	}
	rows, total, err := h.store.FindDuplicates(c.R.Context(), DupFilter{Status: st, Limit: q.Limit(), Offset: q.Offset()})
	if err != nil {
		return err
	}
	if q.Export {
		return exportDuplicates(c, rows)
	}
	v := &dupListView{Rows: rows, Q: q, P: q.Pager(dupPath, total), Statuses: DupStatuses()}
	if n, err := strconv.Atoi(c.R.URL.Query().Get("found")); err == nil && n >= 0 {
		v.Found = c.T("people.dup.scan_result", n)
	}
	return c.RenderPage(http.StatusOK, "people/console/duplicates", &web.Page{Title: c.T("people.dup.title"),
		Crumbs: crumbs(c, web.Crumb{Label: c.T("people.dup.title")}), Data: v})
}

func (h *Handlers) scanDuplicates(c *web.Ctx) error {
	n, err := h.store.ScanDuplicates(c.R.Context())
	if err != nil {
		return err
	}
	return c.Redirect(dupPath+"?status=open&found="+strconv.Itoa(n), "")
}

type dupView struct {
	D     *Duplicate
	Sides []dupSide
	Keep  int64
	Note  string
	Alert string
	Err   map[string]string // field → message, translated
}

// dupSide is one record of the pair as the page shows it; W is nil once merged away.
type dupSide struct {
	ID   int64
	W    *Worker
	Name string // masked
}

func (h *Handlers) duplicate(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	return h.renderDup(c, http.StatusOK, &dupView{}, id)
}

func (h *Handlers) renderDup(c *web.Ctx, status int, v *dupView, id int64) error {
	d, err := h.store.GetDuplicate(c.R.Context(), id)
	if err != nil {
		return err
	}
	v.D = d
	v.Sides = []dupSide{{ID: d.AID, W: d.A}, {ID: d.BID, W: d.B}}
	for i := range v.Sides {
		if w := v.Sides[i].W; w != nil {
			v.Sides[i].Name = MaskName(w.Name)
		}
	}
	title := c.T("people.dup.pair_title")
	return c.RenderPage(status, "people/console/duplicate", &web.Page{Title: title,
		Crumbs: crumbs(c, web.Crumb{Label: c.T("people.dup.title"), Href: dupPath}, web.Crumb{Label: title}), Data: v})
}

func (h *Handlers) mergeDuplicate(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	keep := c.FormInt64("keep")
	if err := h.store.Merge(c.R.Context(), id, c.FormInt64("version"), keep); err != nil {
		return h.refuseDup(c, id, &dupView{Keep: keep}, err)
	}
	return c.Redirect(dupURL(id), "people.dup.flash.merged")
}

func (h *Handlers) dismissDuplicate(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	note := c.R.PostFormValue("note")
	if err := h.store.Dismiss(c.R.Context(), id, c.FormInt64("version"), note); err != nil {
		return h.refuseDup(c, id, &dupView{Note: note}, err)
	}
	return c.Redirect(dupURL(id), "people.dup.flash.dismissed")
}

// refuseDup shows the pair again with the refusal and the input kept: 422 for a
// missing choice, 409 for a stale or blocked decision.
func (h *Handlers) refuseDup(c *web.Ctx, id int64, v *dupView, err error) error {
	e, ok := platform.AsError(err)
	if !ok || (e.Code != platform.CodeInvalid && e.Code != platform.CodeConflict) {
		return err
	}
	v.Err = map[string]string{}
	for k, key := range e.Fields {
		v.Err[k] = c.T(key)
	}
	v.Alert = c.T("form.fix_errors")
	if e.Message != "err.invalid" {
		v.Alert = c.T(e.Message, e.Args...)
	}
	return h.renderDup(c, platform.HTTPStatus(e.Code), v, id)
}

// exportDuplicates sends the queue as .xlsx, personal data masked as on the page.
func exportDuplicates(c *web.Ctx, rows []Duplicate) error {
	head := []string{c.T("people.dup.col.found"), c.T("people.dup.col.a"), c.T("people.dup.col.b"),
		c.T("people.dup.col.reason"), c.T("people.dup.col.status"), c.T("people.dup.col.decided_at"), c.T("people.dup.col.note")}
	side := func(w *Worker) string {
		if w == nil {
			return c.T("people.dup.gone")
		}
		return MaskName(w.Name) + " · " + w.OrgName + " · " + w.IDMasked
	}
	out := make([][]any, 0, len(rows))
	for _, d := range rows {
		decided := any("")
		if d.DecidedAt != nil {
			decided = *d.DecidedAt
		}
		out = append(out, []any{d.FoundAt, side(d.A), side(d.B), c.T("people.dup.reason." + d.Reason),
			c.T("people.dup.status." + string(d.Status)), decided, d.Note})
	}
	return c.ExportXLSX(c.T("people.dup.title"), head, out)
}
