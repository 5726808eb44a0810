package care

import (
	"net/http"
	"strings"

	"zhijia/internal/platform"
	"zhijia/internal/web"
)

type portalActivityView struct {
	Act      *Activity
	Children []Child
	F        SignupInput
	Errors   map[string]string
	Alert    string
}

// portalActivity shows an open activity (?id=) with its sign-up form;
// without an id, the services tab.
func (h *Handlers) portalActivity(c *web.Ctx) error {
	id := c.FormInt64("id")
	if id <= 0 {
		http.Redirect(c.W, c.R, "/portal/services", http.StatusSeeOther)
		return nil
	}
	return h.renderPortalActivity(c, http.StatusOK, &portalActivityView{}, id)
}

func (h *Handlers) renderPortalActivity(c *web.Ctx, status int, v *portalActivityView, id int64) error {
	open, err := h.store.OpenActivities(c.R.Context())
	if err != nil {
		return err
	}
	for _, a := range open {
		if a.ID == id {
			v.Act = a
		}
	}
	if v.Act == nil {
		return platform.NotFound
	}
	if v.Act.Kind == "childcare" {
		if v.Children, err = h.store.Children(c.R.Context()); err != nil {
			return err
		}
	}
	return c.RenderPage(status, "care/portal/activity", &web.Page{Title: v.Act.Title, Data: v})
}

func (h *Handlers) signup(c *web.Ctx) error {
	id := c.FormInt64("id")
	if id <= 0 {
		return c.Redirect("/portal/services", "")
	}
	in := SignupInput{SessionID: c.FormInt64("session_id"), PartnerName: c.R.PostFormValue("partner_name"),
		MarriedOn: c.R.PostFormValue("married_on"), ChildID: c.FormInt64("child_id")}
	_, err := h.store.SignUp(c.R.Context(), id, in)
	if err == nil {
		return c.Redirect("/portal/services#my-activities", "care.flash.signed_up")
	}
	status, alert, fields, ok := refusal(c, err)
	if !ok {
		return err
	}
	return h.renderPortalActivity(c, status, &portalActivityView{F: in, Errors: fields, Alert: alert}, id)
}

// signupAction runs confirm or cancel posted from the services tab.
func (h *Handlers) signupAction(c *web.Ctx) error {
	id := c.FormInt64("id")
	if id <= 0 {
		return c.Redirect("/portal/services", "")
	}
	do, flash := h.store.Confirm, "care.flash.confirmed"
	if strings.HasSuffix(c.R.URL.Path, "/cancel") {
		do, flash = h.store.Cancel, "care.flash.cancelled"
	}
	if err := do(c.R.Context(), id); err != nil {
		e, ok := platform.AsError(err)
		if !ok || e.Code != platform.CodeConflict {
			return err
		}
		return c.Redirect("/portal/services#my-activities", e.Message)
	}
	return c.Redirect("/portal/services#my-activities", flash)
}
