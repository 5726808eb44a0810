package people

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"zhijia/internal/platform"
	"zhijia/internal/web"
)

// householdRows is how many household rows the form shows: the members on
// record plus spare blank rows, at least this many.
const householdRows = 4

// workerForm is the form exactly as typed, so a refused form comes back unchanged.
type workerForm struct {
	OrgID, Name, IDNumber, Phone, Landline, Employer, Post, Education string
	MemberStatus, JoinedOn, ModelLevel, Craftsman, GroupCode, Version string
	Consent                                                           bool
	Household                                                         []householdRow
}

// householdRow is one row of the household fieldset with its messages.
type householdRow struct {
	Index                              int
	ID, Relation, Name, IDNumber       string
	Birth, IDMasked                    string
	Student, Ill, Disabled, Unemployed bool
	Errors                             map[string]string // relation, name, id_number, birth → translated
}

// unionOption is one union a worker can belong to.
type unionOption struct {
	ID   int64
	Name string
}

type formView struct {
	W              *Worker // nil when creating
	F              workerForm
	Errors         map[string]string
	Alert          string
	Action         string
	Unions         []unionOption
	Groups         []Group
	GroupNames     map[string]string
	Educations     []string
	Relations      []string
	ModelLevels    []ModelLevel
	ConsentVersion string
}

// readForm reads the posted form into what the user typed and the store's input.
func readForm(r *http.Request) (workerForm, WorkerInput) {
	v := func(name string) string { return r.PostFormValue(name) }
	f := workerForm{OrgID: v("org_id"), Name: v("name"), IDNumber: v("id_number"), Phone: v("phone"),
		Landline: v("landline"), Employer: v("employer"), Post: v("post"), Education: v("education"),
		MemberStatus: v("member_status"), JoinedOn: v("joined_on"), ModelLevel: v("model_level"),
		Craftsman: v("craftsman"), GroupCode: v("group_code"), Version: v("version"), Consent: v("consent") != ""}
	orgID, _ := strconv.ParseInt(strings.TrimSpace(f.OrgID), 10, 64)
	in := WorkerInput{OrgID: orgID, Name: f.Name, IDNumber: f.IDNumber, Phone: f.Phone, Landline: f.Landline,
		Employer: f.Employer, Post: f.Post, Education: f.Education, MemberStatus: MemberStatus(f.MemberStatus),
		JoinedOn: f.JoinedOn, ModelLevel: ModelLevel(f.ModelLevel), Craftsman: f.Craftsman, GroupCode: f.GroupCode,
		Consent: f.Consent}
	n, _ := strconv.Atoi(v("household_rows"))
	for i := 0; i < min(max(n, householdRows), 20); i++ {
		p := func(name string) string { return v("h" + strconv.Itoa(i) + "_" + name) }
		row := householdRow{Index: i, ID: p("id"), Relation: p("relation"), Name: p("name"), IDNumber: p("id_number"),
			Birth: p("birth"), IDMasked: p("id_masked"), Student: p("student") != "", Ill: p("ill") != "",
			Disabled: p("disabled") != "", Unemployed: p("unemployed") != ""}
		f.Household = append(f.Household, row)
		id, _ := strconv.ParseInt(row.ID, 10, 64)
		in.Household = append(in.Household, HouseholdInput{ID: id, Relation: row.Relation, Name: row.Name,
			IDNumber: row.IDNumber, Birth: row.Birth, Student: row.Student, Ill: row.Ill, Disabled: row.Disabled,
			Unemployed: row.Unemployed})
	}
	return f, in
}

// formOf fills the edit form from a stored worker; personal data stays blank
// (blank keeps the stored value) and the masked value is shown beside it.
func formOf(w *Worker) workerForm {
	f := workerForm{OrgID: strconv.FormatInt(w.OrgID, 10), Name: w.Name, Landline: w.Landline, Employer: w.Employer,
		Post: w.Post, Education: w.Education, MemberStatus: string(w.MemberStatus), JoinedOn: w.JoinedOn,
		ModelLevel: string(w.ModelLevel), Craftsman: w.Craftsman, GroupCode: w.GroupCode,
		Version: strconv.FormatInt(w.Version, 10)}
	for i, m := range w.Household {
		f.Household = append(f.Household, householdRow{Index: i, ID: strconv.FormatInt(m.ID, 10), Relation: m.Relation,
			Name: m.Name, Birth: m.Birth, IDMasked: m.IDMasked, Student: m.Student, Ill: m.Ill, Disabled: m.Disabled,
			Unemployed: m.Unemployed})
	}
	return f
}

// padRows adds blank rows so the form always offers a few.
func padRows(f *workerForm) {
	for len(f.Household) < householdRows || blankTail(f.Household) < 1 {
		f.Household = append(f.Household, householdRow{Index: len(f.Household)})
	}
}

func blankTail(rows []householdRow) int {
	n := 0
	for i := len(rows) - 1; i >= 0 && rows[i].Relation+rows[i].Name+rows[i].IDNumber+rows[i].Birth+rows[i].ID == ""; i-- {
		n++
	}
	return n
}

func (h *Handlers) newForm(c *web.Ctx) error {
	f := workerForm{MemberStatus: string(Member), OrgID: strconv.FormatInt(c.Actor.OrgID, 10)}
	return h.renderForm(c, http.StatusOK, &formView{F: f, Action: "/console/workers"})
}

func (h *Handlers) create(c *web.Ctx) error {
	f, in := readForm(c.R)
	w, err := h.store.CreateWorker(c.R.Context(), in)
	if err == nil {
		return c.Redirect(detailURL(w.ID), "people.flash.created")
	}
	return h.formFailed(c, &formView{F: f, Action: "/console/workers"}, err)
}

func (h *Handlers) editForm(c *web.Ctx) error {
	w, err := h.load(c)
	if err != nil {
		return err
	}
	return h.renderForm(c, http.StatusOK, &formView{W: w, F: formOf(w), Action: detailURL(w.ID)})
}

func (h *Handlers) update(c *web.Ctx) error {
	w, err := h.load(c)
	if err != nil {
		return err
	}
	f, in := readForm(c.R)
	version, _ := strconv.ParseInt(strings.TrimSpace(f.Version), 10, 64)
	if _, err = h.store.UpdateWorker(c.R.Context(), w.ID, version, in); err == nil {
		return c.Redirect(detailURL(w.ID), "people.flash.updated")
	}
	v := &formView{W: w, F: f, Action: detailURL(w.ID)}
	if e, ok := platform.AsError(err); ok && e.Message == "people.err.stale" {
		v.F.Version = strconv.FormatInt(w.Version, 10) // saving again, knowingly, overwrites
	}
	return h.formFailed(c, v, err)
}

func (h *Handlers) load(c *web.Ctx) (*Worker, error) {
	id, err := c.ID("id")
	if err != nil {
		return nil, err
	}
	return h.store.GetWorker(c.R.Context(), id)
}

// formFailed re-renders a refused form with its messages (422, or 409 for a
// conflict), or hands other errors to the shell.
func (h *Handlers) formFailed(c *web.Ctx, v *formView, err error) error {
	e, ok := platform.AsError(err)
	if !ok || (e.Code != platform.CodeInvalid && e.Code != platform.CodeConflict) {
		return err
	}
	v.Errors = map[string]string{}
	for k, key := range e.Fields {
		v.Errors[k] = c.T(key)
	}
	for i := range v.F.Household {
		row := &v.F.Household[i]
		row.Errors = map[string]string{}
		for _, name := range []string{"relation", "name", "id_number", "birth"} {
			if msg := v.Errors[fmt.Sprintf("household.%d.%s", row.Index, name)]; msg != "" {
				row.Errors[name] = msg
			}
		}
	}
	v.Alert = c.T("form.fix_errors")
	if e.Message != "err.invalid" {
		v.Alert = c.T(e.Message, e.Args...)
	}
	return h.renderForm(c, platform.HTTPStatus(e.Code), v)
}

func (h *Handlers) renderForm(c *web.Ctx, status int, v *formView) error {
	ctx := c.R.Context()
	var err error
	if v.Unions, err = h.store.unionChoices(ctx, v.W); err != nil {
		return err
	}
	if v.Groups, err = h.store.Groups(ctx); err != nil {
		return err
	}
	v.GroupNames, v.Educations, v.Relations, v.ModelLevels = groupNames(c, v.Groups), Educations(), Relations(), ModelLevels()
	v.ConsentVersion = ConsentVersion
	padRows(&v.F)
	title := c.T("people.form.new_title")
	cr := crumbs(c, web.Crumb{Label: title})
	if v.W != nil {
		title = c.T("people.form.edit_title")
		cr = crumbs(c, web.Crumb{Label: MaskName(v.W.Name), Href: detailURL(v.W.ID)}, web.Crumb{Label: title})
	}
	return c.RenderPage(status, "people/console/form", &web.Page{Title: title, Crumbs: cr, Data: v})
}

// unionChoiceLimit caps the unions the form lists (a city clerk's subtree holds
// thousands; the import kit is the way to register across many).
const unionChoiceLimit = 500

// unionChoices lists the active grassroots unions and groups in the actor's
// subtree, by path, plus the worker's current union.
func (s *Store) unionChoices(ctx context.Context, w *Worker) ([]unionOption, error) {
	lo, hi := platform.SubtreeRange(platform.ActorFrom(ctx).OrgPath)
	rows, err := s.db.Query(ctx, `SELECT id, name FROM orgs WHERE path >= ? AND path < ?
		AND level IN ('grassroots', 'group') AND status = 'active' ORDER BY path LIMIT ?`, lo, hi, unionChoiceLimit)
	if err != nil {
		return nil, fmt.Errorf("people: union choices: %w", err)
	}
	defer rows.Close()
	var out []unionOption
	seen := false
	for rows.Next() {
		var u unionOption
		if err := rows.Scan(&u.ID, &u.Name); err != nil {
			return nil, err
		}
		seen = seen || (w != nil && u.ID == w.OrgID)
		out = append(out, u)
	}
	if w != nil && !seen {
		out = append([]unionOption{{ID: w.OrgID, Name: w.OrgName}}, out...)
	}
	return out, rows.Err()
}
