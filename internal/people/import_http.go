package people

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"sync/atomic"

	"zhijia/internal/platform"
	"zhijia/internal/sheet"
	"zhijia/internal/web"
)

// importHandlers serves the roster import pages. Progress of the imports running
// in this process is kept in memory: the import's own transaction holds the
// SQLite writer, so a progress row could not be written until it ends.
type importHandlers struct {
	*Handlers
	mu   sync.Mutex
	live map[int64]*jobProgress
}

// jobProgress is what a running import has read so far (rows of an .xlsx, bytes
// of a .csv; total -1 when unknown).
type jobProgress struct{ done, total atomic.Int64 }

// Update implements sheet.Progress.
func (p *jobProgress) Update(done, total int64) { p.done.Store(done); p.total.Store(total) }

// mountImport adds the import pages. Job pages live under /console/worker-imports
// so that their paths cannot be mistaken for a worker's.
func mountImport(s *web.Server, h *Handlers) {
	ih := &importHandlers{Handlers: h, live: map[int64]*jobProgress{}}
	s.Catalog.Add(importMessages)
	s.Catalog.Add(sheet.Messages) // whole-file problems (identical re-adds are allowed)
	s.Sample("people/console/import", &importView{})
	s.Sample("people/console/import_job", &jobView{Job: &importJob{}})
	s.AddMenu(web.MenuItem{Group: "people.menu_group", Label: "people.import.menu", Href: "/console/workers/import", Perm: "people.edit", Order: 210})
	s.Console("GET /console/workers/import", "people.edit", ih.form)
	s.Console("GET /console/workers/import/template", "people.edit", ih.template)
	s.Console("POST /console/workers/import", "people.edit", ih.upload)
	s.Console("GET /console/worker-imports/{id}", "people.edit", ih.job)
	s.Console("GET /console/worker-imports/{id}/progress", "people.edit", ih.progress)
	s.Console("GET /console/worker-imports/{id}/errors.xlsx", "people.edit", ih.errorReport)
}

// importView is the upload page.
type importView struct {
	Unions    []union
	OrgID     int64
	Mode      string
	Error     string // catalogue key of a whole-file problem
	Args      []any
	ErrorText string
}

func (ih *importHandlers) form(c *web.Ctx) error {
	return ih.renderForm(c, http.StatusOK, &importView{OrgID: c.Actor.OrgID, Mode: "all"})
}

func (ih *importHandlers) renderForm(c *web.Ctx, status int, v *importView) error {
	unions, err := importUnions(c.R.Context(), ih.db)
	if err != nil {
		return err
	}
	v.Unions = unions
	if v.Error != "" {
		v.ErrorText = c.T(v.Error, v.Args...)
	}
	return c.RenderPage(status, "people/console/import", &web.Page{Title: c.T("people.import.title"),
		Crumbs: crumbs(c, web.Crumb{Label: c.T("people.import.title")}), Data: v})
}

// importUnions lists the unions in the actor's subtree workers can belong to, for
// the default-union choice (at most 2000; larger scopes name the union per row).
func importUnions(ctx context.Context, db *platform.DB) ([]union, error) {
	lo, hi := platform.SubtreeRange(platform.ActorFrom(ctx).OrgPath)
	rows, err := db.Query(ctx, `SELECT id, city_id, name, path, level FROM orgs
		WHERE path >= ? AND path < ? AND level IN ('grassroots', 'group') AND status = 'active' ORDER BY path LIMIT 2000`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("people: import unions: %w", err)
	}
	defer rows.Close()
	var out []union
	for rows.Next() {
		var u union
		if err := rows.Scan(&u.ID, &u.CityID, &u.Name, &u.Path, &u.Level); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

func (ih *importHandlers) template(c *web.Ctx) error {
	groups, err := ih.store.Groups(c.R.Context())
	if err != nil {
		return err
	}
	c.W.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.W.Header().Set("Content-Disposition", `attachment; filename="roster-template.xlsx"; filename*=UTF-8''%E8%81%8C%E5%B7%A5%E5%90%8D%E5%86%8C%E6%A8%A1%E6%9D%BF.xlsx`)
	return sheet.WriteTemplate(c.W, RosterSpec(groups))
}

// upload checks the file's header and the default union while the user waits,
// then runs the import in the background and shows its progress page.
func (ih *importHandlers) upload(c *web.Ctx) error {
	ctx := c.R.Context()
	groups, err := ih.store.Groups(ctx)
	if err != nil {
		return err
	}
	spec := RosterSpec(groups)
	v := &importView{OrgID: c.FormInt64("org_id"), Mode: c.R.PostFormValue("mode")}
	if v.Mode != "valid" {
		v.Mode = "all"
	}
	if c.R.ContentLength > spec.MaxBytes+(1<<20) {
		v.Error, v.Args = "sheet.err.too_big", []any{fmt.Sprintf("%d MB", spec.MaxBytes>>20)}
		return ih.renderForm(c, http.StatusRequestEntityTooLarge, v)
	}
	tmp, name, err := saveUpload(c.R)
	if err != nil {
		v.Error = "people.import.err.no_file"
		return ih.renderForm(c, http.StatusUnprocessableEntity, v)
	}
	rd, err := openSaved(tmp, name, spec)
	if err == nil && v.OrgID != 0 {
		_, err = loadUnion(ctx, ih.db, v.OrgID)
	}
	if err != nil {
		os.Remove(tmp)
		e, ok := platform.AsError(err)
		if !ok {
			return err
		}
		v.Error, v.Args = e.Message, e.Args
		if k := e.Fields["org_id"]; k != "" {
			v.Error = k
		}
		return ih.renderForm(c, http.StatusUnprocessableEntity, v)
	}
	id, err := ih.startJob(c, rd, tmp, name, v)
	if err != nil {
		rd.Close()
		os.Remove(tmp)
		return err
	}
	return c.Redirect(fmt.Sprintf("/console/worker-imports/%d", id), "")
}

// saveUpload copies the uploaded file to a temporary file of our own: the
// multipart parts are removed when the request ends, the import goes on.
func saveUpload(r *http.Request) (path, name string, err error) {
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return "", "", err
	}
	defer f.Close()
	out, err := os.CreateTemp("", "zhijia-import-*")
	if err != nil {
		return "", "", err
	}
	if _, err := io.Copy(out, f); err != nil {
		out.Close()
		os.Remove(out.Name())
		return "", "", err
	}
	if err := out.Close(); err != nil {
		os.Remove(out.Name())
		return "", "", err
	}
	return out.Name(), hdr.Filename, nil
}

// savedReader is a sheet.Reader with the file it reads, closed together.
type savedReader struct {
	*sheet.Reader
	f *os.File
}

func (s *savedReader) Close() error { s.Reader.Close(); return s.f.Close() }

func openSaved(path, name string, spec sheet.Spec) (*savedReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	rd, err := sheet.Open(f, st.Size(), name, spec)
	if err != nil {
		f.Close()
		return nil, err
	}
	return &savedReader{Reader: rd, f: f}, nil
}
