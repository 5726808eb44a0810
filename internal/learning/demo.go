package learning

import (
	"context"
	"fmt"
	"time"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
)

// demoQuestions is a starter bank for the demo city: union law, labour law and
// the federation's own programmes.
var demoQuestions = []QuestionInput{
	{Kind: "single", Stem: "《中华人民共和国工会法》规定，工会是中国共产党领导的职工自愿结合的什么组织？", Options: []string{"工人阶级的群众组织", "行政管理机构", "企业内部部门", "社会中介组织"}, Answer: "A", Explanation: "工会法第二条：工会是中国共产党领导的职工自愿结合的工人阶级群众组织。", Tags: "工会法", Difficulty: "1"},
	{Kind: "single", Stem: "建立基层工会委员会，会员人数一般应在多少人以上？", Options: []string{"三人", "十人", "二十五人", "五十人"}, Answer: "C", Explanation: "工会法第十一条：会员二十五人以上的，应当建立基层工会委员会。", Tags: "工会法 组建", Difficulty: "2"},
	{Kind: "single", Stem: "用人单位应按全部职工工资总额的百分之几向工会拨缴经费？", Options: []string{"百分之一", "百分之二", "百分之三", "百分之五"}, Answer: "B", Explanation: "工会法第四十三条：建立工会组织的用人单位按每月全部职工工资总额的百分之二向工会拨缴经费。", Tags: "工会法 经费", Difficulty: "2"},
	{Kind: "judge", Stem: "职工加入工会要缴纳会费，但工会会员享有参加工会组织活动的权利。", Answer: "对", Explanation: "会员按规定缴纳会费，同时依章程享有会员权利。", Tags: "工会章程", Difficulty: "1"},
	{Kind: "judge", Stem: "劳动合同期满后，用人单位可以不经协商直接扣押劳动者的身份证件。", Answer: "错", Explanation: "劳动合同法第九条：用人单位不得扣押劳动者的居民身份证和其他证件。", Tags: "劳动合同法", Difficulty: "1"},
	{Kind: "multiple", Stem: "下列哪些属于职工依法享有的权利？", Options: []string{"取得劳动报酬", "休息休假", "获得劳动安全卫生保护", "无故旷工"}, Answer: "ABC", Explanation: "劳动法第三条列举了劳动者享有的各项权利。", Tags: "劳动法 权利", Difficulty: "2"},
	{Kind: "single", Stem: "国家实行劳动者每日工作时间不超过几小时的工时制度？", Options: []string{"六小时", "八小时", "十小时", "十二小时"}, Answer: "B", Explanation: "劳动法第三十六条：每日工作时间不超过八小时、平均每周工作时间不超过四十四小时。", Tags: "劳动法 工时", Difficulty: "1"},
	{Kind: "judge", Stem: "“五月风”讲堂邀请劳动模范、大国工匠走进车间、食堂和宿舍宣讲。", Answer: "对", Explanation: "五月风讲堂把思政课开到生产一线。", Tags: "五月风", Difficulty: "1"},
	{Kind: "multiple", Stem: "新就业形态劳动者包括下列哪些群体？", Options: []string{"快递员", "网约车司机", "外卖送餐员", "公务员"}, Answer: "ABC", Explanation: "快递员、网约车司机、外卖送餐员、货车司机等属于新就业形态劳动者。", Tags: "新就业形态", Difficulty: "1"},
	{Kind: "single", Stem: "每年的哪一天是国际劳动节？", Options: []string{"3月8日", "5月1日", "5月4日", "10月1日"}, Answer: "B", Explanation: "5月1日是国际劳动节。", Tags: "常识", Difficulty: "1"},
	{Kind: "judge", Stem: "用人单位安排劳动者在法定休假日工作的，应支付不低于工资百分之三百的工资报酬。", Answer: "对", Explanation: "劳动法第四十四条第三项。", Tags: "劳动法 加班", Difficulty: "2"},
	{Kind: "single", Stem: "劳动争议申请仲裁的时效期间为多久？", Options: []string{"六个月", "一年", "二年", "三年"}, Answer: "B", Explanation: "劳动争议调解仲裁法第二十七条：仲裁时效期间为一年。", Tags: "劳动争议", Difficulty: "3"},
}

// SeedDemo fills the city's question bank with a starter set and schedules two
// events in 鼓楼区 (a lecture tonight, a themed meeting with sign-up tomorrow), once.
func SeedDemo(ctx context.Context, db *platform.DB, clock platform.Clock, cityID int64) error {
	if err := seedDemoQuestions(ctx, db, clock, cityID); err != nil {
		return err
	}
	return seedDemoEvents(platform.WithActor(ctx, platform.System("demo")), db, clock, cityID)
}

func seedDemoEvents(ctx context.Context, db *platform.DB, clock platform.Clock, cityID int64) error {
	var n int
	var gulou int64
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM learning_events WHERE city_id = ?`, cityID).Scan(&n); err != nil || n > 0 {
		return err
	}
	err := db.QueryRow(ctx, `SELECT id FROM orgs WHERE city_id = ? AND level = 'district' AND area_code = '350102'`, cityID).Scan(&gulou)
	if err != nil {
		return nil // a city without 鼓楼区: no demo events
	}
	now := clock.Now().UTC()
	day := now.In(platform.Shanghai).Truncate(time.Hour)
	events := []struct {
		kind, title, host, venue, place string
		start                           time.Time
		signup, capacity                int
	}{
		{"lecture", "五月风讲堂：劳模讲安全生产", "林建华（全国劳动模范）", "canteen", "职工食堂二楼", day.Add(-10 * time.Minute), 0, 0},
		{"meeting", "主题班会：学习新修订的工会法", "车间工会小组长", "workshop", "一号车间休息区", day.Add(24 * time.Hour), 1, 30},
	}
	return db.InTx(ctx, func(tx *platform.Tx) error {
		for _, e := range events {
			if _, err := tx.Exec(ctx, `INSERT INTO learning_events (city_id, org_id, kind, title, host_name, venue_kind, place,
				starts_at, ends_at, capacity, audience_org_id, signup, points, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, cityID, gulou, e.kind, e.title, e.host, e.venue, e.place,
				e.start.UTC(), e.start.Add(2*time.Hour).UTC(), e.capacity, gulou, e.signup, KindPoints[EventKind(e.kind)], now, now); err != nil {
				return fmt.Errorf("learning: demo event: %w", err)
			}
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "learning.event.seed_demo", EntityType: "learning_event",
			Summary: fmt.Sprintf("演示活动 %d 场", len(events))})
	})
}

func seedDemoQuestions(ctx context.Context, db *platform.DB, clock platform.Clock, cityID int64) error {
	var n int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM learning_questions WHERE city_id = ?`, cityID).Scan(&n); err != nil {
		return fmt.Errorf("learning: demo: %w", err)
	}
	if n > 0 {
		return nil
	}
	actor := &platform.Actor{Kind: "system", Name: "demo", OrgID: cityID, OrgPath: "/"}
	ctx = platform.WithActor(ctx, actor)
	s := NewStore(db, clock, nil)
	return db.InTx(ctx, func(tx *platform.Tx) error {
		now := clock.Now().UTC()
		for _, in := range demoQuestions {
			q, err := in.Normalize()
			if err != nil {
				return fmt.Errorf("learning: demo question %q: %w", in.Stem, err)
			}
			if err := s.insertQuestion(ctx, tx, actor, &q, now); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "learning.question.seed_demo", EntityType: "learning_question",
			Summary: fmt.Sprintf("演示题库 %d 道", len(demoQuestions))})
	})
}
