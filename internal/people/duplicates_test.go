package people

import (
	"context"
	"strings"
	"testing"

	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

// dupPair registers two workers of the same name and birth date in a 鼓楼 union
// (the second with a phone and a household) and returns them.
func dupPair(t *testing.T, f *fixture) (a, b *Worker) {
	t.Helper()
	a = f.mustWorker(t, f.tree.Gulou, "林重名", idOf("35010219850505111"), "")
	in := WorkerInput{OrgID: f.tree.Gulou, Name: "林重名", IDNumber: idOf("35010219850505222"), Phone: "13911112222",
		MemberStatus: NonMember, Employer: "福州重名公司", Consent: true,
		Household: []HouseholdInput{{Relation: "child", Name: "林小明", Birth: "2015-06-01", Student: true}}}
	b, err := f.store.CreateWorker(f.as(t, "admin", f.tree.City), in)
	if err != nil {
		t.Fatal(err)
	}
	return a, b
}

func idOf(body string) string { return body + string(CheckChar(body)) }

// scanPair scans as a 鼓楼 clerk and returns the queued pair of a and b.
func scanPair(t *testing.T, f *fixture, a, b *Worker) *Duplicate {
	t.Helper()
	ctx := f.as(t, "clerk", f.tree.Districts["350102"])
	if n, err := f.store.ScanDuplicates(ctx); err != nil || n != 1 {
		t.Fatalf("scan: found %d, %v; want 1 new pair", n, err)
	}
	rows, total, err := f.store.FindDuplicates(ctx, DupFilter{Status: DupOpen})
	if err != nil || total != 1 || len(rows) != 1 {
		t.Fatalf("find: %d rows, total %d, %v", len(rows), total, err)
	}
	d := rows[0]
	if d.AID != a.ID || d.BID != b.ID || d.A == nil || d.B == nil || d.Reason != ReasonSameNameBirth {
		t.Fatalf("pair %+v, want %d/%d", d, a.ID, b.ID)
	}
	return &d
}

func TestScanDuplicates_SameNameAndBirthFoundOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		a, b := dupPair(t, f)
		f.mustWorker(t, f.tree.Gulou, "林不同", idOf("35010219850505333"), "") // same birth, other name
		scanPair(t, f, a, b)
		gulou := f.as(t, "clerk", f.tree.Districts["350102"])
		if n, err := f.store.ScanDuplicates(gulou); err != nil || n != 0 {
			t.Errorf("second scan: %d new, %v; want 0", n, err)
		}
		var audits int
		if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = 'people.duplicates.scan'`).Scan(&audits); err != nil || audits != 2 {
			t.Errorf("scan audits %d, %v; want 2", audits, err)
		}
	})
}

func TestDuplicates_OtherDistrictSeesNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		a, b := dupPair(t, f)
		d := scanPair(t, f, a, b)
		tj := f.as(t, "clerk", f.tree.Districts["350103"])
		if n, err := f.store.ScanDuplicates(tj); err != nil || n != 0 {
			t.Errorf("台江 scan: %d, %v", n, err)
		}
		if rows, total, err := f.store.FindDuplicates(tj, DupFilter{}); err != nil || total != 0 || len(rows) != 0 {
			t.Errorf("台江 sees %d pairs (%v)", total, err)
		}
		if _, err := f.store.GetDuplicate(tj, d.ID); platform.ErrorCode(err) != platform.CodeNotFound {
			t.Errorf("台江 get: %v, want not found", err)
		}
		if err := f.store.Merge(tj, d.ID, d.Version, a.ID); platform.ErrorCode(err) != platform.CodeNotFound {
			t.Errorf("台江 merge: %v, want not found", err)
		}
	})
}

func TestDismiss_KeepsBothRecords(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		a, b := dupPair(t, f)
		d := scanPair(t, f, a, b)
		ctx := f.as(t, "clerk", f.tree.Districts["350102"])
		if err := f.store.Dismiss(ctx, d.ID, d.Version+1, ""); platform.ErrorCode(err) != platform.CodeConflict {
			t.Fatalf("stale dismiss: %v, want conflict", err)
		}
		if err := f.store.Dismiss(ctx, d.ID, d.Version, "两个人，已电话核实"); err != nil {
			t.Fatal(err)
		}
		got, err := f.store.GetDuplicate(ctx, d.ID)
		if err != nil || got.Status != DupDismissed || got.Note != "两个人，已电话核实" || got.A == nil || got.B == nil || got.DecidedBy != "测试" {
			t.Fatalf("after dismiss: %+v, %v", got, err)
		}
		if err := f.store.Dismiss(ctx, d.ID, got.Version, ""); platform.ErrorCode(err) != platform.CodeConflict {
			t.Errorf("dismiss twice: %v, want conflict", err)
		}
	})
}

func TestMerge_KeepsChosenMovesHouseholdDeletesOther(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		a, b := dupPair(t, f)
		d := scanPair(t, f, a, b)
		ctx := f.as(t, "clerk", f.tree.Districts["350102"])
		if err := f.store.Merge(ctx, d.ID, d.Version, 999999); platform.ErrorCode(err) != platform.CodeInvalid || fields(err)["keep"] == "" {
			t.Fatalf("merge without a choice: %v", err)
		}
		if err := f.store.Merge(ctx, d.ID, d.Version-1, a.ID); platform.ErrorCode(err) != platform.CodeConflict {
			t.Fatalf("stale merge: %v, want conflict", err)
		}
		if err := f.store.Merge(ctx, d.ID, d.Version, a.ID); err != nil {
			t.Fatal(err)
		}
		kept, err := f.store.GetWorker(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(kept.Household) != 1 || kept.Household[0].Name != "林小明" || kept.ConsentVersion != ConsentVersion {
			t.Errorf("household not moved: %+v consent %q", kept.Household, kept.ConsentVersion)
		}
		if kept.PhoneMasked != MaskPhone("13911112222") || kept.Employer != "福州重名公司" {
			t.Errorf("empty fields not filled: phone %q employer %q", kept.PhoneMasked, kept.Employer)
		}
		if kept.IDMasked != a.IDMasked || kept.MemberStatus != Member || kept.Version != a.Version+1 {
			t.Errorf("kept record overwritten: id %q status %q version %d", kept.IDMasked, kept.MemberStatus, kept.Version)
		}
		if _, err := f.store.GetWorker(ctx, b.ID); platform.ErrorCode(err) != platform.CodeNotFound {
			t.Errorf("other record still there: %v", err)
		}
		got, err := f.store.GetDuplicate(ctx, d.ID)
		if err != nil || got.Status != DupMerged || got.A == nil || got.B != nil {
			t.Fatalf("pair after merge: %+v, %v", got, err)
		}
		var summary string
		if err := db.QueryRow(context.Background(), `SELECT summary FROM audit_log WHERE action = 'people.duplicates.merge' AND entity_id = ?`,
			itoa64(d.ID)).Scan(&summary); err != nil {
			t.Fatalf("merge audit: %v", err)
		}
		if strings.Contains(summary, "林重名") || strings.Contains(summary, idOf("35010219850505222")) || !strings.Contains(summary, MaskName("林重名")) {
			t.Errorf("audit summary %q: want masked values only", summary)
		}
		// The deleted record's id number is free again (its phone now belongs to the kept one).
		f.mustWorker(t, f.tree.Gulou, "林重名", idOf("35010219850505222"), "")
	})
}

func TestMerge_RefusedWithOpenApplication(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		a, b := dupPair(t, f)
		d := scanPair(t, f, a, b)
		if _, err := db.Exec(context.Background(), `INSERT INTO membership_applications (city_id, worker_id, org_id, status, open_flag, submitted_at)
			VALUES (?, ?, ?, 'pending', 1, ?)`, f.tree.City, b.ID, f.tree.Gulou, f.clock.Now()); err != nil {
			t.Fatal(err)
		}
		ctx := f.as(t, "clerk", f.tree.Districts["350102"])
		err := f.store.Merge(ctx, d.ID, d.Version, a.ID)
		if e, ok := platform.AsError(err); !ok || e.Message != "people.err.dup_open_membership" {
			t.Fatalf("merge with an open application: %v", err)
		}
		if _, err := f.store.GetWorker(ctx, b.ID); err != nil {
			t.Errorf("other record gone after a refused merge: %v", err)
		}
	})
}

// TestMerge_RefusedWhenTheOtherRecordHasProgrammeRecords: a record that
// another programme's rows name (here relief's household row) cannot be the one
// deleted; the merge is refused with a message saying to keep it instead.
func TestMerge_RefusedWhenTheOtherRecordHasProgrammeRecords(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		a, b := dupPair(t, f)
		d := scanPair(t, f, a, b)
		if _, err := db.Exec(context.Background(), `INSERT INTO worker_tokens (worker_id, client, token_hash, created_at, expires_at)
			VALUES (?, 'x', 'h', ?, ?)`, b.ID, f.clock.Now(), f.clock.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(context.Background(), `INSERT INTO relief_household_years (worker_id, year) VALUES (?, 2026)`, b.ID); err != nil {
			t.Fatal(err)
		}
		ctx := f.as(t, "clerk", f.tree.Districts["350102"])
		err := f.store.Merge(ctx, d.ID, d.Version, a.ID)
		if e, ok := platform.AsError(err); !ok || e.Message != "people.err.dup_gone_has_records" {
			t.Fatalf("merge deleting a record with programme rows: %v", err)
		}
		if _, err := f.store.GetWorker(ctx, b.ID); err != nil {
			t.Errorf("other record gone after a refused merge: %v", err)
		}
	})
}
