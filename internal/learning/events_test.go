package learning_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"zhijia/internal/learning"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
	"zhijia/internal/points"
)

// lecture schedules a lecture at org for its subtree, starting in an hour for an hour.
func (f *fixture) lecture(t *testing.T, org int64, signup bool, capacity string) *learning.Event {
	t.Helper()
	start := f.clock.Now().Add(time.Hour).In(platform.Shanghai)
	e, err := f.store.CreateEvent(f.staff(org), learning.EventInput{Kind: "lecture", Title: "劳模进车间：安全生产", HostName: "林劳模",
		Venue: "workshop", Place: "一号车间", Starts: start.Format("2006-01-02T15:04"), Ends: start.Add(time.Hour).Format("2006-01-02T15:04"),
		OrgID: org, Signup: signup, Capacity: capacity})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func wantRefusal(t *testing.T, err error, key string) {
	t.Helper()
	if e, ok := platform.AsError(err); !ok || e.Message != key {
		t.Fatalf("got %v, want refusal %s", err, key)
	}
}

func TestCheckIn_RotatingCodeWindowOnceAndReplay(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		ev := f.lecture(t, f.gulou, false, "")
		staff := f.staff(f.gulou)
		code, _, err := f.store.CheckinCode(staff, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.store.CheckIn(f.as(f.worker), code)
		wantRefusal(t, err, "learning.err.not_open")

		f.clock.Advance(time.Hour)
		code, _, _ = f.store.CheckinCode(staff, ev.ID)
		if _, err := f.store.CheckIn(f.as(f.worker), code); err != nil {
			t.Fatalf("check in: %v", err)
		}
		_, err = f.store.CheckIn(f.as(f.worker), code)
		wantRefusal(t, err, "learning.err.checked_in")

		f.clock.Advance(2 * time.Minute) // the code on screen changed four times since
		second := f.newWorker(t, "林秀英")
		_, err = f.store.CheckIn(f.as(second), code)
		wantRefusal(t, err, "learning.err.token_expired")
		fresh, _, _ := f.store.CheckinCode(staff, ev.ID)
		forged := "999" + fresh[strings.Index(fresh, "."):]
		_, err = f.store.CheckIn(f.as(second), forged)
		wantRefusal(t, err, "learning.err.token_invalid")
		f.clock.Advance(20 * time.Second) // still taken while the screen shows the next code
		if _, err := f.store.CheckIn(f.as(second), fresh); err != nil {
			t.Fatalf("a code one step old: %v", err)
		}

		outsider := f.workerIn(t, f.org(t, f.taijiang, "grassroots", "台江工会"), "外区职工")
		code, _, _ = f.store.CheckinCode(staff, ev.ID)
		_, err = f.store.CheckIn(f.as(outsider), code)
		wantRefusal(t, err, "learning.err.not_audience")

		f.clock.Advance(time.Hour)
		late := f.newWorker(t, "迟到")
		code, _, _ = f.store.CheckinCode(staff, ev.ID)
		_, err = f.store.CheckIn(f.as(late), code)
		wantRefusal(t, err, "learning.err.closed")

		ledger := points.NewStore(db, f.clock)
		if b, _ := ledger.BalanceOf(context.Background(), f.worker); b.Balance != learning.KindPoints[learning.Lecture] {
			t.Fatalf("balance %d after one lecture", b.Balance)
		}
		list, err := f.store.Attendance(staff, ev.ID)
		if err != nil || len(list) != 2 || list[0].Method != "qr" || list[0].Name != "陈*明" {
			t.Fatalf("attendance %+v %v", list, err)
		}
	})
}

func TestTick_RosterByStaffInScopeOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		ev := f.lecture(t, f.gulou, false, "")
		f.clock.Advance(time.Hour)
		if err := f.store.Tick(f.staff(f.taijiang), ev.ID, f.worker); platform.ErrorCode(err) != platform.CodeNotFound {
			t.Fatalf("台江 ticks a 鼓楼 event: %v", err)
		}
		if err := f.store.Tick(f.staff(f.gulou), ev.ID, f.worker+1000); platform.ErrorCode(err) != platform.CodeInvalid {
			t.Fatalf("unknown worker: %v", err)
		}
		if err := f.store.Tick(f.staff(f.gulou), ev.ID, f.worker); err != nil {
			t.Fatal(err)
		}
		wantRefusal(t, f.store.Tick(f.staff(f.gulou), ev.ID, f.worker), "learning.err.checked_in")
		list, _ := f.store.Attendance(f.staff(f.gulou), ev.ID)
		if len(list) != 1 || list[0].Method != "roster" || list[0].TickedBy != "刘芳" {
			t.Fatalf("attendance %+v", list)
		}
		if _, err := f.store.Attendance(f.staff(f.taijiang), ev.ID); platform.ErrorCode(err) != platform.CodeNotFound {
			t.Fatalf("台江 reads 鼓楼 attendance: %v", err)
		}
	})
}

func TestSignUp_CapacityHeldUnderConcurrency(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		ev := f.lecture(t, f.gulou, true, "3")
		var ws []int64
		for range 8 {
			ws = append(ws, f.newWorker(t, "报名职工"))
		}
		var wg sync.WaitGroup
		errs := make([]error, len(ws))
		for i, w := range ws {
			wg.Add(1)
			go func() { defer wg.Done(); errs[i] = f.store.SignUp(f.as(w), ev.ID) }()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else if e, _ := platform.AsError(err); e == nil || e.Message != "learning.err.full" {
				t.Fatalf("sign-up: %v", err)
			}
		}
		got, _ := f.store.Event(f.staff(f.gulou), ev.ID)
		if ok != 3 || got.SignedUp != 3 {
			t.Fatalf("%d signed up (counter %d), capacity 3", ok, got.SignedUp)
		}
		f.clock.Advance(time.Hour)
		code, _, _ := f.store.CheckinCode(f.staff(f.gulou), ev.ID)
		_, err := f.store.CheckIn(f.as(f.worker), code)
		wantRefusal(t, err, "learning.err.signup_first")
	})
}

func TestEvents_ValidationAndScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		_, err := f.store.CreateEvent(f.staff(f.gulou), learning.EventInput{Kind: "party", Venue: "roof", Starts: "2026-05-01T10:00",
			Ends: "2026-05-01T09:00", Capacity: "-1"})
		e, _ := platform.AsError(err)
		for _, field := range []string{"kind", "title", "host_name", "venue", "place", "ends", "capacity", "org_id"} {
			if e == nil || e.Fields[field] == "" {
				t.Errorf("no message on %s: %v", field, err)
			}
		}
		_, err = f.store.CreateEvent(f.staff(f.gulou), learning.EventInput{Kind: "meeting", Title: "主题班会", HostName: "组长",
			Venue: "online", Starts: "2026-05-01T10:00", Ends: "2026-05-01T11:00", OrgID: f.taijiang})
		if e, _ := platform.AsError(err); e == nil || e.Fields["org_id"] == "" {
			t.Fatalf("organising for a sibling district: %v", err)
		}
		ev := f.lecture(t, f.gulou, false, "")
		if _, err := f.store.Event(f.staff(f.taijiang), ev.ID); !errors.Is(err, platform.NotFound) {
			t.Fatalf("台江 reads a 鼓楼 event: %v", err)
		}
		if _, n, _ := f.store.FindEvents(f.staff(f.taijiang), learning.EventFilter{Limit: 10}); n != 0 {
			t.Fatalf("台江 lists %d 鼓楼 events", n)
		}
		if list, n, _ := f.store.FindEvents(f.staff(f.city), learning.EventFilter{Kind: learning.Lecture, Limit: 10}); n != 1 || list[0].OrgName != "鼓楼区总工会" {
			t.Fatalf("city lists %d lectures", n)
		}
		if err := f.store.SaveSummary(f.staff(f.gulou), ev.ID, "到会 40 人，反响热烈。"); err != nil {
			t.Fatal(err)
		}
		mine, err := f.store.MyEvents(f.as(f.worker), 10)
		if err != nil || len(mine) != 1 || mine[0].ID != ev.ID {
			t.Fatalf("worker's events %+v %v", mine, err)
		}
	})
}
