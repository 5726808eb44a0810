package sheet

import (
	"hash/fnv"
	"slices"
)

// DupTracker finds values that occur twice in one file (an id number, a phone), so
// that every row sharing the value is refused and names the others. Keys are kept as
// 128-bit hashes: a million keys take tens of megabytes, not hundreds.
type DupTracker struct {
	first  map[[16]byte]int
	others map[int][]int // line → the other lines with the same key
}

// NewDupTracker returns an empty tracker.
func NewDupTracker() *DupTracker {
	return &DupTracker{first: make(map[[16]byte]int), others: make(map[int][]int)}
}

// Add records key at line and returns the line where it first appeared, or 0 if it
// is new. Blank keys are ignored. When it returns a line, both rows are duplicates:
// refuse this one now, and the earlier one too (Lines lists every row involved).
func (d *DupTracker) Add(key string, line int) int {
	if key == "" {
		return 0
	}
	h := fnv.New128a()
	h.Write([]byte(key))
	var k [16]byte
	h.Sum(k[:0])
	first, seen := d.first[k]
	if !seen {
		d.first[k] = line
		return 0
	}
	group := append([]int{first}, d.others[first]...)
	for _, l := range group {
		d.others[l] = append(d.others[l], line)
	}
	d.others[line] = group
	return first
}

// Others returns the other rows holding the same key as line, in order.
func (d *DupTracker) Others(line int) []int {
	o := slices.Clone(d.others[line])
	slices.Sort(o)
	return o
}

// Reason is the report text for line, "与第 2、9 行重复…", or "" when it is unique.
func (d *DupTracker) Reason(line int) string {
	o := d.Others(line)
	if len(o) == 0 {
		return ""
	}
	return zh("sheet.row.duplicate", joinLines(o))
}

// Lines lists every row that shares its key with another, in order.
func (d *DupTracker) Lines() []int {
	lines := make([]int, 0, len(d.others))
	for l := range d.others {
		lines = append(lines, l)
	}
	slices.Sort(lines)
	return lines
}

// FillRaw fills in the original cells of refused rows that have none, reading a
// freshly opened Reader of the same upload: the first row of a duplicate pair is
// only refused once the second turns up, when its cells are long gone, and keeping
// every row's cells for that would cost hundreds of megabytes on a large file.
func FillRaw(rd *Reader, errs []RowError) error {
	want := map[int][]int{}
	for i, e := range errs {
		if e.Raw == nil {
			want[e.Line] = append(want[e.Line], i)
		}
	}
	for row, err := range rd.All() {
		if len(want) == 0 {
			break
		}
		if err != nil {
			return err
		}
		for _, i := range want[row.Line] {
			errs[i].Raw = row.Raw
		}
		delete(want, row.Line)
	}
	return nil
}
