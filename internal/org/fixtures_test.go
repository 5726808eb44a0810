package org

import (
	"context"
	"fmt"
	"testing"
	"time"

	"zhijia/internal/platform"
)

var t0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

// sys is a context acting as the system.
func sys() context.Context {
	return platform.WithActor(context.Background(), platform.System("test"))
}

// actorAt is a context acting as an admin of org o.
func actorAt(o *Org) context.Context {
	return platform.WithActor(context.Background(), &platform.Actor{Kind: "staff", AccountID: 1,
		Name: "测试", Role: "admin", OrgID: o.ID, OrgPath: o.Path})
}

// testCode is a valid credit code for employer n registered in area.
func testCode(t testing.TB, area string, n int) string {
	return withCheck(t, fmt.Sprintf("91%s%09d", area, n))
}

// tree is a small union tree:
//
//	city 350100
//	├── gulou 350102 ── g1 (120 heads) ── group
//	│                └─ g2 (80 heads, closed later by some tests)
//	├── taijiang 350103 ── g3 (50 heads)
//	└── edu (industry) ── g4 (1000 heads)
type tree struct {
	city, gulou, taijiang, edu, g1, g2, g3, g4, group *Org
}

func mustCreate(t testing.TB, s *Store, ctx context.Context, in Input) *Org {
	t.Helper()
	o, err := s.Create(ctx, in)
	if err != nil {
		t.Fatalf("create %s: %v", in.Name, err)
	}
	return o
}

func grassrootsInput(t testing.TB, parent *Org, name string, n int, heads int64) Input {
	area := parent.AreaCode
	if area == "" {
		area = "350100"
	}
	return Input{ParentID: parent.ID, Level: LevelGrassroots, Name: name + "工会委员会",
		ContactName: "陈主席", ContactPhone: "0591-87000000",
		Employer: &EmployerInput{Name: name, CreditCode: testCode(t, area, n), Headcount: heads,
			Address: "福州市五四路1号", Lng: fptr(119.3), Lat: fptr(26.08)}}
}

func buildTree(t testing.TB, s *Store) tree {
	t.Helper()
	ctx := sys()
	var tr tree
	var err error
	tr.city, err = s.CreateRoot(ctx, Input{Name: "福州市总工会", AreaCode: "350100"})
	if err != nil {
		t.Fatalf("create root: %v", err)
	}
	tr.gulou = mustCreate(t, s, ctx, Input{ParentID: tr.city.ID, Level: LevelDistrict, Name: "鼓楼区总工会", AreaCode: "350102"})
	tr.taijiang = mustCreate(t, s, ctx, Input{ParentID: tr.city.ID, Level: LevelDistrict, Name: "台江区总工会", AreaCode: "350103"})
	tr.edu = mustCreate(t, s, ctx, Input{ParentID: tr.city.ID, Level: LevelIndustry, Name: "福州市教育工会"})
	tr.g1 = mustCreate(t, s, ctx, grassrootsInput(t, tr.gulou, "福州鑫华电子有限公司", 1, 120))
	tr.g2 = mustCreate(t, s, ctx, grassrootsInput(t, tr.gulou, "福州恒通物流有限公司", 2, 80))
	tr.g3 = mustCreate(t, s, ctx, grassrootsInput(t, tr.taijiang, "福州盛康商贸有限公司", 3, 50))
	tr.g4 = mustCreate(t, s, ctx, grassrootsInput(t, tr.edu, "福州市榕城中学", 4, 1000))
	tr.group = mustCreate(t, s, ctx, Input{ParentID: tr.g1.ID, Level: LevelGroup, Name: "一车间工会小组"})
	return tr
}

// wantCode fails unless err is a *platform.Error with code and, if key != "", that
// message or field key.
func wantCode(t testing.TB, err error, code platform.Code, key string) *platform.Error {
	t.Helper()
	e, ok := platform.AsError(err)
	if !ok || e.Code != code {
		t.Fatalf("got %v, want %s %s", err, code, key)
	}
	if key == "" || e.Message == key {
		return e
	}
	for _, k := range e.Fields {
		if k == key {
			return e
		}
	}
	t.Fatalf("got %v, want %s", e, key)
	return e
}

// auditActions lists the audit log's actions and summaries, oldest first.
func auditActions(t testing.TB, db *platform.DB) []string {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT action, summary FROM audit_log ORDER BY at, chain, seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a, s string
		if err := rows.Scan(&a, &s); err != nil {
			t.Fatal(err)
		}
		out = append(out, a+" "+s)
	}
	return out
}

func itoa(n int64) string { return fmt.Sprint(n) }
