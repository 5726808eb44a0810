package learning

import (
	"context"
	"strings"

	"zhijia/internal/photo"
	"zhijia/internal/platform"
)

// PhotoKind names event photos in package photo.
const PhotoKind = "learning.event"

// EventPhotoOwner is an event as package photo's owner, for staff of the
// organiser's subtree (the ones who may change it); NotFound for anyone else.
func (s *Store) EventPhotoOwner(ctx context.Context, id int64) (photo.Owner, error) {
	a, err := staffActor(ctx)
	if err != nil {
		return photo.Owner{}, err
	}
	e, path, err := s.event(ctx, s.db, id)
	if err != nil || !a.Covers(path) {
		return photo.Owner{}, platform.NotFound
	}
	return photo.Owner{Kind: PhotoKind, ID: e.ID, CityID: e.CityID, OrgID: e.OrgID, OrgPath: path}, nil
}

// MyEvent returns one event whose audience includes the signed-in worker's
// union, with their own standing; NotFound for any other event.
func (s *Store) MyEvent(ctx context.Context, id int64) (*MyEvent, error) {
	w, err := workerActor(ctx)
	if err != nil {
		return nil, err
	}
	wk := workerOf(w)
	var signed, checked int
	e, err := scanEvent(s.db.QueryRow(ctx, `SELECT `+eventCols+`,
		(SELECT COUNT(*) FROM learning_signups g WHERE g.event_id = e.id AND g.worker_id = ?),
		(SELECT COUNT(*) FROM learning_checkins k WHERE k.event_id = e.id AND k.worker_id = ?)`+eventFrom+` WHERE e.id = ?`,
		wk.id, wk.id, id), &signed, &checked)
	if err != nil || !strings.HasPrefix(wk.path, e.AudiencePath) {
		return nil, platform.NotFound
	}
	return &MyEvent{Event: e, SignedUp: signed > 0, CheckedIn: checked > 0}, nil
}
