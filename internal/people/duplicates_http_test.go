package people_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhijia/internal/app/apptest"
	"zhijia/internal/people"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

func TestDuplicatePages_ScanReviewMerge(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		ctx := platform.WithActor(context.Background(), platform.System("test"))
		var ws [2]*people.Worker
		for i, body := range []string{"35010219770707171", "35010219770707282"} {
			w, err := env.App.People.CreateWorker(ctx, people.WorkerInput{OrgID: env.Info.Tree.Gulou, Name: "郑双份",
				IDNumber: idNumber(body), MemberStatus: people.NonMember})
			if err != nil {
				t.Fatal(err)
			}
			ws[i] = w
		}
		clerk := env.Staff(t, "gulou.clerk")
		clerk.Get("/console/worker-duplicates")
		r := clerk.PostForm("/console/worker-duplicates/scan", nil)
		if r.Status != http.StatusSeeOther || !strings.Contains(r.Location, "found=") {
			t.Fatalf("scan: %d %q", r.Status, r.Location)
		}
		var id, version int64
		if err := db.QueryRow(context.Background(), `SELECT id, version FROM worker_duplicates WHERE a_id = ? AND b_id = ?`,
			ws[0].ID, ws[1].ID).Scan(&id, &version); err != nil {
			t.Fatalf("pair not queued: %v", err)
		}
		if r = clerk.Get(r.Location); r.Status != 200 || !strings.Contains(r.Body, fmt.Sprintf("/console/worker-duplicates/%d", id)) {
			t.Fatalf("list: %d", r.Status)
		}
		page := fmt.Sprintf("/console/worker-duplicates/%d", id)
		r = clerk.Get(page)
		if r.Status != 200 || strings.Contains(r.Body, "郑双份") || strings.Count(r.Body, people.MaskName("郑双份")) < 2 ||
			!strings.Contains(r.Body, ws[0].IDMasked) || !strings.Contains(r.Body, ws[1].IDMasked) {
			t.Fatalf("pair page: %d, want both records masked side by side", r.Status)
		}
		if r = env.Staff(t, "taijiang.clerk").Get(page); r.Status != http.StatusNotFound {
			t.Errorf("台江 clerk on a 鼓楼 pair: %d, want 404", r.Status)
		}
		form := url.Values{"version": {fmt.Sprint(version)}}
		if r = clerk.PostForm(page+"/merge", form); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `aria-invalid="true"`) {
			t.Errorf("merge without a choice: %d, want 422 with the field marked", r.Status)
		}
		form.Set("keep", fmt.Sprint(ws[1].ID))
		stale := url.Values{"version": {fmt.Sprint(version + 1)}, "keep": {fmt.Sprint(ws[1].ID)}}
		if r = clerk.PostForm(page+"/merge", stale); r.Status != http.StatusConflict {
			t.Errorf("stale merge: %d, want 409", r.Status)
		}
		if r = clerk.PostForm(page+"/merge", form); r.Status != http.StatusSeeOther || r.Location != page {
			t.Fatalf("merge: %d %q %s", r.Status, r.Location, r.Body)
		}
		if r = clerk.Get(fmt.Sprintf("/console/workers/%d", ws[0].ID)); r.Status != http.StatusNotFound {
			t.Errorf("merged-away record: %d, want 404", r.Status)
		}
		if r = clerk.Get(fmt.Sprintf("/console/workers/%d", ws[1].ID)); r.Status != 200 {
			t.Errorf("kept record: %d", r.Status)
		}
		if r = clerk.PostForm(page+"/dismiss", url.Values{"version": {fmt.Sprint(version + 1)}}); r.Status != http.StatusConflict {
			t.Errorf("dismiss after merge: %d, want 409", r.Status)
		}
		// The queue exports as the page shows it: names and id numbers masked.
		r = clerk.Get("/console/worker-duplicates?status=merged&export=xlsx")
		f, err := excelize.OpenReader(bytes.NewReader(r.Raw))
		if err != nil {
			t.Fatalf("export: HTTP %d: %v", r.Status, err)
		}
		defer f.Close()
		rows, _ := f.GetRows(f.GetSheetList()[0])
		if len(rows) != 2 || rows[0][1] != "记录一" || rows[1][1] != "（已合并删除）" {
			t.Fatalf("export rows %q", rows)
		}
		if !strings.Contains(rows[1][2], people.MaskName("郑双份")) || !strings.Contains(rows[1][2], ws[1].IDMasked) ||
			strings.Contains(strings.Join(rows[1], " "), "郑双份") || rows[1][4] != "已合并" {
			t.Errorf("export row %q: want the kept record masked and the pair merged", rows[1])
		}
	})
}
