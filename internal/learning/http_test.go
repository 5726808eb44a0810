package learning_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhijia/internal/app/apptest"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

func want(t *testing.T, r *apptest.Response, status int, texts ...string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("HTTP %d, want %d: %.2000s", r.Status, status, r.Body)
	}
	body := html.UnescapeString(r.Body)
	for _, s := range texts {
		if !strings.Contains(body, s) {
			t.Fatalf("page lacks %q: %.3000s", s, body)
		}
	}
}

// rightAnswers reads today's drawn answers from the database, the test's oracle.
func rightAnswers(t *testing.T, env *apptest.Env, phone string) (attempt int64, form url.Values, explanations []string) {
	t.Helper()
	ctx := context.Background()
	if err := env.App.DB.QueryRow(ctx, `SELECT a.id FROM learning_attempts a JOIN workers w ON w.id = a.worker_id
		WHERE w.phone_masked = ? ORDER BY a.id DESC LIMIT 1`, phone[:3]+"****"+phone[7:]).Scan(&attempt); err != nil {
		t.Fatalf("attempt of %s: %v", phone, err)
	}
	rows, err := env.App.DB.Query(ctx, `SELECT position, answer, explanation FROM learning_attempt_items WHERE attempt_id = ?`, attempt)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	form = url.Values{"attempt": {fmt.Sprint(attempt)}}
	for rows.Next() {
		var pos int
		var ans, expl string
		rows.Scan(&pos, &ans, &expl)
		for _, l := range ans {
			form.Add(fmt.Sprintf("q%d", pos), string(l))
		}
		explanations = append(explanations, expl)
	}
	return attempt, form, explanations
}

func TestPortalQuiz_WorkerEarnsTenPointsOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		w := env.Worker(t, "13900000001")
		want(t, w.Get("/portal/learning"), http.StatusOK, "每日答题", "开始今日答题", "可用积分", "Lv1 学习新秀")
		r := w.PostForm("/portal/learning/quiz/start", nil)
		if r.Status != http.StatusSeeOther || r.Location != "/portal/learning/quiz" {
			t.Fatalf("start: %d → %q", r.Status, r.Location)
		}
		page := w.Get("/portal/learning/quiz")
		want(t, page, http.StatusOK, "第 1 题", "第 5 题", "提交答卷")
		_, form, explanations := rightAnswers(t, env, "13900000001")
		for _, e := range explanations {
			if strings.Contains(html.UnescapeString(page.Body), e) {
				t.Fatalf("the open quiz page carries an explanation: %q", e)
			}
		}
		if strings.Contains(page.Body, "正确答案") {
			t.Fatal("the open quiz page shows right answers")
		}
		r = w.PostForm("/portal/learning/quiz", form)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("submit: %d %s", r.Status, r.Body)
		}
		want(t, w.Get("/portal/learning/quiz"), http.StatusOK, "积分已到账", "答对 5/5，获得 10 积分", "正确答案", explanations[0])
		tab := w.Get("/portal/learning")
		want(t, tab, http.StatusOK, "答对 5/5", "1 天", "+10")
		if !regexp.MustCompile(`id="points-balance">10<`).MatchString(tab.Body) {
			t.Fatalf("balance is not 10: %s", tab.Body)
		}
		r = w.PostForm("/portal/learning/quiz", form) // the same submission again
		want(t, w.Get(r.Location), http.StatusOK, "今天的答卷已经提交过了")
		var balance int64
		db.QueryRow(context.Background(), `SELECT SUM(amount) FROM points_entries`).Scan(&balance)
		if balance != 10 {
			t.Fatalf("ledger holds %d points, want 10", balance)
		}
		// Another worker has their own quiz, and cannot submit this one.
		env.Clock.Advance(61e9)
		other := env.Worker(t, "13900000002")
		form.Del("_csrf")
		r = other.PostForm("/portal/learning/quiz", form)
		if r.Status != http.StatusNotFound {
			t.Fatalf("another worker's submission: %d", r.Status)
		}
	})
}

func TestConsoleQuestions_CreateValidateEditFilterExport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		clerk := env.Staff(t, "gulou.clerk")
		// The demo bank is the city's: a district clerk sees only their own subtree's questions.
		want(t, clerk.Get("/console/learning/questions"), http.StatusOK, "题库管理", "没有符合条件的记录")
		want(t, env.Staff(t, "city.clerk").Get("/console/learning/questions"), http.StatusOK, "劳动争议申请仲裁", "福州市总工会")
		want(t, clerk.Get("/console/learning/questions/new"), http.StatusOK, "选项A")
		bad := url.Values{"kind": {"single"}, "stem": {"鼓楼区职工书屋开放时间？"}, "option_A": {"周一"}, "option_B": {"周二"}, "answer": {"D"}}
		r := clerk.PostForm("/console/learning/questions", bad)
		want(t, r, http.StatusUnprocessableEntity, "单选题的答案是一个已填写选项的字母", "鼓楼区职工书屋开放时间？", `value="周二"`)
		good := url.Values{"kind": {"multiple"}, "stem": {"鼓楼区职工书屋提供哪些服务？"}, "option_A": {"借阅"}, "option_B": {"讲座"},
			"option_C": {"理发"}, "answer": {"b,a"}, "tags": {"书屋 鼓楼"}, "difficulty": {"2"}, "explanation": {"书屋提供借阅与讲座"}}
		r = clerk.PostForm("/console/learning/questions", good)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		list := clerk.Get("/console/learning/questions?tag=书屋")
		want(t, list, http.StatusOK, "题目已添加", "鼓楼区职工书屋提供哪些服务？", "AB", "鼓楼区总工会")
		if strings.Contains(list.Body, "劳动争议申请仲裁") {
			t.Fatal("tag filter shows untagged questions")
		}
		id := regexp.MustCompile(`/console/learning/questions/(\d+)/edit`).FindStringSubmatch(list.Body)
		if id == nil {
			t.Fatal("no edit link")
		}
		edit := clerk.Get("/console/learning/questions/" + id[1] + "/edit")
		want(t, edit, http.StatusOK, `name="version" value="1"`)
		good.Set("stem", "鼓楼区职工书屋有哪些服务？")
		good.Set("version", "1")
		if r := clerk.PostForm("/console/learning/questions/"+id[1], good); r.Status != http.StatusSeeOther {
			t.Fatalf("edit: %d %s", r.Status, r.Body)
		}
		want(t, clerk.PostForm("/console/learning/questions/"+id[1], good), http.StatusConflict, "刚被别人修改过")
		// A sibling district's clerk cannot reach it.
		if r := env.Staff(t, "taijiang.clerk").Get("/console/learning/questions/" + id[1] + "/edit"); r.Status != http.StatusNotFound {
			t.Fatalf("台江 clerk opens a 鼓楼 question: %d", r.Status)
		}
		x := clerk.Get("/console/learning/questions?tag=书屋&export=xlsx")
		f, err := excelize.OpenReader(bytes.NewReader(x.Raw))
		if err != nil {
			t.Fatalf("export: %v", err)
		}
		rows, _ := f.GetRows(f.GetSheetName(0))
		if len(rows) != 2 || rows[0][1] != "题目" || rows[1][1] != "鼓楼区职工书屋有哪些服务？" || rows[1][0] != "多选题" {
			t.Fatalf("export rows %v", rows)
		}
		r = clerk.PostForm("/console/learning/questions/"+id[1]+"/active", url.Values{"active": {"0"}})
		want(t, clerk.Get(r.Location+"?active=0"), http.StatusOK, "题目已停用", "鼓楼区职工书屋有哪些服务？")
	})
}

func upload(t *testing.T, c *apptest.Client, name string, file []byte) *apptest.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("_csrf", c.CSRF)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(file)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.Base+"/console/learning/questions/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", c.Base)
	return c.Do(req)
}

func TestQuestionImport_TemplateGoodRowsAndErrorReport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		clerk := env.Staff(t, "gulou.clerk")
		want(t, clerk.Get("/console/learning/questions/import"), http.StatusOK, "下载导入模板")
		tpl := clerk.Get("/console/learning/questions/import/template")
		f, err := excelize.OpenReader(bytes.NewReader(tpl.Raw))
		if err != nil {
			t.Fatalf("template: %v", err)
		}
		sh := f.GetSheetName(0)
		head, _ := f.GetRows(sh)
		if len(head) == 0 || !strings.Contains(strings.Join(head[0], ","), "题型") || !strings.Contains(strings.Join(head[0], ","), "选项A") {
			t.Fatalf("template headers %v", head)
		}
		for i, row := range [][]any{
			{"单选题", "工会法何时修正？", "2021年", "1999年", "", "", "", "", "A", "2021年12月修正", "工会法", "易"},
			{"判断题", "职工书屋免费开放。", "", "", "", "", "", "", "对", "", "书屋", "中"},
			{"单选题", "只有两个选项的题？", "甲", "乙", "", "", "", "", "C", "", "", ""},
			{"填空题", "不支持的题型", "", "", "", "", "", "", "A", "", "", ""},
		} {
			cell, _ := excelize.CoordinatesToCellName(1, i+2)
			f.SetSheetRow(sh, cell, &row)
		}
		var b bytes.Buffer
		f.Write(&b)
		r := upload(t, clerk, "题库.xlsx", b.Bytes())
		want(t, r, http.StatusOK, "已导入 2 道题目，退回 2 行", "错误原因", "答案：单选题的答案是一个已填写选项的字母", "题型：请选择题型")
		m := regexp.MustCompile(`href="data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64,([^"]+)"`).FindStringSubmatch(r.Body)
		if m == nil {
			t.Fatal("no error report link")
		}
		raw, _ := base64.StdEncoding.DecodeString(html.UnescapeString(m[1]))
		rep, err := excelize.OpenReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("error report: %v", err)
		}
		rows, _ := rep.GetRows(rep.GetSheetName(0))
		last := rows[0][len(rows[0])-1]
		if len(rows) != 3 || last != "错误原因" || rows[1][1] != "只有两个选项的题？" {
			t.Fatalf("error report rows %v", rows)
		}
		want(t, clerk.Get("/console/learning/questions?q=工会法何时修正"), http.StatusOK, "工会法何时修正", "鼓楼区总工会")
		want(t, upload(t, clerk, "空.txt", []byte("hello")), http.StatusUnprocessableEntity)
		var audited int
		db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = 'learning.question.import'`).Scan(&audited)
		if audited != 1 {
			t.Fatalf("%d import audit rows", audited)
		}
	})
}
