package review

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"zhijia/internal/platform"
)

// Queryer reads: *platform.DB (reader pool) or *platform.Tx.
type Queryer interface {
	QueryRow(ctx context.Context, q string, args ...any) *sql.Row
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// Item is one thing under review with its chain and history.
type Item struct {
	ID            int64
	CityID        int64
	EntityType    string
	EntityID      int64
	OrgID         int64
	OrgPath       string
	SubmitterKind string // "account" (staff or API client) or "worker"
	SubmitterID   int64
	Status        Status
	CurrentSeq    int // index into Steps of the step deciding (or that returned it)
	DueDays       int
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Version       int64
	Steps         []Step
	Events        []Event
}

// Step is one level's place in the chain.
type Step struct {
	Seq           int
	Level         string
	OrgID         int64
	OrgName       string
	Status        string
	OpenedAt      *time.Time
	DueOn         string
	Amount        int64 // fen this level granted, when approved
	Reason        string
	DecidedByName string
	DecidedAt     *time.Time
	Overdue       bool
}

// Event is one line of an item's history.
type Event struct {
	Seq       int
	Level     string
	Action    string
	ActorName string
	OrgName   string
	Amount    int64
	Reason    string
	At        time.Time
}

// Current is the step deciding now (or that returned the item); nil once decided.
func (it *Item) Current() *Step {
	if it == nil || it.CurrentSeq < 0 || it.CurrentSeq >= len(it.Steps) {
		return nil
	}
	return &it.Steps[it.CurrentSeq]
}

// Granted sums the amounts every level approved.
func (it *Item) Granted() int64 {
	var n int64
	for _, s := range it.Steps {
		if s.Status == StepApproved {
			n += s.Amount
		}
	}
	return n
}

// NewItem is what Open needs to start a chain.
type NewItem struct {
	CityID        int64
	EntityType    string
	EntityID      int64
	OrgID         int64 // the org the item belongs to (e.g. the applicant's grassroots union)
	SubmitterKind string
	SubmitterID   int64
}

// SubmitterOf names the actor as items record their submitter.
func SubmitterOf(a *platform.Actor) (kind string, id int64) {
	if a == nil {
		return "system", 0
	}
	if a.Kind == "worker" {
		return "worker", a.WorkerID
	}
	if a.Kind == "system" {
		return "system", 0
	}
	return "account", a.AccountID
}

// Open starts the chain for an item inside the caller's transaction: steps from
// the org's path trimmed by cfg, the first one pending with its deadline. The
// caller audits the submission with its own words.
func Open(ctx context.Context, tx *platform.Tx, now time.Time, n NewItem, cfg Config) (*Item, error) {
	nodes, path, err := pathNodes(ctx, tx, n.OrgID)
	if err != nil {
		return nil, err
	}
	chain := ChainOf(nodes, cfg)
	if len(chain) == 0 {
		return nil, platform.Errorf(platform.CodeInvalid, "review.err.no_chain")
	}
	it := &Item{CityID: n.CityID, EntityType: n.EntityType, EntityID: n.EntityID, OrgID: n.OrgID, OrgPath: path,
		SubmitterKind: n.SubmitterKind, SubmitterID: n.SubmitterID, Status: Pending, DueDays: cfg.dueDays(),
		CreatedAt: now, UpdatedAt: now, Version: 1}
	err = tx.QueryRow(ctx, `INSERT INTO review_items (city_id, entity_type, entity_id, org_id, org_path, submitter_kind,
		submitter_id, status, current_seq, due_days, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)
		RETURNING id`, it.CityID, it.EntityType, it.EntityID, it.OrgID, path, it.SubmitterKind, it.SubmitterID,
		it.DueDays, now, now).Scan(&it.ID)
	if platform.IsUniqueViolation(err) {
		return nil, platform.Errorf(platform.CodeConflict, "review.err.exists")
	}
	if err != nil {
		return nil, fmt.Errorf("review: open: %w", err)
	}
	for i, node := range chain {
		st := Step{Seq: i, Level: node.Level, OrgID: node.ID, OrgName: node.Name, Status: StepWaiting}
		var opened any
		if i == 0 {
			st.Status, st.DueOn = StepPending, AddWorkingDays(now, it.DueDays)
			t := now
			st.OpenedAt, opened = &t, now
		}
		if _, err := tx.Exec(ctx, `INSERT INTO review_steps (city_id, item_id, seq, level, org_id, org_name, status, opened_at, due_on)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, it.CityID, it.ID, i, st.Level, st.OrgID, st.OrgName, st.Status, opened, st.DueOn); err != nil {
			return nil, fmt.Errorf("review: open step: %w", err)
		}
		it.Steps = append(it.Steps, st)
	}
	actor := platform.ActorFrom(ctx)
	if err := addEvent(ctx, tx, it, &it.Steps[0], EventSubmit, actorName(actor), "", 0, "", now); err != nil {
		return nil, err
	}
	return it, nil
}

// pathNodes loads the orgs on orgID's path.
func pathNodes(ctx context.Context, q Queryer, orgID int64) ([]Node, string, error) {
	var path string
	err := q.QueryRow(ctx, `SELECT path FROM orgs WHERE id = ?`, orgID).Scan(&path)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", platform.Errorf(platform.CodeInvalid, "review.err.no_chain")
	}
	if err != nil {
		return nil, "", fmt.Errorf("review: org %d: %w", orgID, err)
	}
	var nodes []Node
	for _, s := range PathIDs(path) {
		id, _ := strconv.ParseInt(s, 10, 64)
		var n Node
		err := q.QueryRow(ctx, `SELECT id, level, name, path FROM orgs WHERE id = ?`, id).Scan(&n.ID, &n.Level, &n.Name, &n.Path)
		if err != nil {
			return nil, "", fmt.Errorf("review: path org %d: %w", id, err)
		}
		nodes = append(nodes, n)
	}
	return nodes, path, nil
}

func actorName(a *platform.Actor) string {
	if a == nil {
		return ""
	}
	return a.Name
}

func addEvent(ctx context.Context, tx *platform.Tx, it *Item, st *Step, action, actor, org string, amount int64, reason string, now time.Time) error {
	if org == "" {
		org = st.OrgName
	}
	_, err := tx.Exec(ctx, `INSERT INTO review_events (city_id, item_id, seq, level, action, actor_name, org_name, amount, reason, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, it.CityID, it.ID, st.Seq, st.Level, action, actor, org, amount, reason, now)
	if err != nil {
		return fmt.Errorf("review: event: %w", err)
	}
	return nil
}

const itemColumns = `i.id, i.city_id, i.entity_type, i.entity_id, i.org_id, i.org_path, i.submitter_kind, i.submitter_id,
	i.status, i.current_seq, i.due_days, i.created_at, i.updated_at, i.version`

const stepColumns = `s.seq, s.level, s.org_id, s.org_name, s.status, s.opened_at, s.due_on, s.amount, s.reason,
	s.decided_by_name, s.decided_at`

// Load returns the item under review for an entity, with its steps and history.
// It does not check scope: the owning package does, by the entity's own rules.
func Load(ctx context.Context, q Queryer, entityType string, entityID int64, now time.Time) (*Item, error) {
	it, err := loadWhere(ctx, q, `i.entity_type = ? AND i.entity_id = ?`, now, true, entityType, entityID)
	if err != nil && !errors.Is(err, platform.NotFound) {
		return nil, fmt.Errorf("review: load %s %d: %w", entityType, entityID, err)
	}
	return it, err
}

// LoadItem is Load by the item's own id.
func LoadItem(ctx context.Context, q Queryer, id int64, now time.Time) (*Item, error) {
	return loadItem(ctx, q, id, now, true)
}

func loadItem(ctx context.Context, q Queryer, id int64, now time.Time, history bool) (*Item, error) {
	it, err := loadWhere(ctx, q, `i.id = ?`, now, history, id)
	if err != nil && !errors.Is(err, platform.NotFound) {
		return nil, fmt.Errorf("review: load item %d: %w", id, err)
	}
	return it, err
}

// loadWhere reads one item and its steps in one query (every item has at least
// one step), then its history when asked.
func loadWhere(ctx context.Context, q Queryer, where string, now time.Time, history bool, args ...any) (*Item, error) {
	rows, err := q.Query(ctx, `SELECT `+ItemSelect+` FROM review_items i
		JOIN review_steps s ON s.item_id = i.id WHERE `+where+` ORDER BY s.seq`, args...)
	if err != nil {
		return nil, err
	}
	it, err := ReadItem(rows, now)
	if err != nil {
		return nil, err
	}
	if history {
		return it, events(ctx, q, it)
	}
	return it, nil
}

// ItemSelect is the select list ReadItem reads: an item's columns (review_items
// as i) then its steps' (review_steps as s), one row per step. A programme that
// needs its own row with the chain selects ItemSelect, then its columns, joins
// its tables, orders by s.seq and reads it all in one round trip.
const ItemSelect = itemColumns + `, ` + stepColumns

// ReadItem reads an item and its steps from rows selected with ItemSelect first,
// and closes them; extra receive the caller's columns after those (the same on
// every row). No rows is NotFound. The item comes without its history.
func ReadItem(rows *sql.Rows, now time.Time, extra ...any) (*Item, error) {
	defer rows.Close()
	var it *Item
	for rows.Next() {
		cur, s := &Item{}, Step{}
		var opened, decided sql.NullTime
		dest := append([]any{&cur.ID, &cur.CityID, &cur.EntityType, &cur.EntityID, &cur.OrgID, &cur.OrgPath, &cur.SubmitterKind,
			&cur.SubmitterID, &cur.Status, &cur.CurrentSeq, &cur.DueDays, &cur.CreatedAt, &cur.UpdatedAt, &cur.Version,
			&s.Seq, &s.Level, &s.OrgID, &s.OrgName, &s.Status, &opened, &s.DueOn, &s.Amount, &s.Reason,
			&s.DecidedByName, &decided}, extra...)
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		if it == nil {
			it = cur
		}
		s.OpenedAt, s.DecidedAt = timePtr(opened), timePtr(decided)
		s.Overdue = s.Status == StepPending && Overdue(s.DueOn, now)
		it.Steps = append(it.Steps, s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if it == nil {
		return nil, platform.NotFound
	}
	return it, rows.Close()
}

func events(ctx context.Context, q Queryer, it *Item) error {
	ev, err := q.Query(ctx, `SELECT seq, level, action, actor_name, org_name, amount, reason, at FROM review_events
		WHERE item_id = ? ORDER BY id`, it.ID)
	if err != nil {
		return fmt.Errorf("review: events: %w", err)
	}
	defer ev.Close()
	for ev.Next() {
		var e Event
		if err := ev.Scan(&e.Seq, &e.Level, &e.Action, &e.ActorName, &e.OrgName, &e.Amount, &e.Reason, &e.At); err != nil {
			return err
		}
		it.Events = append(it.Events, e)
	}
	return ev.Err()
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time
	return &v
}
