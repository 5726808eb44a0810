package relief

import (
	"embed"
	"math"
	"strconv"
	"strings"

	"zhijia/internal/platform"
	"zhijia/internal/review"
	"zhijia/internal/web"
)

//go:embed templates
var assets embed.FS

// Handlers serves the relief console and portal pages.
type Handlers struct {
	store *Store
}

// Mount adds the relief routes, pages and menu entries to the shell.
func Mount(s *web.Server, store *Store) {
	h := &Handlers{store: store}
	s.Catalog.Add(Messages)
	s.Catalog.Add(review.Messages)
	s.AddPages("relief", assets, "templates")
	for page, zero := range map[string]any{"console/applications": &listView{}, "console/application": &appView{},
		"console/application_new": &formView{}, "console/setup": &setupView{},
		"portal/home": &myView{}, "portal/apply": &formView{}, "portal/application": &appView{}} {
		s.Sample("relief/"+page, zero)
	}
	s.AddMenu(
		web.MenuItem{Group: "relief.menu_group", Label: "relief.menu.inbox", Href: "/console/relief/inbox", Perm: "relief.review", Order: 400},
		web.MenuItem{Group: "relief.menu_group", Label: "relief.menu.applications", Href: "/console/relief/applications", Perm: "relief.view", Order: 410},
		web.MenuItem{Group: "relief.menu_group", Label: "relief.menu.setup", Href: "/console/relief/setup", Perm: "relief.view", Order: 420},
	)
	s.Console("GET /console/relief/inbox", "relief.review", h.inbox)
	s.Console("GET /console/relief/applications", "relief.view", h.applications)
	s.Console("GET /console/relief/applications/new", "relief.apply", h.applicationNew)
	s.Console("POST /console/relief/applications", "relief.apply", h.applicationCreate)
	s.Console("GET /console/relief/applications/{id}", "relief.view", h.application)
	s.Console("POST /console/relief/applications/{id}/decide", "relief.review", h.decide)
	s.Console("POST /console/relief/applications/{id}/resubmit", "relief.apply", h.consoleResubmit)
	s.Console("POST /console/relief/applications/{id}/attachments", "relief.apply", h.consoleAttach)
	s.Console("GET /console/relief/attachments/{id}", "relief.view", h.attachment)
	s.Console("GET /console/relief/setup", "relief.view", h.setup)
	s.Console("POST /console/relief/setup", "relief.setup", h.saveProgramme)
	s.Console("POST /console/relief/funds", "relief.setup", h.saveFund)
	s.Console("POST /console/relief/dibao", "relief.setup", h.saveDibao)
	s.Console("POST /console/relief/unions", "relief.setup", h.saveUnions)
	s.Portal("GET /portal/relief", h.myApplications)
	s.Portal("GET /portal/relief/apply", h.applyForm)
	s.Portal("POST /portal/relief/apply", h.apply)
	s.Portal("GET /portal/relief/application", h.myApplication)
	s.Portal("POST /portal/relief/resubmit", h.portalResubmit)
	s.Portal("POST /portal/relief/attach", h.portalAttach)
	s.Portal("GET /portal/relief/attachment", h.portalAttachment)
	h.mountNotice(s)
	h.mountAPI(s)
	h.mountArchive(s)
}

// money gives every view the yuan formatter templates use.
type money struct{}

// Yuan shows fen as yuan: 123456 → "1,234.56".
func (money) Yuan(fen int64) string { return FormatYuan(fen) }

// FormatYuan shows fen as yuan with thousands separators and two decimals.
func FormatYuan(fen int64) string {
	s := yuan(fen)
	whole, frac, _ := strings.Cut(s, ".")
	neg := strings.HasPrefix(whole, "-")
	whole = strings.TrimPrefix(whole, "-")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String() + "." + frac
	if neg {
		out = "-" + out
	}
	return out
}

// ParseYuan reads an amount typed in yuan ("1,234.5", "800") as fen. Blank is 0;
// ok is false for anything else that is not a non-negative amount with at most
// two decimals.
func ParseYuan(s string) (int64, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(s, ",", ""), "，", ""))
	s = strings.TrimSuffix(strings.TrimSuffix(s, "元"), " ")
	if s == "" {
		return 0, true
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || (hasFrac && frac == "") {
		return 0, false
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 || w > math.MaxInt64/1000 {
		return 0, false
	}
	var f int64
	if frac != "" {
		for len(frac) < 2 {
			frac += "0"
		}
		if f, err = strconv.ParseInt(frac, 10, 64); err != nil || f < 0 {
			return 0, false
		}
	}
	return w*100 + f, true
}

// refusal turns a rule's refusal into what a form shows: a status, the top
// message and per-field messages, all translated; ok is false for other errors.
func refusal(c *web.Ctx, err error) (status int, alert string, fields map[string]string, ok bool) {
	e, isUser := platform.AsError(err)
	if !isUser || (e.Code != platform.CodeInvalid && e.Code != platform.CodeConflict && e.Code != platform.CodeForbidden) {
		return 0, "", nil, false
	}
	fields = map[string]string{}
	for k, v := range e.Fields {
		fields[k] = c.T(v)
	}
	alert = c.T("form.fix_errors")
	if e.Message != "err.invalid" {
		alert = c.T(e.Message, e.Args...)
	}
	return platform.HTTPStatus(e.Code), alert, fields, true
}

// yuanField reads a form amount in yuan into fen, noting a field error.
func yuanField(c *web.Ctx, name string, into *int64, errs map[string]string) {
	v, ok := ParseYuan(c.R.FormValue(name))
	if !ok {
		errs[name] = "relief.err.amount_format"
		return
	}
	*into = v
}
