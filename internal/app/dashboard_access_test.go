package app_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"zhijia/internal/app/apptest"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

// The dashboard's routes name no record by {id}; the org a page shows comes in
// ?org= and is checked by TestDashboard_Scope below.
func init() {
	accessMatrix = append(accessMatrix,
		accessRow{"GET /dashboard/static/{file}", "", ""},
		accessRow{"GET /console/dashboard", "dashboard.view", ""},
		accessRow{"GET /console/dashboard/export", "dashboard.view", ""},
		accessRow{"GET /console/dashboard/report", "dashboard.view", ""},
		accessRow{"GET /console/dashboard/figure", "dashboard.view", ""},
		accessRow{"POST /console/dashboard/close", "dashboard.close", ""},
	)
}

// A district clerk sees the dashboard of its own subtree (itself and a union
// below), never a sibling district's or the city's, for every page of the
// dashboard; a guessed id is not found.
func TestDashboard_Scope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		tree := env.Info.Tree
		c := env.Staff(t, "gulou.clerk")
		id := func(n int64) string { return strconv.FormatInt(n, 10) }
		pages := []string{"/console/dashboard?org=", "/console/dashboard/export?org=", "/console/dashboard/report?org=",
			"/console/dashboard/figure?key=relief.households&org="}
		for _, p := range pages {
			for _, own := range []int64{tree.Districts["350102"], tree.Gulou} {
				if r := c.Get(p + id(own)); r.Status != http.StatusOK {
					t.Errorf("%s%d (own subtree): %d", p, own, r.Status)
				}
			}
			for _, other := range []int64{tree.Districts["350103"], tree.Taijiang, tree.City, 999999} {
				if r := c.Get(p + id(other)); r.Status != http.StatusNotFound {
					t.Errorf("%s%d (outside): %d, want 404", p, other, r.Status)
				}
			}
		}
		r := c.Get("/console/dashboard")
		if !strings.Contains(r.Body, "鼓楼区") || strings.Contains(r.Body, "台江区") {
			t.Errorf("the default dashboard is not the clerk's own district")
		}
		drill := c.Get("/console/dashboard/figure?key=people.workers&org=" + id(tree.Districts["350102"]))
		if strings.Contains(drill.Body, "台江区") {
			t.Errorf("a district's drill-down shows a sibling district")
		}
		if r := c.Get("/console/dashboard/figure?key=no.such.figure"); r.Status != http.StatusNotFound {
			t.Errorf("unknown figure: %d", r.Status)
		}
	})
}
