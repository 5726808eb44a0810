package learning_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"zhijia/internal/learning"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
	"zhijia/internal/points"
)

func itemIDs(a *learning.Attempt) []int64 {
	var out []int64
	for _, it := range a.Items {
		out = append(out, it.QuestionID)
	}
	return out
}

func TestStart_DrawsDeterministicallyAndAvoidsRecentQuestions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		pool := f.questions(t, f.city, 8)
		pool = append(pool, f.questions(t, f.union, 4)...)
		f.questions(t, f.taijiang, 3) // another district's bank is not in this worker's pool
		ctx := f.as(f.worker)
		a, err := f.store.Start(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := learning.Draw(f.worker, "2026-05-01", pool, nil, 5); !slices.Equal(itemIDs(a), want) {
			t.Fatalf("drew %v, want %v", itemIDs(a), want)
		}
		again, err := f.store.Start(ctx)
		if err != nil || again.ID != a.ID || !slices.Equal(itemIDs(again), itemIDs(a)) {
			t.Fatalf("starting again gave attempt %v with %v, want the same %d", again, err, a.ID)
		}
		for _, it := range a.Items {
			if it.Answer != "" || it.Explanation != "" {
				t.Fatalf("open quiz carries the answer of question %d", it.QuestionID)
			}
			if !slices.Contains(pool, it.QuestionID) {
				t.Fatalf("question %d is not in the worker's pool", it.QuestionID)
			}
		}
		if _, err := f.store.Submit(ctx, a.ID, allRight(a)); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(24 * time.Hour)
		b, err := f.store.Start(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if b.Date != "2026-05-02" || b.ID == a.ID {
			t.Fatalf("next day's attempt %+v", b)
		}
		for _, id := range itemIDs(b) {
			if slices.Contains(itemIDs(a), id) {
				t.Fatalf("day 2 drew question %d seen on day 1 while 7 unseen were left", id)
			}
		}
	})
}

func TestSubmit_RacedTwiceCountsOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		f.questions(t, f.city, 6)
		ctx := f.as(f.worker)
		a, err := f.store.Start(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 6)
		for i := range errs {
			wg.Add(1)
			go func() { defer wg.Done(); _, errs[i] = f.store.Submit(ctx, a.ID, allRight(a)) }()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, learning.ErrAlreadySubmitted):
				t.Fatalf("submit: %v", err)
			}
		}
		ledger := points.NewStore(db, f.clock)
		b, _ := ledger.BalanceOf(context.Background(), f.worker)
		if ok != 1 || b.Balance != 10 {
			t.Fatalf("%d submissions taken, balance %d; want 1 and 10", ok, b.Balance)
		}
		done, err := f.store.Attempt(ctx, a.ID)
		if err != nil || done.Status != learning.AttemptSubmitted || done.Correct != 5 || done.Points != 10 {
			t.Fatalf("attempt after submit: %+v %v", done, err)
		}
		if done.Items[0].Answer != "A" || done.Items[0].Explanation == "" {
			t.Fatalf("answers hidden after submit: %+v", done.Items[0])
		}
		if bad, err := ledger.Check(context.Background()); err != nil || len(bad) != 0 {
			t.Fatalf("ledger check: %v %v", bad, err)
		}
	})
}

func TestSubmit_GradesOnTheServer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		f.questions(t, f.city, 5)
		ctx := f.as(f.worker)
		a, _ := f.store.Start(ctx)
		answers := allRight(a)
		answers[1], answers[2] = "B", "" // one wrong, one left blank: no finishing bonus
		done, err := f.store.Submit(ctx, a.ID, answers)
		if err != nil {
			t.Fatal(err)
		}
		if done.Correct != 3 || done.Points != 3 || done.Items[0].Correct || done.Items[0].Given != "B" {
			t.Fatalf("graded %+v, want 3 right and 3 points", done)
		}
		if st, _ := f.store.StreakOf(ctx); st != 1 {
			t.Fatalf("streak %d after today's quiz", st)
		}
	})
}

func TestSubmit_AfterTheTimeLimitEarnsNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		f.questions(t, f.city, 5)
		ctx := f.as(f.worker)
		a, _ := f.store.Start(ctx)
		f.clock.Advance(learning.DefaultSettings.TimeLimit + learning.Grace + time.Second)
		done, err := f.store.Submit(ctx, a.ID, allRight(a))
		if err != nil || done.Status != learning.AttemptExpired || done.Points != 0 {
			t.Fatalf("late submit: %+v %v; want expired with 0 points", done, err)
		}
		if _, err := f.store.Submit(ctx, a.ID, allRight(a)); !errors.Is(err, learning.ErrAlreadySubmitted) {
			t.Fatalf("submit after expiry: %v", err)
		}
		b, _ := points.NewStore(db, f.clock).BalanceOf(context.Background(), f.worker)
		if b.Balance != 0 {
			t.Fatalf("balance %d after a late quiz", b.Balance)
		}
	})
}

func TestSubmit_SomeoneElsesAttemptIsNotFound(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		f.questions(t, f.city, 5)
		a, _ := f.store.Start(f.as(f.worker))
		other := f.newWorker(t, "林秀英")
		if _, err := f.store.Submit(f.as(other), a.ID, allRight(a)); platform.ErrorCode(err) != platform.CodeNotFound {
			t.Fatalf("another worker's submit: %v", err)
		}
		if _, err := f.store.Attempt(f.as(other), a.ID); platform.ErrorCode(err) != platform.CodeNotFound {
			t.Fatalf("another worker's view: %v", err)
		}
	})
}

func TestStart_EmptyBankIsAClearRefusal(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		_, err := f.store.Start(f.as(f.worker))
		if e, ok := platform.AsError(err); !ok || e.Message != "learning.err.no_questions" {
			t.Fatalf("start with no questions: %v", err)
		}
	})
}

func TestUpdateQuestion_NeverChangesPastAnswers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		f.questions(t, f.city, 5)
		ctx := f.as(f.worker)
		a, _ := f.store.Start(ctx)
		if _, err := f.store.Submit(ctx, a.ID, allRight(a)); err != nil {
			t.Fatal(err)
		}
		first := a.Items[0]
		q, err := f.store.Question(f.staff(f.city), first.QuestionID)
		if err != nil {
			t.Fatal(err)
		}
		if q.Used != 1 {
			t.Fatalf("used %d, want 1", q.Used)
		}
		_, err = f.store.UpdateQuestion(f.staff(f.city), q.ID, learning.QuestionInput{Kind: "single", Stem: "改过的题目",
			Options: []string{"新甲", "新乙"}, Answer: "B", Version: q.Version})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.store.UpdateQuestion(f.staff(f.city), q.ID, learning.QuestionInput{Kind: "judge", Stem: "旧版本", Answer: "对", Version: q.Version})
		if e, ok := platform.AsError(err); !ok || e.Message != "learning.err.stale" {
			t.Fatalf("edit from a stale form: %v", err)
		}
		past, _ := f.store.Attempt(ctx, a.ID)
		it := past.Items[0]
		if it.Stem != first.Stem || it.Answer != "A" || !it.Correct || it.Options[0] != "正确项" || past.Correct != 5 {
			t.Fatalf("past answer changed after the edit: %+v", it)
		}
	})
}

func TestQuestions_ScopeAndFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		own := f.questions(t, f.union, 2)
		f.questions(t, f.taijiang, 1)
		_, err := f.store.CreateQuestion(f.staff(f.gulou), learning.QuestionInput{Kind: "judge", Stem: "职工有权参加工会", Answer: "对",
			Tags: "工会法 权利", Difficulty: "难"})
		if err != nil {
			t.Fatal(err)
		}
		gulou := f.staff(f.gulou)
		list, total, err := f.store.FindQuestions(gulou, learning.QuestionFilter{Limit: 20})
		if err != nil || total != 3 || len(list) != 3 {
			t.Fatalf("鼓楼 sees %d (%d) questions, %v; want its own 3", len(list), total, err)
		}
		for _, tc := range []struct {
			f    learning.QuestionFilter
			want int
		}{
			{learning.QuestionFilter{Kind: learning.Judge}, 1}, {learning.QuestionFilter{Tag: "权利"}, 1},
			{learning.QuestionFilter{Tag: "权"}, 0}, {learning.QuestionFilter{Difficulty: 3}, 1},
			{learning.QuestionFilter{Q: "第1题"}, 1}, {learning.QuestionFilter{Q: "%"}, 0},
		} {
			tc.f.Limit = 20
			if _, n, _ := f.store.FindQuestions(gulou, tc.f); n != tc.want {
				t.Errorf("filter %+v: %d, want %d", tc.f, n, tc.want)
			}
		}
		taijiang := f.staff(f.taijiang)
		if _, err := f.store.Question(taijiang, own[0]); platform.ErrorCode(err) != platform.CodeNotFound {
			t.Fatalf("台江 reads a 鼓楼 question: %v", err)
		}
		if err := f.store.SetQuestionActive(taijiang, own[0], false); platform.ErrorCode(err) != platform.CodeNotFound {
			t.Fatalf("台江 deactivates a 鼓楼 question: %v", err)
		}
		if err := f.store.SetQuestionActive(gulou, own[0], false); err != nil {
			t.Fatal(err)
		}
		if _, n, _ := f.store.FindQuestions(gulou, learning.QuestionFilter{Active: "0", Limit: 20}); n != 1 {
			t.Fatalf("%d inactive, want 1", n)
		}
		var audited int
		db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action LIKE 'learning.question.%'`).Scan(&audited)
		if audited != 5 {
			t.Fatalf("%d audit rows, want 5 (4 creates, 1 deactivate)", audited)
		}
	})
}
