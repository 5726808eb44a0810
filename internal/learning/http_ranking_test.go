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
		// 台江's clerk ranks only 台江's people.
		if body := env.Staff(t, "taijiang.clerk").Get("/console/learning/ranking?period=all").Body; bytes.Contains([]byte(body), []byte("林*英")) {
			t.Fatal("台江 sees 鼓楼 workers on its leaderboard")
		}
	})
}
