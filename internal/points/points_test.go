package points_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
	"zhijia/internal/points"
)

var t0 = time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC)

// mustWorkers registers n workers in one union of a new city and returns their ids.
func mustWorkers(t *testing.T, db *platform.DB, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	var city, union int64
	if err := db.QueryRow(ctx, `INSERT INTO orgs (level, name, path, depth, created_at, updated_at)
		VALUES ('city', '测试市总工会', '/x/', 0, ?, ?) RETURNING id`, t0, t0).Scan(&city); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `UPDATE orgs SET path = ?, city_id = ? WHERE id = ?`, fmt.Sprintf("/%d/", city), city, city); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, `INSERT INTO orgs (city_id, parent_id, level, name, path, depth, created_at, updated_at)
		VALUES (?, ?, 'grassroots', '测试工会', '/y/', 1, ?, ?) RETURNING id`, city, city, t0, t0).Scan(&union); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i := range n {
		var id int64
		if err := db.QueryRow(ctx, `INSERT INTO workers (city_id, org_id, name, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, city, union, fmt.Sprintf("职工%d", i), t0, t0).Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func mustCheck(t *testing.T, s *points.Store) {
	t.Helper()
	bad, err := s.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Fatalf("ledger check failed: %+v", bad)
	}
}

func TestAward_SameSourceCountsOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		ctx := context.Background()
		s := points.NewStore(db, platform.NewFakeClock(t0))
		w := mustWorkers(t, db, 1)[0]
		a := points.Award{WorkerID: w, Amount: 10, Reason: "每日答题", Source: "quiz:1"}
		for i, want := range []bool{true, false} {
			posted, err := s.Award(ctx, a)
			if err != nil || posted != want {
				t.Fatalf("award %d: posted=%v err=%v, want posted=%v", i, posted, err, want)
			}
		}
		b, _ := s.BalanceOf(ctx, w)
		if b.Balance != 10 || b.Earned != 10 {
			t.Fatalf("balance %+v, want 10/10", b)
		}
		h, _ := s.History(ctx, w, 10)
		if len(h) != 1 || h[0].Reason != "每日答题" {
			t.Fatalf("history %+v", h)
		}
		mustCheck(t, s)
	})
}

func TestAward_SpendingNeverGoesNegative(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		ctx := context.Background()
		s := points.NewStore(db, platform.NewFakeClock(t0))
		w := mustWorkers(t, db, 1)[0]
		if _, err := s.Award(ctx, points.Award{WorkerID: w, Amount: -1, Reason: "兑换", Source: "spend:0"}); !errors.Is(err, points.ErrInsufficient) {
			t.Fatalf("spend with no balance: %v, want insufficient", err)
		}
		mustPost(t, s, points.Award{WorkerID: w, Amount: 5, Reason: "签到", Source: "event:1"})
		if _, err := s.Award(ctx, points.Award{WorkerID: w, Amount: -6, Reason: "兑换", Source: "spend:1"}); !errors.Is(err, points.ErrInsufficient) {
			t.Fatalf("overspend: %v, want insufficient", err)
		}
		mustPost(t, s, points.Award{WorkerID: w, Amount: -5, Reason: "兑换", Source: "spend:2"})
		b, _ := s.BalanceOf(ctx, w)
		if b.Balance != 0 || b.Earned != 5 {
			t.Fatalf("balance %+v, want 0 left of 5 earned", b)
		}
		// A refused spend leaves no entry behind.
		if h, _ := s.History(ctx, w, 10); len(h) != 2 {
			t.Fatalf("history has %d entries, want 2", len(h))
		}
		mustCheck(t, s)
	})
}

func TestAward_RefusesBadInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		s := points.NewStore(db, platform.NewFakeClock(t0))
		w := mustWorkers(t, db, 1)[0]
		for _, a := range []points.Award{
			{WorkerID: w, Amount: 0, Reason: "x", Source: "a"},
			{WorkerID: w, Amount: 1, Reason: " ", Source: "b"},
			{WorkerID: w, Amount: 1, Reason: "x", Source: ""},
		} {
			if _, err := s.Award(context.Background(), a); platform.ErrorCode(err) != platform.CodeInvalid {
				t.Errorf("%+v: %v, want invalid", a, err)
			}
		}
		if _, err := s.Award(context.Background(), points.Award{WorkerID: w + 999, Amount: 1, Reason: "x", Source: "c"}); platform.ErrorCode(err) != platform.CodeNotFound {
			t.Errorf("unknown worker: %v", err)
		}
	})
}

func mustPost(t *testing.T, s *points.Store, a points.Award) {
	t.Helper()
	if posted, err := s.Award(context.Background(), a); err != nil || !posted {
		t.Fatalf("post %+v: posted=%v err=%v", a, posted, err)
	}
}

// TestCheck_AfterRandomConcurrentLoad posts a randomized mix of awards, repeats
// and spends from many goroutines at once; the ledger must still add up and no
// balance may go below zero.
func TestCheck_AfterRandomConcurrentLoad(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		ctx := context.Background()
		s := points.NewStore(db, platform.NewFakeClock(t0))
		ws := mustWorkers(t, db, 8)
		var wg sync.WaitGroup
		var mu sync.Mutex
		refused := 0
		for g := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := rand.New(rand.NewPCG(uint64(g), 7))
				for i := range 40 {
					a := points.Award{WorkerID: ws[r.IntN(len(ws))], Amount: int64(r.IntN(20) + 1), Reason: "负载",
						Source: fmt.Sprintf("load:%d", r.IntN(300))} // repeats across goroutines
					if r.IntN(3) == 0 {
						a.Amount, a.Source = -a.Amount, fmt.Sprintf("spend:%d:%d", g, i)
					} else if r.IntN(5) == 0 {
						a.Refund, a.Source = true, fmt.Sprintf("refund:%d:%d", g, i)
					}
					_, err := s.Award(ctx, a)
					if errors.Is(err, points.ErrInsufficient) {
						mu.Lock()
						refused++
						mu.Unlock()
						continue
					}
					if err != nil {
						t.Errorf("award: %v", err)
						return
					}
				}
			}()
		}
		wg.Wait()
		mustCheck(t, s)
		var negative, entries int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM points_balances WHERE balance < 0`).Scan(&negative)
		db.QueryRow(ctx, `SELECT COUNT(*) FROM points_entries`).Scan(&entries)
		if negative != 0 || entries == 0 {
			t.Fatalf("%d negative balances, %d entries", negative, entries)
		}
		t.Logf("%d entries, %d spends refused for want of points", entries, refused)
	})
}

// TestCheck_FindsATamperedBalance: the check must notice a balance that no
// longer matches its entries.
func TestCheck_FindsATamperedBalance(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		ctx := context.Background()
		s := points.NewStore(db, platform.NewFakeClock(t0))
		w := mustWorkers(t, db, 1)[0]
		mustPost(t, s, points.Award{WorkerID: w, Amount: 7, Reason: "签到", Source: "event:7"})
		if _, err := db.Exec(ctx, `UPDATE points_balances SET balance = 9 WHERE worker_id = ?`, w); err != nil {
			t.Fatal(err)
		}
		bad, err := s.Check(ctx)
		if err != nil || len(bad) != 1 || bad[0].WorkerID != w || bad[0].Balance != 9 || bad[0].Sum != 7 {
			t.Fatalf("check = %+v, %v; want worker %d with 9 ≠ 7", bad, err, w)
		}
	})
}
