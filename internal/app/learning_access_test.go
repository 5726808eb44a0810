package app_test

import (
	"context"
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
		accessRow{"GET /console/learning/ranking", "learning.view", ""},
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
	)
	matrixTargets["question"] = questionTargets
	matrixTargets["event"] = eventTargets
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
