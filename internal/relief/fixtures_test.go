package relief

import (
	"context"
	"fmt"
	"testing"
	"time"

	"zhijia/internal/org"
	"zhijia/internal/platform"
	"zhijia/internal/review"
)

// fixture is a small demo city with the 2026 programme set up: 低保 1,000 yuan in
// 鼓楼区, funds at the city (10,000,000 yuan) and 鼓楼区 (1,000,000 yuan).
type fixture struct {
	store *Store
	db    *platform.DB
	clock *platform.FakeClock
	tree  *org.Demo
	paths map[int64]string
	next  int
}

const dibao = 100000

func newFixture(t testing.TB, db *platform.DB) *fixture {
	t.Helper()
	clock := platform.NewFakeClock(time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)) // a Monday
	tree, err := org.SeedDemo(context.Background(), db, clock, 8)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{store: NewStore(db, clock, t.TempDir(), testKeys(t)), db: db, clock: clock, tree: tree, paths: map[int64]string{}}
	city := f.staff(t, 900, tree.City)
	if _, err := f.store.SaveProgramme(city, ProgrammeInput{Year: 2026, CapApplication: DefaultCapPerApplication,
		CapHousehold: 8_000_000, Causes: Causes, StopAt: "city", DueDays: 5, NoticeDays: 5}); err != nil {
		t.Fatal(err)
	}
	must(t, f.store.SetFund(city, 2026, tree.City, 1_000_000_000))
	must(t, f.store.SetFund(city, 2026, f.gulou(), 100_000_000))
	must(t, f.store.SetDibao(city, 2026, f.gulou(), dibao))
	must(t, f.store.SetJoined(city, 2026, tree.Gulou, true))
	return f
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) gulou() int64 { return f.tree.Districts["350102"] }

func (f *fixture) path(t testing.TB, id int64) string {
	t.Helper()
	if p, ok := f.paths[id]; ok {
		return p
	}
	var p string
	if err := f.db.QueryRow(context.Background(), `SELECT path FROM orgs WHERE id = ?`, id).Scan(&p); err != nil {
		t.Fatal(err)
	}
	f.paths[id] = p
	return p
}

// staff is a staff actor (account id) at org.
func (f *fixture) staff(t testing.TB, account, orgID int64) context.Context {
	return platform.WithActor(context.Background(), &platform.Actor{Kind: "staff", AccountID: account, Name: fmt.Sprintf("干部%d", account),
		Role: "reviewer", OrgID: orgID, OrgPath: f.path(t, orgID)})
}

func (f *fixture) worker(id int64) context.Context {
	return platform.WithActor(context.Background(), &platform.Actor{Kind: "worker", WorkerID: id, Name: "职工"})
}

// mustWorker registers a member of union orgID with two household members whose
// blind indexes are idx+"a", idx+"b" (and the worker's own idx).
func (f *fixture) mustWorker(t testing.TB, orgID int64, idx string) (worker int64, members []int64) {
	t.Helper()
	ctx := context.Background()
	now := f.clock.Now()
	f.next++
	err := f.db.QueryRow(ctx, `INSERT INTO workers (city_id, org_id, name, id_index, member_status, created_at, updated_at)
		VALUES (?, ?, ?, ?, 'member', ?, ?) RETURNING id`, f.tree.City, orgID, fmt.Sprintf("张%d明", f.next), idx, now, now).Scan(&worker)
	if err != nil {
		t.Fatal(err)
	}
	for _, rel := range []string{"a", "b"} {
		var id int64
		err := f.db.QueryRow(ctx, `INSERT INTO household_members (worker_id, relation, name, id_index, created_at)
			VALUES (?, 'child', '李小红', ?, ?) RETURNING id`, worker, idx+rel, now).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		members = append(members, id)
	}
	return worker, members
}

// testAccount is a UnionPay card number with a valid check digit.
const testAccount = "6222021234567890128"

// input is a typical application: a household of three, deep hardship.
func input(members []int64, key string) ApplicationInput {
	return ApplicationInput{MemberIDs: members, Causes: []string{"illness"}, Means: Means{Income: 250000, MedicalCosts: 8000000,
		InsurancePaid: 3000000}, Requested: 1_000_000, Statement: "丈夫患病住院，家庭收入骤减。", Consent: true, IdemKey: key,
		Payee: Payee{Name: "张明", Bank: "中国工商银行福州鼓楼支行", Account: testAccount}}
}

// apply files an application as the worker.
func (f *fixture) apply(t testing.TB, worker int64, members []int64, key string) *Application {
	t.Helper()
	app, err := f.store.Submit(f.worker(worker), input(members, key))
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	return app
}

// decide runs a decision with the chain's current version.
func (f *fixture) decide(t testing.TB, ctx context.Context, id int64, d review.Decision) (*Application, error) {
	t.Helper()
	app, err := f.store.Application(ctx, id)
	if err != nil {
		return nil, err
	}
	return f.store.Decide(ctx, id, app.Review.Version, d)
}

// testKeys is a keyring for sealing payees' accounts in tests.
func testKeys(t testing.TB) *platform.Keyring {
	t.Helper()
	k, err := platform.NewKeyring(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	return k
}
