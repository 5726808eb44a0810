package app_test

import (
	"context"
	"fmt"
	"testing"

	"zhijia/internal/app/apptest"
)

func init() {
	accessMatrix = append(accessMatrix,
		accessRow{"GET /portal/learning", "", ""},
		accessRow{"POST /portal/learning/quiz/start", "", ""},
		accessRow{"GET /portal/learning/quiz", "", ""},
		accessRow{"POST /portal/learning/quiz", "", ""},
		accessRow{"GET /console/learning/questions", "learning.view", ""},
		accessRow{"GET /console/learning/questions/new", "learning.edit", ""},
		accessRow{"POST /console/learning/questions", "learning.edit", ""},
		accessRow{"GET /console/learning/questions/{id}/edit", "learning.edit", "question"},
		accessRow{"POST /console/learning/questions/{id}", "learning.edit", "question"},
		accessRow{"POST /console/learning/questions/{id}/active", "learning.edit", "question"},
		accessRow{"GET /console/learning/questions/import", "learning.edit", ""},
		accessRow{"GET /console/learning/questions/import/template", "learning.edit", ""},
		accessRow{"POST /console/learning/questions/import", "learning.edit", ""},
		accessRow{"GET /portal/learning/events", "", ""},
		accessRow{"GET /portal/learning/ranking", "", ""},
		accessRow{"GET /portal/learning/mall", "", ""},
		accessRow{"GET /api/v1/my/learning", "", ""},
		accessRow{"GET /api/v1/my/learning/points", "", ""},
		accessRow{"GET /api/v1/my/learning/quiz", "", ""},
		accessRow{"POST /api/v1/my/learning/quiz/start", "", ""},
		accessRow{"POST /api/v1/my/learning/quiz/submit", "", ""},
		accessRow{"GET /api/v1/my/learning/events", "", ""},
		accessRow{"POST /api/v1/my/learning/events/signup", "", ""},
		accessRow{"POST /api/v1/my/learning/checkin", "", ""},
		accessRow{"GET /api/v1/my/learning/mall", "", ""},
		accessRow{"POST /api/v1/my/learning/mall/redeem", "", ""},
		accessRow{"POST /api/v1/my/learning/mall/cancel", "", ""},
		accessRow{"POST /portal/learning/mall/redeem", "", ""},
		accessRow{"POST /portal/learning/mall/cancel", "", ""},
		accessRow{"GET /console/learning/rewards", "learning.view", ""},
		accessRow{"GET /console/learning/rewards/new", "learning.edit", ""},
		accessRow{"POST /console/learning/rewards", "learning.edit", ""},
		accessRow{"GET /console/learning/rewards/{id}/edit", "learning.edit", "reward"},
		accessRow{"POST /console/learning/rewards/{id}", "learning.edit", "reward"},
		accessRow{"GET /console/learning/orders", "learning.view", ""},
		accessRow{"POST /console/learning/orders/{id}/deliver", "learning.edit", "order"},
		accessRow{"POST /console/learning/orders/{id}/cancel", "learning.edit", "order"},
		accessRow{"GET /console/learning/ranking", "learning.view", ""},
		accessRow{"GET /console/learning/ledger", "learning.view", ""},
		accessRow{"GET /portal/learning/contests", "", ""},
		accessRow{"POST /portal/learning/contests/enter", "", ""},
		accessRow{"POST /portal/learning/contests/submit", "", ""},
		accessRow{"GET /console/learning/contests", "learning.view", ""},
		accessRow{"GET /console/learning/contests/new", "learning.edit", ""},
		accessRow{"POST /console/learning/contests", "learning.edit", ""},
		accessRow{"GET /console/learning/contests/{id}", "learning.view", "contest"},
		accessRow{"GET /console/learning/report", "learning.view", ""},
		accessRow{"POST /portal/learning/events/signup", "", ""},
		accessRow{"GET /portal/learning/checkin", "", ""},
		accessRow{"POST /portal/learning/checkin", "", ""},
		accessRow{"GET /console/learning/events", "learning.view", ""},
		accessRow{"GET /console/learning/events/new", "learning.edit", ""},
		accessRow{"POST /console/learning/events", "learning.edit", ""},
		accessRow{"GET /console/learning/events/{id}", "learning.view", "event"},
		accessRow{"GET /console/learning/events/{id}/edit", "learning.edit", "event"},
		accessRow{"POST /console/learning/events/{id}", "learning.edit", "event"},
		accessRow{"POST /console/learning/events/{id}/summary", "learning.edit", "event"},
		accessRow{"POST /console/learning/events/{id}/tick", "learning.edit", "event"},
		accessRow{"GET /console/learning/events/{id}/checkin", "learning.view", "event"},
		accessRow{"POST /console/learning/events/{id}/photos", "learning.edit", "event"},
		accessRow{"POST /console/learning/events/{id}/photos/remove", "learning.edit", "event"},
		accessRow{"GET /portal/learning/event", "", ""},
		accessRow{"GET /api/v1/my/learning/events/{id}", "", ""},
		accessRow{"GET /api/v1/my/learning/events/{id}/photos/{photo}", "", ""},
	)
	matrixTargets["question"] = questionTargets
	matrixTargets["event"] = eventTargets
	matrixTargets["contest"] = contestTargets
	matrixTargets["reward"] = func(t *testing.T, env *apptest.Env) map[string]int64 { r, _ := mallTargets(t, env); return r }
	matrixTargets["order"] = func(t *testing.T, env *apptest.Env) map[string]int64 { _, o := mallTargets(t, env); return o }
}

// questionTargets makes one question per target org; rows go straight into the
// table: the matrix checks who may reach them.
func questionTargets(t *testing.T, env *apptest.Env) map[string]int64 {
	t.Helper()
	tree := env.Info.Tree
	orgs := map[string]int64{"own": grassrootsUnder(t, env, tree.Districts["350102"], "own"), "child": tree.Gulou,
		"sibling": tree.Districts["350103"], "parent": tree.City}
	now := env.Clock.Now().UTC()
	out := map[string]int64{}
	for _, w := range where {
		var id int64
		err := env.App.DB.QueryRow(context.Background(), `INSERT INTO learning_questions (city_id, org_id, kind, stem, answer,
			created_at, updated_at) VALUES (?, ?, 'judge', '矩阵题目', 'A', ?, ?) RETURNING id`, tree.City, orgs[w], now, now).Scan(&id)
		if err != nil {
			t.Fatalf("matrix question: %v", err)
		}
		out[w] = id
	}
	return out
}

// eventTargets makes one event organised by each target org.
func eventTargets(t *testing.T, env *apptest.Env) map[string]int64 {
	t.Helper()
	tree := env.Info.Tree
	orgs := map[string]int64{"own": grassrootsUnder(t, env, tree.Districts["350102"], "own"), "child": tree.Gulou,
		"sibling": tree.Districts["350103"], "parent": tree.City}
	now := env.Clock.Now().UTC()
	out := map[string]int64{}
	for _, w := range where {
		var id int64
		err := env.App.DB.QueryRow(context.Background(), `INSERT INTO learning_events (city_id, org_id, kind, title, host_name,
			venue_kind, place, starts_at, ends_at, audience_org_id, points, created_at, updated_at)
			VALUES (?, ?, 'lecture', '矩阵活动', '主讲', 'canteen', '食堂', ?, ?, ?, 5, ?, ?) RETURNING id`,
			tree.City, orgs[w], now, now.Add(3600e9), orgs[w], now, now).Scan(&id)
		if err != nil {
			t.Fatalf("matrix event: %v", err)
		}
		out[w] = id
	}
	return out
}

// mallTargets makes one reward per target org and one placed order of each;
// the order's worker is the matrix worker of the same target.
func mallTargets(t *testing.T, env *apptest.Env) (rewards, orders map[string]int64) {
	t.Helper()
	tree := env.Info.Tree
	orgs := map[string]int64{"own": grassrootsUnder(t, env, tree.Districts["350102"], "own"), "child": tree.Gulou,
		"sibling": tree.Districts["350103"], "parent": tree.City}
	now := env.Clock.Now().UTC()
	ctx := context.Background()
	rewards, orders = map[string]int64{}, map[string]int64{}
	for i, w := range where {
		var rid, oid, worker int64
		err := env.App.DB.QueryRow(ctx, `INSERT INTO learning_rewards (city_id, org_id, name, cost, stock, opens_at, closes_at,
			created_at, updated_at) VALUES (?, ?, '矩阵商品', 10, 5, ?, ?, ?, ?) RETURNING id`, tree.City, orgs[w], now, now.Add(3600e9), now, now).Scan(&rid)
		if err != nil {
			t.Fatalf("matrix reward: %v", err)
		}
		env.App.DB.QueryRow(ctx, `SELECT id FROM workers ORDER BY id LIMIT 1`).Scan(&worker)
		err = env.App.DB.QueryRow(ctx, `INSERT INTO learning_orders (city_id, reward_id, worker_id, org_id, cost, pickup_code, placed_at)
			VALUES (?, ?, ?, ?, 10, ?, ?) RETURNING id`, tree.City, rid, worker, orgs[w], fmt.Sprintf("9%07d", i+int(rid)*10), now).Scan(&oid)
		if err != nil {
			t.Fatalf("matrix order: %v", err)
		}
		rewards[w], orders[w] = rid, oid
	}
	return rewards, orders
}

// contestTargets makes one contest organised by each target org.
func contestTargets(t *testing.T, env *apptest.Env) map[string]int64 {
	t.Helper()
	tree := env.Info.Tree
	orgs := map[string]int64{"own": grassrootsUnder(t, env, tree.Districts["350102"], "own"), "child": tree.Gulou,
		"sibling": tree.Districts["350103"], "parent": tree.City}
	now := env.Clock.Now().UTC()
	out := map[string]int64{}
	for _, w := range where {
		var id int64
		err := env.App.DB.QueryRow(context.Background(), `INSERT INTO learning_contests (city_id, org_id, title, starts_at, ends_at,
			time_limit_s, total, created_at) VALUES (?, ?, '矩阵竞赛', ?, ?, 600, 0, ?) RETURNING id`, tree.City, orgs[w], now, now.Add(3600e9), now).Scan(&id)
		if err != nil {
			t.Fatalf("matrix contest: %v", err)
		}
		out[w] = id
	}
	return out
}
