package membership

import (
	"embed"
	"net/http"

	"zhijia/internal/platform"
	"zhijia/internal/web"
)

//go:embed templates static
var assets embed.FS

// Handlers serves the membership pages, the card verifier and the API.
type Handlers struct {
	store   *Store
	signer  *platform.Signer
	baseURL string
}

// Mount adds the membership routes, pages and menu entries to the shell. The
// card signing key is derived from keys; failing that is a start-up error.
func Mount(s *web.Server, store *Store, keys *platform.Keyring) {
	signer, err := keys.Signer()
	if err != nil {
		panic("membership: card signing key: " + err.Error())
	}
	h := &Handlers{store: store, signer: signer, baseURL: s.Config.BaseURL}
	s.Catalog.Add(Messages)
	s.AddPages("membership", assets, "templates")
	for page, zero := range map[string]any{"portal/join": &joinView{}, "portal/status": &statusView{},
		"portal/card": &cardView{}, "auth/verify": &verifyView{},
		"console/applications": &appListView{}, "console/application": &appView{},
		"console/transfers": &transferListView{}, "console/transfer": &transferView{}, "console/transfer_new": &transferNewView{}, "console/application_new": &transferNewView{}} {
		s.Sample("membership/"+page, zero)
	}
	s.AddMenu(
		web.MenuItem{Group: "membership.menu_group", Label: "membership.menu.applications", Href: "/console/membership/applications", Perm: "people.view", Order: 300},
		web.MenuItem{Group: "membership.menu_group", Label: "membership.menu.transfers", Href: "/console/membership/transfers", Perm: "people.view", Order: 310},
	)
	s.Portal("GET /portal/membership", h.status)
	s.Portal("GET /portal/join", h.joinForm)
	s.Portal("POST /portal/join", h.join)
	s.Portal("POST /portal/join/withdraw", h.withdraw)
	s.Portal("GET /portal/card", h.card)
	s.Portal("GET /portal/transfer", h.transferForm)
	s.Portal("POST /portal/transfer", h.transfer)
	s.Portal("POST /portal/transfer/cancel", h.cancelTransfer)
	s.Public("GET /verify", h.verify)
	s.Public("GET /verify/key.json", h.verifyKey)
	s.Public("GET /sw.js", h.serviceWorker)
	s.Console("GET /console/membership/applications", "people.view", h.applications)
	s.Console("GET /console/membership/applications/new", "people.edit", h.applicationNew)
	s.Console("POST /console/membership/applications", "people.edit", h.applicationCreate)
	s.Console("GET /console/membership/applications/{id}", "people.view", h.application)
	s.Console("POST /console/membership/applications/{id}/approve", "people.edit", h.approve)
	s.Console("POST /console/membership/applications/{id}/decline", "people.edit", h.decline)
	s.Console("GET /console/membership/transfers", "people.view", h.transfers)
	s.Console("GET /console/membership/transfers/new", "people.edit", h.transferNew)
	s.Console("POST /console/membership/transfers", "people.edit", h.transferCreate)
	s.Console("GET /console/membership/transfers/{id}", "people.view", h.transferShow)
	s.Console("POST /console/membership/transfers/{id}/accept", "people.edit", h.transferAccept)
	s.Console("POST /console/membership/transfers/{id}/decline", "people.edit", h.transferDecline)
	mountAPI(s, h)
	mountMyAPI(s, h)
}

// refusal turns a rule's refusal into what a form shows: a status, the top
// message and per-field messages, all translated; ok is false for other errors.
func refusal(c *web.Ctx, err error) (status int, alert string, fields map[string]string, ok bool) {
	e, isUser := platform.AsError(err)
	if !isUser || (e.Code != platform.CodeInvalid && e.Code != platform.CodeConflict) {
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

func (h *Handlers) serviceWorker(c *web.Ctx) error {
	b, err := assets.ReadFile("static/sw.js")
	if err != nil {
		return err
	}
	hd := c.W.Header()
	hd.Set("Content-Type", "text/javascript; charset=utf-8")
	hd.Set("Cache-Control", "no-cache")
	_, err = c.W.Write(b)
	return err
}

func (h *Handlers) verifyKey(c *web.Ctx) error {
	c.W.Header().Set("Cache-Control", "public, max-age=3600")
	return c.JSON(http.StatusOK, h.signer.PublicJWK())
}
