package auth

import (
	"net/http"
	"strings"

	"zhijia/internal/web"
)

func (h *Handlers) portalForm(c *web.Ctx) error {
	if c.Session != nil && c.Session.Kind == "worker" {
		return c.Redirect("/portal", "")
	}
	return h.render(c, http.StatusOK, "auth/portal/login", "auth.page.portal_login", &signInView{})
}

// sendCode sends an SMS code and shows the form again, ready for the code; in
// demo mode the code is shown on the page.
func (h *Handlers) sendCode(c *web.Ctx) error {
	v := &signInView{Phone: strings.TrimSpace(c.R.PostFormValue("phone"))}
	sent, err := h.store.SendCode(c.R.Context(), v.Phone, clientIP(c))
	if err != nil {
		status, err := failed(c, err, v)
		if err != nil {
			return err
		}
		return h.render(c, status, "auth/portal/login", "auth.page.portal_login", v)
	}
	v.CodeSent, v.DemoCode = true, sent.DemoCode
	v.ResendAfter = int(sent.ResendAfter.Seconds())
	v.Notice = c.T("auth.msg.code_sent", sent.Phone)
	return h.render(c, http.StatusOK, "auth/portal/login", "auth.page.portal_login", v)
}

func (h *Handlers) portalLogin(c *web.Ctx) error {
	v := &signInView{Phone: strings.TrimSpace(c.R.PostFormValue("phone")), CodeSent: true}
	res, err := h.store.WorkerLogin(c.R.Context(), v.Phone, strings.TrimSpace(c.R.PostFormValue("code")), clientIP(c), c.R.UserAgent())
	if err != nil {
		status, err := failed(c, err, v)
		if err != nil {
			return err
		}
		return h.render(c, status, "auth/portal/login", "auth.page.portal_login", v)
	}
	c.SetSessionCookie(res.Token)
	return c.Redirect("/portal", "auth.flash.signed_in")
}
