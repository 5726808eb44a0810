package care

import (
	"context"

	"zhijia/internal/org"
	"zhijia/internal/photo"
	"zhijia/internal/platform"
)

// StationPhotoKind names a station's photos in package photo.
const StationPhotoKind = "care.station"

func stationOwner(st *Station) photo.Owner {
	return photo.Owner{Kind: StationPhotoKind, ID: st.ID, CityID: st.CityID, OrgID: st.OrgID, OrgPath: st.OrgPath}
}

// StationPhotoOwner is a station in the actor's subtree as package photo's
// owner, with the station itself; NotFound for anyone else.
func (s *Store) StationPhotoOwner(ctx context.Context, id int64) (photo.Owner, *Station, error) {
	st, err := s.Station(ctx, id)
	if err != nil {
		return photo.Owner{}, nil, err
	}
	return stationOwner(st), st, nil
}

// stationPhotos lists a station's photos; the caller has checked the actor may see it.
func (s *Store) stationPhotos(ctx context.Context, stationID int64) ([]photo.Photo, error) {
	return s.photos.List(ctx, StationPhotoKind, stationID)
}

// StationPhoto returns a station's photo for the actor to see: staff whose
// subtree holds the station, or a worker of the station's city while the
// station is open to them (active). Anyone else gets NotFound.
func (s *Store) StationPhoto(ctx context.Context, photoID int64) (*photo.Photo, error) {
	p, err := s.photos.Get(ctx, photoID)
	if err != nil {
		return nil, err
	}
	if p.OwnerKind != StationPhotoKind {
		return nil, platform.NotFound
	}
	if err := s.mayViewStation(ctx, p.OwnerID); err != nil {
		return nil, err
	}
	return p, nil
}

// mayViewStation is nil when the actor may see the station: staff whose
// subtree holds it, or a worker of its city (the top of their org path) while
// it is active. It reads the station only, not its closures.
func (s *Store) mayViewStation(ctx context.Context, stationID int64) error {
	a := platform.ActorFrom(ctx)
	if a == nil || (a.Kind != "staff" && (a.Kind != "worker" || a.WorkerID == 0)) {
		return platform.NotFound
	}
	st, err := loadStation(ctx, s.db, stationID)
	if err != nil {
		return err
	}
	if a.Kind == "staff" {
		if !a.Covers(st.OrgPath) {
			return platform.NotFound
		}
		return nil
	}
	if ids := org.PathIDs(a.OrgPath); len(ids) == 0 || st.CityID != ids[0] || st.Status != Active {
		return platform.NotFound
	}
	return nil
}

// WorkerStation is a station as the signed-in worker sees it: one of the
// active stations of their city (those the service circle lists).
func (s *Store) WorkerStation(ctx context.Context, id int64) (*Station, error) {
	city, err := s.WorkerCity(ctx)
	if err != nil {
		return nil, err
	}
	st, err := loadStation(ctx, s.db, id)
	if err != nil || st.CityID != city || st.Status != Active {
		return nil, platform.NotFound
	}
	if st.Closures, err = loadClosures(ctx, s.db, id); err != nil {
		return nil, err
	}
	return st, nil
}

// photoIDs lists, for each of the stations that has photos, their ids in
// upload order (the first is the cover the portal's cards show).
func (s *Store) photoIDs(ctx context.Context, ids []int64) (map[int64][]int64, error) {
	return s.photos.IDs(ctx, StationPhotoKind, ids)
}
