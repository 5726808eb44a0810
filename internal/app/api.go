package app

import (
	"net/http"

	"zhijia/internal/web"
)

// mountAPI adds the API routes that belong to no single package.
func mountAPI(s *web.Server, a *App) {
	s.APIRoute("GET /api/v1/me", "", web.APIDoc{
		Summary: "The account the bearer token acts for", Tag: "auth",
		Response: map[string]any{"type": "object", "properties": map[string]any{
			"account_id": map[string]any{"type": "integer"}, "name": map[string]any{"type": "string"},
			"role": map[string]any{"type": "string"}, "org_id": map[string]any{"type": "integer"},
			"org_name": map[string]any{"type": "string"}}},
	}, func(c *web.Ctx) error {
		return c.JSON(http.StatusOK, map[string]any{"account_id": c.Actor.AccountID, "name": c.Actor.Name,
			"role": c.Actor.Role, "org_id": c.Actor.OrgID, "org_name": c.Actor.OrgName})
	})
}
