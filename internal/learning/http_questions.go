package learning

import (
	"encoding/base64"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"zhijia/internal/platform"
	"zhijia/internal/sheet"
	"zhijia/internal/web"
)

const questionsPath = "/console/learning/questions"

type questionsView struct {
	CanEdit      bool
	Rows         []Question
	Q            web.ListQuery
	P            web.Pager
	Kinds        []Kind
	Difficulties []int
}

// questionForm is the new/edit page, holding what the user typed.
type questionForm struct {
	ID      int64
	Action  string
	In      QuestionInput
	Options []optionField
	Used    int
	Kinds   []Kind
	Alert   string
	Errors  map[string]string
}

type optionField struct{ Letter, Value string }

func (h *Handlers) questions(c *web.Ctx) error {
	q := c.ParseList("updated", "used")
	diff, _ := strconv.Atoi(q.Get("difficulty"))
	f := QuestionFilter{Q: q.Q, Kind: Kind(q.Get("kind")), Tag: q.Get("tag"), Difficulty: diff, Active: q.Get("active"),
		Sort: q.Sort, Limit: q.Limit(), Offset: q.Offset()}
	rows, total, err := h.store.FindQuestions(c.R.Context(), f)
	if err != nil {
		return err
	}
	if q.Export {
		return h.exportQuestions(c, rows)
	}
	v := &questionsView{CanEdit: c.Server().Can(c.Actor, permEdit), Rows: rows, Q: q, P: q.Pager(questionsPath, total),
		Kinds: Kinds(), Difficulties: []int{1, 2, 3}}
	return c.RenderPage(http.StatusOK, "learning/console/questions", &web.Page{Title: c.T("learning.questions.title"),
		Crumbs: []web.Crumb{{Label: c.T("learning.menu_group")}, {Label: c.T("learning.questions.title")}}, Data: v})
}

func (h *Handlers) exportQuestions(c *web.Ctx, rows []Question) error {
	head := []string{c.T("learning.col.kind"), c.T("learning.col.stem"), c.T("learning.col.options"), c.T("learning.col.answer"),
		c.T("learning.col.explanation"), c.T("learning.col.tags"), c.T("learning.col.difficulty"), c.T("learning.col.org"),
		c.T("learning.col.used"), c.T("learning.col.status"), c.T("learning.col.updated")}
	out := make([][]any, 0, len(rows))
	for _, r := range rows {
		opts := make([]string, len(r.Options))
		for i, o := range r.Options {
			opts[i] = Letters[i:i+1] + ". " + o
		}
		out = append(out, []any{c.T("learning.kind." + string(r.Kind)), r.Stem, strings.Join(opts, "\n"), answerText(c, r.Kind, r.Answer),
			r.Explanation, strings.Join(r.Tags, " "), c.T("learning.difficulty." + strconv.Itoa(r.Difficulty)), r.OrgName, r.Used,
			c.T("learning.active." + boolKey(r.Active)), r.UpdatedAt})
	}
	return c.ExportXLSX(c.T("learning.questions.title"), head, out)
}

// answerText shows an answer: letters, or 正确/错误 for a judge question.
func answerText(c *web.Ctx, k Kind, answer string) string {
	if k == Judge && answer != "" {
		return c.T("learning.judge." + answer)
	}
	return answer
}

func boolKey(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func (h *Handlers) renderForm(c *web.Ctx, status int, v *questionForm) error {
	v.Kinds = Kinds()
	v.Options = make([]optionField, MaxOptions)
	for i := range v.Options {
		v.Options[i].Letter = Letters[i : i+1]
		if i < len(v.In.Options) {
			v.Options[i].Value = v.In.Options[i]
		}
	}
	title := c.T("learning.questions.new")
	if v.ID != 0 {
		title = c.T("learning.question.edit")
	}
	return c.RenderPage(status, "learning/console/question_form", &web.Page{Title: title,
		Crumbs: []web.Crumb{{Label: c.T("learning.menu_group")}, {Label: c.T("learning.questions.title"), Href: questionsPath}, {Label: title}}, Data: v})
}

func formInput(c *web.Ctx) QuestionInput {
	in := QuestionInput{Kind: c.R.PostFormValue("kind"), Stem: c.R.PostFormValue("stem"), Answer: c.R.PostFormValue("answer"),
		Explanation: c.R.PostFormValue("explanation"), Tags: c.R.PostFormValue("tags"), Difficulty: c.R.PostFormValue("difficulty"),
		Version: c.FormInt64("version")}
	for i := range MaxOptions {
		in.Options = append(in.Options, c.R.PostFormValue("option_"+Letters[i:i+1]))
	}
	return in
}

func (h *Handlers) questionNew(c *web.Ctx) error {
	return h.renderForm(c, http.StatusOK, &questionForm{Action: questionsPath, In: QuestionInput{Kind: string(Single), Difficulty: "1"}})
}

func (h *Handlers) questionCreate(c *web.Ctx) error {
	in := formInput(c)
	if _, err := h.store.CreateQuestion(c.R.Context(), in); err != nil {
		return h.refuseForm(c, &questionForm{Action: questionsPath, In: in}, err)
	}
	return c.Redirect(questionsPath, "learning.flash.created")
}

func (h *Handlers) refuseForm(c *web.Ctx, v *questionForm, err error) error {
	status, alert, fields, ok := refusal(c, err)
	if !ok {
		return err
	}
	v.Alert, v.Errors = alert, fields
	return h.renderForm(c, status, v)
}

func questionURL(id int64) string { return questionsPath + "/" + strconv.FormatInt(id, 10) }

func (h *Handlers) questionEdit(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	q, err := h.store.Question(c.R.Context(), id)
	if err != nil {
		return err
	}
	in := QuestionInput{Kind: string(q.Kind), Stem: q.Stem, Options: q.Options, Answer: q.Answer, Explanation: q.Explanation,
		Tags: strings.Join(q.Tags, " "), Difficulty: strconv.Itoa(q.Difficulty), Version: q.Version}
	if q.Kind == Judge {
		in.Answer = map[string]string{"A": "对", "B": "错"}[q.Answer]
	}
	return h.renderForm(c, http.StatusOK, &questionForm{ID: id, Action: questionURL(id), In: in, Used: q.Used})
}

func (h *Handlers) questionUpdate(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	q, err := h.store.Question(c.R.Context(), id) // out of scope: not found, whatever was typed
	if err != nil {
		return err
	}
	in := formInput(c)
	if _, err := h.store.UpdateQuestion(c.R.Context(), id, in); err != nil {
		return h.refuseForm(c, &questionForm{ID: id, Action: questionURL(id), In: in, Used: q.Used}, err)
	}
	return c.Redirect(questionsPath, "learning.flash.updated")
}

func (h *Handlers) questionActive(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	on := c.R.PostFormValue("active") == "1"
	if err := h.store.SetQuestionActive(c.R.Context(), id, on); err != nil {
		return err
	}
	flash := "learning.flash.deactivated"
	if on {
		flash = "learning.flash.activated"
	}
	return c.Redirect(questionsPath, flash)
}

type importView struct {
	Result    *ImportResult
	Report    template.URL // the error report as a data: URL, when rows were refused
	Error     string
	FieldName string
}

func (h *Handlers) renderImport(c *web.Ctx, status int, v *importView) error {
	title := c.T("learning.import.title")
	return c.RenderPage(status, "learning/console/question_import", &web.Page{Title: title,
		Crumbs: []web.Crumb{{Label: c.T("learning.menu_group")}, {Label: c.T("learning.questions.title"), Href: questionsPath}, {Label: title}}, Data: v})
}

func (h *Handlers) importForm(c *web.Ctx) error {
	return h.renderImport(c, http.StatusOK, &importView{})
}

func (h *Handlers) importTemplate(c *web.Ctx) error {
	c.W.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.W.Header().Set("Content-Disposition", `attachment; filename="questions-template.xlsx"; filename*=UTF-8''%E9%A2%98%E5%BA%93%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx`)
	return sheet.WriteTemplate(c.W, ImportSpec)
}

func (h *Handlers) importUpload(c *web.Ctx) error {
	f, hdr, err := c.R.FormFile("file")
	if err != nil {
		return h.renderImport(c, http.StatusUnprocessableEntity, &importView{Error: c.T("learning.import.file_missing")})
	}
	defer f.Close()
	res, err := h.store.ImportQuestions(c.R.Context(), f, hdr.Size, hdr.Filename)
	if e, ok := platform.AsError(err); ok && e.Code != platform.CodeInternal {
		return h.renderImport(c, platform.HTTPStatus(e.Code), &importView{Error: c.T(e.Message, e.Args...)})
	}
	if err != nil {
		return err
	}
	v := &importView{Result: res}
	if len(res.Refused) > 0 {
		b, err := res.ErrorReport()
		if err != nil {
			return err
		}
		v.Report = template.URL("data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64," + base64.StdEncoding.EncodeToString(b))
	}
	return h.renderImport(c, http.StatusOK, v)
}
