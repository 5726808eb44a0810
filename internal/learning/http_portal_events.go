package learning

import (
	"net/http"

	"zhijia/internal/web"
)

const portalEventsPath = "/portal/learning/events"

type myEventsView struct {
	Events []MyEvent
}

type checkinView struct {
	E     *Event
	Token string
	Alert string
	Done  bool
}

func (h *Handlers) myEvents(c *web.Ctx) error {
	list, err := h.store.MyEvents(c.R.Context(), 30)
	if err != nil {
		return err
	}
	return c.RenderPage(http.StatusOK, "learning/portal/events", &web.Page{Title: c.T("learning.portal.events"), Data: &myEventsView{Events: list}})
}

func (h *Handlers) signUp(c *web.Ctx) error {
	id := c.FormInt64("event")
	if id <= 0 {
		return c.Redirect(portalEventsPath, "learning.flash.no_event")
	}
	err := h.store.SignUp(c.R.Context(), id)
	if _, _, _, ok := refusal(c, err); ok {
		key, _ := platformError(err)
		return c.Redirect(portalEventsPath, key)
	}
	if err != nil {
		return err
	}
	return c.Redirect(portalEventsPath, "learning.flash.signed_up")
}

// checkinPage is where a scanned code leads: the event and a button to confirm.
func (h *Handlers) checkinPage(c *web.Ctx) error {
	token := c.R.URL.Query().Get("t")
	v := &checkinView{Token: token}
	e, err := h.store.EventForToken(c.R.Context(), token)
	if err != nil {
		status, alert, _, ok := refusal(c, err)
		if !ok {
			return err
		}
		v.Alert = alert
		return c.RenderPage(status, "learning/portal/checkin", &web.Page{Title: c.T("learning.portal.checkin"), Data: v})
	}
	v.E = e
	return c.RenderPage(http.StatusOK, "learning/portal/checkin", &web.Page{Title: c.T("learning.portal.checkin"), Data: v})
}

func (h *Handlers) checkin(c *web.Ctx) error {
	token := c.R.PostFormValue("t")
	e, err := h.store.CheckIn(c.R.Context(), token)
	if err != nil {
		status, alert, _, ok := refusal(c, err)
		if !ok {
			return err
		}
		v := &checkinView{E: e, Token: token, Alert: alert}
		return c.RenderPage(status, "learning/portal/checkin", &web.Page{Title: c.T("learning.portal.checkin"), Data: v})
	}
	return c.Redirect(portalEventsPath, "learning.flash.checked_in")
}
