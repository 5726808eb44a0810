package care

import (
	"context"
	"net/http"

	"zhijia/internal/web"
)

// mountActivityAPI adds the worker's activity actions under /api/v1/my/care.
func mountActivityAPI(s *web.Server, h *Handlers) {
	s.WorkerAPI("GET /api/v1/my/care/activities", web.APIDoc{Summary: "Activities open to the worker now, and the worker's sign-ups with draw result and waitlist position",
		Tag: "care", Response: map[string]any{"type": "object", "properties": map[string]any{
			"open": map[string]any{"type": "array", "items": activitySchema}, "signups": map[string]any{"type": "array", "items": signupSchema}}}}, h.apiMyActivities)
	s.WorkerAPI("POST /api/v1/my/care/activities/{id}/signups", web.APIDoc{Summary: "Sign up for an activity's session (once); a refusal names the rule that failed",
		Tag: "care", Request: signupRequestSchema, Response: signupSchema, Status: http.StatusCreated}, h.apiSignUp)
	s.WorkerAPI("POST /api/v1/my/care/signups/{id}/confirm", web.APIDoc{Summary: "Confirm an offered place before its deadline",
		Tag: "care", Response: signupSchema}, h.apiConfirm)
	s.WorkerAPI("POST /api/v1/my/care/signups/{id}/cancel", web.APIDoc{Summary: "Withdraw a sign-up; a place given up passes to the first on the waitlist",
		Tag: "care", Response: signupSchema}, h.apiCancel)
}

func (h *Handlers) apiMyActivities(c *web.Ctx) error {
	open, err := h.store.OpenActivities(c.R.Context())
	if err != nil {
		return err
	}
	mine, err := h.mySignups(c)
	if err != nil {
		return err
	}
	if open == nil {
		open = []*Activity{}
	}
	if mine == nil {
		mine = []*Signup{}
	}
	return c.JSON(http.StatusOK, map[string]any{"open": open, "signups": mine})
}

func (h *Handlers) apiSignUp(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	var in SignupInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	g, err := h.store.SignUp(c.R.Context(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, g)
}

func (h *Handlers) apiConfirm(c *web.Ctx) error { return h.apiSignupAction(c, h.store.Confirm) }
func (h *Handlers) apiCancel(c *web.Ctx) error  { return h.apiSignupAction(c, h.store.Cancel) }

func (h *Handlers) apiSignupAction(c *web.Ctx, do func(ctx context.Context, id int64) error) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	if err := do(c.R.Context(), id); err != nil {
		return err
	}
	g, err := h.store.MySignup(c.R.Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, g)
}

var (
	activitySchema = map[string]any{"type": "object", "properties": map[string]any{"id": integer, "kind": str, "title": str,
		"opens_at": str, "closes_at": str, "seed_hash": str, "status": str,
		"sessions": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
			"id": integer, "name": str, "quota": integer, "placed": integer}}}}}
	signupSchema = map[string]any{"type": "object", "properties": map[string]any{"id": integer, "activity_id": integer, "activity": str,
		"session_id": integer, "session": str, "weight": integer,
		"status":    map[string]any{"type": "string", "enum": []any{"pending", "offered", "confirmed", "waitlist", "cancelled", "expired", "ineligible"}},
		"draw_rank": integer, "waitlist_position": integer, "reason": str, "confirm_by": str}}
	signupRequestSchema = map[string]any{"type": "object", "additionalProperties": false, "required": []any{"session_id"},
		"properties": map[string]any{"session_id": integer, "partner_name": map[string]any{"type": "string", "description": "wedding: the partner"},
			"married_on": map[string]any{"type": "string", "description": "wedding: registration date YYYY-MM-DD"},
			"child_id":   map[string]any{"type": "integer", "description": "childcare: a child of the worker's household"}}}
)
