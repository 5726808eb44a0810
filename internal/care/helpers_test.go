package care_test

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"zhijia/internal/app/apptest"
	"zhijia/internal/auth"
	"zhijia/internal/care"
	"zhijia/internal/platform"
)

var sys = platform.WithActor(context.Background(), platform.System("test"))

// luoyuan is a spot in 罗源县, where the demo city has no stations, so the
// stations a test makes are the only ones near it (GCJ-02).
var luoyuan = care.Point{Lat: 26.4900, Lng: 119.5500}

// offset is the point d metres east (bearing 90) or north (0) of p, in the same datum.
func offset(p care.Point, north, east float64) care.Point {
	const m = 6378137.0 * math.Pi / 180
	return care.Point{Lat: p.Lat + north/m, Lng: p.Lng + east/(m*cosDeg(p.Lat))}
}

func cosDeg(d float64) float64 { return math.Cos(d * math.Pi / 180) }

// stationForm is a valid station form under org, at pos (GCJ-02), open 24 hours.
func stationForm(org int64, name string, pos care.Point) url.Values {
	return url.Values{"org_id": {fmt.Sprint(org)}, "name": {name}, "host": {"福州顺丰速运"}, "address": {"罗源县凤山路1号"},
		"coords": {pos.String()}, "all_day": {"1"}, "facilities": {"water", "charging"}, "services": {"legal"},
		"groups": {"courier"}, "contact": {"陈师傅"}, "phone": {"0591-87654321"}}
}

// mustStation registers a station as the staff client and returns its id.
func mustStation(t *testing.T, c *apptest.Client, form url.Values) int64 {
	t.Helper()
	r := c.PostForm("/console/care/stations", form)
	m := regexp.MustCompile(`^/console/care/stations/(\d+)$`).FindStringSubmatch(r.Location)
	if r.Status != 303 || m == nil {
		t.Fatalf("create station: %d → %q: %s", r.Status, r.Location, r.Body)
	}
	var id int64
	fmt.Sscan(m[1], &id)
	return id
}

// staffToken makes a bearer token for a demo staff account.
func staffToken(t *testing.T, env *apptest.Env, username string) string {
	t.Helper()
	accs, _, err := env.App.Auth.FindAccounts(sys, auth.AccountFilter{Query: username})
	if err != nil || len(accs) == 0 {
		t.Fatalf("account %s: %v", username, err)
	}
	a := accs[0]
	actor := platform.WithActor(sys, &platform.Actor{Kind: "staff", AccountID: a.ID, Role: string(a.Role), OrgID: a.OrgID, OrgPath: a.OrgPath})
	tok, err := env.App.Auth.CreateAPIToken(actor, a.ID, "test", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// auditCount counts audit rows of action about entity id.
func auditCount(t *testing.T, env *apptest.Env, action string, id int64) int {
	t.Helper()
	var n int
	if err := env.App.DB.QueryRow(sys, `SELECT COUNT(*) FROM audit_log WHERE action = ? AND entity_id = ?`, action, fmt.Sprint(id)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func contains(t *testing.T, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}
