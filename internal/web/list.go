package web

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"zhijia/internal/platform"
)

// ExportLimit caps one Excel export.
const ExportLimit = 100_000

// ListQuery is the state of a list page: filters, sort and page, read from the URL
// so every list is bookmarkable and its export runs the same filter.
type ListQuery struct {
	Values url.Values
	Q      string
	Sort   string
	Desc   bool
	Page   int
	Size   int
	Export bool
}

// ParseList reads a list's query; sort must be one of sorts (the first is the default).
func (c *Ctx) ParseList(sorts ...string) ListQuery {
	v := c.R.URL.Query()
	q := ListQuery{Values: v, Q: strings.TrimSpace(v.Get("q")), Sort: v.Get("sort"), Desc: v.Get("dir") == "desc"}
	if len(sorts) > 0 && !slices.Contains(sorts, q.Sort) {
		q.Sort = sorts[0]
	}
	q.Page, _ = strconv.Atoi(v.Get("page"))
	if q.Page < 1 {
		q.Page = 1
	}
	q.Size, _ = strconv.Atoi(v.Get("size"))
	if q.Size < 1 || q.Size > 200 {
		q.Size = 20
	}
	q.Export = v.Get("export") == "xlsx"
	return q
}

// Limit and Offset for SQL; an export takes every row up to ExportLimit.
func (q ListQuery) Limit() int {
	if q.Export {
		return ExportLimit
	}
	return q.Size
}

func (q ListQuery) Offset() int {
	if q.Export {
		return 0
	}
	return (q.Page - 1) * q.Size
}

// Get returns one filter value, trimmed.
func (q ListQuery) Get(name string) string { return strings.TrimSpace(q.Values.Get(name)) }

// Pager is the pagination bar under a list.
type Pager struct {
	Total, Page, Pages, Size int
	Prev, Next               string
	Links                    []PageLink
	ExportURL                string
}

// PageLink is one numbered page.
type PageLink struct {
	N       int
	Href    string
	Current bool
	Gap     bool
}

// Pager builds the pagination bar for total rows.
func (q ListQuery) Pager(path string, total int) Pager {
	pages := (total + q.Size - 1) / q.Size
	if pages < 1 {
		pages = 1
	}
	p := Pager{Total: total, Page: q.Page, Pages: pages, Size: q.Size, ExportURL: q.url(path, "export", "xlsx")}
	if q.Page > 1 {
		p.Prev = q.url(path, "page", strconv.Itoa(q.Page-1))
	}
	if q.Page < pages {
		p.Next = q.url(path, "page", strconv.Itoa(q.Page+1))
	}
	last := 0
	for n := 1; n <= pages; n++ {
		if n == 1 || n == pages || (n >= q.Page-2 && n <= q.Page+2) {
			if last != 0 && n != last+1 {
				p.Links = append(p.Links, PageLink{Gap: true})
			}
			p.Links = append(p.Links, PageLink{N: n, Href: q.url(path, "page", strconv.Itoa(n)), Current: n == q.Page})
			last = n
		}
	}
	return p
}

// SortURL is the link a column heading points to: same filter, sort by col,
// flipping the direction when it is already the sort.
func (q ListQuery) SortURL(path, col string) string {
	v := cloneValues(q.Values)
	v.Set("sort", col)
	v.Del("page")
	if q.Sort == col && !q.Desc {
		v.Set("dir", "desc")
	} else {
		v.Del("dir")
	}
	return path + "?" + v.Encode()
}

func (q ListQuery) url(path, key, val string) string {
	v := cloneValues(q.Values)
	v.Del("export")
	v.Set(key, val)
	return path + "?" + v.Encode()
}

func cloneValues(in url.Values) url.Values {
	out := url.Values{}
	for k, vs := range in {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// ExportXLSX sends rows as an .xlsx workbook with headers in the user's language.
func (c *Ctx) ExportXLSX(filename string, headers []string, rows [][]any) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Sheet1"
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("web: export: %w", err)
	}
	head := make([]any, len(headers))
	for i, h := range headers {
		head[i] = excelize.Cell{Value: h}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return fmt.Errorf("web: export: %w", err)
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		vals := make([]any, len(row))
		for j, v := range row {
			if t, ok := v.(time.Time); ok {
				v = t.In(platform.Shanghai).Format("2006-01-02 15:04:05")
			}
			vals[j] = v
		}
		if err := sw.SetRow(cell, vals); err != nil {
			return fmt.Errorf("web: export: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("web: export: %w", err)
	}
	name := filename + "-" + c.s.Clock.Now().In(platform.Shanghai).Format("20060102-1504") + ".xlsx"
	h := c.W.Header()
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	h.Set("Cache-Control", "no-store")
	return f.Write(c.W)
}

// DayRange reads two date fields (days in Asia/Shanghai, "2006-01-02") as a
// half-open UTC range [from, to+1 day). Wrong dates come back as field messages.
func (q ListQuery) DayRange(fromName, toName string) (from, to time.Time, errs map[string]string) {
	errs = map[string]string{}
	day := func(name string) time.Time {
		s := q.Get(name)
		if s == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation("2006-01-02", s, platform.Shanghai)
		if err != nil {
			errs[name] = "list.err.date"
		}
		return t
	}
	from = day(fromName)
	if t := day(toName); !t.IsZero() {
		to = t.AddDate(0, 0, 1)
	}
	if !from.IsZero() && !to.IsZero() && !from.Before(to) {
		errs[toName] = "list.err.date_range"
	}
	return from.UTC(), to.UTC(), errs
}
