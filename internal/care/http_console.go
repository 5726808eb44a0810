package care

import (
	"net/http"
	"strconv"
	"strings"

	qrcode "github.com/skip2/go-qrcode"

	"zhijia/internal/photo"
	"zhijia/internal/web"
)

const stationsPath = "/console/care/stations"

func stationURL(id int64) string { return stationsPath + "/" + strconv.FormatInt(id, 10) }

type stationListView struct {
	CanEdit    bool
	Rows       []*Station
	Q          web.ListQuery
	P          web.Pager
	Facilities []string
	Services   []string
}

type stationView struct {
	Station   *Station
	CanEdit   bool
	OpenNow   bool
	Days      [7]string
	Checkin   string // the URL the QR code carries
	Alert     string
	Errors    map[string]string
	From, To  string
	Reason    string
	MapLinks  mapLinks
	GroupName map[string]string
	Photos    []photo.Photo
}

type stationFormView struct {
	Action     string
	Station    *Station
	F          StationInput
	Orgs       []OrgChoice
	Facilities []string
	Services   []string
	Groups     []Group
	Errors     map[string]string
	Alert      string
}

// Weekdays are the catalogue keys of the week's days, Monday first.
func (v *stationFormView) Weekdays() []string { return weekdayKeys }
func (v *stationView) Weekdays() []string     { return weekdayKeys }

var weekdayKeys = []string{"care.day.0", "care.day.1", "care.day.2", "care.day.3", "care.day.4", "care.day.5", "care.day.6"}

// Checked reports whether code is among list, for checkboxes.
func (v *stationFormView) Checked(list []string, code string) bool {
	for _, x := range list {
		if x == code {
			return true
		}
	}
	return false
}

func (h *Handlers) stations(c *web.Ctx) error {
	q := c.ParseList("name")
	f := StationFilter{Q: q.Q, Facility: q.Get("facility"), Status: q.Get("status"), Limit: q.Limit(), Offset: q.Offset()}
	if f.Status != Active && f.Status != Retired {
		f.Status = ""
	}
	rows, total, err := h.store.FindStations(c.R.Context(), f)
	if err != nil {
		return err
	}
	if q.Export {
		return h.exportStations(c, rows)
	}
	v := &stationListView{CanEdit: c.Server().Can(c.Actor, "care.edit"), Rows: rows, Q: q, P: q.Pager(stationsPath, total),
		Facilities: Facilities, Services: Services}
	return c.RenderPage(http.StatusOK, "care/console/stations", &web.Page{Title: c.T("care.stations.title"),
		Crumbs: []web.Crumb{{Label: c.T("care.menu_group")}, {Label: c.T("care.stations.title")}}, Data: v})
}

func (h *Handlers) exportStations(c *web.Ctx, rows []*Station) error {
	head := []string{c.T("care.col.name"), c.T("care.col.org"), c.T("care.field.host"), c.T("care.field.address"),
		c.T("care.field.coords"), c.T("care.col.hours"), c.T("care.field.facilities"), c.T("care.field.services"),
		c.T("care.field.contact"), c.T("care.field.phone"), c.T("care.col.status")}
	out := make([][]any, 0, len(rows))
	for _, s := range rows {
		out = append(out, []any{s.Name, s.OrgName, s.Host, s.Address, s.Pos.String(), hoursText(c, s.Hours),
			codesText(c, "care.facility.", s.Facilities), codesText(c, "care.service.", s.Services), s.Contact, s.Phone,
			c.T("care.status." + s.Status)})
	}
	return c.ExportXLSX(c.T("care.stations.title"), head, out)
}

func codesText(c *web.Ctx, prefix string, codes []string) string {
	names := make([]string, len(codes))
	for i, code := range codes {
		names[i] = c.T(prefix + code)
	}
	return strings.Join(names, "、")
}

func hoursText(c *web.Ctx, w Week) string {
	if w.AllDay() {
		return c.T("care.all_day")
	}
	parts := make([]string, 0, 7)
	for i, d := range w {
		txt := FormatDay(d)
		if txt == "" {
			txt = c.T("care.closed")
		}
		parts = append(parts, c.T(weekdayKeys[i])+" "+txt)
	}
	return strings.Join(parts, "; ")
}

func (h *Handlers) station(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	st, err := h.store.Station(c.R.Context(), id)
	if err != nil {
		return err
	}
	return h.renderStation(c, http.StatusOK, &stationView{Station: st})
}

func (h *Handlers) renderStation(c *web.Ctx, status int, v *stationView) error {
	st := v.Station
	v.CanEdit = c.Server().Can(c.Actor, "care.edit")
	v.OpenNow = OpenAt(st.Hours, st.Closures, h.store.clock.Now())
	for i, d := range st.Hours {
		v.Days[i] = FormatDay(d)
	}
	v.Checkin = c.Server().Config.BaseURL + h.store.CheckinPath(st.ID)
	v.MapLinks = linksFor(st)
	groups, err := h.store.Groups(c.R.Context())
	if err != nil {
		return err
	}
	if v.Photos, err = h.store.stationPhotos(c.R.Context(), st.ID); err != nil {
		return err
	}
	v.GroupName = groupNames(c, groups)
	return c.RenderPage(status, "care/console/station", &web.Page{Title: st.Name,
		Crumbs: []web.Crumb{{Label: c.T("care.menu_group")}, {Label: c.T("care.stations.title"), Href: stationsPath}, {Label: st.Name}}, Data: v})
}

func (h *Handlers) stationQR(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	st, err := h.store.Station(c.R.Context(), id)
	if err != nil {
		return err
	}
	png, err := qrcode.Encode(c.Server().Config.BaseURL+h.store.CheckinPath(st.ID), qrcode.Medium, 320)
	if err != nil {
		return err
	}
	c.W.Header().Set("Content-Type", "image/png")
	c.W.Header().Set("Cache-Control", "private, max-age=3600")
	_, err = c.W.Write(png)
	return err
}

// groupNames maps each new-employment group's code to its name in the user's language.
func groupNames(c *web.Ctx, groups []Group) map[string]string {
	out := make(map[string]string, len(groups))
	for _, g := range groups {
		out[g.Code] = g.NameZH
		if c.L.Lang() != "zh-CN" {
			out[g.Code] = g.NameEN
		}
	}
	return out
}
