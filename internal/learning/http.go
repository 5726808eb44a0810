package learning

import (
	"embed"

	"zhijia/internal/photo"
	"zhijia/internal/platform"
	"zhijia/internal/points"
	"zhijia/internal/web"
)

//go:embed templates
var templates embed.FS

// Handlers serves the learning pages.
type Handlers struct {
	store  *Store
	ledger *points.Store
	photos *photo.Store
}

// Permissions of the console pages.
const (
	permView = "learning.view"
	permEdit = "learning.edit"
)

// Mount adds the learning routes, pages and menu entries to the shell.
func Mount(s *web.Server, store *Store, ledger *points.Store, photos *photo.Store) {
	h := &Handlers{store: store, ledger: ledger, photos: photos}
	s.Catalog.Add(Messages)
	s.Catalog.Add(points.Messages)
	s.AddPages("learning", templates, "templates")
	for page, zero := range map[string]any{"portal/learning": &tabView{}, "portal/quiz": &quizView{},
		"console/questions": &questionsView{}, "console/question_form": &questionForm{}, "console/question_import": &importView{},
		"console/events": &eventsView{}, "console/event_form": &eventForm{}, "console/event": &eventView{E: &Event{}},
		"console/event_checkin": &checkinScreenView{E: &Event{}}, "portal/events": &myEventsView{}, "portal/checkin": &checkinView{},
		"portal/ranking": &rankingView{}, "console/ranking": &rankingView{}, "console/rewards": &rewardsView{},
		"console/reward_form": &rewardForm{}, "console/orders": &ordersView{}, "portal/mall": &mallView{},
		"console/ledger": &ledgerView{}, "console/report": &reportView{}, "console/contests": &contestsView{},
		"console/contest_form": &contestForm{}, "console/contest": &contestView{C: &QuizContest{}}, "portal/contests": &myContestView{},
		"portal/event": &myEventView{E: &MyEvent{}}} {
		s.Sample("learning/"+page, zero)
	}
	s.AddMenu(web.MenuItem{Group: "learning.menu_group", Label: "learning.menu.questions", Href: questionsPath, Perm: permView, Order: 400},
		web.MenuItem{Group: "learning.menu_group", Label: "learning.menu.events", Href: eventsPath, Perm: permView, Order: 410},
		web.MenuItem{Group: "learning.menu_group", Label: "learning.menu.contests", Href: contestsPath, Perm: permView, Order: 415},
		web.MenuItem{Group: "learning.menu_group", Label: "learning.menu.ranking", Href: rankingPath, Perm: permView, Order: 420},
		web.MenuItem{Group: "learning.menu_group", Label: "learning.menu.rewards", Href: rewardsPath, Perm: permView, Order: 430},
		web.MenuItem{Group: "learning.menu_group", Label: "learning.menu.ledger", Href: ledgerPath, Perm: permView, Order: 440},
		web.MenuItem{Group: "learning.menu_group", Label: "learning.menu.report", Href: reportPath, Perm: permView, Order: 450})
	mountPortal(s, h)
	mountConsole(s, h)
	mountMyAPI(s, h)
}

// mountPortal lists the worker's pages: the 学习 tab, quiz, events, check-in,
// leaderboards and the mall.
func mountPortal(s *web.Server, h *Handlers) {
	s.Portal("GET /portal/learning", h.tab)
	s.Portal("POST /portal/learning/quiz/start", h.startQuiz)
	s.Portal("GET /portal/learning/quiz", h.quiz)
	s.Portal("POST /portal/learning/quiz", h.submitQuiz)
	s.Portal("GET "+portalEventsPath, h.myEvents)
	s.Portal("GET "+portalEventPath, h.myEvent)
	s.Portal("POST "+portalEventsPath+"/signup", h.signUp)
	s.Portal("GET /portal/learning/checkin", h.checkinPage)
	s.Portal("POST /portal/learning/checkin", h.checkin)
	s.Portal("GET /portal/learning/ranking", h.portalRanking)
	s.Portal("GET "+portalContestsPath, h.myContests)
	s.Portal("POST "+portalContestsPath+"/enter", h.contestEnter)
	s.Portal("POST "+portalContestsPath+"/submit", h.contestSubmit)
	s.Portal("GET "+mallPath, h.mall)
	s.Portal("POST "+mallPath+"/redeem", h.redeem)
	s.Portal("POST "+mallPath+"/cancel", h.cancelMine)
}

// mountConsole lists the staff pages.
func mountConsole(s *web.Server, h *Handlers) {
	s.Console("GET "+questionsPath, permView, h.questions)
	s.Console("GET "+questionsPath+"/new", permEdit, h.questionNew)
	s.Console("POST "+questionsPath, permEdit, h.questionCreate)
	s.Console("GET "+questionsPath+"/{id}/edit", permEdit, h.questionEdit)
	s.Console("POST "+questionsPath+"/{id}", permEdit, h.questionUpdate)
	s.Console("POST "+questionsPath+"/{id}/active", permEdit, h.questionActive)
	s.Console("GET "+questionsPath+"/import", permEdit, h.importForm)
	s.Console("GET "+questionsPath+"/import/template", permEdit, h.importTemplate)
	s.Console("POST "+questionsPath+"/import", permEdit, h.importUpload)
	s.Console("GET "+eventsPath, permView, h.events)
	s.Console("GET "+eventsPath+"/new", permEdit, h.eventNew)
	s.Console("POST "+eventsPath, permEdit, h.eventCreate)
	s.Console("GET "+eventsPath+"/{id}", permView, h.eventShow)
	s.Console("GET "+eventsPath+"/{id}/edit", permEdit, h.eventEdit)
	s.Console("POST "+eventsPath+"/{id}", permEdit, h.eventUpdate)
	s.Console("POST "+eventsPath+"/{id}/summary", permEdit, h.eventSummary)
	s.Console("POST "+eventsPath+"/{id}/tick", permEdit, h.eventTick)
	s.Console("GET "+eventsPath+"/{id}/checkin", permView, h.eventCheckin)
	s.Console("POST "+eventsPath+"/{id}/photos", permEdit, h.eventPhotoAdd)
	s.Console("POST "+eventsPath+"/{id}/photos/remove", permEdit, h.eventPhotoRemove)
	s.Console("GET "+contestsPath, permView, h.contests)
	s.Console("GET "+contestsPath+"/new", permEdit, h.contestNew)
	s.Console("POST "+contestsPath, permEdit, h.contestCreate)
	s.Console("GET "+contestsPath+"/{id}", permView, h.contestShow)
	s.Console("GET "+rankingPath, permView, h.consoleRanking)
	s.Console("GET "+ledgerPath, permView, h.ledgerSearch)
	s.Console("GET "+reportPath, permView, h.report)
	s.Console("GET "+rewardsPath, permView, h.rewards)
	s.Console("GET "+rewardsPath+"/new", permEdit, h.rewardNew)
	s.Console("POST "+rewardsPath, permEdit, h.rewardSave)
	s.Console("GET "+rewardsPath+"/{id}/edit", permEdit, h.rewardEdit)
	s.Console("POST "+rewardsPath+"/{id}", permEdit, h.rewardSave)
	s.Console("GET "+ordersPath, permView, h.orders)
	s.Console("POST "+ordersPath+"/{id}/deliver", permEdit, h.closeOrder(OrderDelivered, "learning.flash.order_delivered"))
	s.Console("POST "+ordersPath+"/{id}/cancel", permEdit, h.closeOrder(OrderCancelled, "learning.flash.order_staff_cancelled"))
}

// refusal turns a rule's refusal into what a form shows: a status, the top
// message and per-field messages, all translated; ok is false for other errors.
func refusal(c *web.Ctx, err error) (status int, alert string, fields map[string]string, ok bool) {
	e, isUser := platform.AsError(err)
	if !isUser || (e.Code != platform.CodeInvalid && e.Code != platform.CodeConflict) {
		return 0, "", nil, false
	}
	fields = map[string]string{}
	for k, v := range e.Fields {
		fields[k] = c.T(v)
	}
	alert = c.T("form.fix_errors")
	if e.Message != "err.invalid" {
		alert = c.T(e.Message, e.Args...)
	}
	return platform.HTTPStatus(e.Code), alert, fields, true
}

// platformError returns the catalogue key of a user-facing error.
func platformError(err error) (string, bool) {
	e, ok := platform.AsError(err)
	if !ok {
		return "", false
	}
	return e.Message, true
}
