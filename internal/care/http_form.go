package care

import (
	"net/http"
	"strconv"

	"zhijia/internal/web"
)

// formInput reads the station form as typed.
func formInput(c *web.Ctx) StationInput {
	r := c.R
	_ = r.ParseForm()
	in := StationInput{OrgID: c.FormInt64("org_id"), Name: r.PostFormValue("name"), Host: r.PostFormValue("host"),
		Address: r.PostFormValue("address"), Coords: r.PostFormValue("coords"), AllDay: r.PostFormValue("all_day") == "1",
		Facilities: r.PostForm["facilities"], Services: r.PostForm["services"], Groups: r.PostForm["groups"],
		Contact: r.PostFormValue("contact"), Phone: r.PostFormValue("phone")}
	for i := range in.Days {
		in.Days[i] = r.PostFormValue("day" + strconv.Itoa(i))
	}
	return in
}

// inputOf fills the form from a stored station.
func inputOf(s *Station) StationInput {
	in := StationInput{OrgID: s.OrgID, Name: s.Name, Host: s.Host, Address: s.Address, Coords: s.Pos.String(),
		AllDay: s.Hours.AllDay(), Facilities: s.Facilities, Services: s.Services, Groups: s.Groups, Contact: s.Contact, Phone: s.Phone}
	for i, d := range s.Hours {
		in.Days[i] = FormatDay(d)
	}
	return in
}

func (h *Handlers) renderForm(c *web.Ctx, status int, v *stationFormView) error {
	ctx := c.R.Context()
	var err error
	if v.Orgs, err = h.store.HostChoices(ctx); err != nil {
		return err
	}
	if v.Groups, err = h.store.Groups(ctx); err != nil {
		return err
	}
	v.Facilities, v.Services = Facilities, Services
	title := c.T("care.station_new.title")
	crumbs := []web.Crumb{{Label: c.T("care.menu_group")}, {Label: c.T("care.stations.title"), Href: stationsPath}}
	if v.Station != nil {
		title = c.T("care.station_edit.title")
		crumbs = append(crumbs, web.Crumb{Label: v.Station.Name, Href: stationURL(v.Station.ID)})
	}
	return c.RenderPage(status, "care/console/station_form", &web.Page{Title: title, Crumbs: append(crumbs, web.Crumb{Label: title}), Data: v})
}

func (h *Handlers) stationNew(c *web.Ctx) error {
	v := &stationFormView{Action: stationsPath, F: StationInput{OrgID: c.Actor.OrgID,
		Days: [7]string{"08:00-20:00", "08:00-20:00", "08:00-20:00", "08:00-20:00", "08:00-20:00", "09:00-17:00", "09:00-17:00"}}}
	return h.renderForm(c, http.StatusOK, v)
}

func (h *Handlers) stationCreate(c *web.Ctx) error {
	in := formInput(c)
	st, err := h.store.CreateStation(c.R.Context(), in)
	if err == nil {
		return c.Redirect(stationURL(st.ID), "care.flash.created")
	}
	return h.refuseForm(c, &stationFormView{Action: stationsPath, F: in}, err)
}

func (h *Handlers) refuseForm(c *web.Ctx, v *stationFormView, err error) error {
	status, alert, fields, ok := refusal(c, err)
	if !ok {
		return err
	}
	v.Alert, v.Errors = alert, fields
	return h.renderForm(c, status, v)
}

func (h *Handlers) stationEdit(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	st, err := h.store.Station(c.R.Context(), id)
	if err != nil {
		return err
	}
	return h.renderForm(c, http.StatusOK, &stationFormView{Action: stationURL(id), Station: st, F: inputOf(st)})
}

func (h *Handlers) stationUpdate(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	in := formInput(c)
	_, err = h.store.UpdateStation(c.R.Context(), id, c.FormInt64("version"), in)
	if err == nil {
		return c.Redirect(stationURL(id), "care.flash.saved")
	}
	st, lerr := h.store.Station(c.R.Context(), id)
	if lerr != nil {
		return lerr
	}
	return h.refuseForm(c, &stationFormView{Action: stationURL(id), Station: st, F: in}, err)
}

func (h *Handlers) stationStatus(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	status := c.R.PostFormValue("status")
	if err := h.store.SetStatus(c.R.Context(), id, status); err != nil {
		return err
	}
	return c.Redirect(stationURL(id), "care.flash.status_"+status)
}

func (h *Handlers) closureAdd(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	from, to, reason := c.R.PostFormValue("from"), c.R.PostFormValue("to"), c.R.PostFormValue("reason")
	err = h.store.AddClosure(c.R.Context(), id, from, to, reason)
	if err == nil {
		return c.Redirect(stationURL(id), "care.flash.closure_added")
	}
	status, alert, fields, ok := refusal(c, err)
	if !ok {
		return err
	}
	st, err := h.store.Station(c.R.Context(), id)
	if err != nil {
		return err
	}
	return h.renderStation(c, status, &stationView{Station: st, Alert: alert, Errors: fields, From: from, To: to, Reason: reason})
}

func (h *Handlers) closureRemove(c *web.Ctx) error {
	cid, err := c.ID("id")
	if err != nil {
		return err
	}
	id, err := h.store.RemoveClosure(c.R.Context(), cid)
	if err != nil {
		return err
	}
	return c.Redirect(stationURL(id), "care.flash.closure_removed")
}
