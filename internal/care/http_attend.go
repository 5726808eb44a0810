package care

import (
	"net/http"
	"strconv"

	qrcode "github.com/skip2/go-qrcode"

	"zhijia/internal/web"
)

type attendView struct {
	Act    *Activity
	ID     int64
	Token  string
	Signup *Signup
	Alert  string
}

// activityQR is the check-in code shown at the activity's door.
func (h *Handlers) activityQR(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	if _, err := h.store.Activity(c.R.Context(), id); err != nil {
		return err
	}
	png, err := qrcode.Encode(c.Server().Config.BaseURL+h.store.AttendPath(id), qrcode.Medium, 320)
	if err != nil {
		return err
	}
	c.W.Header().Set("Content-Type", "image/png")
	c.W.Header().Set("Cache-Control", "private, max-age=3600")
	_, err = c.W.Write(png)
	return err
}

// attendConfirm is what scanning the activity's code opens: one button.
func (h *Handlers) attendConfirm(c *web.Ctx) error {
	q := c.R.URL.Query()
	v := &attendView{Token: q.Get("t")}
	v.ID, _ = strconv.ParseInt(q.Get("a"), 10, 64)
	if v.ID <= 0 {
		http.Redirect(c.W, c.R, "/portal/services", http.StatusSeeOther)
		return nil
	}
	return c.RenderPage(http.StatusOK, "care/portal/attend", &web.Page{Title: c.T("care.attend.title"), Data: v})
}

func (h *Handlers) attend(c *web.Ctx) error {
	id := c.FormInt64("a")
	if id <= 0 {
		return c.Redirect("/portal/services", "")
	}
	v := &attendView{ID: id, Token: c.R.PostFormValue("t")}
	g, err := h.store.Attend(c.R.Context(), id, v.Token)
	if err != nil {
		status, alert, _, ok := refusal(c, err)
		if !ok {
			return err
		}
		v.Alert = alert
		return c.RenderPage(status, "care/portal/attend", &web.Page{Title: c.T("care.attend.title"), Data: v})
	}
	v.Signup = g
	return c.RenderPage(http.StatusOK, "care/portal/attend", &web.Page{Title: c.T("care.attend.title"), Data: v})
}

func (h *Handlers) apiAttend(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	var body struct {
		Token string `json:"token"`
	}
	if err := c.DecodeJSON(&body); err != nil {
		return err
	}
	g, err := h.store.Attend(c.R.Context(), id, body.Token)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, g)
}

// drawsExport is the activity's draws on record as a spreadsheet.
func (h *Handlers) drawsExport(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	ds, err := h.store.Draws(c.R.Context(), id)
	if err != nil {
		return err
	}
	head := []string{c.T("care.col.draw_seq"), c.T("care.col.drawn_at"), c.T("care.col.drawn_by"), c.T("care.col.entrants"),
		c.T("care.col.seed_hash"), c.T("care.col.seed"), c.T("care.field.redraw_reason")}
	out := make([][]any, 0, len(ds))
	for _, d := range ds {
		out = append(out, []any{d.Seq, d.DrawnAt, d.DrawnBy, d.Entrants, d.SeedHash, d.Seed, d.Reason})
	}
	return c.ExportXLSX(c.T("care.draws.title")+"-"+strconv.FormatInt(id, 10), head, out)
}

// attendanceExport lists the confirmed places and who came, as a spreadsheet.
func (h *Handlers) attendanceExport(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	rows, _, err := h.store.Attendance(c.R.Context(), id, web.ExportLimit, 0)
	if err != nil {
		return err
	}
	head := []string{c.T("care.col.worker"), c.T("care.col.session"), c.T("care.col.attended_at")}
	out := make([][]any, 0, len(rows))
	for _, g := range rows {
		var came any = c.T("care.attend.absent")
		if g.AttendedAt != nil {
			came = *g.AttendedAt
		}
		out = append(out, []any{g.WorkerName, g.Session, came})
	}
	return c.ExportXLSX(c.T("care.attendance.title")+"-"+strconv.FormatInt(id, 10), head, out)
}
