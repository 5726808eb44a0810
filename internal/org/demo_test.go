package org

import (
	"context"
	"testing"
	"time"

	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

func TestSeedDemo_TreeAndIdempotent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		ctx := context.Background()
		clock := platform.NewFakeClock(t0)
		start := time.Now()
		d, err := SeedDemo(ctx, db, clock, 300)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("seeded 300 grassroots unions in %v", time.Since(start))
		if len(d.Districts) != 13 || len(d.Industries) != len(demoIndustries) || d.Grassroots != 300 {
			t.Fatalf("demo: %d districts, %d industries, %d grassroots", len(d.Districts), len(d.Industries), d.Grassroots)
		}
		if d.Gulou == 0 || d.Taijiang == 0 || d.Group == 0 {
			t.Fatalf("samples missing: %+v", d)
		}
		s := NewStore(db, clock)
		_, total, err := s.Find(sys(), Filter{Under: d.CityPath, Limit: 1})
		if err != nil || total != 1+13+len(demoIndustries)+300+6 {
			t.Fatalf("orgs in tree: %d %v", total, err)
		}
		gulou, err := s.Get(sys(), d.Gulou)
		if err != nil || gulou.AreaCode != "350102" || gulou.Employer == nil {
			t.Fatalf("gulou sample: %+v %v", gulou, err)
		}
		if _, err := ValidateCreditCode(gulou.Employer.CreditCode); err != nil || gulou.Employer.CreditCode[2:8] != "350102" {
			t.Fatalf("sample credit code %q: %v", gulou.Employer.CreditCode, err)
		}
		taijiang, _ := s.Get(sys(), d.Taijiang)
		if taijiang.ParentID != d.Districts["350103"] {
			t.Fatalf("taijiang sample under %d", taijiang.ParentID)
		}
		group, _ := s.Get(sys(), d.Group)
		if group.Level != LevelGroup || group.Depth != 3 {
			t.Fatalf("group: %+v", group)
		}
		checkDemoRows(t, s, d)

		again, err := SeedDemo(ctx, db, clock, 300)
		if err != nil || again.City != d.City || again.Grassroots != 300 || again.Gulou != d.Gulou {
			t.Fatalf("second seed: %+v %v", again, err)
		}
		hasAudit(t, db, "org.seed_demo 演示数据：1个市总工会、13个县区总工会")
	})
}

// checkDemoRows checks what the bulk insert wrote against the store's own rules.
func checkDemoRows(t *testing.T, s *Store, d *Demo) {
	t.Helper()
	list, _, err := s.Find(sys(), Filter{Under: d.CityPath, Level: LevelGrassroots, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	underIndustry, joint := 0, 0
	for _, o := range list {
		e := o.Employer
		if o.Path != pathOf(t, s, o.ParentID)+itoa(o.ID)+"/" || o.Depth != 2 || o.CityID != d.City || e == nil {
			t.Fatalf("bad row %+v", o)
		}
		if e.CreditCode == "" {
			joint++
		} else if _, err := ValidateCreditCode(e.CreditCode); err != nil || e.CreditCode[2:8] != o.AreaCode {
			t.Fatalf("%s: credit code %q area %s: %v", o.Name, e.CreditCode, o.AreaCode, err)
		}
		if e.Headcount < 20 || e.Headcount > 20000 || e.Lng == nil || *e.Lng < 118 || *e.Lng > 120.5 || *e.Lat < 25 || *e.Lat > 27 {
			t.Fatalf("%s: employer %+v", o.Name, e)
		}
		parent, _ := s.Get(sys(), o.ParentID)
		if parent.Level == LevelIndustry {
			underIndustry++
		}
	}
	if underIndustry < 30 || underIndustry > 100 || joint > 30 {
		t.Fatalf("%d of 300 under industries, %d joint", underIndustry, joint)
	}
}

func pathOf(t *testing.T, s *Store, id int64) string {
	o, err := s.Get(sys(), id)
	if err != nil {
		t.Fatal(err)
	}
	return o.Path
}

func TestSeedDemo_Deterministic(t *testing.T) {
	a := demoGrassroots(newDemoRand(), 500)
	b := demoGrassroots(newDemoRand(), 500)
	for i := range a {
		if a[i].name != b[i].name || a[i].emp.CreditCode != b[i].emp.CreditCode || a[i].emp.Headcount != b[i].emp.Headcount {
			t.Fatalf("row %d differs: %+v / %+v", i, a[i], b[i])
		}
	}
}

func TestSeedDemo_SixThousandIsFast(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	db := dbtest.SQLite(t)
	start := time.Now()
	d, err := SeedDemo(context.Background(), db, platform.NewFakeClock(t0), 6000)
	if err != nil || d.Grassroots != 6000 {
		t.Fatalf("%+v %v", d, err)
	}
	t.Logf("seeded 6,000 grassroots unions on SQLite in %v", time.Since(start))
}
