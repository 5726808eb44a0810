package care

import (
	"net/http"
	"strconv"

	"zhijia/internal/platform"
	"zhijia/internal/web"
)

// mountAPI adds /api/v1: the worker's own actions under /api/v1/my/care (a
// worker's bearer token) and staff reads under /api/v1/care.
func mountAPI(s *web.Server, h *Handlers) {
	s.WorkerAPI("GET /api/v1/my/care/stations", web.APIDoc{Summary: "Stations of the service circle around a WGS-84 position (converted to GCJ-02 before measuring)",
		Tag: "care", Query: []string{"lat", "lng", "radius", "open", "need"}, Response: circleSchema}, h.apiCircle)
	s.WorkerAPI("GET /api/v1/my/care/photos/{id}", web.APIDoc{Summary: "A photo of a station the worker may see (one of their city's active stations): the JPEG or PNG file itself",
		Tag: "care", Response: map[string]any{"type": "string", "format": "binary", "description": "image/jpeg or image/png"}}, h.apiPhoto)
	s.WorkerAPI("POST /api/v1/my/care/checkins", web.APIDoc{Summary: "Check in at a station with the station id and token its QR code carries",
		Tag: "care", Request: checkinSchema, Response: visitSchema, Status: http.StatusCreated}, h.apiCheckin)
	s.WorkerAPI("GET /api/v1/my/care/visits", web.APIDoc{Summary: "The worker's latest station visits",
		Tag: "care", Response: listOf(visitSchema)}, h.apiMyVisits)
	s.WorkerAPI("POST /api/v1/my/care/visits/{id}/rating", web.APIDoc{Summary: "Rate one's own visit (1–5) with an optional comment, once",
		Tag: "care", Request: rateSchema, Response: visitSchema}, h.apiRate)
	s.APIRoute("GET /api/v1/care/stations", "care.view", web.APIDoc{Summary: "Stations registered in the caller's subtree",
		Tag: "care", Query: []string{"q", "facility", "status", "page", "size"}, Response: listOf(stationSchema)}, h.apiStations)
	s.APIRoute("GET /api/v1/care/stations/{id}", "care.view", web.APIDoc{Summary: "One station in the caller's subtree",
		Tag: "care", Response: stationSchema}, h.apiStation)
	s.APIRoute("GET /api/v1/care/coverage", "care.view", web.APIDoc{Summary: "Service-circle coverage of the caller's subtree",
		Tag: "care", Response: map[string]any{"type": "object"}}, h.apiCoverage)
}

// StationJSON is a station as the API shows it; coordinates are GCJ-02 and,
// for convenience, WGS-84.
type StationJSON struct {
	*Station
	GCJ    [2]float64 `json:"gcj02"`
	WGS    [2]float64 `json:"wgs84"`
	Hours  [7]string  `json:"hours"`
	AllDay bool       `json:"all_day"`
}

func stationJSON(s *Station) StationJSON {
	w := GCJToWGS(s.Pos)
	j := StationJSON{Station: s, GCJ: [2]float64{s.Pos.Lat, s.Pos.Lng}, WGS: [2]float64{w.Lat, w.Lng}, AllDay: s.Hours.AllDay()}
	for i, d := range s.Hours {
		j.Hours[i] = FormatDay(d)
	}
	if j.Closures == nil {
		j.Closures = []Closure{}
	}
	return j
}

// HitJSON is one station of a circle answer.
type HitJSON struct {
	Station  StationJSON `json:"station"`
	Distance int         `json:"distance_m"`
	Open     bool        `json:"open_now"`
	Geo      string      `json:"geo_uri"`
	Photos   []int64     `json:"photo_ids"` // GET /api/v1/my/care/photos/{id}
}

func hitsJSON(hits []Hit, photos map[int64][]int64) []HitJSON {
	out := make([]HitJSON, len(hits))
	for i, h := range hits {
		ps := photos[h.Station.ID]
		if ps == nil {
			ps = []int64{}
		}
		out[i] = HitJSON{Station: stationJSON(h.Station), Distance: int(h.Distance + 0.5), Open: h.Open, Geo: string(linksFor(h.Station).Geo),
			Photos: ps}
	}
	return out
}

// apiPhoto serves a station photo to a worker's client.
func (h *Handlers) apiPhoto(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	return h.servePhoto(c, id)
}

func (h *Handlers) apiCircle(c *web.Ctx) error {
	ctx := c.R.Context()
	city, err := h.store.WorkerCity(ctx)
	if err != nil {
		return err
	}
	q := c.R.URL.Query()
	p, ok := ParsePoint(q.Get("lat") + "," + q.Get("lng"))
	if !ok {
		return platform.Invalid().Field("lat", "care.err.position").Field("lng", "care.err.position")
	}
	radius := DefaultRadius
	if s := q.Get("radius"); s != "" {
		r, err := strconv.Atoi(s)
		if err != nil || r <= 0 || r > MaxRadius {
			return platform.Invalid().Field("radius", "care.err.radius")
		}
		radius = r
	}
	circle, err := h.store.Circle(ctx, CircleQuery{CityID: city, WGS: p, Radius: float64(radius),
		Filter: Filter{OpenNow: q.Get("open") == "1" || q.Get("open") == "true", Need: keepKnown(q["need"], append(Facilities, Services...))}})
	if err != nil {
		return err
	}
	var ids []int64
	for _, hits := range [][]Hit{circle.Within, circle.Nearest} {
		for _, hit := range hits {
			ids = append(ids, hit.Station.ID)
		}
	}
	photos, err := h.store.photoIDs(ctx, ids)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"radius_m": radius, "within": hitsJSON(circle.Within, photos),
		"nearest": hitsJSON(circle.Nearest, photos)})
}

func (h *Handlers) apiCheckin(c *web.Ctx) error {
	var body struct {
		StationID int64  `json:"station_id"`
		Token     string `json:"token"`
	}
	if err := c.DecodeJSON(&body); err != nil {
		return err
	}
	v, err := h.store.Checkin(c.R.Context(), body.StationID, body.Token)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if v.Again {
		status = http.StatusOK
	}
	return c.JSON(status, v)
}

func (h *Handlers) apiMyVisits(c *web.Ctx) error {
	rows, err := h.store.MyVisits(c.R.Context(), 50)
	if err != nil {
		return err
	}
	if rows == nil {
		rows = []*Visit{}
	}
	return c.JSON(http.StatusOK, map[string]any{"items": rows, "total": len(rows)})
}

func (h *Handlers) apiRate(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	var body struct {
		Rating  int    `json:"rating"`
		Comment string `json:"comment"`
	}
	if err := c.DecodeJSON(&body); err != nil {
		return err
	}
	if err := h.store.RateVisit(c.R.Context(), id, body.Rating, body.Comment); err != nil {
		return err
	}
	v, err := h.store.MyVisit(c.R.Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

func (h *Handlers) apiStations(c *web.Ctx) error {
	q := c.ParseList("name")
	rows, total, err := h.store.FindStations(c.R.Context(), StationFilter{Q: q.Q, Facility: q.Get("facility"), Status: q.Get("status"),
		Limit: q.Limit(), Offset: q.Offset()})
	if err != nil {
		return err
	}
	items := make([]StationJSON, len(rows))
	for i, s := range rows {
		items[i] = stationJSON(s)
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "total": total, "page": q.Page, "size": q.Size})
}

func (h *Handlers) apiStation(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	st, err := h.store.Station(c.R.Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, stationJSON(st))
}

func (h *Handlers) apiCoverage(c *web.Ctx) error {
	cov, err := h.store.Coverage(c.R.Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cov)
}

var (
	integer = web.SchemaInteger
	str     = web.SchemaString
	boolean = web.SchemaBoolean
	pair    = map[string]any{"type": "array", "items": map[string]any{"type": "number"}, "minItems": 2, "maxItems": 2}

	stationSchema = map[string]any{"type": "object", "properties": map[string]any{
		"id": integer, "org_id": integer, "org_name": str, "name": str, "host": str, "address": str,
		"gcj02": pair, "wgs84": pair, "hours": map[string]any{"type": "array", "items": str, "description": "Monday first, \"08:00-20:00[,…]\", empty = closed"},
		"all_day": boolean, "facilities": map[string]any{"type": "array", "items": str}, "services": map[string]any{"type": "array", "items": str},
		"groups": map[string]any{"type": "array", "items": str}, "contact": str, "phone": str, "status": str, "version": integer}}
	hitSchema = map[string]any{"type": "object", "properties": map[string]any{"station": stationSchema, "distance_m": integer, "open_now": boolean, "geo_uri": str,
		"photo_ids": map[string]any{"type": "array", "items": integer, "description": "the station's photos, for GET /api/v1/my/care/photos/{id}"}}}
	circleSchema = map[string]any{"type": "object", "properties": map[string]any{"radius_m": integer,
		"within":  map[string]any{"type": "array", "items": hitSchema},
		"nearest": map[string]any{"type": "array", "items": hitSchema, "description": "the nearest five when none is within the radius"}}}
	checkinSchema = map[string]any{"type": "object", "additionalProperties": false, "required": []any{"station_id", "token"},
		"properties": map[string]any{"station_id": integer, "token": str}}
	rateSchema = map[string]any{"type": "object", "additionalProperties": false, "required": []any{"rating"},
		"properties": map[string]any{"rating": map[string]any{"type": "integer", "minimum": 1, "maximum": 5},
			"comment": map[string]any{"type": "string", "maxLength": 300}}}
	visitSchema = map[string]any{"type": "object", "properties": map[string]any{"id": integer, "station_id": integer, "station_name": str,
		"group_code": str, "day": str, "hour": integer, "visited_at": str, "rating": integer, "comment": str, "reply": str,
		"already_checked_in": boolean}}
)

func listOf(item map[string]any) map[string]any {
	return map[string]any{"type": "object", "properties": map[string]any{"items": map[string]any{"type": "array", "items": item}, "total": integer}}
}
