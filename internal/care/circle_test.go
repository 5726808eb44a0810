package care

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"zhijia/internal/platform"
)

// destination is the point d metres from p on bearing deg (spherical).
func destination(p Point, d, deg float64) Point {
	la, ln, b := p.Lat*math.Pi/180, p.Lng*math.Pi/180, deg*math.Pi/180
	ad := d / earthRadius
	la2 := math.Asin(math.Sin(la)*math.Cos(ad) + math.Cos(la)*math.Sin(ad)*math.Cos(b))
	ln2 := ln + math.Atan2(math.Sin(b)*math.Sin(ad)*math.Cos(la), math.Cos(ad)-math.Sin(la)*math.Sin(la2))
	return Point{la2 * 180 / math.Pi, ln2 * 180 / math.Pi}
}

// randomStations scatters n stations around Fuzhou: clusters of near neighbours,
// some exactly on an 800 m ring around centre, some closed or closed today.
func randomStations(r *rand.Rand, n int, centre Point, spread float64, today string) []*Station {
	out := make([]*Station, 0, n)
	for i := 0; i < n; i++ {
		s := &Station{ID: int64(i + 1), Status: Active, Hours: FullWeek()}
		switch i % 10 {
		case 0: // on the 800 m boundary of the centre
			s.Pos = destination(centre, DefaultRadius, r.Float64()*360)
		case 1: // a near neighbour of the previous station (same building)
			s.Pos = Point{out[i-1].Pos.Lat + r.NormFloat64()*1e-5, out[i-1].Pos.Lng + r.NormFloat64()*1e-5}
		case 2: // closed at night
			s.Hours = Week{}
			for d := range s.Hours {
				s.Hours[d] = []Span{{8 * 60, 18 * 60}}
			}
			s.Pos = Point{centre.Lat + (r.Float64()-0.5)*spread, centre.Lng + (r.Float64()-0.5)*spread}
		case 3: // temporarily closed today
			s.Closures = []Closure{{From: today, To: today}}
			s.Pos = Point{centre.Lat + (r.Float64()-0.5)*spread, centre.Lng + (r.Float64()-0.5)*spread}
		case 4:
			s.Status = Retired
			s.Pos = centre
		default:
			s.Pos = Point{centre.Lat + (r.Float64()-0.5)*spread, centre.Lng + (r.Float64()-0.5)*spread}
		}
		if r.IntN(2) == 0 {
			s.Facilities = []string{"water", "charging"}
		} else {
			s.Facilities = []string{"water"}
		}
		out = append(out, s)
	}
	return out
}

func active(all []*Station) []*Station {
	var out []*Station
	for _, s := range all {
		if s.Status != Retired {
			out = append(out, s)
		}
	}
	return out
}

func sameHits(a, b []Hit) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Station.ID != b[i].Station.ID || a[i].Distance != b[i].Distance || a[i].Open != b[i].Open {
			return false
		}
	}
	return true
}

func TestIndex_EqualsBruteForceOnRandomData(t *testing.T) {
	centre := Point{26.0745, 119.2965}
	night := time.Date(2026, 11, 29, 23, 30, 0, 0, platform.Shanghai)
	today := night.Format("2006-01-02")
	for seed := uint64(1); seed <= 30; seed++ {
		r := rand.New(rand.NewPCG(seed, 99))
		spread := []float64{0.02, 0.1, 0.6}[seed%3]
		all := randomStations(r, 300+int(seed)*40, centre, spread, today)
		ix := NewIndex(all)
		live := active(all)
		for q := 0; q < 40; q++ {
			p := Point{centre.Lat + (r.Float64()-0.5)*spread*1.5, centre.Lng + (r.Float64()-0.5)*spread*1.5}
			if q == 0 {
				p = centre // the boundary ring is exactly 800 m from here
			}
			radius := []float64{DefaultRadius, 300, 2500}[q%3]
			for _, f := range []Filter{{At: night}, {OpenNow: true, At: night}, {Need: []string{"charging"}, At: night}} {
				got, want := ix.Within(p, radius, f), scan(live, p, radius, f)
				if !sameHits(got, want) {
					t.Fatalf("seed %d query %d %+v: Within gave %d hits, brute force %d", seed, q, f, len(got), len(want))
				}
				gotN, wantN := ix.Nearest(p, NearestCount, f), scanNearest(live, p, NearestCount, f)
				if !sameHits(gotN, wantN) {
					t.Fatalf("seed %d query %d %+v: Nearest differs from brute force", seed, q, f)
				}
			}
		}
	}
}

func TestIndex_BoundaryAndClosedStations(t *testing.T) {
	centre := Point{26.0745, 119.2965}
	noon := time.Date(2026, 11, 30, 12, 0, 0, 0, platform.Shanghai)
	night := noon.Add(11 * time.Hour)
	in := &Station{ID: 1, Status: Active, Pos: destination(centre, 799.9, 45), Hours: FullWeek()}
	out := &Station{ID: 2, Status: Active, Pos: destination(centre, 800.5, 90), Hours: FullWeek()}
	day := &Station{ID: 3, Status: Active, Pos: destination(centre, 100, 0)}
	for d := range day.Hours {
		day.Hours[d] = []Span{{8 * 60, 18 * 60}}
	}
	retired := &Station{ID: 4, Status: Retired, Pos: centre, Hours: FullWeek()}
	ix := NewIndex([]*Station{in, out, day, retired})
	ids := func(h []Hit) string {
		s := ""
		for _, x := range h {
			s += fmt.Sprintf("%d/%v ", x.Station.ID, x.Open)
		}
		return s
	}
	if got := ids(ix.Within(centre, DefaultRadius, Filter{At: noon})); got != "3/true 1/true " {
		t.Errorf("at noon within 800 m: %s", got)
	}
	if got := ids(ix.Within(centre, DefaultRadius, Filter{At: night})); got != "3/false 1/true " {
		t.Errorf("at night, no open filter: %s", got)
	}
	if got := ids(ix.Within(centre, DefaultRadius, Filter{OpenNow: true, At: night})); got != "1/true " {
		t.Errorf("at night, open now: %s", got)
	}
	c := ix.Query(destination(centre, 5000, 180), DefaultRadius, Filter{At: noon})
	if len(c.Within) != 0 || ids(c.Nearest) != "2/true 3/true 1/true " {
		t.Errorf("5 km away: within %d, nearest %s; want none within and the three stations", len(c.Within), ids(c.Nearest))
	}
}

func TestOpenAt(t *testing.T) {
	at := func(day, hm string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", day+" "+hm, platform.Shanghai)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	var late Week // Friday 20:00 to Saturday 02:00 only
	late[4] = []Span{{20 * 60, 2 * 60}}
	var office Week // Monday 09:00-12:00, 14:00-17:30
	office[0] = []Span{{9 * 60, 12 * 60}, {14 * 60, 17*60 + 30}}
	cases := []struct {
		name string
		w    Week
		cs   []Closure
		t    time.Time
		want bool
	}{
		{"24h at 03:00", FullWeek(), nil, at("2026-12-01", "03:00"), true},
		{"24h closed for the day", FullWeek(), []Closure{{From: "2026-12-01", To: "2026-12-03"}}, at("2026-12-02", "12:00"), false},
		{"24h after the closure", FullWeek(), []Closure{{From: "2026-12-01", To: "2026-12-03"}}, at("2026-12-04", "00:00"), true},
		{"office lunch break", office, nil, at("2026-11-30", "12:30"), false},
		{"office morning", office, nil, at("2026-11-30", "09:00"), true},
		{"office closes at 17:30", office, nil, at("2026-11-30", "17:30"), false},
		{"office Tuesday", office, nil, at("2026-12-01", "10:00"), false},
		{"Friday night", late, nil, at("2026-12-04", "23:00"), true},
		{"past midnight into Saturday", late, nil, at("2026-12-05", "01:59"), true},
		{"Saturday 02:00", late, nil, at("2026-12-05", "02:00"), false},
		{"Thursday night", late, nil, at("2026-12-03", "23:00"), false},
		{"UTC instant read in Shanghai", office, nil, time.Date(2026, 11, 30, 1, 30, 0, 0, time.UTC), true},
	}
	for _, tc := range cases {
		if got := OpenAt(tc.w, tc.cs, tc.t); got != tc.want {
			t.Errorf("%s: OpenAt = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestParseDay(t *testing.T) {
	cases := []struct {
		in   string
		want string
		ok   bool
	}{
		{"", "", true},
		{"08:00-20:00", "08:00-20:00", true},
		{"8:00-12:00, 14:00-17:30", "08:00-12:00,14:00-17:30", true},
		{"00:00-24:00", "00:00-24:00", true},
		{"20:00-02:00", "20:00-02:00", true},
		{"08：00-20：00", "08:00-20:00", true},
		{"08:00", "", false},
		{"08:00-08:00", "", false},
		{"24:00-08:00", "", false},
		{"25:00-26:00", "", false},
		{"08:60-09:00", "", false},
		{"8-20", "", false},
	}
	for _, tc := range cases {
		spans, ok := ParseDay(tc.in)
		if ok != tc.ok || ok && FormatDay(spans) != tc.want {
			t.Errorf("ParseDay(%q) = %q, %v; want %q, %v", tc.in, FormatDay(spans), ok, tc.want, tc.ok)
		}
	}
}
