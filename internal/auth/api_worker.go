package auth

import (
	"net/http"
	"strings"
	"time"

	"zhijia/internal/web"
)

var (
	obj                 = web.SchemaObject
	str, integer, stamp = web.SchemaString, web.SchemaInteger, web.SchemaTime
)

// mountWorkerAPI adds a worker's sign-in for a bearer token and the token's
// own routes: the start of everything under /api/v1/my/.
func mountWorkerAPI(s *web.Server, h *Handlers) {
	s.PublicAPI("POST /api/v1/worker/sms-code", web.APIDoc{
		Summary: "Text a sign-in code to a worker's phone (one a minute; ten a day)", Tag: "worker",
		Request: obj(map[string]any{"phone": str}, "phone"),
		Response: obj(map[string]any{"phone": str, "expires_at": stamp, "resend_after_seconds": integer,
			"demo_code": map[string]any{"type": "string", "description": "demo mode only"}}),
	}, h.apiSendCode)
	s.PublicAPI("POST /api/v1/worker/token", web.APIDoc{
		Summary: "Exchange a texted code for a worker's bearer token (30 days)", Tag: "worker", Status: http.StatusCreated,
		Request:  obj(map[string]any{"phone": str, "code": str, "client": str}, "phone", "code"),
		Response: obj(map[string]any{"token": str, "worker_id": integer, "expires_at": stamp}),
	}, h.apiIssueToken)
	s.WorkerAPI("GET /api/v1/my", web.APIDoc{
		Summary: "The worker the token acts for", Tag: "worker",
		Response: obj(map[string]any{"worker_id": integer, "name": str, "org_id": integer, "org_name": str}),
	}, func(c *web.Ctx) error {
		return c.JSON(http.StatusOK, map[string]any{"worker_id": c.Actor.WorkerID, "name": c.Actor.Name,
			"org_id": c.Actor.OrgID, "org_name": c.Actor.OrgName})
	})
	s.WorkerAPI("POST /api/v1/my/token/revoke", web.APIDoc{
		Summary: "Sign the client out: the token stops working", Tag: "worker", Status: http.StatusNoContent,
	}, h.apiRevokeToken)
}

type codeRequest struct {
	Phone  string `json:"phone"`
	Code   string `json:"code"`
	Client string `json:"client"`
}

func (h *Handlers) apiSendCode(c *web.Ctx) error {
	var req codeRequest
	if err := c.DecodeJSON(&req); err != nil {
		return err
	}
	sent, err := h.store.SendCode(c.R.Context(), req.Phone, clientIP(c))
	if err != nil {
		return err
	}
	out := map[string]any{"phone": sent.Phone, "expires_at": sent.ExpiresAt.UTC().Format(time.RFC3339),
		"resend_after_seconds": int(sent.ResendAfter.Seconds())}
	if sent.DemoCode != "" {
		out["demo_code"] = sent.DemoCode
	}
	return c.JSON(http.StatusOK, out)
}

func (h *Handlers) apiIssueToken(c *web.Ctx) error {
	var req codeRequest
	if err := c.DecodeJSON(&req); err != nil {
		return err
	}
	tok, err := h.store.IssueWorkerToken(c.R.Context(), req.Phone, req.Code, req.Client, clientIP(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"token": tok.Token, "worker_id": tok.WorkerID,
		"expires_at": tok.ExpiresAt.UTC().Format(time.RFC3339)})
}

func (h *Handlers) apiRevokeToken(c *web.Ctx) error {
	tok, _ := strings.CutPrefix(c.R.Header.Get("Authorization"), "Bearer ")
	if err := h.store.RevokeWorkerToken(c.R.Context(), strings.TrimSpace(tok)); err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusNoContent)
	return nil
}
