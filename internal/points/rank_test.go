package points_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
	"zhijia/internal/points"
)

// unionWithWorkers adds a grassroots union under city and n workers in it.
func unionWithWorkers(t *testing.T, db *platform.DB, city int64, cityPath, name string, n int) (path string, ids []int64) {
	t.Helper()
	ctx := context.Background()
	var union int64
	if err := db.QueryRow(ctx, `INSERT INTO orgs (city_id, parent_id, level, name, path, depth, created_at, updated_at)
		VALUES (?, ?, 'grassroots', ?, '', 1, ?, ?) RETURNING id`, city, city, name, t0, t0).Scan(&union); err != nil {
		t.Fatal(err)
	}
	path = fmt.Sprintf("%s%d/", cityPath, union)
	if _, err := db.Exec(ctx, `UPDATE orgs SET path = ? WHERE id = ?`, path, union); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		var id int64
		if err := db.QueryRow(ctx, `INSERT INTO workers (city_id, org_id, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			city, union, fmt.Sprintf("%s职工%d", name, i), t0, t0).Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return path, ids
}

func TestRanking_IndividualsAndUnionsByAverageAndRate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		ctx := context.Background()
		clock := platform.NewFakeClock(t0) // Friday 2026-05-01
		s := points.NewStore(db, clock)
		var city int64
		db.QueryRow(ctx, `INSERT INTO orgs (level, name, path, depth, created_at, updated_at) VALUES ('city', '市', '', 0, ?, ?) RETURNING id`, t0, t0).Scan(&city)
		cityPath := fmt.Sprintf("/%d/", city)
		db.Exec(ctx, `UPDATE orgs SET path = ?, city_id = ? WHERE id = ?`, cityPath, city, city)
		smallPath, small := unionWithWorkers(t, db, city, cityPath, "小", 2)
		_, big := unionWithWorkers(t, db, city, cityPath, "大", 10)
		award := func(w, amount int64, src string) {
			if _, err := s.Award(ctx, points.Award{WorkerID: w, Amount: amount, Reason: "测试", Source: src}); err != nil {
				t.Fatal(err)
			}
		}
		award(big[0], 100, "old") // last month
		clock.Advance(31 * 24 * time.Hour)
		award(big[0], 30, "a")
		award(small[0], 10, "b")
		award(small[1], 10, "c")
		award(small[1], -5, "spend") // spending does not lower a ranking
		now := clock.Now()
		leaders, err := s.Leaders(ctx, cityPath, points.Month, now, 10)
		if err != nil || len(leaders) != 3 || leaders[0].WorkerID != big[0] || leaders[0].Points != 30 || leaders[2].Points != 10 {
			t.Fatalf("month leaders %+v %v", leaders, err)
		}
		if all, _ := s.Leaders(ctx, cityPath, points.All, now, 10); all[0].Points != 130 {
			t.Fatalf("all-time leader %+v", all[0])
		}
		if mine, _ := s.Leaders(ctx, smallPath, points.Month, now, 10); len(mine) != 2 {
			t.Fatalf("union leaders %+v", mine)
		}
		byAvg, err := s.UnionRanking(ctx, cityPath, points.Month, now, false, 10)
		if err != nil || len(byAvg) != 2 || byAvg[0].Name != "小" || byAvg[0].Avg() != 10 || byAvg[1].Avg() != 3 {
			t.Fatalf("by average %+v %v", byAvg, err)
		}
		byRate, _ := s.UnionRanking(ctx, cityPath, points.Month, now, true, 10)
		if byRate[0].Name != "小" || byRate[0].Rate() != 100 || byRate[1].Rate() != 10 {
			t.Fatalf("by rate %+v", byRate)
		}
	})
}

func TestPeriod_Since(t *testing.T) {
	now := time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC) // Friday 10:00 in Shanghai
	for p, want := range map[points.Period]string{points.Week: "2026-04-27", points.Month: "2026-05-01", points.Year: "2026-01-01"} {
		if got := p.Since(now).In(platform.Shanghai).Format("2006-01-02 15:04"); got != want+" 00:00" {
			t.Errorf("%s starts %s, want %s", p, got, want)
		}
	}
	for p, want := range map[points.Period]string{points.Week: "w2026-04-27", points.Month: "m2026-05", points.Year: "y2026", points.All: "all"} {
		if got := p.Key(now); got != want {
			t.Errorf("%s key %s, want %s", p, got, want)
		}
	}
	if !points.All.Since(now).IsZero() {
		t.Error("all time has a start")
	}
}

// TestFold_ConcurrentFoldersCountEachEntryOnce: awards queued for the boards,
// folded by several readers at once, add up to the ledger's sums exactly.
func TestFold_ConcurrentFoldersCountEachEntryOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		ctx := context.Background()
		clock := platform.NewFakeClock(t0)
		s := points.NewStore(db, clock)
		var city int64
		db.QueryRow(ctx, `INSERT INTO orgs (level, name, path, depth, created_at, updated_at) VALUES ('city', '市', '', 0, ?, ?) RETURNING id`, t0, t0).Scan(&city)
		cityPath := fmt.Sprintf("/%d/", city)
		db.Exec(ctx, `UPDATE orgs SET path = ?, city_id = ? WHERE id = ?`, cityPath, city, city)
		_, ids := unionWithWorkers(t, db, city, cityPath, "甲", 30)
		want := map[int64]int64{}
		for i := range 600 {
			w := ids[i%len(ids)]
			if _, err := s.Award(ctx, points.Award{WorkerID: w, Amount: int64(1 + i%7), Reason: "测试", Source: fmt.Sprintf("f:%d", i)}); err != nil {
				t.Fatal(err)
			}
			want[w] += int64(1 + i%7)
		}
		errs := make(chan error, 4)
		for range 4 {
			go func() { errs <- s.Fold(ctx) }()
		}
		for range 4 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		all, err := s.Leaders(ctx, cityPath, points.All, clock.Now(), 100)
		if err != nil || len(all) != len(ids) {
			t.Fatalf("leaders %d %v", len(all), err)
		}
		for _, l := range all {
			if l.Points != want[l.WorkerID] {
				t.Fatalf("worker %d: %d on the board, %d in the ledger", l.WorkerID, l.Points, want[l.WorkerID])
			}
		}
		u, err := s.UnionRanking(ctx, cityPath, points.Week, clock.Now(), true, 10)
		if err != nil || len(u) != 1 || u[0].Active != len(ids) || u[0].Headcount != len(ids) {
			t.Fatalf("union %+v %v", u, err)
		}
	})
}
