package care

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// Filter narrows a circle query: OpenNow keeps stations open at At; Need keeps
// stations offering every listed facility or service.
type Filter struct {
	OpenNow bool
	At      time.Time
	Need    []string
}

func (f Filter) keeps(s *Station) bool {
	for _, n := range f.Need {
		if !s.Has(n) {
			return false
		}
	}
	return !f.OpenNow || OpenAt(s.Hours, s.Closures, f.At)
}

// Hit is a station found by the circle, with its distance in metres and
// whether it is open at the query's time.
type Hit struct {
	Station  *Station
	Distance float64
	Open     bool
}

// cellDeg is the grid's cell size in degrees: about 1.1 km north–south, a bit
// less east–west in Fuzhou, so an 800 m circle touches at most 3×3 cells.
const cellDeg = 0.01

type cellKey struct{ lat, lng int32 }

func cellOf(p Point) cellKey {
	return cellKey{int32(math.Floor(p.Lat / cellDeg)), int32(math.Floor(p.Lng / cellDeg))}
}

// Index is an immutable grid of one city's active stations (GCJ-02), so a
// query reads only the cells near the worker instead of every station.
type Index struct {
	all   []*Station
	cells map[cellKey][]*Station
	lo    cellKey // bounding cells of all stations
	hi    cellKey
}

// NewIndex builds the grid over stations (retired ones are left out).
func NewIndex(stations []*Station) *Index {
	ix := &Index{cells: map[cellKey][]*Station{}}
	for _, s := range stations {
		if s.Status == Retired {
			continue
		}
		k := cellOf(s.Pos)
		if len(ix.all) == 0 {
			ix.lo, ix.hi = k, k
		}
		ix.lo = cellKey{min(ix.lo.lat, k.lat), min(ix.lo.lng, k.lng)}
		ix.hi = cellKey{max(ix.hi.lat, k.lat), max(ix.hi.lng, k.lng)}
		ix.all = append(ix.all, s)
		ix.cells[k] = append(ix.cells[k], s)
	}
	return ix
}

// Len is the number of stations indexed.
func (ix *Index) Len() int { return len(ix.all) }

// Circle is the answer to "what is near me": the stations within the radius by
// distance, or, when there are none, the nearest few.
type Circle struct {
	Within  []Hit
	Nearest []Hit
}

// Query answers the service circle around p (GCJ-02) with radius metres.
func (ix *Index) Query(p Point, radius float64, f Filter) Circle {
	var c Circle
	c.Within = ix.Within(p, radius, f)
	if len(c.Within) == 0 {
		c.Nearest = ix.Nearest(p, NearestCount, f)
	}
	return c
}

// Within lists the stations within radius metres of p that pass f, nearest first.
func (ix *Index) Within(p Point, radius float64, f Filter) []Hit {
	if len(ix.all) == 0 {
		return nil
	}
	dLat := radius / (earthRadius * math.Pi / 180)
	cosLat := math.Max(math.Cos(math.Min(math.Abs(p.Lat)+dLat, 89.9)*math.Pi/180), 1e-6)
	dLng := dLat / cosLat
	lo := cellOf(Point{p.Lat - dLat, p.Lng - dLng})
	hi := cellOf(Point{p.Lat + dLat, p.Lng + dLng})
	lo = cellKey{max(lo.lat, ix.lo.lat), max(lo.lng, ix.lo.lng)}
	hi = cellKey{min(hi.lat, ix.hi.lat), min(hi.lng, ix.hi.lng)}
	var out []Hit
	if int64(hi.lat-lo.lat+1)*int64(hi.lng-lo.lng+1) > int64(len(ix.all)) {
		return scan(ix.all, p, radius, f) // a huge radius: reading every station is cheaper
	}
	for la := lo.lat; la <= hi.lat; la++ {
		for ln := lo.lng; ln <= hi.lng; ln++ {
			out = appendHits(out, ix.cells[cellKey{la, ln}], p, radius, f)
		}
	}
	sortHits(out)
	return out
}

// Nearest lists the k stations nearest p that pass f, searching rings of cells
// outwards until no unread cell can hold anything nearer than the k-th found.
func (ix *Index) Nearest(p Point, k int, f Filter) []Hit {
	if len(ix.all) == 0 || k <= 0 {
		return nil
	}
	c := cellOf(p)
	var found []Hit
	maxRing := int32(max(abs32(c.lat-ix.lo.lat), abs32(c.lat-ix.hi.lat), abs32(c.lng-ix.lo.lng), abs32(c.lng-ix.hi.lng)))
	if maxRing > 400 {
		return scanNearest(ix.all, p, k, f) // far outside the city: plain scan
	}
	for r := int32(0); r <= maxRing; r++ {
		for la := c.lat - r; la <= c.lat+r; la++ {
			for ln := c.lng - r; ln <= c.lng+r; ln++ {
				if la != c.lat-r && la != c.lat+r && ln != c.lng-r && ln != c.lng+r {
					continue // inside the ring: read already
				}
				found = appendHits(found, ix.cells[cellKey{la, ln}], p, math.Inf(1), f)
			}
		}
		if len(found) >= k {
			sortHits(found)
			// every unread cell lies at least r cells (of the narrower, east–west side) away
			far := math.Min(math.Abs(p.Lat)+float64(r+1)*cellDeg, 89.9)
			safe := 0.99 * float64(r) * cellDeg * earthRadius * math.Pi / 180 * math.Cos(far*math.Pi/180)
			if found[k-1].Distance <= safe {
				return found[:k]
			}
		}
	}
	sortHits(found)
	if len(found) > k {
		found = found[:k]
	}
	return found
}

func abs32(n int32) int32 {
	if n < 0 {
		return -n
	}
	return n
}

func appendHits(out []Hit, ss []*Station, p Point, radius float64, f Filter) []Hit {
	for _, s := range ss {
		if d := Distance(p, s.Pos); d <= radius && f.keeps(s) {
			out = append(out, Hit{Station: s, Distance: d, Open: OpenAt(s.Hours, s.Closures, f.At)})
		}
	}
	return out
}

func sortHits(h []Hit) {
	slices.SortFunc(h, func(a, b Hit) int {
		if c := cmp.Compare(a.Distance, b.Distance); c != 0 {
			return c
		}
		return cmp.Compare(a.Station.ID, b.Station.ID)
	})
}

// scan is the brute-force answer Within must equal: every station read.
func scan(all []*Station, p Point, radius float64, f Filter) []Hit {
	out := appendHits(nil, all, p, radius, f)
	sortHits(out)
	return out
}

// scanNearest is the brute-force answer Nearest must equal.
func scanNearest(all []*Station, p Point, k int, f Filter) []Hit {
	out := scan(all, p, math.Inf(1), f)
	if len(out) > k {
		out = out[:k]
	}
	return out
}

// Any reports whether some station lies within radius metres of p.
func (ix *Index) Any(p Point, radius float64) bool {
	dLat := radius / (earthRadius * math.Pi / 180)
	dLng := dLat / math.Max(math.Cos(math.Min(math.Abs(p.Lat)+dLat, 89.9)*math.Pi/180), 1e-6)
	lo := cellOf(Point{p.Lat - dLat, p.Lng - dLng})
	hi := cellOf(Point{p.Lat + dLat, p.Lng + dLng})
	if int64(hi.lat-lo.lat+1)*int64(hi.lng-lo.lng+1) > int64(len(ix.all)) {
		return len(scan(ix.all, p, radius, Filter{})) > 0
	}
	for la := lo.lat; la <= hi.lat; la++ {
		for ln := lo.lng; ln <= hi.lng; ln++ {
			for _, s := range ix.cells[cellKey{la, ln}] {
				if Distance(p, s.Pos) <= radius {
					return true
				}
			}
		}
	}
	return false
}
