package learning

import (
	"errors"
	"net/http"
	"strconv"

	"zhijia/internal/photo"
	"zhijia/internal/platform"
	"zhijia/internal/web"
)

// Event photos: staff of the organiser's subtree add and remove them on the
// event page, which shows them (?photo=N serves one, as ?export=xlsx exports
// the attendance); the portal's event page shows them to workers of the
// audience. Access is checked here before package photo is asked.

const portalEventPath = "/portal/learning/event"

func (h *Handlers) eventPhotoAdd(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	o, err := h.store.EventPhotoOwner(c.R.Context(), id)
	if err != nil {
		return err
	}
	name, body := photo.Upload(c.R)
	defer body.Close()
	_, err = h.photos.Add(c.R.Context(), o, name, body)
	if err != nil {
		status, alert, fields, ok := refusal(c, err)
		if !ok {
			return err
		}
		if m := fields["photo"]; m != "" {
			alert = m
		}
		return h.renderEvent(c, status, id, &eventView{Alert: alert, Errors: fields})
	}
	return c.Redirect(eventURL(id)+"#photos", "photo.added")
}

// eventPhotoRemove removes one photo; one already gone (a second click) is
// said so on the event page.
func (h *Handlers) eventPhotoRemove(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	o, err := h.store.EventPhotoOwner(c.R.Context(), id)
	if err != nil {
		return err
	}
	err = h.photos.Remove(c.R.Context(), c.FormInt64("photo"), o)
	if errors.Is(err, platform.NotFound) {
		return c.Redirect(eventURL(id)+"#photos", "learning.flash.photo_gone")
	}
	if err != nil {
		return err
	}
	return c.Redirect(eventURL(id)+"#photos", "photo.removed")
}

// servePhoto writes a photo of the event, whose access the caller checked.
func (h *Handlers) servePhoto(c *web.Ctx, eventID int64, raw string) error {
	pid, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || pid <= 0 {
		return platform.NotFound
	}
	p, err := h.photos.Get(c.R.Context(), pid)
	if err != nil {
		return err
	}
	if p.OwnerKind != PhotoKind || p.OwnerID != eventID {
		return platform.NotFound
	}
	h.photos.Serve(c.W, c.R, p)
	return nil
}

type myEventView struct {
	E      *MyEvent
	Photos []photo.Photo
}

// myEvent is the portal's event page (?id=N): what it is and, afterwards, its
// summary and photos (?id=N&photo=P serves one). An event outside the worker's
// audience is not found: back to the list with a word.
func (h *Handlers) myEvent(c *web.Ctx) error {
	q := c.R.URL.Query()
	id, _ := strconv.ParseInt(q.Get("id"), 10, 64)
	e, err := h.store.MyEvent(c.R.Context(), id)
	if errors.Is(err, platform.NotFound) {
		return c.Redirect(portalEventsPath, "learning.flash.no_event")
	}
	if err != nil {
		return err
	}
	if pid := q.Get("photo"); pid != "" {
		return h.servePhoto(c, id, pid)
	}
	v := &myEventView{E: e}
	if v.Photos, err = h.photos.List(c.R.Context(), PhotoKind, id); err != nil {
		return err
	}
	return c.RenderPage(http.StatusOK, "learning/portal/event", &web.Page{Title: e.Title, Data: v})
}
