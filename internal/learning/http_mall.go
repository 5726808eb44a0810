package learning

import (
	"net/http"
	"strconv"

	"zhijia/internal/platform"
	"zhijia/internal/points"
	"zhijia/internal/web"
)

const (
	rewardsPath = "/console/learning/rewards"
	ordersPath  = "/console/learning/orders"
	mallPath    = "/portal/learning/mall"
)

type rewardsView struct {
	CanEdit bool
	Rows    []Reward
	P       web.Pager
}

type rewardForm struct {
	ID     int64
	Action string
	In     RewardInput
	Alert  string
	Errors map[string]string
}

type ordersView struct {
	CanEdit  bool
	Rows     []Order
	Q        web.ListQuery
	P        web.Pager
	Statuses []string
}

type mallView struct {
	Balance points.Balance
	Rewards []Reward
	Orders  []Order
}

func (h *Handlers) rewards(c *web.Ctx) error {
	q := c.ParseList("closes")
	rows, total, err := h.store.FindRewards(c.R.Context(), q.Limit(), q.Offset())
	if err != nil {
		return err
	}
	if q.Export {
		head := []string{c.T("learning.reward.name"), c.T("learning.reward.cost"), c.T("learning.reward.stock"),
			c.T("learning.reward.per_person"), c.T("learning.ev.starts"), c.T("learning.ev.ends"), c.T("learning.ev.org")}
		out := make([][]any, 0, len(rows))
		for _, r := range rows {
			out = append(out, []any{r.Name, r.Cost, r.Stock, r.PerPerson, r.OpensAt, r.ClosesAt, r.OrgName})
		}
		return c.ExportXLSX(c.T("learning.rewards.title"), head, out)
	}
	v := &rewardsView{CanEdit: c.Server().Can(c.Actor, permEdit), Rows: rows, P: q.Pager(rewardsPath, total)}
	return c.RenderPage(http.StatusOK, "learning/console/rewards", &web.Page{Title: c.T("learning.rewards.title"),
		Crumbs: []web.Crumb{{Label: c.T("learning.menu_group")}, {Label: c.T("learning.rewards.title")}}, Data: v})
}

func (h *Handlers) renderReward(c *web.Ctx, status int, v *rewardForm) error {
	title := c.T("learning.rewards.new")
	if v.ID != 0 {
		title = c.T("learning.reward.edit")
	}
	return c.RenderPage(status, "learning/console/reward_form", &web.Page{Title: title,
		Crumbs: []web.Crumb{{Label: c.T("learning.menu_group")}, {Label: c.T("learning.rewards.title"), Href: rewardsPath}, {Label: title}}, Data: v})
}

func (h *Handlers) rewardNew(c *web.Ctx) error {
	today := QuizDate(h.store.clock.Now())
	return h.renderReward(c, http.StatusOK, &rewardForm{Action: rewardsPath, In: RewardInput{Opens: today, Closes: today, PerPerson: "1"}})
}

func (h *Handlers) rewardEdit(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	r, err := h.store.Reward(c.R.Context(), id)
	if err != nil {
		return err
	}
	in := RewardInput{Name: r.Name, Description: r.Description, Cost: strconv.FormatInt(r.Cost, 10), Stock: strconv.Itoa(r.Stock),
		PerPerson: strconv.Itoa(r.PerPerson), Opens: QuizDate(r.OpensAt), Closes: QuizDate(r.ClosesAt.AddDate(0, 0, -1)), Version: r.Version}
	return h.renderReward(c, http.StatusOK, &rewardForm{ID: id, Action: rewardsPath + "/" + strconv.FormatInt(id, 10), In: in})
}

func (h *Handlers) rewardSave(c *web.Ctx) error {
	var id int64
	action := rewardsPath
	if c.R.PathValue("id") != "" {
		var err error
		if id, err = c.ID("id"); err != nil {
			return err
		}
		if _, err := h.store.Reward(c.R.Context(), id); err != nil {
			return err
		}
		action += "/" + strconv.FormatInt(id, 10)
	}
	f := c.R.PostFormValue
	in := RewardInput{Name: f("name"), Description: f("description"), Cost: f("cost"), Stock: f("stock"), PerPerson: f("per_person"),
		Opens: f("opens"), Closes: f("closes"), Version: c.FormInt64("version")}
	if _, err := h.store.SaveReward(c.R.Context(), id, in); err != nil {
		status, alert, fields, ok := refusal(c, err)
		if !ok {
			return err
		}
		return h.renderReward(c, status, &rewardForm{ID: id, Action: action, In: in, Alert: alert, Errors: fields})
	}
	return c.Redirect(rewardsPath, "learning.flash.reward_saved")
}

func (h *Handlers) orders(c *web.Ctx) error {
	q := c.ParseList("placed")
	f := OrderFilter{Status: q.Get("status"), Code: q.Get("code"), Limit: q.Limit(), Offset: q.Offset()}
	switch f.Status {
	case "", OrderPlaced, OrderDelivered, OrderCancelled:
	default:
		f.Status = ""
	}
	rows, total, err := h.store.FindOrders(c.R.Context(), f)
	if err != nil {
		return err
	}
	if q.Export {
		head := []string{c.T("learning.order.placed"), c.T("learning.order.reward"), c.T("learning.att.name"), c.T("learning.att.org"),
			c.T("learning.order.cost"), c.T("learning.order.code"), c.T("learning.order.status"), c.T("learning.order.handled")}
		out := make([][]any, 0, len(rows))
		for _, d := range rows {
			out = append(out, []any{d.PlacedAt, d.RewardName, d.WorkerName, d.OrgName, d.Cost, d.PickupCode, c.T("learning.ostatus." + d.Status), d.HandledBy})
		}
		return c.ExportXLSX(c.T("learning.orders.title"), head, out)
	}
	v := &ordersView{CanEdit: c.Server().Can(c.Actor, permEdit), Rows: rows, Q: q, P: q.Pager(ordersPath, total),
		Statuses: []string{OrderPlaced, OrderDelivered, OrderCancelled}}
	return c.RenderPage(http.StatusOK, "learning/console/orders", &web.Page{Title: c.T("learning.orders.title"),
		Crumbs: []web.Crumb{{Label: c.T("learning.menu_group")}, {Label: c.T("learning.orders.title")}}, Data: v})
}

func (h *Handlers) closeOrder(status, flash string) web.HandlerFunc {
	return func(c *web.Ctx) error {
		id, err := c.ID("id")
		if err != nil {
			return err
		}
		err = h.store.CloseOrder(c.R.Context(), id, status)
		if key, ok := platformError(err); ok && platform.ErrorCode(err) == platform.CodeConflict {
			return c.Redirect(ordersPath, key)
		}
		if err != nil {
			return err
		}
		return c.Redirect(ordersPath, flash)
	}
}

func (h *Handlers) mall(c *web.Ctx) error {
	ctx := c.R.Context()
	v := &mallView{}
	var err error
	if v.Balance, err = h.ledger.BalanceOf(ctx, c.Actor.WorkerID); err != nil {
		return err
	}
	if v.Rewards, err = h.store.ShopRewards(ctx); err != nil {
		return err
	}
	if v.Orders, err = h.store.MyOrders(ctx, 20); err != nil {
		return err
	}
	return c.RenderPage(http.StatusOK, "learning/portal/mall", &web.Page{Title: c.T("learning.mall.title"), Data: v})
}

func (h *Handlers) redeem(c *web.Ctx) error {
	id := c.FormInt64("reward")
	if id <= 0 {
		return c.Redirect(mallPath, "learning.flash.no_reward")
	}
	_, err := h.store.Redeem(c.R.Context(), id)
	if key, ok := platformError(err); ok && platform.ErrorCode(err) == platform.CodeConflict {
		return c.Redirect(mallPath, key)
	}
	if err != nil {
		return err
	}
	return c.Redirect(mallPath, "learning.flash.redeemed")
}

func (h *Handlers) cancelMine(c *web.Ctx) error {
	id := c.FormInt64("order")
	if id <= 0 {
		return c.Redirect(mallPath, "learning.flash.no_reward")
	}
	err := h.store.CloseOrder(c.R.Context(), id, OrderCancelled)
	if key, ok := platformError(err); ok && platform.ErrorCode(err) == platform.CodeConflict {
		return c.Redirect(mallPath, key)
	}
	if err != nil {
		return err
	}
	return c.Redirect(mallPath, "learning.flash.order_cancelled")
}
