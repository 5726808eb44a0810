package relief

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"zhijia/internal/platform"
	"zhijia/internal/review"
	"zhijia/internal/web"
)

const listPath = "/console/relief/applications"

func appURL(id int64) string { return listPath + "/" + strconv.FormatInt(id, 10) }

func portalAppURL(id int64) string {
	return "/portal/relief/application?id=" + strconv.FormatInt(id, 10)
}

type listView struct {
	money
	Inbox      bool
	CanApply   bool
	Rows       []Application
	Q          web.ListQuery
	P          web.Pager
	Statuses   []string
	Causes     []string
	Categories []Category
	Steps      []string
	Path       string
	ArchiveDue int // inbox: archive files in the actor's subtree due for review
}

func (h *Handlers) applications(c *web.Ctx) error {
	q := c.ParseList(Sorts...)
	f := Filter{Status: q.Get("status"), Step: q.Get("step"), Cause: q.Get("cause"), Category: q.Get("category"),
		Union: q.Get("union"), Overdue: q.Get("overdue") == "1", Sort: q.Sort, Desc: q.Desc, Limit: q.Limit(), Offset: q.Offset()}
	rows, total, err := h.store.FindApplications(c.R.Context(), f)
	if err != nil {
		return err
	}
	if q.Export {
		return h.exportList(c, rows)
	}
	v := &listView{CanApply: c.Server().Can(c.Actor, "relief.apply"), Rows: rows, Q: q, P: q.Pager(listPath, total),
		Statuses: Statuses, Causes: Causes, Categories: Categories, Path: listPath,
		Steps: []string{review.LevelGrassroots, review.LevelDistrict, review.LevelIndustry, review.LevelCity}}
	return h.renderList(c, v, "relief.menu.applications")
}

func (h *Handlers) renderList(c *web.Ctx, v *listView, title string) error {
	return c.RenderPage(http.StatusOK, "relief/console/applications", &web.Page{Title: c.T(title),
		Crumbs: []web.Crumb{{Label: c.T("relief.menu_group")}, {Label: c.T(title)}}, Data: v})
}

func (h *Handlers) exportList(c *web.Ctx, rows []Application) error {
	head := []string{c.T("relief.col.id"), c.T("relief.col.submitted"), c.T("relief.col.worker"), c.T("relief.col.union"),
		c.T("relief.col.causes"), c.T("relief.col.category"), c.T("relief.col.requested"), c.T("relief.col.granted"),
		c.T("relief.col.status"), c.T("relief.col.step"), c.T("relief.col.due")}
	out := make([][]any, 0, len(rows))
	for _, r := range rows {
		out = append(out, []any{r.ID, r.SubmittedAt, r.WorkerName, r.OrgName, causesText(c, r.Causes), categoryText(c, r.Category),
			FormatYuan(r.Requested), FormatYuan(r.Granted), c.T("relief.status." + r.Status), levelText(c, r.StepLevel), r.DueOn})
	}
	return c.ExportXLSX(c.T("relief.menu.applications"), head, out)
}

func causesText(c *web.Ctx, causes []string) string {
	parts := make([]string, len(causes))
	for i, x := range causes {
		parts[i] = c.T("relief.cause." + x)
	}
	return strings.Join(parts, "、")
}

func categoryText(c *web.Ctx, cat Category) string {
	if cat == None {
		return c.T("relief.category.none")
	}
	return c.T("relief.category." + string(cat))
}

func levelText(c *web.Ctx, level string) string {
	if level == "" {
		return ""
	}
	return c.T("review.level." + level)
}

// inbox lists what waits for the actor's own org, overdue first.
func (h *Handlers) inbox(c *web.Ctx) error {
	rows, err := h.store.Inbox(c.R.Context(), 200)
	if err != nil {
		return err
	}
	q := c.ParseList()
	v := &listView{Inbox: true, Rows: rows, Q: q, Path: "/console/relief/inbox"}
	if _, v.ArchiveDue, err = h.store.FindArchive(c.R.Context(), ArchiveFilter{Due: true, Limit: 1}); err != nil {
		return err
	}
	return h.renderList(c, v, "relief.menu.inbox")
}

// appView is an application's page, in the console and on the portal.
type appView struct {
	money
	App       *Application
	CanReview bool
	CanApply  bool
	MyStep    bool // the step deciding now belongs to the actor's org
	Checks    []check
	Form      map[string]string
	Alert     string
	Errors    map[string]string
}

func (h *Handlers) application(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	return h.showApp(c, http.StatusOK, id, &appView{})
}

func (h *Handlers) showApp(c *web.Ctx, status int, id int64, v *appView) error {
	app, err := h.store.Application(c.R.Context(), id)
	if err != nil {
		return err
	}
	v.App = app
	v.CanReview = c.Server().Can(c.Actor, "relief.review")
	v.CanApply = c.Server().Can(c.Actor, "relief.apply")
	if st := app.Review.Current(); st != nil && app.Status == StatusPending {
		v.MyStep = st.OrgID == c.Actor.OrgID
	}
	if v.Form == nil {
		v.Form = map[string]string{}
	}
	for _, f := range app.Findings {
		v.Checks = append(v.Checks, check{Warn: f.Warn, Text: c.T(f.Key, f.Args...)})
	}
	title := c.T("relief.application.title")
	return c.RenderPage(status, "relief/console/application", &web.Page{Title: title,
		Crumbs: []web.Crumb{{Label: c.T("relief.menu_group")}, {Label: c.T("relief.menu.applications"), Href: listPath}, {Label: title}}, Data: v})
}

// decide posts a reviewer's decision: approve (with this level's grant), return
// or reject. A refusal shows the page again with the decision as typed.
func (h *Handlers) decide(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	d := review.Decision{Action: review.Action(c.R.PostFormValue("action")), Reason: c.R.PostFormValue("reason")}
	form := map[string]string{"amount": c.R.PostFormValue("amount"), "reason": d.Reason, "action": string(d.Action)}
	errs := map[string]string{}
	yuanField(c, "amount", &d.Amount, errs)
	if len(errs) == 0 {
		_, err = h.store.Decide(c.R.Context(), id, c.FormInt64("version"), d)
	} else {
		e := platform.Invalid()
		for k, v := range errs {
			e.Field(k, v)
		}
		err = e
	}
	if err == nil {
		return c.Redirect(appURL(id), "relief.flash.decided_"+string(d.Action))
	}
	status, alert, fields, ok := refusal(c, err)
	if !ok {
		return err
	}
	return h.showApp(c, status, id, &appView{Form: form, Alert: alert, Errors: fields})
}

func (h *Handlers) consoleResubmit(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	if form, err := h.resubmit(c, id); err != nil {
		status, alert, fields, ok := refusal(c, err)
		if !ok {
			return err
		}
		return h.showApp(c, status, id, &appView{Form: form, Alert: alert, Errors: fields})
	}
	return c.Redirect(appURL(id), "relief.flash.resubmitted")
}

func (h *Handlers) consoleAttach(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	if err := h.attach(c, id); err != nil {
		status, alert, fields, ok := refusal(c, err)
		if !ok {
			return err
		}
		return h.showApp(c, status, id, &appView{Alert: alert, Errors: fields})
	}
	return c.Redirect(appURL(id), "relief.flash.attached")
}

// attach stores the posted file; no file is an empty one (refused by the store
// after it checked the application is the actor's to touch).
func (h *Handlers) attach(c *web.Ctx, id int64) error {
	file, hdr, err := c.R.FormFile("file")
	if err != nil {
		_, err := h.store.Attach(c.R.Context(), id, "", bytes.NewReader(nil))
		return err
	}
	defer file.Close()
	_, err = h.store.Attach(c.R.Context(), id, hdr.Filename, file)
	return err
}

func (h *Handlers) attachment(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	return h.serveAttachment(c, id)
}

func (h *Handlers) serveAttachment(c *web.Ctx, id int64) error {
	att, data, err := h.store.OpenAttachment(c.R.Context(), id)
	if err != nil {
		return err
	}
	hd := c.W.Header()
	hd.Set("Content-Type", att.Type)
	hd.Set("Content-Disposition", "inline; filename*=UTF-8''"+url.PathEscape(att.Name))
	hd.Set("Cache-Control", "private, no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	_, err = c.W.Write(data)
	return err
}

// Actions lists a reviewer's choices, for the template.
func (appView) Actions() []string {
	return []string{string(review.Approve), string(review.Return), string(review.Reject)}
}

// check is a finding in the reader's language.
type check struct {
	Warn bool
	Text string
}
