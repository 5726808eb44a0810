package app_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhijia/internal/app/apptest"
	"zhijia/internal/dashboard"
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

// TestDashboard_FakeProgramme: a programme the dashboard package has never
// heard of registers a figure; it shows on the dashboard with last year beside
// it, in its own sheet of the export, and in the drill-down by district.
func TestDashboard_FakeProgramme(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		env.App.Server().Catalog.Add(map[string][2]string{"fake.programme": {"假想工程", "Fake programme"}, "fake.figure": {"假想指标", "Fake figure"}})
		env.App.Dashboard.Registry().Register(dashboard.Figure{Key: "fake.figure", Programme: "fake.programme", Label: "fake.figure",
			Compute: func(_ context.Context, _ *platform.DB, q dashboard.Query) ([]int64, error) {
				out := make([]int64, len(q.Subtrees))
				for i := range out {
					out[i] = int64(q.Year)*10 + int64(len(q.Subtrees[i])) // depends on year and org
				}
				return out, nil
			}})
		c := env.Staff(t, "city.admin")
		year := env.App.Dashboard.CurrentYear()
		city := strconv.FormatInt(env.Info.Tree.City, 10)
		page := c.Get("/console/dashboard?org=" + city)
		want := strconv.Itoa(year*10 + len(env.Info.Tree.CityPath))
		wantText := want[:len(want)-3] + "," + want[len(want)-3:]
		if page.Status != http.StatusOK || !strings.Contains(page.Body, "假想工程") || !strings.Contains(page.Body, "假想指标") || !strings.Contains(page.Body, wantText) {
			t.Fatalf("the fake figure is not on the dashboard (HTTP %d, want %s)", page.Status, wantText)
		}
		x := c.Get("/console/dashboard/export?org=" + city)
		f, err := excelize.OpenReader(bytes.NewReader(x.Raw))
		if err != nil {
			t.Fatalf("export: %v", err)
		}
		rows, err := f.GetRows("假想工程")
		if err != nil || len(rows) < 3 || rows[2][0] != "假想指标" || rows[2][2] != want {
			t.Fatalf("export sheet of the fake programme: %v %v", rows, err)
		}
		if !slices.Contains(f.GetSheetList(), "职工温暖工程") {
			t.Errorf("export sheets %v lack the relief programme", f.GetSheetList())
		}
		drill := c.Get("/console/dashboard/figure?key=fake.figure&org=" + city)
		if drill.Status != http.StatusOK || !strings.Contains(drill.Body, "鼓楼区") || !strings.Contains(drill.Body, "<svg") {
			t.Errorf("drill-down of the fake figure: HTTP %d", drill.Status)
		}
	})
}

// TestDashboard_CloseYearByCityOnly: the city administrator closes last year
// from the dashboard (the page then says it is closed); a district
// administrator, who holds the permission for nothing above their district, is
// told that only the city closes a year, and nothing is frozen by that.
func TestDashboard_CloseYearByCityOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		last := strconv.Itoa(env.App.Dashboard.CurrentYear() - 1)
		district := env.Staff(t, "gulou.admin")
		r := district.PostForm("/console/dashboard/close", url.Values{"year": {last}})
		if r.Status != http.StatusSeeOther || !strings.Contains(district.Get(r.Location).Body, "只有市总工会可以关账") {
			t.Fatalf("a district closing a year: HTTP %d to %s", r.Status, r.Location)
		}
		city := env.Staff(t, "city.admin")
		r = city.PostForm("/console/dashboard/close", url.Values{"year": {last}})
		page := city.Get(r.Location)
		if r.Status != http.StatusSeeOther || !strings.Contains(page.Body, "年度已关账，数据已冻结") || !strings.Contains(page.Body, "该年度已关账") {
			t.Fatalf("the city closing %s: HTTP %d, page does not say it is closed", last, r.Status)
		}
		r = city.PostForm("/console/dashboard/close", url.Values{"year": {last}})
		if !strings.Contains(city.Get(r.Location).Body, "该年度已关账") {
			t.Errorf("closing twice is not refused with a message")
		}
	})
}
