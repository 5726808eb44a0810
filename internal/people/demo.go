package people

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
)

// Demo data: plainly synthetic people. Every id number uses a sequence 900–999
// (a range a real registry office would not reach for one birth date in one
// district), every mobile a 1x1 block starting 10000000.
var (
	demoSurnames = []string{"陈", "林", "黄", "张", "李", "王", "吴", "刘", "蔡", "杨", "郑", "许", "谢", "郭", "洪",
		"邱", "曾", "廖", "赖", "周", "徐", "苏", "叶", "庄", "吕", "江", "何", "萧", "罗", "高", "潘", "欧阳"}
	demoMale   = []string{"伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "志强", "建平", "国栋", "文斌", "明辉", "海峰", "俊杰", "振华", "晓东", "宇航"}
	demoFemale = []string{"芳", "娜", "敏", "静", "丽", "燕", "秀英", "丽华", "美玲", "晓燕", "雅琴", "婷婷", "慧敏", "雪梅", "欣怡", "佳怡"}
	demoPosts  = []string{"操作工", "技术员", "工程师", "质检员", "仓管员", "销售", "会计", "行政", "司机", "班组长", "电工", "焊工", "护士", "教师"}
	demoPhone  = []string{"139", "158", "186", "137", "150", "188", "135", "182"}
	demoGroups = []string{"courier", "food_delivery", "ride_hailing", "truck_driver", "domestic", "carer", "security_guard", "estate_agent"}
	fuzhouArea = []string{"350102", "350103", "350104", "350105", "350111", "350112", "350121", "350122", "350123", "350124", "350125", "350128", "350181"}
)

// demoDays is the span of demo birth dates: 1965-01-01 and the 40 years after.
const demoDays = 14610

var demoEpoch = time.Date(1965, 1, 1, 0, 0, 0, 0, time.UTC)

// demoUnion is a union demo workers are spread over.
type demoUnion struct {
	id, city   int64
	area, name string
}

// SeedDemoWorkers adds synthetic workers until the registry holds n (workers with
// an id number), spread over the grassroots unions, in transactions of 5,000
// written as multi-row inserts. About 70% are members, 1% model workers, 8% new-employment
// workers and 20% have a household of 1–4 with consent recorded.
func SeedDemoWorkers(ctx context.Context, db *platform.DB, keys *platform.Keyring, clock platform.Clock, n int) error {
	ctx = platform.WithActor(ctx, platform.System("demo"))
	var have int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM workers WHERE id_sealed <> ''`).Scan(&have); err != nil {
		return fmt.Errorf("people: demo: %w", err)
	}
	if have >= n {
		return nil
	}
	unions, err := demoUnions(ctx, db)
	if err != nil || len(unions) == 0 {
		return err
	}
	now := clock.Now()
	g := &demoGen{keys: keys, now: now, unions: unions}
	// Transactions of demoTxRows rows keep SQLite's page cache from spilling; a
	// re-run after a failure carries on from the count already stored.
	for k := have; k < n; k += demoTxRows {
		end := min(k+demoTxRows, n)
		err := db.InTx(ctx, func(tx *platform.Tx) error {
			for i := k; i < end; i += demoChunk {
				rows := make([]demoRow, 0, demoChunk)
				for j := i; j < min(i+demoChunk, end); j++ {
					rows = append(rows, g.row(j))
				}
				if err := g.insertChunk(ctx, tx, rows); err != nil {
					return err
				}
			}
			if end < n {
				return nil
			}
			return audit.Record(ctx, tx, now, audit.Entry{Action: "people.seed_demo", EntityType: "worker",
				Summary: fmt.Sprintf("演示职工 %d 人", n-have)})
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// demoChunk rows go in one multi-row insert (20 measured fastest on SQLite: the
// statement journal of a bigger one costs more than the round trips it saves).
const (
	demoChunk  = 20
	demoTxRows = 5000
)

// demoUnions lists the active grassroots unions with their district's area code
// (industry unions' members get one of Fuzhou's codes).
func demoUnions(ctx context.Context, db *platform.DB) ([]demoUnion, error) {
	rows, err := db.Query(ctx, `SELECT o.id, o.city_id, o.path, o.name FROM orgs o
		WHERE o.level = 'grassroots' AND o.status = 'active' ORDER BY o.id`)
	if err != nil {
		return nil, fmt.Errorf("people: demo unions: %w", err)
	}
	defer rows.Close()
	var out []demoUnion
	var paths []string
	for rows.Next() {
		var u demoUnion
		var path string
		if err := rows.Scan(&u.id, &u.city, &path, &u.name); err != nil {
			return nil, err
		}
		out, paths = append(out, u), append(paths, path)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	areas := map[string]string{}
	drows, err := db.Query(ctx, `SELECT path, area_code FROM orgs WHERE level = 'district'`)
	if err != nil {
		return nil, fmt.Errorf("people: demo districts: %w", err)
	}
	defer drows.Close()
	for drows.Next() {
		var p, a string
		if err := drows.Scan(&p, &a); err != nil {
			return nil, err
		}
		areas[p] = a
	}
	for i := range out {
		out[i].area = fuzhouArea[i%len(fuzhouArea)]
		for p, a := range areas {
			if strings.HasPrefix(paths[i], p) && len(a) == 6 {
				out[i].area = a
			}
		}
	}
	return out, drows.Err()
}

// demoRow is one generated worker and its household.
type demoRow struct {
	union                                demoUnion
	name, idNumber, phone, gender, birth string
	employer, post, edu, status, joined  string
	model, group                         string
	household                            []demoMember
}

type demoMember struct {
	relation, name, idNumber, birth    string
	student, ill, disabled, unemployed bool
}

type demoGen struct {
	keys   *platform.Keyring
	now    time.Time
	unions []demoUnion
}

// row generates worker number k. (birth day, sequence) are a function of k alone,
// so id numbers never repeat across runs; the sequence's parity is the gender.
func (g *demoGen) row(k int) demoRow {
	r := rand.New(rand.NewPCG(uint64(k), 2026))
	u := g.unions[r.IntN(len(g.unions))]
	day := (k * 7919) % demoDays
	seq := 900 + (k/demoDays)%100
	birth := demoEpoch.AddDate(0, 0, day)
	d := demoRow{union: u, birth: birth.Format("2006-01-02")}
	body := u.area + birth.Format("20060102") + fmt.Sprintf("%03d", seq)
	d.idNumber = body + string(CheckChar(body))
	male := seq%2 == 1
	d.gender, d.name = string(GenderFemale), pick(r, demoSurnames)+pick(r, demoFemale)
	if male {
		d.gender, d.name = string(GenderMale), pick(r, demoSurnames)+pick(r, demoMale)
	}
	if r.IntN(10) < 9 {
		d.phone = demoPhone[k%len(demoPhone)] + fmt.Sprintf("%08d", 10000000+k/len(demoPhone))
	}
	d.employer = strings.TrimSuffix(strings.TrimSuffix(u.name, "工会委员会"), "联合工会")
	d.post, d.edu = pick(r, demoPosts), Educations()[min(r.IntN(9), 7)]
	d.status = string(NonMember)
	if r.IntN(10) < 7 {
		d.status = string(Member)
		from := birth.AddDate(18, 0, 0)
		if from.Before(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)) {
			from = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		if span := int(g.now.Sub(from).Hours() / 24); span > 0 {
			d.joined = from.AddDate(0, 0, r.IntN(span)).Format("2006-01-02")
		}
	}
	switch x := r.IntN(10000); {
	case x < 5:
		d.model = string(ModelNational)
	case x < 25:
		d.model = string(ModelProvincial)
	case x < 100:
		d.model = string(ModelCity)
	}
	if r.IntN(100) < 8 {
		d.group = pick(r, demoGroups)
	}
	if r.IntN(5) == 0 {
		d.household = g.household(r, k, d.name, birth)
	}
	return d
}

// household makes 1–4 members: a spouse, children, a parent. Their id numbers
// use sequence 999–990 so they never meet a worker's.
func (g *demoGen) household(r *rand.Rand, k int, name string, birth time.Time) []demoMember {
	surname := []rune(name)[:1]
	n := 1 + r.IntN(4)
	var out []demoMember
	for i := 0; i < n; i++ {
		m := demoMember{relation: "child", name: string(surname) + pick(r, demoFemale)}
		b := birth.AddDate(25+r.IntN(10), r.IntN(12), 0)
		switch i {
		case 0:
			m.relation, m.name, b = "spouse", pick(r, demoSurnames)+pick(r, demoFemale), birth.AddDate(0, r.IntN(24)-12, r.IntN(28))
		case 3:
			m.relation, m.name, b = "parent", string(surname)+pick(r, demoMale), birth.AddDate(-25-r.IntN(8), 0, 0)
		}
		if b.After(g.now) {
			continue
		}
		m.birth = b.Format("2006-01-02")
		if r.IntN(2) == 0 {
			body := fuzhouArea[k%len(fuzhouArea)] + b.Format("20060102") + fmt.Sprintf("%03d", 999-(k%5)*2-i%2)
			m.idNumber = body + string(CheckChar(body))
		}
		age := g.now.Year() - b.Year()
		m.student = age >= 6 && age <= 22 && m.relation == "child"
		m.ill, m.disabled = r.IntN(20) == 0, r.IntN(50) == 0
		m.unemployed = age > 22 && age < 60 && r.IntN(15) == 0
		out = append(out, m)
	}
	return out
}

func pick(r *rand.Rand, list []string) string { return list[r.IntN(len(list))] }

// insertChunk writes rows with one multi-row insert, then their households with
// another, finding the new workers' ids by their id-number index.
func (g *demoGen) insertChunk(ctx context.Context, tx *platform.Tx, rows []demoRow) error {
	const cols = 26
	var sb strings.Builder
	sb.WriteString(`INSERT INTO workers (city_id, org_id, name, phone_index, phone_sealed, phone_masked,
		id_index, id_sealed, id_masked, gender, birth_date, landline, employer_name, post, education,
		member_status, joined_on, model_level, craftsman, group_code, consent_by, consent_at, consent_version,
		created_at, updated_at, version) VALUES `)
	args := make([]any, 0, len(rows)*cols)
	var withHouse []any
	houses := map[string][]demoMember{}
	ph := "(" + platform.Placeholders(cols) + ")"
	for i, d := range rows {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(ph)
		var phoneIdx any
		phoneSealed, phoneMasked := "", ""
		if d.phone != "" {
			phoneIdx, phoneSealed, phoneMasked = g.keys.BlindIndex(kindPhone, d.phone), g.keys.Seal(d.phone), MaskPhone(d.phone)
		}
		idx := g.keys.BlindIndex(kindIDNumber, d.idNumber)
		consentBy, consentVer := "", ""
		var consentAt any
		if len(d.household) > 0 {
			consentBy, consentAt, consentVer = "system:demo", g.now, ConsentVersion
			withHouse, houses[idx] = append(withHouse, idx), d.household
		}
		args = append(args, d.union.city, d.union.id, d.name, phoneIdx, phoneSealed, phoneMasked,
			idx, g.keys.Seal(d.idNumber), MaskIDNumber(d.idNumber), d.gender, d.birth, "", d.employer, d.post, d.edu,
			d.status, d.joined, d.model, "", d.group, consentBy, consentAt, consentVer, g.now, g.now, 1)
	}
	if _, err := tx.Exec(ctx, sb.String(), args...); err != nil {
		return fmt.Errorf("people: demo workers: %w", err)
	}
	if len(withHouse) == 0 {
		return nil
	}
	return g.insertHouseholds(ctx, tx, withHouse, houses)
}

func (g *demoGen) insertHouseholds(ctx context.Context, tx *platform.Tx, idx []any, houses map[string][]demoMember) error {
	res, err := tx.Query(ctx, `SELECT id, id_index FROM workers WHERE id_index IN (`+
		platform.Placeholders(len(idx))+`)`, idx...)
	if err != nil {
		return fmt.Errorf("people: demo households: %w", err)
	}
	ids := map[string]int64{}
	for res.Next() {
		var id int64
		var ix string
		if err := res.Scan(&id, &ix); err != nil {
			res.Close()
			return err
		}
		ids[ix] = id
	}
	res.Close()
	var sb strings.Builder
	sb.WriteString(`INSERT INTO household_members (worker_id, relation, name, id_index, id_sealed, id_masked,
		birth_date, student, ill, disabled, unemployed, created_at) VALUES `)
	var args []any
	for ix, members := range houses {
		for _, m := range members {
			if len(args) > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			var mIdx any
			sealed, masked := "", ""
			if m.idNumber != "" {
				mIdx, sealed, masked = g.keys.BlindIndex(kindIDNumber, m.idNumber), g.keys.Seal(m.idNumber), MaskIDNumber(m.idNumber)
			}
			args = append(args, ids[ix], m.relation, m.name, mIdx, sealed, masked, m.birth,
				boolInt(m.student), boolInt(m.ill), boolInt(m.disabled), boolInt(m.unemployed), g.now)
		}
	}
	if len(args) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, sb.String(), args...); err != nil {
		return fmt.Errorf("people: demo household members: %w", err)
	}
	return nil
}
