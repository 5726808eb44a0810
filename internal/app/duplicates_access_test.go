package app_test

import (
	"context"
	"fmt"
	"testing"

	"zhijia/internal/app/apptest"
)

// duplicateTargets queues one possible-duplicate pair per target: two workers
// with the same name and birth date in the target org.
func duplicateTargets(t *testing.T, env *apptest.Env) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	tree := env.Info.Tree
	orgs := map[string]int64{"own": tree.Districts["350102"], "child": tree.Gulou, "sibling": tree.Districts["350103"], "parent": tree.City}
	now := env.Clock.Now().UTC()
	out := map[string]int64{}
	for _, w := range where {
		var ids [2]int64
		for k := range ids {
			err := env.App.DB.QueryRow(ctx, `INSERT INTO workers (city_id, org_id, name, birth_date, created_at, updated_at)
				VALUES (?, ?, ?, '1970-03-03', ?, ?) RETURNING id`, tree.City, orgs[w], "矩阵重复"+w, now, now).Scan(&ids[k])
			if err != nil {
				t.Fatalf("duplicate worker %s: %v", w, err)
			}
		}
		var id int64
		err := env.App.DB.QueryRow(ctx, `INSERT INTO worker_duplicates (city_id, a_id, b_id, reason, status, found_at)
			VALUES (?, ?, ?, 'same_name_birth', 'open', ?) RETURNING id`, tree.City, ids[0], ids[1], now).Scan(&id)
		if err != nil {
			t.Fatal(fmt.Errorf("duplicate pair %s: %w", w, err))
		}
		out[w] = id
	}
	return out
}
