package learning

import (
	"embed"

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
}

// Permissions of the console pages.
const (
	permView = "learning.view"
	permEdit = "learning.edit"
)

// Mount adds the learning routes, pages and menu entries to the shell.
func Mount(s *web.Server, store *Store, ledger *points.Store) {
	h := &Handlers{store: store, ledger: ledger}
	s.Catalog.Add(Messages)
	s.Catalog.Add(points.Messages)
	s.AddPages("learning", templates, "templates")
	for page, zero := range map[string]any{"portal/learning": &tabView{}, "portal/quiz": &quizView{},
		"console/questions": &questionsView{}, "console/question_form": &questionForm{}, "console/question_import": &importView{},
		"console/events": &eventsView{}, "console/event_form": &eventForm{}, "console/event": &eventView{E: &Event{}},
		"console/event_checkin": &checkinScreenView{E: &Event{}}, "portal/events": &myEventsView{}, "portal/checkin": &checkinView{},
		"portal/ranking": &rankingView{}, "console/ranking": &rankingView{}, "console/rewards": &rewardsView{},
		"console/reward_form": &rewardForm{}, "console/orders": &ordersView{}, "portal/mall": &mallView{}} {
		s.Sample("learning/"+page, zero)
	}
	s.AddMenu(web.MenuItem{Group: "learning.menu_group", Label: "learning.menu.questions", Href: questionsPath, Perm: permView, Order: 400},
		web.MenuItem{Group: "learning.menu_group", Label: "learning.menu.events", Href: eventsPath, Perm: permView, Order: 410},
		web.MenuItem{Group: "learning.menu_group", Label: "learning.menu.ranking", Href: rankingPath, Perm: permView, Order: 420},
		web.MenuItem{Group: "learning.menu_group", Label: "learning.menu.rewards", Href: rewardsPath, Perm: permView, Order: 430})
	s.Portal("GET /portal/learning", h.tab)
	s.Portal("POST /portal/learning/quiz/start", h.startQuiz)
	s.Portal("GET /portal/learning/quiz", h.quiz)
	s.Portal("POST /portal/learning/quiz", h.submitQuiz)
	s.Portal("GET "+portalEventsPath, h.myEvents)
	s.Portal("POST "+portalEventsPath+"/signup", h.signUp)
	s.Portal("GET /portal/learning/checkin", h.checkinPage)
	s.Portal("POST /portal/learning/checkin", h.checkin)
	s.Portal("GET /portal/learning/ranking", h.portalRanking)
	s.Console("GET "+rankingPath, permView, h.consoleRanking)
	s.Portal("GET "+mallPath, h.mall)
	s.Portal("POST "+mallPath+"/redeem", h.redeem)
	s.Portal("POST "+mallPath+"/cancel", h.cancelMine)
	s.Console("GET "+rewardsPath, permView, h.rewards)
	s.Console("GET "+rewardsPath+"/new", permEdit, h.rewardNew)
	s.Console("POST "+rewardsPath, permEdit, h.rewardSave)
	s.Console("GET "+rewardsPath+"/{id}/edit", permEdit, h.rewardEdit)
	s.Console("POST "+rewardsPath+"/{id}", permEdit, h.rewardSave)
	s.Console("GET "+ordersPath, permView, h.orders)
	s.Console("POST "+ordersPath+"/{id}/deliver", permEdit, h.closeOrder(OrderDelivered, "learning.flash.order_delivered"))
	s.Console("POST "+ordersPath+"/{id}/cancel", permEdit, h.closeOrder(OrderCancelled, "learning.flash.order_staff_cancelled"))
	s.Console("GET "+eventsPath, permView, h.events)
	s.Console("GET "+eventsPath+"/new", permEdit, h.eventNew)
	s.Console("POST "+eventsPath, permEdit, h.eventCreate)
	s.Console("GET "+eventsPath+"/{id}", permView, h.eventShow)
	s.Console("GET "+eventsPath+"/{id}/edit", permEdit, h.eventEdit)
	s.Console("POST "+eventsPath+"/{id}", permEdit, h.eventUpdate)
	s.Console("POST "+eventsPath+"/{id}/summary", permEdit, h.eventSummary)
	s.Console("POST "+eventsPath+"/{id}/tick", permEdit, h.eventTick)
	s.Console("GET "+eventsPath+"/{id}/checkin", permView, h.eventCheckin)
	s.Console("GET "+questionsPath, permView, h.questions)
	s.Console("GET "+questionsPath+"/new", permEdit, h.questionNew)
	s.Console("POST "+questionsPath, permEdit, h.questionCreate)
	s.Console("GET "+questionsPath+"/{id}/edit", permEdit, h.questionEdit)
	s.Console("POST "+questionsPath+"/{id}", permEdit, h.questionUpdate)
	s.Console("POST "+questionsPath+"/{id}/active", permEdit, h.questionActive)
	mountMyAPI(s, h)
	s.Console("GET "+questionsPath+"/import", permEdit, h.importForm)
	s.Console("GET "+questionsPath+"/import/template", permEdit, h.importTemplate)
	s.Console("POST "+questionsPath+"/import", permEdit, h.importUpload)
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
