package relief

import (
	"context"
	"testing"
	"time"

	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
	"zhijia/internal/review"
)

// approved takes a fresh application through three levels: 3,000 yuan from the
// district, 7,000 from the city.
func (f *fixture) approved(t *testing.T, idx string) *Application {
	t.Helper()
	w, members := f.mustWorker(t, f.tree.Gulou, idx)
	app := f.apply(t, w, members, "")
	must2(t)(f.decide(t, f.staff(t, 2, f.tree.Gulou), app.ID, review.Decision{Action: review.Approve}))
	must2(t)(f.decide(t, f.staff(t, 3, f.gulou()), app.ID, review.Decision{Action: review.Approve, Amount: 300000}))
	got, err := f.decide(t, f.staff(t, 4, f.tree.City), app.ID, review.Decision{Action: review.Approve, Amount: 700000})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// approveThrough approves an open application at all three levels, no money.
func (f *fixture) approveThrough(t *testing.T, id int64) {
	t.Helper()
	for i, org := range []int64{f.tree.Gulou, f.gulou(), f.tree.City} {
		must2(t)(f.decide(t, f.staff(t, int64(20+i), org), id, review.Decision{Action: review.Approve}))
	}
}

func fund(t *testing.T, db *platform.DB, org int64) (committed, paid int64) {
	t.Helper()
	if err := db.QueryRow(context.Background(), `SELECT committed, paid FROM relief_funds WHERE org_id = ?`, org).Scan(&committed, &paid); err != nil {
		t.Fatal(err)
	}
	return committed, paid
}

func TestNotice_ObjectionHaltsPaymentAndEachGrantIsPaidOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		app := f.approved(t, "w1")
		if app.Status != StatusNotice || app.NoticeUntil != "2026-03-06" {
			t.Fatalf("after approval: %s until %s, want notice until 2026-03-06 (5 days from Monday)", app.Status, app.NoticeUntil)
		}
		notices, err := f.store.PublicNotices(context.Background(), 50)
		if err != nil || len(notices) != 1 || notices[0].Amount != 1_000_000 || notices[0].Name == "" || notices[0].Name[len(notices[0].Name)-1] != "明"[2] {
			t.Fatalf("public notice: %+v %v", notices, err)
		}
		district, city := f.staff(t, 3, f.gulou()), f.staff(t, 4, f.tree.City)
		if _, err := f.store.CreateBatch(district); platform.ErrorCode(err) != platform.CodeConflict {
			t.Fatalf("batch during notice: %v", err)
		}
		other, _ := f.mustWorker(t, f.tree.Taijiang, "w2")
		obj, err := f.store.RaiseObjection(f.worker(other), app.ID, "该户家庭情况与申报不符")
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(6 * 24 * time.Hour)
		if _, err := f.store.CreateBatch(district); platform.ErrorCode(err) != platform.CodeConflict {
			t.Fatalf("batch while an objection is open: %v", err)
		}
		if err := f.store.ResolveObjection(f.staff(t, 5, f.tree.Districts["350103"]), obj.ID, false, "x"); platform.ErrorCode(err) != platform.CodeNotFound {
			t.Fatalf("sibling resolving: %v", err)
		}
		must(t, f.store.ResolveObjection(district, obj.ID, false, "经核实，申报属实"))
		b, err := f.store.CreateBatch(district)
		if err != nil || b.Grants != 1 || b.Total != 300000 {
			t.Fatalf("district batch: %+v %v", b, err)
		}
		if _, err := f.store.CreateBatch(district); platform.ErrorCode(err) != platform.CodeConflict {
			t.Fatalf("a second batch takes the same grant: %v", err)
		}
		if err := f.store.MarkPaid(city, b.ID, "BANK-1"); platform.ErrorCode(err) != platform.CodeForbidden {
			t.Fatalf("city marking the district's batch: %v", err)
		}
		must(t, f.store.MarkPaid(district, b.ID, "BANK-1"))
		if err := f.store.MarkPaid(district, b.ID, "BANK-1"); platform.ErrorCode(err) != platform.CodeConflict {
			t.Fatalf("paid twice: %v", err)
		}
		if _, paid := fund(t, db, f.gulou()); paid != 300000 {
			t.Errorf("district fund paid %d, want 300000", paid)
		}
		cb, err := f.store.CreateBatch(city)
		if err != nil {
			t.Fatal(err)
		}
		must(t, f.store.MarkPaid(city, cb.ID, "BANK-2"))
		got, _ := f.store.Application(f.worker(app.WorkerID), app.ID)
		if got.Status != StatusPaid || len(got.Grants) != 2 || got.Grants[0].Status != "paid" || got.Grants[1].BankRef != "BANK-2" {
			t.Fatalf("after both levels paid: %s %+v", got.Status, got.Grants)
		}
	})
}

func TestNotice_UpheldObjectionReleasesTheFunds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		app := f.approved(t, "w1")
		if c, _ := fund(t, db, f.gulou()); c != 300000 {
			t.Fatalf("committed %d", c)
		}
		if _, err := f.store.RaiseObjection(context.Background(), app.ID, "x"); platform.ErrorCode(err) != platform.CodeUnauthorized {
			t.Fatalf("anonymous objection: %v", err)
		}
		obj, err := f.store.RaiseObjection(f.worker(app.WorkerID), app.ID, "重复申请")
		if err != nil {
			t.Fatal(err)
		}
		must(t, f.store.ResolveObjection(f.staff(t, 3, f.gulou()), obj.ID, true, "查实该户隐瞒收入"))
		if c, _ := fund(t, db, f.gulou()); c != 0 {
			t.Errorf("district committed %d after revocation, want 0", c)
		}
		if c, _ := fund(t, db, f.tree.City); c != 0 {
			t.Errorf("city committed %d after revocation, want 0", c)
		}
		var household int64
		db.QueryRow(context.Background(), `SELECT granted FROM relief_household_years WHERE worker_id = ?`, app.WorkerID).Scan(&household)
		if household != 0 {
			t.Errorf("household granted %d this year after revocation, want 0 (its cap is free again)", household)
		}
		got, _ := f.store.Application(f.staff(t, 3, f.gulou()), app.ID)
		if got.Status != StatusRevoked {
			t.Errorf("status %s, want revoked", got.Status)
		}
		if n, _ := f.store.PublicNotices(context.Background(), 10); len(n) != 0 {
			t.Errorf("revoked grant still on notice")
		}
	})
}
