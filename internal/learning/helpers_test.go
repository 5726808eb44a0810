package learning_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"zhijia/internal/learning"
	"zhijia/internal/platform"
)

// testKey signs check-in codes in store tests.
var testKey = []byte("0123456789abcdef0123456789abcdef")

// t0 is 10:00 in Shanghai on 2026-05-01.
var t0 = time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC)

// fixture is a small tree: a city with two districts, a union under the first,
// and a worker in it.
type fixture struct {
	db                                   *platform.DB
	clock                                *platform.FakeClock
	store                                *learning.Store
	city, gulou, taijiang, union, worker int64
	paths                                map[int64]string
}

func newFixture(t *testing.T, db *platform.DB) *fixture {
	t.Helper()
	f := &fixture{db: db, clock: platform.NewFakeClock(t0), paths: map[int64]string{}}
	f.store = learning.NewStore(db, f.clock, testKey)
	f.city = f.org(t, 0, "city", "福州市总工会")
	f.gulou = f.org(t, f.city, "district", "鼓楼区总工会")
	f.taijiang = f.org(t, f.city, "district", "台江区总工会")
	f.union = f.org(t, f.gulou, "grassroots", "测试公司工会")
	f.worker = f.newWorker(t, "陈小明")
	return f
}

func (f *fixture) org(t *testing.T, parent int64, level, name string) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	var p any
	if parent != 0 {
		p = parent
	}
	if err := f.db.QueryRow(ctx, `INSERT INTO orgs (city_id, parent_id, level, name, path, depth, created_at, updated_at)
		VALUES (?, ?, ?, ?, '', 0, ?, ?) RETURNING id`, f.city, p, level, name, t0, t0).Scan(&id); err != nil {
		t.Fatal(err)
	}
	path := f.paths[parent] + fmt.Sprintf("%d/", id)
	if parent == 0 {
		path = fmt.Sprintf("/%d/", id)
	}
	city := f.city
	if city == 0 {
		city = id
	}
	if _, err := f.db.Exec(ctx, `UPDATE orgs SET path = ?, city_id = ? WHERE id = ?`, path, city, id); err != nil {
		t.Fatal(err)
	}
	f.paths[id] = path
	return id
}

func (f *fixture) newWorker(t *testing.T, name string) int64 {
	t.Helper()
	return f.workerIn(t, f.union, name)
}

func (f *fixture) workerIn(t *testing.T, org int64, name string) int64 {
	t.Helper()
	var id int64
	if err := f.db.QueryRow(context.Background(), `INSERT INTO workers (city_id, org_id, name, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, f.city, org, name, t0, t0).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// staff acts as a clerk of org.
func (f *fixture) staff(org int64) context.Context {
	return platform.WithActor(context.Background(), &platform.Actor{Kind: "staff", AccountID: 1, Name: "刘芳",
		Role: "clerk", OrgID: org, OrgPath: f.paths[org]})
}

// as acts as a worker on the portal.
func (f *fixture) as(worker int64) context.Context {
	a := &platform.Actor{Kind: "worker", WorkerID: worker, Name: "职工"}
	// as a session or worker token loads them: with their union
	f.db.QueryRow(context.Background(), `SELECT w.org_id, o.path FROM workers w JOIN orgs o ON o.id = w.org_id WHERE w.id = ?`,
		worker).Scan(&a.OrgID, &a.OrgPath)
	return platform.WithActor(context.Background(), a)
}

// questions adds n single-choice questions whose right answer is A, at org.
func (f *fixture) questions(t *testing.T, org int64, n int) []int64 {
	t.Helper()
	var ids []int64
	for i := range n {
		q, err := f.store.CreateQuestion(f.staff(org), learning.QuestionInput{Kind: "single",
			Stem: fmt.Sprintf("第%d题：工会法规定的职工权利？", i+1), Options: []string{"正确项", "错误项", "干扰项"}, Answer: "A",
			Explanation: "见工会法", Tags: "工会法", Difficulty: "1"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, q.ID)
	}
	return ids
}

// allRight answers every item with A.
func allRight(a *learning.Attempt) map[int]string {
	m := map[int]string{}
	for _, it := range a.Items {
		m[it.Position] = "A"
	}
	return m
}
