package org

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
)

// Demo holds handy ids of the demo tree, for tests, screenshots and the demo command.
type Demo struct {
	City       int64
	CityPath   string
	Districts  map[string]int64 // by area code, e.g. "350102" → 鼓楼区总工会
	Industries []int64          // in the order they were created
	Gulou      int64            // a grassroots union in 鼓楼区 (0 if none were seeded)
	Taijiang   int64            // a grassroots union in 台江区
	Group      int64            // a union group under the first grassroots unions
	Grassroots int              // grassroots unions in the tree
}

type demoDistrict struct {
	name, code, short string
	lng, lat, spread  float64
	weight            int
	roads             string
}

// demoDistricts are Fuzhou's 13 county-level areas with GCJ-02 centres and a
// weight for how many grassroots unions each gets.
var demoDistricts = []demoDistrict{
	{"鼓楼区", "350102", "福州", 119.296, 26.081, 0.02, 14, "五四路 湖东路 杨桥中路 工业路 华林路 铜盘路 东街"},
	{"台江区", "350103", "福州", 119.314, 26.058, 0.015, 9, "五一中路 八一七中路 宁化路 鳌峰路 江滨中大道 六一中路"},
	{"仓山区", "350104", "福州", 119.273, 26.047, 0.03, 12, "则徐大道 金山大道 建新北路 首山路 南江滨西大道 盖山路"},
	{"马尾区", "350105", "福州", 119.455, 25.990, 0.03, 7, "江滨东大道 儒江西路 马江路 君竹路 快安大道"},
	{"晋安区", "350111", "福州", 119.328, 26.082, 0.03, 10, "福马路 岳峰路 连江北路 秀峰路 晋连路 鼓山大道"},
	{"长乐区", "350112", "长乐", 119.523, 25.962, 0.05, 8, "吴航路 郑和中路 会堂路 航城大道 首占路"},
	{"闽侯县", "350121", "闽侯", 119.131, 26.150, 0.06, 9, "高新大道 乌龙江大道 科技东路 溪源宫路 甘洪路"},
	{"连江县", "350122", "连江", 119.539, 26.197, 0.05, 5, "丹凤东路 江南大道 玉泉路 通港路"},
	{"罗源县", "350123", "罗源", 119.549, 26.490, 0.04, 3, "西兰大道 滨湖路 凤山路"},
	{"闽清县", "350124", "闽清", 118.864, 26.221, 0.04, 3, "梅溪路 台山路 梅城大道"},
	{"永泰县", "350125", "永泰", 118.932, 25.866, 0.04, 3, "樟城路 城峰大道 环城路"},
	{"平潭县", "350128", "平潭", 119.790, 25.498, 0.05, 3, "麒麟路 金井湾大道 北厝路 西航路"},
	{"福清市", "350181", "福清", 119.384, 25.720, 0.06, 14, "清昌大道 福唐路 龙江路 元洪路 融侨大道"},
}

// demoIndustries are the industry unions under the city. Each pattern makes an
// employer name from a brand; the prefix before ":" is its credit code's kind
// (91 company, 12 public institution, 31 law firm).
var demoIndustries = []struct{ name, patterns string }{
	{"福州市教育工会", "12:福州市%s中学 12:福州%s小学 12:福州市%s幼儿园 12:福州%s职业技术学校"},
	{"福州市卫生健康工会", "12:福州%s医院 12:福州市%s社区卫生服务中心 91:福州%s口腔门诊有限公司"},
	{"福州市建设工会", "91:福建%s建设工程有限公司 91:福州%s建筑工程有限公司 91:福建%s路桥有限公司"},
	{"福州市纺织工会", "91:福建%s纺织有限公司 91:福州%s化纤有限公司 91:福州%s服饰有限公司"},
	{"福州市电子信息工会", "91:福州%s电子有限公司 91:福建%s信息技术有限公司 91:福州%s光电科技有限公司"},
	{"福州市机械冶金工会", "91:福州%s机械有限公司 91:福建%s重工有限公司 91:福州%s精密制造有限公司"},
	{"福州市交通运输工会", "91:福州%s运输有限公司 91:福州%s物流有限公司 91:福州%s客运有限公司"},
	{"福州市金融工会", "91:福州%s投资有限公司 91:福建%s融资担保有限公司"},
	{"福州市商贸工会", "91:福州%s商贸有限公司 91:福州%s超市有限公司 91:福州%s百货有限公司"},
	{"福州市邮政工会", "91:福州%s快递服务有限公司 91:福州%s速递有限公司"},
	{"福州市能源化工工会", "91:福建%s化工有限公司 91:福州%s燃气有限公司 91:福州%s新能源有限公司"},
	{"福州市食品轻工工会", "91:福州%s食品有限公司 91:福建%s茶业有限公司 91:福州%s轻工制品有限公司"},
	{"福州市旅游工会", "91:福州%s酒店管理有限公司 91:福州%s旅行社有限公司"},
	{"福州市农林水利工会", "91:福州%s农业发展有限公司 91:福州%s林业有限公司 91:福州%s水产有限公司"},
	{"福州市国资委工会", "91:福州%s集团有限公司 91:福州%s发展有限公司"},
	{"福州市直机关工会", "12:福州市%s事务中心 12:福州市%s服务中心"},
	{"福州市民营企业工会", "91:福州%s实业有限公司 91:福建%s控股有限公司"},
	{"福州市新就业形态劳动者工会", "91:福州%s网络科技有限公司 91:福州%s配送服务有限公司 91:福州%s家政服务有限公司"},
	{"福州市文化体育工会", "91:福州%s文化传媒有限公司 91:福州%s体育发展有限公司"},
	{"福州市科技工会", "91:福州%s科技有限公司 91:福建%s智能科技有限公司"},
	{"福州市城市管理工会", "91:福州%s环境服务有限公司 91:福州%s园林绿化有限公司"},
	{"福州市水务工会", "91:福州%s水务有限公司 91:福州%s供水有限公司"},
	{"福州市电力工会", "91:福建%s电力工程有限公司 91:福州%s电气设备有限公司"},
	{"福州市港口工会", "91:福州%s港务有限公司 91:福州%s码头有限公司"},
	{"福州市船舶工业工会", "91:福建%s船舶重工有限公司 91:福州%s船舶修造有限公司"},
	{"福州市医药工会", "91:福州%s医药有限公司 91:福建%s药业有限公司"},
	{"福州市汽车工业工会", "91:福建%s汽车部件有限公司 91:福州%s汽车服务有限公司"},
	{"福州市物业管理工会", "91:福州%s物业管理有限公司 91:福州%s物业服务有限公司"},
	{"福州市软件和信息服务业工会", "91:福州%s软件有限公司 91:福州%s数据服务有限公司"},
	{"福州市律师行业工会", "31:福建%s律师事务所"},
}

const (
	demoBrandA    = "鑫华恒盛泰宏达兴利源嘉瑞丰腾远洋闽榕融正新同安永德金天中东海鼎博凯星宇辉隆晟锦和"
	demoBrandB    = "信通诚益康成祥发荣昌翔峰晖航元明顺泽威逸创越联合力龙润邦宝捷盈川强立"
	demoSurnames  = "陈林黄张李王吴刘蔡杨郑许谢郭洪曾邱廖赖周"
	demoGroups    = "一车间 二车间 质检班组 物流班组"
	demoCityCode  = "350100"
	demoChunkRows = 400
)

// SeedDemo builds, as the system actor, the Fuzhou tree: 福州市总工会, its 13 district
// federations, 30 industry unions, `grassroots` grassroots unions (about 80% under
// districts) with employers, and a few groups. The same call always builds the same
// tree; if a city with area 350100 exists it returns that tree's ids instead.
func SeedDemo(ctx context.Context, db *platform.DB, clock platform.Clock, grassroots int) (*Demo, error) {
	ctx = platform.WithActor(ctx, platform.System("demo"))
	var cityID int64
	err := db.QueryRow(ctx, `SELECT COALESCE(MIN(id), 0) FROM orgs WHERE level = 'city' AND area_code = ?`, demoCityCode).Scan(&cityID)
	if err != nil {
		return nil, fmt.Errorf("org: demo: %w", err)
	}
	if cityID == 0 {
		err = db.InTx(ctx, func(tx *platform.Tx) error {
			var err error
			cityID, err = seedTree(ctx, tx, clock.Now(), grassroots)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("org: demo: %w", err)
		}
	}
	return loadDemo(ctx, db, cityID)
}

// seedTree writes the whole demo tree in tx and returns the city's id.
func seedTree(ctx context.Context, tx *platform.Tx, now time.Time, grassroots int) (int64, error) {
	rng := newDemoRand()
	city := &Org{Level: LevelCity}
	if err := insertOrg(ctx, tx, now, city, "/", &Input{Name: "福州市总工会", AreaCode: demoCityCode,
		ContactName: "办公室", ContactPhone: "0591-87500000"}); err != nil {
		return 0, err
	}
	child := func(level Level, name, code string) (*Org, error) {
		o := &Org{Level: level, CityID: city.ID, ParentID: city.ID, Depth: 1}
		in := &Input{Name: name, AreaCode: code, ContactName: "办公室", ContactPhone: demoPhone(rng)}
		return o, insertOrg(ctx, tx, now, o, city.Path, in)
	}
	var districts, industries []*Org
	for _, d := range demoDistricts {
		o, err := child(LevelDistrict, d.name+"总工会", d.code)
		if err != nil {
			return 0, err
		}
		districts = append(districts, o)
	}
	for _, ind := range demoIndustries {
		o, err := child(LevelIndustry, ind.name, "")
		if err != nil {
			return 0, err
		}
		industries = append(industries, o)
	}
	specs := demoGrassroots(rng, grassroots)
	if err := insertGrassroots(ctx, tx, now, city.ID, districts, industries, specs); err != nil {
		return 0, err
	}
	groups, err := seedGroups(ctx, tx, now, city)
	if err != nil {
		return 0, err
	}
	return city.ID, audit.Record(ctx, tx, now, audit.Entry{Action: "org.seed_demo", EntityType: "org",
		EntityID: strconv.FormatInt(city.ID, 10), OrgID: city.ID, OrgPath: city.Path,
		Summary: fmt.Sprintf("演示数据：1个市总工会、%d个县区总工会、%d个产业工会、%d个基层工会、%d个工会小组",
			len(districts), len(industries), len(specs), groups)})
}

// newDemoRand is the seeded generator that makes the demo tree the same every time.
func newDemoRand() *rand.Rand { return rand.New(rand.NewPCG(2026, 350100)) }

// demoUnion is one generated grassroots union before it is written.
type demoUnion struct {
	district, industry int // index into demoDistricts; industry index or -1
	name               string
	emp                EmployerInput
	contactName        string
	contactPhone       string
}

// demoGrassroots generates n grassroots unions: about 80% under districts (by
// weight), 20% under industries, unique employer names and credit codes. The
// first is in 鼓楼区 and the second in 台江区, both ordinary companies.
func demoGrassroots(rng *rand.Rand, n int) []demoUnion {
	totalWeight := 0
	for _, d := range demoDistricts {
		totalWeight += d.weight
	}
	names, codes := map[string]bool{}, map[string]bool{}
	out := make([]demoUnion, 0, n)
	for i := range n {
		u := demoUnion{district: pickDistrict(rng, totalWeight), industry: -1}
		if i >= 2 && rng.IntN(5) == 0 {
			u.industry = rng.IntN(len(demoIndustries))
		}
		switch i {
		case 0, 1:
			u.district = i
		}
		d := demoDistricts[u.district]
		joint := i >= 2 && u.industry < 0 && rng.IntN(30) == 0
		kind, pattern := demoPattern(rng, u.industry)
		for try := 0; ; try++ {
			brand := demoBrand(rng, try)
			if joint {
				u.emp.Name = d.name + brand + "片区小微企业"
				u.name = d.name + brand + "片区联合工会委员会"
			} else {
				u.emp.Name = localise(rng, fmt.Sprintf(pattern, brand), d)
				u.name = u.emp.Name + "工会委员会"
			}
			if !names[u.emp.Name] {
				break
			}
		}
		names[u.emp.Name] = true
		if !joint {
			u.emp.CreditCode = demoCreditCode(rng, kind, d.code, codes)
		}
		u.emp.Headcount = demoHeadcount(rng)
		roads := strings.Fields(d.roads)
		u.emp.Address = fmt.Sprintf("福州市%s%s%d号", d.name, roads[rng.IntN(len(roads))], 1+rng.IntN(399))
		lng := math.Round((d.lng+(rng.Float64()*2-1)*d.spread)*1e6) / 1e6
		lat := math.Round((d.lat+(rng.Float64()*2-1)*d.spread)*1e6) / 1e6
		u.emp.Lng, u.emp.Lat = &lng, &lat
		u.contactName = demoContact(rng)
		u.contactPhone = demoPhone(rng)
		out = append(out, u)
	}
	return out
}

func pickDistrict(rng *rand.Rand, total int) int {
	r := rng.IntN(total)
	for i, d := range demoDistricts {
		if r < d.weight {
			return i
		}
		r -= d.weight
	}
	return 0
}

// demoPattern picks an employer-name pattern: from the union's industry, or from
// any industry for a union under a district.
func demoPattern(rng *rand.Rand, industry int) (kind, pattern string) {
	if industry < 0 {
		industry = rng.IntN(len(demoIndustries))
	}
	ps := strings.Fields(demoIndustries[industry].patterns)
	kind, pattern, _ = strings.Cut(ps[rng.IntN(len(ps))], ":")
	return kind, pattern
}

// demoBrand makes a two-character trade name; after many clashes it adds a number.
func demoBrand(rng *rand.Rand, try int) string {
	a, b := []rune(demoBrandA), []rune(demoBrandB)
	brand := string(a[rng.IntN(len(a))]) + string(b[rng.IntN(len(b))])
	if try > 20 {
		brand += strconv.Itoa(try)
	}
	return brand
}

// localise gives half of a county's companies the county's own name (福清…, 长乐…).
func localise(rng *rand.Rand, name string, d demoDistrict) string {
	if d.short != "福州" && strings.HasPrefix(name, "福州") && !strings.HasPrefix(name, "福州市") && rng.IntN(2) == 0 {
		return d.short + strings.TrimPrefix(name, "福州")
	}
	return name
}

// demoHeadcount is skewed like a real city: most employers are small, a few are huge.
func demoHeadcount(rng *rand.Rand) int64 {
	logUniform := func(lo, hi float64) int64 {
		return int64(math.Round(lo * math.Exp(rng.Float64()*math.Log(hi/lo))))
	}
	switch r := rng.Float64(); {
	case r < 0.80:
		return logUniform(20, 300)
	case r < 0.96:
		return logUniform(300, 1000)
	default:
		return logUniform(1000, 20000)
	}
}

func demoContact(rng *rand.Rand) string {
	s := []rune(demoSurnames)
	return string(s[rng.IntN(len(s))]) + [...]string{"主席", "女士", "先生"}[rng.IntN(3)]
}

func demoPhone(rng *rand.Rand) string {
	return fmt.Sprintf("0591-8%07d", rng.IntN(10_000_000))
}

// demoCreditCode makes a unique, valid credit code: kind (91, 12, 31), the area,
// a 9-character organisation code with its own GB 11714 check character, and the
// GB 32100 check character.
func demoCreditCode(rng *rand.Rand, kind, area string, seen map[string]bool) string {
	for {
		// Older organisation codes are eight digits; those issued since 2015
		// start with MA and use the whole alphabet.
		alphabet, body := creditCharset[:10], []byte{}
		if rng.IntN(2) == 0 {
			alphabet, body = creditCharset, []byte("MA")
		}
		for len(body) < 8 {
			body = append(body, alphabet[rng.IntN(len(alphabet))])
		}
		body = append(body, orgCodeCheck(body))
		first := kind + area + string(body)
		check, err := CreditCodeCheckChar(first)
		if err != nil {
			panic("org: demo credit code: " + err.Error()) // a bug in this generator
		}
		code := first + string(check)
		if !seen[code] {
			seen[code] = true
			return code
		}
	}
}

// orgCodeCheck is the GB 11714 check character of an 8-character organisation code.
func orgCodeCheck(body []byte) byte {
	weights := [8]int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, c := range body {
		v := int(c - '0')
		if c >= 'A' {
			v = int(c-'A') + 10
		}
		sum += v * weights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}

// insertGrassroots writes the generated unions with multi-row INSERTs, then sets
// every new path in one UPDATE.
func insertGrassroots(ctx context.Context, tx *platform.Tx, now time.Time, cityID int64, districts, industries []*Org, specs []demoUnion) error {
	for start := 0; start < len(specs); start += demoChunkRows {
		chunk := specs[start:min(start+demoChunkRows, len(specs))]
		empIDs, err := insertEmployerRows(ctx, tx, now, cityID, chunk)
		if err != nil {
			return err
		}
		var sb strings.Builder
		sb.WriteString(`INSERT INTO orgs (city_id, parent_id, level, name, area_code, path, depth, status,
			employer_id, headcount, contact_name, contact_phone, created_at, updated_at, version) VALUES `)
		args := make([]any, 0, len(chunk)*10)
		for i, u := range chunk {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(`(?, ?, 'grassroots', ?, ?, '', 2, 'active', ?, ?, ?, ?, ?, ?, 1)`)
			parent := districts[u.district]
			if u.industry >= 0 {
				parent = industries[u.industry]
			}
			args = append(args, cityID, parent.ID, u.name, demoDistricts[u.district].code,
				empIDs[u.emp.Name], u.emp.Headcount, u.contactName, u.contactPhone, now, now)
		}
		if _, err := tx.Exec(ctx, sb.String(), args...); err != nil {
			return fmt.Errorf("insert grassroots: %w", err)
		}
	}
	_, err := tx.Exec(ctx, `UPDATE orgs SET path = (SELECT p.path FROM orgs p WHERE p.id = orgs.parent_id)
		|| CAST(id AS TEXT) || '/' WHERE path = ''`)
	if err != nil {
		return fmt.Errorf("set grassroots paths: %w", err)
	}
	return nil
}

// insertEmployerRows writes one chunk's employers and maps their (unique) names to ids.
func insertEmployerRows(ctx context.Context, tx *platform.Tx, now time.Time, cityID int64, chunk []demoUnion) (map[string]int64, error) {
	var sb strings.Builder
	sb.WriteString(`INSERT INTO employers (city_id, name, credit_code, headcount, address, lng, lat,
		created_at, updated_at) VALUES `)
	args := make([]any, 0, len(chunk)*9)
	for i, u := range chunk {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(`(?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		e := u.emp
		args = append(args, cityID, e.Name, nullStr(e.CreditCode), e.Headcount, e.Address, *e.Lng, *e.Lat, now, now)
	}
	sb.WriteString(` RETURNING id, name`)
	rows, err := tx.Query(ctx, sb.String(), args...)
	if err != nil {
		return nil, fmt.Errorf("insert employers: %w", err)
	}
	defer rows.Close()
	ids := make(map[string]int64, len(chunk))
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("insert employers: %w", err)
		}
		ids[name] = id
	}
	return ids, rows.Err()
}

// seedGroups adds two groups under each of the first three grassroots unions.
func seedGroups(ctx context.Context, tx *platform.Tx, now time.Time, city *Org) (int, error) {
	lo, hi := platform.SubtreeRange(city.Path)
	parents, err := queryOrgs(ctx, tx, selectOrg+` WHERE o.level = 'grassroots' AND o.path >= ? AND o.path < ?
		ORDER BY o.id LIMIT 3`, lo, hi)
	if err != nil {
		return 0, err
	}
	names := strings.Fields(demoGroups)
	n := 0
	for i, p := range parents {
		for j := range 2 {
			g := &Org{Level: LevelGroup, CityID: city.ID, ParentID: p.ID, Depth: p.Depth + 1}
			in := &Input{Name: names[(i+j)%len(names)] + "工会小组", AreaCode: p.AreaCode}
			if err := insertOrg(ctx, tx, now, g, p.Path, in); err != nil {
				return 0, err
			}
			n++
		}
	}
	return n, nil
}

// loadDemo finds the handy ids of the tree rooted at cityID.
func loadDemo(ctx context.Context, db *platform.DB, cityID int64) (*Demo, error) {
	city, err := loadOrg(ctx, db, cityID)
	if err != nil {
		return nil, fmt.Errorf("org: demo: %w", err)
	}
	d := &Demo{City: city.ID, CityPath: city.Path, Districts: map[string]int64{}}
	children, err := queryOrgs(ctx, db, selectOrg+` WHERE o.parent_id = ? ORDER BY o.id`, city.ID)
	if err != nil {
		return nil, err
	}
	for _, c := range children {
		switch c.Level {
		case LevelDistrict:
			d.Districts[c.AreaCode] = c.ID
		case LevelIndustry:
			d.Industries = append(d.Industries, c.ID)
		}
	}
	first := func(level Level, under int64) (int64, error) {
		if under == 0 {
			return 0, nil
		}
		o, err := loadOrg(ctx, db, under)
		if err != nil {
			return 0, err
		}
		lo, hi := platform.SubtreeRange(o.Path)
		var id int64
		err = db.QueryRow(ctx, `SELECT COALESCE(MIN(id), 0) FROM orgs WHERE level = ? AND path >= ? AND path < ?`,
			string(level), lo, hi).Scan(&id)
		return id, err
	}
	if d.Gulou, err = first(LevelGrassroots, d.Districts["350102"]); err != nil {
		return nil, fmt.Errorf("org: demo: %w", err)
	}
	if d.Taijiang, err = first(LevelGrassroots, d.Districts["350103"]); err != nil {
		return nil, fmt.Errorf("org: demo: %w", err)
	}
	if d.Group, err = first(LevelGroup, city.ID); err != nil {
		return nil, fmt.Errorf("org: demo: %w", err)
	}
	lo, hi := platform.SubtreeRange(city.Path)
	err = db.QueryRow(ctx, `SELECT COUNT(*) FROM orgs WHERE level = 'grassroots' AND path >= ? AND path < ?`, lo, hi).Scan(&d.Grassroots)
	if err != nil {
		return nil, fmt.Errorf("org: demo: %w", err)
	}
	return d, nil
}
