package auth

import (
	"embed"
	"encoding/base64"
	"html/template"
	"net/http"
	"strings"

	"zhijia/internal/platform"
	"zhijia/internal/web"
)

//go:embed templates
var templates embed.FS

// Handlers serves the sign-in pages for staff and workers.
type Handlers struct {
	store *Store
	demo  []DemoAccount
}

// Mount adds the sign-in routes; demo lists the demo accounts shown on the
// sign-in page in demo mode (nil otherwise).
func Mount(s *web.Server, store *Store, demo []DemoAccount) {
	h := &Handlers{store: store, demo: demo}
	s.Catalog.Add(Messages)
	s.AddPages("auth", templates, "templates")
	for _, p := range []string{"login", "totp", "enrol", "password"} {
		s.Sample("auth/auth/"+p, &signInView{})
	}
	s.Sample("auth/portal/login", &signInView{})
	s.Public("GET /login", h.loginForm)
	s.Public("POST /login", h.login)
	s.SignIn("GET /login/next", h.next)
	s.SignIn("GET /login/totp", h.stepForm(platform.StageTOTP, "auth/auth/totp"))
	s.SignIn("POST /login/totp", h.totp)
	s.SignIn("GET /login/enrol", h.enrolForm)
	s.SignIn("POST /login/enrol", h.enrol)
	s.SignIn("GET /login/password", h.stepForm(platform.StagePassword, "auth/auth/password"))
	s.SignIn("POST /login/password", h.changePassword)
	s.Public("POST /logout", h.logout)
	s.Public("GET /portal/login", h.portalForm)
	s.Public("POST /portal/login/code", h.sendCode)
	s.Public("POST /portal/login", h.portalLogin)
	mountWorkerAPI(s, h)
	mountConsole(s, h)
}

// signInView is what every sign-in page shows.
type signInView struct {
	Username, Phone, Code string
	Error                 string
	Fields                map[string]string
	Notice                string
	Demo                  []demoRow
	Secret                string
	QR                    template.URL
	CodeSent              bool
	DemoCode              string
	ResendAfter           int
}

type demoRow struct{ Username, Password, Role, Org, Code string }

func (h *Handlers) render(c *web.Ctx, status int, page, titleKey string, v *signInView) error {
	if v.Fields == nil {
		v.Fields = map[string]string{}
	}
	if c.Demo() && (page == "auth/auth/login" || page == "auth/auth/totp") {
		v.Demo = h.demoRows(c)
	}
	return c.RenderPage(status, page, &web.Page{Title: c.T(titleKey), Data: v})
}

func (h *Handlers) demoRows(c *web.Ctx) []demoRow {
	rows := make([]demoRow, 0, len(h.demo))
	for _, d := range h.demo {
		code, _ := h.store.CurrentCode(c.R.Context(), d.Username)
		rows = append(rows, demoRow{d.Username, d.Password, c.T(d.Role.Label()), d.OrgName, code})
	}
	return rows
}

// failed turns a store error into the page's message and field messages; an
// internal error is returned for the shell to log and report.
func failed(c *web.Ctx, err error, v *signInView) (int, error) {
	e, ok := platform.AsError(err)
	if !ok {
		return 0, err
	}
	v.Fields = map[string]string{}
	for f, key := range e.Fields {
		v.Fields[f] = c.T(key)
	}
	if len(e.Fields) == 0 || e.Message != "err.invalid" {
		v.Error = c.T(e.Message, e.Args...)
	} else {
		v.Error = c.T("form.fix_errors")
	}
	return platform.HTTPStatus(e.Code), nil
}

func (h *Handlers) loginForm(c *web.Ctx) error {
	if c.Session != nil && c.Session.Kind == "staff" {
		return c.Redirect("/login/next", "")
	}
	return h.render(c, http.StatusOK, "auth/auth/login", "auth.page.login", &signInView{})
}

func (h *Handlers) login(c *web.Ctx) error {
	v := &signInView{Username: strings.TrimSpace(c.R.PostFormValue("username"))}
	res, err := h.store.PasswordLogin(c.R.Context(), v.Username, c.R.PostFormValue("password"), clientIP(c), c.R.UserAgent())
	if err != nil {
		status, err := failed(c, err, v)
		if err != nil {
			return err
		}
		return h.render(c, status, "auth/auth/login", "auth.page.login", v)
	}
	return h.advance(c, res)
}

// advance stores the rotated session and sends the browser to the next step.
func (h *Handlers) advance(c *web.Ctx, res *LoginResult) error {
	c.SetSessionCookie(res.Token)
	if res.Stage == platform.StageFull {
		return c.Redirect("/console", "auth.flash.signed_in")
	}
	return c.Redirect(stagePath(res.Stage), res.Notice)
}

func stagePath(stage string) string {
	switch stage {
	case platform.StageTOTP:
		return "/login/totp"
	case platform.StageEnrol:
		return "/login/enrol"
	case platform.StagePassword:
		return "/login/password"
	}
	return "/console"
}

func (h *Handlers) next(c *web.Ctx) error {
	http.Redirect(c.W, c.R, stagePath(c.Session.Stage), http.StatusSeeOther)
	return nil
}

// stepForm shows a sign-in step's form, or moves on if the session is elsewhere.
func (h *Handlers) stepForm(stage, page string) web.HandlerFunc {
	return func(c *web.Ctx) error {
		if c.Session.Stage != stage {
			return h.next(c)
		}
		return h.render(c, http.StatusOK, page, "auth.page."+stage, &signInView{})
	}
}

func (h *Handlers) totp(c *web.Ctx) error {
	v := &signInView{}
	res, err := h.store.VerifyTOTP(c.R.Context(), h.token(c), strings.TrimSpace(c.R.PostFormValue("code")))
	if err != nil {
		return h.stepFailed(c, err, v, "auth/auth/totp", "auth.page.totp")
	}
	return h.advance(c, res)
}

// stepFailed re-renders a step; a session that has ended goes back to sign-in.
func (h *Handlers) stepFailed(c *web.Ctx, err error, v *signInView, page, title string) error {
	status, err := failed(c, err, v)
	if err != nil {
		return err
	}
	if status == http.StatusUnauthorized && v.Error == c.T("auth.err.session_expired") {
		c.SetSessionCookie("")
		return c.Redirect("/login", "auth.err.session_expired")
	}
	return h.render(c, status, page, title, v)
}

func (h *Handlers) enrolForm(c *web.Ctx) error {
	if c.Session.Stage != platform.StageEnrol {
		return h.next(c)
	}
	v := &signInView{}
	if err := h.fillEnrol(c, v); err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "auth/auth/enrol", "auth.page.enrol", v)
}

func (h *Handlers) fillEnrol(c *web.Ctx, v *signInView) error {
	secret, _, png, err := h.store.EnrolTOTP(c.R.Context(), h.token(c))
	if err != nil {
		return err
	}
	v.Secret = secret
	v.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	return nil
}

func (h *Handlers) enrol(c *web.Ctx) error {
	v := &signInView{}
	res, err := h.store.ConfirmTOTP(c.R.Context(), h.token(c), strings.TrimSpace(c.R.PostFormValue("code")))
	if err != nil {
		if ferr := h.fillEnrol(c, v); ferr != nil {
			return ferr
		}
		return h.stepFailed(c, err, v, "auth/auth/enrol", "auth.page.enrol")
	}
	return h.advance(c, res)
}

func (h *Handlers) changePassword(c *web.Ctx) error {
	v := &signInView{}
	pw := c.R.PostFormValue("new_password")
	if pw != c.R.PostFormValue("confirm_password") {
		v.Fields = map[string]string{"confirm_password": c.T("auth.err.password_mismatch")}
		v.Error = c.T("form.fix_errors")
		return h.render(c, http.StatusUnprocessableEntity, "auth/auth/password", "auth.page.password", v)
	}
	res, err := h.store.ChangePasswordInSession(c.R.Context(), h.token(c), c.R.PostFormValue("old_password"), pw)
	if err != nil {
		return h.stepFailed(c, err, v, "auth/auth/password", "auth.page.password")
	}
	return h.advance(c, res)
}

func (h *Handlers) logout(c *web.Ctx) error {
	worker := c.Session != nil && c.Session.Kind == "worker"
	if tok := h.token(c); tok != "" {
		if err := h.store.Logout(c.R.Context(), tok); err != nil {
			return err
		}
	}
	c.SetSessionCookie("")
	if worker {
		return c.Redirect("/portal/login", "auth.flash.signed_out")
	}
	return c.Redirect("/login", "auth.flash.signed_out")
}

func (h *Handlers) token(c *web.Ctx) string {
	ck, err := c.R.Cookie(web.SessionCookie)
	if err != nil {
		return ""
	}
	return ck.Value
}

func clientIP(c *web.Ctx) string {
	if c.Actor != nil && c.Actor.IP != "" {
		return c.Actor.IP
	}
	host := c.R.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i > 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}
