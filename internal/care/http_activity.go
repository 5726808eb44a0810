package care

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"zhijia/internal/platform"
	"zhijia/internal/web"
)

const activitiesPath = "/console/care/activities"

func activityURL(id int64) string { return activitiesPath + "/" + strconv.FormatInt(id, 10) }

type activityListView struct {
	CanEdit bool
	Rows    []*Activity
	P       web.Pager
}

type activityFormView struct {
	F       ActivityInput
	Orgs    []OrgChoice
	Groups  []Group
	Kinds   []string
	Levels  []string
	Errors  map[string]string
	Alert   string
	Members bool
}

// Checked reports whether code is among list, for checkboxes.
func (v *activityFormView) Checked(list []string, code string) bool {
	for _, x := range list {
		if x == code {
			return true
		}
	}
	return false
}

type activityView struct {
	Act     *Activity
	CanEdit bool
	Rows    []*Signup
	P       web.Pager
	Q       web.ListQuery
	Reason  string
	Errors  map[string]string
	Alert   string
	Result  *DrawResult
	Draws   []DrawRecord
}

func (h *Handlers) activities(c *web.Ctx) error {
	q := c.ParseList("opens")
	rows, total, err := h.store.FindActivities(c.R.Context(), q.Limit(), q.Offset())
	if err != nil {
		return err
	}
	if q.Export {
		head := []string{c.T("care.field.title"), c.T("care.field.kind"), c.T("care.col.org"), c.T("care.field.opens_at"),
			c.T("care.field.closes_at"), c.T("care.col.status"), c.T("care.col.seed_hash")}
		out := make([][]any, 0, len(rows))
		for _, a := range rows {
			out = append(out, []any{a.Title, c.T("care.kind." + a.Kind), a.OrgName, a.OpensAt, a.ClosesAt, c.T("care.act_status." + a.Status), a.SeedHash})
		}
		return c.ExportXLSX(c.T("care.activities.title"), head, out)
	}
	v := &activityListView{CanEdit: c.Server().Can(c.Actor, "care.edit"), Rows: rows, P: q.Pager(activitiesPath, total)}
	return c.RenderPage(http.StatusOK, "care/console/activities", &web.Page{Title: c.T("care.activities.title"),
		Crumbs: []web.Crumb{{Label: c.T("care.menu_group")}, {Label: c.T("care.activities.title")}}, Data: v})
}

func (h *Handlers) renderActivityForm(c *web.Ctx, status int, v *activityFormView) error {
	var err error
	if v.Orgs, err = h.store.HostChoices(c.R.Context()); err != nil {
		return err
	}
	if v.Groups, err = h.store.Groups(c.R.Context()); err != nil {
		return err
	}
	v.Kinds, v.Levels = Kinds, []string{"national", "provincial", "city"}
	title := c.T("care.activity_new.title")
	return c.RenderPage(status, "care/console/activity_form", &web.Page{Title: title,
		Crumbs: []web.Crumb{{Label: c.T("care.menu_group")}, {Label: c.T("care.activities.title"), Href: activitiesPath}, {Label: title}}, Data: v})
}

func (h *Handlers) activityNew(c *web.Ctx) error {
	now := h.store.clock.Now()
	v := &activityFormView{F: ActivityInput{OrgID: c.Actor.OrgID, Kind: "nye_dinner", ConfirmDays: 3,
		OpensAt: localText(now), ClosesAt: localText(now.AddDate(0, 0, 14)), Sessions: c.T("care.form.sessions_default"),
		Rules: Rules{MembersOnly: true}, Weights: Weights{Hardship: 2, Model: 1, Frontline: 1}}}
	return h.renderActivityForm(c, http.StatusOK, v)
}

func atoi(s string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(s))
	return n
}

func activityInput(c *web.Ctx) ActivityInput {
	r := c.R
	_ = r.ParseForm()
	f := r.PostFormValue
	return ActivityInput{OrgID: c.FormInt64("org_id"), Kind: f("kind"), Title: f("title"), Description: f("description"),
		OpensAt: f("opens_at"), ClosesAt: f("closes_at"), ConfirmDays: atoi(f("confirm_days")), Sessions: f("sessions"),
		Rules: Rules{MembersOnly: f("members_only") == "1", MinAge: atoi(f("min_age")), MaxAge: atoi(f("max_age")),
			Groups: r.PostForm["groups"], ModelLevels: r.PostForm["model_levels"], ChildMinAge: atoi(f("child_min_age")),
			ChildMaxAge: atoi(f("child_max_age"))},
		Weights: Weights{Hardship: atoi(f("w_hardship")), Model: atoi(f("w_model")), Frontline: atoi(f("w_frontline"))}}
}

func (h *Handlers) activityCreate(c *web.Ctx) error {
	in := activityInput(c)
	a, err := h.store.CreateActivity(c.R.Context(), in)
	if err == nil {
		return c.Redirect(activityURL(a.ID), "care.flash.activity_created")
	}
	status, alert, fields, ok := refusal(c, err)
	if !ok {
		return err
	}
	return h.renderActivityForm(c, status, &activityFormView{F: in, Errors: fields, Alert: alert})
}

func (h *Handlers) activity(c *web.Ctx) error {
	return h.renderActivity(c, http.StatusOK, &activityView{})
}

func (h *Handlers) renderActivity(c *web.Ctx, status int, v *activityView) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	ctx := c.R.Context()
	if v.Act, err = h.store.Activity(ctx, id); err != nil { // scope before expiring
		return err
	}
	n, err := h.store.expireOffers(ctx, h.store.clock.Now().UTC(), id)
	if err != nil {
		return err
	}
	if n > 0 { // places moved: read the sessions and counts again
		if v.Act, err = h.store.Activity(ctx, id); err != nil {
			return err
		}
	}
	q := c.ParseList("rank")
	rows, total, err := h.store.signups(ctx, id, q.Limit(), q.Offset())
	if err != nil {
		return err
	}
	if q.Export {
		return h.exportSignups(c, v.Act, rows)
	}
	if v.Draws, err = h.store.draws(ctx, id); err != nil {
		return err
	}
	v.CanEdit, v.Rows, v.Q, v.P = c.Server().Can(c.Actor, "care.edit"), rows, q, q.Pager(activityURL(id), total)
	return c.RenderPage(status, "care/console/activity", &web.Page{Title: v.Act.Title,
		Crumbs: []web.Crumb{{Label: c.T("care.menu_group")}, {Label: c.T("care.activities.title"), Href: activitiesPath}, {Label: v.Act.Title}}, Data: v})
}

// exportSignups writes the sign-up list, the input `zhijia lottery verify` reads.
func (h *Handlers) exportSignups(c *web.Ctx, a *Activity, rows []*Signup) error {
	head := []string{"id", "weight", "session_id", "draw_rank", c.T("care.col.worker"), c.T("care.col.session"), c.T("care.col.status"),
		c.T("care.col.attended_at")}
	out := make([][]any, 0, len(rows))
	for _, g := range rows {
		var rank, came any = "", ""
		if g.Rank != nil {
			rank = *g.Rank
		}
		if g.AttendedAt != nil {
			came = *g.AttendedAt
		}
		out = append(out, []any{g.ID, g.Weight, g.SessionID, rank, g.WorkerName, g.Session, c.T("care.signup." + g.Status), came})
	}
	return c.ExportXLSX(fmt.Sprintf("%s-%d", c.T("care.signups.title"), a.ID), head, out)
}

func (h *Handlers) draw(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	reason := c.R.PostFormValue("reason")
	res, err := h.store.Draw(c.R.Context(), id, reason)
	if err == nil && res != nil {
		return c.Redirect(activityURL(id), "care.flash.drawn")
	}
	status, alert, fields, ok := refusal(c, err)
	if !ok {
		return err
	}
	return h.renderActivity(c, status, &activityView{Reason: reason, Errors: fields, Alert: alert})
}

// localText formats t as the form's date-time fields take it, in Asia/Shanghai.
func localText(t time.Time) string { return t.In(platform.Shanghai).Format("2006-01-02 15:04") }
