package relief

import (
	"net/http"
	"strconv"
	"strings"

	"zhijia/internal/platform"
	"zhijia/internal/web"
)

const setupPath = "/console/relief/setup"

// setupView is the programme year page: the city's settings, each level's fund,
// 低保 per district and the unions that joined.
type setupView struct {
	money
	Year      int
	Programme *Programme
	CityStaff bool
	CanSetup  bool
	Funds     []Fund
	Dibao     []Dibao
	Unions    []JoinedUnion
	UnionQ    string
	Causes    []string
	Form      map[string]string
	Chosen    map[string]bool
	Alert     string
	Errors    map[string]string
}

func (h *Handlers) setup(c *web.Ctx) error {
	return h.renderSetup(c, http.StatusOK, &setupView{})
}

func (h *Handlers) renderSetup(c *web.Ctx, status int, v *setupView) error {
	ctx := c.R.Context()
	if v.Year == 0 {
		v.Year, _ = strconv.Atoi(c.R.FormValue("year"))
	}
	if v.Year < 2000 || v.Year > 2100 {
		v.Year = YearOf(h.store.now(), platform.Shanghai)
	}
	v.CityStaff = len(strings.Split(strings.Trim(c.Actor.OrgPath, "/"), "/")) == 1
	v.CanSetup = c.Server().Can(c.Actor, "relief.setup")
	v.Causes = Causes
	v.UnionQ = strings.TrimSpace(c.R.FormValue("union_q"))
	p, err := h.store.ProgrammeFor(ctx, cityOf(c.Actor.OrgPath), v.Year)
	if err != nil && platform.ErrorCode(err) != platform.CodeNotFound {
		return err
	}
	if err == nil {
		v.Programme = p
		if v.Funds, err = h.store.Funds(ctx, p); err != nil {
			return err
		}
		if v.Unions, err = h.store.Unions(ctx, p, v.UnionQ, 30); err != nil {
			return err
		}
	}
	if v.Dibao, err = h.store.DibaoList(ctx, v.Year); err != nil {
		return err
	}
	if v.Form == nil {
		v.Form, v.Chosen = programmeForm(p), map[string]bool{}
		for _, c := range Causes {
			v.Chosen[c] = p == nil || containsString(p.Causes, c)
		}
	}
	title := c.T("relief.setup.title")
	return c.RenderPage(status, "relief/console/setup", &web.Page{Title: title,
		Crumbs: []web.Crumb{{Label: c.T("relief.menu_group")}, {Label: title}}, Data: v})
}

func containsString(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// programmeForm shows a programme's settings as the form types them.
func programmeForm(p *Programme) map[string]string {
	if p == nil {
		return map[string]string{"cap_application": FormatYuan(DefaultCapPerApplication), "cap_household": FormatYuan(DefaultCapPerHousehold),
			"stop_at": "city", "due_days": "5", "notice_days": "5"}
	}
	return map[string]string{"cap_application": FormatYuan(p.CapApplication), "cap_household": FormatYuan(p.CapHousehold),
		"stop_at": p.StopAt, "due_days": strconv.Itoa(p.DueDays), "notice_days": strconv.Itoa(p.NoticeDays)}
}

// setupRefused shows the page again with a refusal and, for the programme form,
// what was typed.
func (h *Handlers) setupRefused(c *web.Ctx, err error, v *setupView) error {
	status, alert, fields, ok := refusal(c, err)
	if !ok {
		return err
	}
	v.Alert, v.Errors = alert, fields
	return h.renderSetup(c, status, v)
}

func (h *Handlers) saveProgramme(c *web.Ctx) error {
	year, _ := strconv.Atoi(c.R.PostFormValue("year"))
	in := ProgrammeInput{Year: year, Causes: c.R.PostForm["cause"], StopAt: c.R.PostFormValue("stop_at")}
	in.DueDays, _ = strconv.Atoi(c.R.PostFormValue("due_days"))
	in.NoticeDays, _ = strconv.Atoi(c.R.PostFormValue("notice_days"))
	errs := map[string]string{}
	yuanField(c, "cap_application", &in.CapApplication, errs)
	yuanField(c, "cap_household", &in.CapHousehold, errs)
	var err error
	if len(errs) > 0 {
		e := platform.Invalid()
		for k, key := range errs {
			e.Field(k, key)
		}
		err = e
	} else {
		_, err = h.store.SaveProgramme(c.R.Context(), in)
	}
	if err == nil {
		return c.Redirect(setupPath+"?year="+strconv.Itoa(year), "relief.flash.saved")
	}
	v := &setupView{Year: year, Form: map[string]string{}, Chosen: map[string]bool{}}
	for _, k := range []string{"cap_application", "cap_household", "stop_at", "due_days", "notice_days"} {
		v.Form[k] = c.R.PostFormValue(k)
	}
	for _, x := range in.Causes {
		v.Chosen[x] = true
	}
	return h.setupRefused(c, err, v)
}

func (h *Handlers) saveFund(c *web.Ctx) error {
	year, _ := strconv.Atoi(c.R.PostFormValue("year"))
	var total int64
	errs := map[string]string{}
	yuanField(c, "total", &total, errs)
	var err error
	if len(errs) > 0 {
		err = platform.Invalid().Field("total", errs["total"])
	} else {
		err = h.store.SetFund(c.R.Context(), year, c.FormInt64("org_id"), total)
	}
	if err == nil {
		return c.Redirect(setupPath+"?year="+strconv.Itoa(year), "relief.flash.saved")
	}
	return h.setupRefused(c, err, &setupView{Year: year})
}

func (h *Handlers) saveDibao(c *web.Ctx) error {
	year, _ := strconv.Atoi(c.R.PostFormValue("year"))
	var monthly int64
	errs := map[string]string{}
	yuanField(c, "monthly", &monthly, errs)
	var err error
	if len(errs) > 0 {
		err = platform.Invalid().Field("monthly", errs["monthly"])
	} else {
		err = h.store.SetDibao(c.R.Context(), year, c.FormInt64("district_id"), monthly)
	}
	if err == nil {
		return c.Redirect(setupPath+"?year="+strconv.Itoa(year), "relief.flash.saved")
	}
	return h.setupRefused(c, err, &setupView{Year: year})
}

// saveUnions joins or leaves one union, or joins every union of 100+ workers.
func (h *Handlers) saveUnions(c *web.Ctx) error {
	year, _ := strconv.Atoi(c.R.PostFormValue("year"))
	var err error
	switch c.R.PostFormValue("do") {
	case "large":
		_, err = h.store.JoinLarge(c.R.Context(), year, 100)
	case "join", "leave":
		err = h.store.SetJoined(c.R.Context(), year, c.FormInt64("org_id"), c.R.PostFormValue("do") == "join")
	default:
		err = platform.Invalid().Field("do", "relief.err.union")
	}
	if err == nil {
		return c.Redirect(setupPath+"?year="+strconv.Itoa(year), "relief.flash.saved")
	}
	return h.setupRefused(c, err, &setupView{Year: year})
}

// ProgrammeFields and StopLevels are the programme form's parts, for the template.
func (setupView) ProgrammeFields() []string {
	return []string{"cap_application", "cap_household", "due_days", "notice_days"}
}

func (setupView) StopLevels() []string { return []string{"grassroots", "district", "city"} }
