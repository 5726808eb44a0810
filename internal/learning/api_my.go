package learning

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"zhijia/internal/platform"
	"zhijia/internal/web"
)

// mountMyAPI adds the worker's own learning API under /api/v1/my/learning: what
// the portal's 学习 tab does, for a mini-program or another client.
func mountMyAPI(s *web.Server, h *Handlers) {
	const p = "/api/v1/my/learning"
	doc := func(sum string, req, res map[string]any, status int) web.APIDoc {
		return web.APIDoc{Summary: sum, Tag: "my", Request: req, Response: res, Status: status}
	}
	s.WorkerAPI("GET "+p, doc("My points, level, streak and today's quiz", nil, summarySchema, 0), h.apiSummary)
	s.WorkerAPI("GET "+p+"/points", doc("My points history (limit, default 20)", nil, pointsSchema, 0), h.apiPoints)
	s.WorkerAPI("GET "+p+"/quiz", doc("Today's quiz; 404 before it is started. Answers only once it is closed", nil, attemptSchema, 0), h.apiQuiz)
	s.WorkerAPI("POST "+p+"/quiz/start", doc("Start today's quiz (again: the same quiz)", nil, attemptSchema, http.StatusCreated), h.apiStart)
	s.WorkerAPIKeyed("POST "+p+"/quiz/submit", doc("Submit answers (position → letters); graded on the server, once", submitSchema, attemptSchema, 0), h.apiSubmit)
	s.WorkerAPI("GET "+p+"/events", doc("Events for my union, with my sign-up and check-in", nil, listSchema, 0), h.apiEvents)
	s.WorkerAPI("GET "+p+"/events/{id}", doc("One event for my union, with its summary and photos afterwards", nil, eventPageSchema, 0), h.apiEvent)
	s.WorkerAPI("GET "+p+"/events/{id}/photos/{photo}", web.APIDoc{Summary: "A photo of an event for my union (image/jpeg or image/png)",
		Tag: "my"}, h.apiEventPhoto)
	s.WorkerAPI("POST "+p+"/events/signup", doc("Sign up for an event", idSchema("event_id"), okSchema, http.StatusCreated), h.apiSignUp)
	s.WorkerAPI("POST "+p+"/checkin", doc("Check in with the code scanned from the organiser's screen", tokenSchema, eventSchema, http.StatusCreated), h.apiCheckin)
	s.WorkerAPI("GET "+p+"/mall", doc("Rewards I can redeem now, and my redemptions", nil, mallSchema, 0), h.apiMall)
	s.WorkerAPI("POST "+p+"/mall/redeem", doc("Redeem a reward; gives a pickup code", idSchema("reward_id"), orderSchema, http.StatusCreated), h.apiRedeem)
	s.WorkerAPI("POST "+p+"/mall/cancel", doc("Cancel my redemption; the points come back", idSchema("order_id"), okSchema, 0), h.apiCancel)
}

// ItemJSON is one question of a quiz; answer and explanation only once closed.
type ItemJSON struct {
	Position    int      `json:"position"`
	Kind        Kind     `json:"kind"`
	Stem        string   `json:"stem"`
	Options     []string `json:"options"`
	Given       string   `json:"given,omitempty"`
	Answer      string   `json:"answer,omitempty"`
	Explanation string   `json:"explanation,omitempty"`
	Correct     *bool    `json:"correct,omitempty"`
}

// AttemptJSON is a daily quiz.
type AttemptJSON struct {
	ID       int64      `json:"id"`
	Date     string     `json:"date"`
	Status   string     `json:"status"`
	Deadline time.Time  `json:"deadline"`
	Total    int        `json:"total"`
	Correct  int        `json:"correct"`
	Points   int64      `json:"points"`
	Items    []ItemJSON `json:"items"`
}

func attemptJSON(a *Attempt) AttemptJSON {
	out := AttemptJSON{ID: a.ID, Date: a.Date, Status: a.Status, Deadline: a.DeadlineAt, Total: len(a.Items), Correct: a.Correct,
		Points: a.Points, Items: []ItemJSON{}}
	for _, it := range a.Items {
		j := ItemJSON{Position: it.Position, Kind: it.Kind, Stem: it.Stem, Options: it.Options}
		if j.Options == nil {
			j.Options = []string{}
		}
		if a.Status != AttemptOpen {
			c := it.Correct
			j.Given, j.Answer, j.Explanation, j.Correct = it.Given, it.Answer, it.Explanation, &c
		}
		out.Items = append(out.Items, j)
	}
	return out
}

func (h *Handlers) apiSummary(c *web.Ctx) error {
	ctx := c.R.Context()
	b, err := h.ledger.BalanceOf(ctx, c.Actor.WorkerID)
	if err != nil {
		return err
	}
	streak, err := h.store.StreakOf(ctx)
	if err != nil {
		return err
	}
	today, err := h.store.Today(ctx)
	if err != nil {
		return err
	}
	lv := LevelOf(b.Earned)
	out := map[string]any{"balance": b.Balance, "earned": b.Earned, "streak": streak,
		"level": map[string]any{"n": lv.N, "name": c.T(lv.Key), "next": lv.Next}, "today": nil}
	if today != nil {
		out["today"] = map[string]any{"id": today.ID, "status": today.Status, "points": today.Points}
	}
	return c.JSON(http.StatusOK, out)
}

// EntryJSON is one ledger entry.
type EntryJSON struct {
	Amount int64     `json:"amount"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

func (h *Handlers) apiPoints(c *web.Ctx) error {
	limit, _ := strconv.Atoi(c.R.URL.Query().Get("limit"))
	if limit <= 0 || limit > 200 {
		limit = 20
	}
	ctx := c.R.Context()
	b, err := h.ledger.BalanceOf(ctx, c.Actor.WorkerID)
	if err != nil {
		return err
	}
	list, err := h.ledger.History(ctx, c.Actor.WorkerID, limit)
	if err != nil {
		return err
	}
	items := []EntryJSON{}
	for _, e := range list {
		items = append(items, EntryJSON{Amount: e.Amount, Reason: e.Reason, At: e.CreatedAt})
	}
	return c.JSON(http.StatusOK, map[string]any{"balance": b.Balance, "earned": b.Earned, "items": items})
}

func (h *Handlers) apiQuiz(c *web.Ctx) error {
	a, err := h.store.Today(c.R.Context())
	if err != nil {
		return err
	}
	if a == nil {
		return platform.Errorf(platform.CodeNotFound, "learning.flash.no_quiz")
	}
	return c.JSON(http.StatusOK, attemptJSON(a))
}

func (h *Handlers) apiStart(c *web.Ctx) error {
	a, err := h.store.Start(c.R.Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, attemptJSON(a))
}

func (h *Handlers) apiSubmit(c *web.Ctx) error {
	var in struct {
		AttemptID int64             `json:"attempt_id"`
		Answers   map[string]string `json:"answers"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	if in.AttemptID <= 0 {
		return platform.Invalid().Field("attempt_id", "learning.flash.no_quiz")
	}
	answers := map[int]string{}
	for k, v := range in.Answers {
		n, err := strconv.Atoi(k)
		if err != nil {
			return platform.Invalid().Field("answers", "err.bad_json")
		}
		answers[n] = v
	}
	a, replayed, err := h.store.SubmitKeyed(c.R.Context(), in.AttemptID, answers, c.IdempotencyKey())
	if err != nil {
		return err
	}
	if replayed {
		c.Replayed()
	}
	return c.JSON(http.StatusOK, attemptJSON(a))
}

// EventJSON is an event as a worker sees it.
type EventJSON struct {
	ID        int64     `json:"id"`
	Kind      EventKind `json:"kind"`
	Title     string    `json:"title"`
	Host      string    `json:"host"`
	Venue     string    `json:"venue"`
	Place     string    `json:"place"`
	Starts    time.Time `json:"starts"`
	Ends      time.Time `json:"ends"`
	Org       string    `json:"org"`
	Signup    bool      `json:"signup"`
	Points    int64     `json:"points"`
	SignedUp  bool      `json:"signed_up"`
	CheckedIn bool      `json:"checked_in"`
}

func eventJSON(e *Event) EventJSON {
	return EventJSON{ID: e.ID, Kind: e.Kind, Title: e.Title, Host: e.HostName, Venue: e.Venue, Place: e.Place, Starts: e.StartsAt,
		Ends: e.EndsAt, Org: e.OrgName, Signup: e.Signup, Points: e.Points}
}

func (h *Handlers) apiEvents(c *web.Ctx) error {
	list, err := h.store.MyEvents(c.R.Context(), 30)
	if err != nil {
		return err
	}
	items := []EventJSON{}
	for i := range list {
		j := eventJSON(&list[i].Event)
		j.SignedUp, j.CheckedIn = list[i].SignedUp, list[i].CheckedIn
		items = append(items, j)
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

// decodeID reads {"<name>": id} and refuses a missing one on that field.
func decodeID(c *web.Ctx, name string) (int64, error) {
	var in map[string]int64
	if err := c.DecodeJSON(&in); err != nil {
		return 0, err
	}
	if in[name] <= 0 {
		return 0, platform.Invalid().Field(name, "learning.err.id_required")
	}
	return in[name], nil
}

func (h *Handlers) apiSignUp(c *web.Ctx) error {
	id, err := decodeID(c, "event_id")
	if err != nil {
		return err
	}
	if err := h.store.SignUp(c.R.Context(), id); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"ok": true})
}

func (h *Handlers) apiCheckin(c *web.Ctx) error {
	var in struct {
		Token string `json:"token"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	e, err := h.store.CheckIn(c.R.Context(), in.Token)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, eventJSON(e))
}

// OrderJSON is a redemption.
type OrderJSON struct {
	ID         int64     `json:"id"`
	Reward     string    `json:"reward"`
	Cost       int64     `json:"cost"`
	PickupCode string    `json:"pickup_code"`
	Status     string    `json:"status"`
	PlacedAt   time.Time `json:"placed_at"`
}

func orderJSON(o *Order) OrderJSON {
	return OrderJSON{ID: o.ID, Reward: o.RewardName, Cost: o.Cost, PickupCode: o.PickupCode, Status: o.Status, PlacedAt: o.PlacedAt}
}

func (h *Handlers) apiMall(c *web.Ctx) error {
	ctx := c.R.Context()
	rewards, err := h.store.ShopRewards(ctx)
	if err != nil {
		return err
	}
	orders, err := h.store.MyOrders(ctx, 20)
	if err != nil {
		return err
	}
	b, err := h.ledger.BalanceOf(ctx, c.Actor.WorkerID)
	if err != nil {
		return err
	}
	rs, os := []map[string]any{}, []OrderJSON{}
	for _, r := range rewards {
		rs = append(rs, map[string]any{"id": r.ID, "name": r.Name, "description": r.Description, "cost": r.Cost, "stock": r.Stock,
			"per_person": r.PerPerson, "taken": r.Taken, "closes": r.ClosesAt})
	}
	for i := range orders {
		os = append(os, orderJSON(&orders[i]))
	}
	return c.JSON(http.StatusOK, map[string]any{"balance": b.Balance, "rewards": rs, "orders": os})
}

func (h *Handlers) apiRedeem(c *web.Ctx) error {
	id, err := decodeID(c, "reward_id")
	if err != nil {
		return err
	}
	o, err := h.store.Redeem(c.R.Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, orderJSON(o))
}

func (h *Handlers) apiCancel(c *web.Ctx) error {
	id, err := decodeID(c, "order_id")
	if err != nil {
		return err
	}
	if err := h.store.CloseOrder(c.R.Context(), id, OrderCancelled); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"ok": true})
}

// PhotoJSON is an event photo; url fetches it with the same bearer token.
type PhotoJSON struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Type   string `json:"type"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	URL    string `json:"url"`
}

func (h *Handlers) apiEvent(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	e, err := h.store.MyEvent(c.R.Context(), id)
	if err != nil {
		return err
	}
	list, err := h.photos.List(c.R.Context(), PhotoKind, id)
	if err != nil {
		return err
	}
	photos := []PhotoJSON{}
	for _, p := range list {
		photos = append(photos, PhotoJSON{ID: p.ID, Name: p.Name, Type: p.Type, Width: p.Width, Height: p.Height,
			URL: fmt.Sprintf("/api/v1/my/learning/events/%d/photos/%d", id, p.ID)})
	}
	j := eventJSON(&e.Event)
	j.SignedUp, j.CheckedIn = e.SignedUp, e.CheckedIn
	return c.JSON(http.StatusOK, map[string]any{"event": j, "summary": e.Summary, "photos": photos})
}

func (h *Handlers) apiEventPhoto(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	if _, err := h.store.MyEvent(c.R.Context(), id); err != nil {
		return err
	}
	return h.servePhoto(c, id, c.R.PathValue("photo"))
}
