package care

import (
	"context"
	"fmt"
)

// Count is one bar of a visit figure.
type Count struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	N     int    `json:"n"`
}

// VisitStats counts visits to the subtree's stations in a day range, by
// station, by new-employment group and by hour of day (Asia/Shanghai).
type VisitStats struct {
	Total     int     `json:"total"`
	ByStation []Count `json:"by_station"`
	ByGroup   []Count `json:"by_group"`
	ByHour    [24]int `json:"by_hour"`
}

// Visits computes the visit figures of the actor's subtree.
func (s *Store) Visits(ctx context.Context, f VisitFilter) (*VisitStats, error) {
	a, err := staff(ctx)
	if err != nil {
		return nil, err
	}
	where, args := visitScope(a, f)
	from := ` FROM care_visits v JOIN care_stations s ON s.id = v.station_id JOIN orgs o ON o.id = s.org_id WHERE ` + where
	st := &VisitStats{}
	err = s.counts(ctx, `SELECT v.hour, '', COUNT(*)`+from+` GROUP BY v.hour`, args, func(c Count, hour int) {
		if hour >= 0 && hour < 24 {
			st.ByHour[hour] = c.N
		}
		st.Total += c.N
	})
	if err != nil {
		return nil, err
	}
	err = s.counts(ctx, `SELECT v.group_code, COALESCE(g.name_zh, ''), COUNT(*)`+
		` FROM care_visits v JOIN care_stations s ON s.id = v.station_id JOIN orgs o ON o.id = s.org_id
		LEFT JOIN new_employment_groups g ON g.code = v.group_code WHERE `+where+` GROUP BY v.group_code, g.name_zh ORDER BY COUNT(*) DESC, v.group_code`,
		args, func(c Count, _ int) { st.ByGroup = append(st.ByGroup, c) })
	if err != nil {
		return nil, err
	}
	err = s.counts(ctx, `SELECT v.station_id, s.name, COUNT(*)`+from+` GROUP BY v.station_id, s.name ORDER BY COUNT(*) DESC, v.station_id LIMIT 20`,
		args, func(c Count, _ int) { st.ByStation = append(st.ByStation, c) })
	return st, err
}

func (s *Store) counts(ctx context.Context, q string, args []any, add func(Count, int)) error {
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("care: visit counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c Count
		var key any
		if err := rows.Scan(&key, &c.Label, &c.N); err != nil {
			return err
		}
		n := 0
		switch k := key.(type) {
		case int64:
			n = int(k)
			c.Key = fmt.Sprint(k)
		case []byte:
			c.Key = string(k)
		case string:
			c.Key = k
		}
		add(c, n)
	}
	return rows.Err()
}
