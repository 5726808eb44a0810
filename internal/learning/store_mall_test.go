package learning_test

import (
	"context"
	"sync"
	"testing"

	"zhijia/internal/learning"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
	"zhijia/internal/points"
)

func (f *fixture) reward(t *testing.T, org int64, cost, stock, per string) int64 {
	t.Helper()
	id, err := f.store.SaveReward(f.staff(org), 0, learning.RewardInput{Name: "工会定制保温杯", Cost: cost, Stock: stock, PerPerson: per,
		Opens: "2026-05-01", Closes: "2026-05-31"})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (f *fixture) give(t *testing.T, ledger *points.Store, w, amount int64) {
	t.Helper()
	if _, err := ledger.Award(context.Background(), points.Award{WorkerID: w, Amount: amount, Reason: "测试", Source: "seed:" + fmtID(w)}); err != nil {
		t.Fatal(err)
	}
}

func refusalKey(err error) string {
	if e, ok := platform.AsError(err); ok {
		return e.Message
	}
	return ""
}

// Test200ConcurrentRedemptions_Stock20: 50 workers try 4 times each at once
// for a reward with stock 20 and a limit of 2 a person.
func TestRedeem_200ConcurrentForStock20(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		ledger := points.NewStore(db, f.clock)
		rid := f.reward(t, f.gulou, "10", "20", "2")
		var ws []int64
		for range 50 {
			w := f.newWorker(t, "兑换职工")
			f.give(t, ledger, w, 100)
			ws = append(ws, w)
		}
		poor := f.newWorker(t, "积分不足")
		f.give(t, ledger, poor, 5)
		var wg sync.WaitGroup
		var mu sync.Mutex
		refusals := map[string]int{}
		for i := range 200 {
			w := ws[i%len(ws)]
			if i == 7 {
				w = poor
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := f.store.Redeem(f.as(w), rid)
				mu.Lock()
				refusals[refusalKey(err)]++
				mu.Unlock()
				if err != nil && refusalKey(err) == "" {
					t.Errorf("redeem: %v", err)
				}
			}()
		}
		wg.Wait()
		ctx := context.Background()
		var orders, stock, maxPer, negative int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM learning_orders WHERE reward_id = ?`, rid).Scan(&orders)
		db.QueryRow(ctx, `SELECT stock FROM learning_rewards WHERE id = ?`, rid).Scan(&stock)
		db.QueryRow(ctx, `SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM learning_orders GROUP BY worker_id) x`).Scan(&maxPer)
		db.QueryRow(ctx, `SELECT COUNT(*) FROM points_balances WHERE balance < 0`).Scan(&negative)
		if orders != 20 || stock != 0 || refusals[""] != 20 || maxPer > 2 || negative != 0 {
			t.Fatalf("orders %d, stock %d, taken %d, most by one worker %d, negative balances %d; refusals %v",
				orders, stock, refusals[""], maxPer, negative, refusals)
		}
		if b, _ := ledger.BalanceOf(ctx, poor); b.Balance != 5 {
			t.Fatalf("the poor worker's balance moved to %d", b.Balance)
		}
		if bad, err := ledger.Check(ctx); err != nil || len(bad) != 0 {
			t.Fatalf("ledger check %v %v", bad, err)
		}
		t.Logf("refusals: %v", refusals)
	})
}

func TestOrders_CancelReturnsPointsAndStockDeliverIsScoped(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		ledger := points.NewStore(db, f.clock)
		ctx := context.Background()
		rid := f.reward(t, f.gulou, "30", "5", "1")
		f.give(t, ledger, f.worker, 50)
		me := f.as(f.worker)
		o, err := f.store.Redeem(me, rid)
		if err != nil || len(o.PickupCode) != 8 {
			t.Fatalf("redeem: %+v %v", o, err)
		}
		_, err = f.store.Redeem(me, rid)
		if refusalKey(err) != "learning.err.limit" {
			t.Fatalf("second redemption over the limit: %v", err)
		}
		if b, _ := ledger.BalanceOf(ctx, f.worker); b.Balance != 20 {
			t.Fatalf("balance %d after spending 30 of 50", b.Balance)
		}
		other := f.newWorker(t, "别人")
		if err := f.store.CloseOrder(f.as(other), o.ID, learning.OrderCancelled); platform.ErrorCode(err) != platform.CodeNotFound {
			t.Fatalf("someone else cancels: %v", err)
		}
		if err := f.store.CloseOrder(me, o.ID, learning.OrderDelivered); platform.ErrorCode(err) != platform.CodeNotFound {
			t.Fatalf("a worker marks their own order delivered: %v", err)
		}
		if err := f.store.CloseOrder(me, o.ID, learning.OrderCancelled); err != nil {
			t.Fatal(err)
		}
		b, _ := ledger.BalanceOf(ctx, f.worker)
		r, _ := f.store.Reward(f.staff(f.gulou), rid)
		if b.Balance != 50 || b.Earned != 50 || r.Stock != 5 {
			t.Fatalf("after cancel: balance %d earned %d stock %d", b.Balance, b.Earned, r.Stock)
		}
		if err := f.store.CloseOrder(me, o.ID, learning.OrderCancelled); refusalKey(err) != "learning.err.order_closed" {
			t.Fatalf("cancel twice: %v", err)
		}
		o2, err := f.store.Redeem(me, rid) // the allowance came back with the cancellation
		if err != nil {
			t.Fatal(err)
		}
		if err := f.store.CloseOrder(f.staff(f.taijiang), o2.ID, learning.OrderDelivered); platform.ErrorCode(err) != platform.CodeNotFound {
			t.Fatalf("台江 delivers a 鼓楼 order: %v", err)
		}
		if err := f.store.CloseOrder(f.staff(f.gulou), o2.ID, learning.OrderDelivered); err != nil {
			t.Fatal(err)
		}
		list, n, err := f.store.FindOrders(f.staff(f.gulou), learning.OrderFilter{Code: o2.PickupCode, Limit: 10})
		if err != nil || n != 1 || list[0].Status != learning.OrderDelivered || list[0].HandledBy != "刘芳" {
			t.Fatalf("orders by code: %+v %d %v", list, n, err)
		}
		if bad, _ := ledger.Check(ctx); len(bad) != 0 {
			t.Fatalf("ledger %v", bad)
		}
		shop, _ := f.store.ShopRewards(me)
		if len(shop) != 1 || shop[0].Taken != 1 || shop[0].Stock != 4 {
			t.Fatalf("shop %+v", shop)
		}
	})
}
