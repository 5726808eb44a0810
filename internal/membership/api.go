package membership

import (
	"context"
	"net/http"
	"time"

	"zhijia/internal/web"
)

// mountAPI adds the /api/v1 membership routes: reads with people.view, decisions
// and staff-requested transfers with people.edit.
func mountAPI(s *web.Server, h *Handlers) {
	s.APIRoute("GET /api/v1/membership/applications", "people.view", web.APIDoc{Summary: "List applications to join unions in the caller's subtree",
		Tag: "membership", Query: []string{"status", "q", "page", "size"}, Response: appListSchema}, h.apiApplications)
	s.APIRoute("POST /api/v1/membership/applications", "people.edit", web.APIDoc{Summary: "Apply for a worker to join a union (both in the caller's subtree)",
		Tag: "membership", Request: applySchema, Response: appSchema, Status: http.StatusCreated}, h.apiApply)
	s.APIRoute("GET /api/v1/membership/applications/{id}", "people.view", web.APIDoc{Summary: "One application to a union in the caller's subtree",
		Tag: "membership", Response: appSchema}, h.apiApplication)
	s.APIRoute("GET /api/v1/membership/cards/{id}", "people.view", web.APIDoc{Summary: "A member's electronic card: the signed token and the URL its QR code carries",
		Tag: "membership", Response: cardSchema}, h.apiCard)
	s.APIRoute("POST /api/v1/membership/applications/{id}/approve", "people.edit", web.APIDoc{Summary: "Approve an application: the worker becomes a member of the union from today",
		Tag: "membership", Request: decisionSchema, Response: appSchema}, h.apiApprove)
	s.APIRoute("POST /api/v1/membership/applications/{id}/decline", "people.edit", web.APIDoc{Summary: "Decline an application with a reason",
		Tag: "membership", Request: declineSchema, Response: appSchema}, h.apiDecline)
	s.APIRoute("GET /api/v1/membership/transfers", "people.view", web.APIDoc{Summary: "List transfers into or out of the caller's subtree",
		Tag: "membership", Query: []string{"status", "page", "size"}, Response: transferListSchema}, h.apiTransfers)
	s.APIRoute("POST /api/v1/membership/transfers", "people.edit", web.APIDoc{Summary: "Request the transfer of a member of a union in the caller's subtree",
		Tag: "membership", Request: transferRequestSchema, Response: transferSchema, Status: http.StatusCreated}, h.apiTransferCreate)
	s.APIRoute("POST /api/v1/membership/transfers/{id}/accept", "people.edit", web.APIDoc{Summary: "Accept a transfer into a union in the caller's subtree",
		Tag: "membership", Request: decisionSchema, Response: transferSchema}, h.apiTransferAccept)
	s.APIRoute("POST /api/v1/membership/transfers/{id}/decline", "people.edit", web.APIDoc{Summary: "Decline a transfer with a reason",
		Tag: "membership", Request: declineSchema, Response: transferSchema}, h.apiTransferDecline)
}

// ApplicationJSON is an application as the API shows it; the name is masked.
type ApplicationJSON struct {
	ID          int64      `json:"id"`
	WorkerID    int64      `json:"worker_id"`
	WorkerName  string     `json:"worker_name"`
	OrgID       int64      `json:"org_id"`
	OrgName     string     `json:"org_name"`
	Status      Status     `json:"status"`
	Reason      string     `json:"reason"`
	SubmittedAt time.Time  `json:"submitted_at"`
	DecidedBy   string     `json:"decided_by"`
	DecidedAt   *time.Time `json:"decided_at"`
	Version     int64      `json:"version"`
}

func appJSON(a *Application) ApplicationJSON {
	return ApplicationJSON{ID: a.ID, WorkerID: a.WorkerID, WorkerName: a.WorkerName, OrgID: a.OrgID, OrgName: a.OrgName,
		Status: a.Status, Reason: a.Reason, SubmittedAt: a.SubmittedAt, DecidedBy: a.DecidedByName, DecidedAt: a.DecidedAt, Version: a.Version}
}

// TransferJSON is a transfer as the API shows it; the name is masked.
type TransferJSON struct {
	ID            int64          `json:"id"`
	WorkerID      int64          `json:"worker_id"`
	WorkerName    string         `json:"worker_name"`
	FromOrgID     int64          `json:"from_org_id"`
	FromOrgName   string         `json:"from_org_name"`
	ToOrgID       int64          `json:"to_org_id"`
	ToOrgName     string         `json:"to_org_name"`
	RequestedBy   string         `json:"requested_by"`
	RequestedKind string         `json:"requested_kind"`
	Status        TransferStatus `json:"status"`
	Reason        string         `json:"reason"`
	RequestedAt   time.Time      `json:"requested_at"`
	DecidedBy     string         `json:"decided_by"`
	DecidedAt     *time.Time     `json:"decided_at"`
	Version       int64          `json:"version"`
}

func transferJSON(t *Transfer) TransferJSON {
	return TransferJSON{ID: t.ID, WorkerID: t.WorkerID, WorkerName: t.WorkerName, FromOrgID: t.FromOrgID, FromOrgName: t.FromName,
		ToOrgID: t.ToOrgID, ToOrgName: t.ToName, RequestedBy: t.RequestedName, RequestedKind: t.RequestedKind, Status: t.Status,
		Reason: t.Reason, RequestedAt: t.RequestedAt, DecidedBy: t.DecidedByName, DecidedAt: t.DecidedAt, Version: t.Version}
}

type listJSON[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
	Page  int `json:"page"`
	Size  int `json:"size"`
}

// decision is the body of approve, accept and decline; version is optional
// (0 skips the check that nobody changed the record since it was read).
type decision struct {
	Version int64  `json:"version"`
	Reason  string `json:"reason"`
}

func readDecision(c *web.Ctx) (decision, error) {
	var d decision
	if c.R.ContentLength == 0 {
		return d, nil
	}
	return d, c.DecodeJSON(&d)
}

func (h *Handlers) apiApplications(c *web.Ctx) error {
	q := c.ParseList("submitted")
	rows, total, err := h.store.FindApplications(c.R.Context(), Filter{Status: Status(q.Get("status")), Q: q.Q,
		Limit: q.Limit(), Offset: q.Offset()})
	if err != nil {
		return err
	}
	out := listJSON[ApplicationJSON]{Items: []ApplicationJSON{}, Total: total, Page: q.Page, Size: q.Size}
	for i := range rows {
		out.Items = append(out.Items, appJSON(&rows[i]))
	}
	return c.JSON(http.StatusOK, out)
}

func (h *Handlers) apiApplication(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	a, err := h.store.Application(c.R.Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, appJSON(a))
}

// CardJSON is a member card for API clients: the masked name, the token and
// the URL to put in a QR code; anyone can check the token offline at /verify.
type CardJSON struct {
	WorkerID  int64     `json:"worker_id"`
	Name      string    `json:"name"`
	Union     string    `json:"union"`
	Since     string    `json:"since"`
	Number    string    `json:"number"`
	Token     string    `json:"token"`
	VerifyURL string    `json:"verify_url"`
	ExpiresAt time.Time `json:"expires_at"`
}

func (h *Handlers) apiCard(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	st, err := h.store.CardFor(c.R.Context(), id)
	if err != nil {
		return err
	}
	now := c.Server().Clock.Now()
	claims := NewClaims(st.WorkerID, st.Name, st.OrgName, st.JoinedOn, now)
	token, err := SignCard(h.signer, claims)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, CardJSON{WorkerID: st.WorkerID, Name: claims.Name, Union: st.OrgName, Since: st.JoinedOn,
		Number: CardNumber(st.WorkerID), Token: token, VerifyURL: h.verifyURL(token), ExpiresAt: time.Unix(claims.Expires, 0).UTC()})
}

func (h *Handlers) apiApply(c *web.Ctx) error {
	var in struct {
		WorkerID int64 `json:"worker_id"`
		OrgID    int64 `json:"org_id"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	a, err := h.store.SubmitFor(c.R.Context(), in.WorkerID, in.OrgID)
	if err != nil {
		return err
	}
	if a, err = h.store.Application(c.R.Context(), a.ID); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, appJSON(a))
}

// apiDecide runs one decision on a record and answers with the record as it now is.
func apiDecide[T any](c *web.Ctx, do func(ctx context.Context, id int64, d decision) error,
	show func(ctx context.Context, id int64) (T, error)) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	d, err := readDecision(c)
	if err != nil {
		return err
	}
	if err := do(c.R.Context(), id, d); err != nil {
		return err
	}
	v, err := show(c.R.Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

func (h *Handlers) appJSONOf(ctx context.Context, id int64) (ApplicationJSON, error) {
	a, err := h.store.Application(ctx, id)
	if err != nil {
		return ApplicationJSON{}, err
	}
	return appJSON(a), nil
}

func (h *Handlers) transferJSONOf(ctx context.Context, id int64) (TransferJSON, error) {
	t, err := h.store.Transfer(ctx, id)
	if err != nil {
		return TransferJSON{}, err
	}
	return transferJSON(t), nil
}

func (h *Handlers) apiApprove(c *web.Ctx) error {
	return apiDecide(c, func(ctx context.Context, id int64, d decision) error { return h.store.Approve(ctx, id, d.Version) }, h.appJSONOf)
}

func (h *Handlers) apiDecline(c *web.Ctx) error {
	return apiDecide(c, func(ctx context.Context, id int64, d decision) error {
		return h.store.Decline(ctx, id, d.Version, d.Reason)
	}, h.appJSONOf)
}

func (h *Handlers) apiTransfers(c *web.Ctx) error {
	q := c.ParseList("requested")
	rows, total, err := h.store.FindTransfers(c.R.Context(), TransferFilter{Status: TransferStatus(q.Get("status")),
		Limit: q.Limit(), Offset: q.Offset()})
	if err != nil {
		return err
	}
	out := listJSON[TransferJSON]{Items: []TransferJSON{}, Total: total, Page: q.Page, Size: q.Size}
	for i := range rows {
		out.Items = append(out.Items, transferJSON(&rows[i]))
	}
	return c.JSON(http.StatusOK, out)
}

func (h *Handlers) apiTransferCreate(c *web.Ctx) error {
	var in struct {
		WorkerID int64  `json:"worker_id"`
		OrgID    int64  `json:"org_id"`
		Reason   string `json:"reason"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	t, err := h.store.RequestTransfer(c.R.Context(), in.WorkerID, in.OrgID, in.Reason)
	if err != nil {
		return err
	}
	if t, err = h.store.Transfer(c.R.Context(), t.ID); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, transferJSON(t))
}

func (h *Handlers) apiTransferAccept(c *web.Ctx) error {
	return apiDecide(c, func(ctx context.Context, id int64, d decision) error {
		return h.store.AcceptTransfer(ctx, id, d.Version)
	}, h.transferJSONOf)
}

func (h *Handlers) apiTransferDecline(c *web.Ctx) error {
	return apiDecide(c, func(ctx context.Context, id int64, d decision) error {
		return h.store.DeclineTransfer(ctx, id, d.Version, d.Reason)
	}, h.transferJSONOf)
}

var (
	str, integer, stamp, nullTS = web.SchemaString, web.SchemaInteger, web.SchemaTime, web.SchemaNullTime

	appSchema = map[string]any{
		"type": "object",
		"properties": map[string]any{"id": integer, "worker_id": integer,
			"worker_name": map[string]any{"type": "string", "description": "masked, e.g. 张*明"},
			"org_id":      integer, "org_name": str,
			"status": map[string]any{"type": "string", "enum": []any{"pending", "approved", "declined", "withdrawn"}},
			"reason": str, "submitted_at": stamp, "decided_by": str, "decided_at": nullTS, "version": integer},
		"required": []any{"id", "worker_id", "org_id", "status", "submitted_at", "version"},
	}
	transferSchema = map[string]any{
		"type": "object",
		"properties": map[string]any{"id": integer, "worker_id": integer,
			"worker_name": map[string]any{"type": "string", "description": "masked, e.g. 张*明"},
			"from_org_id": integer, "from_org_name": str, "to_org_id": integer, "to_org_name": str,
			"requested_by": str, "requested_kind": map[string]any{"type": "string", "enum": []any{"worker", "staff"}},
			"status": map[string]any{"type": "string", "enum": []any{"pending", "accepted", "declined", "cancelled"}},
			"reason": str, "requested_at": stamp, "decided_by": str, "decided_at": nullTS, "version": integer},
		"required": []any{"id", "worker_id", "from_org_id", "to_org_id", "status", "requested_at", "version"},
	}
	appListSchema      = listOf(appSchema)
	transferListSchema = listOf(transferSchema)
	decisionSchema     = map[string]any{
		"type": "object", "additionalProperties": false,
		"properties": map[string]any{"version": map[string]any{"type": "integer",
			"description": "the version read; a decision on a changed record is refused (409). Omit to skip the check."}},
	}
	declineSchema = map[string]any{
		"type": "object", "additionalProperties": false,
		"properties": map[string]any{"version": integer,
			"reason": map[string]any{"type": "string", "maxLength": 200, "description": "shown to the worker"}},
		"required": []any{"reason"},
	}
	cardSchema = map[string]any{
		"type": "object",
		"properties": map[string]any{"worker_id": integer, "name": map[string]any{"type": "string", "description": "masked, e.g. 张*明"},
			"union": str, "since": map[string]any{"type": "string", "description": "YYYY-MM-DD"}, "number": str,
			"token":      map[string]any{"type": "string", "description": "base64url(payload).base64url(ECDSA P-256 r||s); public key at /verify/key.json"},
			"verify_url": str, "expires_at": stamp},
		"required": []any{"worker_id", "token", "verify_url", "expires_at"},
	}
	applySchema = map[string]any{
		"type": "object", "additionalProperties": false,
		"properties": map[string]any{"worker_id": integer,
			"org_id": map[string]any{"type": "integer", "description": "the grassroots union to join"}},
		"required": []any{"worker_id", "org_id"},
	}
	transferRequestSchema = map[string]any{
		"type": "object", "additionalProperties": false,
		"properties": map[string]any{"worker_id": integer,
			"org_id": map[string]any{"type": "integer", "description": "the receiving grassroots union"},
			"reason": map[string]any{"type": "string", "maxLength": 200}},
		"required": []any{"worker_id", "org_id"},
	}
)

func listOf(item map[string]any) map[string]any {
	return map[string]any{
		"type": "object",
		"properties": map[string]any{"items": map[string]any{"type": "array", "items": item},
			"total": integer, "page": integer, "size": integer},
		"required": []any{"items", "total", "page", "size"},
	}
}
