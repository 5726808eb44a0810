package membership

import (
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	qrcode "github.com/skip2/go-qrcode"

	"zhijia/internal/web"
)

// joinView is the join page (and the transfer page, which picks a union alike).
type joinView struct {
	Standing   *Standing
	Q          string
	Results    []Union
	Searched   bool
	Districts  []District
	DistrictID int64
	Joint      []Union
	Transfer   bool   // the transfer page: the same picker, for a member
	OrgID      int64  // the union last chosen
	Reason     string // transfer note as typed
	Alert      string
	Errors     map[string]string
}

type statusView struct{ S *Standing }

type cardView struct {
	S       *Standing
	Name    string // masked
	Number  string
	QR      template.URL
	URL     string
	Expires string
}

func (h *Handlers) status(c *web.Ctx) error {
	st, err := h.store.Standing(c.R.Context())
	if err != nil {
		return err
	}
	return c.RenderPage(http.StatusOK, "membership/portal/status", &web.Page{Title: c.T("membership.portal.status_title"),
		Data: &statusView{S: st}})
}

// loadChoices fills the union search and, for new-employment workers, the
// districts and joint unions.
func (h *Handlers) loadChoices(c *web.Ctx, v *joinView) error {
	ctx := c.R.Context()
	st, err := h.store.Standing(ctx)
	if err != nil {
		return err
	}
	v.Standing = st
	if v.Q = strings.TrimSpace(c.R.FormValue("q")); v.Q != "" {
		v.Searched = true
		if v.Results, err = h.store.SearchUnions(ctx, st.CityID, v.Q, 20); err != nil {
			return err
		}
	}
	if st.GroupCode != "" {
		if v.Districts, err = h.store.Districts(ctx, st.CityID); err != nil {
			return err
		}
		v.DistrictID, _ = strconv.ParseInt(c.R.FormValue("district"), 10, 64)
		if v.DistrictID != 0 {
			if v.Joint, err = h.store.JointUnions(ctx, st.CityID, v.DistrictID); err != nil {
				return err
			}
		}
	}
	return nil
}

func (h *Handlers) joinForm(c *web.Ctx) error {
	v := &joinView{}
	if err := h.loadChoices(c, v); err != nil {
		return err
	}
	return h.renderJoin(c, http.StatusOK, v)
}

func (h *Handlers) renderJoin(c *web.Ctx, status int, v *joinView) error {
	title := "membership.portal.join_title"
	if v.Transfer {
		title = "membership.portal.transfer_title"
	}
	return c.RenderPage(status, "membership/portal/join", &web.Page{Title: c.T(title), Data: v})
}

func (h *Handlers) join(c *web.Ctx) error {
	orgID := c.FormInt64("org_id")
	_, err := h.store.Submit(c.R.Context(), orgID)
	if err == nil {
		return c.Redirect("/portal/membership", "membership.flash.submitted")
	}
	return h.refuseJoin(c, false, orgID, err)
}

// refuseJoin shows the join or transfer page again with the refusal and the
// choices the worker made.
func (h *Handlers) refuseJoin(c *web.Ctx, transfer bool, orgID int64, err error) error {
	status, alert, fields, ok := refusal(c, err)
	if !ok {
		return err
	}
	// The choices are buttons, not fields: the field's message is the page's.
	for _, f := range []string{"org_id", "reason"} {
		if m := fields[f]; m != "" {
			alert = m
		}
	}
	v := &joinView{Transfer: transfer, OrgID: orgID, Alert: alert, Errors: fields, Reason: c.R.PostFormValue("reason")}
	if err := h.loadChoices(c, v); err != nil {
		return err
	}
	return h.renderJoin(c, status, v)
}

func (h *Handlers) withdraw(c *web.Ctx) error {
	if err := h.store.Withdraw(c.R.Context()); err != nil {
		if _, _, _, ok := refusal(c, err); ok {
			return c.Redirect("/portal/membership", "membership.err.nothing_open")
		}
		return err
	}
	return c.Redirect("/portal/membership", "membership.flash.withdrawn")
}

// card shows a member's electronic card; the QR code carries a signed token in
// the URL's fragment, which browsers never send to the server.
func (h *Handlers) card(c *web.Ctx) error {
	st, err := h.store.Standing(c.R.Context())
	if err != nil {
		return err
	}
	if !st.Member {
		return c.Redirect("/portal/membership", "membership.flash.not_member")
	}
	now := c.Server().Clock.Now()
	claims := NewClaims(st.WorkerID, st.Name, st.OrgName, st.JoinedOn, now)
	token, err := SignCard(h.signer, claims)
	if err != nil {
		return fmt.Errorf("membership: sign card: %w", err)
	}
	url := h.verifyURL(token)
	png, err := qrcode.Encode(url, qrcode.Medium, 320)
	if err != nil {
		return fmt.Errorf("membership: card qr: %w", err)
	}
	v := &cardView{S: st, Name: claims.Name, Number: CardNumber(st.WorkerID), URL: url,
		QR:      template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)),
		Expires: now.Add(CardValidity).In(shanghai()).Format("2006-01-02 15:04")}
	return c.RenderPage(http.StatusOK, "membership/portal/card", &web.Page{Title: c.T("membership.portal.card_title"), Data: v})
}

func (h *Handlers) transferForm(c *web.Ctx) error {
	v := &joinView{Transfer: true}
	if err := h.loadChoices(c, v); err != nil {
		return err
	}
	return h.renderJoin(c, http.StatusOK, v)
}

func (h *Handlers) transfer(c *web.Ctx) error {
	orgID := c.FormInt64("org_id")
	_, err := h.store.RequestTransfer(c.R.Context(), c.Actor.WorkerID, orgID, c.R.PostFormValue("reason"))
	if err == nil {
		return c.Redirect("/portal/membership", "membership.flash.transfer_requested")
	}
	return h.refuseJoin(c, true, orgID, err)
}

func (h *Handlers) cancelTransfer(c *web.Ctx) error {
	if err := h.store.CancelTransfer(c.R.Context()); err != nil {
		if _, _, _, ok := refusal(c, err); ok {
			return c.Redirect("/portal/membership", "membership.err.no_open_transfer")
		}
		return err
	}
	return c.Redirect("/portal/membership", "membership.flash.transfer_cancelled")
}

// verifyURL is what a card's QR code carries: the token rides in the fragment,
// which browsers never send to the server.
func (h *Handlers) verifyURL(token string) string {
	return strings.TrimRight(h.baseURL, "/") + "/verify#" + token
}
