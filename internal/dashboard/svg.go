package dashboard

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// Bar is one bar of a chart: a label, this year's and last year's cells.
type Bar struct {
	Label     string
	Cur, Prev Cell
}

// Chart colours: union red and a light grey with hatching, told apart in
// greyscale by lightness and by the pattern, not by hue.
const (
	curFill  = "#8f1117" // dark: prints near black
	prevFill = "#d9d9d9"
	inkColor = "#1f2328"
)

// BarsSVG draws horizontal bars by child org, this year solid dark and last
// year hatched light, with the value written at each bar's end (masked cells
// write "<k" and draw no bar). Horizontal bars keep long org names readable on a
// phone; the SVG scales to its container's width.
func BarsSVG(id, label string, keys [2]string, bars []Bar, text func(Cell) string) template.HTML {
	const w, labelW, rowH, top = 640.0, 200.0, 34.0, 30.0
	h := top + rowH*float64(len(bars)) + 10
	var max int64 = 1
	for _, b := range bars {
		for _, c := range []Cell{b.Cur, b.Prev} {
			if !c.Masked && c.Value > max {
				max = c.Value
			}
		}
	}
	span := w - labelW - 90
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" viewBox="0 0 %.0f %.0f" width="100%%" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`, w, h, html.EscapeString(label))
	fmt.Fprintf(&sb, `<defs><pattern id="%s-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">`+
		`<rect width="6" height="6" fill="%s"/><line x1="0" y1="0" x2="0" y2="6" stroke="#555" stroke-width="2"/></pattern></defs>`, id, prevFill)
	legend(&sb, id, keys)
	for i, b := range bars {
		y := top + rowH*float64(i)
		fmt.Fprintf(&sb, `<text x="%.0f" y="%.1f" font-size="12" text-anchor="end" fill="%s"><title>%s</title>%s</text>`, labelW-8, y+18, inkColor,
			html.EscapeString(b.Label), html.EscapeString(clip(b.Label, 13)))
		bar(&sb, labelW, y+3, span, max, b.Cur, curFill, text)
		bar(&sb, labelW, y+17, span, max, b.Prev, "url(#"+id+"-hatch)", text)
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String()) // labels and values are escaped above
}

func bar(sb *strings.Builder, x, y, span float64, max int64, c Cell, fill string, text func(Cell) string) {
	wd := 0.0
	if !c.Masked {
		wd = span * float64(c.Value) / float64(max)
	}
	if wd > 0 {
		fmt.Fprintf(sb, `<rect x="%.0f" y="%.1f" width="%.1f" height="12" fill="%s" stroke="%s" stroke-width="0.5"/>`, x, y, wd, fill, inkColor)
	}
	fmt.Fprintf(sb, `<text x="%.1f" y="%.1f" font-size="11" fill="%s">%s</text>`, x+wd+4, y+10, inkColor, html.EscapeString(text(c)))
}

// legend draws the key: this year solid, last year hatched.
func legend(sb *strings.Builder, id string, keys [2]string) {
	fmt.Fprintf(sb, `<rect x="8" y="6" width="14" height="10" fill="%s"/><text x="26" y="15" font-size="12" fill="%s">%s</text>`,
		curFill, inkColor, html.EscapeString(keys[0]))
	fmt.Fprintf(sb, `<rect x="160" y="6" width="14" height="10" fill="url(#%s-hatch)" stroke="%s" stroke-width="0.5"/><text x="178" y="15" font-size="12" fill="%s">%s</text>`,
		id, inkColor, inkColor, html.EscapeString(keys[1]))
}

// LinesSVG draws a figure by month: this year a solid dark line with round
// markers, last year a dashed grey line with square markers.
func LinesSVG(label string, keys [2]string, months []string, cur, prev []int64) template.HTML {
	const w, h, left, top, bottom = 640.0, 270.0, 60.0, 30.0, 40.0
	var max int64 = 1
	for _, v := range append(append([]int64(nil), cur...), prev...) {
		if v > max {
			max = v
		}
	}
	x := func(i int) float64 { return left + (w-left-20)*float64(i)/11 }
	y := func(v int64) float64 { return h - bottom - (h-top-bottom)*float64(v)/float64(max) }
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" viewBox="0 0 %.0f %.0f" width="100%%" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`, w, h, html.EscapeString(label))
	fmt.Fprintf(&sb, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="%s"/>`, left, h-bottom, w-20, h-bottom, inkColor)
	fmt.Fprintf(&sb, `<text x="%.0f" y="%.0f" font-size="11" text-anchor="end" fill="%s">%d</text>`, left-6, top+4, inkColor, max)
	fmt.Fprintf(&sb, `<text x="%.0f" y="%.0f" font-size="11" text-anchor="end" fill="%s">0</text>`, left-6, h-bottom+4, inkColor)
	for i, m := range months {
		fmt.Fprintf(&sb, `<text x="%.1f" y="%.0f" font-size="11" text-anchor="middle" fill="%s">%s</text>`, x(i), h-bottom+18, inkColor, html.EscapeString(m))
	}
	series := func(vals []int64, stroke, dash string, square bool) {
		if len(vals) != 12 {
			return
		}
		pts := make([]string, 12)
		for i, v := range vals {
			pts[i] = fmt.Sprintf("%.1f,%.1f", x(i), y(v))
		}
		fmt.Fprintf(&sb, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2.5"%s/>`, strings.Join(pts, " "), stroke, dash)
		for i, v := range vals {
			if square {
				fmt.Fprintf(&sb, `<rect x="%.1f" y="%.1f" width="7" height="7" fill="#fff" stroke="%s" stroke-width="1.5"><title>%d</title></rect>`, x(i)-3.5, y(v)-3.5, stroke, v)
			} else {
				fmt.Fprintf(&sb, `<circle cx="%.1f" cy="%.1f" r="4" fill="%s"><title>%d</title></circle>`, x(i), y(v), stroke, v)
			}
		}
	}
	fmt.Fprintf(&sb, `<circle cx="14" cy="11" r="4" fill="%s"/><text x="26" y="15" font-size="12" fill="%s">%s</text>`, curFill, inkColor, html.EscapeString(keys[0]))
	fmt.Fprintf(&sb, `<line x1="150" y1="11" x2="172" y2="11" stroke="#7a7a7a" stroke-width="2.5" stroke-dasharray="6 4"/><text x="178" y="15" font-size="12" fill="%s">%s</text>`,
		inkColor, html.EscapeString(keys[1]))
	series(prev, "#7a7a7a", ` stroke-dasharray="6 4"`, true)
	series(cur, curFill, "", false)
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
