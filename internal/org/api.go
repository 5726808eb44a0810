package org

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"zhijia/internal/platform"
	"zhijia/internal/web"
)

// mountAPI adds the /api/v1 org routes: reads with org.view, create with org.edit.
func mountAPI(s *web.Server, h *Handlers) {
	s.APIRoute("GET /api/v1/orgs", "org.view", web.APIDoc{Summary: "List unions in the caller's subtree",
		Tag: "orgs", Query: []string{"q", "level", "status", "under", "page", "size"}, Response: listSchema}, h.apiList)
	s.APIRoute("GET /api/v1/orgs/{id}", "org.view", web.APIDoc{Summary: "One union with its employer",
		Tag: "orgs", Response: orgSchema}, h.apiGet)
	s.APIRoute("GET /api/v1/orgs/{id}/stats", "org.view", web.APIDoc{Summary: "Figures of a union's subtree (active unions only)",
		Tag: "orgs", Response: statsSchema}, h.apiStats)
	s.APIRoute("POST /api/v1/orgs", "org.edit", web.APIDoc{Summary: "Create a union under a parent in the caller's subtree",
		Tag: "orgs", Request: createSchema, Response: orgSchema, Status: http.StatusCreated}, h.apiCreate)
}

// MaskPhone hides the middle of a phone number for lists, exports and the API:
// 13800138000 → 138****8000. Short numbers keep less.
func MaskPhone(s string) string {
	r := []rune(strings.TrimSpace(s))
	n := len(r)
	switch {
	case n == 0:
		return ""
	case n <= 4:
		return strings.Repeat("*", n)
	case n < 8:
		return string(r[:1]) + strings.Repeat("*", n-3) + string(r[n-2:])
	}
	return string(r[:3]) + strings.Repeat("*", n-7) + string(r[n-4:])
}

// OrgJSON is an org as the API shows it; the contact phone is masked.
type OrgJSON struct {
	ID           int64         `json:"id"`
	ParentID     *int64        `json:"parent_id"`
	CityID       int64         `json:"city_id"`
	Level        Level         `json:"level"`
	Name         string        `json:"name"`
	AreaCode     string        `json:"area_code"`
	Path         string        `json:"path"`
	Depth        int           `json:"depth"`
	Status       Status        `json:"status"`
	ContactName  string        `json:"contact_name"`
	ContactPhone string        `json:"contact_phone"`
	Joint        bool          `json:"joint"`
	Employer     *EmployerJSON `json:"employer"`
	CreatedAt    time.Time     `json:"created_at"`
	UpdatedAt    time.Time     `json:"updated_at"`
	ClosedAt     *time.Time    `json:"closed_at"`
	Version      int64         `json:"version"`
}

// EmployerJSON is a grassroots union's employer in the API.
type EmployerJSON struct {
	Name       string   `json:"name"`
	CreditCode string   `json:"credit_code"`
	Headcount  int64    `json:"headcount"`
	Address    string   `json:"address"`
	Lng        *float64 `json:"lng"`
	Lat        *float64 `json:"lat"`
}

func toJSON(o *Org) OrgJSON {
	j := OrgJSON{ID: o.ID, CityID: o.CityID, Level: o.Level, Name: o.Name, AreaCode: o.AreaCode, Path: o.Path,
		Depth: o.Depth, Status: o.Status, ContactName: o.ContactName, ContactPhone: MaskPhone(o.ContactPhone),
		Joint: o.IsJoint(), CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt, ClosedAt: o.ClosedAt, Version: o.Version}
	if o.ParentID != 0 {
		p := o.ParentID
		j.ParentID = &p
	}
	if e := o.Employer; e != nil {
		j.Employer = &EmployerJSON{Name: e.Name, CreditCode: e.CreditCode, Headcount: e.Headcount,
			Address: e.Address, Lng: e.Lng, Lat: e.Lat}
	}
	return j
}

// OrgList is one page of GET /api/v1/orgs.
type OrgList struct {
	Items []OrgJSON `json:"items"`
	Total int       `json:"total"`
	Page  int       `json:"page"`
	Size  int       `json:"size"`
}

func (h *Handlers) apiList(c *web.Ctx) error {
	q := c.ParseList("path", "name", "level", "created")
	v := platform.Invalid()
	f := Filter{Q: q.Q, Level: Level(q.Get("level")), Status: Status(q.Get("status")), Sort: q.Sort, Desc: q.Desc,
		Limit: q.Limit(), Offset: q.Offset()}
	if f.Level != "" && !f.Level.Valid() {
		v.Field("level", "org.err.level_invalid")
	}
	if f.Status != "" && f.Status != StatusActive && f.Status != StatusClosed {
		v.Field("status", "org.err.status_invalid")
	}
	if err := v.OrNil(); err != nil {
		return err
	}
	out := OrgList{Items: []OrgJSON{}, Page: q.Page, Size: q.Size}
	if under := q.Get("under"); under != "" {
		id, err := strconv.ParseInt(under, 10, 64)
		if err != nil {
			return platform.Invalid().Field("under", "org.err.under_id")
		}
		u, err := h.store.Get(c.R.Context(), id)
		if err != nil { // outside the subtree: nothing to list
			return c.JSON(http.StatusOK, out)
		}
		f.Under = u.Path
	}
	rows, total, err := h.store.Find(c.R.Context(), f)
	if err != nil {
		return err
	}
	out.Total = total
	for i := range rows {
		out.Items = append(out.Items, toJSON(&rows[i]))
	}
	return c.JSON(http.StatusOK, out)
}

func (h *Handlers) apiGet(c *web.Ctx) error {
	o, err := h.load(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toJSON(o))
}

// StatsJSON is GET /api/v1/orgs/{id}/stats.
type StatsJSON struct {
	ID         int64 `json:"id"`
	Grassroots int   `json:"grassroots"`
	Headcount  int64 `json:"headcount"`
	Districts  int   `json:"districts"`
	Industries int   `json:"industries"`
	Groups     int   `json:"groups"`
}

func (h *Handlers) apiStats(c *web.Ctx) error {
	o, err := h.load(c)
	if err != nil {
		return err
	}
	st, err := h.store.SubtreeStats(c.R.Context(), o.Path)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, StatsJSON{ID: o.ID, Grassroots: st.Grassroots, Headcount: st.Headcount,
		Districts: st.Districts, Industries: st.Industries, Groups: st.Groups})
}

// CreateJSON is the body of POST /api/v1/orgs: the console form's fields.
type CreateJSON struct {
	ParentID     int64    `json:"parent_id"`
	Level        Level    `json:"level"`
	Name         string   `json:"name"`
	AreaCode     string   `json:"area_code"`
	ContactName  string   `json:"contact_name"`
	ContactPhone string   `json:"contact_phone"`
	EmployerName string   `json:"employer_name"`
	CreditCode   string   `json:"credit_code"`
	Headcount    int64    `json:"headcount"`
	Address      string   `json:"address"`
	Lng          *float64 `json:"lng"`
	Lat          *float64 `json:"lat"`
	Joint        bool     `json:"joint"`
}

func (h *Handlers) apiCreate(c *web.Ctx) error {
	var b CreateJSON
	if err := c.DecodeJSON(&b); err != nil {
		return err
	}
	in := Input{ParentID: b.ParentID, Level: b.Level, Name: b.Name, AreaCode: b.AreaCode,
		ContactName: b.ContactName, ContactPhone: b.ContactPhone, Joint: b.Joint}
	if b.Level == LevelGrassroots || b.EmployerName != "" || b.CreditCode != "" || b.Headcount != 0 ||
		b.Address != "" || b.Lng != nil || b.Lat != nil {
		in.Employer = &EmployerInput{Name: b.EmployerName, CreditCode: b.CreditCode, Headcount: b.Headcount,
			Address: b.Address, Lng: b.Lng, Lat: b.Lat}
	}
	o, err := h.store.Create(c.R.Context(), in)
	if platform.ErrorCode(err) == platform.CodeNotFound { // the only id in the body
		return platform.Invalid().Field("parent_id", "org.err.parent_missing")
	}
	if err != nil {
		return err
	}
	c.W.Header().Set("Location", "/api/v1/orgs/"+strconv.FormatInt(o.ID, 10))
	return c.JSON(http.StatusCreated, toJSON(o))
}

// JSON Schemas for the OpenAPI document.
var (
	str, integer = web.SchemaString, web.SchemaInteger
	nullNum      = map[string]any{"type": []any{"number", "null"}}
	levelEnm     = map[string]any{"type": "string", "enum": []any{"city", "district", "industry", "grassroots", "group"}}

	employerSchema = map[string]any{
		"type": []any{"object", "null"},
		"properties": map[string]any{"name": str, "credit_code": map[string]any{"type": "string",
			"description": "统一社会信用代码, 18 characters; empty for a joint union"},
			"headcount": integer, "address": str, "lng": nullNum, "lat": nullNum},
		"required": []any{"name", "credit_code", "headcount", "address", "lng", "lat"},
	}
	orgSchema = map[string]any{
		"type": "object",
		"properties": map[string]any{
			"id": integer, "parent_id": map[string]any{"type": []any{"integer", "null"}}, "city_id": integer,
			"level": levelEnm, "name": str, "area_code": str,
			"path":          map[string]any{"type": "string", "description": "materialised path, e.g. /1/12/345/"},
			"depth":         integer,
			"status":        map[string]any{"type": "string", "enum": []any{"active", "closed"}},
			"contact_name":  str,
			"contact_phone": map[string]any{"type": "string", "description": "masked, e.g. 138****8000"},
			"joint":         map[string]any{"type": "boolean"}, "employer": employerSchema,
			"created_at": map[string]any{"type": "string", "format": "date-time"},
			"updated_at": map[string]any{"type": "string", "format": "date-time"},
			"closed_at":  map[string]any{"type": []any{"string", "null"}, "format": "date-time"},
			"version":    integer,
		},
		"required": []any{"id", "parent_id", "city_id", "level", "name", "area_code", "path", "depth", "status",
			"contact_name", "contact_phone", "joint", "employer", "created_at", "updated_at", "closed_at", "version"},
	}
	listSchema = map[string]any{
		"type": "object",
		"properties": map[string]any{"items": map[string]any{"type": "array", "items": orgSchema},
			"total": integer, "page": integer, "size": integer},
		"required": []any{"items", "total", "page", "size"},
	}
	statsSchema = map[string]any{
		"type": "object",
		"properties": map[string]any{"id": integer, "grassroots": integer, "headcount": integer,
			"districts": integer, "industries": integer, "groups": integer},
		"required": []any{"id", "grassroots", "headcount", "districts", "industries", "groups"},
	}
	createSchema = map[string]any{
		"type":                 "object",
		"additionalProperties": false,
		"properties": map[string]any{
			"parent_id": integer, "level": levelEnm, "name": str,
			"area_code":    map[string]any{"type": "string", "description": "6-digit GB/T 2260 code; required for districts"},
			"contact_name": str, "contact_phone": str,
			"employer_name": map[string]any{"type": "string", "description": "grassroots unions only"},
			"credit_code":   str, "headcount": integer, "address": str, "lng": nullNum, "lat": nullNum,
			"joint": map[string]any{"type": "boolean", "description": "联合工会: the credit code may be empty"},
		},
		"required": []any{"parent_id", "level", "name"},
	}
)

// MaskedPhone is the contact phone as lists and exports show it.
func (o Org) MaskedPhone() string { return MaskPhone(o.ContactPhone) }
