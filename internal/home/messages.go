package home

// Messages are the home pages' strings.
var Messages = map[string][2]string{
	"home.welcome_title":   {"欢迎使用职工之家", "Welcome to Workers' Home"},
	"home.welcome_lead":    {"市总工会为职工提供帮扶救助、素质提升、思政学习、劳动竞赛、创新创业、师徒传承和暖心服务。", "The city federation of trade unions serves workers with hardship relief, skills training, learning, labour competitions, innovation, mentorship and everyday services."},
	"home.for_workers":     {"我是职工", "I am a worker"},
	"home.for_workers_do":  {"手机号登录，申请帮扶、参加活动、每日答题、查找附近驿站", "Sign in with your phone to apply for help, join activities, take the daily quiz and find a station nearby"},
	"home.for_staff":       {"我是工会工作人员", "I am union staff"},
	"home.for_staff_do":    {"账号密码加动态验证码登录工作台", "Sign in to the console with password and a one-time code"},
	"home.console_title":   {"工作台首页", "Console home"},
	"home.hello":           {"您好，%s", "Hello, %s"},
	"home.your_scope":      {"您的数据范围：%s（%s）", "Your scope: %s (%s)"},
	"home.stat.districts":  {"县(市)区总工会", "District federations"},
	"home.stat.industries": {"产业工会", "Industry unions"},
	"home.stat.grassroots": {"基层工会", "Grassroots unions"},
	"home.stat.headcount":  {"覆盖职工人数", "Workers covered"},
	"home.stat.groups":     {"工会小组", "Union groups"},
	"home.quick":           {"常用功能", "Shortcuts"},
	"home.portal_hello":    {"%s，您好", "Hello, %s"},
	"home.portal_lead":     {"工会就在身边，有困难找工会。", "Your union is close by; come to us when you need help."},
	"home.services_soon":   {"各项服务将陆续在这里上线：困难帮扶、驿站查找、活动报名等。", "Services will appear here as they open: hardship relief, stations nearby, activity sign-up and more."},
	"home.learning_soon":   {"每日答题、五月风讲堂和积分商城将在这里上线。", "The daily quiz, May Wind lectures and the points mall will open here."},
	"home.me_phone":        {"手机号", "Phone"},
	"home.me_union":        {"所在工会", "Union"},
	"home.logout":          {"退出登录", "Sign out"},
}
