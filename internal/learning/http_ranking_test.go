package learning_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhijia/internal/app/apptest"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
	"zhijia/internal/points"
)

func TestRankingPages_PortalAndConsole(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		ctx := context.Background()
		var chen, lin int64
		db.QueryRow(ctx, `SELECT id FROM workers WHERE name = '陈小明'`).Scan(&chen)
		db.QueryRow(ctx, `SELECT id FROM workers WHERE name = '林秀英'`).Scan(&lin)
		for _, a := range []points.Award{{WorkerID: chen, Amount: 10, Reason: "每日答题", Source: "t:1"}, {WorkerID: lin, Amount: 25, Reason: "活动签到", Source: "t:2"}} {
			if _, err := env.App.Points.Award(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		w := env.Worker(t, "13900000001")
		r := w.Get("/portal/learning/ranking?scope=city&period=week")
		want(t, r, http.StatusOK, "1. 林*英", "2. 陈*明", "我", "本区县工会排行", "人均")
		want(t, w.Get("/portal/learning/ranking?scope=nonsense&period=nonsense"), http.StatusOK, "个人排行")
		clerk := env.Staff(t, "gulou.clerk")
		page := clerk.Get("/console/learning/ranking?period=all&sort=rate")
		want(t, page, http.StatusOK, "工会排行", "参与率", "林*英")
		x := clerk.Get("/console/learning/ranking?period=all&sort=rate&export=xlsx")
		f, err := excelize.OpenReader(bytes.NewReader(x.Raw))
		if err != nil {
			t.Fatalf("export: %v", err)
		}
		rows, _ := f.GetRows(f.GetSheetName(0))
		if len(rows) < 2 || rows[0][1] != "工会" || rows[1][0] != "1" {
			t.Fatalf("export rows %v", rows)
		}
		f, err = excelize.OpenReader(bytes.NewReader(clerk.Get("/console/learning/ranking?period=all&board=people&export=xlsx").Raw))
		if err != nil {
			t.Fatalf("people export: %v", err)
		}
		rows, _ = f.GetRows(f.GetSheetName(0))
		if len(rows) != 3 || rows[0][1] != "姓名" || rows[1][1] != "林*英" || rows[2][3] != "10" {
			t.Fatalf("people export rows %v", rows)
		}
		// 台江's clerk ranks only 台江's people.
		if body := env.Staff(t, "taijiang.clerk").Get("/console/learning/ranking?period=all").Body; bytes.Contains([]byte(body), []byte("林*英")) {
			t.Fatal("台江 sees 鼓楼 workers on its leaderboard")
		}
	})
}

func TestLedgerSearch_FiltersScopeAndExport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		ctx := context.Background()
		var chen, lin int64
		db.QueryRow(ctx, `SELECT id FROM workers WHERE name = '陈小明'`).Scan(&chen)
		db.QueryRow(ctx, `SELECT id FROM workers WHERE name = '林秀英'`).Scan(&lin)
		for _, a := range []points.Award{{WorkerID: chen, Amount: 10, Reason: "每日答题 答对 5/5", Source: "quiz:1"},
			{WorkerID: lin, Amount: 5, Reason: "活动签到：讲堂", Source: "event:1:2"}, {WorkerID: lin, Amount: -3, Reason: "积分兑换：雨伞", Source: "order:9"}} {
			if _, err := env.App.Points.Award(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		clerk := env.Staff(t, "gulou.clerk")
		page := clerk.Get("/console/learning/ledger?source=quiz")
		want(t, page, http.StatusOK, "积分流水查询", "陈*明", "每日答题 答对 5/5", "+10")
		if bytes.Contains(page.Raw, []byte("活动签到：讲堂")) {
			t.Fatal("the quiz filter shows an event entry")
		}
		want(t, clerk.Get("/console/learning/ledger?worker="+fmtID(lin)), http.StatusOK, "活动签到：讲堂", "-3")
		x := clerk.Get("/console/learning/ledger?export=xlsx")
		f, err := excelize.OpenReader(bytes.NewReader(x.Raw))
		if err != nil {
			t.Fatalf("export: %v", err)
		}
		rows, _ := f.GetRows(f.GetSheetName(0))
		if len(rows) != 4 || rows[0][4] != "积分" {
			t.Fatalf("export rows %v", rows)
		}
		if body := env.Staff(t, "taijiang.clerk").Get("/console/learning/ledger").Body; bytes.Contains([]byte(body), []byte("陈*明")) {
			t.Fatal("台江 sees 鼓楼 ledger entries")
		}
	})
}

func TestReportPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		clerk := env.Staff(t, "gulou.clerk")
		want(t, clerk.Get("/console/learning/report?year=nonsense"), http.StatusOK, "思政学习年度统计", "活动场次", "五月风讲堂", "主题班会", "export=xlsx")
		x := clerk.Get("/console/learning/report?export=xlsx")
		f, err := excelize.OpenReader(bytes.NewReader(x.Raw))
		if err != nil {
			t.Fatalf("report export: %v", err)
		}
		rows, _ := f.GetRows(f.GetSheetName(0))
		if len(rows) < 8 || rows[0][0] != "指标" || rows[1][0] != "活动场次" {
			t.Fatalf("report export rows %v", rows)
		}
	})
}
