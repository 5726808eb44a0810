package app_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"zhijia/internal/app/apptest"
	"zhijia/internal/care"
	"zhijia/internal/photo"
)

// The care routes: {id} names a station, a closure or a visit at a station
// registered under the target org.
func init() {
	accessMatrix = append(accessMatrix,
		accessRow{"GET /care/static/{file}", "", ""},
		accessRow{"GET /portal/care/checkin", "", ""}, accessRow{"POST /portal/care/checkin", "", ""},
		accessRow{"GET /portal/care/visit", "", ""}, accessRow{"POST /portal/care/visit/rate", "", ""},
		accessRow{"GET /console/care/stations", "care.view", ""},
		accessRow{"GET /console/care/stations/new", "care.edit", ""},
		accessRow{"POST /console/care/stations", "care.edit", ""},
		accessRow{"GET /console/care/stations/{id}", "care.view", "station"},
		accessRow{"GET /console/care/stations/{id}/qr.png", "care.view", "station"},
		accessRow{"GET /console/care/stations/{id}/edit", "care.edit", "station"},
		accessRow{"POST /console/care/stations/{id}", "care.edit", "station"},
		accessRow{"POST /console/care/stations/{id}/status", "care.edit", "station"},
		accessRow{"POST /console/care/stations/{id}/closures", "care.edit", "station"},
		accessRow{"POST /console/care/closures/{id}/delete", "care.edit", "closure"},
		accessRow{"POST /console/care/stations/{id}/photos", "care.edit", "station"},
		accessRow{"POST /console/care/stations/{id}/photos/remove", "care.edit", "station"},
		accessRow{"GET /console/care/photos/{id}", "care.view", "station_photo"},
		accessRow{"GET /portal/care/station", "", ""}, accessRow{"GET /portal/care/photo", "", ""},
		accessRow{"GET /console/care/visits", "care.view", ""},
		accessRow{"POST /console/care/visits/{id}/reply", "care.edit", "visit"},
		accessRow{"GET /console/care/coverage", "care.view", ""},
		accessRow{"GET /console/care/activities", "care.view", ""},
		accessRow{"GET /console/care/activities/new", "care.edit", ""},
		accessRow{"POST /console/care/activities", "care.edit", ""},
		accessRow{"GET /console/care/activities/{id}", "care.view", "activity"},
		accessRow{"POST /console/care/activities/{id}/draw", "care.edit", "activity"},
		accessRow{"GET /console/care/activities/{id}/qr.png", "care.view", "activity"},
		accessRow{"GET /console/care/activities/{id}/draws", "care.view", "activity"},
		accessRow{"GET /console/care/activities/{id}/attendance", "care.view", "activity"},
		accessRow{"GET /portal/care/attend", "", ""}, accessRow{"POST /portal/care/attend", "", ""},
		accessRow{"POST /api/v1/my/care/activities/{id}/attend", "", ""},
		accessRow{"GET /portal/care/activity", "", ""}, accessRow{"POST /portal/care/signup", "", ""},
		accessRow{"POST /portal/care/signup/confirm", "", ""}, accessRow{"POST /portal/care/signup/cancel", "", ""},
		accessRow{"GET /api/v1/my/care/stations", "", ""},
		accessRow{"GET /api/v1/my/care/activities", "", ""},
		accessRow{"POST /api/v1/my/care/activities/{id}/signups", "", ""},
		accessRow{"POST /api/v1/my/care/signups/{id}/confirm", "", ""},
		accessRow{"POST /api/v1/my/care/signups/{id}/cancel", "", ""},
		accessRow{"POST /api/v1/my/care/checkins", "", ""},
		accessRow{"GET /api/v1/my/care/photos/{id}", "", ""},
		accessRow{"GET /api/v1/my/care/visits", "", ""},
		accessRow{"POST /api/v1/my/care/visits/{id}/rating", "", ""},
		accessRow{"GET /api/v1/care/stations", "care.view", ""},
		accessRow{"GET /api/v1/care/stations/{id}", "care.view", "station"},
		accessRow{"GET /api/v1/care/coverage", "care.view", ""},
	)
	var made map[string]map[string]int64
	var madeFor *apptest.Env
	get := func(entity string) func(t *testing.T, env *apptest.Env) map[string]int64 {
		return func(t *testing.T, env *apptest.Env) map[string]int64 {
			if madeFor != env {
				made, madeFor = careTargets(t, env), env
			}
			return made[entity]
		}
	}
	matrixTargets["station"] = get("station")
	matrixTargets["closure"] = get("closure")
	matrixTargets["visit"] = get("visit")
	matrixTargets["activity"] = get("activity")
	matrixTargets["station_photo"] = get("station_photo")
}

// careTargets makes one station per target org, each with a closure and a
// rated visit. Rows go straight into the tables.
func careTargets(t *testing.T, env *apptest.Env) map[string]map[string]int64 {
	t.Helper()
	ctx := context.Background()
	tree := env.Info.Tree
	orgs := map[string]int64{"own": tree.Districts["350102"], "child": tree.Gulou, "sibling": tree.Districts["350103"], "parent": tree.City}
	now := env.Clock.Now().UTC()
	var worker int64
	if err := env.App.DB.QueryRow(ctx, `SELECT MIN(id) FROM workers`).Scan(&worker); err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]int64{"station": {}, "closure": {}, "visit": {}, "activity": {}, "station_photo": {}}
	for _, w := range where {
		var id, cid, vid int64
		err := env.App.DB.QueryRow(ctx, `INSERT INTO care_stations (city_id, org_id, name, lat_e6, lng_e6, created_at, updated_at)
			VALUES (?, ?, ?, 26080000, 119300000, ?, ?) RETURNING id`, tree.City, orgs[w], "矩阵驿站"+w, now, now).Scan(&id)
		if err != nil {
			t.Fatalf("matrix station: %v", err)
		}
		err = env.App.DB.QueryRow(ctx, `INSERT INTO care_station_closures (city_id, station_id, from_day, to_day, reason, created_at)
			VALUES (?, ?, '2030-01-01', '2030-01-02', '矩阵', ?) RETURNING id`, tree.City, id, now).Scan(&cid)
		if err != nil {
			t.Fatalf("matrix closure: %v", err)
		}
		err = env.App.DB.QueryRow(ctx, `INSERT INTO care_visits (city_id, station_id, worker_id, day, hour, visited_at, rating, rated_at)
			VALUES (?, ?, ?, '2030-01-01', 9, ?, 4, ?) RETURNING id`, tree.City, id, worker, now, now).Scan(&vid)
		if err != nil {
			t.Fatalf("matrix visit: %v", err)
		}
		var aid int64
		err = env.App.DB.QueryRow(ctx, `INSERT INTO care_activities (city_id, org_id, kind, title, opens_at, closes_at, seed, seed_hash,
			created_at, updated_at) VALUES (?, ?, 'mixer', ?, ?, ?, '00', '', ?, ?) RETURNING id`,
			tree.City, orgs[w], "矩阵活动"+w, now.Add(-48*time.Hour), now.Add(-24*time.Hour), now, now).Scan(&aid)
		if err != nil {
			t.Fatalf("matrix activity: %v", err)
		}
		out["station"][w], out["closure"][w], out["visit"][w], out["activity"][w] = id, cid, vid, aid
		p, err := env.App.Photos.Add(ctx, photo.Owner{Kind: care.StationPhotoKind, ID: id, CityID: tree.City, OrgID: orgs[w]},
			"驿站.png", bytes.NewReader(tinyPNG(t)))
		if err != nil {
			t.Fatalf("matrix photo: %v", err)
		}
		out["station_photo"][w] = p.ID
	}
	return out
}
