package care

import (
	"math/rand/v2"
	"testing"
	"time"

	"zhijia/internal/platform"
)

// benchCity scatters n stations over a 1° square around Fuzhou (about 100 km
// across: some 8 stations per km², so an 800 m circle holds a dozen or more),
// a third of them with office hours.
func benchCity(n int) []*Station {
	r := rand.New(rand.NewPCG(7, 7))
	out := make([]*Station, n)
	var office Week
	for d := 0; d < 5; d++ {
		office[d] = []Span{{9 * 60, 18 * 60}}
	}
	for i := range out {
		s := &Station{ID: int64(i + 1), Status: Active, Hours: FullWeek(), Facilities: []string{"water"},
			Pos: Point{25.6 + r.Float64(), 118.8 + r.Float64()}}
		if i%3 == 0 {
			s.Hours = office
		}
		out[i] = s
	}
	return out
}

func benchQueries(n int) []Point {
	r := rand.New(rand.NewPCG(8, 8))
	out := make([]Point, n)
	for i := range out {
		out[i] = Point{25.7 + r.Float64()*0.8, 118.9 + r.Float64()*0.8}
	}
	return out
}

// BenchmarkCircle100k is the service-circle query (800 m, "open now" status
// worked out for each hit) over 100,000 stations, and in the same run the
// brute-force scan it must equal; it reports both and their ratio.
func BenchmarkCircle100k(b *testing.B) {
	all := benchCity(100_000)
	ix := NewIndex(all)
	qs := benchQueries(1024)
	f := Filter{At: time.Date(2026, 11, 30, 10, 0, 0, 0, platform.Shanghai)}
	hits := 0
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		hits += len(ix.Query(qs[i%len(qs)], DefaultRadius, f).Within)
	}
	index := time.Since(start)
	b.StopTimer()
	bruteN := min(b.N, 200)
	start = time.Now()
	for i := 0; i < bruteN; i++ {
		_ = scan(all, qs[i%len(qs)], DefaultRadius, f)
	}
	brute := time.Since(start)
	perIndex := float64(index.Nanoseconds()) / float64(b.N)
	perBrute := float64(brute.Nanoseconds()) / float64(bruteN)
	b.ReportMetric(perIndex/1000, "µs/query")
	b.ReportMetric(perBrute/1000, "brute-µs/query")
	b.ReportMetric(perBrute/perIndex, "x-faster")
	b.ReportMetric(float64(hits)/float64(b.N), "hits/query")
}

// BenchmarkCoverageIndex10k is the in-memory part of the coverage report: the
// workplaces of 6,000 unions against 10,000 stations (the SQL reading them is
// not included).
func BenchmarkCoverageIndex10k(b *testing.B) {
	ix := NewIndex(benchCity(10_000))
	unions := benchQueries(6000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		covered := 0
		for _, u := range unions {
			if ix.Any(u, DefaultRadius) {
				covered++
			}
		}
		if covered == 0 {
			b.Fatal("no union covered")
		}
	}
}

// BenchmarkDrawOrder100k is the lottery's ordering of 100,000 weighted
// sign-ups (the store then writes each one's place).
func BenchmarkDrawOrder100k(b *testing.B) {
	seed, _ := SeedBytes("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")
	es := make([]Entry, 100_000)
	for i := range es {
		es[i] = Entry{ID: int64(i + 1), Weight: 1 + i%4}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if len(DrawOrder(seed, es)) != len(es) {
			b.Fatal("lost entries")
		}
	}
}
