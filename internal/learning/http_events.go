package learning

import (
	"encoding/base64"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	qrcode "github.com/skip2/go-qrcode"

	"zhijia/internal/photo"
	"zhijia/internal/platform"
	"zhijia/internal/web"
)

const eventsPath = "/console/learning/events"

func eventURL(id int64) string { return eventsPath + "/" + strconv.FormatInt(id, 10) }

type eventsView struct {
	CanEdit bool
	Rows    []Event
	Q       web.ListQuery
	P       web.Pager
	Kinds   []EventKind
}

type eventForm struct {
	ID     int64
	Action string
	In     EventInput
	Orgs   []OrgOption
	Kinds  []EventKind
	Venues []string
	Alert  string
	Errors map[string]string
}

type eventView struct {
	E          *Event
	CanEdit    bool
	Attendance []Attendee
	WorkerID   string // tick form, as typed
	Summary    string
	Photos     []photo.Photo
	Alert      string
	Errors     map[string]string
}

type checkinScreenView struct {
	E    *Event
	QR   template.URL
	Link string
	Open bool
}

func (h *Handlers) events(c *web.Ctx) error {
	q := c.ParseList("starts")
	f := EventFilter{Q: q.Q, Kind: EventKind(q.Get("kind")), From: q.Get("from"), To: q.Get("to"), Limit: q.Limit(), Offset: q.Offset()}
	rows, total, err := h.store.FindEvents(c.R.Context(), f)
	if err != nil {
		return err
	}
	if q.Export {
		head := []string{c.T("learning.ev.kind"), c.T("learning.ev.title"), c.T("learning.ev.org"), c.T("learning.ev.host"),
			c.T("learning.ev.venue"), c.T("learning.ev.place"), c.T("learning.ev.starts"), c.T("learning.ev.ends"),
			c.T("learning.ev.audience"), c.T("learning.ev.capacity"), c.T("learning.ev.signed_up"), c.T("learning.ev.checkins"), c.T("learning.ev.summary")}
		out := make([][]any, 0, len(rows))
		for _, e := range rows {
			out = append(out, []any{c.T("learning.evkind." + string(e.Kind)), e.Title, e.OrgName, e.HostName, c.T("learning.venue." + e.Venue),
				e.Place, e.StartsAt, e.EndsAt, e.AudienceName, e.Capacity, e.SignedUp, e.CheckIns, e.Summary})
		}
		return c.ExportXLSX(c.T("learning.events.title"), head, out)
	}
	v := &eventsView{CanEdit: c.Server().Can(c.Actor, permEdit), Rows: rows, Q: q, P: q.Pager(eventsPath, total), Kinds: EventKinds()}
	return c.RenderPage(http.StatusOK, "learning/console/events", &web.Page{Title: c.T("learning.events.title"),
		Crumbs: []web.Crumb{{Label: c.T("learning.menu_group")}, {Label: c.T("learning.events.title")}}, Data: v})
}

func (h *Handlers) renderEventForm(c *web.Ctx, status int, v *eventForm) error {
	orgs, err := h.store.EventOrgs(c.R.Context())
	if err != nil {
		return err
	}
	v.Orgs, v.Kinds, v.Venues = orgs, EventKinds(), Venues()
	title := c.T("learning.events.new")
	if v.ID != 0 {
		title = c.T("learning.event.edit")
	}
	return c.RenderPage(status, "learning/console/event_form", &web.Page{Title: title,
		Crumbs: []web.Crumb{{Label: c.T("learning.menu_group")}, {Label: c.T("learning.events.title"), Href: eventsPath}, {Label: title}}, Data: v})
}

func eventInput(c *web.Ctx) EventInput {
	f := c.R.PostFormValue
	return EventInput{Kind: f("kind"), Title: f("title"), HostName: f("host_name"), HostWorkerID: c.FormInt64("host_worker_id"),
		Venue: f("venue"), Place: f("place"), Starts: f("starts"), Ends: f("ends"), Capacity: f("capacity"),
		OrgID: c.FormInt64("org_id"), AudienceID: c.FormInt64("audience_id"), Signup: f("signup") == "1", Version: c.FormInt64("version")}
}

func (h *Handlers) eventNew(c *web.Ctx) error {
	return h.renderEventForm(c, http.StatusOK, &eventForm{Action: eventsPath,
		In: EventInput{Kind: string(Lecture), Venue: "meeting_room", OrgID: c.Actor.OrgID}})
}

func (h *Handlers) eventCreate(c *web.Ctx) error {
	in := eventInput(c)
	e, err := h.store.CreateEvent(c.R.Context(), in)
	if err != nil {
		return h.refuseEvent(c, &eventForm{Action: eventsPath, In: in}, err)
	}
	return c.Redirect(eventURL(e.ID), "learning.flash.event_created")
}

func (h *Handlers) refuseEvent(c *web.Ctx, v *eventForm, err error) error {
	status, alert, fields, ok := refusal(c, err)
	if !ok {
		return err
	}
	v.Alert, v.Errors = alert, fields
	return h.renderEventForm(c, status, v)
}

func (h *Handlers) eventEdit(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	e, err := h.store.Event(c.R.Context(), id)
	if err != nil {
		return err
	}
	in := EventInput{Kind: string(e.Kind), Title: e.Title, HostName: e.HostName, HostWorkerID: e.HostWorkerID, Venue: e.Venue,
		Place: e.Place, Starts: e.StartsAt.In(platform.Shanghai).Format(datetimeLayout), Ends: e.EndsAt.In(platform.Shanghai).Format(datetimeLayout),
		OrgID: e.OrgID, AudienceID: e.AudienceID, Signup: e.Signup, Version: e.Version}
	if e.Capacity > 0 {
		in.Capacity = strconv.Itoa(e.Capacity)
	}
	return h.renderEventForm(c, http.StatusOK, &eventForm{ID: id, Action: eventURL(id), In: in})
}

func (h *Handlers) eventUpdate(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	if _, err := h.store.Event(c.R.Context(), id); err != nil {
		return err // out of scope: not found, whatever was typed
	}
	in := eventInput(c)
	if err := h.store.UpdateEvent(c.R.Context(), id, in); err != nil {
		return h.refuseEvent(c, &eventForm{ID: id, Action: eventURL(id), In: in}, err)
	}
	return c.Redirect(eventURL(id), "learning.flash.event_updated")
}

func (h *Handlers) eventShow(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	return h.renderEvent(c, http.StatusOK, id, &eventView{})
}

func (h *Handlers) renderEvent(c *web.Ctx, status int, id int64, v *eventView) error {
	ctx := c.R.Context()
	e, err := h.store.Event(ctx, id)
	if err != nil {
		return err
	}
	if pid := c.R.URL.Query().Get("photo"); pid != "" && c.R.Method == http.MethodGet {
		return h.servePhoto(c, id, pid)
	}
	if v.Attendance, err = h.store.Attendance(ctx, id); err != nil {
		return err
	}
	if c.R.URL.Query().Get("export") == "xlsx" {
		head := []string{c.T("learning.att.name"), c.T("learning.att.org"), c.T("learning.att.method"), c.T("learning.att.by"), c.T("learning.att.at")}
		out := make([][]any, 0, len(v.Attendance))
		for _, a := range v.Attendance {
			out = append(out, []any{a.Name, a.OrgName, c.T("learning.method." + a.Method), a.TickedBy, a.CheckedAt})
		}
		return c.ExportXLSX(c.T("learning.event.attendance")+" "+e.Title, head, out)
	}
	v.E, v.CanEdit = e, c.Server().Can(c.Actor, permEdit)
	if v.Photos, err = h.photos.List(ctx, PhotoKind, id); err != nil {
		return err
	}
	if v.Summary == "" {
		v.Summary = e.Summary
	}
	return c.RenderPage(status, "learning/console/event", &web.Page{Title: e.Title,
		Crumbs: []web.Crumb{{Label: c.T("learning.menu_group")}, {Label: c.T("learning.events.title"), Href: eventsPath}, {Label: e.Title}}, Data: v})
}

func (h *Handlers) eventSummary(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	summary := c.R.PostFormValue("summary")
	if err := h.store.SaveSummary(c.R.Context(), id, summary); err != nil {
		status, alert, fields, ok := refusal(c, err)
		if !ok {
			return err
		}
		return h.renderEvent(c, status, id, &eventView{Summary: summary, Alert: alert, Errors: fields})
	}
	return c.Redirect(eventURL(id), "learning.flash.summary_saved")
}

func (h *Handlers) eventTick(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	raw := c.R.PostFormValue("worker_id")
	if err := h.store.Tick(c.R.Context(), id, c.FormInt64("worker_id")); err != nil {
		status, alert, fields, ok := refusal(c, err)
		if !ok {
			return err
		}
		if m := fields["worker_id"]; m != "" {
			alert = m
		}
		return h.renderEvent(c, status, id, &eventView{WorkerID: raw, Alert: alert, Errors: fields})
	}
	return c.Redirect(eventURL(id), "learning.flash.ticked")
}

// eventCheckin is the organiser's screen: a QR code that changes every 30
// seconds (the page reloads itself), linking to the worker's check-in page.
func (h *Handlers) eventCheckin(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	code, e, err := h.store.CheckinCode(c.R.Context(), id)
	if err != nil {
		return err
	}
	link := c.Server().Config.BaseURL + "/portal/learning/checkin?t=" + url.QueryEscape(code)
	png, err := qrcode.Encode(link, qrcode.Medium, 360)
	if err != nil {
		return err
	}
	v := &checkinScreenView{E: e, Link: link, Open: e.CheckinOpen(h.store.clock.Now()),
		QR: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))}
	c.W.Header().Set("Cache-Control", "no-store")
	c.W.Header().Set("Refresh", "30") // a new code every 30 seconds, no script needed
	return c.RenderPage(http.StatusOK, "learning/console/event_checkin", &web.Page{Title: c.T("learning.event.checkin_screen"),
		Crumbs: []web.Crumb{{Label: c.T("learning.events.title"), Href: eventsPath}, {Label: e.Title, Href: eventURL(id)}, {Label: c.T("learning.event.checkin_screen")}}, Data: v})
}
