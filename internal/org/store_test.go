package org

import (
	"context"
	"strings"
	"testing"
	"time"

	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

func newStore(db *platform.DB) (*Store, *platform.FakeClock) {
	clock := platform.NewFakeClock(t0)
	return NewStore(db, clock), clock
}

func hasAudit(t *testing.T, db *platform.DB, prefix string) {
	t.Helper()
	for _, a := range auditActions(t, db) {
		if strings.HasPrefix(a, prefix) {
			return
		}
	}
	t.Errorf("no audit entry starting %q in %v", prefix, auditActions(t, db))
}

func TestCreate_Tree(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		s, _ := newStore(db)
		tr := buildTree(t, s)
		if tr.city.Path != "/"+itoa(tr.city.ID)+"/" || tr.city.CityID != tr.city.ID || tr.city.Depth != 0 {
			t.Fatalf("city: %+v", tr.city)
		}
		g := tr.g1
		if g.Path != tr.gulou.Path+itoa(g.ID)+"/" || g.Depth != 2 || g.CityID != tr.city.ID || g.ParentID != tr.gulou.ID {
			t.Fatalf("grassroots: %+v", g)
		}
		if g.AreaCode != "350102" || g.Employer == nil || g.Employer.Headcount != 120 || *g.Employer.Lng != 119.3 {
			t.Fatalf("grassroots employer/area: %+v %+v", g, g.Employer)
		}
		if g.Status != StatusActive || g.Version != 1 || !g.CreatedAt.Equal(t0) {
			t.Fatalf("grassroots state: %+v", g)
		}
		if tr.group.Depth != 3 || !strings.HasPrefix(tr.group.Path, g.Path) {
			t.Fatalf("group: %+v", tr.group)
		}
		hasAudit(t, db, "org.create 新建基层工会「福州鑫华电子有限公司工会委员会」，上级「鼓楼区总工会」")
	})
}

func TestCreate_Rules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		s, _ := newStore(db)
		tr := buildTree(t, s)
		ctx := actorAt(tr.gulou)
		_, err := s.Create(ctx, Input{ParentID: tr.gulou.ID, Level: LevelGroup, Name: "一车间"})
		wantCode(t, err, platform.CodeInvalid, "org.err.level_parent")
		_, err = s.Create(ctx, grassrootsInput(t, tr.taijiang, "福州某公司", 9, 10))
		wantCode(t, err, platform.CodeNotFound, "")
		_, err = s.Create(ctx, Input{Level: LevelGrassroots, Name: "X"})
		wantCode(t, err, platform.CodeInvalid, "org.err.parent_required")
		_, err = s.CreateRoot(ctx, Input{Name: "厦门市总工会", AreaCode: "350200"})
		wantCode(t, err, platform.CodeForbidden, "org.err.root_forbidden")
		// A district actor may create under its own district.
		o := mustCreate(t, s, ctx, grassrootsInput(t, tr.gulou, "福州某公司", 9, 10))
		if o.CityID != tr.city.ID {
			t.Fatalf("city id %d", o.CityID)
		}
	})
}

func TestCreate_DuplicateCreditCode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		s, _ := newStore(db)
		tr := buildTree(t, s)
		in := grassrootsInput(t, tr.taijiang, "另一家公司", 1, 10)
		in.Employer.CreditCode = strings.ToLower(tr.g1.Employer.CreditCode) // same code, typed differently
		_, err := s.Create(sys(), in)
		e := wantCode(t, err, platform.CodeConflict, "org.err.credit_code_taken")
		if e.Fields["credit_code"] != "org.err.credit_code_taken" {
			t.Fatalf("fields %v", e.Fields)
		}
		// Editing another union to the same code is refused the same way.
		up := grassrootsInput(t, tr.taijiang, "福州盛康商贸有限公司", 3, 50)
		up.Employer.CreditCode = tr.g1.Employer.CreditCode
		_, err = s.Update(sys(), tr.g3.ID, tr.g3.Version, up)
		wantCode(t, err, platform.CodeConflict, "org.err.credit_code_taken")
	})
}

func TestCreateRoot_FirstStartWithoutSystemActor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		s, _ := newStore(db)
		o, err := s.CreateRoot(context.Background(), Input{Name: "福州市总工会", AreaCode: "350100"})
		if err != nil || o.Level != LevelCity || o.ParentID != 0 {
			t.Fatalf("%+v %v", o, err)
		}
	})
}

func TestUpdate_ChangesAndAudits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		s, clock := newStore(db)
		tr := buildTree(t, s)
		clock.Advance(time.Hour)
		in := grassrootsInput(t, tr.gulou, "福州鑫华电子股份有限公司", 1, 150)
		in.ContactPhone = "13800000000"
		o, err := s.Update(actorAt(tr.gulou), tr.g1.ID, tr.g1.Version, in)
		if err != nil {
			t.Fatal(err)
		}
		if o.Name != "福州鑫华电子股份有限公司工会委员会" || o.Employer.Headcount != 150 || o.Version != 2 || !o.UpdatedAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("updated: %+v %+v", o, o.Employer)
		}
		if o.Employer.ID != tr.g1.Employer.ID {
			t.Fatal("the employer record should be edited, not replaced")
		}
		if st, _ := s.SubtreeStats(sys(), tr.gulou.Path); st.Headcount != 150+80 {
			t.Fatalf("stats after the edit count %d heads, want 230", st.Headcount)
		}
		for _, a := range auditActions(t, db) {
			if strings.HasPrefix(a, "org.update") {
				if !strings.Contains(a, "职工人数：120 → 150") || !strings.Contains(a, "联系电话：已修改") || strings.Contains(a, "13800000000") {
					t.Fatalf("summary: %s", a)
				}
				return
			}
		}
		t.Fatal("no org.update audit entry")
	})
}

func TestUpdate_StaleVersion(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		s, _ := newStore(db)
		tr := buildTree(t, s)
		in := Input{Name: "鼓楼区总工会（新）", AreaCode: "350102"}
		if _, err := s.Update(sys(), tr.gulou.ID, 1, in); err != nil {
			t.Fatal(err)
		}
		in.Name = "别人的修改"
		_, err := s.Update(sys(), tr.gulou.ID, 1, in)
		wantCode(t, err, platform.CodeConflict, "org.err.stale")
	})
}

func TestUpdate_DistrictAreaMustStayInCity(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		s, _ := newStore(db)
		tr := buildTree(t, s)
		_, err := s.Update(sys(), tr.gulou.ID, 1, Input{Name: "鼓楼区总工会", AreaCode: "350203"})
		wantCode(t, err, platform.CodeInvalid, "org.err.area_code_city")
	})
}

func TestScope_SiblingDistrictIsNotFound(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		s, _ := newStore(db)
		tr := buildTree(t, s)
		ctx := actorAt(tr.gulou)
		other := tr.g3 // in 台江区
		_, err := s.Get(ctx, other.ID)
		wantCode(t, err, platform.CodeNotFound, "")
		_, err = s.Update(ctx, other.ID, other.Version, grassrootsInput(t, tr.taijiang, "改名", 3, 1))
		wantCode(t, err, platform.CodeNotFound, "")
		wantCode(t, s.Move(ctx, other.ID, tr.gulou.ID, other.Version), platform.CodeNotFound, "")
		wantCode(t, s.Close(ctx, other.ID, other.Version, "停业"), platform.CodeNotFound, "")
		wantCode(t, s.Delete(ctx, other.ID), platform.CodeNotFound, "")
		_, err = s.Children(ctx, tr.taijiang.ID)
		wantCode(t, err, platform.CodeNotFound, "")
		_, err = s.SubtreeStats(ctx, tr.taijiang.Path)
		wantCode(t, err, platform.CodeNotFound, "")
		// Nor may it move its own union under the sibling district.
		wantCode(t, s.Move(ctx, tr.g1.ID, tr.taijiang.ID, tr.g1.Version), platform.CodeNotFound, "")
		// And it cannot close or delete its own district: that is for the city.
		wantCode(t, s.Close(ctx, tr.gulou.ID, tr.gulou.Version, "x"), platform.CodeForbidden, "org.err.own_org")
		// Its own subtree is fine.
		if _, err := s.Get(ctx, tr.group.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get(context.Background(), tr.g1.ID); platform.ErrorCode(err) != platform.CodeNotFound {
			t.Fatalf("no actor: %v", err)
		}
	})
}

func TestMove_RewritesSubtree(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		s, _ := newStore(db)
		tr := buildTree(t, s)
		// The grassroots union g1 (with its group) moves from 鼓楼区 to the industry union.
		if err := s.Move(sys(), tr.g1.ID, tr.edu.ID, tr.g1.Version); err != nil {
			t.Fatal(err)
		}
		g1, _ := s.Get(sys(), tr.g1.ID)
		group, _ := s.Get(sys(), tr.group.ID)
		if g1.ParentID != tr.edu.ID || g1.Path != tr.edu.Path+itoa(g1.ID)+"/" || g1.Depth != 2 || g1.Version != 2 {
			t.Fatalf("moved: %+v", g1)
		}
		if group.Path != g1.Path+itoa(group.ID)+"/" || group.Depth != 3 {
			t.Fatalf("grandchild: %+v", group)
		}
		// A whole district moves one level down? Not allowed: a district fits only under a city.
		err := s.Move(sys(), tr.taijiang.ID, tr.gulou.ID, tr.taijiang.Version)
		wantCode(t, err, platform.CodeInvalid, "org.err.level_parent")
		// The city's stats follow the move: 鼓楼 lost g1's 120 heads.
		st, err := s.SubtreeStats(sys(), tr.gulou.Path)
		if err != nil || st.Grassroots != 1 || st.Headcount != 80 || st.Groups != 0 {
			t.Fatalf("gulou after move: %+v %v", st, err)
		}
		hasAudit(t, db, "org.move 「福州鑫华电子有限公司工会委员会」：「鼓楼区总工会」→「福州市教育工会」")
	})
}

func TestMove_DeepSubtreeDepths(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		s, _ := newStore(db)
		tr := buildTree(t, s)
		// Moving a group between grassroots unions in different districts.
		if err := s.Move(sys(), tr.group.ID, tr.g3.ID, tr.group.Version); err != nil {
			t.Fatal(err)
		}
		kids, err := s.Children(actorAt(tr.taijiang), tr.g3.ID)
		if err != nil || len(kids) != 1 || kids[0].ID != tr.group.ID || kids[0].Path != tr.g3.Path+itoa(tr.group.ID)+"/" {
			t.Fatalf("children of g3: %+v %v", kids, err)
		}
	})
}

func TestMove_UnderOwnDescendant(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		s, _ := newStore(db)
		tr := buildTree(t, s)
		wantCode(t, s.Move(sys(), tr.g1.ID, tr.group.ID, tr.g1.Version), platform.CodeInvalid, "org.err.move_into_descendant")
		wantCode(t, s.Move(sys(), tr.g1.ID, tr.g1.ID, tr.g1.Version), platform.CodeInvalid, "org.err.move_into_descendant")
		wantCode(t, s.Move(sys(), tr.city.ID, tr.gulou.ID, tr.city.Version), platform.CodeInvalid, "org.err.move_root")
		wantCode(t, s.Move(sys(), tr.g1.ID, tr.g3.ID, tr.g1.Version), platform.CodeInvalid, "org.err.level_parent")
	})
}

func TestMove_StaleVersion(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		s, _ := newStore(db)
		tr := buildTree(t, s)
		if err := s.Move(sys(), tr.g2.ID, tr.taijiang.ID, tr.g2.Version); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.Move(sys(), tr.g2.ID, tr.gulou.ID, tr.g2.Version), platform.CodeConflict, "org.err.stale")
	})
}

func TestClose_AndReopen(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		s, clock := newStore(db)
		tr := buildTree(t, s)
		ctx := actorAt(tr.gulou)
		wantCode(t, s.Close(ctx, tr.g1.ID, tr.g1.Version, "企业搬迁"), platform.CodeConflict, "org.err.close_children")
		wantCode(t, s.Close(ctx, tr.g2.ID, tr.g2.Version, "  "), platform.CodeInvalid, "org.err.reason_required")
		clock.Advance(time.Minute)
		if err := s.Close(ctx, tr.g2.ID, tr.g2.Version, "企业注销"); err != nil {
			t.Fatal(err)
		}
		g2, _ := s.Get(ctx, tr.g2.ID)
		if g2.Status != StatusClosed || g2.ClosedAt == nil || !g2.ClosedAt.Equal(t0.Add(time.Minute)) || g2.Version != 2 {
			t.Fatalf("closed: %+v", g2)
		}
		wantCode(t, s.Close(ctx, tr.g2.ID, g2.Version, "again"), platform.CodeConflict, "org.err.already_closed")
		_, err := s.Create(ctx, Input{ParentID: g2.ID, Level: LevelGroup, Name: "小组"})
		wantCode(t, err, platform.CodeInvalid, "org.err.parent_closed")
		hasAudit(t, db, "org.close 关闭「福州恒通物流有限公司工会委员会」：企业注销")
		if err := s.Reopen(ctx, g2.ID, g2.Version); err != nil {
			t.Fatal(err)
		}
		g2, _ = s.Get(ctx, tr.g2.ID)
		if g2.Status != StatusActive || g2.ClosedAt != nil {
			t.Fatalf("reopened: %+v", g2)
		}
	})
}

func TestDelete(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		s, _ := newStore(db)
		tr := buildTree(t, s)
		ctx := actorAt(tr.gulou)
		wantCode(t, s.Delete(ctx, tr.g1.ID), platform.CodeConflict, "org.err.delete_in_use")
		if err := s.Delete(ctx, tr.group.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.Delete(ctx, tr.g1.ID); err != nil {
			t.Fatal(err)
		}
		_, err := s.Get(ctx, tr.g1.ID)
		wantCode(t, err, platform.CodeNotFound, "")
		// The employer record went with it, so its credit code can be registered again.
		mustCreate(t, s, ctx, grassrootsInput(t, tr.gulou, "福州鑫华电子有限公司", 1, 120))
		hasAudit(t, db, "org.delete 删除基层工会「福州鑫华电子有限公司工会委员会」")
	})
}

func TestDelete_WithAccountRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		s, _ := newStore(db)
		tr := buildTree(t, s)
		_, err := db.Exec(context.Background(), `INSERT INTO accounts (org_id, username, name, role, password_hash,
			password_changed_at, created_at, updated_at) VALUES (?, 'u', 'u', 'admin', 'x', ?, ?, ?)`, tr.g3.ID, t0, t0, t0)
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.Delete(sys(), tr.g3.ID), platform.CodeConflict, "org.err.delete_in_use")
	})
}

func TestFind(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		s, _ := newStore(db)
		tr := buildTree(t, s)
		names := func(list []Org) string {
			var n []string
			for _, o := range list {
				n = append(n, o.Name)
			}
			return strings.Join(n, ",")
		}
		list, total, err := s.Find(actorAt(tr.gulou), Filter{Level: LevelGrassroots, Sort: "name"})
		if err != nil || total != 2 || names(list) != "福州恒通物流有限公司工会委员会,福州鑫华电子有限公司工会委员会" {
			t.Fatalf("gulou grassroots: %s %d %v", names(list), total, err)
		}
		// Asking for the whole city from a district is narrowed to the district.
		_, total, _ = s.Find(actorAt(tr.gulou), Filter{Under: tr.city.Path})
		if total != 4 { // 鼓楼, g1, g2, group
			t.Fatalf("narrowed total %d", total)
		}
		_, total, _ = s.Find(actorAt(tr.gulou), Filter{Under: tr.taijiang.Path})
		if total != 0 {
			t.Fatalf("sibling subtree total %d", total)
		}
		list, total, _ = s.Find(sys(), Filter{Q: "电子"})
		if total != 1 || list[0].ID != tr.g1.ID {
			t.Fatalf("q: %s", names(list))
		}
		list, _, _ = s.Find(sys(), Filter{Q: tr.g3.Employer.CreditCode})
		if len(list) != 1 || list[0].ID != tr.g3.ID {
			t.Fatalf("by credit code: %s", names(list))
		}
		_, total, _ = s.Find(sys(), Filter{Q: "%"})
		if total != 0 {
			t.Fatalf("%% must match literally, got %d", total)
		}
		list, total, _ = s.Find(sys(), Filter{Sort: "level", Limit: 2, Offset: 1})
		if total != 9 || len(list) != 2 || list[0].Level != LevelDistrict {
			t.Fatalf("page: %s %d", names(list), total)
		}
		list, total, _ = s.Find(sys(), Filter{Offset: 100})
		if total != 9 || len(list) != 0 {
			t.Fatalf("past the end: %d %d", len(list), total)
		}
		list, _, _ = s.Find(sys(), Filter{Sort: "created; DROP TABLE orgs", Desc: true, Limit: 1})
		if len(list) != 1 {
			t.Fatal("unknown sort must fall back")
		}
	})
}

func TestAncestors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		s, _ := newStore(db)
		tr := buildTree(t, s)
		list, err := s.Ancestors(sys(), tr.group.ID)
		if err != nil || len(list) != 3 || list[0].ID != tr.city.ID || list[2].ID != tr.g1.ID {
			t.Fatalf("ancestors: %+v %v", list, err)
		}
		list, _ = s.Ancestors(actorAt(tr.gulou), tr.group.ID)
		if len(list) != 2 || list[0].ID != tr.gulou.ID {
			t.Fatalf("ancestors in scope: %+v", list)
		}
		if list, _ := s.Ancestors(sys(), tr.city.ID); len(list) != 0 {
			t.Fatalf("root ancestors: %+v", list)
		}
	})
}

func TestSubtreeStats_HandCount(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		s, _ := newStore(db)
		tr := buildTree(t, s)
		if err := s.Close(sys(), tr.g2.ID, tr.g2.Version, "注销"); err != nil {
			t.Fatal(err)
		}
		st, err := s.SubtreeStats(sys(), tr.city.Path)
		want := Stats{Grassroots: 3, Headcount: 120 + 50 + 1000, Districts: 2, Industries: 1, Groups: 1}
		if err != nil || st != want {
			t.Fatalf("city stats %+v, want %+v (%v)", st, want, err)
		}
		st, _ = s.SubtreeStats(actorAt(tr.gulou), tr.gulou.Path)
		if want := (Stats{Grassroots: 1, Headcount: 120, Districts: 1, Groups: 1}); st != want {
			t.Fatalf("gulou stats %+v, want %+v", st, want)
		}
		_, err = s.SubtreeStats(sys(), "nonsense")
		wantCode(t, err, platform.CodeNotFound, "")
	})
}
