package people

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"zhijia/internal/audit"
	"zhijia/internal/auth"
	"zhijia/internal/platform"
	"zhijia/internal/sheet"
	"zhijia/internal/web"
)

// exportBatch is how many workers a full export reads and opens at a time.
const exportBatch = 1000

// minExportPassword is the shortest password a full export accepts (characters).
const minExportPassword = 8

// mountExportFull adds the full export: the worker list with clear id numbers and
// phones, for holders of people.reveal, audited and encrypted with a password the
// user sets.
func mountExportFull(s *web.Server, h *Handlers) {
	s.Catalog.Add(exportMessages)
	s.Sample("people/console/export_full", &exportFullView{})
	s.Console("GET /console/workers/export-full", "people.reveal", h.exportFullForm)
	s.Console("POST /console/workers/export-full", "people.reveal", h.exportFull)
}

// exportFullView is the password form with the list filter it applies.
type exportFullView struct {
	Action  string            // the form's URL: carries the filter as its query
	ListURL string            // back to the list with the same filter
	Filter  [][2]string       // label → value of each filter in use, for the user to check
	Errors  map[string]string // field → message
	Alert   string
}

func (h *Handlers) exportFullForm(c *web.Ctx) error {
	return h.renderExportFull(c, http.StatusOK, nil, "")
}

func (h *Handlers) renderExportFull(c *web.Ctx, status int, errs map[string]string, alert string) error {
	q := exportQuery(c.R.URL.Query())
	v := &exportFullView{Action: "/console/workers/export-full", ListURL: "/console/workers", Errors: errs, Alert: alert}
	if enc := q.Encode(); enc != "" {
		v.Action += "?" + enc
		v.ListURL += "?" + enc
	}
	var err error
	if v.Filter, err = h.describeFilter(c, q); err != nil {
		return err
	}
	if status != http.StatusOK && alert == "" {
		v.Alert = c.T("people.export.err.summary")
	}
	return c.RenderPage(status, "people/console/export_full", &web.Page{Title: c.T("people.export.title"),
		Crumbs: crumbs(c, web.Crumb{Label: c.T("people.export.title")}), Data: v})
}

// exportQuery keeps the list's filter and sort parameters only.
func exportQuery(in url.Values) url.Values {
	out := url.Values{}
	for _, k := range []string{"q", "org", "status", "model", "group", "sort", "dir"} {
		if x := strings.TrimSpace(in.Get(k)); x != "" {
			out.Set(k, x)
		}
	}
	return out
}

// describeFilter names each filter in use in the user's language; a search by
// number is shown as such, never as the number.
func (h *Handlers) describeFilter(c *web.Ctx, q url.Values) ([][2]string, error) {
	var out [][2]string
	add := func(labelKey, value string) { out = append(out, [2]string{c.T(labelKey), value}) }
	if x := q.Get("q"); x != "" {
		if strings.HasPrefix(x, "#") {
			x = c.T("people.export.by_number")
		}
		add("people.filter.q", x)
	}
	if x := q.Get("org"); x != "" {
		name := x
		choices, err := h.store.OrgChoices(c.R.Context())
		if err != nil {
			return nil, err
		}
		for _, o := range choices {
			if fmt.Sprint(o.ID) == x {
				name = o.Name
			}
		}
		add("people.field.org", name)
	}
	if x := q.Get("status"); x == string(Member) || x == string(NonMember) {
		add("people.field.member_status", c.T("people.status."+x))
	}
	switch x := q.Get("model"); x {
	case "":
	case "any_title":
		add("people.field.model_level", c.T("people.filter.any_title"))
	default:
		add("people.field.model_level", c.T(ModelLevel(x).LabelKey()))
	}
	switch x := q.Get("group"); x {
	case "":
	case "any_group":
		add("people.field.group_code", c.T("people.filter.any_group"))
	default:
		groups, err := h.store.Groups(c.R.Context())
		if err != nil {
			return nil, err
		}
		add("people.field.group_code", groupNames(c, groups)[x])
	}
	if len(out) == 0 {
		add("people.export.filter", c.T("people.export.all"))
	}
	return out, nil
}

// exportFull checks the password, then writes the encrypted workbook: the rows
// are read, opened and audited in one transaction; the file is sent after it
// commits, so a failed read sends nothing and records nothing.
func (h *Handlers) exportFull(c *web.Ctx) error {
	pw, pw2 := c.R.PostFormValue("password"), c.R.PostFormValue("password2")
	errs := map[string]string{}
	if utf8.RuneCountInString(pw) < minExportPassword {
		errs["password"] = c.T("people.export.err.short")
	} else if pw != pw2 {
		errs["password2"] = c.T("people.export.err.mismatch")
	}
	if len(errs) > 0 {
		return h.renderExportFull(c, http.StatusUnprocessableEntity, errs, "")
	}
	lq := c.ParseList("name", "created", "birth")
	f := filterOf(lq)
	f.Limit, f.Offset = 0, 0
	if f.MemberStatus != "" && f.MemberStatus != Member && f.MemberStatus != NonMember {
		f.MemberStatus = ""
	}
	if !h.narrow(c, lq, &f) {
		f.Under = "/none/"
	}
	x, err := sheet.NewXLSXWriter(c.W, exportHeaders(c, true))
	if err != nil {
		return err
	}
	x.SetPassword(pw)
	names, err := h.groupNamesFor(c)
	if err != nil {
		x.Abort()
		return err
	}
	summary := "filter=" + auditQuery(exportQuery(c.R.URL.Query()))
	_, err = h.store.ExportWorkersFull(c.R.Context(), f, summary, func(w *Worker, id, phone string) error {
		return x.AddRow(exportRow(c, w, w.Name, id, phone, true, names)...)
	})
	if err != nil {
		x.Abort()
		if e, ok := platform.AsError(err); ok && e.Message == "people.export.err.too_many" {
			return h.renderExportFull(c, http.StatusUnprocessableEntity, nil, c.T(e.Message, e.Args...))
		}
		return err
	}
	name := c.T("people.export.filename") + "-" + h.clock.Now().In(platform.Shanghai).Format("20060102-1504") + ".xlsx"
	hd := c.W.Header()
	hd.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	hd.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	hd.Set("Cache-Control", "no-store")
	return x.Close()
}

func (h *Handlers) groupNamesFor(c *web.Ctx) (map[string]string, error) {
	groups, err := h.store.Groups(c.R.Context())
	if err != nil {
		return nil, err
	}
	return groupNames(c, groups), nil
}

// exportHeaders are an export's columns; the full export adds the landline.
func exportHeaders(c *web.Ctx, full bool) []string {
	keys := []string{"name", "id_number", "gender", "birth", "phone", "landline", "org", "employer", "post",
		"member_status", "joined_on", "model_level", "craftsman", "group_code"}
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		if k != "landline" || full {
			out = append(out, c.T("people.field."+k))
		}
	}
	return out
}

// exportRow is a worker's row under exportHeaders: name, id number and phone as
// given (masked, or clear in the full export), the landline only when full.
func exportRow(c *web.Ctx, w *Worker, name, id, phone string, full bool, groups map[string]string) []any {
	gender, model := "", ""
	if w.Gender != "" {
		gender = c.T(w.Gender.LabelKey())
	}
	if w.ModelLevel != ModelNone {
		model = c.T(w.ModelLevel.LabelKey())
	}
	row := []any{name, id, gender, w.Birth, phone}
	if full {
		row = append(row, w.Landline)
	}
	return append(row, w.OrgName, w.Employer, w.Post, c.T("people.status."+string(w.MemberStatus)), w.JoinedOn, model,
		w.Craftsman, groups[w.GroupCode])
}

// ExportWorkersFull hands each worker matching f (in the actor's subtree, by id)
// to row with its clear id number and phone, reading and opening exportBatch
// workers at a time, and records one "people.export_full" audit row with the
// count and summary (the filter: never clear data) in the same transaction.
// It needs people.reveal; more than MaxFind matches are refused.
func (s *Store) ExportWorkersFull(ctx context.Context, f WorkerFilter, summary string,
	row func(w *Worker, id, phone string) error) (int, error) {
	a := platform.ActorFrom(ctx)
	if !auth.Can(a, auth.PermPeopleReveal) {
		return 0, platform.Errorf(platform.CodeForbidden, "people.err.reveal_forbidden")
	}
	cond, args := s.exportCondition(ctx, f)
	n := 0
	err := s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now()
		var total int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*)`+workerFrom+` WHERE `+cond, args...).Scan(&total); err != nil {
			return fmt.Errorf("people: export count: %w", err)
		}
		if total > MaxFind {
			return platform.Errorf(platform.CodeInvalid, "people.export.err.too_many", MaxFind)
		}
		var err error
		if n, err = s.exportBatches(ctx, tx, cond, args, row); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "people.export_full", EntityType: "worker",
			Summary: fmt.Sprintf("完整导出职工名单（含身份证号、手机号，已加密）%d 条 %s", n, summary)})
	})
	return n, err
}

// sealedWorker is a worker with its sealed id number and phone.
type sealedWorker struct {
	w         *Worker
	id, phone string
}

// exportBatches reads the matches in id order, exportBatch at a time (keyset), and
// opens each batch after its rows are closed.
func (s *Store) exportBatches(ctx context.Context, tx *platform.Tx, cond string, args []any,
	row func(w *Worker, id, phone string) error) (int, error) {
	n, after := 0, int64(0)
	for {
		batch, err := readBatch(ctx, tx, cond, args, after, exportBatch, true)
		if err != nil {
			return n, err
		}
		for _, b := range batch {
			id, phone := "", ""
			if b.id != "" {
				if id, err = s.keys.Open(b.id); err != nil {
					return n, fmt.Errorf("people: export: open id of %d: %w", b.w.ID, err)
				}
			}
			if b.phone != "" {
				if phone, err = s.keys.Open(b.phone); err != nil {
					return n, fmt.Errorf("people: export: open phone of %d: %w", b.w.ID, err)
				}
			}
			if err := row(b.w, id, phone); err != nil {
				return n, err
			}
			n++
			after = b.w.ID
		}
		if len(batch) < exportBatch {
			return n, nil
		}
	}
}

// sealedScanner adds the two sealed columns after scanWorker's.
type sealedScanner struct {
	r         scanner
	id, phone *string
}

func (s sealedScanner) Scan(dest ...any) error { return s.r.Scan(append(dest, s.id, s.phone)...) }

// exportCondition is FindWorkers' filter; a subtree outside the actor's matches nothing.
func (s *Store) exportCondition(ctx context.Context, f WorkerFilter) (string, []any) {
	_, cond, args, ok := s.filterCondition(ctx, f)
	if !ok {
		return "1 = 0", nil
	}
	return cond, args
}
