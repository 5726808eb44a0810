package auth

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"time"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
	"zhijia/internal/web"
)

// Console pages for security administrators: the staff account list, detail,
// create and edit forms and the one-off actions on an account (the login
// attempt log is in http_login_attempts.go). Self-service pages (own API tokens, own password) are in
// http_tokens.go. Handlers only read forms and call the Store, which holds the
// rules and the subtree scope.

// mountConsole adds the console pages of the auth package.
func mountConsole(s *web.Server, h *Handlers) {
	s.Sample("auth/console/accounts", &accountsView{})
	s.Sample("auth/console/account", &accountView{})
	s.Sample("auth/console/account_form", &accountFormView{})
	s.Sample("auth/console/secret", &secretView{})
	s.Sample("auth/console/login_attempts", &attemptsView{})
	s.AddMenu(
		web.MenuItem{Group: "menu.system", Label: "auth.menu.accounts", Href: "/console/accounts", Perm: string(PermAccountView), Order: 800},
		web.MenuItem{Group: "menu.system", Label: "auth.menu.login_attempts", Href: "/console/login-attempts", Perm: string(PermAccountView), Order: 810},
	)
	view, edit := string(PermAccountView), string(PermAccountEdit)
	s.Console("GET /console/accounts", view, h.accounts)
	s.Console("GET /console/accounts/new", edit, h.newAccount)
	s.Console("POST /console/accounts", edit, h.createAccount)
	s.Console("GET /console/accounts/{id}", view, h.account)
	s.Console("GET /console/accounts/{id}/edit", edit, h.editAccount)
	s.Console("POST /console/accounts/{id}/edit", edit, h.updateAccount)
	s.Console("POST /console/accounts/{id}/reset-password", edit, h.resetPassword)
	s.Console("POST /console/accounts/{id}/unlock", edit, h.accountAction((*Store).Unlock, "auth.flash.unlocked"))
	s.Console("POST /console/accounts/{id}/disable", edit, h.accountAction((*Store).Disable, "auth.flash.disabled"))
	s.Console("POST /console/accounts/{id}/enable", edit, h.accountAction((*Store).Enable, "auth.flash.enabled"))
	s.Console("POST /console/accounts/{id}/reset-totp", edit, h.accountAction((*Store).ResetTOTP, "auth.flash.totp_reset"))
	s.Console("GET /console/login-attempts", view, h.loginAttempts)
	mountSelfService(s, h)
}

func accountURL(id int64) string { return "/console/accounts/" + strconv.FormatInt(id, 10) }

func crumbsAccounts(c *web.Ctx, more ...web.Crumb) []web.Crumb {
	return append([]web.Crumb{{Label: c.T("menu.system")}, {Label: c.T("auth.accounts.title"), Href: "/console/accounts"}}, more...)
}

// accountsView is the account list page.
type accountsView struct {
	Rows    []Account
	Q       web.ListQuery
	P       web.Pager
	Roles   []Role
	Now     time.Time
	CanEdit bool
}

// LockTime is when a lock ends, as HH:MM in Asia/Shanghai rounded up, as the
// sign-in page says it (locks last minutes).
func (accountsView) LockTime(t time.Time) string {
	if t.Truncate(time.Minute) != t {
		t = t.Truncate(time.Minute).Add(time.Minute)
	}
	return t.In(platform.Shanghai).Format("15:04")
}

// accountFilter reads the list's filters; unknown values do not filter.
func accountFilter(q web.ListQuery) AccountFilter {
	f := AccountFilter{Query: q.Q, Role: Role(q.Get("role")), Status: q.Get("status"), Locked: q.Get("locked") != ""}
	if !f.Role.Valid() {
		f.Role = ""
	}
	if f.Status != StatusActive && f.Status != StatusDisabled {
		f.Status = ""
	}
	return f
}

func (h *Handlers) accounts(c *web.Ctx) error {
	q := c.ParseList()
	f := accountFilter(q)
	if q.Export {
		return h.exportAccounts(c, f)
	}
	f.Limit, f.Offset = q.Limit(), q.Offset()
	rows, total, err := h.store.FindAccounts(c.R.Context(), f)
	if err != nil {
		return err
	}
	v := &accountsView{Rows: rows, Q: q, P: q.Pager("/console/accounts", total), Roles: Roles(),
		Now: h.store.now(), CanEdit: Can(c.Actor, PermAccountEdit)}
	return c.RenderPage(http.StatusOK, "auth/console/accounts", &web.Page{Title: c.T("auth.accounts.title"),
		Crumbs: []web.Crumb{{Label: c.T("menu.system")}, {Label: c.T("auth.accounts.title")}}, Data: v})
}

// exportAccounts sends every account the filter finds (up to web.ExportLimit) as
// .xlsx, without any secret, and audits the export.
func (h *Handlers) exportAccounts(c *web.Ctx, f AccountFilter) error {
	ctx := c.R.Context()
	var all []Account
	for len(all) < web.ExportLimit {
		f.Limit, f.Offset = 200, len(all)
		rows, total, err := h.store.FindAccounts(ctx, f)
		if err != nil {
			return err
		}
		all = append(all, rows...)
		if len(rows) == 0 || len(all) >= total {
			break
		}
	}
	if err := h.auditExport(c, "account.export", "account", fmt.Sprintf("导出账号 %d 个", len(all))); err != nil {
		return err
	}
	now := h.store.now()
	head := []string{c.T("auth.col.username"), c.T("auth.col.name"), c.T("auth.col.role"), c.T("auth.col.org"),
		c.T("auth.col.status"), c.T("auth.col.locked_until"), c.T("auth.col.totp"), c.T("auth.col.password_changed")}
	out := make([][]any, 0, len(all))
	for _, a := range all {
		var locked any = ""
		if a.Locked(now) {
			locked = a.LockedUntil
		}
		out = append(out, []any{a.Username, a.Name, c.T(a.Role.Label()), a.OrgName, c.T("auth.status." + a.Status),
			locked, c.T(yesNo(a.TOTPEnrolled)), a.PasswordChangedAt})
	}
	return c.ExportXLSX(c.T("auth.accounts.title"), head, out)
}

// auditExport records that a list left the system, with its filter.
func (h *Handlers) auditExport(c *web.Ctx, action, entity, summary string) error {
	return audit.RecordTx(c.R.Context(), h.store.db, h.store.now(), audit.Entry{Action: action, EntityType: entity,
		OrgID: c.Actor.OrgID, OrgPath: c.Actor.OrgPath, Summary: summary + " filter=" + c.R.URL.RawQuery})
}

func yesNo(b bool) string {
	if b {
		return "auth.yes"
	}
	return "auth.no"
}

// accountView is the account detail page.
type accountView struct {
	Account  *Account
	Attempts []attemptRow
	Tokens   []tokenRow
	Now      time.Time
	CanEdit  bool
	Self     bool
	Alert    string
}

// LockTime is when a lock ends, as HH:MM in Asia/Shanghai.
func (accountView) LockTime(t time.Time) string { return accountsView{}.LockTime(t) }

func (h *Handlers) account(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	return h.showAccount(c, http.StatusOK, id, "")
}

// showAccount draws the detail page, with alert (translated) when an action on
// the account was refused.
func (h *Handlers) showAccount(c *web.Ctx, status int, id int64, alert string) error {
	ctx := c.R.Context()
	acc, err := h.store.GetAccount(ctx, id)
	if err != nil {
		return err
	}
	attempts, _, err := h.store.FindLoginAttempts(ctx, LoginAttemptFilter{AccountID: id, Limit: 10})
	if err != nil {
		return err
	}
	tokens, err := h.store.ListAPITokens(ctx, id)
	if err != nil {
		return err
	}
	now := h.store.now()
	v := &accountView{Account: acc, Attempts: attemptRows(c, attempts), Tokens: tokenRows(tokens, now), Now: now,
		CanEdit: Can(c.Actor, PermAccountEdit), Self: c.Actor.AccountID == id, Alert: alert}
	return c.RenderPage(status, "auth/console/account", &web.Page{Title: acc.Name,
		Crumbs: crumbsAccounts(c, web.Crumb{Label: acc.Username}), Data: v})
}

// accountAction runs a one-click change on an account; a refusal is shown on the
// account's page with its status, anything else goes back with a flash.
func (h *Handlers) accountAction(do func(*Store, context.Context, int64) error, flash string) web.HandlerFunc {
	return func(c *web.Ctx) error {
		id, err := c.ID("id")
		if err != nil {
			return err
		}
		if err := do(h.store, c.R.Context(), id); err != nil {
			return h.actionFailed(c, id, err)
		}
		return c.Redirect(accountURL(id), flash)
	}
}

// actionFailed shows a refused action on the detail page; unknown accounts and
// internal errors go to the shell.
func (h *Handlers) actionFailed(c *web.Ctx, id int64, err error) error {
	fields, alert := map[string]string{}, ""
	status, ok := refused(c, err, fields, &alert)
	if !ok {
		return err
	}
	for _, msg := range fields {
		alert += " " + msg
	}
	return h.showAccount(c, status, id, alert)
}

// refused turns a store's refusal into what a page shows: its status, the alert
// and each field's message, translated. ok is false for internal errors and
// unknown ids, which the shell reports.
func refused(c *web.Ctx, err error, fields map[string]string, alert *string) (status int, ok bool) {
	e, ok := platform.AsError(err)
	if !ok || e.Code == platform.CodeNotFound {
		return 0, false
	}
	for k, key := range e.Fields {
		fields[k] = c.T(key)
	}
	*alert = c.T(e.Message, e.Args...)
	if len(e.Fields) > 0 && e.Message == "err.invalid" {
		*alert = c.T("form.fix_errors")
	}
	return platform.HTTPStatus(e.Code), true
}

// secretView shows a password once: a new account's generated one, or a reset.
type secretView struct {
	Account  *Account
	Password string
	Created  bool
}

func (h *Handlers) resetPassword(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	pw, err := randomPassword()
	if err != nil {
		return err
	}
	ctx := c.R.Context()
	if err := h.store.ResetPassword(ctx, id, pw); err != nil {
		return h.actionFailed(c, id, err)
	}
	acc, err := h.store.GetAccount(ctx, id)
	if err != nil {
		return err
	}
	return h.showSecret(c, &secretView{Account: acc, Password: pw})
}

func (h *Handlers) showSecret(c *web.Ctx, v *secretView) error {
	title := c.T("auth.secret.reset_title")
	if v.Created {
		title = c.T("auth.secret.created_title")
	}
	return c.RenderPage(http.StatusOK, "auth/console/secret", &web.Page{Title: title,
		Crumbs: crumbsAccounts(c, web.Crumb{Label: v.Account.Username, Href: accountURL(v.Account.ID)}, web.Crumb{Label: title}), Data: v})
}

// randomPassword makes a strong initial password that passes CheckPassword:
// three groups of four letters and digits (no look-alikes) joined by '-'.
func randomPassword() (string, error) {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	for {
		var b strings.Builder
		for i := range 12 {
			if i > 0 && i%4 == 0 {
				b.WriteByte('-')
			}
			n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
			if err != nil {
				return "", fmt.Errorf("auth: random password: %w", err)
			}
			b.WriteByte(alphabet[n.Int64()])
		}
		if pw := b.String(); passwordClasses(pw) == 4 {
			return pw, nil
		}
	}
}

// accountForm is the create/edit form as typed, so a refused form comes back
// unchanged (except the password, which is never sent back).
type accountForm struct{ OrgID, Username, Name, Role, Locale, Version string }

// accountFormView is the create and edit page.
type accountFormView struct {
	Account *Account // nil when creating
	F       accountForm
	Orgs    []orgOption
	Roles   []Role
	Errors  map[string]string // field → translated message
	Alert   string
	Action  string
}

// orgOption is one org an account can belong to, indented by its depth.
type orgOption struct {
	ID     int64
	Name   string
	Indent string
}

// orgOptions lists the unions in the actor's subtree that can hold accounts, in
// tree order; auth reads the orgs table directly so it does not import org.
func (h *Handlers) orgOptions(ctx context.Context, actor *platform.Actor) ([]orgOption, error) {
	if actor == nil || !strings.HasPrefix(actor.OrgPath, "/") {
		return nil, nil
	}
	lo, hi := platform.SubtreeRange(actor.OrgPath)
	rows, err := h.store.db.Query(ctx, `SELECT id, name, depth FROM orgs WHERE path >= ? AND path < ?
		AND level IN ('city', 'district', 'industry', 'grassroots') AND status = 'active' ORDER BY path LIMIT 500`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("auth: org options: %w", err)
	}
	defer rows.Close()
	var out []orgOption
	var depths []int
	top := -1
	for rows.Next() {
		var o orgOption
		var d int
		if err := rows.Scan(&o.ID, &o.Name, &d); err != nil {
			return nil, fmt.Errorf("auth: org options: %w", err)
		}
		out, depths = append(out, o), append(depths, d)
		if top < 0 || d < top {
			top = d
		}
	}
	for i := range out {
		out[i].Indent = strings.Repeat("　", depths[i]-top)
	}
	return out, rows.Err()
}

func readAccountForm(r *http.Request) accountForm {
	v := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	return accountForm{OrgID: v("org_id"), Username: v("username"), Name: v("name"), Role: v("role"),
		Locale: v("locale"), Version: v("version")}
}

func formInt(s string) int64 { n, _ := strconv.ParseInt(s, 10, 64); return n }

// renderAccountForm draws the create or edit page; err (a refused save) fills in
// the field messages and the alert, and sets the status.
func (h *Handlers) renderAccountForm(c *web.Ctx, acc *Account, f accountForm, err error) error {
	status := http.StatusOK
	v := &accountFormView{Account: acc, F: f, Roles: Roles(), Errors: map[string]string{}, Action: "/console/accounts"}
	if err != nil {
		var ok bool
		if status, ok = refused(c, err, v.Errors, &v.Alert); !ok {
			return err
		}
	}
	orgs, oerr := h.orgOptions(c.R.Context(), c.Actor)
	if oerr != nil {
		return oerr
	}
	title := c.T("auth.form.new_title")
	crumb := web.Crumb{Label: title}
	if acc != nil {
		v.Action, title = accountURL(acc.ID)+"/edit", c.T("auth.form.edit_title")
		crumb = web.Crumb{Label: acc.Username, Href: accountURL(acc.ID)}
		if !hasOrg(orgs, acc.OrgID) {
			orgs = append([]orgOption{{ID: acc.OrgID, Name: acc.OrgName}}, orgs...)
		}
	}
	v.Orgs = orgs
	return c.RenderPage(status, "auth/console/account_form", &web.Page{Title: title,
		Crumbs: crumbsAccounts(c, crumb), Data: v})
}

func hasOrg(orgs []orgOption, id int64) bool {
	for _, o := range orgs {
		if o.ID == id {
			return true
		}
	}
	return false
}

func (h *Handlers) newAccount(c *web.Ctx) error {
	f := accountForm{Role: string(RoleClerk)}
	if c.Actor != nil {
		f.OrgID = strconv.FormatInt(c.Actor.OrgID, 10)
	}
	return h.renderAccountForm(c, nil, f, nil)
}

// createAccount adds an account; a blank password is generated and shown once.
func (h *Handlers) createAccount(c *web.Ctx) error {
	f := readAccountForm(c.R)
	in := AccountInput{OrgID: formInt(f.OrgID), Username: f.Username, Name: f.Name, Role: Role(f.Role),
		Password: c.R.PostFormValue("password"), Locale: f.Locale}
	generated := strings.TrimSpace(in.Password) == ""
	if generated {
		pw, err := randomPassword()
		if err != nil {
			return err
		}
		in.Password = pw
	}
	acc, err := h.store.CreateAccount(c.R.Context(), in)
	if err != nil {
		return h.renderAccountForm(c, nil, f, err)
	}
	if generated {
		return h.showSecret(c, &secretView{Account: acc, Password: in.Password, Created: true})
	}
	return c.Redirect(accountURL(acc.ID), "auth.flash.account_created")
}

func (h *Handlers) editAccount(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	acc, err := h.store.GetAccount(c.R.Context(), id)
	if err != nil {
		return err
	}
	f := accountForm{OrgID: strconv.FormatInt(acc.OrgID, 10), Username: acc.Username, Name: acc.Name,
		Role: string(acc.Role), Locale: acc.Locale, Version: strconv.FormatInt(acc.Version, 10)}
	return h.renderAccountForm(c, acc, f, nil)
}

func (h *Handlers) updateAccount(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	ctx := c.R.Context()
	acc, err := h.store.GetAccount(ctx, id)
	if err != nil {
		return err
	}
	f := readAccountForm(c.R)
	f.Username = acc.Username
	_, err = h.store.UpdateAccount(ctx, id, AccountUpdate{Name: f.Name, Role: Role(f.Role), OrgID: formInt(f.OrgID),
		Locale: f.Locale, Version: formInt(f.Version)})
	if err != nil {
		return h.renderAccountForm(c, acc, f, err)
	}
	return c.Redirect(accountURL(id), "auth.flash.account_saved")
}
