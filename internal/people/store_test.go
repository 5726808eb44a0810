package people

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

func TestCreateWorker_DerivesAndMasks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		id := validID("350102", "19900215", "913") // 3 is odd: male
		w := f.mustWorker(t, f.tree.Gulou, "陈小明", strings.ToLower(id), "+86 139 0000 1234")
		if w.IDMasked != "350102********"+id[14:] || w.PhoneMasked != "139****1234" {
			t.Errorf("masked %q %q", w.IDMasked, w.PhoneMasked)
		}
		if w.Gender != GenderMale || w.Birth != "1990-02-15" || w.MemberStatus != Member || w.OrgID != f.tree.Gulou {
			t.Errorf("worker %+v", w)
		}
		var sealed string
		if err := db.QueryRow(context.Background(), `SELECT id_sealed FROM workers WHERE id = ?`, w.ID).Scan(&sealed); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(sealed, id[:10]) {
			t.Error("id number stored in clear")
		}
		var summary string
		if err := db.QueryRow(context.Background(), `SELECT summary FROM audit_log WHERE action = 'people.create' AND entity_id = ?`,
			itoa64(w.ID)).Scan(&summary); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(summary, id) || strings.Contains(summary, "13900001234") || strings.Contains(summary, "陈小明") {
			t.Errorf("audit summary holds clear personal data: %q", summary)
		}
	})
}

func TestCreateWorker_DuplicateIDNumber(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		id := validID("350102", "19900215", "914")
		f.mustWorker(t, f.tree.Gulou, "陈小明", id, "")
		// in scope: the message names the union holding the record
		_, err := f.store.CreateWorker(f.as(t, "clerk", f.tree.Districts["350102"]),
			WorkerInput{OrgID: f.tree.Gulou, Name: "陈小明", IDNumber: id})
		e, _ := platform.AsError(err)
		if e == nil || e.Code != platform.CodeConflict || e.Message != "people.err.taken_in" || e.Fields["id_number"] == "" {
			t.Fatalf("duplicate in scope: %v", err)
		}
		// outside scope: a neutral message
		_, err = f.store.CreateWorker(f.as(t, "clerk", f.tree.Districts["350103"]),
			WorkerInput{OrgID: f.tree.Taijiang, Name: "陈小明", IDNumber: id})
		e, _ = platform.AsError(err)
		if e == nil || e.Message != "people.err.taken_elsewhere" || len(e.Args) != 0 {
			t.Fatalf("duplicate out of scope: %v", err)
		}
	})
}

func TestWorkers_ScopeHidesOtherDistricts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		w := f.mustWorker(t, f.tree.Gulou, "林秀英", validID("350102", "19880808", "926"), "13900002222")
		tj := f.as(t, "clerk", f.tree.Districts["350103"])
		if _, err := f.store.GetWorker(tj, w.ID); platform.ErrorCode(err) != platform.CodeNotFound {
			t.Errorf("台江 clerk reads a 鼓楼 worker: %v", err)
		}
		for _, q := range []string{"", "林", "13900002222", validID("350102", "19880808", "926")} {
			list, total, err := f.store.FindWorkers(tj, WorkerFilter{Q: q})
			if err != nil || total != 0 || len(list) != 0 {
				t.Errorf("台江 clerk finds %d for %q: %v", total, q, err)
			}
			list, total, err = f.store.FindWorkers(f.as(t, "clerk", f.tree.Districts["350102"]), WorkerFilter{Q: q})
			if err != nil || total != 1 || list[0].ID != w.ID {
				t.Errorf("鼓楼 clerk finds %d for %q: %v", total, q, err)
			}
		}
		_, err := f.store.UpdateWorker(tj, w.ID, w.Version, WorkerInput{OrgID: f.tree.Taijiang, Name: "x"})
		if platform.ErrorCode(err) != platform.CodeNotFound {
			t.Errorf("台江 clerk edits a 鼓楼 worker: %v", err)
		}
		_, err = f.store.CreateWorker(tj, WorkerInput{OrgID: f.tree.Gulou, Name: "王", IDNumber: validID("350103", "19700101", "931")})
		if fields(err)["org_id"] == "" {
			t.Errorf("台江 clerk adds a worker to a 鼓楼 union: %v", err)
		}
	})
}

func TestUpdateWorker_KeepsBlankSensitiveFieldsAndChecksVersion(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		w := f.mustWorker(t, f.tree.Gulou, "黄志强", validID("350102", "19750101", "915"), "13900003333")
		ctx := f.as(t, "clerk", f.tree.Districts["350102"])
		in := WorkerInput{OrgID: f.tree.Gulou, Name: "黄志强", MemberStatus: Member, ModelLevel: ModelCity, GroupCode: "courier"}
		got, err := f.store.UpdateWorker(ctx, w.ID, w.Version, in)
		if err != nil {
			t.Fatal(err)
		}
		if got.IDMasked != w.IDMasked || got.PhoneMasked != w.PhoneMasked || got.ModelLevel != ModelCity || got.GroupCode != "courier" || got.Version != w.Version+1 {
			t.Errorf("after update %+v", got)
		}
		if _, err := f.store.UpdateWorker(ctx, w.ID, w.Version, in); platform.ErrorCode(err) != platform.CodeConflict {
			t.Errorf("stale version saved: %v", err)
		}
		in.GroupCode = "astronaut"
		if _, err := f.store.UpdateWorker(ctx, w.ID, got.Version, in); fields(err)["group_code"] == "" {
			t.Errorf("unknown group accepted: %v", err)
		}
	})
}

func TestHousehold_NeedsConsent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		ctx := f.as(t, "clerk", f.tree.Gulou)
		child := validID("350102", "20150601", "922")
		in := WorkerInput{OrgID: f.tree.Gulou, Name: "张丽华", IDNumber: validID("350102", "19860420", "928"),
			Household: []HouseholdInput{{Relation: "child", Name: "张小丽", IDNumber: child, Student: true}, {}}}
		if _, err := f.store.CreateWorker(ctx, in); fields(err)["consent"] != "people.err.consent_required" {
			t.Fatalf("household without consent: %v", err)
		}
		in.Consent = true
		w, err := f.store.CreateWorker(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if len(w.Household) != 1 || w.Household[0].Birth != "2015-06-01" || !w.Household[0].Student ||
			w.Household[0].IDMasked != MaskIDNumber(child) || w.ConsentVersion != ConsentVersion || w.ConsentBy != "account:7" {
			t.Errorf("household %+v consent %q %q", w.Household, w.ConsentBy, w.ConsentVersion)
		}
		// editing keeps the member's id number when left blank; consent on record suffices
		in.Consent, in.IDNumber = false, ""
		in.Household = []HouseholdInput{{ID: w.Household[0].ID, Relation: "child", Name: "张小丽", Ill: true}}
		w2, err := f.store.UpdateWorker(ctx, w.ID, w.Version, in)
		if err != nil {
			t.Fatal(err)
		}
		if len(w2.Household) != 1 || w2.Household[0].IDMasked != MaskIDNumber(child) || !w2.Household[0].Ill {
			t.Errorf("household after edit %+v", w2.Household)
		}
		in.Household[0].Relation = "cousin"
		if _, err := f.store.UpdateWorker(ctx, w.ID, w2.Version, in); fields(err)["household.0.relation"] == "" {
			t.Errorf("bad relation accepted: %v", err)
		}
	})
}

func TestRevealWorker_AuditedAndGuarded(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		id := validID("350102", "19800101", "917")
		w := f.mustWorker(t, f.tree.Gulou, "李建平", id, "13900004444")
		if _, err := f.store.RevealWorker(f.as(t, "clerk", f.tree.Districts["350102"]), w.ID, FieldIDNumber); platform.ErrorCode(err) != platform.CodeForbidden {
			t.Errorf("clerk revealed: %v", err)
		}
		if _, err := f.store.RevealWorker(f.as(t, "admin", f.tree.Districts["350103"]), w.ID, FieldIDNumber); platform.ErrorCode(err) != platform.CodeNotFound {
			t.Errorf("admin outside scope revealed: %v", err)
		}
		admin := f.as(t, "admin", f.tree.Districts["350102"])
		got, err := f.store.RevealWorker(admin, w.ID, FieldIDNumber)
		if err != nil || got != id {
			t.Fatalf("reveal id = %q, %v", got, err)
		}
		if got, err := f.store.RevealWorker(admin, w.ID, FieldPhone); err != nil || got != "13900004444" {
			t.Fatalf("reveal phone = %q, %v", got, err)
		}
		var n int
		var summary string
		if err := db.QueryRow(context.Background(), `SELECT COUNT(*), MAX(summary) FROM audit_log WHERE action = 'people.reveal' AND entity_id = ?`,
			itoa64(w.ID)).Scan(&n, &summary); err != nil {
			t.Fatal(err)
		}
		if n != 2 || strings.Contains(summary, id) || strings.Contains(summary, "13900004444") {
			t.Errorf("reveal audit: %d rows, %q", n, summary)
		}
	})
}

func TestSubtreeCounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		jia := f.mustWorker(t, f.tree.Gulou, "甲", validID("350102", "19800101", "911"), "")
		f.mustWorker(t, f.tree.Taijiang, "乙", validID("350103", "19800101", "911"), "")
		_, err := f.store.CreateWorker(f.as(t, "admin", f.tree.City), WorkerInput{OrgID: f.tree.Gulou, Name: "丙",
			IDNumber: validID("350102", "19800101", "933")})
		if err != nil {
			t.Fatal(err)
		}
		ctx := f.as(t, "admin", f.tree.City)
		c, err := f.store.SubtreeCounts(ctx, f.path(t, f.tree.Districts["350102"]))
		if err != nil || c.Workers != 2 || c.Members != 1 {
			t.Errorf("鼓楼 counts %+v %v", c, err)
		}
		c, err = f.store.SubtreeCounts(ctx, f.tree.CityPath)
		if err != nil || c.Workers != 3 || c.Members != 2 {
			t.Errorf("city counts %+v %v", c, err)
		}
		if _, err := f.store.SubtreeCounts(f.as(t, "admin", f.tree.Districts["350103"]), f.path(t, f.tree.Districts["350102"])); platform.ErrorCode(err) != platform.CodeNotFound {
			t.Errorf("counts outside scope: %v", err)
		}
		// the per-org counts follow edits: 甲 leaves 鼓楼 for 台江 and stops being a member
		if _, err := f.store.UpdateWorker(ctx, jia.ID, jia.Version, WorkerInput{OrgID: f.tree.Taijiang, Name: "甲", MemberStatus: NonMember}); err != nil {
			t.Fatal(err)
		}
		c, _ = f.store.SubtreeCounts(ctx, f.path(t, f.tree.Districts["350102"]))
		t2, _ := f.store.SubtreeCounts(ctx, f.path(t, f.tree.Districts["350103"]))
		if c.Workers != 1 || c.Members != 0 || t2.Workers != 2 || t2.Members != 1 {
			t.Errorf("after the move: 鼓楼 %+v, 台江 %+v", c, t2)
		}
	})
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
