package auth

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"zhijia/internal/web"
)

// Self-service console pages any signed-in staff member may use: their own API
// tokens (for scripts and other systems calling /api/v1) and their own password.

// mountSelfService adds the token and password pages.
func mountSelfService(s *web.Server, h *Handlers) {
	s.Sample("auth/console/tokens", &tokensView{})
	s.Sample("auth/console/token_created", &tokenCreatedView{})
	s.Sample("auth/console/password", &passwordView{})
	s.AddMenu(
		web.MenuItem{Group: "menu.system", Label: "auth.menu.tokens", Href: "/console/tokens", Order: 850},
		web.MenuItem{Group: "menu.system", Label: "auth.menu.password", Href: "/console/password", Order: 860},
	)
	s.Console("GET /console/tokens", "", h.tokens)
	s.Console("POST /console/tokens", "", h.createToken)
	s.Console("POST /console/tokens/{id}/revoke", "", h.revokeToken)
	s.Console("GET /console/password", "", h.passwordForm)
	s.Console("POST /console/password", "", h.changeOwnPassword)
}

// Token lifetimes the form offers, in days.
const (
	defaultTokenDays = 90
	maxTokenDays     = 366
)

// tokenRow is a token with its state now: "live", "expired" or "revoked".
type tokenRow struct {
	APIToken
	State string
}

func tokenRows(in []APIToken, now time.Time) []tokenRow {
	out := make([]tokenRow, 0, len(in))
	for _, t := range in {
		state := "live"
		switch {
		case !t.RevokedAt.IsZero():
			state = "revoked"
		case !t.Live(now):
			state = "expired"
		}
		out = append(out, tokenRow{APIToken: t, State: state})
	}
	return out
}

// tokensView is the token list with the form for a new one.
type tokensView struct {
	Tokens []tokenRow
	Name   string
	Days   string
	Errors map[string]string
	Alert  string
}

func (h *Handlers) tokens(c *web.Ctx) error {
	return h.renderTokens(c, http.StatusOK, &tokensView{Days: strconv.Itoa(defaultTokenDays)})
}

func (h *Handlers) renderTokens(c *web.Ctx, status int, v *tokensView) error {
	list, err := h.store.ListAPITokens(c.R.Context(), c.Actor.AccountID)
	if err != nil {
		return err
	}
	v.Tokens = tokenRows(list, h.store.now())
	if v.Errors == nil {
		v.Errors = map[string]string{}
	}
	return c.RenderPage(status, "auth/console/tokens", &web.Page{Title: c.T("auth.tokens.title"),
		Crumbs: []web.Crumb{{Label: c.T("menu.system")}, {Label: c.T("auth.tokens.title")}}, Data: v})
}

// tokenCreatedView shows a new token once, with an example call.
type tokenCreatedView struct {
	Name    string
	Token   string
	Days    int
	Example string
}

func (h *Handlers) createToken(c *web.Ctx) error {
	v := &tokensView{Name: strings.TrimSpace(c.R.PostFormValue("name")), Days: strings.TrimSpace(c.R.PostFormValue("days")),
		Errors: map[string]string{}}
	days, err := strconv.Atoi(v.Days)
	switch {
	case v.Days == "":
		days = defaultTokenDays
	case err != nil || days < 1 || days > maxTokenDays:
		days = -1 // the store refuses it, together with any other field
	}
	plain, err := h.store.CreateAPIToken(c.R.Context(), c.Actor.AccountID, v.Name, time.Duration(days)*24*time.Hour)
	if err != nil {
		status, ok := refused(c, err, v.Errors, &v.Alert)
		if !ok {
			return err
		}
		if _, bad := v.Errors["ttl"]; bad {
			v.Errors["days"] = c.T("auth.err.token_days") // the form asks for days, not hours
			delete(v.Errors, "ttl")
		}
		return h.renderTokens(c, status, v)
	}
	cv := &tokenCreatedView{Name: v.Name, Token: plain, Days: days,
		Example: `curl -H "Authorization: Bearer ` + plain + `" ` + baseURL(c) + "/api/v1/me"}
	return c.RenderPage(http.StatusOK, "auth/console/token_created", &web.Page{Title: c.T("auth.tokens.created_title"),
		Crumbs: []web.Crumb{{Label: c.T("menu.system")}, {Label: c.T("auth.tokens.title"), Href: "/console/tokens"},
			{Label: c.T("auth.tokens.created_title")}}, Data: cv})
}

// baseURL is the address clients call: the configured one, else this request's.
func baseURL(c *web.Ctx) string {
	if u := strings.TrimRight(c.Server().Config.BaseURL, "/"); u != "" {
		return u
	}
	scheme := "http"
	if c.R.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.R.Host
}

var accountBack = regexp.MustCompile(`^/console/accounts/[0-9]+$`)

// revokeToken stops a token at once: one's own, or (security administrators)
// one of an account in scope, from that account's page.
func (h *Handlers) revokeToken(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	if err := h.store.RevokeAPIToken(c.R.Context(), id); err != nil {
		return err
	}
	back := c.R.PostFormValue("back")
	if !accountBack.MatchString(back) {
		back = "/console/tokens"
	}
	return c.Redirect(back, "auth.flash.token_revoked")
}

// passwordView is the change-password page.
type passwordView struct {
	Errors map[string]string
	Alert  string
}

func (h *Handlers) renderPassword(c *web.Ctx, status int, v *passwordView) error {
	if v.Errors == nil {
		v.Errors = map[string]string{}
	}
	return c.RenderPage(status, "auth/console/password", &web.Page{Title: c.T("auth.password.title"),
		Crumbs: []web.Crumb{{Label: c.T("menu.system")}, {Label: c.T("auth.password.title")}}, Data: v})
}

func (h *Handlers) passwordForm(c *web.Ctx) error {
	return h.renderPassword(c, http.StatusOK, &passwordView{})
}

func (h *Handlers) changeOwnPassword(c *web.Ctx) error {
	v := &passwordView{Errors: map[string]string{}}
	pw := c.R.PostFormValue("new_password")
	if pw != c.R.PostFormValue("confirm_password") {
		v.Errors["confirm_password"], v.Alert = c.T("auth.err.password_mismatch"), c.T("form.fix_errors")
		return h.renderPassword(c, http.StatusUnprocessableEntity, v)
	}
	err := h.store.ChangePassword(c.R.Context(), c.Actor.AccountID, c.R.PostFormValue("old_password"), pw)
	if err != nil {
		status, ok := refused(c, err, v.Errors, &v.Alert)
		if !ok {
			return err
		}
		return h.renderPassword(c, status, v)
	}
	return c.Redirect("/console/password", "auth.flash.password_changed")
}
