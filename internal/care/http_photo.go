package care

import (
	"errors"
	"net/http"

	"zhijia/internal/photo"
	"zhijia/internal/platform"
	"zhijia/internal/web"
)

// photoAdd stores a photo posted on the station page (multipart, field
// "photo"); a refused file re-renders the page with the reason on the field.
func (h *Handlers) photoAdd(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	ctx := c.R.Context()
	owner, st, err := h.store.StationPhotoOwner(ctx, id) // scope before reading the upload
	if err != nil {
		return err
	}
	if err := h.uploadPhoto(c, owner); err != nil {
		status, alert, fields, ok := refusal(c, err)
		if !ok {
			return err
		}
		return h.renderStation(c, status, &stationView{Station: st, Alert: alert, Errors: fields})
	}
	return c.Redirect(stationURL(id)+"#photos", "photo.added")
}

// uploadPhoto passes the posted file on (photo.Upload).
func (h *Handlers) uploadPhoto(c *web.Ctx, owner photo.Owner) error {
	name, body := photo.Upload(c.R)
	defer body.Close()
	_, err := h.store.photos.Add(c.R.Context(), owner, name, body)
	return err
}

// photoRemove removes one of the station's photos (form field photo_id); a
// photo already gone leaves nothing to do.
func (h *Handlers) photoRemove(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	ctx := c.R.Context()
	owner, _, err := h.store.StationPhotoOwner(ctx, id)
	if err != nil {
		return err
	}
	flash := ""
	if pid := c.FormInt64("photo_id"); pid > 0 {
		err := h.store.photos.Remove(ctx, pid, owner)
		if err != nil && !errors.Is(err, platform.NotFound) {
			return err
		}
		if err == nil {
			flash = "photo.removed"
		}
	}
	return c.Redirect(stationURL(id)+"#photos", flash)
}

// consolePhoto serves a photo of a station in the staff member's subtree.
func (h *Handlers) consolePhoto(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	return h.servePhoto(c, id)
}

// portalPhoto serves a photo of a station the worker may see (?id=); without
// an id, the services tab.
func (h *Handlers) portalPhoto(c *web.Ctx) error {
	id := c.FormInt64("id")
	if id <= 0 {
		http.Redirect(c.W, c.R, "/portal/services", http.StatusSeeOther)
		return nil
	}
	return h.servePhoto(c, id)
}

func (h *Handlers) servePhoto(c *web.Ctx, id int64) error {
	p, err := h.store.StationPhoto(c.R.Context(), id)
	if err != nil {
		return err
	}
	h.store.photos.Serve(c.W, c.R, p)
	return nil
}

type portalStationView struct {
	Station *Station
	Open    bool
	Days    [7]string
	Links   mapLinks
	Photos  []photo.Photo
}

// Weekdays are the catalogue keys of the days, Monday first.
func (v *portalStationView) Weekdays() []string { return weekdayKeys }

// portalStation is a station's page on the portal (?id=): what the card
// shows, with its opening hours and photos.
func (h *Handlers) portalStation(c *web.Ctx) error {
	id := c.FormInt64("id")
	if id <= 0 {
		http.Redirect(c.W, c.R, "/portal/services", http.StatusSeeOther)
		return nil
	}
	ctx := c.R.Context()
	st, err := h.store.WorkerStation(ctx, id)
	if err != nil {
		return err
	}
	v := &portalStationView{Station: st, Open: OpenAt(st.Hours, st.Closures, h.store.clock.Now()), Links: linksFor(st)}
	for i, d := range st.Hours {
		v.Days[i] = FormatDay(d)
	}
	if v.Photos, err = h.store.stationPhotos(ctx, id); err != nil {
		return err
	}
	return c.RenderPage(http.StatusOK, "care/portal/station", &web.Page{Title: st.Name, Data: v})
}
