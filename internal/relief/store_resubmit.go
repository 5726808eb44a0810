package relief

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
	"zhijia/internal/review"
)

// Resubmission is what the applicant sends when answering a return: a reply,
// a corrected case, or both.
type Resubmission struct {
	Version    int64      // the chain's version the applicant saw
	Supplement string     // the answer to what was asked
	Amend      *Amendment // the case as corrected; nil for a reply only
}

// Amendment is the application's case as the applicant corrects it on a return:
// the amounts, the statement and the payee. The household and causes stay. A
// blank payee account keeps the account on file.
type Amendment struct {
	Means     Means // Size is the application's own
	Requested int64
	Statement string
	Payee     Payee
}

// Change is one field a resubmission changed, shown in the history.
type Change struct {
	Field, Before, After string
	Money                bool // Before and After are fen
	ActorName            string
	At                   time.Time
}

// Resubmit answers a return: the applicant (the worker, or staff of the
// household's union in their subtree) replies, corrects the case, or both, and
// the application goes back to the level that asked. What changed is kept for
// the history; the category is worked out again from the corrected amounts.
func (s *Store) Resubmit(ctx context.Context, id int64, r Resubmission) (*Application, error) {
	app, err := s.loadFor(ctx, id)
	if err != nil {
		return nil, err
	}
	r.Supplement = strings.TrimSpace(r.Supplement)
	var changes []Change
	if r.Amend != nil {
		if changes, err = s.checkAmendment(ctx, app, r.Amend); err != nil {
			return nil, err
		}
	}
	if r.Supplement == "" && len(changes) == 0 {
		return nil, platform.Invalid().Field("supplement", "relief.err.supplement")
	}
	statement := app.Statement
	if r.Amend != nil {
		statement = r.Amend.Statement
	}
	if utf8.RuneCountInString(statement)+utf8.RuneCountInString(r.Supplement) > 4*MaxStatement {
		return nil, platform.Invalid().Field("supplement", "relief.err.statement_long")
	}
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.now()
		it, err := review.Load(ctx, tx, EntityType, id, now)
		if err != nil {
			return err
		}
		if it, err = review.Resubmit(ctx, tx, now, it.ID, r.Version); err != nil {
			return err
		}
		if err := s.amend(ctx, tx, app, r.Amend, changes, now); err != nil {
			return err
		}
		if r.Supplement != "" {
			stamp := now.In(platform.Shanghai).Format("2006-01-02 15:04")
			if _, err := tx.Exec(ctx, `UPDATE relief_applications SET statement = statement || ? WHERE id = ?`,
				"\n\n【"+stamp+" 补充】"+r.Supplement, id); err != nil {
				return fmt.Errorf("relief: supplement: %w", err)
			}
		}
		if err := syncApplication(ctx, tx, id, it, now, 0); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "relief.resubmit", EntityType: EntityType, EntityID: strconv.FormatInt(id, 10),
			OrgID: app.OrgID, OrgPath: app.OrgPath, Summary: resubmitSummary(changes)})
	})
	if err != nil {
		return nil, err
	}
	return s.loadFor(ctx, id)
}

func resubmitSummary(changes []Change) string {
	if len(changes) == 0 {
		return "补充材料后重新提交"
	}
	fields := make([]string, len(changes))
	for i, c := range changes {
		fields[i] = c.Field
		if c.Money {
			fields[i] += fmt.Sprintf("(%s→%s分)", c.Before, c.After)
		}
	}
	return "修改后重新提交：" + strings.Join(fields, ",")
}

// checkAmendment validates a corrected case against the programme's rules and
// lists what it changes.
func (s *Store) checkAmendment(ctx context.Context, app *Application, a *Amendment) ([]Change, error) {
	p, err := s.programmeByID(ctx, s.db, app.ProgrammeID)
	if err != nil {
		return nil, err
	}
	a.Statement = strings.TrimSpace(a.Statement)
	a.Means.Size = app.Means.Size
	v := platform.Invalid()
	checkAmounts(v, a.Means, a.Requested, p.CapApplication)
	if a.Statement == "" {
		v.Field("statement", "relief.err.statement")
	} else if utf8.RuneCountInString(a.Statement) > 4*MaxStatement { // earlier replies are part of it
		v.Field("statement", "relief.err.statement_long")
	}
	a.Payee.validate(v, app.Payee.Account != "")
	if err := v.OrNil(); err != nil {
		return nil, err
	}
	return diffCase(app, a), nil
}

// diffCase lists the fields a corrects; the payee's account only by its mask.
func diffCase(app *Application, a *Amendment) []Change {
	var out []Change
	money := func(field string, before, after int64) {
		if before != after {
			out = append(out, Change{Field: field, Before: strconv.FormatInt(before, 10), After: strconv.FormatInt(after, 10), Money: true})
		}
	}
	text := func(field, before, after string) {
		if before != after {
			out = append(out, Change{Field: field, Before: before, After: after})
		}
	}
	o, n := app.Means, a.Means
	money("income", o.Income, n.Income)
	money("unavoidable", o.Unavoidable, n.Unavoidable)
	money("medical_costs", o.MedicalCosts, n.MedicalCosts)
	money("insurance_paid", o.InsurancePaid, n.InsurancePaid)
	money("losses", o.Losses, n.Losses)
	money("tuition", o.Tuition, n.Tuition)
	money("requested", app.Requested, a.Requested)
	text("statement", app.Statement, a.Statement)
	if a.Payee.Empty() {
		return out // no payee given: the one on file stays
	}
	text("payee_name", app.Payee.Name, a.Payee.Name)
	text("payee_bank", app.Payee.Bank, a.Payee.Bank)
	if a.Payee.Account != "" {
		text("payee_account", app.Payee.Account, MaskAccount(a.Payee.Account))
	}
	return out
}

// amend writes a corrected case, its category and its changes.
func (s *Store) amend(ctx context.Context, tx *platform.Tx, app *Application, a *Amendment, changes []Change, now time.Time) error {
	if a == nil || len(changes) == 0 {
		return nil
	}
	dibao, err := dibaoOf(ctx, tx, app.DistrictID, app.Year)
	if err != nil {
		return fmt.Errorf("relief: dibao: %w", err)
	}
	cat := Category("")
	if dibao > 0 {
		cat = Classify(a.Means, dibao, app.Causes)
	}
	m := a.Means
	q := `UPDATE relief_applications SET income = ?, unavoidable = ?, medical_costs = ?, insurance_paid = ?, losses = ?,
		tuition = ?, requested = ?, statement = ?, category = ?`
	args := []any{m.Income, m.Unavoidable, m.MedicalCosts, m.InsurancePaid, m.Losses, m.Tuition, a.Requested, a.Statement, string(cat)}
	if !a.Payee.Empty() {
		q += `, payee_name = ?, payee_bank = ?`
		args = append(args, a.Payee.Name, a.Payee.Bank)
		if a.Payee.Account != "" {
			q += `, payee_account_sealed = ?, payee_account_masked = ?`
			args = append(args, s.sealAccount(a.Payee.Account), MaskAccount(a.Payee.Account))
		}
	}
	if _, err := tx.Exec(ctx, q+` WHERE id = ?`, append(args, app.ID)...); err != nil {
		return fmt.Errorf("relief: amend %d: %w", app.ID, err)
	}
	who := actorName(platform.ActorFrom(ctx))
	for _, c := range changes {
		if _, err := tx.Exec(ctx, `INSERT INTO relief_amendments (city_id, application_id, field, before_value, after_value, actor_name, at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, app.CityID, app.ID, c.Field, c.Before, c.After, who, now); err != nil {
			return fmt.Errorf("relief: amendment: %w", err)
		}
	}
	return nil
}

// changesOf lists what resubmissions changed on an application, oldest first.
func (s *Store) changesOf(ctx context.Context, appID int64) ([]Change, error) {
	rows, err := s.db.Query(ctx, `SELECT field, before_value, after_value, actor_name, at FROM relief_amendments
		WHERE application_id = ? ORDER BY id`, appID)
	if err != nil {
		return nil, fmt.Errorf("relief: amendments: %w", err)
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		if err := rows.Scan(&c.Field, &c.Before, &c.After, &c.ActorName, &c.At); err != nil {
			return nil, err
		}
		c.Money = c.Field != "statement" && !strings.HasPrefix(c.Field, "payee_")
		out = append(out, c)
	}
	return out, rows.Err()
}
