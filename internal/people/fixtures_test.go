package people

import (
	"context"
	"testing"
	"time"

	"zhijia/internal/org"
	"zhijia/internal/platform"
)

// fixture is a small demo city with a people store and actors at three places.
type fixture struct {
	store *Store
	db    *platform.DB
	keys  *platform.Keyring
	clock *platform.FakeClock
	tree  *org.Demo
	paths map[int64]string
}

func newFixture(t testing.TB, db *platform.DB) *fixture {
	t.Helper()
	clock := platform.NewFakeClock(time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC))
	tree, err := org.SeedDemo(context.Background(), db, clock, 30)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := platform.NewKeyring(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{store: NewStore(db, clock, keys), db: db, keys: keys, clock: clock, tree: tree, paths: map[int64]string{}}
	return f
}

// path reads an org's path.
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

// as is a context for a staff actor of role at org.
func (f *fixture) as(t testing.TB, role string, orgID int64) context.Context {
	return platform.WithActor(context.Background(), &platform.Actor{Kind: "staff", AccountID: 7, Name: "测试",
		Role: role, OrgID: orgID, OrgPath: f.path(t, orgID)})
}

// mustWorker creates a worker in union orgID as a city admin.
func (f *fixture) mustWorker(t testing.TB, orgID int64, name, id, phone string) *Worker {
	t.Helper()
	w, err := f.store.CreateWorker(f.as(t, "admin", f.tree.City), WorkerInput{OrgID: orgID, Name: name, IDNumber: id,
		Phone: phone, MemberStatus: Member, JoinedOn: "2020-05-01"})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return w
}

func fields(err error) map[string]string {
	if e, ok := platform.AsError(err); ok {
		return e.Fields
	}
	return nil
}
