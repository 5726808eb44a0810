package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"zhijia/internal/app"
	"zhijia/internal/audit"
	"zhijia/internal/platform"
)

// openApp parses the shared flags plus extra, then opens (and migrates) the database.
func openApp(ctx context.Context, name string, args []string, logOut io.Writer, extra func(*flag.FlagSet)) (*app.App, *flag.FlagSet, error) {
	var cfg platform.Config
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	cfg.BindFlags(fs)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	cfg.Finish()
	logger := slog.New(slog.NewJSONHandler(logOut, &slog.HandlerOptions{Level: slog.LevelInfo}))
	a, err := app.Open(ctx, cfg, logger)
	return a, fs, err
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	start := time.Now()
	a, _, err := openApp(ctx, "serve", args, stderr, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	if a.Config.Demo {
		info, err := a.SeedDemo(ctx, a.Config.DemoOrgs)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		printDemo(stdout, info, a.Config.BaseURL)
	}
	ln, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", a.Config.Addr, err)
	}
	srv := &http.Server{Handler: a.Server().Handler(), ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 60 * time.Second, WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second,
		ErrorLog: slog.NewLogLogger(a.Logger.Handler(), slog.LevelWarn)}
	a.Logger.Info("ready", "addr", ln.Addr().String(), "db", string(a.DB.Dialect), "demo", a.Config.Demo,
		"startup_ms", time.Since(start).Milliseconds())
	fmt.Fprintf(stdout, "职工之家已启动 zhijia is ready: %s (%s, %d ms)\n", a.Config.BaseURL, a.DB.Dialect, time.Since(start).Milliseconds())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	go a.Maintain(ctx)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

func printDemo(w io.Writer, info *app.DemoInfo, base string) {
	fmt.Fprintf(w, "\n== 演示环境 DEMO ==  打开 open %s\n", base)
	fmt.Fprintf(w, "工作人员账号 staff accounts (登录页显示动态验证码 the sign-in page shows each one's current code):\n")
	for _, a := range info.Accounts {
		fmt.Fprintf(w, "  %-16s %-14s %-10s %s\n", a.Username, a.Password, a.Role, a.Org)
	}
	fmt.Fprintf(w, "职工手机号 worker phones (验证码显示在页面上 the code is shown on screen): ")
	for _, p := range info.WorkerPhones {
		fmt.Fprintf(w, "%s ", p)
	}
	fmt.Fprintln(w)
}

func cmdMigrate(ctx context.Context, args []string, stdout io.Writer) error {
	a, _, err := openApp(ctx, "migrate", args, io.Discard, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintf(stdout, "数据库已是最新 database is up to date (%s)\n", a.DB.Dialect)
	return nil
}

func cmdDemo(ctx context.Context, args []string, stdout io.Writer) error {
	a, _, err := openApp(ctx, "demo", args, io.Discard, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	info, err := a.SeedDemo(ctx, a.Config.DemoOrgs)
	if err != nil {
		return err
	}
	printDemo(stdout, info, a.Config.BaseURL)
	return nil
}

func cmdBackup(ctx context.Context, args []string, stdout io.Writer) error {
	a, fs, err := openApp(ctx, "backup", args, io.Discard, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	if fs.NArg() != 1 {
		return errors.New("用法 usage: zhijia backup [flags] FILE")
	}
	dest := fs.Arg(0)
	if err := platform.Backup(ctx, a.DB, dest); err != nil {
		return err
	}
	st, err := os.Stat(dest)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已备份到 backed up to %s (%d KiB)\n", dest, st.Size()/1024)
	return nil
}

// cmdAudit runs `audit verify`; bad is true when the log was tampered with.
func cmdAudit(ctx context.Context, args []string, stdout io.Writer) (bad bool, err error) {
	if len(args) == 0 || args[0] != "verify" {
		return false, errors.New("用法 usage: zhijia audit verify [flags]")
	}
	a, _, err := openApp(ctx, "audit verify", args[1:], io.Discard, nil)
	if err != nil {
		return false, err
	}
	defer a.Close()
	n, problems, err := audit.Verify(ctx, a.DB)
	if err != nil {
		return false, err
	}
	if len(problems) == 0 {
		fmt.Fprintf(stdout, "审计日志完好 audit log intact: %d rows in %d chains verified\n", n, audit.Chains)
		return false, nil
	}
	fmt.Fprintf(stdout, "审计日志被篡改 AUDIT LOG TAMPERED: %d problem(s) in %d rows\n", len(problems), n)
	for _, p := range problems {
		fmt.Fprintln(stdout, "  -", p.Message)
	}
	return true, nil
}
