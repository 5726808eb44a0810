package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"strconv"

	"zhijia/internal/auth"
	"zhijia/internal/org"
	"zhijia/internal/platform"
)

// cmdUser runs `user add` and `user reset`, acting as the system.
func cmdUser(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "reset") {
		return errors.New("用法 usage: zhijia user add --username U --name N --role R [--org CODE|ID] [--password P]\n       zhijia user reset --username U [--password P]")
	}
	var username, name, role, orgRef, password, cityName, cityCode string
	a, _, err := openApp(ctx, "user "+args[0], args[1:], io.Discard, func(fs *flag.FlagSet) {
		fs.StringVar(&username, "username", "", "username (letters, digits, . _ -)")
		fs.StringVar(&name, "name", "", "the person's name")
		fs.StringVar(&role, "role", "admin", "admin|security|auditor|clerk|reviewer|expert")
		fs.StringVar(&orgRef, "org", "", "org id or area code (default: the city)")
		fs.StringVar(&password, "password", "", "initial password (default: a random one, printed)")
		fs.StringVar(&cityName, "city-name", "", "on an empty database: the city federation to create, e.g. 福州市总工会")
		fs.StringVar(&cityCode, "city-code", "", "on an empty database: its GB/T 2260 area code, e.g. 350100")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	ctx = platform.WithActor(ctx, platform.System("cli"))
	if password == "" {
		password = randomPassword()
	}
	if args[0] == "reset" {
		return resetUser(ctx, a.Auth, username, password, stdout)
	}
	if cityName != "" {
		root, err := a.Orgs.CreateRoot(ctx, org.Input{Level: org.LevelCity, Name: cityName, AreaCode: cityCode})
		if err != nil {
			return explainOrg(err)
		}
		fmt.Fprintf(stdout, "已创建市总工会 city federation created: %s (%s)\n", root.Name, root.AreaCode)
	}
	o, err := findOrg(ctx, a.Orgs, orgRef)
	if err != nil {
		return err
	}
	acc, err := a.Auth.CreateAccount(ctx, auth.AccountInput{OrgID: o.ID, Username: username, Name: name,
		Role: auth.Role(role), Password: password})
	if err != nil {
		return explain(err)
	}
	fmt.Fprintf(stdout, "已创建账号 account created: %s (%s, %s)\n初始密码 initial password: %s\n首次登录需修改密码并绑定动态口令 first sign-in asks for a new password and an authenticator.\n",
		acc.Username, role, o.Name, password)
	return nil
}

func resetUser(ctx context.Context, s *auth.Store, username, password string, stdout io.Writer) error {
	accs, _, err := s.FindAccounts(ctx, auth.AccountFilter{Query: username, Limit: 200})
	if err != nil {
		return err
	}
	for _, acc := range accs {
		if acc.Username == auth.NormaliseUsername(username) {
			if err := s.ResetPassword(ctx, acc.ID, password); err != nil {
				return explain(err)
			}
			if err := s.Unlock(ctx, acc.ID); err != nil {
				return explain(err)
			}
			fmt.Fprintf(stdout, "已重置 password reset for %s\n临时密码 temporary password: %s\n", acc.Username, password)
			return nil
		}
	}
	return fmt.Errorf("找不到账号 no account %q", username)
}

// findOrg resolves --org: an id, an area code, or (empty) the city root.
func findOrg(ctx context.Context, s *org.Store, ref string) (*org.Org, error) {
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil && len(ref) < 6 {
		return s.Get(ctx, id)
	}
	f := org.Filter{Level: org.LevelCity, Limit: 1}
	if ref != "" {
		f = org.Filter{Q: ref, Limit: 1000}
	}
	orgs, _, err := s.Find(ctx, f)
	if err != nil {
		return nil, err
	}
	for i := range orgs {
		if ref == "" || orgs[i].AreaCode == ref && (orgs[i].Level == org.LevelCity || orgs[i].Level == org.LevelDistrict) {
			return &orgs[i], nil
		}
	}
	if ref == "" {
		return nil, errors.New("数据库中还没有市总工会，请加上 --city-name 福州市总工会 --city-code 350100 一并创建\n" +
			"no city federation in the database yet: add --city-name NAME --city-code CODE to create it with the first administrator")
	}
	return nil, fmt.Errorf("找不到组织 no org %q (give an org id or a district area code)", ref)
}

// explain turns a validation error into a readable line (zh-CN keys shown as-is
// are translated by the web layer; the CLI prints field names and keys).
func explain(err error) error {
	e, ok := platform.AsError(err)
	if !ok {
		return err
	}
	msg := auth.Messages[e.Message][0]
	for f, key := range e.Fields {
		text := auth.Messages[key][0]
		if text == "" {
			text = key
		}
		msg += fmt.Sprintf("\n  --%s: %s", f, text)
	}
	if msg == "" {
		msg = e.Message
	}
	return errors.New(msg)
}

// explainOrg is explain for the org package's messages.
func explainOrg(err error) error {
	e, ok := platform.AsError(err)
	if !ok {
		return err
	}
	msg := org.Messages[e.Message][0]
	if msg == "" {
		msg = e.Message
	}
	for f, key := range e.Fields {
		msg += fmt.Sprintf("\n  %s: %s", f, org.Messages[key][0])
	}
	return errors.New(msg)
}

func randomPassword() string {
	parts := []string{"abcdefghijkmnpqrstuvwxyz", "ABCDEFGHJKLMNPQRSTUVWXYZ", "23456789", "!@#%*-+"}
	out := make([]byte, 0, 14)
	for i := 0; i < 14; i++ {
		set := parts[i%len(parts)]
		n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(set))))
		out = append(out, set[n.Int64()])
	}
	return string(out)
}
