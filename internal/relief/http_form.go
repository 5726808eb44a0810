package relief

import (
	"net/http"
	"strconv"
	"strings"

	"zhijia/internal/people"
	"zhijia/internal/platform"
	"zhijia/internal/web"
)

// formView is the application form, on the portal (the worker's own household)
// and in the console (staff applying for a worker).
type formView struct {
	money
	Console      bool
	WorkerID     string // console: the worker's registry number as typed
	WorkerName   string // masked
	Household    []people.HouseholdMember
	Causes       []string
	Programme    *Programme
	Form         map[string]string // amounts and text as typed
	Chosen       map[int64]bool
	ChosenCauses map[string]bool
	IdemKey      string
	Alert        string
	Errors       map[string]string
}

// amountFields are the form's amounts in yuan, in display order.
var amountFields = []string{"income", "unavoidable", "medical_costs", "insurance_paid", "losses", "tuition", "requested"}

// readForm reads the posted application into v (as typed) and an input; errs
// holds fields that could not be read at all (amounts that are not amounts).
func readForm(c *web.Ctx, v *formView) (ApplicationInput, map[string]string) {
	errs := map[string]string{}
	in := ApplicationInput{Statement: c.R.PostFormValue("statement"), Consent: c.R.PostFormValue("consent") == "1",
		IdemKey: strings.TrimSpace(c.R.PostFormValue("idem_key"))}
	v.Form, v.Chosen, v.ChosenCauses, v.IdemKey = map[string]string{"statement": in.Statement}, map[int64]bool{}, map[string]bool{}, in.IdemKey
	for _, s := range c.R.PostForm["member"] {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			in.MemberIDs = append(in.MemberIDs, id)
			v.Chosen[id] = true
		}
	}
	for _, cause := range c.R.PostForm["cause"] {
		in.Causes = append(in.Causes, cause)
		v.ChosenCauses[cause] = true
	}
	m := &in.Means
	into := map[string]*int64{"income": &m.Income, "unavoidable": &m.Unavoidable, "medical_costs": &m.MedicalCosts,
		"insurance_paid": &m.InsurancePaid, "losses": &m.Losses, "tuition": &m.Tuition, "requested": &in.Requested}
	for _, name := range amountFields {
		v.Form[name] = c.R.PostFormValue(name)
		yuanField(c, name, into[name], errs)
	}
	in.Payee = Payee{Name: c.R.PostFormValue("payee_name"), Bank: c.R.PostFormValue("payee_bank"), Account: c.R.PostFormValue("payee_account")}
	v.Form["payee_name"], v.Form["payee_bank"], v.Form["payee_account"] = in.Payee.Name, in.Payee.Bank, in.Payee.Account
	if v.Form["requested"] == "" && errs["requested"] == "" {
		errs["requested"] = "relief.err.amount_positive"
	}
	return in, errs
}

// fillChoices loads the programme and the household the form offers.
func (h *Handlers) fillChoices(c *web.Ctx, v *formView, workerID int64) error {
	ctx := c.R.Context()
	p, err := h.store.ProgrammeFor(ctx, cityOf(c.Actor.OrgPath), YearOf(h.store.now(), platform.Shanghai))
	if err == nil {
		v.Programme, v.Causes = p, p.Causes
	} else if platform.ErrorCode(err) != platform.CodeNotFound {
		return err
	}
	if c.Actor.Kind == "worker" || workerID != 0 {
		hh, err := h.store.Household(ctx, workerID)
		if err != nil && platform.ErrorCode(err) != platform.CodeInvalid {
			return err
		}
		v.Household = hh
	}
	if v.Form == nil {
		v.Form, v.Chosen, v.ChosenCauses = map[string]string{}, map[int64]bool{}, map[string]bool{}
	}
	if v.IdemKey == "" {
		v.IdemKey = platform.RandomHex(12)
	}
	return nil
}

// submitForm runs a posted application through do; a refusal shows the form
// again with everything as typed.
func (h *Handlers) submitForm(c *web.Ctx, v *formView, workerID int64, page string,
	do func(in ApplicationInput) (*Application, error), done func(*Application) error) error {
	in, errs := readForm(c, v)
	in.WorkerID = workerID
	var app *Application
	var err error
	if len(errs) > 0 {
		// Amounts that are not amounts: show them with every other mistake at once.
		e := platform.Invalid()
		for k, key := range errs {
			e.Field(k, key)
		}
		if p, perr := h.store.ProgrammeFor(c.R.Context(), cityOf(c.Actor.OrgPath), YearOf(h.store.now(), platform.Shanghai)); perr == nil {
			if ve, ok := platform.AsError(in.validate(p)); ok {
				for k, key := range ve.Fields {
					e.Field(k, key)
				}
			}
		}
		err = e
	} else {
		app, err = do(in)
	}
	if err == nil {
		return done(app)
	}
	status, alert, fields, ok := refusal(c, err)
	if !ok {
		return err
	}
	v.Alert, v.Errors = alert, fields
	if err := h.fillChoices(c, v, workerID); err != nil {
		return err
	}
	return h.renderForm(c, status, page, v)
}

func (h *Handlers) renderForm(c *web.Ctx, status int, page string, v *formView) error {
	title := c.T("relief.apply.title")
	pg := &web.Page{Title: title, Data: v}
	if v.Console {
		pg.Crumbs = []web.Crumb{{Label: c.T("relief.menu_group")}, {Label: c.T("relief.menu.applications"), Href: listPath}, {Label: title}}
	}
	return c.RenderPage(status, page, pg)
}

// applyForm is the worker's phone-first application form.
func (h *Handlers) applyForm(c *web.Ctx) error {
	v := &formView{}
	if err := h.fillChoices(c, v, 0); err != nil {
		return err
	}
	return h.renderForm(c, http.StatusOK, "relief/portal/apply", v)
}

func (h *Handlers) apply(c *web.Ctx) error {
	v := &formView{}
	return h.submitForm(c, v, 0, "relief/portal/apply", func(in ApplicationInput) (*Application, error) {
		return h.store.Submit(c.R.Context(), in)
	}, func(app *Application) error {
		return c.Redirect(portalAppURL(app.ID), "relief.flash.submitted")
	})
}

// applicationNew is the console form: staff find the worker by registry number,
// then fill in the household's case.
func (h *Handlers) applicationNew(c *web.Ctx) error {
	v := &formView{Console: true, WorkerID: strings.TrimSpace(c.R.FormValue("worker_id"))}
	id, _ := strconv.ParseInt(v.WorkerID, 10, 64)
	if v.WorkerID != "" {
		if w, err := loadApplicant(c.R.Context(), h.store.db, id); err != nil || !c.Actor.Covers(w.OrgPath) {
			v.Errors, id = map[string]string{"worker_id": c.T("relief.err.worker")}, 0
		} else {
			v.WorkerName = people.MaskName(w.Name)
		}
	}
	if err := h.fillChoices(c, v, id); err != nil {
		return err
	}
	return h.renderForm(c, http.StatusOK, "relief/console/application_new", v)
}

func (h *Handlers) applicationCreate(c *web.Ctx) error {
	v := &formView{Console: true, WorkerID: strings.TrimSpace(c.R.PostFormValue("worker_id"))}
	id, _ := strconv.ParseInt(v.WorkerID, 10, 64)
	if w, err := loadApplicant(c.R.Context(), h.store.db, id); err == nil && c.Actor.Covers(w.OrgPath) {
		v.WorkerName = people.MaskName(w.Name)
	}
	return h.submitForm(c, v, id, "relief/console/application_new", func(in ApplicationInput) (*Application, error) {
		return h.store.SubmitFor(c.R.Context(), in)
	}, func(app *Application) error {
		return c.Redirect(appURL(app.ID), "relief.flash.submitted_for")
	})
}

// Fields lists the form's amounts, for the template.
func (formView) Fields() []string { return amountFields }

// PayeeFields lists the payee's fields, for the template.
func (formView) PayeeFields() []string { return payeeFields }

var payeeFields = []string{"payee_name", "payee_bank", "payee_account"}

// readResubmission reads a posted answer to a return: the reply and, when the
// form carries the case (amend=1), the corrected amounts, statement and payee.
// form keeps everything as typed; errs holds amounts that are not amounts.
func readResubmission(c *web.Ctx) (r Resubmission, form map[string]string, errs map[string]string) {
	r = Resubmission{Version: c.FormInt64("version"), Supplement: c.R.PostFormValue("supplement")}
	form, errs = map[string]string{"supplement": r.Supplement}, map[string]string{}
	if c.R.PostFormValue("amend") != "1" {
		return r, form, errs
	}
	a := &Amendment{Statement: c.R.PostFormValue("statement"), Payee: Payee{Name: c.R.PostFormValue("payee_name"),
		Bank: c.R.PostFormValue("payee_bank"), Account: c.R.PostFormValue("payee_account")}}
	m := &a.Means
	into := map[string]*int64{"income": &m.Income, "unavoidable": &m.Unavoidable, "medical_costs": &m.MedicalCosts,
		"insurance_paid": &m.InsurancePaid, "losses": &m.Losses, "tuition": &m.Tuition, "requested": &a.Requested}
	for _, name := range amountFields {
		form[name] = c.R.PostFormValue(name)
		yuanField(c, name, into[name], errs)
	}
	for _, f := range append([]string{"statement"}, payeeFields...) {
		form[f] = c.R.PostFormValue(f)
	}
	r.Amend = a
	return r, form, errs
}

// resubmit runs a posted answer to a return; a refusal comes back with the
// fields as typed.
func (h *Handlers) resubmit(c *web.Ctx, id int64) (map[string]string, error) {
	r, form, errs := readResubmission(c)
	if len(errs) > 0 {
		e := platform.Invalid()
		for k, key := range errs {
			e.Field(k, key)
		}
		return form, e
	}
	_, err := h.store.Resubmit(c.R.Context(), id, r)
	return form, err
}

// AmendValue is a field of the correction form as posted, or else as on file
// (amounts in yuan; the account number is never filled in: blank keeps it).
func (v *appView) AmendValue(field string) string {
	if x, ok := v.Form[field]; ok {
		return x
	}
	if v.App == nil {
		return ""
	}
	a, m := v.App, v.App.Means
	switch field {
	case "income", "unavoidable", "medical_costs", "insurance_paid", "losses", "tuition", "requested":
		return yuan(map[string]int64{"income": m.Income, "unavoidable": m.Unavoidable, "medical_costs": m.MedicalCosts,
			"insurance_paid": m.InsurancePaid, "losses": m.Losses, "tuition": m.Tuition, "requested": a.Requested}[field])
	case "statement":
		return a.Statement
	case "payee_name":
		return a.Payee.Name
	case "payee_bank":
		return a.Payee.Bank
	}
	return ""
}

// Fields and PayeeFields list the correction form's fields, for the template.
func (appView) Fields() []string      { return amountFields }
func (appView) PayeeFields() []string { return payeeFields }

// ChangeFrom and ChangeTo show a change's values: amounts in yuan, "—" for none.
func (v *appView) ChangeFrom(c Change) string { return changeValue(c, c.Before) }
func (v *appView) ChangeTo(c Change) string   { return changeValue(c, c.After) }

func changeValue(c Change, s string) string {
	if s == "" {
		return "—"
	}
	if c.Money {
		if fen, err := strconv.ParseInt(s, 10, 64); err == nil {
			return FormatYuan(fen)
		}
	}
	return s
}
