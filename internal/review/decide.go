package review

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
)

// Decision is one reviewer's answer on an item's current step.
type Decision struct {
	ItemID  int64
	Version int64 // the version the reviewer saw; a stale one is a conflict
	Action  Action
	Amount  int64  // fen this level grants; approve only
	Reason  string // required to return or reject

	// SkipHistory leaves Outcome.Item without its events, for a caller that
	// does not show them: one round trip fewer.
	SkipHistory bool
	// Item, when set, is the item as the caller read it in this transaction
	// (with ItemSelect and ReadItem, joined to its own row): Decide does not read
	// it again. Its version is still checked by the guarded update.
	Item *Item
	// DeferAudit leaves the decision's audit row to the caller, in Outcome.Audit,
	// so it can record it together with its own (audit.RecordAll) in the same
	// transaction.
	DeferAudit bool
}

// MaxReason caps a reason's length in characters.
const MaxReason = 500

// Validate checks the decision's own fields.
func (d Decision) Validate() error {
	v := platform.Invalid()
	switch d.Action {
	case Approve:
		if d.Amount < 0 {
			v.Field("amount", "review.err.amount")
		}
	case Return, Reject:
		if strings.TrimSpace(d.Reason) == "" {
			v.Field("reason", "review.err.reason_required")
		}
		if d.Amount != 0 {
			v.Field("amount", "review.err.amount_only_approve")
		}
	default:
		v.Field("action", "review.err.action")
	}
	if utf8.RuneCountInString(d.Reason) > MaxReason {
		v.Field("reason", "review.err.reason_long")
	}
	return v.OrNil()
}

// Outcome is what a decision did.
type Outcome struct {
	Item  *Item       // as it stands after the decision
	Step  Step        // the step decided
	Final bool        // the item is now approved or rejected
	Audit audit.Entry // the decision's audit row; already recorded unless DeferAudit
}

// Decide applies d for the actor in ctx inside the caller's transaction, audited
// there. It refuses: an item outside the actor's subtree (not found), a stale
// version or an item no longer pending (conflict: the item changed), a step
// belonging to another org, and the submitter's own item (forbidden).
func Decide(ctx context.Context, tx *platform.Tx, now time.Time, d Decision) (*Outcome, error) {
	d.Reason = strings.TrimSpace(d.Reason)
	if err := d.Validate(); err != nil {
		return nil, err
	}
	a := platform.ActorFrom(ctx)
	it := d.Item
	if it == nil {
		var err error
		if it, err = loadItem(ctx, tx, d.ItemID, now, !d.SkipHistory); err != nil {
			return nil, err
		}
	} else if !d.SkipHistory {
		if err := events(ctx, tx, it); err != nil {
			return nil, err
		}
	}
	if a == nil || (a.Kind != "staff" && a.Kind != "api") || !a.Covers(it.OrgPath) {
		return nil, platform.NotFound
	}
	if it.Version != d.Version || it.Status != Pending {
		return nil, platform.Errorf(platform.CodeConflict, "review.err.changed")
	}
	st := it.Current()
	if st == nil || st.Status != StepPending {
		return nil, platform.Errorf(platform.CodeConflict, "review.err.changed")
	}
	if kind, id := SubmitterOf(a); kind == it.SubmitterKind && id == it.SubmitterID {
		return nil, platform.Errorf(platform.CodeForbidden, "review.err.own_item")
	}
	if a.OrgID != st.OrgID {
		return nil, platform.Errorf(platform.CodeForbidden, "review.err.not_your_step", st.OrgName)
	}
	next, status := it.CurrentSeq, it.Status
	stepStatus := map[Action]string{Approve: StepApproved, Return: StepReturned, Reject: StepRejected}[d.Action]
	switch d.Action {
	case Approve:
		if next+1 < len(it.Steps) {
			next++
		} else {
			status = Approved
		}
	case Return:
		status = Returned
	case Reject:
		status = Rejected
	}
	// The guarded update is the decision's lock: of two reviewers on one version,
	// the second finds no row and is told the item changed.
	res, err := tx.Exec(ctx, `UPDATE review_items SET status = ?, current_seq = ?, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ? AND status = 'pending'`, status, next, now, it.ID, d.Version)
	if err != nil {
		return nil, fmt.Errorf("review: decide %d: %w", it.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, platform.Errorf(platform.CodeConflict, "review.err.changed")
	}
	amount := d.Amount
	if d.Action != Approve {
		amount = 0
	}
	if err := decideSteps(ctx, tx, it, st.Seq, next, stepStatus, amount, d.Reason, a, now); err != nil {
		return nil, err
	}
	if err := addEvent(ctx, tx, it, st, string(d.Action), a.Name, "", amount, d.Reason, now); err != nil {
		return nil, err
	}
	entry := audit.Entry{Action: "review." + string(d.Action), EntityType: it.EntityType,
		EntityID: strconv.FormatInt(it.EntityID, 10), OrgID: st.OrgID, OrgPath: it.OrgPath,
		Summary: fmt.Sprintf("%s 第%d级(%s) 金额%d分 %s", d.Action, st.Seq+1, st.Level, amount, d.Reason)}
	if !d.DeferAudit {
		if err := audit.Record(ctx, tx, now, entry); err != nil {
			return nil, err
		}
	}
	// The item as it now stands, without reading it back.
	decided := now
	it.Steps[st.Seq].Status, it.Steps[st.Seq].Amount, it.Steps[st.Seq].Reason = stepStatus, amount, d.Reason
	it.Steps[st.Seq].DecidedByName, it.Steps[st.Seq].DecidedAt = a.Name, &decided
	if d.Action == Approve && next != it.CurrentSeq {
		opened := now
		it.Steps[next].Status, it.Steps[next].OpenedAt, it.Steps[next].DueOn = StepPending, &opened, AddWorkingDays(now, it.DueDays)
	}
	if !d.SkipHistory {
		it.Events = append(it.Events, Event{Seq: st.Seq, Level: st.Level, Action: string(d.Action), ActorName: a.Name,
			OrgName: st.OrgName, Amount: amount, Reason: d.Reason, At: now})
	}
	it.Status, it.CurrentSeq, it.UpdatedAt, it.Version = status, next, now, it.Version+1
	return &Outcome{Item: it, Step: it.Steps[st.Seq], Final: status == Approved || status == Rejected, Audit: entry}, nil
}

// decideSteps records the decision on step seq and, when an approval moves the
// chain on, opens step next with its deadline — one statement for both. (A step
// above the deciding one has never been decided: returns go back to the step
// that returned, so opening it only sets its status, opening and deadline.)
func decideSteps(ctx context.Context, tx *platform.Tx, it *Item, seq, next int, status string, amount int64, reason string,
	a *platform.Actor, now time.Time) error {
	if next == seq {
		next = -1 // nothing to open
	}
	_, err := tx.Exec(ctx, `UPDATE review_steps SET
		status = CASE WHEN seq = ? THEN ? ELSE 'pending' END,
		amount = CASE WHEN seq = ? THEN ? ELSE amount END,
		reason = CASE WHEN seq = ? THEN ? ELSE '' END,
		decided_by = CASE WHEN seq = ? THEN ? ELSE decided_by END,
		decided_by_name = CASE WHEN seq = ? THEN ? ELSE '' END,
		decided_at = CASE WHEN seq = ? THEN ? ELSE decided_at END,
		opened_at = CASE WHEN seq = ? THEN opened_at ELSE ? END,
		due_on = CASE WHEN seq = ? THEN due_on ELSE ? END
		WHERE item_id = ? AND seq IN (?, ?)`,
		seq, status, seq, amount, seq, reason, seq, a.AccountID, seq, a.Name, seq, now,
		seq, now, seq, AddWorkingDays(now, it.DueDays), it.ID, seq, next)
	if err != nil {
		return fmt.Errorf("review: decide step: %w", err)
	}
	return nil
}

func openStep(ctx context.Context, tx *platform.Tx, it *Item, seq int, now time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE review_steps SET status = 'pending', opened_at = ?, due_on = ?, reason = '',
		decided_by = NULL, decided_by_name = '', decided_at = NULL WHERE item_id = ? AND seq = ?`,
		now, AddWorkingDays(now, it.DueDays), it.ID, seq)
	if err != nil {
		return fmt.Errorf("review: open step %d: %w", seq, err)
	}
	return nil
}

// Resubmit puts a returned item back before the step that returned it, with a
// fresh deadline, inside the caller's transaction. The caller checks the actor
// is the applicant (or acts for them) and audits the resubmission.
func Resubmit(ctx context.Context, tx *platform.Tx, now time.Time, itemID, version int64) (*Item, error) {
	it, err := LoadItem(ctx, tx, itemID, now)
	if err != nil {
		return nil, err
	}
	res, err := tx.Exec(ctx, `UPDATE review_items SET status = 'pending', updated_at = ?, version = version + 1
		WHERE id = ? AND version = ? AND status = 'returned'`, now, itemID, version)
	if err != nil {
		return nil, fmt.Errorf("review: resubmit %d: %w", itemID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, platform.Errorf(platform.CodeConflict, "review.err.changed")
	}
	st := it.Current()
	if st == nil {
		return nil, platform.Errorf(platform.CodeConflict, "review.err.changed")
	}
	if err := openStep(ctx, tx, it, st.Seq, now); err != nil {
		return nil, err
	}
	if err := addEvent(ctx, tx, it, st, EventResubmit, actorName(platform.ActorFrom(ctx)), "", 0, "", now); err != nil {
		return nil, err
	}
	return LoadItem(ctx, tx, itemID, now)
}

// InboxRow is one step waiting for a reviewer's org.
type InboxRow struct {
	ItemID     int64
	EntityType string
	EntityID   int64
	Seq        int
	Level      string
	OpenedAt   time.Time
	DueOn      string
	Overdue    bool
}

// Inbox lists the steps pending at the actor's own org, overdue first (earliest
// due first), optionally for one entity type.
func Inbox(ctx context.Context, q Queryer, now time.Time, entityType string, limit int) ([]InboxRow, error) {
	a := platform.ActorFrom(ctx)
	if a == nil || a.OrgID == 0 {
		return nil, nil
	}
	where, args := ``, []any{a.OrgID}
	if entityType != "" {
		where, args = ` AND i.entity_type = ?`, append(args, entityType)
	}
	rows, err := q.Query(ctx, `SELECT i.id, i.entity_type, i.entity_id, s.seq, s.level, s.opened_at, s.due_on
		FROM review_steps s JOIN review_items i ON i.id = s.item_id
		WHERE s.org_id = ? AND s.status = 'pending' AND i.status = 'pending'`+where+`
		ORDER BY s.due_on, i.id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("review: inbox: %w", err)
	}
	defer rows.Close()
	var out []InboxRow
	for rows.Next() {
		var r InboxRow
		var opened sql.NullTime
		if err := rows.Scan(&r.ItemID, &r.EntityType, &r.EntityID, &r.Seq, &r.Level, &opened, &r.DueOn); err != nil {
			return nil, err
		}
		r.OpenedAt = opened.Time
		r.Overdue = Overdue(r.DueOn, now)
		out = append(out, r)
	}
	return out, rows.Err()
}
