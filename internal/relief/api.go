package relief

import (
	"net/http"
	"time"

	"zhijia/internal/platform"
	"zhijia/internal/web"
)

// mountAPI adds the worker's own relief actions under /api/v1/my/relief, for a
// mini-program or another client holding the worker's bearer token: the same
// things the portal does, with the same rules.
func (h *Handlers) mountAPI(s *web.Server) {
	s.WorkerAPI("GET /api/v1/my/relief/household", web.APIDoc{Summary: "My household members (masked), to pick for an application",
		Tag: "my", Response: obj(map[string]any{"items": arr(householdSchema)})}, h.apiHousehold)
	s.WorkerAPI("GET /api/v1/my/relief/applications", web.APIDoc{Summary: "My relief applications, newest first",
		Tag: "my", Response: obj(map[string]any{"items": arr(appSchema)})}, h.apiMine)
	s.WorkerAPI("POST /api/v1/my/relief/applications", web.APIDoc{Summary: "Apply for hardship relief for my household (amounts in fen; the Idempotency-Key makes a retry return the first application)",
		Tag: "my", Request: applyRequestSchema, Response: appSchema, Status: http.StatusCreated}, h.apiApply)
	s.WorkerAPI("GET /api/v1/my/relief/applications/{id}", web.APIDoc{Summary: "One of my applications: steps, amounts per level, payment, what is asked when returned",
		Tag: "my", Response: appSchema}, h.apiMineOne)
	s.WorkerAPI("POST /api/v1/my/relief/applications/{id}/resubmit", web.APIDoc{Summary: "Answer a return and send the application back to the level that asked",
		Tag: "my", Request: obj(map[string]any{"version": integer, "supplement": str, "amend": amendSchema}), Response: appSchema}, h.apiResubmit)
	s.WorkerAPI("POST /api/v1/my/relief/applications/{id}/attachments", web.APIDoc{Summary: "Add a document (multipart/form-data, field \"file\"; PDF, JPG or PNG by content, 10 MB at most)",
		Tag: "my", Response: attachmentSchema, Status: http.StatusCreated}, h.apiAttach)
	s.WorkerAPI("POST /api/v1/my/relief/objections", web.APIDoc{Summary: "Object to a grant on public notice; its payment waits for a finding",
		Tag: "my", Request: obj(map[string]any{"application_id": integer, "body": str}), Response: obj(map[string]any{"id": integer, "status": str}),
		Status: http.StatusCreated}, h.apiObject)
}

var (
	str, integer, boolean = web.SchemaString, web.SchemaInteger, web.SchemaBoolean
	arr                   = web.SchemaArray
)

func obj(props map[string]any) map[string]any { return web.SchemaObject(props) }

var householdSchema = obj(map[string]any{"id": integer, "relation": str, "name": str, "id_masked": str})

var attachmentSchema = obj(map[string]any{"id": integer, "name": str, "type": str, "size": integer})

var appSchema = obj(map[string]any{"id": integer, "status": str, "step": str, "causes": arr(str), "category": str,
	"household_size": integer, "requested": integer, "granted": integer, "submitted_at": str, "notice_until": str,
	"returned_for": str, "version": integer, "payee": obj(map[string]any{"name": str, "bank": str, "account_masked": str}),
	"changes": arr(obj(map[string]any{"field": str, "before": str, "after": str, "at": str})), "steps": arr(obj(map[string]any{"level": str, "org": str, "status": str,
		"amount": integer, "due_on": str, "reason": str})), "grants": arr(obj(map[string]any{"org": str, "amount": integer,
		"status": str})), "attachments": arr(attachmentSchema)})

var applyRequestSchema = obj(map[string]any{"member_ids": arr(integer), "causes": arr(str), "income": integer,
	"unavoidable": integer, "medical_costs": integer, "insurance_paid": integer, "losses": integer, "tuition": integer,
	"requested": integer, "statement": str, "consent": boolean, "payee_name": str, "payee_bank": str, "payee_account": str})

// amendSchema is the case as corrected on a return (amounts in fen; a blank
// payee_account keeps the account on file).
var amendSchema = obj(map[string]any{"income": integer, "unavoidable": integer, "medical_costs": integer,
	"insurance_paid": integer, "losses": integer, "tuition": integer, "requested": integer, "statement": str,
	"payee_name": str, "payee_bank": str, "payee_account": str})

// amendJSON is amendSchema decoded.
type amendJSON struct {
	Income        int64  `json:"income"`
	Unavoidable   int64  `json:"unavoidable"`
	MedicalCosts  int64  `json:"medical_costs"`
	InsurancePaid int64  `json:"insurance_paid"`
	Losses        int64  `json:"losses"`
	Tuition       int64  `json:"tuition"`
	Requested     int64  `json:"requested"`
	Statement     string `json:"statement"`
	PayeeName     string `json:"payee_name"`
	PayeeBank     string `json:"payee_bank"`
	PayeeAccount  string `json:"payee_account"`
}

func (a *amendJSON) amendment() *Amendment {
	if a == nil {
		return nil
	}
	return &Amendment{Means: Means{Income: a.Income, Unavoidable: a.Unavoidable, MedicalCosts: a.MedicalCosts,
		InsurancePaid: a.InsurancePaid, Losses: a.Losses, Tuition: a.Tuition}, Requested: a.Requested, Statement: a.Statement,
		Payee: Payee{Name: a.PayeeName, Bank: a.PayeeBank, Account: a.PayeeAccount}}
}

// AppJSON is an application as the worker's client sees it; money in fen.
type AppJSON struct {
	ID            int64            `json:"id"`
	Status        string           `json:"status"`
	Step          string           `json:"step"`
	Causes        []string         `json:"causes"`
	Category      string           `json:"category"`
	HouseholdSize int              `json:"household_size"`
	Requested     int64            `json:"requested"`
	Granted       int64            `json:"granted"`
	SubmittedAt   time.Time        `json:"submitted_at"`
	NoticeUntil   string           `json:"notice_until,omitempty"`
	ReturnedFor   string           `json:"returned_for,omitempty"`
	Version       int64            `json:"version,omitempty"`
	Payee         *PayeeJSON       `json:"payee,omitempty"`
	Changes       []ChangeJSON     `json:"changes,omitempty"`
	Steps         []StepJSON       `json:"steps,omitempty"`
	Grants        []GrantJSON      `json:"grants,omitempty"`
	Attachments   []AttachmentJSON `json:"attachments,omitempty"`
}

// PayeeJSON is who the bank pays; the account only masked.
type PayeeJSON struct {
	Name          string `json:"name"`
	Bank          string `json:"bank"`
	AccountMasked string `json:"account_masked"`
}

// ChangeJSON is one field a resubmission changed (amounts in fen).
type ChangeJSON struct {
	Field  string    `json:"field"`
	Before string    `json:"before"`
	After  string    `json:"after"`
	At     time.Time `json:"at"`
}

// StepJSON is one level of the chain.
type StepJSON struct {
	Level  string `json:"level"`
	Org    string `json:"org"`
	Status string `json:"status"`
	Amount int64  `json:"amount"`
	DueOn  string `json:"due_on"`
	Reason string `json:"reason,omitempty"`
}

// GrantJSON is one level's grant and its payment.
type GrantJSON struct {
	Org    string `json:"org"`
	Amount int64  `json:"amount"`
	Status string `json:"status"`
}

// AttachmentJSON is a document on an application.
type AttachmentJSON struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
	Size int64  `json:"size"`
}

func appJSON(a *Application) AppJSON {
	out := AppJSON{ID: a.ID, Status: a.Status, Step: a.StepLevel, Causes: a.Causes, Category: string(a.Category),
		HouseholdSize: a.Means.Size, Requested: a.Requested, Granted: a.Granted, SubmittedAt: a.SubmittedAt,
		NoticeUntil: a.NoticeUntil, ReturnedFor: a.ReturnedFor}
	if out.Causes == nil {
		out.Causes = []string{}
	}
	if !a.Payee.Empty() {
		out.Payee = &PayeeJSON{Name: a.Payee.Name, Bank: a.Payee.Bank, AccountMasked: a.Payee.Account}
	}
	for _, c := range a.Changes {
		out.Changes = append(out.Changes, ChangeJSON{Field: c.Field, Before: c.Before, After: c.After, At: c.At})
	}
	if a.Review != nil {
		out.Version = a.Review.Version
		for _, s := range a.Review.Steps {
			out.Steps = append(out.Steps, StepJSON{Level: s.Level, Org: s.OrgName, Status: s.Status, Amount: s.Amount, DueOn: s.DueOn, Reason: s.Reason})
		}
	}
	for _, g := range a.Grants {
		out.Grants = append(out.Grants, GrantJSON{Org: g.OrgName, Amount: g.Amount, Status: g.Status})
	}
	for _, d := range a.Attachments {
		out.Attachments = append(out.Attachments, AttachmentJSON{ID: d.ID, Name: d.Name, Type: d.Type, Size: d.Size})
	}
	return out
}

func (h *Handlers) apiHousehold(c *web.Ctx) error {
	hh, err := h.store.Household(c.R.Context(), 0)
	if err != nil {
		return err
	}
	items := []map[string]any{}
	for _, m := range hh {
		items = append(items, map[string]any{"id": m.ID, "relation": m.Relation, "name": m.Name, "id_masked": m.IDMasked})
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

func (h *Handlers) apiMine(c *web.Ctx) error {
	rows, err := h.store.MyApplications(c.R.Context())
	if err != nil {
		return err
	}
	items := []AppJSON{}
	for i := range rows {
		items = append(items, appJSON(&rows[i]))
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

func (h *Handlers) apiApply(c *web.Ctx) error {
	var in struct {
		MemberIDs     []int64  `json:"member_ids"`
		Causes        []string `json:"causes"`
		Income        int64    `json:"income"`
		Unavoidable   int64    `json:"unavoidable"`
		MedicalCosts  int64    `json:"medical_costs"`
		InsurancePaid int64    `json:"insurance_paid"`
		Losses        int64    `json:"losses"`
		Tuition       int64    `json:"tuition"`
		Requested     int64    `json:"requested"`
		Statement     string   `json:"statement"`
		Consent       bool     `json:"consent"`
		PayeeName     string   `json:"payee_name"`
		PayeeBank     string   `json:"payee_bank"`
		PayeeAccount  string   `json:"payee_account"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	app, err := h.store.Submit(c.R.Context(), ApplicationInput{MemberIDs: in.MemberIDs, Causes: in.Causes,
		Means: Means{Income: in.Income, Unavoidable: in.Unavoidable, MedicalCosts: in.MedicalCosts, InsurancePaid: in.InsurancePaid,
			Losses: in.Losses, Tuition: in.Tuition}, Requested: in.Requested, Statement: in.Statement, Consent: in.Consent,
		Payee: Payee{Name: in.PayeeName, Bank: in.PayeeBank, Account: in.PayeeAccount}, IdemKey: "api:" + c.R.Header.Get(web.IdempotencyHeader)})
	if err != nil {
		return err
	}
	return h.apiOne(c, http.StatusCreated, app.ID)
}

func (h *Handlers) apiOne(c *web.Ctx, status int, id int64) error {
	app, err := h.store.Application(c.R.Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(status, appJSON(app))
}

func (h *Handlers) apiMineOne(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	return h.apiOne(c, http.StatusOK, id)
}

func (h *Handlers) apiResubmit(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	var in struct {
		Version    int64      `json:"version"`
		Supplement string     `json:"supplement"`
		Amend      *amendJSON `json:"amend"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	if _, err := h.store.Resubmit(c.R.Context(), id, Resubmission{Version: in.Version, Supplement: in.Supplement,
		Amend: in.Amend.amendment()}); err != nil {
		return err
	}
	return h.apiOne(c, http.StatusOK, id)
}

func (h *Handlers) apiAttach(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	file, hdr, ferr := c.R.FormFile("file")
	if ferr != nil {
		if _, err := h.store.loadFor(c.R.Context(), id); err != nil {
			return err
		}
		return platform.Invalid().Field("file", "relief.err.file_empty")
	}
	defer file.Close()
	att, err := h.store.Attach(c.R.Context(), id, hdr.Filename, file)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, AttachmentJSON{ID: att.ID, Name: att.Name, Type: att.Type, Size: att.Size})
}

func (h *Handlers) apiObject(c *web.Ctx) error {
	var in struct {
		ApplicationID int64  `json:"application_id"`
		Body          string `json:"body"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	o, err := h.store.RaiseObjection(c.R.Context(), in.ApplicationID, in.Body)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"id": o.ID, "status": o.Status})
}
