package app

import (
	"context"
	"fmt"

	"zhijia/internal/audit"
	"zhijia/internal/auth"
	"zhijia/internal/care"
	"zhijia/internal/learning"
	"zhijia/internal/org"
	"zhijia/internal/people"
	"zhijia/internal/platform"
	"zhijia/internal/relief"
)

// DemoPassword is every demo staff account's password.
const DemoPassword = "Demo@2026"

// DemoInfo is what `serve --demo` prints so a newcomer can sign in at once.
type DemoInfo struct {
	Tree         *org.Demo
	Accounts     []DemoLogin
	WorkerPhones []string
}

// DemoLogin is one printed demo account.
type DemoLogin struct{ Username, Password, Role, Org string }

// SeedDemo loads the Fuzhou demo city (idempotent) with staff accounts for every
// role at city, district and grassroots level, and a few workers.
func (a *App) SeedDemo(ctx context.Context, grassroots int) (*DemoInfo, error) {
	if !a.Config.Demo {
		return nil, fmt.Errorf("app: demo data is loaded only in demo mode (--demo)")
	}
	tree, err := org.SeedDemo(ctx, a.DB, a.Clock, grassroots)
	if err != nil {
		return nil, err
	}
	accounts, err := a.demoAccounts(ctx, tree)
	if err != nil {
		return nil, err
	}
	if _, err := a.Auth.SeedDemoAccounts(ctx, accounts); err != nil {
		return nil, err
	}
	phones, err := a.seedDemoWorkers(ctx, tree)
	if err != nil {
		return nil, err
	}
	if err := people.SeedDemoWorkers(ctx, a.DB, a.Keys, a.Clock, a.Config.DemoWorkers); err != nil {
		return nil, err
	}
	if err := a.seedDemoRelief(ctx, tree); err != nil {
		return nil, err
	}
	if err := learning.SeedDemo(ctx, a.DB, a.Clock, tree.City); err != nil {
		return nil, err
	}
	if err := care.SeedDemo(ctx, a.DB, a.Clock, tree.City, tree.Districts); err != nil {
		return nil, err
	}
	if err := care.SeedDemoPhotos(ctx, a.DB, a.Photos, tree.City); err != nil {
		return nil, err
	}
	a.demo = accounts
	info := &DemoInfo{Tree: tree, WorkerPhones: phones}
	for _, d := range accounts {
		info.Accounts = append(info.Accounts, DemoLogin{d.Username, d.Password, string(d.Role), d.OrgName})
	}
	return info, nil
}

// demoAccounts lists the demo staff: every role at the city, the main roles in
// 鼓楼区, a clerk in 台江区 (a sibling, to show scopes) and one in a grassroots union.
func (a *App) demoAccounts(ctx context.Context, tree *org.Demo) ([]auth.DemoAccount, error) {
	type spec struct {
		user, name string
		role       auth.Role
		org        int64
	}
	specs := []spec{
		{"city.admin", "陈建国", auth.RoleAdmin, tree.City},
		{"city.security", "林安", auth.RoleSecurity, tree.City},
		{"city.auditor", "黄审", auth.RoleAuditor, tree.City},
		{"city.clerk", "张敏", auth.RoleClerk, tree.City},
		{"city.reviewer", "王立", auth.RoleReviewer, tree.City},
		{"expert", "郑教授", auth.RoleExpert, tree.City},
		{"gulou.admin", "吴海", auth.RoleAdmin, tree.Districts["350102"]},
		{"gulou.clerk", "刘芳", auth.RoleClerk, tree.Districts["350102"]},
		{"gulou.reviewer", "蔡明", auth.RoleReviewer, tree.Districts["350102"]},
		{"gulou.auditor", "杨清", auth.RoleAuditor, tree.Districts["350102"]},
		{"taijiang.clerk", "许静", auth.RoleClerk, tree.Districts["350103"]},
		{"grass.clerk", "谢红", auth.RoleClerk, tree.Gulou},
	}
	sys := platform.WithActor(ctx, platform.System("demo"))
	out := make([]auth.DemoAccount, 0, len(specs))
	for _, s := range specs {
		if s.org == 0 {
			continue
		}
		o, err := a.Orgs.Get(sys, s.org)
		if err != nil {
			return nil, fmt.Errorf("app: demo org %d: %w", s.org, err)
		}
		out = append(out, auth.DemoAccount{Username: s.user, Password: DemoPassword, Name: s.name,
			Role: s.role, OrgID: s.org, OrgName: o.Name})
	}
	return out, nil
}

// seedDemoWorkers registers a few workers with phones 13900000001… so the portal
// sign-in finds a known person. (The worker registry will own this.)
func (a *App) seedDemoWorkers(ctx context.Context, tree *org.Demo) ([]string, error) {
	names := []string{"陈小明", "林秀英", "黄志强", "张丽华", "李建平", "王美玲", "吴国栋", "刘晓燕", "蔡文斌"}
	var phones []string
	ctx = platform.WithActor(ctx, platform.System("demo"))
	err := a.DB.InTx(ctx, func(tx *platform.Tx) error {
		now := a.Clock.Now().UTC().Truncate(1000)
		created := 0
		for i, name := range names {
			phone := fmt.Sprintf("139%08d", i+1)
			phones = append(phones, phone)
			orgID := tree.Gulou
			if i%3 == 2 && tree.Taijiang != 0 {
				orgID = tree.Taijiang
			}
			res, err := tx.Exec(ctx, `INSERT INTO workers (city_id, org_id, name, phone_index, phone_sealed, phone_masked,
				created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (phone_index) DO NOTHING`,
				tree.City, orgID, name, a.Keys.BlindIndex("phone", phone), a.Keys.Seal(phone), auth.MaskPhone(phone), now, now)
			if err != nil {
				return fmt.Errorf("app: demo worker: %w", err)
			}
			n, _ := res.RowsAffected()
			created += int(n)
		}
		if created == 0 {
			return nil
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "worker.seed_demo", EntityType: "worker",
			Summary: fmt.Sprintf("演示职工 %d 人", created)})
	})
	return phones, err
}

// seedDemoRelief opens this year's Warmth Programme with funds in every district
// and two sample applications (workers 13900000004 and 13900000006) waiting at
// their grassroots unions.
func (a *App) seedDemoRelief(ctx context.Context, tree *org.Demo) error {
	t := relief.DemoTree{City: tree.City, CityPath: tree.CityPath, Unions: []int64{tree.Gulou, tree.Taijiang}}
	for _, id := range tree.Districts {
		t.Districts = append(t.Districts, id)
	}
	for _, phone := range []string{"13900000004", "13900000006"} {
		var id int64
		if err := a.DB.QueryRow(ctx, `SELECT id FROM workers WHERE phone_index = ?`, a.Keys.BlindIndex("phone", phone)).Scan(&id); err == nil {
			t.Workers = append(t.Workers, id)
		}
	}
	return relief.SeedDemo(ctx, a.Relief, t)
}
