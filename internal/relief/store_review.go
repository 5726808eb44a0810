package relief

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
	"zhijia/internal/review"
)

// Decide applies a reviewer's decision on an application's current step. An
// approval with an amount grants it from the reviewer's own level's fund: caps,
// the fund's guarded update, the grant, the decision and the audit rows all
// commit in one transaction, or none does. version is the chain's version the
// reviewer saw.
//
// The approval is the programme's hot write, so it counts its round trips: one
// read of the application with its caps and chain id, one of the chain, the
// writes, the two audit rows in one batch, and no read back afterwards.
func (s *Store) Decide(ctx context.Context, id, version int64, d review.Decision) (*Application, error) {
	if _, err := staffActor(ctx); err != nil {
		return nil, err
	}
	var app *Application
	err := s.db.InTx(ctx, func(tx *platform.Tx) error {
		var p caps
		var err error
		if app, p, d.Item, err = s.loadForDecision(ctx, tx, id); err != nil {
			return err
		}
		return s.decide(ctx, tx, app, p, version, d)
	})
	if err != nil {
		return nil, err
	}
	return app, nil
}

// caps is what an approval needs of its programme year.
type caps struct {
	application, household int64
	noticeDays             int
}

// loadForDecision reads the application the actor in ctx may see, its
// programme's caps and its chain with its steps, in one query (one row per step).
func (s *Store) loadForDecision(ctx context.Context, tx *platform.Tx, id int64) (*Application, caps, *review.Item, error) {
	var p caps
	rows, err := tx.Query(ctx, `SELECT `+review.ItemSelect+`, `+appColumns+`, p.cap_application, p.cap_household, p.notice_days
		FROM review_items i JOIN review_steps s ON s.item_id = i.id JOIN relief_applications a ON a.id = i.entity_id
		JOIN workers w ON w.id = a.worker_id JOIN orgs o ON o.id = a.org_id JOIN relief_programmes p ON p.id = a.programme_id
		WHERE i.entity_type = ? AND i.entity_id = ? ORDER BY s.seq`, EntityType, id)
	if err != nil {
		return nil, p, nil, fmt.Errorf("relief: application %d: %w", id, err)
	}
	sc := &appScan{}
	now := s.now()
	it, err := review.ReadItem(rows, now, append(sc.dest(), &p.application, &p.household, &p.noticeDays)...)
	if errors.Is(err, platform.NotFound) {
		return nil, p, nil, platform.NotFound
	}
	if err != nil {
		return nil, p, nil, fmt.Errorf("relief: application %d: %w", id, err)
	}
	app := sc.done(now)
	if !mayRead(platform.ActorFrom(ctx), app) {
		return nil, p, nil, platform.NotFound
	}
	return app, p, it, nil
}

func (s *Store) decide(ctx context.Context, tx *platform.Tx, app *Application, p caps, version int64, d review.Decision) error {
	now := s.now()
	d.Version, d.SkipHistory, d.DeferAudit = version, true, true
	out, err := review.Decide(ctx, tx, now, d)
	if err != nil {
		return err
	}
	entries := []audit.Entry{out.Audit}
	if d.Action == review.Approve && d.Amount > 0 {
		// The application's own grants are its approved steps' amounts (the
		// chain's guarded update holds the item: they cannot move under us).
		e, err := s.grant(ctx, tx, app, p, out.Step, out.Item.Granted()-d.Amount, d.Amount, now)
		if err != nil {
			return err
		}
		entries = append(entries, e)
	}
	st, err := syncState(ctx, tx, app.ID, out.Item, now, p.noticeDays)
	if err != nil {
		return err
	}
	st.apply(app, now)
	if err := audit.RecordAll(ctx, tx, now, entries...); err != nil {
		return err
	}
	if out.Item.Status == review.Approved {
		return fileArchive(ctx, tx, app.ID, now)
	}
	return nil
}

// grant commits amount from the deciding level's fund, within the caps, and
// returns the grant's audit row. grantedApp is what the application's earlier
// steps granted.
func (s *Store) grant(ctx context.Context, tx *platform.Tx, app *Application, p caps, st review.Step, grantedApp, amount int64,
	now time.Time) (audit.Entry, error) {
	if ok, breaks := Caps(p.application, p.household, grantedApp, 0).Allows(amount); !ok {
		return audit.Entry{}, platform.Invalid().Field("amount", "relief.err.cap_"+breaks)
	}
	if err := commitHousehold(ctx, tx, app.WorkerID, app.Year, amount, p.household); err != nil {
		return audit.Entry{}, err
	}
	fundID, err := commitFundOf(ctx, tx, app.ProgrammeID, st.OrgID, amount)
	if err != nil {
		return audit.Entry{}, err
	}
	cause := ""
	if len(app.Causes) > 0 {
		cause = app.Causes[0]
	}
	_, err = tx.Exec(ctx, `INSERT INTO relief_grants (city_id, application_id, fund_id, org_id, level, worker_id, app_path, year, cause,
		amount, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, app.CityID, app.ID, fundID, st.OrgID, st.Level, app.WorkerID,
		app.OrgPath, app.Year, cause, amount, now)
	if err != nil {
		return audit.Entry{}, fmt.Errorf("relief: grant: %w", err)
	}
	return audit.Entry{Action: "relief.grant", EntityType: EntityType, EntityID: strconv.FormatInt(app.ID, 10),
		OrgID: st.OrgID, OrgPath: app.OrgPath, Summary: fmt.Sprintf("%s 核定救助金 %d分（专项资金 %d）", st.OrgName, amount, fundID)}, nil
}

func (s *Store) programmeByID(ctx context.Context, q queryer, id int64) (*Programme, error) {
	var city int64
	var year int
	if err := q.QueryRow(ctx, `SELECT city_id, year FROM relief_programmes WHERE id = ?`, id).Scan(&city, &year); err != nil {
		return nil, fmt.Errorf("relief: programme %d: %w", id, err)
	}
	return s.programme(ctx, q, city, year)
}

// commitHousehold adds amount to what the household was granted this year, a
// guarded update like the fund's: the row's lock makes concurrent grants to one
// household wait for each other, and none passes the yearly cap. (revoke takes
// released grants off again.)
func commitHousehold(ctx context.Context, tx *platform.Tx, workerID int64, year int, amount, capHousehold int64) error {
	var granted int64
	err := tx.QueryRow(ctx, `INSERT INTO relief_household_years (worker_id, year, granted) VALUES (?, ?, ?)
		ON CONFLICT (worker_id, year) DO UPDATE SET granted = relief_household_years.granted + excluded.granted
		WHERE relief_household_years.granted + excluded.granted <= ? RETURNING granted`, workerID, year, amount, capHousehold).Scan(&granted)
	if errors.Is(err, sql.ErrNoRows) {
		return platform.Invalid().Field("amount", "relief.err.cap_household")
	}
	if err != nil {
		return fmt.Errorf("relief: household granted: %w", err)
	}
	return nil
}
