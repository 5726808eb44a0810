package people

import (
	"net/http"

	"zhijia/internal/web"
)

// mountAPI adds the /api/v1 worker reads (people.view): search-first, masked.
func mountAPI(s *web.Server, h *Handlers) {
	s.APIRoute("GET /api/v1/workers", "people.view", web.APIDoc{Summary: "Search workers in the caller's subtree (masked)",
		Tag: "workers", Query: []string{"q", "org", "status", "model", "group", "sort", "dir", "page", "size"}, Response: workerListSchema}, h.apiList)
	s.APIRoute("GET /api/v1/workers/{id}", "people.view", web.APIDoc{Summary: "One worker with the household (masked)",
		Tag: "workers", Response: workerSchema}, h.apiGet)
}

// WorkerJSON is a worker as the API shows it: personal data masked.
type WorkerJSON struct {
	ID           int64           `json:"id"`
	OrgID        int64           `json:"org_id"`
	OrgName      string          `json:"org_name"`
	Name         string          `json:"name"`
	IDNumber     string          `json:"id_number_masked"`
	Gender       Gender          `json:"gender"`
	Birth        string          `json:"birth_date"`
	Phone        string          `json:"phone_masked"`
	Landline     string          `json:"landline"`
	Employer     string          `json:"employer"`
	Post         string          `json:"post"`
	Education    string          `json:"education"`
	MemberStatus MemberStatus    `json:"member_status"`
	JoinedOn     string          `json:"joined_on"`
	ModelLevel   ModelLevel      `json:"model_level"`
	Craftsman    string          `json:"craftsman"`
	GroupCode    string          `json:"group_code"`
	Household    []HouseholdJSON `json:"household,omitempty"`
	Version      int64           `json:"version"`
}

// HouseholdJSON is one household member, masked.
type HouseholdJSON struct {
	Relation   string `json:"relation"`
	Name       string `json:"name"`
	IDNumber   string `json:"id_number_masked"`
	Birth      string `json:"birth_date"`
	Student    bool   `json:"student"`
	Ill        bool   `json:"ill"`
	Disabled   bool   `json:"disabled"`
	Unemployed bool   `json:"unemployed"`
}

// WorkerList is one page of GET /api/v1/workers.
type WorkerList struct {
	Items []WorkerJSON `json:"items"`
	Total int          `json:"total"`
	Page  int          `json:"page"`
	Size  int          `json:"size"`
}

func toJSON(w *Worker) WorkerJSON {
	j := WorkerJSON{ID: w.ID, OrgID: w.OrgID, OrgName: w.OrgName, Name: w.Name, IDNumber: w.IDMasked, Gender: w.Gender,
		Birth: w.Birth, Phone: w.PhoneMasked, Landline: w.Landline, Employer: w.Employer, Post: w.Post,
		Education: w.Education, MemberStatus: w.MemberStatus, JoinedOn: w.JoinedOn, ModelLevel: w.ModelLevel,
		Craftsman: w.Craftsman, GroupCode: w.GroupCode, Version: w.Version}
	for _, m := range w.Household {
		j.Household = append(j.Household, HouseholdJSON{Relation: m.Relation, Name: m.Name, IDNumber: m.IDMasked,
			Birth: m.Birth, Student: m.Student, Ill: m.Ill, Disabled: m.Disabled, Unemployed: m.Unemployed})
	}
	return j
}

func (h *Handlers) apiList(c *web.Ctx) error {
	q := c.ParseList("name", "created", "birth")
	q.Export = false
	f := filterOf(q)
	if f.MemberStatus != "" && f.MemberStatus != Member && f.MemberStatus != NonMember {
		return errField("status", "people.err.member_status_invalid")
	}
	out := WorkerList{Items: []WorkerJSON{}, Page: q.Page, Size: q.Size}
	if !h.narrow(c, q, &f) { // an org outside the caller's subtree: nothing to list
		return c.JSON(http.StatusOK, out)
	}
	rows, total, err := h.store.FindWorkers(c.R.Context(), f)
	if err != nil {
		return err
	}
	out = WorkerList{Items: []WorkerJSON{}, Total: total, Page: q.Page, Size: q.Size}
	for i := range rows {
		out.Items = append(out.Items, toJSON(&rows[i]))
	}
	return c.JSON(http.StatusOK, out)
}

func (h *Handlers) apiGet(c *web.Ctx) error {
	w, err := h.load(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toJSON(w))
}

var (
	str, integer, boolean = web.SchemaString, web.SchemaInteger, web.SchemaBoolean
	masked                = map[string]any{"type": "string", "description": "masked, e.g. 350102********123X or 138****8000"}
	household             = map[string]any{
		"type": "object",
		"properties": map[string]any{"relation": str, "name": str, "id_number_masked": masked, "birth_date": str,
			"student": boolean, "ill": boolean, "disabled": boolean, "unemployed": boolean},
	}
	workerSchema = map[string]any{
		"type": "object",
		"properties": map[string]any{
			"id": integer, "org_id": integer, "org_name": str, "name": str, "id_number_masked": masked,
			"gender":       map[string]any{"type": "string", "enum": []any{"male", "female"}},
			"birth_date":   map[string]any{"type": "string", "description": "YYYY-MM-DD, derived from the id number"},
			"phone_masked": masked, "landline": str, "employer": str, "post": str, "education": str,
			"member_status": map[string]any{"type": "string", "enum": []any{"member", "non_member"}},
			"joined_on":     str,
			"model_level":   map[string]any{"type": "string", "enum": []any{"", "national", "provincial", "city"}},
			"craftsman":     str,
			"group_code":    map[string]any{"type": "string", "description": "new-employment group code, empty for none"},
			"household":     map[string]any{"type": "array", "items": household},
			"version":       integer,
		},
		"required": []any{"id", "org_id", "name", "id_number_masked", "member_status", "version"},
	}
	workerListSchema = map[string]any{
		"type": "object",
		"properties": map[string]any{"items": map[string]any{"type": "array", "items": workerSchema},
			"total": integer, "page": integer, "size": integer},
		"required": []any{"items", "total", "page", "size"},
	}
)
