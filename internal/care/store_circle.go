package care

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"zhijia/internal/platform"
)

// CircleQuery is a worker's question: where am I (WGS-84, as a phone's
// geolocation gives it), how far will I walk, and what do I need.
type CircleQuery struct {
	CityID int64
	WGS    Point
	Radius float64
	Filter Filter
}

// Circle answers the service circle. The position is converted to GCJ-02
// before any distance is measured: stations are stored as map apps give them.
func (s *Store) Circle(ctx context.Context, q CircleQuery) (Circle, error) {
	ix, err := s.index(ctx, q.CityID)
	if err != nil {
		return Circle{}, err
	}
	if q.Radius <= 0 || q.Radius > MaxRadius {
		q.Radius = DefaultRadius
	}
	if q.Filter.At.IsZero() {
		q.Filter.At = s.clock.Now()
	}
	return ix.Query(WGSToGCJ(q.WGS), q.Radius, q.Filter), nil
}

// index returns the city's circle index, rebuilt when any instance has changed
// the city's stations since it was built (one indexed read per query).
func (s *Store) index(ctx context.Context, city int64) (*Index, error) {
	var gen int64
	err := s.db.QueryRow(ctx, `SELECT gen FROM care_station_gen WHERE city_id = ?`, city).Scan(&gen)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("care: index gen: %w", err)
	}
	s.mu.Lock()
	c := s.cache[city]
	s.mu.Unlock()
	if c != nil && c.gen == gen {
		return c.ix, nil
	}
	all, err := s.cityStations(ctx, city)
	if err != nil {
		return nil, err
	}
	ix := NewIndex(all)
	s.mu.Lock()
	s.cache[city] = &cachedIndex{gen: gen, ix: ix}
	s.mu.Unlock()
	return ix, nil
}

// cityStations loads a city's active stations with their closures still to come.
func (s *Store) cityStations(ctx context.Context, city int64) ([]*Station, error) {
	rows, err := s.db.Query(ctx, `SELECT `+stationCols+` FROM care_stations s JOIN orgs o ON o.id = s.org_id
		WHERE s.city_id = ? AND s.status = 'active'`, city)
	if err != nil {
		return nil, fmt.Errorf("care: city stations: %w", err)
	}
	defer rows.Close()
	byID := map[int64]*Station{}
	var out []*Station
	for rows.Next() {
		st, err := scanStation(rows)
		if err != nil {
			return nil, err
		}
		byID[st.ID] = st
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	yesterday := s.clock.Now().In(platform.Shanghai).Add(-24 * time.Hour).Format("2006-01-02")
	crows, err := s.db.Query(ctx, `SELECT id, station_id, from_day, to_day, reason FROM care_station_closures
		WHERE city_id = ? AND to_day >= ? AND removed_at IS NULL`, city, yesterday)
	if err != nil {
		return nil, fmt.Errorf("care: city closures: %w", err)
	}
	defer crows.Close()
	for crows.Next() {
		var c Closure
		var sid int64
		if err := crows.Scan(&c.ID, &sid, &c.From, &c.To, &c.Reason); err != nil {
			return nil, err
		}
		if st := byID[sid]; st != nil {
			st.Closures = append(st.Closures, c)
		}
	}
	return out, crows.Err()
}

// WorkerCity is the city of the signed-in worker, for their circle.
func (s *Store) WorkerCity(ctx context.Context) (int64, error) {
	a := platform.ActorFrom(ctx)
	if a == nil || a.Kind != "worker" || a.WorkerID == 0 {
		return 0, platform.NotFound
	}
	var city int64
	err := s.db.QueryRow(ctx, `SELECT city_id FROM workers WHERE id = ?`, a.WorkerID).Scan(&city)
	if err != nil {
		return 0, platform.NotFound
	}
	return city, nil
}

// District is a district a worker may pick as a starting point; Centre is
// the mean position (GCJ-02) of its active stations.
type District struct {
	ID        int64
	Name      string
	Centre    Point
	HasCentre bool
}

// Districts lists the city's districts with the centre of their stations.
func (s *Store) Districts(ctx context.Context, city int64) ([]District, error) {
	rows, byPath, err := s.districtRows(ctx, city)
	if err != nil {
		return nil, err
	}
	ix, err := s.index(ctx, city)
	if err != nil {
		return nil, err
	}
	sums := map[int64]*[3]float64{}
	for _, st := range ix.all {
		if d := byPath[districtPath(st.OrgPath)]; d != nil {
			if sums[d.OrgID] == nil {
				sums[d.OrgID] = &[3]float64{}
			}
			sm := sums[d.OrgID]
			sm[0], sm[1], sm[2] = sm[0]+st.Pos.Lat, sm[1]+st.Pos.Lng, sm[2]+1
		}
	}
	var out []District
	for _, d := range rows {
		sm := sums[d.OrgID]
		if sm == nil {
			continue
		}
		out = append(out, District{ID: d.OrgID, Name: d.Name, Centre: Point{sm[0] / sm[2], sm[1] / sm[2]}, HasCentre: true})
	}
	return out, nil
}

// StationForCheckin is the station a QR code names, for the worker to confirm.
func (s *Store) StationForCheckin(ctx context.Context, id int64, token string) (*Station, error) {
	if _, err := workerActor(ctx); err != nil {
		return nil, err
	}
	if !s.signer.valid(id, token) {
		return nil, platform.Errorf(platform.CodeInvalid, "care.err.qr")
	}
	st, err := loadStation(ctx, s.db, id)
	if err != nil {
		return nil, platform.Errorf(platform.CodeInvalid, "care.err.qr")
	}
	if st.Status != Active {
		return nil, platform.Errorf(platform.CodeConflict, "care.err.station_closed")
	}
	return st, nil
}
