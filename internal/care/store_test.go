package care_test

import (
	"strconv"
	"testing"

	"zhijia/internal/app/apptest"
	"zhijia/internal/care"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

// TestCircle_SecondInstanceSeesChanges: two stores on one database stand for
// two zhijia instances; a station registered or moved through one is found
// by the other's in-memory index at once.
func TestCircle_SecondInstanceSeesChanges(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		other := care.NewStore(db, env.Clock, make([]byte, 32), env.App.Photos)
		var worker int64
		if err := db.QueryRow(sys, `SELECT MIN(id) FROM workers`).Scan(&worker); err != nil {
			t.Fatal(err)
		}
		wctx := platform.WithActor(sys, &platform.Actor{Kind: "worker", WorkerID: worker})
		city := env.Info.Tree.City
		q := care.CircleQuery{CityID: city, WGS: care.GCJToWGS(luoyuan), Radius: 800}
		first, err := other.Circle(wctx, q)
		if err != nil || len(first.Within) != 0 {
			t.Fatalf("before: %v, %d within", err, len(first.Within))
		}
		c := env.Staff(t, "gulou.clerk")
		id := mustStation(t, c, stationForm(env.Info.Tree.Gulou, "凤山路驿站", offset(luoyuan, 0, 400)))
		got, err := other.Circle(wctx, q)
		if err != nil || len(got.Within) != 1 || got.Within[0].Station.ID != id {
			t.Fatalf("after registering on the first instance: %v, %+v", err, got.Within)
		}
		form := stationForm(env.Info.Tree.Gulou, "凤山路驿站", offset(luoyuan, 0, 1400))
		form.Set("version", "1")
		if r := c.PostForm("/console/care/stations/"+strconv.FormatInt(id, 10), form); r.Status != 303 {
			t.Fatalf("move: HTTP %d", r.Status)
		}
		got, err = other.Circle(wctx, q)
		if err != nil || len(got.Within) != 0 || len(got.Nearest) == 0 || got.Nearest[0].Station.ID != id {
			t.Fatalf("after moving it 1.4 km away: %v, within %d", err, len(got.Within))
		}
	})
}
