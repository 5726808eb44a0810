package app_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"testing"

	"zhijia/internal/app/apptest"
	"zhijia/internal/platform"
	"zhijia/internal/relief"
)

func init() {
	accessMatrix = append(accessMatrix,
		// relief: {id} is an application (or a document on one) of a household in a union under the target org
		accessRow{"GET /console/relief/inbox", "relief.review", ""},
		accessRow{"GET /console/relief/applications", "relief.view", ""},
		accessRow{"GET /console/relief/applications/new", "relief.apply", ""},
		accessRow{"POST /console/relief/applications", "relief.apply", ""},
		accessRow{"GET /console/relief/applications/{id}", "relief.view", "relief_application"},
		accessRow{"POST /console/relief/applications/{id}/decide", "relief.review", "relief_application"},
		accessRow{"POST /console/relief/applications/{id}/resubmit", "relief.apply", "relief_application"},
		accessRow{"POST /console/relief/applications/{id}/attachments", "relief.apply", "relief_application"},
		accessRow{"GET /console/relief/attachments/{id}", "relief.view", "relief_attachment"},
		accessRow{"GET /console/relief/setup", "relief.view", ""},
		accessRow{"POST /console/relief/setup", "relief.setup", ""},
		accessRow{"POST /console/relief/funds", "relief.setup", ""},
		accessRow{"POST /console/relief/dibao", "relief.setup", ""},
		accessRow{"POST /console/relief/unions", "relief.setup", ""},
		accessRow{"GET /portal/relief", "", ""}, accessRow{"GET /portal/relief/apply", "", ""},
		accessRow{"POST /portal/relief/apply", "", ""}, accessRow{"GET /portal/relief/application", "", ""},
		accessRow{"POST /portal/relief/resubmit", "", ""}, accessRow{"POST /portal/relief/attach", "", ""},
		accessRow{"GET /portal/relief/attachment", "", ""},
		accessRow{"GET /relief/notices", "", ""}, accessRow{"GET /portal/relief/objection", "", ""},
		accessRow{"POST /portal/relief/objection", "", ""},
		accessRow{"GET /console/relief/notices", "", ""},
		accessRow{"POST /console/relief/notices/objection", "", ""},
		accessRow{"GET /console/relief/objections", "relief.view", ""},
		accessRow{"POST /console/relief/objections/{id}/resolve", "relief.review", "relief_objection"},
		accessRow{"GET /console/relief/batches", "relief.view", ""},
		accessRow{"POST /console/relief/batches", "relief.setup", ""},
		accessRow{"GET /console/relief/batches/{id}", "relief.view", "relief_batch"},
		accessRow{"GET /console/relief/batches/{id}/export", "people.reveal", "relief_batch"},
		accessRow{"POST /console/relief/batches/{id}/export", "people.reveal", "relief_batch"},
		accessRow{"POST /console/relief/batches/{id}/paid", "relief.setup", "relief_batch"},
		accessRow{"GET /console/relief/archive", "relief.view", ""},
		accessRow{"GET /console/relief/archive/{id}", "relief.view", "relief_archive"},
		accessRow{"POST /console/relief/archive/{id}/review", "relief.apply", "relief_archive"},
		accessRow{"POST /console/relief/archive/{id}/exit", "relief.review", "relief_archive"},
		accessRow{"POST /console/relief/archive/{id}/reopen", "relief.apply", "relief_archive"},
		accessRow{"GET /console/relief/report", "relief.view", ""},
		// a worker's own client (bearer token): the portal's relief actions
		accessRow{"GET /api/v1/my/relief/household", "", ""}, accessRow{"GET /api/v1/my/relief/applications", "", ""},
		accessRow{"POST /api/v1/my/relief/applications", "", ""}, accessRow{"GET /api/v1/my/relief/applications/{id}", "", ""},
		accessRow{"POST /api/v1/my/relief/applications/{id}/resubmit", "", ""},
		accessRow{"POST /api/v1/my/relief/applications/{id}/attachments", "", ""},
		accessRow{"POST /api/v1/my/relief/objections", "", ""},
	)
	matrixTargets["relief_application"] = func(t *testing.T, env *apptest.Env) map[string]int64 {
		apps, _ := reliefTargets(t, env)
		return apps
	}
	matrixTargets["relief_attachment"] = func(t *testing.T, env *apptest.Env) map[string]int64 {
		_, docs := reliefTargets(t, env)
		return docs
	}
	matrixTargets["relief_objection"] = func(t *testing.T, env *apptest.Env) map[string]int64 {
		apps, _ := reliefTargets(t, env)
		return reliefRows(t, env, apps, `INSERT INTO relief_objections (city_id, application_id, org_path, raised_by_kind, raised_by_id,
			body, raised_at) SELECT city_id, id, org_path, 'worker', worker_id, '矩阵异议', ? FROM relief_applications WHERE id = ? RETURNING id`)
	}
	matrixTargets["relief_archive"] = func(t *testing.T, env *apptest.Env) map[string]int64 {
		apps, _ := reliefTargets(t, env)
		return reliefRows(t, env, apps, `INSERT INTO relief_archive (city_id, worker_id, org_id, org_path, opened_at, updated_at)
			SELECT city_id, worker_id, org_id, org_path, ?, submitted_at FROM relief_applications WHERE id = ? RETURNING id`)
	}
	matrixTargets["relief_batch"] = func(t *testing.T, env *apptest.Env) map[string]int64 {
		apps, _ := reliefTargets(t, env)
		return reliefRows(t, env, apps, `INSERT INTO relief_batches (city_id, programme_id, org_id, org_path, created_at)
			SELECT city_id, programme_id, org_id, org_path, ? FROM relief_applications WHERE id = ? RETURNING id`)
	}
}

// reliefTargets files one application per target, for a worker of a grassroots
// union under the target org, each with one PNG document.
func reliefTargets(t *testing.T, env *apptest.Env) (apps, docs map[string]int64) {
	t.Helper()
	tree := env.Info.Tree
	orgs := map[string]int64{"own": tree.Districts["350102"], "child": tree.Gulou, "sibling": tree.Districts["350103"], "parent": tree.City}
	sys := platform.WithActor(context.Background(), platform.System("test"))
	now := env.Clock.Now().UTC()
	apps, docs = map[string]int64{}, map[string]int64{}
	for _, w := range where {
		union := grassrootsUnder(t, env, orgs[w], w)
		var worker int64
		err := env.App.DB.QueryRow(sys, `INSERT INTO workers (city_id, org_id, name, member_status, created_at, updated_at)
			VALUES (?, ?, '帮扶矩阵', 'member', ?, ?) RETURNING id`, tree.City, union, now, now).Scan(&worker)
		if err != nil {
			t.Fatalf("relief matrix worker: %v", err)
		}
		app, err := env.App.Relief.SubmitFor(sys, relief.ApplicationInput{WorkerID: worker, Causes: []string{"illness"},
			Requested: 100000, Statement: "矩阵", Consent: true})
		if err != nil {
			t.Fatalf("relief matrix application %s: %v", w, err)
		}
		apps[w] = app.ID
		doc, err := env.App.Relief.Attach(sys, app.ID, "证明.png", bytes.NewReader(tinyPNG(t)))
		if err != nil {
			t.Fatalf("relief matrix document: %v", err)
		}
		docs[w] = doc.ID
	}
	return apps, docs
}

// reliefRows inserts one row per target with q (args: now, application id).
func reliefRows(t *testing.T, env *apptest.Env, apps map[string]int64, q string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for w, app := range apps {
		var id int64
		if err := env.App.DB.QueryRow(context.Background(), q, env.Clock.Now().UTC(), app).Scan(&id); err != nil {
			t.Fatalf("relief matrix row: %v", err)
		}
		out[w] = id
	}
	return out
}

func tinyPNG(t testing.TB) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
