package people

import (
	"context"
	"fmt"
	"net/url"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
	"zhijia/internal/sheet"
	"zhijia/internal/web"
)

// streamBatch is how many workers a masked export reads at a time.
const streamBatch = 5000

// EachWorker hands every worker matching f (in the actor's subtree) to fn in
// registry order, reading streamBatch at a time on the reader pool, so an export
// of a whole city never holds more than one batch and never blocks writers.
// Only masked values are read. It returns how many it handed over.
func (s *Store) EachWorker(ctx context.Context, f WorkerFilter, fn func(w *Worker) error) (int, error) {
	cond, args := s.exportCondition(ctx, f)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// The next batch is read while fn works through this one: on two cores the
	// registry's reads and the workbook's writing overlap.
	batches := make(chan []sealedWorker, 2)
	readErr := make(chan error, 1)
	go func() {
		defer close(batches)
		readErr <- eachBatch(ctx, s.db, cond, args, batches)
	}()
	n := 0
	for batch := range batches {
		for _, b := range batch {
			if err := fn(b.w); err != nil {
				cancel()
				for range batches { // let the reader stop
				}
				return n, err
			}
			n++
		}
	}
	return n, <-readErr
}

// eachBatch sends the matching workers, streamBatch at a time, in id order.
func eachBatch(ctx context.Context, q queryer, cond string, args []any, out chan<- []sealedWorker) error {
	after := int64(0)
	for {
		batch, err := readBatch(ctx, q, cond, args, after, streamBatch, false)
		if err != nil {
			return err
		}
		if len(batch) > 0 {
			select {
			case out <- batch:
			case <-ctx.Done():
				return ctx.Err()
			}
			after = batch[len(batch)-1].w.ID
		}
		if len(batch) < streamBatch {
			return nil
		}
	}
}

// readBatch reads up to limit workers matching cond with ids above after, in id
// order (keyset pagination); with sealed, each comes with its sealed id number
// and phone for a full export.
func readBatch(ctx context.Context, q queryer, cond string, args []any, after int64, limit int, sealed bool) ([]sealedWorker, error) {
	cols := workerColumns
	if sealed {
		cols += ", w.id_sealed, w.phone_sealed"
	}
	rows, err := q.Query(ctx, `SELECT `+cols+workerFrom+` WHERE `+cond+` AND w.id > ? ORDER BY w.id LIMIT ?`,
		append(append([]any{}, args...), after, limit)...)
	if err != nil {
		return nil, fmt.Errorf("people: export: %w", err)
	}
	defer rows.Close()
	out := make([]sealedWorker, 0, limit)
	for rows.Next() {
		var b sealedWorker
		var sc scanner = rows
		if sealed {
			sc = sealedScanner{rows, &b.id, &b.phone}
		}
		if b.w, err = scanWorker(sc); err != nil {
			return nil, fmt.Errorf("people: export: %w", err)
		}
		out = append(out, b)
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
	x, err := sheet.NewXLSXWriter(c.W, exportHeaders(c, false))
	if err != nil {
		return err
	}
	names := groupNames(c, groups)
	if _, err := h.store.EachWorker(ctx, f, func(w *Worker) error {
		return x.AddRow(exportRow(c, w, MaskName(w.Name), w.IDMasked, w.PhoneMasked, false, names)...)
	}); err != nil {
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
