package audit_test

import (
	"testing"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

func TestRecordAll_KeepsTheChainValid(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		ctx := staff(1, "张三", "/1/")
		record(t, db, ctx, 2)
		err := db.InTx(ctx, func(tx *platform.Tx) error {
			return audit.RecordAll(ctx, tx, t0, audit.Entry{Action: "review.approve", EntityType: "relief", EntityID: "7"},
				audit.Entry{Action: "relief.grant", EntityType: "relief", EntityID: "7"},
				audit.Entry{Action: "relief.archive_filed", EntityType: "relief_archive", EntityID: "3"})
		})
		if err != nil {
			t.Fatal(err)
		}
		record(t, db, ctx, 1)
		n, p := verify(t, db)
		if n != 6 || len(p) != 0 {
			t.Fatalf("want 6 rows and no problems, got %d %v", n, p)
		}
	})
}
