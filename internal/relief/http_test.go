package relief_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"zhijia/internal/app/apptest"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

// applyForm is a complete, valid application as the portal posts it.
func applyForm(key string) url.Values {
	return url.Values{"idem_key": {key}, "cause": {"illness"}, "income": {"2500"}, "unavoidable": {"300"},
		"medical_costs": {"80000"}, "insurance_paid": {"30000.50"}, "requested": {"10000"},
		"statement": {"丈夫患病住院，家庭收入骤减。"}, "consent": {"1"},
		"payee_name": {"陈小明"}, "payee_bank": {"中国工商银行福州鼓楼支行"}, "payee_account": {"6222 0212 3456 7890 128"}}
}

var appIDRE = regexp.MustCompile(`id=(\d+)`)

func submitted(t *testing.T, r *apptest.Response) int64 {
	t.Helper()
	m := appIDRE.FindStringSubmatch(r.Location)
	if r.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("submit: %d → %q\n%s", r.Status, r.Location, r.Body)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

var versionRE = regexp.MustCompile(`name="version" value="(\d+)"`)

func version(t *testing.T, body string) string {
	t.Helper()
	m := versionRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no version on the page")
	}
	return m[1]
}

func decide(t *testing.T, c *apptest.Client, id int64, form url.Values) *apptest.Response {
	t.Helper()
	path := "/console/relief/applications/" + strconv.FormatInt(id, 10)
	page := c.Get(path)
	if page.Status != http.StatusOK {
		t.Fatalf("review page: %d", page.Status)
	}
	if form.Get("version") == "" {
		form.Set("version", version(t, page.Body))
	}
	return c.PostForm(path+"/decide", form)
}

// One household from the worker's phone through three levels, a return and a
// resubmission, with grants from the district and the city.
func TestHTTP_ApplyReviewThreeLevels(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		worker := env.Worker(t, "13900000001")
		form := worker.Get("/portal/relief/apply")
		if form.Status != http.StatusOK || !strings.Contains(form.Body, "申请金额") {
			t.Fatalf("apply form: %d", form.Status)
		}
		bad := applyForm("k1")
		bad.Set("requested", "12.345")
		bad.Del("consent")
		r := worker.PostForm("/portal/relief/apply", bad)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "请填写金额，如 1200 或 1200.50") ||
			!strings.Contains(r.Body, `value="30000.50"`) {
			t.Fatalf("bad amount: %d\n%s", r.Status, r.Body)
		}
		bad.Set("requested", "10000")
		if r := worker.PostForm("/portal/relief/apply", bad); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "请勾选同意后再提交") {
			t.Fatalf("no consent: %d", r.Status)
		}
		id := submitted(t, worker.PostForm("/portal/relief/apply", applyForm("k1")))
		if again := submitted(t, worker.PostForm("/portal/relief/apply", applyForm("k1"))); again != id {
			t.Fatalf("double tap made a second application: %d and %d", id, again)
		}
		grass, district, city := env.Staff(t, "grass.clerk"), env.Staff(t, "gulou.reviewer"), env.Staff(t, "city.reviewer")
		if inbox := grass.Get("/console/relief/inbox"); !strings.Contains(inbox.Body, "/console/relief/applications/"+strconv.FormatInt(id, 10)) {
			t.Fatalf("grassroots inbox lacks the application")
		}
		v1 := version(t, grass.Get("/console/relief/applications/"+strconv.FormatInt(id, 10)).Body)
		if r := decide(t, district, id, url.Values{"action": {"approve"}, "version": {v1}}); r.Status != http.StatusForbidden || !strings.Contains(r.Body, "当前审核环节由") {
			t.Fatalf("district deciding the grassroots step: %d", r.Status)
		}
		if r := decide(t, grass, id, url.Values{"action": {"approve"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("grassroots approve: %d\n%s", r.Status, r.Body)
		}
		page := district.Get("/console/relief/applications/" + strconv.FormatInt(id, 10))
		stale := version(t, page.Body)
		if r := district.PostForm("/console/relief/applications/"+strconv.FormatInt(id, 10)+"/decide",
			url.Values{"action": {"approve"}, "amount": {"3000"}, "version": {stale}}); r.Status != http.StatusSeeOther {
			t.Fatalf("district approve: %d\n%s", r.Status, r.Body)
		}
		r = district.PostForm("/console/relief/applications/"+strconv.FormatInt(id, 10)+"/decide",
			url.Values{"action": {"approve"}, "amount": {"3000"}, "version": {stale}})
		if r.Status != http.StatusConflict || !strings.Contains(r.Body, "该申请已被他人处理或已有更新") {
			t.Fatalf("second approval on a stale page: %d", r.Status)
		}
		if r := decide(t, city, id, url.Values{"action": {"return"}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "请填写原因") {
			t.Fatalf("return without a reason: %d", r.Status)
		}
		if r := decide(t, city, id, url.Values{"action": {"return"}, "reason": {"请补充医院诊断证明"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("city return: %d", r.Status)
		}
		mine := worker.Get("/portal/relief/application?id=" + strconv.FormatInt(id, 10))
		if !strings.Contains(mine.Body, "请补充医院诊断证明") || !strings.Contains(mine.Body, "需要补充材料") {
			t.Fatalf("the worker does not see what is asked:\n%s", mine.Body)
		}
		if r := worker.PostForm("/portal/relief/resubmit", url.Values{"id": {strconv.FormatInt(id, 10)},
			"version": {version(t, mine.Body)}, "supplement": {"诊断证明已上传"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("resubmit: %d\n%s", r.Status, r.Body)
		}
		if r := decide(t, city, id, url.Values{"action": {"approve"}, "amount": {"5,000"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("city approve: %d\n%s", r.Status, r.Body)
		}
		mine = worker.Get("/portal/relief/application?id=" + strconv.FormatInt(id, 10))
		for _, want := range []string{"公示中", "8,000.00", "本级救助3,000.00元", "本级救助5,000.00元"} {
			if !strings.Contains(mine.Body, want) {
				t.Errorf("worker's page lacks %q", want)
			}
		}
		if r := env.Staff(t, "taijiang.clerk").Get("/console/relief/applications/" + strconv.FormatInt(id, 10)); r.Status != http.StatusNotFound {
			t.Errorf("sibling district staff reach the application: %d", r.Status)
		}
		list := city.Get("/console/relief/applications?status=notice")
		if !strings.Contains(list.Body, "陈*明") || strings.Contains(list.Body, "陈小明") {
			t.Errorf("list shows the name unmasked or not at all")
		}
		if x := city.Get("/console/relief/applications?export=xlsx"); x.Status != http.StatusOK || !strings.Contains(x.Header.Get("Content-Type"), "spreadsheetml") {
			t.Errorf("export: %d %s", x.Status, x.Header.Get("Content-Type"))
		}
	})
}

func multipartFile(t *testing.T, c *apptest.Client, path string, fields map[string]string, name string, data []byte) *apptest.Response {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	w.WriteField("_csrf", c.CSRF)
	fw, _ := w.CreateFormFile("file", name)
	fw.Write(data)
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, c.Base+path, &b)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Origin", c.Base)
	return c.Do(req)
}

func TestHTTP_AttachmentsSniffedAndServedOnlyToTheEntitled(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		worker := env.Worker(t, "13900000001")
		worker.Get("/portal/relief/apply")
		id := submitted(t, worker.PostForm("/portal/relief/apply", applyForm("a1")))
		sid := strconv.FormatInt(id, 10)
		worker.Get("/portal/relief/application?id=" + sid)
		r := multipartFile(t, worker, "/portal/relief/attach", map[string]string{"id": sid}, "发票.pdf", []byte("not a pdf at all, just text"))
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "只能上传PDF、JPG或PNG文件") {
			t.Fatalf("text named .pdf: %d", r.Status)
		}
		var img bytes.Buffer
		png.Encode(&img, image.NewRGBA(image.Rect(0, 0, 4, 4)))
		if r := multipartFile(t, worker, "/portal/relief/attach", map[string]string{"id": sid}, "诊断证明.jpg", img.Bytes()); r.Status != http.StatusSeeOther {
			t.Fatalf("png upload: %d\n%s", r.Status, r.Body)
		}
		page := worker.Get("/portal/relief/application?id=" + sid)
		m := regexp.MustCompile(`/portal/relief/attachment\?id=(\d+)">([^<]+)<`).FindStringSubmatch(page.Body)
		if m == nil || m[2] != "诊断证明.png" {
			t.Fatalf("document not listed with its sniffed type: %v", m)
		}
		got := worker.Get("/portal/relief/attachment?id=" + m[1])
		if got.Status != http.StatusOK || got.Header.Get("Content-Type") != "image/png" || !bytes.Equal(got.Raw, img.Bytes()) {
			t.Fatalf("download: %d %s", got.Status, got.Header.Get("Content-Type"))
		}
		env.Clock.Advance(61e9)
		if r := env.Worker(t, "13900000002").Get("/portal/relief/attachment?id=" + m[1]); r.Status != http.StatusNotFound {
			t.Errorf("another worker opens the document: %d", r.Status)
		}
		if r := env.Staff(t, "taijiang.clerk").Get("/console/relief/attachments/" + m[1]); r.Status != http.StatusNotFound {
			t.Errorf("sibling staff open the document: %d", r.Status)
		}
		if r := env.Staff(t, "gulou.reviewer").Get("/console/relief/attachments/" + m[1]); r.Status != http.StatusOK {
			t.Errorf("district reviewer cannot open the document: %d", r.Status)
		}
	})
}

func TestHTTP_SetupPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		city := env.Staff(t, "city.clerk")
		page := city.Get("/console/relief/setup")
		if page.Status != http.StatusOK || !strings.Contains(page.Body, "10,000,000.00") {
			t.Fatalf("setup page: %d", page.Status)
		}
		year := regexp.MustCompile(`name="year" value="(\d+)"`).FindStringSubmatch(page.Body)[1]
		r := city.PostForm("/console/relief/setup", url.Values{"year": {year}, "cap_application": {"abc"}, "cap_household": {"60000"},
			"stop_at": {"district"}, "due_days": {"7"}, "notice_days": {"5"}, "cause": {"illness"}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `value="abc"`) {
			t.Fatalf("bad cap: %d", r.Status)
		}
		r = city.PostForm("/console/relief/setup", url.Values{"year": {year}, "cap_application": {"40000"}, "cap_household": {"60000"},
			"stop_at": {"district"}, "due_days": {"7"}, "notice_days": {"5"}, "cause": {"illness", "disaster"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("save programme: %d\n%s", r.Status, r.Body)
		}
		district := env.Staff(t, "gulou.clerk")
		if r := district.PostForm("/console/relief/setup", url.Values{"year": {year}, "cap_application": {"40000"}, "cap_household": {"60000"},
			"stop_at": {"district"}, "due_days": {"7"}, "notice_days": {"5"}, "cause": {"illness"}}); r.Status != http.StatusForbidden {
			t.Errorf("district setting the city's programme: %d", r.Status)
		}
		gulou := env.Info.Tree.Districts["350102"]
		if r := district.PostForm("/console/relief/funds", url.Values{"year": {year}, "org_id": {strconv.FormatInt(env.Info.Tree.City, 10)}, "total": {"1"}}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("district setting the city's fund: %d", r.Status)
		}
		if r := district.PostForm("/console/relief/funds", url.Values{"year": {year}, "org_id": {strconv.FormatInt(gulou, 10)}, "total": {"2,000,000"}}); r.Status != http.StatusSeeOther {
			t.Errorf("district setting its fund: %d", r.Status)
		}
		if r := district.PostForm("/console/relief/dibao", url.Values{"year": {year}, "district_id": {strconv.FormatInt(gulou, 10)}, "monthly": {"1150"}}); r.Status != http.StatusSeeOther {
			t.Errorf("district setting its 低保: %d", r.Status)
		}
		page = district.Get("/console/relief/setup")
		for _, want := range []string{"2,000,000.00", "1,150.00"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("setup page lacks %s", want)
			}
		}
	})
}

// approveAll takes application id through the three demo levels: 3,000 yuan
// from 鼓楼区, 5,000 from the city.
func approveAll(t *testing.T, env *apptest.Env, id int64) {
	t.Helper()
	for _, step := range []struct{ user, amount string }{{"grass.clerk", ""}, {"gulou.reviewer", "3000"}, {"city.reviewer", "5000"}} {
		if r := decide(t, env.Staff(t, step.user), id, url.Values{"action": {"approve"}, "amount": {step.amount}}); r.Status != http.StatusSeeOther {
			t.Fatalf("%s approve: %d\n%s", step.user, r.Status, r.Body)
		}
	}
}

func TestHTTP_NoticeObjectionAndPayment(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		worker := env.Worker(t, "13900000001")
		worker.Get("/portal/relief/apply")
		id := submitted(t, worker.PostForm("/portal/relief/apply", applyForm("n1")))
		approveAll(t, env, id)
		public := env.NewClient(t).Get("/relief/notices")
		if public.Status != http.StatusOK || !strings.Contains(public.Body, "陈*明") || strings.Contains(public.Body, "陈小明") ||
			!strings.Contains(public.Body, "8,000.00") || !strings.Contains(public.Body, "因病") {
			t.Fatalf("public notice: %d\n%s", public.Status, public.Body)
		}
		checkListExports(t, env.Staff(t, "gulou.clerk"), "/console/relief/notices")
		env.Clock.Advance(61e9)
		neighbour := env.Worker(t, "13900000002")
		neighbour.Get("/portal/relief/objection?id=" + strconv.FormatInt(id, 10))
		if r := neighbour.PostForm("/portal/relief/objection", url.Values{"id": {strconv.FormatInt(id, 10)}, "body": {""}}); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("empty objection: %d", r.Status)
		}
		if r := neighbour.PostForm("/portal/relief/objection", url.Values{"id": {strconv.FormatInt(id, 10)}, "body": {"该户有经营性收入未申报"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("objection: %d\n%s", r.Status, r.Body)
		}
		staff := env.Staff(t, "taijiang.clerk")
		staff.Get("/console/relief/notices")
		if r := staff.PostForm("/console/relief/notices/objection", url.Values{"id": {strconv.FormatInt(id, 10)}, "body": {"同一户已在台江区获助"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("staff objection: %d\n%s", r.Status, r.Body)
		}
		env.Clock.Advance(8 * 24 * 3600e9)
		district := env.Staff(t, "gulou.clerk")
		if b := district.Get("/console/relief/batches"); !strings.Contains(b.Body, "本级待发放 0 笔") {
			t.Fatalf("payable while an objection is open:\n%s", b.Body)
		}
		objs := district.Get("/console/relief/objections")
		m := regexp.MustCompile(`/console/relief/objections/(\d+)/resolve`).FindStringSubmatch(objs.Body)
		if m == nil || !strings.Contains(objs.Body, "该户有经营性收入未申报") {
			t.Fatalf("objection not listed")
		}
		for _, id := range regexp.MustCompile(`/console/relief/objections/(\d+)/resolve`).FindAllStringSubmatch(objs.Body, -1) {
			if r := district.PostForm("/console/relief/objections/"+id[1]+"/resolve", url.Values{"outcome": {"dismiss"}, "finding": {"经入户核实，情况属实"}}); r.Status != http.StatusSeeOther {
				t.Fatalf("resolve: %d", r.Status)
			}
		}
		if r := district.PostForm("/console/relief/batches", url.Values{}); r.Status != http.StatusSeeOther {
			t.Fatalf("batch: %d\n%s", r.Status, r.Body)
		}
		batches := district.Get("/console/relief/batches")
		bm := regexp.MustCompile(`/console/relief/batches/(\d+)"`).FindStringSubmatch(batches.Body)
		if bm == nil {
			t.Fatal("batch not listed")
		}
		checkBankFile(t, env, district, bm[1])
		checkListExports(t, district, "/console/relief/batches", "/console/relief/objections")
		district.Get("/console/relief/batches/" + bm[1])
		if r := district.PostForm("/console/relief/batches/"+bm[1]+"/paid", url.Values{"bank_ref": {"GL20261201001"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("paid: %d\n%s", r.Status, r.Body)
		}
		if r := district.PostForm("/console/relief/batches/"+bm[1]+"/paid", url.Values{"bank_ref": {"GL20261201001"}}); r.Status != http.StatusConflict {
			t.Fatalf("paid twice: %d", r.Status)
		}
		env.Clock.Advance(61e9)
		worker = env.Worker(t, "13900000001") // days later: a new sign-in
		mine := worker.Get("/portal/relief/application?id=" + strconv.FormatInt(id, 10))
		if !strings.Contains(mine.Body, "已发放") || !strings.Contains(mine.Body, "待发放") {
			t.Errorf("worker does not see the district's part paid and the city's to pay")
		}
	})
}

func TestHTTP_ArchiveAndYearReport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		worker := env.Worker(t, "13900000001")
		worker.Get("/portal/relief/apply")
		approveAll(t, env, submitted(t, worker.PostForm("/portal/relief/apply", applyForm("r1"))))
		district := env.Staff(t, "gulou.clerk")
		list := district.Get("/console/relief/archive")
		m := regexp.MustCompile(`/console/relief/archive/(\d+)"`).FindStringSubmatch(list.Body)
		if m == nil || !strings.Contains(list.Body, "陈*明") {
			t.Fatalf("archive list lacks the household:\n%s", list.Body)
		}
		path := "/console/relief/archive/" + m[1]
		page := district.Get(path)
		r := district.PostForm(path+"/review", url.Values{"version": {version(t, page.Body)}, "month": {"2026/01"}, "per_capita": {"1500"}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "请按 2026-01 的格式填写月份") || !strings.Contains(r.Body, `value="1500"`) {
			t.Fatalf("bad month: %d", r.Status)
		}
		if r := district.PostForm(path+"/review", url.Values{"version": {version(t, page.Body)}, "month": {"2026-01"}, "per_capita": {"1500"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("review: %d\n%s", r.Status, r.Body)
		}
		if r := env.Staff(t, "taijiang.clerk").Get(path); r.Status != http.StatusNotFound {
			t.Errorf("sibling reaches the file: %d", r.Status)
		}
		page = district.Get(path)
		if r := district.PostForm(path+"/exit", url.Values{"version": {version(t, page.Body)}, "reason": {"家庭收入稳定"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("exit: %d\n%s", r.Status, r.Body)
		}
		city := env.Staff(t, "city.clerk")
		report := city.Get("/console/relief/report")
		if report.Status != http.StatusOK || !strings.Contains(report.Body, "本年解困脱困") || !strings.Contains(report.Body, "8,000.00") {
			t.Fatalf("report: %d", report.Status)
		}
		if x := city.Get("/console/relief/report?export=xlsx"); x.Status != http.StatusOK || !strings.Contains(x.Header.Get("Content-Type"), "spreadsheetml") {
			t.Errorf("report export: %d", x.Status)
		}
		page = district.Get(path)
		if r := district.PostForm(path+"/reopen", url.Values{"version": {version(t, page.Body)}, "reason": {"再次失业"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("reopen: %d\n%s", r.Status, r.Body)
		}
		reviewer := env.Staff(t, "gulou.reviewer")
		if inbox := reviewer.Get("/console/relief/inbox"); strings.Contains(inbox.Body, "到期待复核") {
			t.Errorf("inbox reminds of a file not yet due")
		}
		if _, err := db.Exec(context.Background(), `UPDATE relief_archive SET next_review_on = '2000-01-01'`); err != nil {
			t.Fatal(err)
		}
		if inbox := reviewer.Get("/console/relief/inbox"); !strings.Contains(inbox.Body, "有 1 户困难职工档案到期待复核") {
			t.Errorf("inbox does not remind of the file due for review")
		}
	})
}
