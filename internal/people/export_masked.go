package people

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
	"zhijia/internal/sheet"
	"zhijia/internal/web"
)

// streamBatch is how many workers a masked export reads at a time.
const streamBatch = 5000

type rowsQuerier interface {
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// EachWorker hands every worker matching f (in the actor's subtree) to fn in
// registry order, reading streamBatch at a time on the reader pool, so an export
// of a whole city never holds more than one batch and never blocks writers.
// Only masked values are read. It returns how many it handed over.
func (s *Store) EachWorker(ctx context.Context, f WorkerFilter, fn func(w *Worker) error) (int, error) {
	cond, args := s.exportCondition(ctx, f)
	n, after := 0, int64(0)
	for {
		batch, err := readBatch(ctx, s.db, cond, args, after)
		if err != nil {
			return n, err
		}
		for _, w := range batch {
			if err := fn(w); err != nil {
				return n, err
			}
			n++
			after = w.ID
		}
		if len(batch) < streamBatch {
			return n, nil
		}
	}
}

func readBatch(ctx context.Context, q rowsQuerier, cond string, args []any, after int64) ([]*Worker, error) {
	rows, err := q.Query(ctx, `SELECT `+workerColumns+workerFrom+` WHERE `+cond+` AND w.id > ? ORDER BY w.id LIMIT ?`,
		append(append([]any{}, args...), after, streamBatch)...)
	if err != nil {
		return nil, fmt.Errorf("people: export: %w", err)
	}
	defer rows.Close()
	out := make([]*Worker, 0, streamBatch)
	for rows.Next() {
		w, err := scanWorker(rows)
		if err != nil {
			return nil, fmt.Errorf("people: export: %w", err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// CountWorkers counts the workers matching f in the actor's subtree.
func (s *Store) CountWorkers(ctx context.Context, f WorkerFilter) (int, error) {
	cond, args := s.exportCondition(ctx, f)
	var n int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*)`+workerFrom+` WHERE `+cond, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("people: count: %w", err)
	}
	return n, nil
}

// export streams the list's matches, masked, into an .xlsx of any size (up to
// Excel's 1,048,576 rows), in registry order, after one audit row.
func (h *Handlers) export(c *web.Ctx, f WorkerFilter, groups []Group) error {
	ctx := c.R.Context()
	f.Limit, f.Offset = 0, 0
	total, err := h.store.CountWorkers(ctx, f)
	if err != nil {
		return err
	}
	err = audit.RecordTx(ctx, h.db, h.clock.Now(), audit.Entry{Action: "people.export", EntityType: "worker",
		Summary: fmt.Sprintf("导出职工名单（已脱敏）%d 条 filter=%s", total, auditQuery(c.R.URL.Query()))})
	if err != nil {
		return err
	}
	x, err := sheet.NewXLSXWriter(c.W, maskedHeaders(c))
	if err != nil {
		return err
	}
	names := groupNames(c, groups)
	if _, err := h.store.EachWorker(ctx, f, func(w *Worker) error { return x.AddRow(maskedRow(c, w, names)...) }); err != nil {
		x.Abort()
		return err
	}
	name := c.T("people.list.title") + "-" + h.clock.Now().In(platform.Shanghai).Format("20060102-1504") + ".xlsx"
	hd := c.W.Header()
	hd.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	hd.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	hd.Set("Cache-Control", "no-store")
	return x.Close()
}

func maskedHeaders(c *web.Ctx) []string {
	return []string{c.T("people.field.name"), c.T("people.field.id_number"), c.T("people.field.gender"),
		c.T("people.field.birth"), c.T("people.field.phone"), c.T("people.field.org"), c.T("people.field.employer"),
		c.T("people.field.post"), c.T("people.field.member_status"), c.T("people.field.joined_on"),
		c.T("people.field.model_level"), c.T("people.field.craftsman"), c.T("people.field.group_code")}
}

func maskedRow(c *web.Ctx, w *Worker, groups map[string]string) []any {
	gender, model := "", ""
	if w.Gender != "" {
		gender = c.T(w.Gender.LabelKey())
	}
	if w.ModelLevel != ModelNone {
		model = c.T(w.ModelLevel.LabelKey())
	}
	return []any{MaskName(w.Name), w.IDMasked, gender, w.Birth, w.PhoneMasked, w.OrgName, w.Employer,
		w.Post, c.T("people.status." + string(w.MemberStatus)), w.JoinedOn, model, w.Craftsman, groups[w.GroupCode]}
}
