package learning_test

import (
	"testing"
	"time"

	"zhijia/internal/learning"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

func TestContest_RankedByScoreThenTimeWithTeams(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		f.questions(t, f.city, 4)
		start := f.clock.Now().In(platform.Shanghai)
		in := learning.ContestInput{Title: "工会法知识竞赛", Starts: start.Format("2006-01-02T15:04"),
			Ends: start.Add(2 * time.Hour).Format("2006-01-02T15:04"), Questions: "3", Minutes: "10", OrgID: f.gulou}
		bad := in
		bad.Questions = "9"
		if _, err := f.store.CreateContest(f.staff(f.gulou), bad); refusalField(err) != "questions" {
			t.Fatalf("more questions than the bank holds: %v", err)
		}
		if _, err := f.store.CreateContest(f.staff(f.taijiang), in); refusalField(err) != "org_id" {
			t.Fatalf("台江 organises for 鼓楼: %v", err)
		}
		f.clock.Advance(time.Minute)
		id, err := f.store.CreateContest(f.staff(f.gulou), in)
		if err != nil {
			t.Fatal(err)
		}
		union2 := f.org(t, f.gulou, "grassroots", "第二工会")
		fast, slow, other := f.worker, f.newWorker(t, "慢"), f.workerIn(t, union2, "另一个")
		all := map[int]string{1: "A", 2: "A", 3: "A"}
		take := func(w int64, wait time.Duration, answers map[int]string) {
			t.Helper()
			if err := f.store.EnterContest(f.as(w), id); err != nil {
				t.Fatal(err)
			}
			_, _, items, _ := f.store.MyContest(f.as(w), id)
			if len(items) != 3 || items[0].Answer != "" {
				t.Fatalf("entered contest shows %+v", items)
			}
			f.clock.Advance(wait)
			if err := f.store.SubmitContest(f.as(w), id, answers); err != nil {
				t.Fatal(err)
			}
		}
		take(slow, 5*time.Minute, all)
		take(fast, 2*time.Minute, all)
		take(other, time.Minute, map[int]string{1: "A", 2: "B"})
		if err := f.store.SubmitContest(f.as(fast), id, all); refusalKey(err) != "learning.err.contest_submitted" {
			t.Fatalf("submit twice: %v", err)
		}
		_, mine, items, _ := f.store.MyContest(f.as(fast), id)
		if mine.Rank != 1 || mine.Score != 3 || items[0].Answer != "A" {
			t.Fatalf("my entry %+v, items %+v", mine, items)
		}
		_, entries, teams, err := f.store.Contest(f.staff(f.gulou), id)
		if err != nil || len(entries) != 3 || entries[0].WorkerID != fast || entries[1].WorkerID != slow || entries[2].Score != 1 {
			t.Fatalf("ranking %+v %v", entries, err)
		}
		if len(teams) != 2 || teams[0].Name != "测试公司工会" || teams[0].Avg() != 3 || teams[1].Avg() != 1 {
			t.Fatalf("teams %+v", teams)
		}
		late := f.newWorker(t, "超时")
		f.store.EnterContest(f.as(late), id)
		f.clock.Advance(20 * time.Minute)
		if err := f.store.SubmitContest(f.as(late), id, all); err != nil {
			t.Fatal(err)
		}
		if _, e, _, _ := f.store.MyContest(f.as(late), id); e.Score != 0 {
			t.Fatalf("a late entry scored %d", e.Score)
		}
		outsider := f.workerIn(t, f.org(t, f.taijiang, "grassroots", "台江工会"), "外区")
		if err := f.store.EnterContest(f.as(outsider), id); platform.ErrorCode(err) != platform.CodeNotFound {
			t.Fatalf("台江 worker enters a 鼓楼 contest: %v", err)
		}
		if _, _, _, err := f.store.Contest(f.staff(f.taijiang), id); platform.ErrorCode(err) != platform.CodeNotFound {
			t.Fatalf("台江 reads 鼓楼 results: %v", err)
		}
		f.clock.Advance(2 * time.Hour)
		if err := f.store.EnterContest(f.as(f.newWorker(t, "太晚")), id); refusalKey(err) != "learning.err.contest_closed" {
			t.Fatalf("entering after the window: %v", err)
		}
	})
}

func refusalField(err error) string {
	e, ok := platform.AsError(err)
	if !ok {
		return ""
	}
	for k := range e.Fields {
		return k
	}
	return ""
}
