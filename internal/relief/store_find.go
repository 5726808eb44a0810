package relief

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"zhijia/internal/people"
	"zhijia/internal/platform"
	"zhijia/internal/review"
)

// Application statuses beyond the review chain's own (pending, returned,
// approved, rejected) come with public notice and payment.
const (
	StatusPending  = "pending"
	StatusReturned = "returned"
	StatusApproved = "approved" // approved by every level; on notice at once (kept for chains without notice)
	StatusRejected = "rejected"
	StatusNotice   = "notice"  // approved, on public notice (公示), then payable
	StatusHalted   = "halted"  // an objection is open: payment waits for a finding
	StatusRevoked  = "revoked" // an objection was upheld: the grants are released
	StatusPaid     = "paid"    // every level's grant was paid
)

// Statuses lists the statuses a list filters by.
var Statuses = []string{StatusPending, StatusReturned, StatusNotice, StatusHalted, StatusPaid, StatusRevoked, StatusRejected}

// Application is one request for aid for one household; names are masked.
type Application struct {
	ID, CityID, ProgrammeID int64
	Year                    int
	WorkerID                int64
	WorkerName              string // masked
	OrgID                   int64
	OrgName, OrgPath        string
	DistrictID              int64
	Status                  string
	StepLevel               string
	Causes                  []string
	Category                Category
	Means                   Means
	MemberIDs               []int64
	Requested, Granted      int64
	Statement               string
	Payee                   Payee // account masked
	ConsentAt               time.Time
	SubmittedByKind         string
	SubmittedByName         string
	SubmittedAt, UpdatedAt  time.Time
	DueOn                   string
	Overdue                 bool
	NoticeUntil             string
	Version                 int64

	// Filled on the detail page.
	Review      *review.Item
	Members     []people.HouseholdMember
	Findings    []Finding
	Attachments []Attachment
	ReturnedFor string // what the returning level asked for
	Grants      []Grant
	Objections  []Objection
	Changes     []Change // what resubmissions changed
}

const appColumns = `a.id, a.city_id, a.programme_id, a.year, a.worker_id, w.name, a.org_id, o.name, a.org_path, a.district_id,
	a.status, a.step_level, a.causes, a.category, a.household_size, a.member_ids, a.income, a.unavoidable, a.medical_costs,
	a.losses, a.tuition, a.insurance_paid, a.requested, a.granted, a.statement, a.consent_at, a.submitted_by_kind,
	a.submitted_by_name, a.submitted_at, a.updated_at, a.due_on, a.notice_until, a.version, a.payee_name, a.payee_bank,
	a.payee_account_masked`

const appFrom = ` FROM relief_applications a JOIN workers w ON w.id = a.worker_id JOIN orgs o ON o.id = a.org_id`

func scanApp(r interface{ Scan(...any) error }, now time.Time, extra ...any) (*Application, error) {
	sc := &appScan{}
	if err := r.Scan(append(sc.dest(), extra...)...); err != nil {
		return nil, err
	}
	return sc.done(now), nil
}

// appScan receives appColumns, for a query that reads them among others.
type appScan struct {
	a                          Application
	name, causes, members, cat string
}

func (sc *appScan) dest() []any {
	a, m := &sc.a, &sc.a.Means
	return []any{&a.ID, &a.CityID, &a.ProgrammeID, &a.Year, &a.WorkerID, &sc.name, &a.OrgID, &a.OrgName, &a.OrgPath,
		&a.DistrictID, &a.Status, &a.StepLevel, &sc.causes, &sc.cat, &m.Size, &sc.members, &m.Income, &m.Unavoidable, &m.MedicalCosts,
		&m.Losses, &m.Tuition, &m.InsurancePaid, &a.Requested, &a.Granted, &a.Statement, &a.ConsentAt, &a.SubmittedByKind,
		&a.SubmittedByName, &a.SubmittedAt, &a.UpdatedAt, &a.DueOn, &a.NoticeUntil, &a.Version, &a.Payee.Name, &a.Payee.Bank,
		&a.Payee.Account}
}

// done is the application scanned, the worker's name masked.
func (sc *appScan) done(now time.Time) *Application {
	a := &sc.a
	a.WorkerName, a.Causes, a.Category, a.MemberIDs = people.MaskName(sc.name), ParseCauses(sc.causes), Category(sc.cat), splitIDs(sc.members)
	if a.SubmittedByKind == "worker" {
		a.SubmittedByName = a.WorkerName // the applicant: masked like the rest of the page
	}
	a.Overdue = a.Status == StatusPending && review.Overdue(a.DueOn, now)
	return a
}

// syncApplication copies the chain's state onto the application row, so lists
// filter and sort by status, step and deadline with an index. A final approval
// puts the application on public notice for noticeDays days.
func syncApplication(ctx context.Context, tx *platform.Tx, id int64, it *review.Item, now time.Time, noticeDays int) error {
	_, err := syncState(ctx, tx, id, it, now, noticeDays)
	return err
}

// appState is what syncApplication writes on the application row.
type appState struct {
	status, level, due, until string
	granted                   int64
}

// syncState is syncApplication handing back what it wrote, so the caller can
// update the application it holds instead of reading it again.
func syncState(ctx context.Context, tx *platform.Tx, id int64, it *review.Item, now time.Time, noticeDays int) (appState, error) {
	st := appState{status: string(it.Status), granted: it.Granted()}
	if cur := it.Current(); cur != nil && it.Status == review.Pending {
		st.level, st.due = cur.Level, cur.DueOn
	} else if cur != nil {
		st.level = cur.Level
	}
	var decided any
	if it.Status == review.Approved || it.Status == review.Rejected {
		decided = now
	}
	if it.Status == review.Approved {
		st.status, st.until = StatusNotice, NoticeUntil(now, noticeDays)
	}
	_, err := tx.Exec(ctx, `UPDATE relief_applications SET status = ?, step_level = ?, due_on = ?, granted = ?, updated_at = ?,
		decided_at = ?, notice_until = ?, version = version + 1 WHERE id = ?`, st.status, st.level, st.due, st.granted, now, decided, st.until, id)
	if err != nil {
		return st, fmt.Errorf("relief: sync application %d: %w", id, err)
	}
	return st, nil
}

// apply puts what syncState wrote on the application held in memory.
func (st appState) apply(app *Application, now time.Time) {
	app.Status, app.StepLevel, app.DueOn, app.NoticeUntil, app.Granted = st.status, st.level, st.due, st.until, st.granted
	app.UpdatedAt, app.Version = now, app.Version+1
	app.Overdue = app.Status == StatusPending && review.Overdue(app.DueOn, now)
}

// loadFor returns an application the actor in ctx may see: a worker their own
// household's, staff one in their subtree. Anything else is not found.
func (s *Store) loadFor(ctx context.Context, id int64) (*Application, error) {
	app, err := s.load(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	if !mayRead(platform.ActorFrom(ctx), app) {
		return nil, platform.NotFound
	}
	return app, nil
}

func mayRead(a *platform.Actor, app *Application) bool {
	if a == nil {
		return false
	}
	if a.Kind == "worker" {
		return a.WorkerID != 0 && a.WorkerID == app.WorkerID
	}
	return a.Covers(app.OrgPath)
}

func (s *Store) load(ctx context.Context, q queryer, id int64) (*Application, error) {
	app, err := scanApp(q.QueryRow(ctx, `SELECT `+appColumns+appFrom+` WHERE a.id = ?`, id), s.now())
	if errors.Is(err, sql.ErrNoRows) {
		return nil, platform.NotFound
	}
	if err != nil {
		return nil, fmt.Errorf("relief: application %d: %w", id, err)
	}
	return app, nil
}

// Application returns one application with its chain, household, findings and
// attachments, for the actor in ctx.
func (s *Store) Application(ctx context.Context, id int64) (*Application, error) {
	app, err := s.loadFor(ctx, id)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if app.Review, err = review.Load(ctx, s.db, EntityType, id, now); err != nil {
		return nil, err
	}
	if st := app.Review.Current(); st != nil && st.Status == review.StepReturned {
		app.ReturnedFor = st.Reason
	}
	if app.Members, err = s.members(ctx, app.WorkerID, app.MemberIDs); err != nil {
		return nil, err
	}
	if app.Attachments, err = s.attachments(ctx, id); err != nil {
		return nil, err
	}
	if app.Grants, err = s.grants(ctx, id); err != nil {
		return nil, err
	}
	if app.Objections, err = s.objectionsOf(ctx, id); err != nil {
		return nil, err
	}
	if app.Changes, err = s.changesOf(ctx, id); err != nil {
		return nil, err
	}
	if platform.ActorFrom(ctx).Kind != "worker" {
		if app.Findings, err = s.findings(ctx, app); err != nil {
			return nil, err
		}
	}
	return app, nil
}

// members reads the chosen household members, masked.
func (s *Store) members(ctx context.Context, workerID int64, ids []int64) ([]people.HouseholdMember, error) {
	rows, err := s.db.Query(ctx, `SELECT id, relation, name, id_masked, birth_date, student, ill, disabled, unemployed
		FROM household_members WHERE worker_id = ? ORDER BY id`, workerID)
	if err != nil {
		return nil, fmt.Errorf("relief: members: %w", err)
	}
	defer rows.Close()
	var out []people.HouseholdMember
	for rows.Next() {
		var m people.HouseholdMember
		var st, ill, dis, un int
		if err := rows.Scan(&m.ID, &m.Relation, &m.Name, &m.IDMasked, &m.Birth, &st, &ill, &dis, &un); err != nil {
			return nil, err
		}
		m.Name = people.MaskName(m.Name)
		m.Student, m.Ill, m.Disabled, m.Unemployed = st == 1, ill == 1, dis == 1, un == 1
		if ids == nil || containsID(ids, m.ID) {
			out = append(out, m)
		}
	}
	return out, rows.Err()
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// Household returns the signed-in worker's household members (masked), for the
// application form.
func (s *Store) Household(ctx context.Context, workerID int64) ([]people.HouseholdMember, error) {
	a := platform.ActorFrom(ctx)
	if a == nil {
		return nil, platform.NotFound
	}
	if a.Kind == "worker" {
		workerID = a.WorkerID
	} else {
		w, err := loadApplicant(ctx, s.db, workerID)
		if err != nil || !a.Covers(w.OrgPath) {
			return nil, platform.Invalid().Field("worker_id", "relief.err.worker")
		}
	}
	return s.members(ctx, workerID, nil)
}

// MyApplications lists the signed-in worker's applications, newest first.
func (s *Store) MyApplications(ctx context.Context) ([]Application, error) {
	a := platform.ActorFrom(ctx)
	if a == nil || a.Kind != "worker" || a.WorkerID == 0 {
		return nil, platform.NotFound
	}
	rows, err := s.db.Query(ctx, `SELECT `+appColumns+appFrom+` WHERE a.worker_id = ? ORDER BY a.submitted_at DESC, a.id DESC LIMIT 50`, a.WorkerID)
	if err != nil {
		return nil, fmt.Errorf("relief: my applications: %w", err)
	}
	defer rows.Close()
	now := s.now()
	var out []Application
	for rows.Next() {
		app, err := scanApp(rows, now)
		if err != nil {
			return nil, err
		}
		out = append(out, *app)
	}
	return out, rows.Err()
}
