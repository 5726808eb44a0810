// Command zhijia runs the 职工之家 system: the web server and its maintenance
// commands, on an embedded SQLite database or on PostgreSQL.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `zhijia — 职工之家 / Workers' Home

用法 Usage: zhijia <command> [flags]

  serve           启动服务 run the web server (--demo for the demo city)
  migrate         升级数据库结构 apply database migrations
  demo            写入演示数据 load the demo city into the database
  user add        新建工作人员账号 create a staff account
  user reset      重置密码 reset a staff account's password
  import workers FILE --org ID  导入职工名册 import a worker roster (.xlsx/.csv)
  backup FILE     在线备份 SQLite 数据库 copy a live SQLite database to FILE
  audit verify    校验审计日志 check that no audit row was altered or removed
  keys rotate     更换加密密钥并重新加密个人信息 add a key, re-encrypt personal data (online)
  keys status     查看密钥与进度 list keys and values under older keys
  lottery verify --seed HEX FILE  复核摇号 re-run a draw from its exported sign-ups
  bench           性能测试 measure the figures, as ratios against baselines
  version         显示版本 print the version

每个命令的参数见 zhijia <command> -h；配置也可用 ZHIJIA_* 环境变量。
Flags: zhijia <command> -h. Every setting can also come from a ZHIJIA_* variable.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches a command; it returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		err = cmdServe(ctx, rest, stdout, stderr)
	case "migrate":
		err = cmdMigrate(ctx, rest, stdout)
	case "demo":
		err = cmdDemo(ctx, rest, stdout)
	case "user":
		err = cmdUser(ctx, rest, stdout)
	case "import":
		var refused bool
		refused, err = cmdImport(ctx, rest, stdout, stderr)
		if err == nil && refused {
			return 1
		}
	case "backup":
		err = cmdBackup(ctx, rest, stdout)
	case "audit":
		var bad bool
		bad, err = cmdAudit(ctx, rest, stdout)
		if err == nil && bad {
			return 1
		}
	case "bench":
		err = cmdBench(ctx, rest, stdout)
	case "keys":
		err = cmdKeys(ctx, rest, stdout, stderr)
	case "lottery":
		var ok bool
		ok, err = cmdLottery(rest, stdout)
		if err == nil && !ok {
			return 1
		}
	case "version", "-v", "--version":
		fmt.Fprintln(stdout, "zhijia", version)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "未知命令 unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "错误 error:", err)
		return 1
	}
	return 0
}
