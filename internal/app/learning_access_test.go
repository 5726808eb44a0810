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
	)
	matrixTargets["question"] = questionTargets
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
