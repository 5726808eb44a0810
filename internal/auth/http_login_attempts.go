package auth

import (
	"fmt"
	"net/http"
	"strings"

	"zhijia/internal/web"
)

// The login attempt log: who tried to sign in, when, from where, and why it failed.

// attemptsView is the login attempt log page.
type attemptsView struct {
	Rows   []attemptRow
	Q      web.ListQuery
	P      web.Pager
	Errors map[string]string
}

// attemptRow is a login attempt with its kind and reason in the user's language.
type attemptRow struct {
	LoginAttempt
	KindText, ReasonText string
}

func attemptRows(c *web.Ctx, in []LoginAttempt) []attemptRow {
	out := make([]attemptRow, 0, len(in))
	for _, a := range in {
		out = append(out, attemptRow{LoginAttempt: a, KindText: translateOr(c, "auth.kind."+a.Kind, a.Kind),
			ReasonText: reasonText(c, a.Reason)})
	}
	return out
}

// reasonText translates each part of a reason such as "unknown_user,locked".
func reasonText(c *web.Ctx, reason string) string {
	if reason == "" {
		return ""
	}
	parts := strings.Split(reason, ",")
	for i, p := range parts {
		parts[i] = translateOr(c, "auth.reason."+p, p)
	}
	return strings.Join(parts, c.T("auth.reason.sep"))
}

func translateOr(c *web.Ctx, key, fallback string) string {
	if c.L.Has(key) {
		return c.T(key)
	}
	return fallback
}

// attemptFilter reads the log's filters; dates are days in Asia/Shanghai.
func attemptFilter(q web.ListQuery) (LoginAttemptFilter, map[string]string) {
	f := LoginAttemptFilter{Subject: q.Get("subject"), FailedOnly: q.Get("failed") != ""}
	var errs map[string]string
	f.Since, f.Until, errs = q.DayRange("from", "to")
	return f, errs
}

func (h *Handlers) loginAttempts(c *web.Ctx) error {
	q := c.ParseList()
	f, errs := attemptFilter(q)
	if q.Export && len(errs) == 0 {
		return h.exportAttempts(c, f)
	}
	v := &attemptsView{Q: q, Errors: map[string]string{}}
	total := 0
	if len(errs) == 0 {
		f.Limit, f.Offset = q.Limit(), q.Offset()
		rows, n, err := h.store.FindLoginAttempts(c.R.Context(), f)
		if err != nil {
			return err
		}
		v.Rows, total = attemptRows(c, rows), n
	}
	for k, key := range errs {
		v.Errors[k] = c.T(key)
	}
	v.P = q.Pager("/console/login-attempts", total)
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return c.RenderPage(status, "auth/console/login_attempts", &web.Page{Title: c.T("auth.attempts.title"),
		Crumbs: []web.Crumb{{Label: c.T("menu.system")}, {Label: c.T("auth.attempts.title")}}, Data: v})
}

// exportAttempts sends the filtered log (up to web.ExportLimit rows) as .xlsx.
func (h *Handlers) exportAttempts(c *web.Ctx, f LoginAttemptFilter) error {
	var all []LoginAttempt
	for len(all) < web.ExportLimit {
		f.Limit, f.Offset = 500, len(all)
		rows, total, err := h.store.FindLoginAttempts(c.R.Context(), f)
		if err != nil {
			return err
		}
		all = append(all, rows...)
		if len(rows) == 0 || len(all) >= total {
			break
		}
	}
	if err := h.auditExport(c, "auth.login_attempts_export", "login_attempt", fmt.Sprintf("导出登录日志 %d 条", len(all))); err != nil {
		return err
	}
	head := []string{c.T("auth.col.at"), c.T("auth.col.subject"), c.T("auth.col.kind"), c.T("auth.col.result"),
		c.T("auth.col.reason"), c.T("auth.col.ip")}
	out := make([][]any, 0, len(all))
	for _, r := range attemptRows(c, all) {
		result := "auth.result.failed"
		if r.OK {
			result = "auth.result.ok"
		}
		out = append(out, []any{r.At, r.Subject, r.KindText, c.T(result), r.ReasonText, r.IP})
	}
	return c.ExportXLSX(c.T("auth.attempts.title"), head, out)
}
