package relief

import (
	"context"
	"fmt"
)

// Finding is one check's result shown to reviewers: a catalogue key with its
// arguments, and whether it is a concern (Warn) or a pass.
type Finding struct {
	Key  string
	Args []any
	Warn bool
}

// findings runs the checks reviewers see: membership of a joined union, the
// caps, another open application for the household, aid in the last 12 months,
// a person listed in two households, and a missing 低保.
func (s *Store) findings(ctx context.Context, app *Application) ([]Finding, error) {
	var out []Finding
	add := func(warn bool, key string, args ...any) { out = append(out, Finding{Key: key, Args: args, Warn: warn}) }
	var member string
	var joined int
	err := s.db.QueryRow(ctx, `SELECT w.member_status, (SELECT COUNT(*) FROM relief_joined_unions j
		WHERE j.programme_id = ? AND j.org_id = w.org_id) FROM workers w WHERE w.id = ?`, app.ProgrammeID, app.WorkerID).Scan(&member, &joined)
	if err != nil {
		return nil, fmt.Errorf("relief: membership check: %w", err)
	}
	add(member != "member", map[bool]string{true: "relief.check.member_ok", false: "relief.check.not_member"}[member == "member"])
	add(joined == 0, map[bool]string{true: "relief.check.union_joined", false: "relief.check.union_not_joined"}[joined > 0])
	p, err := s.programmeByID(ctx, s.db, app.ProgrammeID)
	if err != nil {
		return nil, err
	}
	var household int64
	if err := s.db.QueryRow(ctx, `SELECT COALESCE(SUM(amount), 0) FROM relief_grants WHERE worker_id = ? AND year = ? AND application_id <> ? AND status <> 'revoked'`,
		app.WorkerID, app.Year, app.ID).Scan(&household); err != nil {
		return nil, fmt.Errorf("relief: caps check: %w", err)
	}
	switch {
	case app.Requested > p.CapApplication:
		add(true, "relief.check.over_cap_application", yuan(p.CapApplication))
	case household+app.Requested > p.CapHousehold:
		add(true, "relief.check.over_cap_household", yuan(household), yuan(p.CapHousehold))
	default:
		add(false, "relief.check.caps_ok", yuan(p.CapApplication), yuan(p.CapHousehold-household))
	}
	var open, recent int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM relief_applications WHERE worker_id = ? AND id <> ? AND status IN ('pending', 'returned')`,
		app.WorkerID, app.ID).Scan(&open); err != nil {
		return nil, fmt.Errorf("relief: open check: %w", err)
	}
	if open > 0 {
		add(true, "relief.check.other_open", open)
	}
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM relief_grants WHERE worker_id = ? AND application_id <> ? AND created_at >= ? AND status <> 'revoked'`,
		app.WorkerID, app.ID, s.now().AddDate(-1, 0, 0)).Scan(&recent); err != nil {
		return nil, fmt.Errorf("relief: recent aid check: %w", err)
	}
	if recent > 0 {
		add(true, "relief.check.recent_aid", recent)
	}
	twice, err := s.inTwoHouseholds(ctx, app)
	if err != nil {
		return nil, err
	}
	if twice > 0 {
		add(true, "relief.check.two_households", twice)
	}
	if open == 0 && recent == 0 && twice == 0 {
		add(false, "relief.check.no_duplicates")
	}
	if err := s.payeeFinding(ctx, app, add); err != nil {
		return nil, err
	}
	if app.Category == None {
		if d, _ := dibaoOf(ctx, s.db, app.DistrictID, app.Year); d == 0 {
			add(true, "relief.check.no_dibao")
		} else {
			add(true, "relief.check.not_in_hardship")
		}
	}
	return out, nil
}

// payeeFinding tells reviewers whether the bank can pay: a payee is missing, or
// the account fails its check digit (a likely typo, or an account without one).
func (s *Store) payeeFinding(ctx context.Context, app *Application, add func(bool, string, ...any)) error {
	if app.Payee.Account == "" {
		add(true, "relief.check.no_payee")
		return nil
	}
	var sealed string
	if err := s.db.QueryRow(ctx, `SELECT payee_account_sealed FROM relief_applications WHERE id = ?`, app.ID).Scan(&sealed); err != nil {
		return fmt.Errorf("relief: payee check: %w", err)
	}
	acc, err := s.keys.Open(sealed)
	if err != nil {
		return fmt.Errorf("relief: payee check: %w", err)
	}
	if !LuhnOK(acc) {
		add(true, "relief.check.account_luhn", app.Payee.Account)
		return nil
	}
	add(false, "relief.check.payee_ok", app.Payee.Name, app.Payee.Bank, app.Payee.Account)
	return nil
}

// inTwoHouseholds counts the people of this application (the worker and the
// chosen members) whose id number is also listed in another worker's household
// or is another worker's own: found by blind index, never by clear text.
func (s *Store) inTwoHouseholds(ctx context.Context, app *Application) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `WITH people_here AS (
			SELECT id_index FROM workers WHERE id = ? AND id_index IS NOT NULL
			UNION SELECT id_index FROM household_members WHERE worker_id = ? AND id_index IS NOT NULL)
		SELECT COUNT(*) FROM people_here p WHERE
			EXISTS (SELECT 1 FROM household_members h WHERE h.id_index = p.id_index AND h.worker_id <> ?)
			OR EXISTS (SELECT 1 FROM workers w WHERE w.id_index = p.id_index AND w.id <> ?)`,
		app.WorkerID, app.WorkerID, app.WorkerID, app.WorkerID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("relief: household check: %w", err)
	}
	return n, nil
}

// yuan formats fen as yuan with two decimals, for messages.
func yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}
