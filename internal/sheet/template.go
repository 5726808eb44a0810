package sheet

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// choicesSheet holds long drop-down lists (Excel limits an inline list to 255 characters).
const choicesSheet = "选项"

// WriteTemplate writes the import template for spec: a data sheet with the Chinese
// headers (required ones marked * and red, a comment with the hint on each), Text
// columns formatted as text so Excel keeps id numbers intact, drop-down lists for
// Choices columns and a frozen header row, then a 填写说明 sheet.
func WriteTemplate(w io.Writer, spec Spec) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := sheetName(spec.Name)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("sheet: template: %w", err)
	}
	st, err := newTemplateStyles(f)
	if err != nil {
		return err
	}
	for i, c := range spec.Columns {
		if err := templateColumn(f, sheet, i+1, c, st); err != nil {
			return fmt.Errorf("sheet: template column %s: %w", c.Header, err)
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("sheet: template panes: %w", err)
	}
	if err := writeGuide(f, spec); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	if err := f.Write(w); err != nil {
		return fmt.Errorf("sheet: write template: %w", err)
	}
	return nil
}

type templateStyles struct{ header, required, text int }

func newTemplateStyles(f *excelize.File) (templateStyles, error) {
	var st templateStyles
	var err error
	fill := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}}
	if st.header, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: fill}); err != nil {
		return st, fmt.Errorf("sheet: template style: %w", err)
	}
	if st.required, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "C00000"}, Fill: fill}); err != nil {
		return st, fmt.Errorf("sheet: template style: %w", err)
	}
	if st.text, err = f.NewStyle(&excelize.Style{NumFmt: 49}); err != nil { // 49 is "@", text
		return st, fmt.Errorf("sheet: template style: %w", err)
	}
	return st, nil
}

// templateColumn writes one header cell and the column's format, list and hint.
func templateColumn(f *excelize.File, sheet string, col int, c Column, st templateStyles) error {
	name, _ := excelize.ColumnNumberToName(col)
	cell := name + "1"
	header, style := c.Header, st.header
	if c.Required {
		header, style = c.Header+"*", st.required
	}
	if err := f.SetColWidth(sheet, name, name, float64(max(12, 2*len([]rune(c.Header))+6))); err != nil {
		return err
	}
	if c.Text {
		if err := f.SetColStyle(sheet, name, st.text); err != nil {
			return err
		}
	}
	if err := f.SetCellStr(sheet, cell, header); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, cell, cell, style); err != nil {
		return err
	}
	if len(c.Choices) > 0 {
		if err := dropDown(f, sheet, name, c); err != nil {
			return err
		}
	}
	if hint := columnHint(c); hint != "" {
		return f.AddComment(sheet, excelize.Comment{Cell: cell, Author: "zhijia", Paragraph: []excelize.RichTextRun{{Text: hint}}})
	}
	return nil
}

// dropDown restricts a column to its choices, inline or from the hidden 选项 sheet.
func dropDown(f *excelize.File, sheet, col string, c Column) error {
	dv := excelize.NewDataValidation(true)
	dv.Sqref = fmt.Sprintf("%s2:%s%d", col, col, excelize.TotalRows)
	if len(strings.Join(c.Choices, ",")) <= 250 && !strings.Contains(strings.Join(c.Choices, ""), ",") {
		if err := dv.SetDropList(c.Choices); err != nil {
			return err
		}
	} else {
		ref, err := listOnChoicesSheet(f, c)
		if err != nil {
			return err
		}
		dv.SetSqrefDropList(ref)
	}
	dv.SetError(excelize.DataValidationErrorStyleStop, zh("sheet.template.pick_title"), zh("sheet.template.pick"))
	return f.AddDataValidation(sheet, dv)
}

// listOnChoicesSheet writes the choices into a column of the hidden 选项 sheet and
// returns the range a drop-down refers to.
func listOnChoicesSheet(f *excelize.File, c Column) (string, error) {
	idx, err := f.GetSheetIndex(choicesSheet)
	if err != nil {
		return "", err
	}
	if idx < 0 {
		if _, err := f.NewSheet(choicesSheet); err != nil {
			return "", err
		}
		if err := f.SetSheetVisible(choicesSheet, false); err != nil {
			return "", err
		}
	}
	cols, err := f.GetCols(choicesSheet)
	if err != nil {
		return "", err
	}
	name, _ := excelize.ColumnNumberToName(len(cols) + 1)
	for i, v := range c.Choices {
		if err := f.SetCellStr(choicesSheet, fmt.Sprintf("%s%d", name, i+1), v); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("%s!$%s$1:$%s$%d", choicesSheet, name, name, len(c.Choices)), nil
}

// columnHint is the comment on a header: required or not, text format, hint, choices.
func columnHint(c Column) string {
	var parts []string
	if c.Hint != "" {
		parts = append(parts, c.Hint)
	}
	if c.Text {
		parts = append(parts, zh("sheet.template.text"))
	}
	if len(c.Choices) > 0 {
		parts = append(parts, zh("sheet.template.pick"))
	}
	return strings.Join(parts, "\n")
}

// writeGuide adds the 填写说明 sheet: one line per column.
func writeGuide(f *excelize.File, spec Spec) error {
	guide := zh("sheet.template.guide")
	if _, err := f.NewSheet(guide); err != nil {
		return fmt.Errorf("sheet: template guide: %w", err)
	}
	rows := [][]any{
		{zh("sheet.template.intro")},
		{zh("sheet.template.column"), zh("sheet.template.required"), zh("sheet.template.hint"), zh("sheet.template.choices")},
	}
	for _, c := range spec.Columns {
		req := zh("sheet.template.optional")
		if c.Required {
			req = zh("sheet.template.required")
		}
		rows = append(rows, []any{c.Header, req, columnHint(c), strings.Join(c.Choices, "、")})
	}
	for i, r := range rows {
		if err := f.SetSheetRow(guide, fmt.Sprintf("A%d", i+1), &r); err != nil {
			return fmt.Errorf("sheet: template guide: %w", err)
		}
	}
	_ = f.SetColWidth(guide, "A", "B", 14)
	_ = f.SetColWidth(guide, "C", "D", 40)
	return nil
}

// sheetName makes a valid worksheet name (≤ 31 characters, none of []:*?/\).
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, strings.TrimSpace(s))
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	if s == "" {
		return "Sheet1"
	}
	return s
}
