package learning

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"zhijia/internal/audit"
	"zhijia/internal/people"
	"zhijia/internal/platform"
	"zhijia/internal/points"
)

const rewardCols = `r.id, r.city_id, r.org_id, o.name, r.name, r.description, r.cost, r.stock, r.per_person, r.opens_at,
	r.closes_at, r.active, r.version`

func scanReward(sc interface{ Scan(...any) error }, extra ...any) (Reward, error) {
	var r Reward
	var active int
	err := sc.Scan(append([]any{&r.ID, &r.CityID, &r.OrgID, &r.OrgName, &r.Name, &r.Description, &r.Cost, &r.Stock, &r.PerPerson,
		&r.OpensAt, &r.ClosesAt, &active, &r.Version}, extra...)...)
	r.Active = active == 1
	return r, err
}

// FindRewards lists the rewards offered by unions in the actor's subtree.
func (s *Store) FindRewards(ctx context.Context, limit, offset int) ([]Reward, int, error) {
	a, err := staffActor(ctx)
	if err != nil {
		return nil, 0, err
	}
	lo, hi := platform.SubtreeRange(a.OrgPath)
	rows, err := s.db.Query(ctx, `SELECT `+rewardCols+`, COUNT(*) OVER() FROM learning_rewards r JOIN orgs o ON o.id = r.org_id
		WHERE o.path >= ? AND o.path < ? ORDER BY r.closes_at DESC, r.id DESC LIMIT ? OFFSET ?`, lo, hi, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("learning: rewards: %w", err)
	}
	return platform.ScanPage(rows, func(total *int) (Reward, error) { return scanReward(rows, total) })
}

// Reward returns one reward offered in the actor's subtree.
func (s *Store) Reward(ctx context.Context, id int64) (*Reward, error) {
	a, err := staffActor(ctx)
	if err != nil {
		return nil, err
	}
	r, path, err := s.reward(ctx, s.db, id)
	if err != nil || !a.Covers(path) {
		return nil, platform.NotFound
	}
	return r, nil
}

func (s *Store) reward(ctx context.Context, q queryer, id int64) (*Reward, string, error) {
	var path string
	r, err := scanReward(q.QueryRow(ctx, `SELECT `+rewardCols+`, o.path FROM learning_rewards r JOIN orgs o ON o.id = r.org_id WHERE r.id = ?`, id), &path)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", platform.NotFound
	}
	if err != nil {
		return nil, "", fmt.Errorf("learning: reward %d: %w", id, err)
	}
	return &r, path, nil
}

// SaveReward adds a reward for the actor's own union (id 0) or changes one in
// their subtree (optimistic on version).
func (s *Store) SaveReward(ctx context.Context, id int64, in RewardInput) (int64, error) {
	r, err := in.Normalize()
	if err != nil {
		return 0, err
	}
	a, err := staffActor(ctx)
	if err != nil {
		return 0, err
	}
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now().UTC()
		action := "learning.reward.update"
		if id == 0 {
			o, err := loadOrg(ctx, tx, a.OrgID)
			if err != nil {
				return err
			}
			action = "learning.reward.create"
			err = tx.QueryRow(ctx, `INSERT INTO learning_rewards (city_id, org_id, name, description, cost, stock, per_person,
				opens_at, closes_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				o.cityID, o.id, r.Name, r.Description, r.Cost, r.Stock, r.PerPerson, r.OpensAt, r.ClosesAt, now, now).Scan(&id)
			if err != nil {
				return fmt.Errorf("learning: create reward: %w", err)
			}
		} else {
			_, path, err := s.reward(ctx, tx, id)
			if err != nil || !a.Covers(path) {
				return platform.NotFound
			}
			res, err := tx.Exec(ctx, `UPDATE learning_rewards SET name = ?, description = ?, cost = ?, stock = ?, per_person = ?,
				opens_at = ?, closes_at = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
				r.Name, r.Description, r.Cost, r.Stock, r.PerPerson, r.OpensAt, r.ClosesAt, now, id, in.Version)
			if err != nil {
				return fmt.Errorf("learning: update reward %d: %w", id, err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return platform.Errorf(platform.CodeConflict, "learning.err.stale_reward")
			}
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: action, EntityType: "learning_reward",
			EntityID: strconv.FormatInt(id, 10), Summary: fmt.Sprintf("%s：%d 积分，库存 %d", r.Name, r.Cost, r.Stock)})
	})
	return id, err
}

// ShopRewards lists the rewards the signed-in worker may redeem now: offered
// by a union on their path, open, with how many they took.
func (s *Store) ShopRewards(ctx context.Context) ([]Reward, error) {
	w, err := workerActor(ctx)
	if err != nil {
		return nil, err
	}
	wk := workerOf(w)
	ids := pathIDs(wk.path)
	now := s.clock.Now().UTC()
	rows, err := s.db.Query(ctx, `SELECT `+rewardCols+`, COALESCE((SELECT t.taken FROM learning_reward_takes t
		WHERE t.reward_id = r.id AND t.worker_id = ?), 0) FROM learning_rewards r JOIN orgs o ON o.id = r.org_id
		WHERE r.org_id IN (`+platform.Placeholders(len(ids))+`) AND r.active = 1 AND r.opens_at <= ? AND r.closes_at > ?
		ORDER BY r.cost, r.id LIMIT 100`, append(append([]any{wk.id}, ids...), now, now)...)
	if err != nil {
		return nil, fmt.Errorf("learning: shop: %w", err)
	}
	defer rows.Close()
	var out []Reward
	for rows.Next() {
		var taken int
		r, err := scanReward(rows, &taken)
		if err != nil {
			return nil, err
		}
		r.Taken = taken
		out = append(out, r)
	}
	return out, rows.Err()
}

// Redeem spends the signed-in worker's points on one of a reward and gives a
// pickup code. Stock, the per-person limit and the balance are each held by a
// guarded update in the one transaction: any refusal leaves nothing behind.
func (s *Store) Redeem(ctx context.Context, rewardID int64) (*Order, error) {
	w, err := workerActor(ctx)
	if err != nil {
		return nil, err
	}
	code, err := pickupCode()
	if err != nil {
		return nil, err
	}
	o := &Order{RewardID: rewardID, WorkerID: w.WorkerID, PickupCode: code, Status: OrderPlaced}
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now().UTC()
		r, path, err := s.reward(ctx, tx, rewardID)
		if err != nil {
			return err
		}
		wk := workerOf(w)
		if !strings.HasPrefix(wk.path, path) {
			return platform.NotFound
		}
		if !r.Open(now) {
			return platform.Errorf(platform.CodeConflict, "learning.err.reward_closed")
		}
		if err := takeOne(ctx, tx, r, wk.id); err != nil {
			return err
		}
		o.RewardName, o.Cost, o.PlacedAt = r.Name, r.Cost, now
		err = tx.QueryRow(ctx, `INSERT INTO learning_orders (city_id, reward_id, worker_id, org_id, cost, pickup_code, placed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, r.CityID, r.ID, wk.id, wk.orgID, r.Cost, code, now).Scan(&o.ID)
		if platform.IsUniqueViolation(err) {
			return platform.Errorf(platform.CodeConflict, "learning.err.retry")
		}
		if err != nil {
			return fmt.Errorf("learning: order: %w", err)
		}
		_, err = points.Post(ctx, tx, now, points.Award{WorkerID: wk.id, Amount: -r.Cost, Reason: "积分兑换：" + short(r.Name),
			Source: "order:" + strconv.FormatInt(o.ID, 10)})
		return err
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// takeOne takes one from stock and from the worker's allowance, guarded.
func takeOne(ctx context.Context, tx *platform.Tx, r *Reward, workerID int64) error {
	res, err := tx.Exec(ctx, `UPDATE learning_rewards SET stock = stock - 1 WHERE id = ? AND stock > 0`, r.ID)
	if err != nil {
		return fmt.Errorf("learning: stock %d: %w", r.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return platform.Errorf(platform.CodeConflict, "learning.err.sold_out")
	}
	limit := r.PerPerson
	if limit == 0 {
		limit = 1 << 30
	}
	res, err = tx.Exec(ctx, `INSERT INTO learning_reward_takes (reward_id, worker_id, taken) VALUES (?, ?, 1)
		ON CONFLICT (reward_id, worker_id) DO UPDATE SET taken = learning_reward_takes.taken + 1
		WHERE learning_reward_takes.taken < ?`, r.ID, workerID, limit)
	if err != nil {
		return fmt.Errorf("learning: allowance %d: %w", r.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return platform.Errorf(platform.CodeConflict, "learning.err.limit")
	}
	return nil
}

const orderCols = `d.id, d.reward_id, d.worker_id, r.name, w.name, o.name, d.cost, d.pickup_code, d.status, d.placed_at, d.closed_at, d.handled_by`

const orderFrom = ` FROM learning_orders d JOIN learning_rewards r ON r.id = d.reward_id JOIN workers w ON w.id = d.worker_id
	JOIN orgs o ON o.id = d.org_id`

func scanOrder(sc interface{ Scan(...any) error }, extra ...any) (Order, error) {
	var d Order
	var closed sql.NullTime
	err := sc.Scan(append([]any{&d.ID, &d.RewardID, &d.WorkerID, &d.RewardName, &d.WorkerName, &d.OrgName, &d.Cost, &d.PickupCode,
		&d.Status, &d.PlacedAt, &closed, &d.HandledBy}, extra...)...)
	if closed.Valid {
		d.ClosedAt = &closed.Time
	}
	d.WorkerName = people.MaskName(d.WorkerName)
	return d, err
}

// MyOrders lists the signed-in worker's redemptions, newest first.
func (s *Store) MyOrders(ctx context.Context, limit int) ([]Order, error) {
	w, err := workerActor(ctx)
	if err != nil {
		return nil, err
	}
	return s.orders(ctx, `d.worker_id = ?`, []any{w.WorkerID}, limit, 0, nil)
}

func (s *Store) orders(ctx context.Context, where string, args []any, limit, offset int, total *int) ([]Order, error) {
	extra := ", 0"
	if total != nil {
		extra = ", COUNT(*) OVER()"
	}
	rows, err := s.db.Query(ctx, `SELECT `+orderCols+extra+orderFrom+` WHERE `+where+` ORDER BY d.id DESC LIMIT ? OFFSET ?`,
		append(args, limit, offset)...)
	if err != nil {
		return nil, fmt.Errorf("learning: orders: %w", err)
	}
	defer rows.Close()
	var out []Order
	var n int
	for rows.Next() {
		d, err := scanOrder(rows, &n)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	if total != nil {
		*total = n
	}
	return out, rows.Err()
}

// OrderFilter selects orders on the console.
type OrderFilter struct {
	Status, Code  string
	Limit, Offset int
}

// FindOrders lists redemptions of rewards offered in the actor's subtree.
func (s *Store) FindOrders(ctx context.Context, f OrderFilter) ([]Order, int, error) {
	a, err := staffActor(ctx)
	if err != nil {
		return nil, 0, err
	}
	lo, hi := platform.SubtreeRange(a.OrgPath)
	where := `r.org_id IN (SELECT id FROM orgs WHERE path >= ? AND path < ?)`
	args := []any{lo, hi}
	if f.Status != "" {
		where, args = where+" AND d.status = ?", append(args, f.Status)
	}
	if c := strings.TrimSpace(f.Code); c != "" {
		where, args = where+" AND d.pickup_code = ?", append(args, c)
	}
	total := 0
	list, err := s.orders(ctx, where, args, f.Limit, f.Offset, &total)
	return list, total, err
}

// CloseOrder delivers (staff) or cancels (staff, or the worker their own placed
// order) a redemption; a cancellation returns the points and the stock.
func (s *Store) CloseOrder(ctx context.Context, id int64, status string) error {
	a := platform.ActorFrom(ctx)
	if a == nil || (status != OrderDelivered && status != OrderCancelled) || (a.Kind == "worker" && status != OrderCancelled) {
		return platform.NotFound
	}
	return s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now().UTC()
		var rewardID, workerID, cost int64
		var rewardPath, name string
		err := tx.QueryRow(ctx, `SELECT d.reward_id, d.worker_id, d.cost, o.path, r.name FROM learning_orders d
			JOIN learning_rewards r ON r.id = d.reward_id JOIN orgs o ON o.id = r.org_id WHERE d.id = ?`, id).
			Scan(&rewardID, &workerID, &cost, &rewardPath, &name)
		if err != nil || (a.Kind == "worker" && a.WorkerID != workerID) || (a.Kind != "worker" && !a.Covers(rewardPath)) {
			return platform.NotFound
		}
		res, err := tx.Exec(ctx, `UPDATE learning_orders SET status = ?, closed_at = ?, handled_by = ? WHERE id = ? AND status = 'placed'`,
			status, now, a.Name, id)
		if err != nil {
			return fmt.Errorf("learning: close order %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return platform.Errorf(platform.CodeConflict, "learning.err.order_closed")
		}
		if status == OrderCancelled {
			if err := giveBack(ctx, tx, now, id, rewardID, workerID, cost, name); err != nil {
				return err
			}
		}
		if a.Kind == "worker" {
			return nil // the order and the ledger entry are the worker's own trail
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "learning.order." + status, EntityType: "learning_order",
			EntityID: strconv.FormatInt(id, 10), OrgPath: rewardPath, Summary: name})
	})
}

func giveBack(ctx context.Context, tx *platform.Tx, now time.Time, id, rewardID, workerID, cost int64, name string) error {
	if _, err := tx.Exec(ctx, `UPDATE learning_rewards SET stock = stock + 1 WHERE id = ?`, rewardID); err != nil {
		return fmt.Errorf("learning: restock %d: %w", rewardID, err)
	}
	if _, err := tx.Exec(ctx, `UPDATE learning_reward_takes SET taken = taken - 1 WHERE reward_id = ? AND worker_id = ? AND taken > 0`,
		rewardID, workerID); err != nil {
		return fmt.Errorf("learning: allowance back %d: %w", rewardID, err)
	}
	_, err := points.Post(ctx, tx, now, points.Award{WorkerID: workerID, Amount: cost, Reason: "取消兑换退回：" + short(name),
		Source: "order-cancel:" + strconv.FormatInt(id, 10), Refund: true})
	return err
}
