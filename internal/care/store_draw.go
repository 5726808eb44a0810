package care

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
)

// DrawResult sums up a draw.
type DrawResult struct {
	Seq        int
	Seed       string
	Entrants   int
	Offered    int
	Waitlisted int
	Ineligible int
}

type drawEntrant struct {
	id, session, worker, org int64
	facts                    Facts
}

// Draw runs the activity's lottery once sign-up has closed: eligibility is
// checked again, each session's eligible sign-ups are put in DrawOrder by the
// activity's seed, the first `quota` are offered a place and the rest wait in
// that order. Drawing again needs a reason; it uses a fresh seed, and both
// draws stay on record and in the audit log.
func (s *Store) Draw(ctx context.Context, activityID int64, reason string) (*DrawResult, error) {
	a, err := staff(ctx)
	if err != nil {
		return nil, err
	}
	res := &DrawResult{}
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		act, seed, err := loadActivity(ctx, tx, activityID)
		if err != nil || !a.Covers(act.OrgPath) {
			return platform.NotFound
		}
		now := s.clock.Now().UTC()
		reason = strings.TrimSpace(reason)
		if now.Before(act.ClosesAt) {
			return platform.Errorf(platform.CodeConflict, "care.err.draw_early")
		}
		hash := act.SeedHash
		if act.Status == "drawn" {
			if reason == "" || utf8.RuneCountInString(reason) > 200 {
				return platform.Invalid().Field("reason", "care.err.redraw_reason")
			}
			seed, hash = NewSeed()
			if err := resetDraw(ctx, tx, act.ID); err != nil {
				return err
			}
		}
		entrants, err := s.drawEntrants(ctx, tx, act)
		if err != nil {
			return err
		}
		res.Seq, res.Seed, res.Entrants = act.Draws+1, seed, len(entrants)
		if err := s.placeEntrants(ctx, tx, act, seed, entrants, now, res); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO care_draws (city_id, activity_id, seq, seed, seed_hash, reason, entrants, drawn_at,
			drawn_by, drawn_by_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, act.CityID, act.ID, res.Seq, seed, hash, reason,
			len(entrants), now, a.AccountID, a.Name); err != nil {
			return fmt.Errorf("care: record draw: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE care_activities SET status = 'drawn', draws = draws + 1, drawn_at = ?, seed = ?,
			seed_hash = ?, updated_at = ?, version = version + 1 WHERE id = ?`, now, seed, hash, now, act.ID); err != nil {
			return fmt.Errorf("care: mark drawn: %w", err)
		}
		action, summary := "care.activity.draw", fmt.Sprintf("摇号 %s：%d 人报名，%d 人中签，%d 人候补", act.Title, len(entrants), res.Offered, res.Waitlisted)
		if res.Seq > 1 {
			action, summary = "care.activity.redraw", summary+"；重新摇号原因："+reason
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: action, EntityType: "care_activity",
			EntityID: strconv.FormatInt(act.ID, 10), OrgID: act.OrgID, OrgPath: act.OrgPath, Summary: summary + "；种子 " + seed})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// resetDraw puts every drawn sign-up back to pending before a re-draw;
// cancelled ones stay cancelled.
func resetDraw(ctx context.Context, tx *platform.Tx, activityID int64) error {
	if _, err := tx.Exec(ctx, `UPDATE care_signups SET status = 'pending', draw_rank = NULL, offered_at = NULL, confirm_by = NULL,
		decided_at = NULL, reason = '' WHERE activity_id = ? AND status <> 'cancelled'`, activityID); err != nil {
		return fmt.Errorf("care: reset draw: %w", err)
	}
	// a withdrawn sign-up takes no part in the new draw: its old place goes
	if _, err := tx.Exec(ctx, `UPDATE care_signups SET draw_rank = NULL WHERE activity_id = ? AND status = 'cancelled'`, activityID); err != nil {
		return fmt.Errorf("care: reset draw: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE care_sessions SET placed = 0 WHERE activity_id = ?`, activityID); err != nil {
		return fmt.Errorf("care: reset sessions: %w", err)
	}
	return nil
}

// drawEntrants reads the pending sign-ups with their workers' facts in one
// pass (in no particular order: DrawOrder's order depends on ids alone), the
// unions' paths once per union, and, when the activity weights hardship,
// the hardship archive through relief's batch answer.
func (s *Store) drawEntrants(ctx context.Context, tx *platform.Tx, act *Activity) ([]drawEntrant, error) {
	rows, err := tx.Query(ctx, `SELECT g.id, g.session_id, g.worker_id, w.member_status, w.org_id, w.birth_date, w.group_code,
		w.model_level FROM care_signups g JOIN workers w ON w.id = g.worker_id
		WHERE g.activity_id = ? AND g.status = 'pending'`, act.ID)
	if err != nil {
		return nil, fmt.Errorf("care: entrants: %w", err)
	}
	var out []drawEntrant
	for rows.Next() {
		var e drawEntrant
		var status string
		if err := rows.Scan(&e.id, &e.session, &e.worker, &status, &e.org, &e.facts.BirthDate, &e.facts.GroupCode,
			&e.facts.ModelLevel); err != nil {
			rows.Close()
			return nil, err
		}
		e.facts.Member = status == "member"
		out = append(out, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("care: entrants: %w", err)
	}
	paths, err := orgPaths(ctx, tx, out)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].facts.OrgPath = paths[out[i].org]
	}
	if act.Weights.Hardship == 0 {
		return out, nil // no rule or weight reads the archive
	}
	return out, s.hardshipOf(ctx, out)
}

// orgPaths reads the path of each entrant's union, once per union.
func orgPaths(ctx context.Context, tx *platform.Tx, es []drawEntrant) (map[int64]string, error) {
	paths := map[int64]string{}
	var ids []any
	for _, e := range es {
		if _, ok := paths[e.org]; !ok {
			paths[e.org] = ""
			ids = append(ids, e.org)
		}
	}
	for lo := 0; lo < len(ids); lo += 500 {
		part := ids[lo:min(lo+500, len(ids))]
		rows, err := tx.Query(ctx, `SELECT id, path FROM orgs WHERE id IN (`+
			platform.Placeholders(len(part))+`)`, part...)
		if err != nil {
			return nil, fmt.Errorf("care: union paths: %w", err)
		}
		for rows.Next() {
			var id int64
			var path string
			if err := rows.Scan(&id, &path); err != nil {
				rows.Close()
				return nil, fmt.Errorf("care: union paths: %w", err)
			}
			paths[id] = path
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("care: union paths: %w", err)
		}
	}
	return paths, nil
}

// hardshipOf asks relief, in one batch call, which entrants' households are
// in the hardship archive.
func (s *Store) hardshipOf(ctx context.Context, es []drawEntrant) error {
	if s.hardship == nil || len(es) == 0 {
		return nil
	}
	ids := make([]int64, len(es))
	for i := range es {
		ids[i] = es[i].worker
	}
	in, err := s.hardship.InHardshipArchiveAll(ctx, ids)
	if err != nil {
		return fmt.Errorf("care: hardship: %w", err)
	}
	for i := range es {
		es[i].facts.Hardship = in[es[i].worker]
	}
	return nil
}

// placeEntrants re-checks eligibility, orders each session and writes the
// outcome: the facts were read in bulk, the order is worked out in memory and
// the places go back a few thousand rows per statement.
func (s *Store) placeEntrants(ctx context.Context, tx *platform.Tx, act *Activity, seed string, es []drawEntrant, now time.Time, res *DrawResult) error {
	key, ok := SeedBytes(seed)
	if !ok {
		return fmt.Errorf("care: activity %d has a malformed seed", act.ID)
	}
	bySession := map[int64][]Entry{}
	refused := map[string][]int64{}
	for _, e := range es {
		if rule := act.Refusal(e.facts, now); rule != "" {
			res.Ineligible++
			refused[rule] = append(refused[rule], e.id)
			continue
		}
		bySession[e.session] = append(bySession[e.session], Entry{ID: e.id, Weight: act.Weight(e.facts)})
	}
	if err := markIneligible(ctx, tx, refused, now); err != nil {
		return err
	}
	orders := make([][]Entry, len(act.Sessions))
	for i, se := range act.Sessions {
		orders[i] = DrawOrder(key, bySession[se.ID])
	}
	if err := writeRanks(ctx, tx, orders); err != nil {
		return err
	}
	confirmBy := now.Add(time.Duration(act.ConfirmDays) * 24 * time.Hour)
	for i, se := range act.Sessions {
		// the first `quota` in draw order hold a place; the rest wait
		if _, err := tx.Exec(ctx, `UPDATE care_signups SET status = 'offered', offered_at = ?, confirm_by = ?
			WHERE session_id = ? AND status = 'waitlist' AND draw_rank <= ?`, now, confirmBy, se.ID, se.Quota); err != nil {
			return fmt.Errorf("care: offer places: %w", err)
		}
		placed := min(len(orders[i]), se.Quota)
		res.Offered += placed
		res.Waitlisted += len(orders[i]) - placed
		if _, err := tx.Exec(ctx, `UPDATE care_sessions SET placed = ? WHERE id = ? AND ? <= quota`, placed, se.ID, placed); err != nil {
			return fmt.Errorf("care: session placed: %w", err)
		}
	}
	return nil
}

// rankBatch is how many sign-ups one statement writes: three parameters each,
// well inside SQLite's 32,766 and PostgreSQL's 65,535 parameters.
const rankBatch = 4000

// markIneligible records the refusals, one statement per rule and batch.
func markIneligible(ctx context.Context, tx *platform.Tx, refused map[string][]int64, now time.Time) error {
	rules := make([]string, 0, len(refused))
	for r := range refused {
		rules = append(rules, r)
	}
	slices.Sort(rules)
	for _, rule := range rules {
		ids := refused[rule]
		for lo := 0; lo < len(ids); lo += rankBatch {
			part := ids[lo:min(lo+rankBatch, len(ids))]
			args := make([]any, 0, 2+len(part))
			args = append(args, rule, now)
			for _, id := range part {
				args = append(args, id)
			}
			q := `UPDATE care_signups SET status = 'ineligible', reason = ?, decided_at = ?, draw_rank = NULL WHERE id IN (` +
				platform.Placeholders(len(part)) + `)`
			if _, err := tx.ExecRepeated(ctx, q, args...); err != nil {
				return fmt.Errorf("care: ineligible: %w", err)
			}
		}
	}
	return nil
}

// writeRanks stores each sign-up's place in its session's order (1 first)
// and its weight, all as waiting. The places go into a temporary table, a
// batch of rows per prepared INSERT in id order, and one set-based UPDATE
// then writes them all: one join for the engine to plan and run instead of a
// join per batch (PostgreSQL planned each VALUES join anew, scanning the
// sign-ups every time).
func writeRanks(ctx context.Context, tx *platform.Tx, orders [][]Entry) error {
	type place struct{ id, rank, weight int64 }
	var ps []place
	for _, order := range orders {
		for i, e := range order {
			ps = append(ps, place{e.ID, int64(i + 1), int64(e.Weight)})
		}
	}
	slices.SortFunc(ps, func(a, b place) int { return cmp.Compare(a.id, b.id) })
	// Dropped at the end; on an error the rollback undoes the CREATE.
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE care_draw_places (id BIGINT PRIMARY KEY, rnk BIGINT NOT NULL,
		wt BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("care: places table: %w", err)
	}
	args := make([]any, 0, 3*rankBatch)
	for lo := 0; lo < len(ps); lo += rankBatch {
		part := ps[lo:min(lo+rankBatch, len(ps))]
		args = args[:0]
		for _, p := range part {
			args = append(args, p.id, p.rank, p.weight)
		}
		q := `INSERT INTO care_draw_places (id, rnk, wt) VALUES ` + strings.TrimSuffix(strings.Repeat("(?, ?, ?),", len(part)), ",")
		if _, err := tx.ExecRepeated(ctx, q, args...); err != nil {
			return fmt.Errorf("care: write places: %w", err)
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE care_signups SET status = 'waitlist', draw_rank = p.rnk, weight = p.wt, offered_at = NULL,
		confirm_by = NULL FROM care_draw_places p WHERE care_signups.id = p.id`); err != nil {
		return fmt.Errorf("care: write ranks: %w", err)
	}
	if _, err := tx.Exec(ctx, `DROP TABLE care_draw_places`); err != nil {
		return fmt.Errorf("care: places table: %w", err)
	}
	return nil
}

// Confirm takes up the signed-in worker's offered place before its deadline.
func (s *Store) Confirm(ctx context.Context, signupID int64) error {
	w, err := workerActor(ctx)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now().UTC()
		res, err := tx.Exec(ctx, `UPDATE care_signups SET status = 'confirmed', decided_at = ?
			WHERE id = ? AND worker_id = ? AND status = 'offered' AND confirm_by >= ?`, now, signupID, w.WorkerID, now)
		if err != nil {
			return fmt.Errorf("care: confirm: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		status, err := signupStatus(ctx, tx, signupID, w.WorkerID)
		if err != nil {
			return err
		}
		if status == SignupOffered {
			return platform.Errorf(platform.CodeConflict, "care.err.offer_expired")
		}
		return platform.Errorf(platform.CodeConflict, "care.err.not_offered")
	})
}

func signupStatus(ctx context.Context, tx *platform.Tx, id, worker int64) (string, error) {
	var status string
	err := tx.QueryRow(ctx, `SELECT status FROM care_signups WHERE id = ? AND worker_id = ?`, id, worker).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return "", platform.NotFound
	}
	return status, err
}

// Cancel withdraws the signed-in worker's sign-up. A place given up passes
// to exactly one worker: the first on the session's waitlist in draw order.
func (s *Store) Cancel(ctx context.Context, signupID int64) error {
	w, err := workerActor(ctx)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now().UTC()
		var session int64
		err := tx.QueryRow(ctx, `UPDATE care_signups SET status = 'cancelled', decided_at = ?
			WHERE id = ? AND worker_id = ? AND status IN ('offered', 'confirmed') RETURNING session_id`,
			now, signupID, w.WorkerID).Scan(&session)
		if err == nil {
			return s.release(ctx, tx, session, now)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("care: cancel: %w", err)
		}
		res, err := tx.Exec(ctx, `UPDATE care_signups SET status = 'cancelled', decided_at = ?
			WHERE id = ? AND worker_id = ? AND status IN ('pending', 'waitlist')`, now, signupID, w.WorkerID)
		if err != nil {
			return fmt.Errorf("care: cancel: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		if _, err := signupStatus(ctx, tx, signupID, w.WorkerID); err != nil {
			return err
		}
		return platform.Errorf(platform.CodeConflict, "care.err.cannot_cancel")
	})
}

// release frees one place of a session and offers it to the first waiting.
func (s *Store) release(ctx context.Context, tx *platform.Tx, session int64, now time.Time) error {
	res, err := tx.Exec(ctx, `UPDATE care_sessions SET placed = placed - 1 WHERE id = ? AND placed > 0`, session)
	if err != nil {
		return fmt.Errorf("care: release: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("care: release: session %d had no place taken", session)
	}
	return promote(ctx, tx, session, now)
}

// promote offers free places of a session to the waitlist in draw order, each
// place taken by a guarded update so the quota is never exceeded.
func promote(ctx context.Context, tx *platform.Tx, session int64, now time.Time) error {
	var days int
	if err := tx.QueryRow(ctx, `SELECT a.confirm_days FROM care_sessions se JOIN care_activities a ON a.id = se.activity_id
		WHERE se.id = ?`, session).Scan(&days); err != nil {
		return fmt.Errorf("care: promote: %w", err)
	}
	for {
		var next int64
		err := tx.QueryRow(ctx, `SELECT id FROM care_signups WHERE session_id = ? AND status = 'waitlist'
			ORDER BY draw_rank LIMIT 1`, session).Scan(&next)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("care: next waiting: %w", err)
		}
		res, err := tx.Exec(ctx, `UPDATE care_sessions SET placed = placed + 1 WHERE id = ? AND placed < quota`, session)
		if err != nil {
			return fmt.Errorf("care: take place: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil // full
		}
		res, err = tx.Exec(ctx, `UPDATE care_signups SET status = 'offered', offered_at = ?, confirm_by = ?
			WHERE id = ? AND status = 'waitlist'`, now, now.Add(time.Duration(days)*24*time.Hour), next)
		if err != nil {
			return fmt.Errorf("care: promote: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		// someone else moved that sign-up meanwhile: give the place back, try the next
		if _, err := tx.Exec(ctx, `UPDATE care_sessions SET placed = placed - 1 WHERE id = ? AND placed > 0`, session); err != nil {
			return fmt.Errorf("care: promote: %w", err)
		}
	}
}
