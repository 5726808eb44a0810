package learning

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"zhijia/internal/platform"
	"zhijia/internal/points"
	"zhijia/internal/web"
)

const (
	tabPath  = "/portal/learning"
	quizPath = "/portal/learning/quiz"
)

// tabView is the portal's 学习 tab.
type tabView struct {
	Today    *Attempt
	Settings Settings
	Minutes  int
	Balance  points.Balance
	Level    Level
	ToNext   int64
	Streak   int
	History  []points.Entry
	Quizzes  []Attempt
}

// quizView is today's quiz: the form while open, the answers once closed.
type quizView struct {
	A        *Attempt
	Open     bool
	Deadline string
}

func (h *Handlers) tab(c *web.Ctx) error {
	ctx := c.R.Context()
	v := &tabView{Settings: h.store.Settings(), Minutes: int(h.store.Settings().TimeLimit.Minutes())}
	var err error
	if v.Today, err = h.store.Today(ctx); err != nil {
		return err
	}
	if v.Balance, err = h.ledger.BalanceOf(ctx, c.Actor.WorkerID); err != nil {
		return err
	}
	v.Level = LevelOf(v.Balance.Earned)
	if v.Level.Next > 0 {
		v.ToNext = v.Level.Next - v.Balance.Earned
	}
	if v.Streak, err = h.store.StreakOf(ctx); err != nil {
		return err
	}
	if v.History, err = h.ledger.History(ctx, c.Actor.WorkerID, 20); err != nil {
		return err
	}
	if v.Quizzes, err = h.store.History(ctx, 7); err != nil {
		return err
	}
	return c.RenderPage(http.StatusOK, "learning/portal/learning", &web.Page{Title: c.T("tab.learning"), Data: v})
}

func (h *Handlers) startQuiz(c *web.Ctx) error {
	_, err := h.store.Start(c.R.Context())
	if e, ok := platform.AsError(err); ok && e.Code == platform.CodeConflict {
		return c.Redirect(tabPath, e.Message)
	}
	if err != nil {
		return err
	}
	return c.Redirect(quizPath, "")
}

func (h *Handlers) quiz(c *web.Ctx) error {
	a, err := h.store.Today(c.R.Context())
	if err != nil {
		return err
	}
	if a == nil {
		return c.Redirect(tabPath, "learning.flash.no_quiz")
	}
	v := &quizView{A: a, Open: a.Status == AttemptOpen,
		Deadline: a.DeadlineAt.In(platform.Shanghai).Format("15:04:05")}
	return c.RenderPage(http.StatusOK, "learning/portal/quiz", &web.Page{Title: c.T("learning.portal.quiz_title"), Data: v})
}

// answersFrom reads q1, q2, … (one value for a radio, several for checkboxes).
func answersFrom(c *web.Ctx) map[int]string {
	out := map[int]string{}
	for k, vs := range c.R.PostForm {
		if n, err := strconv.Atoi(strings.TrimPrefix(k, "q")); err == nil && strings.HasPrefix(k, "q") {
			out[n] = strings.Join(vs, "")
		}
	}
	return out
}

func (h *Handlers) submitQuiz(c *web.Ctx) error {
	id := c.FormInt64("attempt")
	if id <= 0 {
		return c.Redirect(tabPath, "learning.flash.no_quiz")
	}
	a, err := h.store.Submit(c.R.Context(), id, answersFrom(c))
	if errors.Is(err, ErrAlreadySubmitted) {
		return c.Redirect(quizPath, "learning.err.already_submitted")
	}
	if err != nil {
		return err
	}
	if a.Status == AttemptExpired {
		return c.Redirect(quizPath, "learning.flash.expired")
	}
	return c.Redirect(quizPath, "learning.flash.points")
}
