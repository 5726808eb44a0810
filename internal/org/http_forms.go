package org

import (
	"net/http"
	"strconv"
	"strings"

	"golang.org/x/text/width"

	"zhijia/internal/platform"
	"zhijia/internal/web"
)

// orgForm is the create/edit form exactly as the user typed it, so a refused
// form comes back unchanged.
type orgForm struct {
	ParentID, Level, Name, AreaCode, ContactName, ContactPhone string
	EmployerName, CreditCode, Headcount, Address, Lng, Lat     string
	Joint                                                      bool
	Version                                                    string
}

// formView is what the create and edit pages show.
type formView struct {
	Org    *Org    // nil when creating
	Parent *Org    // where a new org goes
	Levels []Level // levels that fit under Parent
	F      orgForm
	Errors map[string]string // field name → translated message
	Alert  string            // the top message, translated
	Action string            // where the form posts
	// Grassroots shows the employer fieldset: always when creating (the level is
	// chosen on the form), when editing only for a grassroots union.
	Grassroots bool
}

// readForm reads the posted form into what the user typed and the store's Input;
// bad lists numbers it could not read (field → catalogue key).
func readForm(r *http.Request) (orgForm, Input, map[string]string) {
	v := func(name string) string { return r.PostFormValue(name) }
	f := orgForm{ParentID: v("parent_id"), Level: v("level"), Name: v("name"), AreaCode: v("area_code"),
		ContactName: v("contact_name"), ContactPhone: v("contact_phone"), EmployerName: v("employer_name"),
		CreditCode: v("credit_code"), Headcount: v("headcount"), Address: v("address"), Lng: v("lng"),
		Lat: v("lat"), Joint: v("joint") != "", Version: v("version")}
	parentID, _ := strconv.ParseInt(strings.TrimSpace(f.ParentID), 10, 64)
	in := Input{ParentID: parentID, Level: Level(strings.TrimSpace(f.Level)), Name: f.Name, AreaCode: f.AreaCode,
		ContactName: f.ContactName, ContactPhone: f.ContactPhone, Joint: f.Joint}
	bad := map[string]string{}
	e := &EmployerInput{Name: f.EmployerName, CreditCode: f.CreditCode, Address: f.Address}
	if n, ok := parseNumber(f.Headcount, true); !ok {
		bad["headcount"] = "org.err.headcount_number"
	} else if n != nil {
		e.Headcount = int64(*n)
	}
	var ok bool
	if e.Lng, ok = parseNumber(f.Lng, false); !ok {
		bad["lng"] = "org.err.lng_number"
	}
	if e.Lat, ok = parseNumber(f.Lat, false); !ok {
		bad["lat"] = "org.err.lat_number"
	}
	if in.Level == LevelGrassroots || f.EmployerName+f.CreditCode+f.Headcount+f.Address+f.Lng+f.Lat != "" {
		in.Employer = e
	}
	return f, in, bad
}

// parseNumber reads a number as people type it: full-width digits, spaces and
// thousands separators are fine. Blank is nil; ok is false when it is not a number
// (or, with whole, not a whole number).
func parseNumber(s string, whole bool) (*float64, bool) {
	s = strings.NewReplacer(" ", "", ",", "", "，", "").Replace(width.Narrow.String(strings.TrimSpace(s)))
	if s == "" {
		return nil, true
	}
	if whole {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, false
		}
		f := float64(n)
		return &f, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, false
	}
	return &f, true
}

// withParseErrors merges the numbers readForm could not read into the rules'
// verdict on the rest of the form, so the user sees every problem at once.
func withParseErrors(in Input, lvl Level, p *parentInfo, bad map[string]string) error {
	if in.Employer != nil {
		e := *in.Employer
		in.Employer = &e
	}
	e, ok := platform.AsError(in.validate(lvl, p))
	if !ok {
		e = platform.Invalid()
	}
	for k, v := range bad {
		e.Fields[k] = v
	}
	return e
}

func formOf(o *Org) orgForm {
	f := orgForm{Name: o.Name, AreaCode: o.AreaCode, ContactName: o.ContactName, ContactPhone: o.ContactPhone,
		Level: string(o.Level), Version: strconv.FormatInt(o.Version, 10)}
	if e := o.Employer; e != nil {
		f.EmployerName, f.CreditCode, f.Address = e.Name, e.CreditCode, e.Address
		f.Headcount = strconv.FormatInt(e.Headcount, 10)
		if e.Lng != nil && e.Lat != nil {
			f.Lng, f.Lat = strconv.FormatFloat(*e.Lng, 'f', -1, 64), strconv.FormatFloat(*e.Lat, 'f', -1, 64)
		}
		f.Joint = e.CreditCode == ""
	}
	return f
}

// refusal turns a store error into the form's messages and status; ok is false
// for errors the shell's error page shows (not found, internal).
func refusal(c *web.Ctx, err error) (status int, alert string, fields map[string]string, ok bool) {
	e, isUser := platform.AsError(err)
	if !isUser || (e.Code != platform.CodeInvalid && e.Code != platform.CodeConflict && e.Code != platform.CodeForbidden) {
		return 0, "", nil, false
	}
	fields = map[string]string{}
	for k, v := range e.Fields {
		fields[k] = c.T(v)
	}
	alert = c.T("form.fix_errors")
	if e.Message != "err.invalid" {
		alert = c.T(e.Message, e.Args...)
	}
	return refusalStatus(e.Code), alert, fields, true
}

// refusalStatus is the status of a page that shows a refusal. The route's
// permission and the actor's scope were checked already, so a forbidden here is a
// rule about this org (the actor's own org cannot be moved, closed or deleted):
// 422, like any other request the rules refuse.
func refusalStatus(code platform.Code) int {
	if code == platform.CodeForbidden {
		return http.StatusUnprocessableEntity
	}
	return platform.HTTPStatus(code)
}

// ---- create ----

func (h *Handlers) newForm(c *web.Ctx) error {
	parentID := c.Actor.OrgID
	if v := c.R.URL.Query().Get("parent"); v != "" {
		parentID, _ = strconv.ParseInt(v, 10, 64)
	}
	p, err := h.store.Get(c.R.Context(), parentID)
	if err != nil {
		return err
	}
	v := &formView{Parent: p, Levels: childLevels(p.Level), Action: "/console/orgs", Grassroots: true,
		F: orgForm{ParentID: strconv.FormatInt(p.ID, 10)}}
	if len(v.Levels) > 0 {
		v.F.Level = string(v.Levels[0])
	}
	if len(v.Levels) == 0 || p.Status != StatusActive {
		v.Alert = c.T("org.form.no_child")
	}
	return h.renderForm(c, http.StatusOK, v)
}

func (h *Handlers) create(c *web.Ctx) error {
	ctx := c.R.Context()
	f, in, bad := readForm(c.R)
	if in.ParentID == 0 { // as on the new form: under the actor's own org
		in.ParentID = c.Actor.OrgID
		f.ParentID = strconv.FormatInt(in.ParentID, 10)
	}
	p, err := h.store.Get(ctx, in.ParentID)
	if err != nil {
		return err
	}
	v := &formView{Parent: p, Levels: childLevels(p.Level), Action: "/console/orgs", Grassroots: true, F: f}
	if len(bad) > 0 {
		err = withParseErrors(in, in.Level, infoOf(p), bad)
	} else {
		var o *Org
		if o, err = h.store.Create(ctx, in); err == nil {
			return c.Redirect(detailURL(o.ID), "org.flash.created")
		}
	}
	return h.formFailed(c, v, err)
}

// formFailed re-renders a refused form with its messages, or hands the error to
// the shell.
func (h *Handlers) formFailed(c *web.Ctx, v *formView, err error) error {
	status, alert, fields, ok := refusal(c, err)
	if !ok {
		return err
	}
	v.Alert, v.Errors = alert, fields
	return h.renderForm(c, status, v)
}

func (h *Handlers) renderForm(c *web.Ctx, status int, v *formView) error {
	ctx := c.R.Context()
	var (
		cr    []web.Crumb
		title string
	)
	if v.Org != nil {
		anc, err := h.store.Ancestors(ctx, v.Org.ID)
		if err != nil {
			return err
		}
		title = c.T("org.form.edit_title")
		cr = crumbs(c, anc, v.Org, title)
	} else {
		anc, err := h.store.Ancestors(ctx, v.Parent.ID)
		if err != nil {
			return err
		}
		title = c.T("org.form.new_title")
		cr = crumbs(c, anc, v.Parent, title)
	}
	return c.RenderPage(status, "org/console/form", &web.Page{Title: title, Crumbs: cr, Data: v})
}

// ---- edit ----

func (h *Handlers) editForm(c *web.Ctx) error {
	o, err := h.load(c)
	if err != nil {
		return err
	}
	v := &formView{Org: o, F: formOf(o), Action: detailURL(o.ID), Grassroots: o.Level == LevelGrassroots}
	return h.renderForm(c, http.StatusOK, v)
}

func (h *Handlers) update(c *web.Ctx) error {
	ctx := c.R.Context()
	o, err := h.load(c)
	if err != nil {
		return err
	}
	f, in, bad := readForm(c.R)
	f.Level = string(o.Level)
	if o.Level != LevelGrassroots {
		in.Employer = nil // the form has no employer fields for other levels
	}
	v := &formView{Org: o, F: f, Action: detailURL(o.ID), Grassroots: o.Level == LevelGrassroots}
	version, _ := strconv.ParseInt(strings.TrimSpace(f.Version), 10, 64)
	if len(bad) > 0 {
		var info *parentInfo
		if o.ParentID != 0 {
			p, err := loadOrg(ctx, h.store.db, o.ParentID)
			if err != nil {
				return err
			}
			info = infoOf(p)
		}
		err = withParseErrors(in, o.Level, info, bad)
	} else if _, err = h.store.Update(ctx, o.ID, version, in); err == nil {
		return c.Redirect(detailURL(o.ID), "org.flash.updated")
	}
	if e, ok := platform.AsError(err); ok && e.Message == "org.err.stale" {
		// Keep what the user typed; saving again, knowingly, overwrites.
		v.F.Version = strconv.FormatInt(o.Version, 10)
		return h.renderForm(c, http.StatusConflict, withAlert(v, c.T("org.form.stale")))
	}
	return h.formFailed(c, v, err)
}

func withAlert(v *formView, alert string) *formView {
	v.Alert = alert
	return v
}

// load reads the org named by the path's {id} in the actor's subtree.
func (h *Handlers) load(c *web.Ctx) (*Org, error) {
	id, err := c.ID("id")
	if err != nil {
		return nil, err
	}
	return h.store.Get(c.R.Context(), id)
}

// ---- move ----

// moveCandidates caps the parents the move page lists; a search narrows them.
const moveCandidates = 50

type moveView struct {
	Org        *Org
	Parent     *Org // the current parent, nil for the city
	Q          string
	Candidates []Org
	More       bool // more candidates than listed: search to narrow
	Selected   int64
	Version    int64
	Error      string // the message beside the choice, translated
	Alert      string
	Blocked    bool // this org cannot move (the city, or the actor's own org): no form
}

func (h *Handlers) moveForm(c *web.Ctx) error {
	o, err := h.load(c)
	if err != nil {
		return err
	}
	return h.renderMove(c, http.StatusOK, &moveView{Org: o, Version: o.Version, Q: strings.TrimSpace(c.R.URL.Query().Get("q"))})
}

func (h *Handlers) move(c *web.Ctx) error {
	o, err := h.load(c)
	if err != nil {
		return err
	}
	v := &moveView{Org: o, Q: strings.TrimSpace(c.R.PostFormValue("q")), Selected: c.FormInt64("parent_id"),
		Version: c.FormInt64("version")}
	if v.Selected == 0 {
		err = platform.Invalid().Field("parent_id", "org.err.parent_required")
	} else if err = h.store.Move(c.R.Context(), o.ID, v.Selected, v.Version); err == nil {
		return c.Redirect(detailURL(o.ID), "org.flash.moved")
	}
	if platform.ErrorCode(err) == platform.CodeNotFound { // o was found just now: the parent is gone
		err = platform.Invalid().Field("parent_id", "org.err.parent_missing")
	}
	status, alert, fields, ok := refusal(c, err)
	if !ok {
		return err
	}
	v.Version = o.Version // the user has now been told of any concurrent change
	v.Error = fields["parent_id"]
	if v.Error == "" {
		v.Alert = alert
	}
	return h.renderMove(c, status, v)
}

// renderMove lists the active orgs in the actor's subtree that o could move under.
func (h *Handlers) renderMove(c *web.Ctx, status int, v *moveView) error {
	ctx := c.R.Context()
	o := v.Org
	if o.ParentID != 0 {
		if p, err := h.store.Get(ctx, o.ParentID); err == nil {
			v.Parent = p
		}
	}
	for _, lvl := range o.Level.ParentLevels() {
		list, total, err := h.store.Find(ctx, Filter{Level: lvl, Status: StatusActive, Q: v.Q, Sort: "name", Limit: moveCandidates})
		if err != nil {
			return err
		}
		v.More = v.More || total > len(list)
		for _, p := range list {
			if p.ID != o.ParentID && !strings.HasPrefix(p.Path, o.Path) {
				v.Candidates = append(v.Candidates, p)
			}
		}
	}
	switch {
	case o.ParentID == 0:
		v.Blocked, v.Alert = true, c.T("org.err.move_root")
	case o.Path == c.Actor.OrgPath:
		v.Blocked, v.Alert = true, c.T("org.err.own_org")
	}
	anc, err := h.store.Ancestors(ctx, o.ID)
	if err != nil {
		return err
	}
	title := c.T("org.move.title")
	return c.RenderPage(status, "org/console/move", &web.Page{Title: title, Crumbs: crumbs(c, anc, o, title), Data: v})
}

// ---- close, reopen, delete ----

type closeView struct {
	Org     *Org
	Reason  string
	Error   string // beside the reason, translated
	Alert   string
	Blocked bool // the actor's own org, or already closed: no form
}

func (h *Handlers) closeForm(c *web.Ctx) error {
	o, err := h.load(c)
	if err != nil {
		return err
	}
	return h.renderClose(c, http.StatusOK, &closeView{Org: o})
}

func (h *Handlers) close(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	reason := c.R.PostFormValue("reason")
	err = h.store.Close(c.R.Context(), id, c.FormInt64("version"), reason)
	if err == nil {
		return c.Redirect(detailURL(id), "org.flash.closed")
	}
	status, alert, fields, ok := refusal(c, err)
	if !ok {
		return err
	}
	o, err := h.store.Get(c.R.Context(), id)
	if err != nil {
		return err
	}
	v := &closeView{Org: o, Reason: reason, Error: fields["reason"]}
	if v.Error == "" {
		v.Alert = alert
	}
	return h.renderClose(c, status, v)
}

func (h *Handlers) renderClose(c *web.Ctx, status int, v *closeView) error {
	switch {
	case v.Org.Path == c.Actor.OrgPath:
		v.Blocked, v.Alert = true, c.T("org.err.own_org")
	case v.Org.Status == StatusClosed:
		v.Blocked, v.Alert = true, c.T("org.err.already_closed")
	}
	anc, err := h.store.Ancestors(c.R.Context(), v.Org.ID)
	if err != nil {
		return err
	}
	title := c.T("org.close.title")
	return c.RenderPage(status, "org/console/close", &web.Page{Title: title, Crumbs: crumbs(c, anc, v.Org, title), Data: v})
}

func (h *Handlers) reopen(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	if err := h.store.Reopen(c.R.Context(), id, c.FormInt64("version")); err != nil {
		return h.detailRefused(c, id, err)
	}
	return c.Redirect(detailURL(id), "org.flash.reopened")
}

func (h *Handlers) delete(c *web.Ctx) error {
	o, err := h.load(c)
	if err != nil {
		return err
	}
	if err := h.store.Delete(c.R.Context(), o.ID); err != nil {
		return h.detailRefused(c, o.ID, err)
	}
	return c.Redirect(detailURL(o.ParentID), "org.flash.deleted")
}
