package care

import (
	"math"
	"strconv"
	"strings"
)

// Point is a position in degrees. Which datum it is in (WGS-84 from a phone's
// GPS, GCJ-02 from a Chinese map app) is the caller's to know; the functions
// below name the datum they expect.
type Point struct {
	Lat, Lng float64
}

// earthRadius is the WGS-84 semi-major axis in metres, used by the GCJ-02 offset
// and by Distance.
const earthRadius = 6378137.0

// eccentricity² of the Krasovsky 1940 ellipsoid the GCJ-02 offset is built on.
const gcjEE = 0.00669342162296594323

// outsideChina reports whether p lies outside the box where GCJ-02 applies an
// offset; outside it, GCJ-02 equals WGS-84.
func outsideChina(p Point) bool {
	return p.Lng < 72.004 || p.Lng > 137.8347 || p.Lat < 0.8293 || p.Lat > 55.8271
}

// gcjShift is the published GCJ-02 ("eviltransform") polynomial: the raw offset
// in metres-like units for x = lng-105, y = lat-35.
func gcjShift(x, y float64) (dLat, dLng float64) {
	xPi, yPi := x*math.Pi, y*math.Pi
	common := 20*math.Sin(6*xPi) + 20*math.Sin(2*xPi)
	dLat = common + 20*math.Sin(yPi) + 40*math.Sin(yPi/3) + 160*math.Sin(yPi/12) + 320*math.Sin(yPi/30)
	dLng = common + 20*math.Sin(xPi) + 40*math.Sin(xPi/3) + 150*math.Sin(xPi/12) + 300*math.Sin(xPi/30)
	dLat = dLat*2/3 - 100 + 2*x + 3*y + 0.2*y*y + 0.1*x*y + 0.2*math.Sqrt(math.Abs(x))
	dLng = dLng*2/3 + 300 + x + 2*y + 0.1*x*x + 0.1*x*y + 0.1*math.Sqrt(math.Abs(x))
	return dLat, dLng
}

// gcjDelta is the offset in degrees GCJ-02 adds at WGS-84 point p.
func gcjDelta(p Point) (dLat, dLng float64) {
	dLat, dLng = gcjShift(p.Lng-105, p.Lat-35)
	rad := p.Lat / 180 * math.Pi
	magic := 1 - gcjEE*math.Sin(rad)*math.Sin(rad)
	sq := math.Sqrt(magic)
	dLat = dLat * 180 / ((earthRadius * (1 - gcjEE)) / (magic * sq) * math.Pi)
	dLng = dLng * 180 / (earthRadius / sq * math.Cos(rad) * math.Pi)
	return dLat, dLng
}

// WGSToGCJ converts a WGS-84 position (a phone's geolocation) to GCJ-02 (what
// Chinese map apps show and what stations are stored in).
func WGSToGCJ(p Point) Point {
	if outsideChina(p) {
		return p
	}
	dLat, dLng := gcjDelta(p)
	return Point{Lat: p.Lat + dLat, Lng: p.Lng + dLng}
}

// GCJToWGS inverts WGSToGCJ by fixed-point iteration: guess w, see where it
// lands, move the guess by the miss. The offset changes slowly, so a few rounds
// reach well under a centimetre.
func GCJToWGS(g Point) Point {
	if outsideChina(g) {
		return g
	}
	w := g
	for i := 0; i < 20; i++ {
		got := WGSToGCJ(w)
		dLat, dLng := got.Lat-g.Lat, got.Lng-g.Lng
		w.Lat -= dLat
		w.Lng -= dLng
		if math.Abs(dLat) < 1e-10 && math.Abs(dLng) < 1e-10 {
			break
		}
	}
	return w
}

// Distance is the great-circle (haversine) distance in metres between two
// points of the same datum.
func Distance(a, b Point) float64 {
	la, lb := a.Lat*math.Pi/180, b.Lat*math.Pi/180
	dLat := lb - la
	dLng := (b.Lng - a.Lng) * math.Pi / 180
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(la)*math.Cos(lb)*math.Sin(dLng/2)*math.Sin(dLng/2)
	if h > 1 {
		h = 1
	}
	return 2 * earthRadius * math.Asin(math.Sqrt(h))
}

// ParsePoint reads "lat,lng" as typed or pasted from a map app: decimal degrees,
// separated by a comma (ASCII or full-width), a space or both. ok is false for
// anything else, for values out of range, and for NaN or infinities.
func ParsePoint(s string) (Point, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "，", ","))
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
	if len(parts) != 2 {
		return Point{}, false
	}
	lat, err1 := parseDegrees(parts[0])
	lng, err2 := parseDegrees(parts[1])
	if !err1 || !err2 {
		return Point{}, false
	}
	p := Point{Lat: lat, Lng: lng}
	return p, p.Valid()
}

func parseDegrees(s string) (float64, bool) {
	if s == "" || len(s) > 24 {
		return 0, false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && r != '.' && r != '-' && r != '+' {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// Valid reports whether p is a finite position on Earth.
func (p Point) Valid() bool {
	return !math.IsNaN(p.Lat) && !math.IsNaN(p.Lng) && p.Lat >= -90 && p.Lat <= 90 && p.Lng >= -180 && p.Lng <= 180
}

// String formats p the way ParsePoint reads it, to six decimals (≈ 0.1 m).
func (p Point) String() string {
	return strconv.FormatFloat(p.Lat, 'f', 6, 64) + "," + strconv.FormatFloat(p.Lng, 'f', 6, 64)
}
