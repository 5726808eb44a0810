package care

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"net/url"
	"strconv"
	"strings"
)

// mapLinks open a station in the worker's map app: a geo: URI (RFC 5870,
// WGS-84, which Android hands to any map app) and an Amap marker link (GCJ-02,
// as stored).
type mapLinks struct {
	Geo  template.URL // built from numbers and a query-escaped name: safe in an href
	Amap string
}

func linksFor(s *Station) mapLinks {
	w := GCJToWGS(s.Pos)
	lat, lng := strconv.FormatFloat(w.Lat, 'f', 6, 64), strconv.FormatFloat(w.Lng, 'f', 6, 64)
	geo := "geo:" + lat + "," + lng + "?q=" + lat + "," + lng + "(" + url.QueryEscape(s.Name) + ")"
	amap := "https://uri.amap.com/marker?position=" + strconv.FormatFloat(s.Pos.Lng, 'f', 6, 64) + "," +
		strconv.FormatFloat(s.Pos.Lat, 'f', 6, 64) + "&name=" + url.QueryEscape(s.Name) + "&coordinate=gaode&callnative=1"
	return mapLinks{Geo: template.URL(geo), Amap: amap}
}

// circleSVG draws the worker at the centre, the walking circle and the hits
// as numbered dots (green open, grey closed), to scale; no map tiles. label
// is the accessible description.
func circleSVG(centre Point, radius float64, hits []Hit, label string) template.HTML {
	const size, half = 320.0, 160.0
	extent := radius
	for _, h := range hits {
		extent = math.Max(extent, h.Distance)
	}
	scale := (half - 18) / extent // pixels per metre
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="care-map" viewBox="0 0 %.0f %.0f" width="100%%" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`,
		size, size, html.EscapeString(label))
	fmt.Fprintf(&b, `<rect width="%.0f" height="%.0f" fill="#f6f7f9"/>`, size, size)
	fmt.Fprintf(&b, `<circle cx="%.0f" cy="%.0f" r="%.1f" fill="#fdecec" stroke="#c8161d" stroke-dasharray="4 4"/>`, half, half, radius*scale)
	cosLat := math.Cos(centre.Lat * math.Pi / 180)
	for i, h := range hits {
		dx := (h.Station.Pos.Lng - centre.Lng) * cosLat * earthRadius * math.Pi / 180
		dy := (h.Station.Pos.Lat - centre.Lat) * earthRadius * math.Pi / 180
		x, y := half+dx*scale, half-dy*scale
		fill := "#1a7f37"
		if !h.Open {
			fill = "#8b929c"
		}
		fmt.Fprintf(&b, `<g><title>%s %.0f m</title><circle cx="%.1f" cy="%.1f" r="10" fill="%s"/>`+
			`<text x="%.1f" y="%.1f" font-size="11" text-anchor="middle" fill="#fff">%d</text></g>`,
			html.EscapeString(h.Station.Name), h.Distance, x, y, fill, x, y+4, i+1)
	}
	fmt.Fprintf(&b, `<circle cx="%.0f" cy="%.0f" r="6" fill="#c8161d" stroke="#fff" stroke-width="2"/>`, half, half)
	fmt.Fprintf(&b, `<text x="8" y="%.0f" font-size="11" fill="#3b4049">%.0f m</text>`, size-8, radius)
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every text in it is escaped above
}

// distanceText is a distance as a worker reads it.
func distanceText(m float64) string {
	if m < 1000 {
		return strconv.Itoa(int(math.Round(m))) + " m"
	}
	return strconv.FormatFloat(m/1000, 'f', 1, 64) + " km"
}
