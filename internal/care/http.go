package care

import (
	"embed"
	"net/http"

	"zhijia/internal/platform"
	"zhijia/internal/web"
)

//go:embed templates static
var assets embed.FS

// Handlers serves the care pages and API.
type Handlers struct {
	store *Store
}

// Mount adds the care routes, pages and menu entries to the shell.
func Mount(s *web.Server, store *Store) {
	h := &Handlers{store: store}
	s.Catalog.Add(Messages)
	s.Catalog.Add(activityMessages)
	s.AddPages("care", assets, "templates")
	for page, zero := range map[string]any{
		"console/stations": &stationListView{}, "console/station": &stationView{}, "console/station_form": &stationFormView{},
		"console/visits": &visitListView{}, "console/coverage": &coverageView{},
		"portal/services": &servicesView{}, "portal/checkin": &checkinView{}, "portal/visit": &visitView{},
		"console/activities": &activityListView{}, "console/activity_form": &activityFormView{}, "console/activity": &activityView{},
		"portal/activity": &portalActivityView{}, "portal/attend": &attendView{}, "portal/station": &portalStationView{},
	} {
		s.Sample("care/"+page, zero)
	}
	s.AddMenu(
		web.MenuItem{Group: "care.menu_group", Label: "care.menu.stations", Href: stationsPath, Perm: "care.view", Order: 600},
		web.MenuItem{Group: "care.menu_group", Label: "care.menu.visits", Href: "/console/care/visits", Perm: "care.view", Order: 610},
		web.MenuItem{Group: "care.menu_group", Label: "care.menu.coverage", Href: "/console/care/coverage", Perm: "care.view", Order: 620},
		web.MenuItem{Group: "care.menu_group", Label: "care.menu.activities", Href: activitiesPath, Perm: "care.view", Order: 630},
	)
	s.Public("GET /care/static/{file}", h.static)
	s.Portal("GET /portal/services", h.services)
	s.Portal("GET /portal/care/checkin", h.checkinConfirm)
	s.Portal("POST /portal/care/checkin", h.checkin)
	s.Portal("GET /portal/care/visit", h.visit)
	s.Portal("POST /portal/care/visit/rate", h.rate)
	s.Console("GET /console/care/stations", "care.view", h.stations)
	s.Console("GET /console/care/stations/new", "care.edit", h.stationNew)
	s.Console("POST /console/care/stations", "care.edit", h.stationCreate)
	s.Console("GET /console/care/stations/{id}", "care.view", h.station)
	s.Console("GET /console/care/stations/{id}/qr.png", "care.view", h.stationQR)
	s.Console("GET /console/care/stations/{id}/edit", "care.edit", h.stationEdit)
	s.Console("POST /console/care/stations/{id}", "care.edit", h.stationUpdate)
	s.Console("POST /console/care/stations/{id}/status", "care.edit", h.stationStatus)
	s.Console("POST /console/care/stations/{id}/closures", "care.edit", h.closureAdd)
	s.Console("POST /console/care/closures/{id}/delete", "care.edit", h.closureRemove)
	s.Console("POST /console/care/stations/{id}/photos", "care.edit", h.photoAdd)
	s.Console("POST /console/care/stations/{id}/photos/remove", "care.edit", h.photoRemove)
	s.Console("GET /console/care/photos/{id}", "care.view", h.consolePhoto)
	s.Portal("GET /portal/care/station", h.portalStation)
	s.Portal("GET /portal/care/photo", h.portalPhoto)
	s.Console("GET /console/care/visits", "care.view", h.visits)
	s.Console("POST /console/care/visits/{id}/reply", "care.edit", h.reply)
	s.Console("GET /console/care/coverage", "care.view", h.coverage)
	s.Console("GET /console/care/activities", "care.view", h.activities)
	s.Console("GET /console/care/activities/new", "care.edit", h.activityNew)
	s.Console("POST /console/care/activities", "care.edit", h.activityCreate)
	s.Console("GET /console/care/activities/{id}", "care.view", h.activity)
	s.Console("POST /console/care/activities/{id}/draw", "care.edit", h.draw)
	s.Console("GET /console/care/activities/{id}/qr.png", "care.view", h.activityQR)
	s.Console("GET /console/care/activities/{id}/draws", "care.view", h.drawsExport)
	s.Console("GET /console/care/activities/{id}/attendance", "care.view", h.attendanceExport)
	s.Portal("GET /portal/care/attend", h.attendConfirm)
	s.Portal("POST /portal/care/attend", h.attend)
	s.Portal("GET /portal/care/activity", h.portalActivity)
	s.Portal("POST /portal/care/signup", h.signup)
	s.Portal("POST /portal/care/signup/confirm", h.signupAction)
	s.Portal("POST /portal/care/signup/cancel", h.signupAction)
	mountAPI(s, h)
	mountActivityAPI(s, h)
}

// static serves the package's own script and style sheet.
func (h *Handlers) static(c *web.Ctx) error {
	name := c.R.PathValue("file")
	types := map[string]string{"circle.js": "text/javascript; charset=utf-8", "care.css": "text/css; charset=utf-8"}
	ct, ok := types[name]
	if !ok {
		return platform.NotFound
	}
	b, err := assets.ReadFile("static/" + name)
	if err != nil {
		return platform.NotFound
	}
	c.W.Header().Set("Content-Type", ct)
	c.W.Header().Set("Cache-Control", "public, max-age=300")
	_, err = c.W.Write(b)
	return err
}

// refusal turns a rule's refusal into what a form shows: status, top message
// and per-field messages, translated; ok is false for other errors.
func refusal(c *web.Ctx, err error) (status int, alert string, fields map[string]string, ok bool) {
	e, isUser := platform.AsError(err)
	if !isUser || (e.Code != platform.CodeInvalid && e.Code != platform.CodeConflict) {
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
	if status = platform.HTTPStatus(e.Code); status == 0 {
		status = http.StatusUnprocessableEntity
	}
	return status, alert, fields, true
}
