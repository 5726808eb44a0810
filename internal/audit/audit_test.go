package audit_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

var t0 = time.Date(2026, 11, 29, 2, 0, 0, 0, time.UTC)

func staff(id int64, name, path string) context.Context {
	return platform.WithActor(context.Background(), &platform.Actor{Kind: "staff", AccountID: id, Name: name, OrgPath: path, IP: "10.0.0.1", RequestID: "r1"})
}

func record(t *testing.T, db *platform.DB, ctx context.Context, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		err := db.InTx(ctx, func(tx *platform.Tx) error {
			return audit.Record(ctx, tx, t0.Add(time.Duration(i)*time.Minute), audit.Entry{
				Action: "org.update", EntityType: "org", EntityID: fmt.Sprint(i), Summary: fmt.Sprintf("名称 %d", i)})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func verify(t *testing.T, db *platform.DB) (int, []audit.Problem) {
	t.Helper()
	n, p, err := audit.Verify(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return n, p
}

func TestVerify_IntactChainPasses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		record(t, db, staff(1, "张三", "/1/"), 5)
		record(t, db, staff(2, "李四", "/1/2/"), 5)
		n, p := verify(t, db)
		if n != 10 || len(p) != 0 {
			t.Fatalf("want 10 rows and no problems, got %d %v", n, p)
		}
	})
}

func TestVerify_NamesAlteredAndRemovedRows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		ctx := context.Background()
		record(t, db, staff(1, "张三", "/1/"), 6)
		var ids []int64
		rows, _ := db.Query(ctx, `SELECT id FROM audit_log ORDER BY seq`)
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			ids = append(ids, id)
		}
		rows.Close()
		if _, err := db.Exec(ctx, `UPDATE audit_log SET summary = 'tampered' WHERE id = ?`, ids[1]); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `DELETE FROM audit_log WHERE id = ?`, ids[3]); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `DELETE FROM audit_log WHERE id = ?`, ids[5]); err != nil {
			t.Fatal(err)
		}
		_, p := verify(t, db)
		got := fmt.Sprint(p)
		if !strings.Contains(got, fmt.Sprintf("row id %d", ids[1])) || !strings.Contains(got, "altered") {
			t.Errorf("altered row %d not named: %v", ids[1], got)
		}
		if !strings.Contains(got, "seq 4..4 removed") {
			t.Errorf("removed middle row not named: %v", got)
		}
		if !strings.Contains(got, "seq 6..6 removed from the end") {
			t.Errorf("removed last row not named: %v", got)
		}
	})
}

func TestVerify_RecomputedHashStillBreaksLink(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		ctx := context.Background()
		record(t, db, staff(1, "张三", "/1/"), 3)
		// A forger rewrites row 2 and recomputes its hash; row 3 still points at the old hash.
		if _, err := db.Exec(ctx, `UPDATE audit_log SET summary = 'x', hash = 'abc' WHERE seq = 2`); err != nil {
			t.Fatal(err)
		}
		_, p := verify(t, db)
		kinds := map[string]bool{}
		for _, x := range p {
			kinds[x.Kind] = true
		}
		if !kinds["altered"] || !kinds["relinked"] {
			t.Fatalf("want altered and relinked, got %v", p)
		}
	})
}

func TestRecord_ConcurrentWritersKeepEveryChainValid(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				ctx := staff(int64(w+1), fmt.Sprintf("staff%d", w), "/1/")
				for i := 0; i < 5; i++ {
					errs <- db.InTx(ctx, func(tx *platform.Tx) error {
						return audit.Record(ctx, tx, t0, audit.Entry{Action: "x.y"})
					})
				}
			}(w)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		n, p := verify(t, db)
		if n != 40 || len(p) != 0 {
			t.Fatalf("want 40 rows and a valid log, got %d %v", n, p)
		}
	})
}

func TestFind_FiltersAndScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		record(t, db, staff(1, "张三", "/1/"), 3)
		record(t, db, staff(2, "李四", "/1/2/"), 2)
		record(t, db, staff(3, "王五", "/1/3/"), 4)
		district := staff(9, "审计员", "/1/2/")
		rows, total, err := audit.Find(district, db, audit.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if total != 2 || len(rows) != 2 || rows[0].ActorName != "李四" {
			t.Fatalf("district auditor must see only its subtree: %d %v", total, rows)
		}
		city := staff(8, "审计员", "/1/")
		_, total, _ = audit.Find(city, db, audit.Filter{Actor: "王"})
		if total != 4 {
			t.Fatalf("filter by actor: want 4, got %d", total)
		}
		_, total, _ = audit.Find(city, db, audit.Filter{From: t0.Add(2 * time.Minute), To: t0.Add(3 * time.Minute)})
		if total != 2 { // 张三's 3rd and 王五's 3rd entries
			t.Fatalf("filter by time: want 2, got %d", total)
		}
		_, total, _ = audit.Find(city, db, audit.Filter{Action: "org."})
		if total != 9 {
			t.Fatalf("filter by action prefix: want 9, got %d", total)
		}
	})
}
