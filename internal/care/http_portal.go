package care

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"zhijia/internal/web"
)

// Place is a known place a worker without geolocation may start from (GCJ-02).
type Place struct {
	Key  string
	Name string
	Pos  Point
}

// knownPlaces are Fuzhou landmarks, approximate GCJ-02.
var knownPlaces = []Place{
	{"wuyi", "care.place.wuyi", Point{26.0780, 119.3040}},
	{"sanfang", "care.place.sanfang", Point{26.0855, 119.2945}},
	{"dongjiekou", "care.place.dongjiekou", Point{26.0880, 119.2980}},
	{"station", "care.place.station", Point{26.1120, 119.3170}},
	{"south", "care.place.south", Point{25.9850, 119.3850}},
	{"mawei", "care.place.mawei", Point{25.9920, 119.4550}},
}

// Radii the worker may choose, in metres.
var Radii = []int{500, 800, 1500, 3000}

type hitView struct {
	Cover    int64 // the station's first photo, 0 for none
	N        int
	Station  *Station
	Distance string
	Open     bool
	Links    mapLinks
}

type servicesView struct {
	Located    bool
	Lat, Lng   string // the WGS-84 position as the phone gave it
	Radius     int
	OpenOnly   bool
	Need       []string
	District   int64
	Place      string
	Districts  []District
	Places     []Place
	Radii      []int
	Facilities []string
	Within     []hitView
	Nearest    []hitView
	Map        template.HTML
	Visits     []*Visit
	Activities []*Activity
	Signups    []*Signup
	Alert      string
}

// Needs reports whether facility code is among the filter's.
func (v *servicesView) Needs(code string) bool {
	for _, n := range v.Need {
		if n == code {
			return true
		}
	}
	return false
}

// where reads the starting point: the phone's position (WGS-84), else a
// district's centre or a known place (both GCJ-02, converted back).
func (h *Handlers) where(c *web.Ctx, v *servicesView, city int64) (Point, bool, error) {
	q := c.R.URL.Query()
	v.Lat, v.Lng = strings.TrimSpace(q.Get("lat")), strings.TrimSpace(q.Get("lng"))
	if v.Lat != "" || v.Lng != "" {
		p, ok := ParsePoint(v.Lat + "," + v.Lng)
		if !ok {
			v.Alert = c.T("care.err.position")
			return Point{}, false, nil
		}
		return p, true, nil
	}
	v.District, _ = strconv.ParseInt(q.Get("district"), 10, 64)
	for _, d := range v.Districts {
		if d.ID == v.District && d.HasCentre {
			return GCJToWGS(d.Centre), true, nil
		}
	}
	v.Place = q.Get("place")
	for _, p := range knownPlaces {
		if p.Key == v.Place {
			return GCJToWGS(p.Pos), true, nil
		}
	}
	return Point{}, false, nil
}

func (h *Handlers) services(c *web.Ctx) error {
	ctx := c.R.Context()
	city, err := h.store.WorkerCity(ctx)
	if err != nil {
		return err
	}
	q := c.R.URL.Query()
	v := &servicesView{Radius: DefaultRadius, OpenOnly: q.Get("open") == "1", Need: keepKnown(q["need"], append(Facilities, Services...)),
		Places: knownPlaces, Radii: Radii, Facilities: Facilities}
	if r, err := strconv.Atoi(q.Get("radius")); err == nil && r > 0 && r <= MaxRadius {
		v.Radius = r
	}
	if v.Districts, err = h.store.Districts(ctx, city); err != nil {
		return err
	}
	p, ok, err := h.where(c, v, city)
	if err != nil {
		return err
	}
	if ok {
		if err := h.fillCircle(c, v, city, p); err != nil {
			return err
		}
	}
	if v.Visits, err = h.store.MyVisits(ctx, 5); err != nil {
		return err
	}
	if v.Activities, err = h.store.OpenActivities(ctx); err != nil {
		return err
	}
	if v.Signups, err = h.mySignups(c); err != nil {
		return err
	}
	return c.RenderPage(http.StatusOK, "care/portal/services", &web.Page{Title: c.T("tab.services"), Data: v})
}

func (h *Handlers) fillCircle(c *web.Ctx, v *servicesView, city int64, p Point) error {
	circle, err := h.store.Circle(c.R.Context(), CircleQuery{CityID: city, WGS: p, Radius: float64(v.Radius),
		Filter: Filter{OpenNow: v.OpenOnly, Need: v.Need}})
	if err != nil {
		return err
	}
	v.Located = true
	v.Within, v.Nearest = hitViews(circle.Within), hitViews(circle.Nearest)
	hits := circle.Within
	if len(hits) == 0 {
		hits = circle.Nearest
	}
	ids := make([]int64, len(hits))
	for i, hit := range hits {
		ids[i] = hit.Station.ID
	}
	photos, err := h.store.photoIDs(c.R.Context(), ids)
	if err != nil {
		return err
	}
	for _, list := range [][]hitView{v.Within, v.Nearest} {
		for i := range list {
			if ps := photos[list[i].Station.ID]; len(ps) > 0 {
				list[i].Cover = ps[0]
			}
		}
	}
	v.Map = circleSVG(WGSToGCJ(p), float64(v.Radius), hits, c.T("care.portal.map_label", len(hits)))
	return nil
}

func hitViews(hits []Hit) []hitView {
	out := make([]hitView, len(hits))
	for i, h := range hits {
		out[i] = hitView{N: i + 1, Station: h.Station, Distance: distanceText(h.Distance), Open: h.Open, Links: linksFor(h.Station)}
	}
	return out
}

type checkinView struct {
	Station *Station
	ID      int64
	Token   string
	Alert   string
}

func (h *Handlers) checkinConfirm(c *web.Ctx) error {
	q := c.R.URL.Query()
	v := &checkinView{Token: q.Get("t")}
	v.ID, _ = strconv.ParseInt(q.Get("s"), 10, 64)
	st, err := h.store.StationForCheckin(c.R.Context(), v.ID, v.Token)
	status := http.StatusOK
	if err != nil {
		s, alert, _, ok := refusal(c, err)
		if !ok {
			return err
		}
		status, v.Alert = s, alert
	}
	v.Station = st
	return c.RenderPage(status, "care/portal/checkin", &web.Page{Title: c.T("care.checkin.title"), Data: v})
}

func (h *Handlers) checkin(c *web.Ctx) error {
	id := c.FormInt64("s")
	visit, err := h.store.Checkin(c.R.Context(), id, c.R.PostFormValue("t"))
	if err != nil {
		status, alert, _, ok := refusal(c, err)
		if !ok {
			return err
		}
		v := &checkinView{ID: id, Alert: alert}
		return c.RenderPage(status, "care/portal/checkin", &web.Page{Title: c.T("care.checkin.title"), Data: v})
	}
	flash := "care.flash.checked_in"
	if visit.Again {
		flash = "care.flash.checked_in_again"
	}
	return c.Redirect(visitURL(visit.ID), flash)
}

type visitView struct {
	Visit  *Visit
	Alert  string
	Errors map[string]string
	Stars  []int
	Rating int
	Text   string
}

func visitURL(id int64) string { return "/portal/care/visit?id=" + strconv.FormatInt(id, 10) }

// visit shows one of the worker's visits (?id=); without one, the services tab.
func (h *Handlers) visit(c *web.Ctx) error {
	id := c.FormInt64("id")
	if id <= 0 {
		http.Redirect(c.W, c.R, "/portal/services", http.StatusSeeOther)
		return nil
	}
	return h.renderVisit(c, http.StatusOK, &visitView{}, id)
}

func (h *Handlers) renderVisit(c *web.Ctx, status int, v *visitView, id int64) error {
	var err error
	if v.Visit, err = h.store.MyVisit(c.R.Context(), id); err != nil {
		return err
	}
	v.Stars = []int{5, 4, 3, 2, 1}
	return c.RenderPage(status, "care/portal/visit", &web.Page{Title: c.T("care.visit.title"), Data: v})
}

func (h *Handlers) rate(c *web.Ctx) error {
	id := c.FormInt64("id")
	if id <= 0 {
		return c.Redirect("/portal/services", "")
	}
	rating, _ := strconv.Atoi(c.R.PostFormValue("rating"))
	text := c.R.PostFormValue("comment")
	err := h.store.RateVisit(c.R.Context(), id, rating, text)
	if err == nil {
		return c.Redirect(visitURL(id), "care.flash.rated")
	}
	status, alert, fields, ok := refusal(c, err)
	if !ok {
		return err
	}
	return h.renderVisit(c, status, &visitView{Alert: alert, Errors: fields, Rating: rating, Text: text}, id)
}

// mySignups lists the worker's sign-ups, first taking back any offer whose
// deadline has passed (which promotes the next waiting worker).
func (h *Handlers) mySignups(c *web.Ctx) ([]*Signup, error) {
	ctx := c.R.Context()
	list, err := h.store.MySignups(ctx)
	if err != nil {
		return nil, err
	}
	now, swept := h.store.clock.Now(), false
	for _, g := range list {
		if g.Status == SignupOffered && g.ConfirmBy != nil && g.ConfirmBy.Before(now) {
			if _, err := h.store.expireOffers(ctx, now.UTC(), g.ActivityID); err != nil {
				return nil, err
			}
			swept = true
		}
	}
	if swept {
		return h.store.MySignups(ctx)
	}
	return list, nil
}
