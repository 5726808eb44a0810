package people

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"time"

	"zhijia/internal/platform"
	"zhijia/internal/sheet"
	"zhijia/internal/web"
)

// importJob is one console import as its page shows it.
type importJob struct {
	ID, OrgID         int64
	Filename, Mode    string
	Status            string // running, done, failed; interrupted when it stopped with the process
	DoneRows, Total   int64  // while running: units read (bytes or rows) of Total (-1: unknown); then rows
	Percent           int64
	Imported, Refused int
	Message           string // catalogue key of a whole-file problem
	CreatedAt         time.Time
	FinishedAt        *time.Time
}

// jobReport is the refused rows kept with a finished job.
type jobReport struct {
	Headers []string         `json:"headers"`
	Errors  []sheet.RowError `json:"errors"`
}

// startJob records the job and runs the import in the background as the
// uploading user. The file is removed when the import ends.
func (ih *importHandlers) startJob(c *web.Ctx, rd *savedReader, tmp, name string, v *importView) (int64, error) {
	var id int64
	err := ih.db.QueryRow(c.R.Context(), `INSERT INTO import_jobs (account_id, org_id, filename, mode, status, created_at)
		VALUES (?, ?, ?, ?, 'running', ?) RETURNING id`, c.Actor.AccountID, v.OrgID, name, v.Mode, ih.clock.Now()).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("people: start import: %w", err)
	}
	p := &jobProgress{}
	p.total.Store(-1)
	ih.mu.Lock()
	ih.live[id] = p
	ih.mu.Unlock()
	actor := *c.Actor
	opt := ImportOptions{OrgID: v.OrgID, Mode: AllOrNothing, Progress: p}
	if v.Mode == "valid" {
		opt.Mode = ValidRows
	}
	go ih.runJob(platform.WithActor(context.Background(), &actor), id, rd, tmp, name, opt)
	return id, nil
}

func (ih *importHandlers) runJob(ctx context.Context, id int64, rd *savedReader, tmp, name string, opt ImportOptions) {
	defer os.Remove(tmp)
	res, err := ih.store.ImportWorkers(ctx, rd.Reader, opt)
	rd.Close()
	if err == nil {
		err = fillReport(ctx, ih.store, tmp, name, res)
	}
	status, msg, report := "done", "", ""
	var imported, refused int
	if err != nil {
		status, msg = "failed", "err.internal"
		if e, ok := platform.AsError(err); ok {
			msg = e.Message
		}
	} else {
		imported, refused = res.Imported, res.Refused
		if len(res.Errors) > 0 {
			b, _ := json.Marshal(jobReport{Headers: res.Headers, Errors: res.Errors})
			report = string(b)
		}
	}
	// The row says how it ended before the job leaves the live map: a poll in
	// between must not take a running row without a live job for an interrupted one.
	_, err = ih.db.Exec(context.Background(), `UPDATE import_jobs SET status = ?, message = ?, report = ?, imported = ?,
		refused = ?, done_rows = ?, finished_at = ? WHERE id = ?`, status, msg, report, imported, refused, imported+refused, ih.clock.Now(), id)
	if err != nil {
		fmt.Fprintf(os.Stderr, "people: finish import job %d: %v\n", id, err)
	}
	ih.mu.Lock()
	delete(ih.live, id)
	ih.mu.Unlock()
}

// fillReport reads the upload again for the cells of refused rows the import
// could not keep (the first of a duplicate pair, refused after it was written).
func fillReport(ctx context.Context, st *Store, path, name string, res *ImportResult) error {
	if !slices.ContainsFunc(res.Errors, func(e sheet.RowError) bool { return e.Raw == nil }) {
		return nil
	}
	groups, err := st.Groups(ctx)
	if err != nil {
		return err
	}
	rd, err := openSaved(path, name, RosterSpec(groups))
	if err != nil {
		return err
	}
	defer rd.Close()
	return sheet.FillRaw(rd.Reader, res.Errors)
}

// loadJob reads a job of the signed-in account; anyone else's is not found.
func (ih *importHandlers) loadJob(c *web.Ctx) (*importJob, error) {
	id, err := c.ID("id")
	if err != nil {
		return nil, err
	}
	j := &importJob{ID: id}
	// The live job is looked up before the row: a job finishes by writing its row
	// and then leaving the map, so a running row without a live job is one the
	// process lost, never one that just ended.
	ih.mu.Lock()
	p := ih.live[id]
	ih.mu.Unlock()
	var fin sql.NullTime
	var acct int64
	err = ih.db.QueryRow(c.R.Context(), `SELECT account_id, org_id, filename, mode, status, done_rows, imported, refused,
		message, created_at, finished_at FROM import_jobs WHERE id = ?`, id).Scan(&acct, &j.OrgID, &j.Filename, &j.Mode,
		&j.Status, &j.DoneRows, &j.Imported, &j.Refused, &j.Message, &j.CreatedAt, &fin)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && acct != c.Actor.AccountID) {
		return nil, platform.NotFound
	}
	if err != nil {
		return nil, fmt.Errorf("people: import job %d: %w", id, err)
	}
	if fin.Valid {
		t := fin.Time.UTC()
		j.FinishedAt = &t
	}
	j.Total = -1
	if j.Status == "running" {
		if p == nil {
			j.Status = "interrupted" // the process stopped; its transaction rolled back
		} else {
			j.DoneRows, j.Total = p.done.Load(), p.total.Load()
			if j.Total > 0 {
				j.Percent = min(100, j.DoneRows*100/j.Total)
			}
		}
	}
	return j, nil
}

// jobView is the progress and summary page.
type jobView struct {
	Job *importJob
}

func (ih *importHandlers) job(c *web.Ctx) error {
	j, err := ih.loadJob(c)
	if err != nil {
		return err
	}
	return c.RenderPage(http.StatusOK, "people/console/import_job", &web.Page{Title: c.T("people.import.job_title"),
		Crumbs: crumbs(c, web.Crumb{Label: c.T("people.import.title"), Href: "/console/workers/import"},
			web.Crumb{Label: c.T("people.import.job_title")}), Data: &jobView{Job: j}})
}

// progress answers the page's polling script.
func (ih *importHandlers) progress(c *web.Ctx) error {
	j, err := ih.loadJob(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"status": j.Status, "done": j.DoneRows, "total": j.Total,
		"percent": j.Percent, "imported": j.Imported, "refused": j.Refused})
}

func (ih *importHandlers) errorReport(c *web.Ctx) error {
	j, err := ih.loadJob(c)
	if err != nil {
		return err
	}
	var rep jobReport
	if err := ih.db.QueryRow(c.R.Context(), `SELECT report FROM import_jobs WHERE id = ?`, j.ID).Scan(&reportText{&rep}); err != nil {
		return fmt.Errorf("people: import report %d: %w", j.ID, err)
	}
	if len(rep.Errors) == 0 {
		return platform.NotFound
	}
	c.W.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.W.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="import-%d-errors.xlsx"`, j.ID))
	return sheet.WriteErrorReport(c.W, rep.Headers, rep.Errors)
}

// reportText scans the report column's JSON.
type reportText struct{ r *jobReport }

func (t reportText) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case string:
		b = []byte(v)
	case []byte:
		b = v
	case nil:
		return nil
	}
	if len(b) == 0 {
		return nil
	}
	return json.Unmarshal(b, t.r)
}
