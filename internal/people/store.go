package people

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
)

// Blind-index kinds. "phone" is shared with auth's SMS sign-in, which looks
// workers up by the same index.
const (
	kindIDNumber = "id_number"
	kindPhone    = "phone"
)

// Store keeps the worker registry. Every method takes the actor from ctx and
// treats a worker outside the actor's subtree exactly like one that does not exist.
type Store struct {
	db    *platform.DB
	clock platform.Clock
	keys  *platform.Keyring
}

// NewStore returns a Store on db that seals personal data with keys.
func NewStore(db *platform.DB, clock platform.Clock, keys *platform.Keyring) *Store {
	return &Store{db: db, clock: clock, keys: keys}
}

type queryer interface {
	QueryRow(ctx context.Context, q string, args ...any) *sql.Row
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

type scanner interface{ Scan(dest ...any) error }

// workerColumns are read by scanWorker; workerFrom joins the worker's union.
const (
	workerColumns = `w.id, w.city_id, w.org_id, o.name, o.path, w.name, w.id_masked, w.gender, w.birth_date,
	w.phone_masked, w.landline, w.employer_name, w.post, w.education, w.member_status, w.joined_on,
	w.model_level, w.craftsman, w.group_code, w.consent_by, w.consent_at, w.consent_version,
	w.created_at, w.updated_at, w.version`
	workerFrom = ` FROM workers w JOIN orgs o ON o.id = w.org_id`
)

func scanWorker(r scanner) (*Worker, error) {
	var (
		w              Worker
		gender, status string
		model          string
		consentAt      sql.NullTime
	)
	err := r.Scan(&w.ID, &w.CityID, &w.OrgID, &w.OrgName, &w.OrgPath, &w.Name, &w.IDMasked, &gender, &w.Birth,
		&w.PhoneMasked, &w.Landline, &w.Employer, &w.Post, &w.Education, &status, &w.JoinedOn,
		&model, &w.Craftsman, &w.GroupCode, &w.ConsentBy, &consentAt, &w.ConsentVersion,
		&w.CreatedAt, &w.UpdatedAt, &w.Version)
	if err != nil {
		return nil, err
	}
	w.Gender, w.MemberStatus, w.ModelLevel = Gender(gender), MemberStatus(status), ModelLevel(model)
	w.CreatedAt, w.UpdatedAt = w.CreatedAt.UTC(), w.UpdatedAt.UTC()
	if consentAt.Valid {
		t := consentAt.Time.UTC()
		w.ConsentAt = &t
	}
	return &w, nil
}

// loadScoped reads one worker the actor may see, with its household.
func loadScoped(ctx context.Context, q queryer, id int64) (*Worker, error) {
	w, err := scanWorker(q.QueryRow(ctx, `SELECT `+workerColumns+workerFrom+` WHERE w.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, platform.NotFound
	}
	if err != nil {
		return nil, fmt.Errorf("people: load %d: %w", id, err)
	}
	if !platform.ActorFrom(ctx).Covers(w.OrgPath) {
		return nil, platform.NotFound
	}
	if w.Household, err = loadHousehold(ctx, q, id); err != nil {
		return nil, err
	}
	return w, nil
}

func loadHousehold(ctx context.Context, q queryer, workerID int64) ([]HouseholdMember, error) {
	rows, err := q.Query(ctx, `SELECT id, relation, name, id_masked, birth_date, student, ill, disabled, unemployed
		FROM household_members WHERE worker_id = ? ORDER BY id`, workerID)
	if err != nil {
		return nil, fmt.Errorf("people: household of %d: %w", workerID, err)
	}
	defer rows.Close()
	var out []HouseholdMember
	for rows.Next() {
		var m HouseholdMember
		var st, ill, dis, unemp int
		if err := rows.Scan(&m.ID, &m.Relation, &m.Name, &m.IDMasked, &m.Birth, &st, &ill, &dis, &unemp); err != nil {
			return nil, fmt.Errorf("people: household of %d: %w", workerID, err)
		}
		m.Student, m.Ill, m.Disabled, m.Unemployed = st == 1, ill == 1, dis == 1, unemp == 1
		out = append(out, m)
	}
	return out, rows.Err()
}

// GetWorker returns one worker, masked, with the household.
func (s *Store) GetWorker(ctx context.Context, id int64) (*Worker, error) {
	return loadScoped(ctx, s.db, id)
}

// union is what the rules need of the org a worker belongs to.
type union struct {
	ID, CityID        int64
	Name, Path, Level string
	Active            bool
}

// loadUnion reads the org a worker is to belong to: in the actor's scope, active,
// and a grassroots union or a group inside one. Errors are field errors on org_id.
func loadUnion(ctx context.Context, q queryer, id int64) (*union, error) {
	var u union
	var status string
	err := q.QueryRow(ctx, `SELECT id, city_id, name, path, level, status FROM orgs WHERE id = ?`, id).
		Scan(&u.ID, &u.CityID, &u.Name, &u.Path, &u.Level, &status)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !platform.ActorFrom(ctx).Covers(u.Path)) {
		return nil, platform.Invalid().Field("org_id", "people.err.org_required")
	}
	if err != nil {
		return nil, fmt.Errorf("people: union %d: %w", id, err)
	}
	if u.Level != "grassroots" && u.Level != "group" {
		return nil, platform.Invalid().Field("org_id", "people.err.org_level")
	}
	if status != "active" {
		return nil, platform.Invalid().Field("org_id", "people.err.org_closed")
	}
	return &u, nil
}

// groupExists reports whether code is a new-employment group ("" is none).
func groupExists(ctx context.Context, q queryer, code string) (bool, error) {
	if code == "" {
		return true, nil
	}
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM new_employment_groups WHERE code = ?`, code).Scan(&n); err != nil {
		return false, fmt.Errorf("people: group %q: %w", code, err)
	}
	return n == 1, nil
}

// Group is one new-employment group (八大群体), kept as data.
type Group struct{ Code, NameZH, NameEN string }

// Groups lists the new-employment groups in display order.
func (s *Store) Groups(ctx context.Context) ([]Group, error) {
	rows, err := s.db.Query(ctx, `SELECT code, name_zh, name_en FROM new_employment_groups ORDER BY sort_order, code`)
	if err != nil {
		return nil, fmt.Errorf("people: groups: %w", err)
	}
	defer rows.Close()
	var out []Group
	for rows.Next() {
		var g Group
		if err := rows.Scan(&g.Code, &g.NameZH, &g.NameEN); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// record writes the audit entry of an action on w.
func record(ctx context.Context, tx *platform.Tx, now time.Time, action string, w *Worker, summary string) error {
	return audit.Record(ctx, tx, now, audit.Entry{Action: action, EntityType: "worker",
		EntityID: strconv.FormatInt(w.ID, 10), OrgID: w.OrgID, OrgPath: w.OrgPath, Summary: summary})
}

// who names the actor for the consent record.
func who(a *platform.Actor) string {
	if a == nil {
		return "system"
	}
	switch a.Kind {
	case "worker":
		return "worker:" + strconv.FormatInt(a.WorkerID, 10)
	case "system":
		return "system:" + a.Name
	}
	return "account:" + strconv.FormatInt(a.AccountID, 10)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func label(key string) string { return Messages[key][0] }

// joinNonEmpty joins the non-empty parts with sep.
func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
