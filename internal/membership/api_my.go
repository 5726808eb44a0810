package membership

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"zhijia/internal/platform"
	"zhijia/internal/web"
)

// mountMyAPI adds what a worker does on the portal's membership pages, for the
// worker's own client (bearer token from /api/v1/worker/token).
func mountMyAPI(s *web.Server, h *Handlers) {
	s.WorkerAPI("GET /api/v1/my/membership", web.APIDoc{Summary: "My membership: union, open request, open transfer, history",
		Tag: "my", Response: standingSchema}, h.myStanding)
	s.WorkerAPI("GET /api/v1/my/membership/unions", web.APIDoc{Summary: "Find a union to join: by name (q), or a district's joint unions (district)",
		Tag: "my", Query: []string{"q", "district"}, Response: unionListSchema}, h.myUnions)
	s.WorkerAPI("POST /api/v1/my/membership/join", web.APIDoc{Summary: "Apply to join a grassroots union",
		Tag: "my", Request: myJoinSchema, Response: appSchema, Status: http.StatusCreated}, h.myJoin)
	s.WorkerAPI("POST /api/v1/my/membership/withdraw", web.APIDoc{Summary: "Withdraw my request to join",
		Tag: "my", Response: standingSchema}, h.myWithdraw)
	s.WorkerAPI("GET /api/v1/my/membership/card", web.APIDoc{Summary: "My electronic member card (members only; 409 otherwise)",
		Tag: "my", Response: cardSchema}, h.myCard)
	s.WorkerAPI("POST /api/v1/my/membership/transfer", web.APIDoc{Summary: "Ask to transfer to another union (members only)",
		Tag: "my", Request: myTransferSchema, Response: transferSchema, Status: http.StatusCreated}, h.myTransfer)
	s.WorkerAPI("POST /api/v1/my/membership/transfer/cancel", web.APIDoc{Summary: "Cancel my transfer request",
		Tag: "my", Response: standingSchema}, h.myCancelTransfer)
}

// StandingJSON is a worker's own membership.
type StandingJSON struct {
	WorkerID     int64            `json:"worker_id"`
	Member       bool             `json:"member"`
	OrgID        int64            `json:"org_id"`
	OrgName      string           `json:"org_name"`
	JoinedOn     string           `json:"joined_on"`
	NewEmployed  bool             `json:"new_employment"`
	Open         *ApplicationJSON `json:"open_application"`
	Last         *ApplicationJSON `json:"last_application"`
	OpenTransfer *TransferJSON    `json:"open_transfer"`
	Transfers    []TransferJSON   `json:"transfers"`
}

func standingJSON(st *Standing) StandingJSON {
	out := StandingJSON{WorkerID: st.WorkerID, Member: st.Member, OrgID: st.OrgID, OrgName: st.OrgName,
		JoinedOn: st.JoinedOn, NewEmployed: st.GroupCode != "", Transfers: []TransferJSON{}}
	if st.Open != nil {
		a := appJSON(st.Open)
		out.Open = &a
	}
	if st.Last != nil {
		a := appJSON(st.Last)
		out.Last = &a
	}
	if st.OpenMove != nil {
		t := transferJSON(st.OpenMove)
		out.OpenTransfer = &t
	}
	for i := range st.Transfers {
		out.Transfers = append(out.Transfers, transferJSON(&st.Transfers[i]))
	}
	return out
}

func (h *Handlers) myStanding(c *web.Ctx) error {
	st, err := h.store.Standing(c.R.Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, standingJSON(st))
}

// UnionJSON is a union a worker may pick.
type UnionJSON struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Employer string `json:"employer"`
	District string `json:"district"`
	Joint    bool   `json:"joint"`
}

func (h *Handlers) myUnions(c *web.Ctx) error {
	ctx := c.R.Context()
	st, err := h.store.Standing(ctx)
	if err != nil {
		return err
	}
	var found []Union
	q := strings.TrimSpace(c.R.URL.Query().Get("q"))
	switch d := c.R.URL.Query().Get("district"); {
	case d != "":
		id, perr := strconv.ParseInt(d, 10, 64)
		if perr != nil || id <= 0 {
			return platform.Invalid().Field("district", "membership.err.district_invalid")
		}
		found, err = h.store.JointUnions(ctx, st.CityID, id)
	case q != "":
		found, err = h.store.SearchUnions(ctx, st.CityID, q, 20)
	default:
		return platform.Invalid().Field("q", "membership.err.search_empty")
	}
	if err != nil {
		return err
	}
	items := []UnionJSON{}
	for _, u := range found {
		items = append(items, UnionJSON{ID: u.ID, Name: u.Name, Employer: u.Employer, District: u.District, Joint: u.Joint})
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

func (h *Handlers) myJoin(c *web.Ctx) error {
	var in struct {
		OrgID int64 `json:"org_id"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	app, err := h.store.Submit(c.R.Context(), in.OrgID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, appJSON(app))
}

func (h *Handlers) myWithdraw(c *web.Ctx) error {
	if err := h.store.Withdraw(c.R.Context()); err != nil {
		return err
	}
	return h.myStanding(c)
}

func (h *Handlers) myCard(c *web.Ctx) error {
	st, err := h.store.Standing(c.R.Context())
	if err != nil {
		return err
	}
	if !st.Member {
		return platform.Errorf(platform.CodeConflict, "membership.flash.not_member")
	}
	claims := NewClaims(st.WorkerID, st.Name, st.OrgName, st.JoinedOn, c.Server().Clock.Now())
	token, err := SignCard(h.signer, claims)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, CardJSON{WorkerID: st.WorkerID, Name: claims.Name, Union: st.OrgName, Since: st.JoinedOn,
		Number: CardNumber(st.WorkerID), Token: token, VerifyURL: h.verifyURL(token), ExpiresAt: time.Unix(claims.Expires, 0).UTC()})
}

func (h *Handlers) myTransfer(c *web.Ctx) error {
	var in struct {
		OrgID  int64  `json:"org_id"`
		Reason string `json:"reason"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	t, err := h.store.RequestTransfer(c.R.Context(), c.Actor.WorkerID, in.OrgID, in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, transferJSON(t))
}

func (h *Handlers) myCancelTransfer(c *web.Ctx) error {
	if err := h.store.CancelTransfer(c.R.Context()); err != nil {
		return err
	}
	return h.myStanding(c)
}

var (
	standingSchema = map[string]any{
		"type": "object",
		"properties": map[string]any{"worker_id": integer, "member": map[string]any{"type": "boolean"},
			"org_id": integer, "org_name": str, "joined_on": str, "new_employment": map[string]any{"type": "boolean"},
			"open_application": appSchema, "last_application": appSchema, "open_transfer": transferSchema,
			"transfers": map[string]any{"type": "array", "items": transferSchema}},
		"required": []any{"worker_id", "member", "org_id", "transfers"},
	}
	unionListSchema = map[string]any{
		"type": "object",
		"properties": map[string]any{"items": map[string]any{"type": "array", "items": map[string]any{
			"type": "object", "properties": map[string]any{"id": integer, "name": str, "employer": str,
				"district": str, "joint": map[string]any{"type": "boolean"}}}}},
	}
	myJoinSchema = map[string]any{
		"type": "object", "additionalProperties": false,
		"properties": map[string]any{"org_id": map[string]any{"type": "integer", "description": "the grassroots union to join"}},
		"required":   []any{"org_id"},
	}
	myTransferSchema = map[string]any{
		"type": "object", "additionalProperties": false,
		"properties": map[string]any{"org_id": map[string]any{"type": "integer", "description": "the receiving grassroots union"},
			"reason": map[string]any{"type": "string", "maxLength": 200}},
		"required": []any{"org_id"},
	}
)
