package dashboard

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/xuri/excelize/v2"

	"zhijia/internal/platform"
	"zhijia/internal/web"
)

// export sends the dashboard as .xlsx (see BoardXLSX).
func (h *Handlers) export(c *web.Ctx) error {
	o, year, _, err := h.scope(c)
	if err != nil {
		return err
	}
	b, err := h.store.Board(c.R.Context(), o, year, c.T)
	if err != nil {
		return err
	}
	f, err := BoardXLSX(b, c.T)
	if err != nil {
		return err
	}
	defer f.Close()
	return sendXLSX(c, f, c.T("dashboard.title")+"-"+o.Name+"-"+fmt.Sprint(year))
}

// BoardXLSX lays a dashboard out as a workbook, one sheet per programme: each
// figure with this year, last year and the change. Money is in yuan as a number.
func BoardXLSX(b *Board, t func(string, ...any) string) (*excelize.File, error) {
	f := excelize.NewFile()
	head := []any{t("dashboard.col.figure"), t("dashboard.col.unit"), t("dashboard.year_n", b.Year), t("dashboard.year_n", b.Year-1), t("dashboard.col.change")}
	used := map[string]bool{}
	for i, p := range b.Panels {
		name := sheetName(p.Title, i, used)
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return nil, fmt.Errorf("dashboard: export: %w", err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return nil, fmt.Errorf("dashboard: export: %w", err)
		}
		rows := [][]any{{b.Org.Name, b.Year}, head}
		for _, r := range p.Rows {
			rows = append(rows, []any{r.Label, t("dashboard.unit." + string(r.Unit)), number(r.Unit, r.Value), number(r.Unit, r.Prev), number(r.Unit, r.Value-r.Prev)})
		}
		if err := writeRows(f, name, rows); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// exportDrill sends one figure by child org, masked cells as "<k".
func (h *Handlers) exportDrill(c *web.Ctx, d *Drill) error {
	fig := d.Figure
	f := excelize.NewFile()
	defer f.Close()
	label := c.T(fig.Label)
	rows := [][]any{{label, d.Org.Name, d.Year, c.T("dashboard.unit." + string(fig.Unit))},
		{c.T("dashboard.col.org"), c.T("dashboard.year_n", d.Year), c.T("dashboard.year_n", d.Year-1)}}
	cell := func(cl Cell) any {
		if cl.Masked {
			return h.store.CellText(fig, cl)
		}
		return number(fig.Unit, cl.Value)
	}
	for _, r := range d.Rows {
		name := r.Org.Name
		if r.Direct {
			name = c.T("dashboard.direct")
		}
		rows = append(rows, []any{name, cell(r.Cell), cell(r.PrevCell)})
	}
	rows = append(rows, []any{c.T("dashboard.total"), number(fig.Unit, d.Total), number(fig.Unit, d.Prev)})
	if err := writeRows(f, "Sheet1", rows); err != nil {
		return err
	}
	return sendXLSX(c, f, label+"-"+d.Org.Name+"-"+fmt.Sprint(d.Year))
}

// number is a cell value: yuan (a float with two decimals' worth) for fen.
func number(u Unit, v int64) any {
	if u == Fen {
		return float64(v) / 100
	}
	return v
}

func writeRows(f *excelize.File, sheet string, rows [][]any) error {
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			return fmt.Errorf("dashboard: export: %w", err)
		}
	}
	return nil
}

// sheetName makes a valid, unique sheet name (31 characters, no []:*?/\).
func sheetName(title string, i int, used map[string]bool) string {
	r := []rune(strings.NewReplacer("[", "", "]", "", ":", "", "*", "", "?", "", "/", "", "\\", "").Replace(title))
	if len(r) > 28 {
		r = r[:28]
	}
	name := string(r)
	if name == "" || used[name] {
		name = fmt.Sprintf("%s%d", name, i+1)
	}
	used[name] = true
	return name
}

func sendXLSX(c *web.Ctx, f *excelize.File, base string) error {
	name := base + "-" + c.Server().Clock.Now().In(platform.Shanghai).Format("20060102-1504") + ".xlsx"
	hd := c.W.Header()
	hd.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	hd.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	hd.Set("Cache-Control", "no-store")
	return f.Write(c.W)
}
