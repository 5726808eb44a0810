package learning_test

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zhijia/internal/app/apptest"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

func TestContestPages_SetTakeAndRank(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		clerk := env.Staff(t, "gulou.clerk")
		want(t, clerk.Get("/console/learning/contests/new"), http.StatusOK, "题目数量")
		start := env.Clock.Now().In(platform.Shanghai)
		form := url.Values{"title": {"工会法知识竞赛"}, "org_id": {fmtID(env.Info.Tree.Districts["350102"])}, "starts": {start.Format("2006-01-02T15:04")},
			"ends": {start.Add(3 * time.Hour).Format("2006-01-02T15:04")}, "questions": {"50"}, "minutes": {"10"}}
		want(t, clerk.PostForm("/console/learning/contests", form), http.StatusUnprocessableEntity, "题库中可用的题目不够这么多", `value="工会法知识竞赛"`)
		form.Set("questions", "3")
		env.Clock.Advance(time.Minute)
		r := clerk.PostForm("/console/learning/contests", form)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("create contest: %d %s", r.Status, r.Body)
		}
		page := r.Location
		id := page[strings.LastIndex(page, "/")+1:]
		wantExportRow(t, clerk.Get("/console/learning/contests?export=xlsx"), "工会法知识竞赛")

		w := env.Worker(t, "13900000001")
		want(t, w.Get("/portal/learning/contests"), http.StatusOK, "工会法知识竞赛")
		want(t, w.Get("/portal/learning/contests?id="+id), http.StatusOK, "开始答题")
		r = w.PostForm("/portal/learning/contests/enter", url.Values{"contest": {id}})
		take := w.Get(r.Location)
		want(t, take, http.StatusOK, "第 3 题", "提交答卷")
		if strings.Contains(take.Body, "正确答案") {
			t.Fatal("the contest form shows answers")
		}
		answers := url.Values{"contest": {id}}
		rows, _ := db.Query(t.Context(), `SELECT position, answer FROM learning_contest_items WHERE contest_id = ?`, id)
		for rows.Next() {
			var pos, ans string
			rows.Scan(&pos, &ans)
			for _, l := range ans {
				answers.Add("q"+pos, string(l))
			}
		}
		rows.Close()
		env.Clock.Advance(90 * time.Second)
		r = w.PostForm("/portal/learning/contests/submit", answers)
		want(t, w.Get(r.Location), http.StatusOK, "答卷已提交", "得分 3/3，排名第 1", "正确答案")
		r = w.PostForm("/portal/learning/contests/submit", answers)
		want(t, w.Get(r.Location), http.StatusOK, "每人只能参赛一次")

		results := clerk.Get(page)
		want(t, results, http.StatusOK, "工会团体排名", "陈*明", "1m30s", "3.00")
		if !regexp.MustCompile(`id="entries"`).MatchString(results.Body) {
			t.Fatal("no ranking table")
		}
		x := clerk.Get(page + "?export=xlsx")
		f, err := excelize.OpenReader(bytes.NewReader(x.Raw))
		if err != nil {
			t.Fatalf("export: %v", err)
		}
		xr, _ := f.GetRows(f.GetSheetName(0))
		if len(xr) != 2 || xr[1][3] != "3" {
			t.Fatalf("export rows %v", xr)
		}
		if r := env.Staff(t, "taijiang.clerk").Get(page); r.Status != http.StatusNotFound {
			t.Fatalf("台江 reads 鼓楼 results: %d", r.Status)
		}
	})
}
