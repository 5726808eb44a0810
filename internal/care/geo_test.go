package care

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Known WGS-84 → GCJ-02 pairs, from the eviltransform project's own test table
// (github.com/googollee/eviltransform, go/transform_test.go): a point each in
// Shanghai, Shenzhen and Beijing. Their table matches to 5 decimals (≈ 1 m);
// ours agrees within 5 cm.
var knownPairs = []struct {
	name     string
	wgs, gcj Point
}{
	{"shanghai", Point{31.1774276, 121.5272106}, Point{31.17530398364597, 121.531541859215}},
	{"shenzhen", Point{22.543847, 113.912316}, Point{22.540796131694766, 113.9171764808363}},
	{"beijing", Point{39.911954, 116.377817}, Point{39.91334545536069, 116.38404722455657}},
}

func TestWGSToGCJ_KnownPairs(t *testing.T) {
	for _, tc := range knownPairs {
		got := WGSToGCJ(tc.wgs)
		if d := Distance(got, tc.gcj); d > 0.05 {
			t.Errorf("%s: WGSToGCJ(%v) = %v, want %v (%.3f m off)", tc.name, tc.wgs, got, tc.gcj, d)
		}
		back := GCJToWGS(tc.gcj)
		if d := Distance(back, tc.wgs); d > 0.05 {
			t.Errorf("%s: GCJToWGS(%v) = %v, want %v (%.3f m off)", tc.name, tc.gcj, back, tc.wgs, d)
		}
	}
}

// In Fuzhou the two datums lie a few hundred metres apart — more than enough to
// spoil an 800 m circle if a phone's position were compared unconverted.
func TestWGSToGCJ_FuzhouOffsetIsHundredsOfMetres(t *testing.T) {
	wgs := Point{26.0745, 119.2965} // 五一广场, roughly
	d := Distance(wgs, WGSToGCJ(wgs))
	if d < 200 || d > 800 {
		t.Fatalf("offset in Fuzhou = %.0f m, want a few hundred metres", d)
	}
}

func TestWGSToGCJ_OutsideChinaNoOffset(t *testing.T) {
	for _, p := range []Point{{51.5074, -0.1278}, {35.6762, 139.6503}, {-33.8688, 151.2093}, {1.3521, 103.8198 - 40}} {
		if got := WGSToGCJ(p); got != p {
			t.Errorf("WGSToGCJ(%v) = %v, want unchanged", p, got)
		}
		if got := GCJToWGS(p); got != p {
			t.Errorf("GCJToWGS(%v) = %v, want unchanged", p, got)
		}
	}
}

func TestGCJToWGS_RoundTripUnderOneMetre(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	worst := 0.0
	for i := 0; i < 20000; i++ {
		w := Point{Lat: 18 + r.Float64()*35, Lng: 75 + r.Float64()*60}
		back := GCJToWGS(WGSToGCJ(w))
		if d := Distance(w, back); d > worst {
			worst = d
		}
	}
	if worst >= 1 {
		t.Fatalf("worst round-trip error %.4f m, want < 1 m", worst)
	}
	t.Logf("worst round-trip error over 20000 points: %.6f m", worst)
}

func TestDistance(t *testing.T) {
	quarter := earthRadius * math.Pi / 2
	cases := []struct {
		a, b Point
		want float64
	}{
		{Point{0, 0}, Point{0, 0}, 0},
		{Point{0, 0}, Point{1, 0}, earthRadius * math.Pi / 180}, // one degree of a meridian: 111 319.49 m
		{Point{0, 0}, Point{0, 90}, quarter},
		{Point{0, 0}, Point{90, 0}, quarter},
		{Point{26, 119}, Point{26, 119}, 0},
		{Point{-10, 20}, Point{10, -160}, math.Pi * earthRadius}, // antipodes
	}
	for _, tc := range cases {
		if got := Distance(tc.a, tc.b); math.Abs(got-tc.want) > 0.001 {
			t.Errorf("Distance(%v, %v) = %.4f, want %.4f", tc.a, tc.b, got, tc.want)
		}
		if got := Distance(tc.b, tc.a); math.Abs(got-tc.want) > 0.001 {
			t.Errorf("Distance not symmetric for %v, %v", tc.a, tc.b)
		}
	}
}

func TestParsePoint(t *testing.T) {
	cases := []struct {
		in   string
		want Point
		ok   bool
	}{
		{"26.08,119.30", Point{26.08, 119.30}, true},
		{" 26.08 , 119.30 ", Point{26.08, 119.30}, true},
		{"26.08，119.30", Point{26.08, 119.30}, true},
		{"26.08 119.30", Point{26.08, 119.30}, true},
		{"-33.5,-70", Point{-33.5, -70}, true},
		{"91,0", Point{}, false},
		{"0,181", Point{}, false},
		{"NaN,1", Point{}, false},
		{"Inf,1", Point{}, false},
		{"1e2,3", Point{}, false},
		{"26.08", Point{}, false},
		{"26.08,119.30,1", Point{}, false},
		{"", Point{}, false},
		{"abc,def", Point{}, false},
	}
	for _, tc := range cases {
		got, ok := ParsePoint(tc.in)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("ParsePoint(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func FuzzParsePoint(f *testing.F) {
	for _, s := range []string{"26.08,119.30", "26.08，119.30", "-90,180", "1 2", "", ",", "NaN,NaN", "9999999999999999999999,1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, ok := ParsePoint(s)
		if !ok {
			return
		}
		if !p.Valid() {
			t.Fatalf("ParsePoint(%q) accepted invalid %v", s, p)
		}
		again, ok := ParsePoint(p.String())
		if !ok || Distance(again, p) > 0.2 {
			t.Fatalf("ParsePoint(%q) = %v does not survive String(): %v %v", s, p, again, ok)
		}
	})
}
