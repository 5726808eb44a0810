package people

import (
	"context"
	"io"

	"zhijia/internal/sheet"
)

// prepared is a row read and checked on its own — cells mapped, rules checked,
// blind indexes computed and personal data sealed — ready for the checks that
// need the whole file and the registry.
type prepared struct {
	row      sheet.Row
	c        *checked
	verr     error
	reasons  []string
	idIdx    string
	phoneIdx string
	idSeal   string
	phSeal   string
}

// prepBatch is how many rows travel between the two goroutines at a time.
const prepBatch = 256

// run reads and prepares rows on one goroutine while this one checks them
// against the file and the registry and writes them: on two cores, reading,
// sealing and the database overlap.
func (im *importer) run(rd *sheet.Reader) error {
	ctx, cancel := context.WithCancel(im.ctx)
	defer cancel()
	batches := make(chan []prepared, 4)
	readErr := make(chan error, 1)
	go func() {
		defer close(batches)
		readErr <- im.prepareAll(ctx, rd, batches)
	}()
	for batch := range batches {
		for i := range batch {
			if err := im.add(&batch[i]); err != nil {
				cancel()
				for range batches { // let the reader finish
				}
				return err
			}
			if len(im.pending) >= importPending {
				if err := im.flush(importPending / 2); err != nil {
					cancel()
					for range batches {
					}
					return err
				}
			}
		}
	}
	if err := <-readErr; err != nil {
		return err
	}
	return im.flush(0)
}

// prepareAll reads every row and prepares it; it returns the reader's error,
// or ctx's when the import stopped.
func (im *importer) prepareAll(ctx context.Context, rd *sheet.Reader, out chan<- []prepared) error {
	batch := make([]prepared, 0, prepBatch)
	send := func() bool {
		select {
		case out <- batch:
			batch = make([]prepared, 0, prepBatch)
			return true
		case <-ctx.Done():
			return false
		}
	}
	for {
		row, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		batch = append(batch, im.prepare(row))
		if len(batch) == prepBatch && !send() {
			return ctx.Err()
		}
	}
	if len(batch) > 0 && !send() {
		return ctx.Err()
	}
	return ctx.Err()
}

// prepare does the work on a row that needs nothing but the row: it reads only
// what newImporter set up, so it is safe beside the writing goroutine.
func (im *importer) prepare(row sheet.Row) prepared {
	in, reasons := im.input(row)
	c, verr := in.validate(true, im.now)
	p := prepared{row: row, c: c, verr: verr, reasons: append(reasons, fieldReasons(verr, len(row.Reasons) > 0)...)}
	if c == nil {
		return p
	}
	if c.id != nil && c.id.Number != "" && importFieldKey(verr, "id_number") == "" {
		p.idIdx = im.s.keys.BlindIndex(kindIDNumber, c.id.Number)
	}
	if c.phone != "" {
		p.phoneIdx = im.s.keys.BlindIndex(kindPhone, c.phone)
	}
	if len(p.reasons) == 0 {
		p.idSeal = im.s.keys.Seal(c.id.Number)
		if c.phone != "" {
			p.phSeal = im.s.keys.Seal(c.phone)
		}
	}
	return p
}
