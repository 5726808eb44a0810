package people

import (
	"fmt"

	"zhijia/internal/platform"
)

// workerCols are the columns an import fills, in workers and in import_staging.
const workerCols = `city_id, org_id, name, phone_index, phone_sealed, phone_masked,
	id_index, id_sealed, id_masked, gender, birth_date, landline, employer_name, post, education,
	member_status, joined_on, model_level, craftsman, group_code, consent_by, consent_at, consent_version,
	created_at, updated_at, version`

const workerInsertArgs = 26

// flush stages the pending rows except the newest keep, which stay pending so
// that a duplicate a few rows on still finds them with their cells. The
// registry checks read; nothing here holds SQLite's one writer.
func (im *importer) flush(keep int) error {
	n := len(im.pending) - keep
	if n <= 0 {
		return nil
	}
	for start := 0; start < n; start += importLookup {
		if err := im.refuseRegistered(im.pending[start:min(start+importLookup, n)]); err != nil {
			return err
		}
	}
	values := make([][]any, 0, n)
	for _, r := range im.pending[:n] {
		if !r.refused {
			values = append(values, im.workerValues(r))
		}
	}
	if len(values) > 0 {
		if err := im.stage.stage(im.ctx, values); err != nil {
			return fmt.Errorf("people: import rows %d–%d: %w", im.pending[0].line, im.pending[n-1].line, err)
		}
		im.res.Imported += len(values)
	}
	for _, r := range im.pending[:n] {
		delete(im.pendAt, r.line)
	}
	rest := copy(im.pending, im.pending[n:])
	clear(im.pending[rest:])
	im.pending = im.pending[:rest]
	return nil
}

// workerValues is one row's values in workerCols' order.
func (im *importer) workerValues(r *importRow) []any {
	c, id := r.c, r.c.id
	var phoneIdx, idIdx any
	phoneMasked := ""
	if r.phoneIdx != "" {
		phoneIdx, phoneMasked = r.phoneIdx, MaskPhone(c.phone)
	}
	if r.idIdx != "" {
		idIdx = r.idIdx
	}
	return []any{r.u.CityID, r.u.ID, c.in.Name, phoneIdx, r.phoneSealed, phoneMasked,
		idIdx, r.idSealed, MaskIDNumber(id.Number), string(id.Gender), id.Birth.Format("2006-01-02"),
		c.in.Landline, c.in.Employer, c.in.Post, c.in.Education, string(c.in.MemberStatus), c.in.JoinedOn,
		string(c.in.ModelLevel), c.in.Craftsman, c.in.GroupCode, "", nil, "", im.now, im.now, int64(1)}
}

// refuseRegistered refuses the rows whose id number or mobile is registered already.
func (im *importer) refuseRegistered(rows []*importRow) error {
	if err := im.refuseTaken(rows, "id_index", "id_number", func(r *importRow) string { return r.idIdx }); err != nil {
		return err
	}
	return im.refuseTaken(rows, "phone_index", "phone", func(r *importRow) string { return r.phoneIdx })
}

// refuseTaken looks the chunk's blind indexes up in one query and refuses the
// rows already registered, naming the union only when the actor may see it.
func (im *importer) refuseTaken(rows []*importRow, column, field string, key func(*importRow) string) error {
	byIdx := map[string]*importRow{}
	var args []any
	for _, r := range rows {
		if k := key(r); k != "" && !r.refused {
			byIdx[k] = r
			args = append(args, k)
		}
	}
	if len(args) == 0 {
		return nil
	}
	q := `SELECT w.` + column + `, o.name, o.path FROM workers w JOIN orgs o ON o.id = w.org_id WHERE w.` + column +
		` IN (` + platform.Placeholders(len(args)) + `)`
	res, err := im.s.db.Query(im.ctx, q, args...)
	if err != nil {
		return fmt.Errorf("people: import: check %s: %w", field, err)
	}
	defer res.Close()
	actor := im.actor()
	for res.Next() {
		var idx, name, path string
		if err := res.Scan(&idx, &name, &path); err != nil {
			return fmt.Errorf("people: import: check %s: %w", field, err)
		}
		r := byIdx[idx]
		if r == nil {
			continue
		}
		why := label("people.err."+field+"_taken") + "。"
		if actor.Covers(path) {
			why += fmt.Sprintf(label("people.err.taken_in"), name)
		} else {
			why += label("people.err.taken_elsewhere")
		}
		r.refused = true
		im.refuse(r.line, r.raw, []string{why})
	}
	return res.Err()
}
