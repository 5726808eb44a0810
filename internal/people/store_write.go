package people

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"zhijia/internal/platform"
)

// CreateWorker adds a worker to a union in the actor's subtree. The id number is
// unique in the city: a second record for the same person is refused, naming the
// union that holds it when the actor may see it.
func (s *Store) CreateWorker(ctx context.Context, in WorkerInput) (*Worker, error) {
	now := s.clock.Now()
	c, err := in.validate(true, now)
	if err != nil {
		return nil, err
	}
	w := &Worker{}
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		u, err := s.checkRefs(ctx, tx, c, 0)
		if err != nil {
			return err
		}
		if len(c.house) > 0 && !c.in.Consent {
			return platform.Invalid().Field("consent", "people.err.consent_required")
		}
		consentBy, consentVer := "", ""
		var consentAt any
		if c.in.Consent && len(c.house) > 0 {
			consentBy, consentAt, consentVer = who(platform.ActorFrom(ctx)), now, ConsentVersion
		}
		id := c.id
		phoneIdx, phoneSealed, phoneMasked := s.phoneColumns(c.phone)
		err = tx.QueryRow(ctx, `INSERT INTO workers (city_id, org_id, name, phone_index, phone_sealed, phone_masked,
			id_index, id_sealed, id_masked, gender, birth_date, landline, employer_name, post, education,
			member_status, joined_on, model_level, craftsman, group_code, consent_by, consent_at, consent_version,
			created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
			RETURNING id`,
			u.CityID, u.ID, c.in.Name, phoneIdx, phoneSealed, phoneMasked,
			s.keys.BlindIndex(kindIDNumber, id.Number), s.keys.Seal(id.Number), MaskIDNumber(id.Number),
			string(id.Gender), id.Birth.Format("2006-01-02"), c.in.Landline, c.in.Employer, c.in.Post, c.in.Education,
			string(c.in.MemberStatus), c.in.JoinedOn, string(c.in.ModelLevel), c.in.Craftsman, c.in.GroupCode,
			consentBy, consentAt, consentVer, now, now).Scan(&w.ID)
		if platform.IsUniqueViolation(err) {
			return platform.Errorf(platform.CodeConflict, "people.err.duplicate_race")
		}
		if err != nil {
			return fmt.Errorf("people: insert worker: %w", err)
		}
		w.OrgID, w.OrgPath = u.ID, u.Path
		if err := s.writeHousehold(ctx, tx, now, w.ID, c.house, nil); err != nil {
			return err
		}
		summary := fmt.Sprintf("新建职工 %s（%s）于「%s」", MaskName(c.in.Name), MaskIDNumber(id.Number), u.Name)
		if len(c.house) > 0 {
			summary += fmt.Sprintf("，家庭成员 %d 人（已取得同意 %s）", len(c.house), ConsentVersion)
		}
		return record(ctx, tx, now, "people.create", w, summary)
	})
	if err != nil {
		return nil, err
	}
	return loadScoped(ctx, s.db, w.ID)
}

// phoneColumns are the index, sealed and masked values of a phone ("" = none).
func (s *Store) phoneColumns(p string) (idx any, sealed, masked string) {
	if p == "" {
		return nil, "", ""
	}
	return s.keys.BlindIndex(kindPhone, p), s.keys.Seal(p), MaskPhone(p)
}

// checkRefs checks the union, the group code and that the id number and phone
// belong to no other worker than self (0 when creating).
func (s *Store) checkRefs(ctx context.Context, tx *platform.Tx, c *checked, self int64) (*union, error) {
	u, err := loadUnion(ctx, tx, c.in.OrgID)
	if err != nil {
		if c.in.OrgID == 0 {
			return nil, platform.Invalid().Field("org_id", "people.err.org_required")
		}
		return nil, err
	}
	ok, err := groupExists(ctx, tx, c.in.GroupCode)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, platform.Invalid().Field("group_code", "people.err.group_invalid")
	}
	if c.id != nil {
		if err := s.taken(ctx, tx, self, "id_index", s.keys.BlindIndex(kindIDNumber, c.id.Number), "id_number"); err != nil {
			return nil, err
		}
	}
	if c.phone != "" {
		if err := s.taken(ctx, tx, self, "phone_index", s.keys.BlindIndex(kindPhone, c.phone), "phone"); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// taken refuses a value whose blind index another worker holds. The message names
// that worker's union only when the actor may see it.
func (s *Store) taken(ctx context.Context, tx *platform.Tx, self int64, column, index, field string) error {
	var id int64
	var name, path string
	err := tx.QueryRow(ctx, `SELECT w.id, o.name, o.path FROM workers w JOIN orgs o ON o.id = w.org_id
		WHERE w.`+column+` = ?`, index).Scan(&id, &name, &path)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && id == self) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("people: check %s: %w", field, err)
	}
	fieldKey := "people.err." + field + "_taken"
	if platform.ActorFrom(ctx).Covers(path) {
		return platform.Errorf(platform.CodeConflict, "people.err.taken_in", name).Field(field, fieldKey)
	}
	return platform.Errorf(platform.CodeConflict, "people.err.taken_elsewhere").Field(field, fieldKey)
}

// writeHousehold replaces the worker's household with rows. old holds the
// members' sealed id columns by member id, kept when a row's id number is blank.
func (s *Store) writeHousehold(ctx context.Context, tx *platform.Tx, now time.Time, workerID int64, rows []checkedMember, old map[int64][3]string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM household_members WHERE worker_id = ?`, workerID); err != nil {
		return fmt.Errorf("people: clear household %d: %w", workerID, err)
	}
	for _, m := range rows {
		var idx any
		sealed, masked := "", ""
		if m.id != nil {
			idx, sealed, masked = s.keys.BlindIndex(kindIDNumber, m.id.Number), s.keys.Seal(m.id.Number), MaskIDNumber(m.id.Number)
		} else if o, ok := old[m.in.ID]; ok && m.in.ID != 0 {
			idx, sealed, masked = nullStr(o[0]), o[1], o[2]
		}
		h := m.in
		_, err := tx.Exec(ctx, `INSERT INTO household_members (worker_id, relation, name, id_index, id_sealed, id_masked,
			birth_date, student, ill, disabled, unemployed, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			workerID, h.Relation, h.Name, idx, sealed, masked, h.Birth,
			boolInt(h.Student), boolInt(h.Ill), boolInt(h.Disabled), boolInt(h.Unemployed), now)
		if err != nil {
			return fmt.Errorf("people: household member of %d: %w", workerID, err)
		}
	}
	return nil
}

// oldHousehold reads the sealed id columns of the worker's members by member id.
func oldHousehold(ctx context.Context, tx *platform.Tx, workerID int64) (map[int64][3]string, error) {
	rows, err := tx.Query(ctx, `SELECT id, COALESCE(id_index, ''), id_sealed, id_masked FROM household_members WHERE worker_id = ?`, workerID)
	if err != nil {
		return nil, fmt.Errorf("people: household of %d: %w", workerID, err)
	}
	defer rows.Close()
	out := map[int64][3]string{}
	for rows.Next() {
		var id int64
		var v [3]string
		if err := rows.Scan(&id, &v[0], &v[1], &v[2]); err != nil {
			return nil, err
		}
		out[id] = v
	}
	return out, rows.Err()
}

// UpdateWorker edits a worker. version is the one the user saw; a save in between
// is a conflict. A blank id number or phone keeps the stored one. Moving the
// worker to another union in the actor's subtree is allowed here (staff fixing a
// mistake); transfers between unions are their own use case.
func (s *Store) UpdateWorker(ctx context.Context, id, version int64, in WorkerInput) (*Worker, error) {
	now := s.clock.Now()
	err := s.db.InTx(ctx, func(tx *platform.Tx) error {
		w, err := loadScoped(ctx, tx, id)
		if err != nil {
			return err
		}
		if w.Version != version {
			return platform.Errorf(platform.CodeConflict, "people.err.stale")
		}
		c, err := in.validate(false, now)
		if err != nil {
			return err
		}
		u, err := s.checkRefs(ctx, tx, c, w.ID)
		if err != nil {
			return err
		}
		if err := s.saveWorker(ctx, tx, now, w, c, u); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return loadScoped(ctx, s.db, id)
}

// saveWorker writes c over w (loaded in tx) and audits what changed.
func (s *Store) saveWorker(ctx context.Context, tx *platform.Tx, now time.Time, w *Worker, c *checked, u *union) error {
	consentBy, consentVer, consentAt := w.ConsentBy, w.ConsentVersion, any(nil)
	if w.ConsentAt != nil {
		consentAt = *w.ConsentAt
	}
	if len(c.house) > 0 && c.in.Consent {
		consentBy, consentAt, consentVer = who(platform.ActorFrom(ctx)), now, ConsentVersion
	} else if len(c.house) > 0 && consentBy == "" {
		return platform.Invalid().Field("consent", "people.err.consent_required")
	}
	sets := []string{`org_id = ?`, `city_id = ?`, `name = ?`, `landline = ?`, `employer_name = ?`, `post = ?`,
		`education = ?`, `member_status = ?`, `joined_on = ?`, `model_level = ?`, `craftsman = ?`, `group_code = ?`,
		`consent_by = ?`, `consent_at = ?`, `consent_version = ?`, `updated_at = ?`, `version = version + 1`}
	args := []any{u.ID, u.CityID, c.in.Name, c.in.Landline, c.in.Employer, c.in.Post, c.in.Education,
		string(c.in.MemberStatus), c.in.JoinedOn, string(c.in.ModelLevel), c.in.Craftsman, c.in.GroupCode,
		consentBy, consentAt, consentVer, now}
	if c.id != nil {
		sets = append(sets, `id_index = ?`, `id_sealed = ?`, `id_masked = ?`, `gender = ?`, `birth_date = ?`)
		args = append(args, s.keys.BlindIndex(kindIDNumber, c.id.Number), s.keys.Seal(c.id.Number),
			MaskIDNumber(c.id.Number), string(c.id.Gender), c.id.Birth.Format("2006-01-02"))
	}
	if c.phone != "" {
		idx, sealed, masked := s.phoneColumns(c.phone)
		sets = append(sets, `phone_index = ?`, `phone_sealed = ?`, `phone_masked = ?`)
		args = append(args, idx, sealed, masked)
	}
	res, err := tx.Exec(ctx, `UPDATE workers SET `+strings.Join(sets, ", ")+` WHERE id = ? AND version = ?`,
		append(args, w.ID, w.Version)...)
	if platform.IsUniqueViolation(err) {
		return platform.Errorf(platform.CodeConflict, "people.err.duplicate_race")
	}
	if err != nil {
		return fmt.Errorf("people: update worker %d: %w", w.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return platform.Errorf(platform.CodeConflict, "people.err.stale")
	}
	old, err := oldHousehold(ctx, tx, w.ID)
	if err != nil {
		return err
	}
	if err := s.writeHousehold(ctx, tx, now, w.ID, c.house, old); err != nil {
		return err
	}
	summary := changes(w, c, u)
	w.OrgID, w.OrgPath = u.ID, u.Path
	return record(ctx, tx, now, "people.update", w, summary)
}

// changes describes an edit for the audit log by field name only for personal
// data (never the values), and with values for the rest.
func changes(w *Worker, c *checked, u *union) string {
	var out []string
	add := func(key, before, after string) {
		if before != after {
			out = append(out, fmt.Sprintf("%s：%s → %s", label(key), before, after))
		}
	}
	out = append(out, "职工 "+MaskName(w.Name))
	if w.Name != c.in.Name {
		out = append(out, label("people.field.name")+"已修改")
	}
	if c.id != nil && MaskIDNumber(c.id.Number) != w.IDMasked {
		out = append(out, label("people.field.id_number")+"已修改")
	}
	if c.phone != "" && MaskPhone(c.phone) != w.PhoneMasked {
		out = append(out, label("people.field.phone")+"已修改")
	}
	add("people.field.org", w.OrgName, u.Name)
	add("people.field.member_status", string(w.MemberStatus), string(c.in.MemberStatus))
	add("people.field.model_level", string(w.ModelLevel), string(c.in.ModelLevel))
	add("people.field.group_code", w.GroupCode, c.in.GroupCode)
	add("people.field.employer", w.Employer, c.in.Employer)
	add("people.field.post", w.Post, c.in.Post)
	if len(w.Household) != len(c.house) {
		out = append(out, fmt.Sprintf("%s：%d → %d 人", label("people.household"), len(w.Household), len(c.house)))
	}
	if len(c.house) > 0 && c.in.Consent {
		out = append(out, "家庭信息同意书 "+ConsentVersion)
	}
	return strings.Join(out, "；")
}
