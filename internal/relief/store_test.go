package relief

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
	"zhijia/internal/review"
)

func TestSubmit_IdempotentAndClassified(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		w, members := f.mustWorker(t, f.tree.Gulou, "w1")
		first := f.apply(t, w, members, "tap-1")
		again := f.apply(t, w, members, "tap-1")
		if first.ID != again.ID {
			t.Fatalf("same key twice made applications %d and %d", first.ID, again.ID)
		}
		var n int
		db.QueryRow(context.Background(), `SELECT COUNT(*) FROM relief_applications WHERE worker_id = ?`, w).Scan(&n)
		if n != 1 {
			t.Fatalf("%d applications, want 1", n)
		}
		if first.Category != Deep || first.Means.Size != 3 || first.Status != StatusPending || first.StepLevel != "grassroots" {
			t.Errorf("application: category %q size %d status %s step %s", first.Category, first.Means.Size, first.Status, first.StepLevel)
		}
		if first.WorkerName == "" || first.WorkerName[0:3] != "张" || first.WorkerName == "张1明" {
			t.Errorf("worker name not masked: %q", first.WorkerName)
		}
	})
}

func TestSubmit_Refusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		w, members := f.mustWorker(t, f.tree.Gulou, "w1")
		other, otherMembers := f.mustWorker(t, f.tree.Gulou, "w2")
		_ = other
		in := input(members, "")
		in.Consent, in.Causes, in.Requested, in.Statement = false, nil, DefaultCapPerApplication+1, ""
		_, err := f.store.Submit(f.worker(w), in)
		e, ok := platform.AsError(err)
		if !ok || e.Code != platform.CodeInvalid {
			t.Fatalf("bad input: %v", err)
		}
		for _, field := range []string{"consent", "causes", "requested", "statement"} {
			if e.Fields[field] == "" {
				t.Errorf("no message on %s: %v", field, e.Fields)
			}
		}
		if _, err := f.store.Submit(f.worker(w), input(otherMembers, "")); platform.ErrorCode(err) != platform.CodeInvalid {
			t.Errorf("someone else's household member: %v, want invalid", err)
		}
		// Staff outside the worker's subtree cannot apply for them.
		in = input(members, "")
		in.WorkerID = w
		if _, err := f.store.SubmitFor(f.staff(t, 5, f.tree.Districts["350103"]), in); platform.ErrorCode(err) != platform.CodeInvalid {
			t.Errorf("sibling staff applying: %v", err)
		}
	})
}

// One household through three levels: the district and the city each grant a
// part from their own funds; the total is the sum; the submitter cannot review.
func TestDecide_ThreeLevelsGrantFromEachFund(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		w, members := f.mustWorker(t, f.tree.Gulou, "w1")
		in := input(members, "")
		in.WorkerID = w
		app, err := f.store.SubmitFor(f.staff(t, 1, f.tree.Gulou), in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.decide(t, f.staff(t, 1, f.tree.Gulou), app.ID, review.Decision{Action: review.Approve}); platform.ErrorCode(err) != platform.CodeForbidden {
			t.Fatalf("submitter reviewing: %v", err)
		}
		if _, err := f.decide(t, f.staff(t, 2, f.tree.Gulou), app.ID, review.Decision{Action: review.Approve, Amount: 100}); platform.ErrorCode(err) != platform.CodeInvalid {
			t.Fatalf("grassroots without a fund granting: %v", err)
		}
		must2(t)(f.decide(t, f.staff(t, 2, f.tree.Gulou), app.ID, review.Decision{Action: review.Approve}))
		must2(t)(f.decide(t, f.staff(t, 3, f.gulou()), app.ID, review.Decision{Action: review.Approve, Amount: 300000}))
		got, err := f.decide(t, f.staff(t, 4, f.tree.City), app.ID, review.Decision{Action: review.Approve, Amount: 700000})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != StatusNotice || got.Granted != 1_000_000 {
			t.Fatalf("after city: status %s granted %d", got.Status, got.Granted)
		}
		funds, _ := f.store.Funds(f.staff(t, 4, f.tree.City), &Programme{ID: app.ProgrammeID})
		committed := map[int64]int64{}
		for _, fd := range funds {
			committed[fd.OrgID] = fd.Committed
		}
		if committed[f.gulou()] != 300000 || committed[f.tree.City] != 700000 {
			t.Errorf("committed: %v", committed)
		}
		var audited int
		db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action IN ('relief.grant', 'review.approve') AND entity_id = ?`,
			fmt.Sprint(app.ID)).Scan(&audited)
		if audited != 5 {
			t.Errorf("%d audit rows for 3 approvals and 2 grants, want 5", audited)
		}
	})
}

func must2(t *testing.T) func(*Application, error) {
	return func(_ *Application, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestDecide_Caps(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		w, members := f.mustWorker(t, f.tree.Gulou, "w1")
		a1 := f.apply(t, w, members, "a")
		must2(t)(f.decide(t, f.staff(t, 2, f.tree.Gulou), a1.ID, review.Decision{Action: review.Approve}))
		_, err := f.decide(t, f.staff(t, 3, f.gulou()), a1.ID, review.Decision{Action: review.Approve, Amount: DefaultCapPerApplication + 1})
		if e, _ := platform.AsError(err); e == nil || e.Fields["amount"] != "relief.err.cap_application" {
			t.Fatalf("over the application cap: %v", err)
		}
		must2(t)(f.decide(t, f.staff(t, 3, f.gulou()), a1.ID, review.Decision{Action: review.Approve, Amount: DefaultCapPerApplication}))
		a2 := f.apply(t, w, members, "b")
		must2(t)(f.decide(t, f.staff(t, 2, f.tree.Gulou), a2.ID, review.Decision{Action: review.Approve}))
		// The household cap is 80,000 yuan a year: 50,000 granted, 30,000 left.
		_, err = f.decide(t, f.staff(t, 3, f.gulou()), a2.ID, review.Decision{Action: review.Approve, Amount: 3_000_001})
		if e, _ := platform.AsError(err); e == nil || e.Fields["amount"] != "relief.err.cap_household" {
			t.Fatalf("over the household cap: %v", err)
		}
		must2(t)(f.decide(t, f.staff(t, 3, f.gulou()), a2.ID, review.Decision{Action: review.Approve, Amount: 3_000_000}))
	})
}

// 50 approvals at once against a fund that covers 10 of them: exactly 10 commit,
// the fund is used to the fen and never beyond.
func TestApprove_BudgetNeverOverspent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		const amount = 100000
		must(t, f.store.SetFund(f.staff(t, 9, f.gulou()), 2026, f.gulou(), 10*amount))
		var ids []int64
		for i := 0; i < 50; i++ {
			w, members := f.mustWorker(t, f.tree.Gulou, "x"+string(rune('A'+i)))
			app := f.apply(t, w, members, "")
			must2(t)(f.decide(t, f.staff(t, 2, f.tree.Gulou), app.ID, review.Decision{Action: review.Approve}))
			ids = append(ids, app.ID)
		}
		district := f.staff(t, 3, f.gulou())
		versions := map[int64]int64{}
		for _, id := range ids {
			app, err := f.store.Application(district, id)
			if err != nil {
				t.Fatal(err)
			}
			versions[id] = app.Review.Version
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, exhausted := 0, 0
		for _, id := range ids {
			wg.Add(1)
			go func(id int64) {
				defer wg.Done()
				_, err := f.store.Decide(district, id, versions[id], review.Decision{Action: review.Approve, Amount: amount})
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					ok++
				} else if e, _ := platform.AsError(err); e != nil && e.Fields["amount"] == "relief.err.fund_exhausted" {
					exhausted++
				} else {
					t.Errorf("approval: %v", err)
				}
			}(id)
		}
		wg.Wait()
		if ok != 10 || exhausted != 40 {
			t.Fatalf("%d approvals committed and %d refused, want 10 and 40", ok, exhausted)
		}
		var committed, grants, total int64
		db.QueryRow(context.Background(), `SELECT committed, total FROM relief_funds WHERE org_id = ?`, f.gulou()).Scan(&committed, &total)
		db.QueryRow(context.Background(), `SELECT COUNT(*) FROM relief_grants WHERE org_id = ?`, f.gulou()).Scan(&grants)
		if committed != total || grants != 10 {
			t.Errorf("fund committed %d of %d with %d grants", committed, total, grants)
		}
		var stillAtDistrict int
		db.QueryRow(context.Background(), `SELECT COUNT(*) FROM relief_applications WHERE step_level = 'district' AND status = 'pending'`).Scan(&stillAtDistrict)
		if stillAtDistrict != 40 {
			t.Errorf("%d applications still at the district, want the 40 refused", stillAtDistrict)
		}
	})
}

func TestReturn_WorkerSeesTheQuestionAndResubmits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		w, members := f.mustWorker(t, f.tree.Gulou, "w1")
		app := f.apply(t, w, members, "")
		must2(t)(f.decide(t, f.staff(t, 2, f.tree.Gulou), app.ID, review.Decision{Action: review.Return, Reason: "请上传住院发票"}))
		mine, err := f.store.Application(f.worker(w), app.ID)
		if err != nil || mine.Status != StatusReturned || mine.ReturnedFor != "请上传住院发票" {
			t.Fatalf("worker's view: %+v %v", mine, err)
		}
		if len(mine.Findings) != 0 {
			t.Errorf("a worker sees the reviewers' findings: %v", mine.Findings)
		}
		if _, err := f.store.Resubmit(f.worker(w), app.ID, Resubmission{Version: mine.Review.Version}); platform.ErrorCode(err) != platform.CodeInvalid {
			t.Errorf("empty supplement: %v", err)
		}
		other, _ := f.mustWorker(t, f.tree.Gulou, "w2")
		if _, err := f.store.Resubmit(f.worker(other), app.ID, Resubmission{Version: mine.Review.Version, Supplement: "x"}); platform.ErrorCode(err) != platform.CodeNotFound {
			t.Errorf("another worker resubmitting: %v", err)
		}
		got, err := f.store.Resubmit(f.worker(w), app.ID, Resubmission{Version: mine.Review.Version, Supplement: "发票已上传"})
		if err != nil || got.Status != StatusPending || got.StepLevel != "grassroots" {
			t.Fatalf("resubmit: %+v %v", got, err)
		}
	})
}

func TestFindings_DuplicatesAndMembership(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		w, members := f.mustWorker(t, f.tree.Gulou, "w1")
		first := f.apply(t, w, members, "")
		grass := f.staff(t, 2, f.tree.Gulou)
		clean, err := f.store.Application(grass, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		if keys := warnings(clean.Findings); len(keys) != 0 {
			t.Errorf("a clean application has warnings: %v", keys)
		}
		// A second open application, and a worker whose household lists w1's child.
		second := f.apply(t, w, members, "")
		ctx := context.Background()
		other, _ := f.mustWorker(t, f.tree.Gulou, "w9")
		db.Exec(ctx, `INSERT INTO household_members (worker_id, relation, name, id_index, created_at) VALUES (?, 'child', '李小红', 'w1a', ?)`, other, f.clock.Now())
		db.Exec(ctx, `UPDATE workers SET member_status = 'non_member' WHERE id = ?`, w)
		got, err := f.store.Application(grass, second.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"relief.check.not_member", "relief.check.other_open", "relief.check.two_households"}
		keys := warnings(got.Findings)
		for _, k := range want {
			if !contains(keys, k) {
				t.Errorf("findings %v lack %s", keys, k)
			}
		}
	})
}

func warnings(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		if f.Warn {
			out = append(out, f.Key)
		}
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func TestFindApplications_SubtreeAndFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		w1, m1 := f.mustWorker(t, f.tree.Gulou, "w1")
		w2, m2 := f.mustWorker(t, f.tree.Taijiang, "w2")
		f.apply(t, w1, m1, "")
		f.apply(t, w2, m2, "")
		rows, total, err := f.store.FindApplications(f.staff(t, 3, f.gulou()), Filter{Limit: 20})
		if err != nil || total != 1 || len(rows) != 1 || rows[0].WorkerID != w1 {
			t.Fatalf("鼓楼区 sees %d (%v): %+v", total, err, rows)
		}
		if _, total, _ := f.store.FindApplications(f.staff(t, 4, f.tree.City), Filter{Limit: 20}); total != 2 {
			t.Errorf("city sees %d, want 2", total)
		}
		if _, total, _ := f.store.FindApplications(f.staff(t, 4, f.tree.City), Filter{Cause: "disaster", Limit: 20}); total != 0 {
			t.Errorf("cause filter: %d", total)
		}
		f.clock.Advance(8 * 24 * 3600e9)
		if _, total, _ := f.store.FindApplications(f.staff(t, 4, f.tree.City), Filter{Overdue: true, Limit: 20}); total != 2 {
			t.Errorf("overdue filter after 8 days: %d, want 2", total)
		}
		if _, err := f.store.Application(f.staff(t, 3, f.gulou()), rows[0].ID+1); platform.ErrorCode(err) != platform.CodeNotFound {
			t.Errorf("sibling's application by guessed id: %v", err)
		}
	})
}

// TestApprove_HouseholdCapHoldsUnderConcurrency: eight applications of one
// household approved at the same moment, each within the per-application cap
// but any two over the household's yearly cap: one grant commits, the others
// are refused on the cap, on both engines.
func TestApprove_HouseholdCapHoldsUnderConcurrency(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		var capApp, capHousehold int64
		if err := db.QueryRow(ctx, `SELECT cap_application, cap_household FROM relief_programmes WHERE year = 2026`).Scan(&capApp, &capHousehold); err != nil {
			t.Fatal(err)
		}
		amount := capHousehold/2 + 100
		if amount > capApp {
			if _, err := db.Exec(ctx, `UPDATE relief_programmes SET cap_application = ? WHERE year = 2026`, amount); err != nil {
				t.Fatal(err)
			}
		}
		must(t, f.store.SetFund(f.staff(t, 9, f.gulou()), 2026, f.gulou(), 10*capHousehold))
		w, members := f.mustWorker(t, f.tree.Gulou, "hh")
		var ids []int64
		for _, key := range []string{"k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8"} {
			app := f.apply(t, w, members, key)
			must2(t)(f.decide(t, f.staff(t, 2, f.tree.Gulou), app.ID, review.Decision{Action: review.Approve}))
			ids = append(ids, app.ID)
		}
		district := f.staff(t, 3, f.gulou())
		versions := map[int64]int64{}
		for _, id := range ids {
			app, err := f.store.Application(district, id)
			if err != nil {
				t.Fatal(err)
			}
			versions[id] = app.Review.Version
		}
		var wg sync.WaitGroup
		errs := make([]error, len(ids))
		start := make(chan struct{})
		for i, id := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				// Reviewers of different accounts: their audit rows go to different
				// chains, so nothing else serialises the approvals.
				reviewer := f.staff(t, int64(20+i), f.gulou())
				_, errs[i] = f.store.Decide(reviewer, id, versions[id], review.Decision{Action: review.Approve, Amount: amount})
			}()
		}
		close(start)
		wg.Wait()
		ok, capped := 0, 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else if e, _ := platform.AsError(err); e != nil && e.Fields["amount"] == "relief.err.cap_household" {
				capped++
			} else {
				t.Errorf("approval: %v", err)
			}
		}
		var granted int64
		db.QueryRow(ctx, `SELECT COALESCE(SUM(amount), 0) FROM relief_grants WHERE worker_id = ? AND status <> 'revoked'`, w).Scan(&granted)
		if ok != 1 || capped != len(ids)-1 || granted > capHousehold {
			t.Fatalf("%d committed, %d refused on the cap, household granted %d of %d", ok, capped, granted, capHousehold)
		}
	})
}
