package relief

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"zhijia/internal/audit"
	"zhijia/internal/people"
	"zhijia/internal/platform"
	"zhijia/internal/review"
)

// ApplicationInput is an application as typed, by the worker or by staff.
type ApplicationInput struct {
	WorkerID  int64   // staff only: whose household; a worker applies for their own
	MemberIDs []int64 // household members (from the registry) counted in the household
	Causes    []string
	Means     Means // Size is worked out from MemberIDs
	Requested int64
	Statement string
	Payee     Payee  // who the bank pays; all or nothing
	Consent   bool   // the worker agreed to the processing of sensitive data
	IdemKey   string // the client's key for this submission; a retry returns the first result
}

// MaxStatement caps the statement's length in characters.
const MaxStatement = 2000

func (in *ApplicationInput) validate(p *Programme) error {
	v := platform.Invalid()
	in.Statement = strings.TrimSpace(in.Statement)
	if !in.Consent {
		v.Field("consent", "relief.err.consent")
	}
	if len(in.Causes) == 0 {
		v.Field("causes", "relief.err.causes")
	}
	for _, c := range in.Causes {
		if !slices.Contains(p.Causes, c) {
			v.Field("causes", "relief.err.cause_not_covered")
		}
	}
	checkAmounts(v, in.Means, in.Requested, p.CapApplication)
	if in.Statement == "" {
		v.Field("statement", "relief.err.statement")
	} else if utf8.RuneCountInString(in.Statement) > MaxStatement {
		v.Field("statement", "relief.err.statement_long")
	}
	in.Payee.validate(v, false)
	if len(in.IdemKey) > 100 {
		in.IdemKey = in.IdemKey[:100]
	}
	return v.OrNil()
}

// applicant is the worker whose household applies.
type applicant struct {
	ID, CityID, OrgID int64
	Name, OrgPath     string
}

func loadApplicant(ctx context.Context, q queryer, workerID int64) (*applicant, error) {
	w := &applicant{}
	err := q.QueryRow(ctx, `SELECT w.id, w.city_id, w.org_id, w.name, o.path FROM workers w JOIN orgs o ON o.id = w.org_id
		WHERE w.id = ?`, workerID).Scan(&w.ID, &w.CityID, &w.OrgID, &w.Name, &w.OrgPath)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, platform.NotFound
	}
	if err != nil {
		return nil, fmt.Errorf("relief: worker %d: %w", workerID, err)
	}
	return w, nil
}

// Submit files the signed-in worker's application for their household.
func (s *Store) Submit(ctx context.Context, in ApplicationInput) (*Application, error) {
	a := platform.ActorFrom(ctx)
	if a == nil || a.Kind != "worker" || a.WorkerID == 0 {
		return nil, platform.NotFound
	}
	in.WorkerID = a.WorkerID
	return s.submit(ctx, in, "worker:"+strconv.FormatInt(a.WorkerID, 10))
}

// SubmitFor files an application by staff for a worker in their subtree (the
// worker's consent, given to staff, is recorded as such).
func (s *Store) SubmitFor(ctx context.Context, in ApplicationInput) (*Application, error) {
	a, err := staffActor(ctx)
	if err != nil {
		return nil, err
	}
	w, err := loadApplicant(ctx, s.db, in.WorkerID)
	if err != nil || !a.Covers(w.OrgPath) {
		return nil, platform.Invalid().Field("worker_id", "relief.err.worker")
	}
	return s.submit(ctx, in, "account:"+strconv.FormatInt(a.AccountID, 10))
}

func (s *Store) submit(ctx context.Context, in ApplicationInput, by string) (*Application, error) {
	key := ""
	if in.IdemKey != "" {
		key = by + ":" + in.IdemKey
		if id, ok := s.byIdemKey(ctx, key); ok {
			return s.loadFor(ctx, id)
		}
	}
	w, err := loadApplicant(ctx, s.db, in.WorkerID)
	if err != nil {
		return nil, platform.Invalid().Field("worker_id", "relief.err.worker")
	}
	now := s.now()
	p, err := s.ProgrammeFor(ctx, w.CityID, YearOf(now, platform.Shanghai))
	if err != nil {
		return nil, platform.Errorf(platform.CodeConflict, "relief.err.no_programme_year")
	}
	if err := in.validate(p); err != nil {
		return nil, err
	}
	if err := s.checkMembers(ctx, w.ID, in.MemberIDs); err != nil {
		return nil, err
	}
	in.Means.Size = 1 + len(in.MemberIDs)
	var id int64
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		var err error
		id, err = s.insertApplication(ctx, tx, p, w, in, key, by)
		return err
	})
	if platform.IsUniqueViolation(err) && key != "" {
		if id, ok := s.byIdemKey(ctx, key); ok {
			return s.loadFor(ctx, id)
		}
	}
	if err != nil {
		return nil, err
	}
	return s.loadFor(ctx, id)
}

func (s *Store) byIdemKey(ctx context.Context, key string) (int64, bool) {
	var id int64
	err := s.db.QueryRow(ctx, `SELECT id FROM relief_applications WHERE idem_key = ?`, key).Scan(&id)
	return id, err == nil
}

// checkMembers refuses household members that are not in the worker's household.
func (s *Store) checkMembers(ctx context.Context, workerID int64, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	have, err := s.householdIDs(ctx, workerID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if !slices.Contains(have, id) {
			return platform.Invalid().Field("members", "relief.err.member")
		}
	}
	return nil
}

func (s *Store) householdIDs(ctx context.Context, workerID int64) ([]int64, error) {
	ids, err := platform.ScanIDs(s.db.Query(ctx, `SELECT id FROM household_members WHERE worker_id = ? ORDER BY id`, workerID))
	if err != nil {
		return nil, fmt.Errorf("relief: household: %w", err)
	}
	return ids, nil
}

func (s *Store) insertApplication(ctx context.Context, tx *platform.Tx, p *Programme, w *applicant, in ApplicationInput, key, by string) (int64, error) {
	now := s.now()
	district := cityOfDistrict(w.OrgPath)
	dibao, err := dibaoOf(ctx, tx, district, p.Year)
	if err != nil {
		return 0, fmt.Errorf("relief: dibao: %w", err)
	}
	cat := Category("")
	if dibao > 0 {
		cat = Classify(in.Means, dibao, in.Causes)
	}
	a := platform.ActorFrom(ctx)
	kind, subID := review.SubmitterOf(a)
	var idem any
	if key != "" {
		idem = key
	}
	m := in.Means
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO relief_applications (city_id, programme_id, year, worker_id, org_id, org_path, district_id,
		status, causes, category, household_size, member_ids, income, unavoidable, medical_costs, losses, tuition, insurance_paid,
		requested, statement, consent_at, consent_by, submitted_by_kind, submitted_by_id, submitted_by_name, idem_key,
		submitted_at, updated_at, payee_name, payee_bank, payee_account_sealed, payee_account_masked)
		VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`, w.CityID, p.ID, p.Year, w.ID, w.OrgID, w.OrgPath, district, strings.Join(in.Causes, ","), string(cat),
		m.Size, joinIDs(in.MemberIDs), m.Income, m.Unavoidable, m.MedicalCosts, m.Losses, m.Tuition, m.InsurancePaid,
		in.Requested, in.Statement, now, by, kind, subID, actorName(a), idem, now, now,
		in.Payee.Name, in.Payee.Bank, s.sealAccount(in.Payee.Account), maskOrEmpty(in.Payee.Account)).Scan(&id)
	if err != nil {
		return 0, err
	}
	it, err := review.Open(ctx, tx, now, review.NewItem{CityID: w.CityID, EntityType: EntityType, EntityID: id, OrgID: w.OrgID,
		SubmitterKind: kind, SubmitterID: subID}, p.ReviewConfig())
	if err != nil {
		return 0, err
	}
	if err := syncApplication(ctx, tx, id, it, now, 0); err != nil {
		return 0, err
	}
	return id, audit.Record(ctx, tx, now, audit.Entry{Action: "relief.apply", EntityType: EntityType, EntityID: strconv.FormatInt(id, 10),
		OrgID: w.OrgID, OrgPath: w.OrgPath, Summary: fmt.Sprintf("救助申请 %s 申请金额%d分 原因%s 类别%s", people.MaskName(w.Name),
			in.Requested, strings.Join(in.Causes, ","), cat)})
}

// cityOfDistrict is the district (or industry union) on a path: its second id.
func cityOfDistrict(path string) int64 {
	ids := review.PathIDs(path)
	if len(ids) < 2 {
		return 0
	}
	id, _ := strconv.ParseInt(ids[1], 10, 64)
	return id
}

func actorName(a *platform.Actor) string {
	if a == nil {
		return ""
	}
	return a.Name
}

func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

func splitIDs(s string) []int64 {
	var out []int64
	for _, p := range strings.Split(s, ",") {
		if id, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

// checkAmounts puts on v what is wrong with an application's amounts: none may
// be negative, and the amount asked must be positive and within the cap.
func checkAmounts(v *platform.Error, m Means, requested, capFen int64) {
	for name, val := range map[string]int64{"income": m.Income, "unavoidable": m.Unavoidable, "medical_costs": m.MedicalCosts,
		"losses": m.Losses, "tuition": m.Tuition, "insurance_paid": m.InsurancePaid} {
		if val < 0 {
			v.Field(name, "relief.err.amount_nonnegative")
		}
	}
	switch {
	case requested <= 0:
		v.Field("requested", "relief.err.amount_positive")
	case requested > capFen:
		v.Field("requested", "relief.err.over_cap")
	}
}
