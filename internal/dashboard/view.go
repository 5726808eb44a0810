package dashboard

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// Row is one figure on the dashboard: this year beside the previous one.
type Row struct {
	Key, Label     string
	Unit           Unit
	Value, Prev    int64
	Text, PrevText string
	Change, Drill  string
	Up, Down       bool
}

// Panel is one programme's figures.
type Panel struct {
	Title string
	Rows  []Row
}

// Board is the dashboard for one org and year.
type Board struct {
	Org    Org
	Year   int
	Closed bool
	Panels []Panel
	// UpdatedAt is when the live figures were computed (zero when none is).
	UpdatedAt time.Time
}

// Board computes every figure for o and the year before.
func (s *Store) Board(ctx context.Context, o Org, year int, t func(string, ...any) string) (*Board, error) {
	figs := s.reg.Figures()
	var prev map[string][]int64
	var errPrev error
	done := make(chan struct{})
	go func() { defer close(done); prev, errPrev = s.Values(ctx, year-1, []Org{o}, figs) }()
	cur, errNow := s.values(ctx, year, []Org{o}, figs)
	<-done
	if err := cmp.Or(errNow, errPrev); err != nil {
		return nil, err
	}
	now := cur.out
	b := &Board{Org: o, Year: year, Closed: cur.closed}
	if !cur.closed && cur.set != nil {
		b.UpdatedAt = cur.set.at
	}
	for _, p := range s.reg.Programmes() {
		panel := Panel{Title: t(p)}
		for _, f := range figs {
			if f.Programme != p {
				continue
			}
			v, pv := now[f.Key][0], prev[f.Key][0]
			r := Row{Key: f.Key, Label: t(f.Label), Unit: f.Unit, Value: v, Prev: pv, Text: Format(f.Unit, v), PrevText: Format(f.Unit, pv),
				Change: Change(f.Unit, v, pv), Up: v > pv, Down: v < pv, Drill: DrillURL(f.Key, o.ID, year)}
			panel.Rows = append(panel.Rows, r)
		}
		b.Panels = append(b.Panels, panel)
	}
	return b, nil
}

// Change writes the difference from last year, with the percentage when last
// year was not zero.
func Change(u Unit, v, prev int64) string {
	d := v - prev
	sign := "+"
	if d < 0 {
		sign = ""
	}
	if d == 0 {
		return "0"
	}
	out := sign + Format(u, d)
	if prev != 0 {
		out += fmt.Sprintf(" (%s%.1f%%)", sign, float64(d)*100/float64(prev))
	}
	return out
}

// DashboardURL, DrillURL: the pages for an org and year.
func DashboardURL(org int64, year int) string {
	return "/console/dashboard?" + url.Values{"org": {strconv.FormatInt(org, 10)}, "year": {strconv.Itoa(year)}}.Encode()
}

func DrillURL(key string, org int64, year int) string {
	return "/console/dashboard/figure?" +
		url.Values{"key": {key}, "org": {strconv.FormatInt(org, 10)}, "year": {strconv.Itoa(year)}}.Encode()
}

// DrillRow is one child org's value of a figure.
type DrillRow struct {
	Org            Org
	Direct         bool // the org's own records, in no child
	Cell, PrevCell Cell
	Text, PrevText string
	Drill, List    string
}

// Drill is one figure for each child org of o.
type Drill struct {
	Figure      Figure
	Org         Org
	Year        int
	Rows        []DrillRow
	Total, Prev int64
	Monthly     []int64 // nil when the figure has no months
	PrevMonthly []int64
}

// DrillDown computes figure f for o and each of its children, this year and
// last, masking cells below k for a masked figure. The total is never masked.
func (s *Store) DrillDown(ctx context.Context, f Figure, o Org, year int) (*Drill, error) {
	kids, err := s.Children(ctx, o)
	if err != nil {
		return nil, err
	}
	orgs := append([]Org{o}, kids...)
	d := &Drill{Figure: f, Org: o, Year: year}
	cur, err := s.cells(ctx, f, orgs, year)
	if err != nil {
		return nil, err
	}
	prev, err := s.cells(ctx, f, orgs, year-1)
	if err != nil {
		return nil, err
	}
	d.Total, d.Prev = cur[0].Value, prev[0].Value
	for i, k := range kids {
		r := DrillRow{Org: k, Cell: cur[i+1], PrevCell: prev[i+1]}
		if k.Level != "grassroots" {
			r.Drill = DrillURL(f.Key, k.ID, year)
		}
		if f.List != nil {
			r.List = f.List(k, year)
		}
		d.Rows = append(d.Rows, r)
	}
	if direct := s.direct(f, cur); direct.Value != 0 || s.direct(f, prev).Value != 0 {
		d.Rows = append(d.Rows, DrillRow{Org: o, Direct: true, Cell: direct, PrevCell: s.direct(f, prev)})
	}
	for i := range d.Rows {
		d.Rows[i].Text, d.Rows[i].PrevText = s.CellText(f, d.Rows[i].Cell), s.CellText(f, d.Rows[i].PrevCell)
	}
	if f.Monthly != nil {
		if d.Monthly, err = s.monthly(ctx, f, o, year); err != nil {
			return nil, err
		}
		if d.PrevMonthly, err = s.monthly(ctx, f, o, year-1); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// cells computes f for orgs with its people counts, masked.
func (s *Store) cells(ctx context.Context, f Figure, orgs []Org, year int) ([]Cell, error) {
	vals, err := s.Values(ctx, year, orgs, []Figure{f})
	if err != nil {
		return nil, err
	}
	people := vals[f.Key]
	if f.Masked && f.People != nil && f.cellPath() != "" {
		set, err := s.cellsOf(ctx, CityOf(orgs[0].Path), year)
		if err != nil {
			return nil, err
		}
		people = make([]int64, len(orgs))
		for i, o := range orgs {
			people[i], _ = set.value(colName(f.Key, "p", 0), o.Path)
		}
	} else if f.Masked && f.People != nil {
		paths := make([]string, len(orgs))
		for i, o := range orgs {
			paths[i] = o.Path
		}
		if people, err = f.People(ctx, s.db, NewQuery(year, CityOf(orgs[0].Path), paths...)); err != nil {
			return nil, fmt.Errorf("dashboard: %s people: %w", f.Key, err)
		}
	}
	out := make([]Cell, len(orgs))
	for i, v := range vals[f.Key] {
		out[i] = MaskCell(f, v, people[i], s.k)
	}
	out[0].Masked = false // the total is always shown
	return out, nil
}

// monthly is f's 12 months for o's subtree: from the year's cells when they
// hold them, live otherwise.
func (s *Store) monthly(ctx context.Context, f Figure, o Org, year int) ([]int64, error) {
	if f.cellPath() != "" {
		set, err := s.cellsOf(ctx, CityOf(o.Path), year)
		if err != nil {
			return nil, err
		}
		out := make([]int64, 12)
		for m := range out {
			out[m], _ = set.value(colName(f.Key, "v", m+1), o.Path)
		}
		return out, nil
	}
	out, err := f.Monthly(ctx, s.db, NewQuery(year, CityOf(o.Path), o.Path))
	if err != nil {
		return nil, fmt.Errorf("dashboard: %s monthly: %w", f.Key, err)
	}
	return out, nil
}

// direct is the part of the total in no child: the org's own records. Its
// people are unknown here, so a masked figure hides any small remainder.
func (s *Store) direct(f Figure, cells []Cell) Cell {
	v := cells[0].Value
	for _, c := range cells[1:] {
		v -= c.Value
	}
	return Cell{Value: v, Masked: f.Masked && v > 0 && (f.People != nil || v < int64(s.k))}
}

// CellText is a cell as shown: "<k" when masked.
func (s *Store) CellText(f Figure, c Cell) string {
	if c.Masked {
		return "<" + strconv.Itoa(s.k)
	}
	return Format(f.Unit, c.Value)
}
