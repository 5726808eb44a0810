package review_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"zhijia/internal/org"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
	"zhijia/internal/review"
)

func TestChainOf_TrimsAndOrders(t *testing.T) {
	nodes := []review.Node{{ID: 1, Level: "city"}, {ID: 12, Level: "industry"}, {ID: 345, Level: "grassroots"}, {ID: 400, Level: "group"}}
	cases := []struct {
		stop string
		want []int64
	}{{"", []int64{345, 12, 1}}, {"city", []int64{345, 12, 1}}, {"district", []int64{345, 12}}, {"grassroots", []int64{345}}}
	for _, c := range cases {
		got := review.ChainOf(nodes, review.Config{StopAt: c.stop})
		if len(got) != len(c.want) {
			t.Fatalf("stop %q: %d steps, want %d", c.stop, len(got), len(c.want))
		}
		for i := range got {
			if got[i].ID != c.want[i] {
				t.Errorf("stop %q step %d: org %d, want %d", c.stop, i, got[i].ID, c.want[i])
			}
		}
	}
}

func TestAddWorkingDays(t *testing.T) {
	fri := time.Date(2026, 11, 27, 10, 0, 0, 0, platform.Shanghai) // a Friday
	cases := []struct {
		n    int
		want string
	}{{1, "2026-11-30"}, {5, "2026-12-04"}, {6, "2026-12-07"}}
	for _, c := range cases {
		if got := review.AddWorkingDays(fri, c.n); got != c.want {
			t.Errorf("Friday + %d working days = %s, want %s", c.n, got, c.want)
		}
	}
	if review.Overdue("2026-11-27", fri) {
		t.Error("due today is not overdue")
	}
	if !review.Overdue("2026-11-26", fri) {
		t.Error("due yesterday is overdue")
	}
}

type fixture struct {
	db    *platform.DB
	tree  *org.Demo
	clock *platform.FakeClock
}

func setup(t *testing.T, db *platform.DB) *fixture {
	t.Helper()
	clock := platform.NewFakeClock(time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)) // Monday 10:00 in Shanghai
	tree, err := org.SeedDemo(context.Background(), db, clock, 6)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{db: db, tree: tree, clock: clock}
}

// staff is a reviewer at org; accounts are distinct by id.
func (f *fixture) staff(id, orgID int64) context.Context {
	var path string
	if err := f.db.QueryRow(context.Background(), `SELECT path FROM orgs WHERE id = ?`, orgID).Scan(&path); err != nil {
		panic(err)
	}
	return platform.WithActor(context.Background(), &platform.Actor{Kind: "staff", AccountID: id, Name: "审核员", Role: "reviewer", OrgID: orgID, OrgPath: path})
}

func (f *fixture) open(t *testing.T, entityID int64, submitter int64, cfg review.Config) *review.Item {
	t.Helper()
	var it *review.Item
	ctx := f.staff(submitter, f.tree.Gulou)
	err := f.db.InTx(ctx, func(tx *platform.Tx) error {
		var err error
		it, err = review.Open(ctx, tx, f.clock.Now(), review.NewItem{CityID: f.tree.City, EntityType: "test", EntityID: entityID,
			OrgID: f.tree.Gulou, SubmitterKind: "account", SubmitterID: submitter}, cfg)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return it
}

func (f *fixture) decide(ctx context.Context, d review.Decision) (*review.Outcome, error) {
	var out *review.Outcome
	err := f.db.InTx(ctx, func(tx *platform.Tx) error {
		var err error
		out, err = review.Decide(ctx, tx, f.clock.Now(), d)
		return err
	})
	return out, err
}

func code(err error) platform.Code {
	if err == nil {
		return ""
	}
	return platform.ErrorCode(err)
}

func TestDecide_ThreeLevelsWithAmounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := setup(t, db)
		it := f.open(t, 1, 100, review.Config{})
		if len(it.Steps) != 3 || it.Steps[0].OrgID != f.tree.Gulou || it.Steps[1].OrgID != f.tree.Districts["350102"] || it.Steps[2].OrgID != f.tree.City {
			t.Fatalf("chain: %+v", it.Steps)
		}
		if it.Steps[0].DueOn != "2026-03-09" {
			t.Errorf("first step due %s, want 2026-03-09 (5 working days)", it.Steps[0].DueOn)
		}
		grass, district, city := f.staff(1, f.tree.Gulou), f.staff(2, f.tree.Districts["350102"]), f.staff(3, f.tree.City)
		// The district cannot decide the grassroots step, though it sees the item.
		if _, err := f.decide(district, review.Decision{ItemID: it.ID, Version: 1, Action: review.Approve}); code(err) != platform.CodeForbidden {
			t.Fatalf("district on grassroots step: %v, want forbidden", err)
		}
		out, err := f.decide(grass, review.Decision{ItemID: it.ID, Version: 1, Action: review.Approve})
		if err != nil || out.Final || out.Item.CurrentSeq != 1 {
			t.Fatalf("grassroots approve: %+v %v", out, err)
		}
		out, err = f.decide(district, review.Decision{ItemID: it.ID, Version: 2, Action: review.Approve, Amount: 300000})
		if err != nil || out.Item.CurrentSeq != 2 {
			t.Fatalf("district approve: %v", err)
		}
		out, err = f.decide(city, review.Decision{ItemID: it.ID, Version: 3, Action: review.Approve, Amount: 500000})
		if err != nil || !out.Final || out.Item.Status != review.Approved || out.Item.Granted() != 800000 {
			t.Fatalf("city approve: %+v %v", out, err)
		}
		if n := len(out.Item.Events); n != 4 {
			t.Errorf("history has %d events, want submit + 3 approvals", n)
		}
		var audited int
		db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = 'review.approve' AND entity_type = 'test'`).Scan(&audited)
		if audited != 3 {
			t.Errorf("%d approvals audited, want 3", audited)
		}
	})
}

func TestDecide_Refusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := setup(t, db)
		it := f.open(t, 1, 7, review.Config{StopAt: "district"})
		if len(it.Steps) != 2 {
			t.Fatalf("stop at district: %d steps", len(it.Steps))
		}
		own := f.staff(7, f.tree.Gulou)
		if _, err := f.decide(own, review.Decision{ItemID: it.ID, Version: 1, Action: review.Approve}); code(err) != platform.CodeForbidden {
			t.Errorf("submitter reviewing own item: %v, want forbidden", err)
		}
		sibling := f.staff(8, f.tree.Taijiang)
		if _, err := f.decide(sibling, review.Decision{ItemID: it.ID, Version: 1, Action: review.Approve}); code(err) != platform.CodeNotFound {
			t.Errorf("sibling: %v, want not found", err)
		}
		grass := f.staff(1, f.tree.Gulou)
		if _, err := f.decide(grass, review.Decision{ItemID: it.ID, Version: 1, Action: review.Reject}); code(err) != platform.CodeInvalid {
			t.Errorf("reject without reason: %v, want invalid", err)
		}
		if _, err := f.decide(grass, review.Decision{ItemID: it.ID, Version: 9, Action: review.Approve}); code(err) != platform.CodeConflict {
			t.Errorf("stale version: %v, want conflict", err)
		}
	})
}

func TestReturn_ResubmitGoesBackToTheReturningStep(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := setup(t, db)
		it := f.open(t, 1, 100, review.Config{})
		grass, district := f.staff(1, f.tree.Gulou), f.staff(2, f.tree.Districts["350102"])
		if _, err := f.decide(grass, review.Decision{ItemID: it.ID, Version: 1, Action: review.Approve}); err != nil {
			t.Fatal(err)
		}
		out, err := f.decide(district, review.Decision{ItemID: it.ID, Version: 2, Action: review.Return, Reason: "请补充医院发票"})
		if err != nil || out.Item.Status != review.Returned || out.Step.Reason != "请补充医院发票" {
			t.Fatalf("return: %+v %v", out, err)
		}
		if _, err := f.decide(district, review.Decision{ItemID: it.ID, Version: 3, Action: review.Approve}); code(err) != platform.CodeConflict {
			t.Errorf("deciding a returned item: %v, want conflict", err)
		}
		f.clock.Advance(72 * time.Hour) // Thursday
		var after *review.Item
		err = db.InTx(grass, func(tx *platform.Tx) error {
			after, err = review.Resubmit(grass, tx, f.clock.Now(), it.ID, 3)
			return err
		})
		if err != nil || after.Status != review.Pending || after.CurrentSeq != 1 || after.Steps[0].Status != review.StepApproved {
			t.Fatalf("resubmit: %+v %v", after, err)
		}
		if after.Steps[1].DueOn != "2026-03-12" {
			t.Errorf("resubmitted step due %s, want a fresh deadline 2026-03-12", after.Steps[1].DueOn)
		}
	})
}

func TestInbox_OverdueFirst(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := setup(t, db)
		first := f.open(t, 1, 100, review.Config{})
		f.clock.Advance(6 * 24 * time.Hour)
		second := f.open(t, 2, 100, review.Config{})
		f.clock.Advance(3 * 24 * time.Hour) // first is now past its 5 working days
		rows, err := review.Inbox(f.staff(1, f.tree.Gulou), db, f.clock.Now(), "test", 10)
		if err != nil || len(rows) != 2 {
			t.Fatalf("inbox: %v %v", rows, err)
		}
		if rows[0].ItemID != first.ID || !rows[0].Overdue || rows[1].ItemID != second.ID || rows[1].Overdue {
			t.Errorf("inbox order/overdue: %+v", rows)
		}
		if rows, _ := review.Inbox(f.staff(2, f.tree.Districts["350102"]), db, f.clock.Now(), "", 10); len(rows) != 0 {
			t.Errorf("district inbox holds grassroots steps: %+v", rows)
		}
	})
}

// Two reviewers of the same union act on one step at once: exactly one decision
// lands, the other is told the item changed, and the history holds one decision.
func TestDecide_ConcurrentOnOneStep(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := setup(t, db)
		it := f.open(t, 1, 100, review.Config{})
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				action := review.Approve
				d := review.Decision{ItemID: it.ID, Version: 1, Action: action}
				if i%2 == 1 {
					d.Action, d.Reason = review.Reject, "不符合条件"
				}
				_, errs[i] = f.decide(f.staff(int64(i+1), f.tree.Gulou), d)
			}(i)
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			var pe *platform.Error
			switch {
			case err == nil:
				won++
			case errors.As(err, &pe) && pe.Code == platform.CodeConflict && pe.Message == "review.err.changed":
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d decisions landed, want exactly 1", won)
		}
		var decisions int
		db.QueryRow(context.Background(), `SELECT COUNT(*) FROM review_events WHERE item_id = ? AND action <> 'submit'`, it.ID).Scan(&decisions)
		if decisions != 1 {
			t.Errorf("%d decisions in the history, want 1", decisions)
		}
	})
}
