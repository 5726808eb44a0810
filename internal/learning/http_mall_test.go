package learning_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhijia/internal/app/apptest"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
	"zhijia/internal/points"
)

func TestMallPages_RewardRedeemDeliverCancel(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		clerk := env.Staff(t, "gulou.clerk")
		today := env.Clock.Now().In(platform.Shanghai).Format("2006-01-02")
		bad := url.Values{"name": {"保温杯"}, "cost": {"0"}, "stock": {"x"}, "opens": {today}, "closes": {"2000-01-01"}}
		want(t, clerk.PostForm("/console/learning/rewards", bad), http.StatusUnprocessableEntity,
			"所需积分填正整数", "库存填 0 或正整数", "截止日期不能早于开始日期", `value="保温杯"`)
		good := url.Values{"name": {"保温杯"}, "cost": {"8"}, "stock": {"3"}, "per_person": {"2"}, "opens": {today}, "closes": {today}}
		if r := clerk.PostForm("/console/learning/rewards", good); r.Status != http.StatusSeeOther {
			t.Fatalf("save reward: %d %s", r.Status, r.Body)
		}
		want(t, clerk.Get("/console/learning/rewards"), http.StatusOK, "商品已保存", "保温杯")
		wantExportRow(t, clerk.Get("/console/learning/rewards?export=xlsx"), "保温杯", "8", "3", "2")

		var chen int64
		db.QueryRow(context.Background(), `SELECT id FROM workers WHERE name = '陈小明'`).Scan(&chen)
		env.App.Points.Award(context.Background(), points.Award{WorkerID: chen, Amount: 20, Reason: "每日答题", Source: "t:1"})
		w := env.Worker(t, "13900000001")
		mall := w.Get("/portal/learning/mall")
		want(t, mall, http.StatusOK, "保温杯", "剩余 3 件", "每人限兑 2 件，已兑 0 件")
		id := regexp.MustCompile(`name="reward" value="(\d+)"`).FindStringSubmatch(mall.Body)
		for range 2 {
			if r := w.PostForm("/portal/learning/mall/redeem", url.Values{"reward": {id[1]}}); r.Status != http.StatusSeeOther {
				t.Fatalf("redeem: %d", r.Status)
			}
		}
		r := w.PostForm("/portal/learning/mall/redeem", url.Values{"reward": {id[1]}})
		page := w.Get(r.Location)
		want(t, page, http.StatusOK, "您已兑满该商品的每人限兑数量", "取货码", `id="mall-balance">4<`)
		codes := regexp.MustCompile(`class="pickup-code">(\d{8})<`).FindAllStringSubmatch(page.Body, -1)
		orders := regexp.MustCompile(`name="order" value="(\d+)"`).FindAllStringSubmatch(page.Body, -1)
		if len(codes) != 2 || len(orders) != 2 {
			t.Fatalf("codes %v orders %v", codes, orders)
		}
		// The worker cancels one; the clerk finds the other by its code and hands it over.
		r = w.PostForm("/portal/learning/mall/cancel", url.Values{"order": {orders[0][1]}})
		want(t, w.Get(r.Location), http.StatusOK, "积分已退回", `id="mall-balance">12<`, "剩余 2 件")
		list := clerk.Get("/console/learning/orders?code=" + codes[1][1])
		want(t, list, http.StatusOK, codes[1][1], "陈*明", "待领取")
		if r := clerk.PostForm("/console/learning/orders/"+orders[1][1]+"/deliver", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("deliver: %d", r.Status)
		}
		want(t, clerk.Get("/console/learning/orders?status=delivered"), http.StatusOK, "已确认领取", "已领取", "刘芳")
		r = clerk.PostForm("/console/learning/orders/"+orders[1][1]+"/cancel", nil)
		want(t, clerk.Get(r.Location), http.StatusOK, "该订单已领取或已取消")
		x := clerk.Get("/console/learning/orders?export=xlsx")
		f, err := excelize.OpenReader(bytes.NewReader(x.Raw))
		if err != nil {
			t.Fatalf("export: %v", err)
		}
		rows, _ := f.GetRows(f.GetSheetName(0))
		if len(rows) != 3 || rows[0][5] != "取货码" {
			t.Fatalf("export rows %v", rows)
		}
		if r := env.Staff(t, "taijiang.clerk").PostForm("/console/learning/orders/"+orders[0][1]+"/deliver", nil); r.Status != http.StatusNotFound {
			t.Fatalf("台江 touches a 鼓楼 order: %d", r.Status)
		}
	})
}

// wantExportRow checks a list's Excel export holds one data row starting with cells.
func wantExportRow(t *testing.T, r *apptest.Response, cells ...string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(r.Raw))
	if err != nil {
		t.Fatalf("export: HTTP %d: %v", r.Status, err)
	}
	defer f.Close()
	rows, _ := f.GetRows(f.GetSheetList()[0])
	if len(rows) != 2 || len(rows[1]) < len(cells) {
		t.Fatalf("export rows %q, want a header and one row", rows)
	}
	for i, c := range cells {
		if rows[1][i] != c {
			t.Fatalf("export row %q, want it to start with %q", rows[1], cells)
		}
	}
}
