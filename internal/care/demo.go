package care

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
)

// demoArea is a district of the demo city: GCJ-02 centre, spread in degrees,
// how many stations it gets, and a few road names.
type demoArea struct {
	code     string
	lat, lng float64
	spread   float64
	n        int
	roads    string
}

var demoAreas = []demoArea{
	{"350102", 26.081, 119.296, 0.015, 7, "五四路 湖东路 杨桥中路 工业路 华林路 铜盘路 东街"},
	{"350103", 26.058, 119.314, 0.012, 6, "五一中路 八一七中路 宁化路 鳌峰路 江滨中大道 六一中路"},
	{"350104", 26.047, 119.273, 0.02, 5, "则徐大道 金山大道 建新北路 首山路 盖山路"},
	{"350111", 26.082, 119.328, 0.02, 5, "福马路 岳峰路 连江北路 秀峰路 鼓山大道"},
	{"350105", 25.990, 119.455, 0.02, 3, "江滨东大道 儒江西路 马江路"},
	{"350112", 25.962, 119.523, 0.03, 3, "吴航路 郑和中路 航城大道"},
	{"350121", 26.150, 119.131, 0.03, 3, "高新大道 乌龙江大道 科技东路"},
	{"350181", 25.720, 119.384, 0.03, 3, "清昌大道 福唐路 龙江路"},
	{"350122", 26.197, 119.539, 0.02, 2, "丹凤东路 江南大道"},
	{"350128", 25.498, 119.790, 0.02, 2, "麒麟路 金井湾大道"},
}

var demoKinds = []string{"职工驿站", "户外劳动者服务站", "爱心驿站", "新就业形态劳动者暖心驿站"}
var demoHosts = []string{"顺丰速运", "美团配送站", "饿了么站点", "中国邮政", "环卫所", "社区党群服务中心", "加油站", "银行网点"}

// SeedDemo registers about forty stations around the demo city's districts
// (keyed by area code) and a few weeks of visits by its workers; it does
// nothing when the city already has stations.
func SeedDemo(ctx context.Context, db *platform.DB, clock platform.Clock, city int64, districts map[string]int64) error {
	var have int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM care_stations WHERE city_id = ?`, city).Scan(&have); err != nil {
		return fmt.Errorf("care: demo: %w", err)
	}
	if have > 0 {
		return nil
	}
	ctx = platform.WithActor(ctx, platform.System("demo"))
	r := rand.New(rand.NewPCG(2026, 6))
	now := clock.Now().UTC()
	return db.InTx(ctx, func(tx *platform.Tx) error {
		n := 0
		for _, a := range demoAreas {
			org := districts[a.code]
			if org == 0 {
				continue
			}
			roads := strings.Fields(a.roads)
			for i := 0; i < a.n; i++ {
				if err := demoStation(ctx, tx, r, now, city, org, a, roads[i%len(roads)], n); err != nil {
					return err
				}
				n++
			}
		}
		if err := bumpGen(ctx, tx, city); err != nil {
			return err
		}
		if err := demoVisits(ctx, tx, r, now, city); err != nil {
			return err
		}
		if err := demoActivities(ctx, tx, now, city, districts); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "care.seed_demo", EntityType: "care_station",
			Summary: fmt.Sprintf("演示驿站 %d 个", n)})
	})
}

func demoStation(ctx context.Context, tx *platform.Tx, r *rand.Rand, now time.Time, city, org int64, a demoArea, road string, n int) error {
	host := demoHosts[r.IntN(len(demoHosts))]
	name := road + demoKinds[n%len(demoKinds)]
	pos := Point{a.lat + (r.Float64()-0.5)*a.spread, a.lng + (r.Float64()-0.5)*a.spread}
	if n == 0 { // one station at the heart of 鼓楼区, where the demo workers are
		pos = Point{a.lat, a.lng}
	}
	var w Week
	switch n % 3 {
	case 0:
		w = FullWeek()
	case 1:
		for d := range w {
			w[d] = []Span{{8 * 60, 20 * 60}}
		}
	default:
		for d := 0; d < 5; d++ {
			w[d] = []Span{{9 * 60, 12 * 60}, {14 * 60, 18 * 60}}
		}
		w[5] = []Span{{9 * 60, 17 * 60}}
	}
	fac := []string{}
	for _, f := range Facilities {
		if f == "water" || f == "charging" || f == "rest" || r.IntN(2) == 0 {
			fac = append(fac, f)
		}
	}
	svc := []string{}
	for _, sv := range Services {
		if r.IntN(3) == 0 {
			svc = append(svc, sv)
		}
	}
	_, err := tx.Exec(ctx, `INSERT INTO care_stations (city_id, org_id, name, host, address, lat_e6, lng_e6, hours, facilities,
		services, groups_served, contact, phone, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)`,
		city, org, name, host, road+fmt.Sprintf("%d号", 10+r.IntN(300)), e6(pos.Lat), e6(pos.Lng), encodeWeek(w),
		strings.Join(fac, ","), strings.Join(svc, ","), "courier,food_delivery,truck_driver,ride_hailing",
		"站长"+string([]rune("陈林黄张李王吴刘")[r.IntN(8)])+"师傅", fmt.Sprintf("0591-8%07d", r.IntN(10000000)), now, now)
	if err != nil {
		return fmt.Errorf("care: demo station: %w", err)
	}
	return nil
}

// demoVisits adds some check-ins (and a few ratings) over the last two weeks.
func demoVisits(ctx context.Context, tx *platform.Tx, r *rand.Rand, now time.Time, city int64) error {
	ids := func(q string, args ...any) ([]int64, error) { return platform.ScanIDs(tx.Query(ctx, q, args...)) }
	stations, err := ids(`SELECT id FROM care_stations WHERE city_id = ? ORDER BY id`, city)
	if err != nil {
		return err
	}
	workers, err := ids(`SELECT id FROM workers WHERE city_id = ? AND id_sealed <> '' ORDER BY id LIMIT 60`, city)
	if err != nil || len(stations) == 0 || len(workers) == 0 {
		return err
	}
	comments := []string{"热水很方便，谢谢！", "充电很快，休息区干净。", "空调有点冷。", "站长很热情。", ""}
	for i := 0; i < 150; i++ {
		at := now.Add(-time.Duration(r.IntN(14*24*60)) * time.Minute)
		local := at.In(platform.Shanghai)
		rating, comment := 0, ""
		var rated any
		if r.IntN(4) == 0 {
			rating, comment, rated = 3+r.IntN(3), comments[r.IntN(len(comments))], at.Add(10*time.Minute)
		}
		_, err := tx.Exec(ctx, `INSERT INTO care_visits (city_id, station_id, worker_id, group_code, day, hour, visited_at, rating, comment, rated_at)
			SELECT ?, ?, w.id, w.group_code, ?, ?, ?, ?, ?, ? FROM workers w WHERE w.id = ?
			ON CONFLICT (station_id, worker_id, day) DO NOTHING`,
			city, stations[r.IntN(len(stations))], local.Format("2006-01-02"), local.Hour(), at, rating, comment, rated,
			workers[r.IntN(len(workers))])
		if err != nil {
			return fmt.Errorf("care: demo visit: %w", err)
		}
	}
	return nil
}

// demoActivities publishes a few activities open for sign-up in 鼓楼区 and city-wide.
func demoActivities(ctx context.Context, tx *platform.Tx, now time.Time, city int64, districts map[string]int64) error {
	var root int64
	if err := tx.QueryRow(ctx, `SELECT id FROM orgs WHERE city_id = ? AND level = 'city'`, city).Scan(&root); err != nil {
		return fmt.Errorf("care: demo city org: %w", err)
	}
	list := []struct {
		org                  int64
		kind, title, desc    string
		sessions             []sessionInput
		members, minAge, max int
		weights              Weights
	}{
		{districts["350102"], "nye_dinner", "鼓楼区户外劳动者年夜饭", "除夕前请快递员、外卖骑手、环卫工人吃一顿团圆饭。",
			[]sessionInput{{"东街口场", 40}, {"五四路场", 30}}, 0, 0, 0, Weights{Hardship: 2, Model: 0, Frontline: 2}},
		{root, "wedding", "2027年“520”职工集体婚礼", "新人须为福州市在职职工，一方为工会会员即可，近一年内登记结婚。",
			[]sessionInput{{"集体婚礼", 50}}, 1, 20, 45, Weights{}},
		{root, "recuperation", "劳模与一线职工疗休养（武夷山）", "五天四晚，优先安排劳模和困难职工。",
			[]sessionInput{{"第一期", 20}, {"第二期", 20}}, 1, 0, 60, Weights{Hardship: 2, Model: 3, Frontline: 1}},
	}
	for _, a := range list {
		if a.org == 0 {
			continue
		}
		seed, hash := NewSeed()
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO care_activities (city_id, org_id, kind, title, description, opens_at, closes_at,
			confirm_days, members_only, min_age, max_age, weights, seed, seed_hash, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, 3, ?, ?, ?, ?, ?, ?, 'open', ?, ?) RETURNING id`, city, a.org, a.kind, a.title, a.desc,
			now.Add(-24*time.Hour), now.Add(10*24*time.Hour), a.members, a.minAge, a.max, a.weights.encode(), seed, hash, now, now).Scan(&id)
		if err != nil {
			return fmt.Errorf("care: demo activity: %w", err)
		}
		for _, se := range a.sessions {
			if _, err := tx.Exec(ctx, `INSERT INTO care_sessions (city_id, activity_id, name, quota) VALUES (?, ?, ?, ?)`,
				city, id, se.name, se.quota); err != nil {
				return fmt.Errorf("care: demo session: %w", err)
			}
		}
	}
	return nil
}
