package app_test

import (
	"context"
	"testing"

	"zhijia/internal/app/apptest"
)

// membershipTargets makes, for the access matrix, one open application and one
// open transfer per target: to the district actor's own org, a child, a sibling
// and the parent. Rows go straight into the tables: the matrix checks who may
// reach them, not the rules that made them.
func membershipTargets(t *testing.T, env *apptest.Env) (apps, transfers map[string]int64) {
	t.Helper()
	ctx := context.Background()
	tree := env.Info.Tree
	gulou, taijiang := tree.Districts["350102"], tree.Districts["350103"]
	to := map[string]int64{"own": gulou, "child": tree.Gulou, "sibling": taijiang, "parent": tree.City}
	from := map[string]int64{"own": taijiang, "child": taijiang, "sibling": tree.City, "parent": taijiang}
	now := env.Clock.Now().UTC()
	apps, transfers = map[string]int64{}, map[string]int64{}
	worker := func(org int64, status string) int64 {
		var id int64
		err := env.App.DB.QueryRow(ctx, `INSERT INTO workers (city_id, org_id, name, member_status, created_at, updated_at)
			VALUES (?, ?, '矩阵职工', ?, ?, ?) RETURNING id`, tree.City, org, status, now, now).Scan(&id)
		if err != nil {
			t.Fatalf("matrix worker: %v", err)
		}
		return id
	}
	for _, w := range where {
		var id int64
		err := env.App.DB.QueryRow(ctx, `INSERT INTO membership_applications (city_id, worker_id, org_id, status, open_flag, submitted_at)
			VALUES (?, ?, ?, 'pending', 1, ?) RETURNING id`, tree.City, worker(to[w], "non_member"), to[w], now).Scan(&id)
		if err != nil {
			t.Fatalf("matrix application: %v", err)
		}
		apps[w] = id
		err = env.App.DB.QueryRow(ctx, `INSERT INTO member_transfers (city_id, worker_id, from_org_id, to_org_id, requested_kind,
			requested_name, status, open_flag, requested_at) VALUES (?, ?, ?, ?, 'staff', '矩阵', 'pending', 1, ?) RETURNING id`,
			tree.City, worker(from[w], "member"), from[w], to[w], now).Scan(&id)
		if err != nil {
			t.Fatalf("matrix transfer: %v", err)
		}
		transfers[w] = id
	}
	return apps, transfers
}
