// Package dashboard is 品牌成效: every programme's figures by year and org
// subtree. Programmes register Figures in a Registry (from app.go, calling each
// package's Figures function), so a later programme joins without touching this
// package. A closed year is read from the snapshot written when it was closed;
// other years are computed from the records, once per city into per-org cells
// (cells.go) that any subtree's figures are summed from (cache.go), refreshed
// about once a minute.
package dashboard

import (
	"context"
	"fmt"
	"strings"
	"time"

	"zhijia/internal/platform"
)

// Unit says how a figure's integer value is read.
type Unit string

const (
	Count Unit = "count" // people, records, unions
	Fen   Unit = "fen"   // money in fen, shown as yuan
)

// Query is what a figure is computed for: one programme year, as Asia/Shanghai
// year boundaries in UTC, and one or more org subtrees (materialised paths).
type Query struct {
	Year       int
	Start, End time.Time
	CityID     int64
	Subtrees   []string
}

// NewQuery builds the query for a year and subtrees.
func NewQuery(year int, cityID int64, subtrees ...string) Query {
	start := time.Date(year, 1, 1, 0, 0, 0, 0, platform.Shanghai)
	return Query{Year: year, Start: start.UTC(), End: start.AddDate(1, 0, 0).UTC(), CityID: cityID, Subtrees: subtrees}
}

// FirstDay and LastDay are the year's dates as the 'YYYY-MM-DD' text columns hold them.
func (q Query) FirstDay() string { return fmt.Sprintf("%04d-01-01", q.Year) }
func (q Query) LastDay() string  { return fmt.Sprintf("%04d-12-31", q.Year) }

// Figure is one headline number a programme reports.
type Figure struct {
	Key       string // unique, "relief.households"
	Programme string // catalogue key of the programme's panel heading
	Label     string // catalogue key (zh-CN and en) of the figure's name
	Unit      Unit
	// Masked figures describe people indirectly: a breakdown cell where fewer
	// than k people stand behind the value shows "<k".
	Masked bool
	// People, for a masked figure that is not itself a count of people (money),
	// counts the people behind each value, in the shape of Compute.
	People func(ctx context.Context, db *platform.DB, q Query) ([]int64, error)
	// Compute returns one value per subtree in q.Subtrees, in order, ideally in one query.
	Compute func(ctx context.Context, db *platform.DB, q Query) ([]int64, error)
	// Monthly, if set, returns 12 values (January first) for q.Subtrees[0].
	Monthly func(ctx context.Context, db *platform.DB, q Query) ([]int64, error)
	// List is the programme's list page for the records behind the figure in one
	// org's subtree, with its filters pre-set ("" if there is none).
	List func(org Org, year int) string
	sql  *SQL // set by SQL.Figure: lets the store compute figures of one table together
}

// Org is a node of the union tree as the dashboard shows it.
type Org struct {
	ID     int64
	Name   string
	Level  string
	Path   string
	Parent int64
}

// Registry holds every programme's figures in registration order.
type Registry struct {
	figures  []Figure
	index    map[string]int
	messages []map[string][2]string
}

// AddMessages keeps a programme's figure labels for the catalogue.
func (r *Registry) AddMessages(m map[string][2]string) { r.messages = append(r.messages, m) }

// NewRegistry makes an empty registry.
func NewRegistry() *Registry { return &Registry{index: map[string]int{}} }

// Register adds figures; a key registered twice or a figure without a compute
// function is a start-up error.
func (r *Registry) Register(figs ...Figure) {
	for _, f := range figs {
		if _, dup := r.index[f.Key]; dup || f.Key == "" || f.Compute == nil || f.Label == "" || f.Programme == "" {
			panic("dashboard: bad or duplicate figure " + f.Key)
		}
		if f.Unit == "" {
			f.Unit = Count
		}
		r.index[f.Key] = len(r.figures)
		r.figures = append(r.figures, f)
	}
}

// Figures lists every figure in registration order.
func (r *Registry) Figures() []Figure { return append([]Figure(nil), r.figures...) }

// Figure finds one by key.
func (r *Registry) Figure(key string) (Figure, bool) {
	i, ok := r.index[key]
	if !ok {
		return Figure{}, false
	}
	return r.figures[i], true
}

// Programmes lists the programme headings in the order their first figure came.
func (r *Registry) Programmes() []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range r.figures {
		if !seen[f.Programme] {
			seen[f.Programme] = true
			out = append(out, f.Programme)
		}
	}
	return out
}

// Cell is one value as shown: the number, or "<k" in a masked breakdown cell.
type Cell struct {
	Value  int64
	Masked bool
}

// MaskCell applies k-anonymity to one breakdown cell of a masked figure: when
// between 1 and k-1 people stand behind it (people is the value itself for a
// count of people), it is hidden. Zero stays zero: it names nobody.
func MaskCell(f Figure, v, people int64, k int) Cell {
	return Cell{Value: v, Masked: f.Masked && people > 0 && people < int64(k)}
}

// Format writes a value in its unit: counts with thousands separators, fen as
// yuan with two decimals.
func Format(u Unit, v int64) string {
	if u == Fen {
		sign := ""
		if v < 0 {
			sign, v = "-", -v
		}
		return fmt.Sprintf("%s%s.%02d", sign, group(v/100), v%100)
	}
	if v < 0 {
		return "-" + group(-v)
	}
	return group(v)
}

func group(v int64) string {
	s := fmt.Sprint(v)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
