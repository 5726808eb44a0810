package platform

import (
	"flag"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Config is the whole of zhijia's configuration, from flags and ZHIJIA_* variables.
type Config struct {
	Addr               string
	DB                 string // postgres:// URL or SQLite file path; empty means DataDir/zhijia.db
	DataDir            string
	KeyFile            string // empty means DataDir/zhijia.key
	BaseURL            string
	Demo               bool
	DemoOrgs           int
	DemoWorkers        int // synthetic workers in the demo registry
	PasswordMaxAgeDays int
	DashboardK         int // smallest group a masked dashboard cell may describe
	PasswordMaxAge     time.Duration
	SessionIdle        time.Duration
}

// Env names each setting; the README's table is drawn from it.
var Env = []struct{ Name, Flag, Default, Doc string }{
	{"ZHIJIA_ADDR", "addr", ":8080", "listen address"},
	{"ZHIJIA_DB", "db", "", "database: a postgres:// URL, or a SQLite file path (default DATA_DIR/zhijia.db)"},
	{"ZHIJIA_DATA_DIR", "data-dir", "./data", "data directory (SQLite file, key file, uploads)"},
	{"ZHIJIA_KEY_FILE", "key-file", "", "key for personal data at rest (default DATA_DIR/zhijia.key, created if absent)"},
	{"ZHIJIA_BASE_URL", "base-url", defaultBaseURL, "public URL; https:// turns on Secure cookies"},
	{"ZHIJIA_DEMO", "demo", "false", "load the demo city and show demo sign-in help"},
	{"ZHIJIA_DEMO_ORGS", "orgs", "300", "grassroots unions in the demo tree"},
	{"ZHIJIA_DEMO_WORKERS", "workers", "2000", "synthetic workers in the demo registry"},
	{"ZHIJIA_PASSWORD_MAX_AGE_DAYS", "password-max-age-days", "90", "days before a staff password must be changed"},
	{"ZHIJIA_DASHBOARD_K", "dashboard-k", "5", "dashboard cells describing fewer people show \"<k\""},
}

// BindFlags registers every setting on fs, defaulting from the environment.
func (c *Config) BindFlags(fs *flag.FlagSet) {
	get := func(name, def string) string {
		if v, ok := os.LookupEnv(name); ok {
			return v
		}
		return def
	}
	val := map[string]string{}
	for _, e := range Env {
		val[e.Flag] = get(e.Name, e.Default)
	}
	fs.StringVar(&c.Addr, "addr", val["addr"], "listen address")
	fs.StringVar(&c.DB, "db", val["db"], "database URL or SQLite path")
	fs.StringVar(&c.DataDir, "data-dir", val["data-dir"], "data directory")
	fs.StringVar(&c.KeyFile, "key-file", val["key-file"], "key file")
	fs.StringVar(&c.BaseURL, "base-url", val["base-url"], "public base URL")
	demo, _ := strconv.ParseBool(val["demo"])
	fs.BoolVar(&c.Demo, "demo", demo, "demo mode")
	n, _ := strconv.Atoi(val["orgs"])
	fs.IntVar(&c.DemoOrgs, "orgs", n, "grassroots unions in the demo tree")
	nw, _ := strconv.Atoi(val["workers"])
	fs.IntVar(&c.DemoWorkers, "workers", nw, "synthetic workers in the demo registry")
	days, _ := strconv.Atoi(val["password-max-age-days"])
	fs.IntVar(&c.PasswordMaxAgeDays, "password-max-age-days", days, "days before a staff password expires")
	k, _ := strconv.Atoi(val["dashboard-k"])
	fs.IntVar(&c.DashboardK, "dashboard-k", k, "dashboard cells describing fewer people show <k")
}

// Finish fills derived defaults after flags are parsed.
func (c *Config) Finish() {
	if c.DB == "" {
		c.DB = filepath.Join(c.DataDir, "zhijia.db")
	}
	if c.KeyFile == "" {
		c.KeyFile = filepath.Join(c.DataDir, "zhijia.key")
	}
	if c.PasswordMaxAgeDays <= 0 {
		c.PasswordMaxAgeDays = 90
	}
	if c.DashboardK <= 0 {
		c.DashboardK = 5
	}
	if c.BaseURL == defaultBaseURL && c.Addr != "" && c.Addr != ":8080" {
		c.BaseURL = baseURLFor(c.Addr) // the default follows --addr, so printed links work
	}
	c.PasswordMaxAge = time.Duration(c.PasswordMaxAgeDays) * 24 * time.Hour
	if c.SessionIdle == 0 {
		c.SessionIdle = 30 * time.Minute
	}
}

const defaultBaseURL = "http://localhost:8080"

// baseURLFor is the local URL a listen address answers on: ":9000" and
// "0.0.0.0:9000" are http://localhost:9000, "127.0.0.1:9000" keeps its host.
func baseURLFor(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return defaultBaseURL
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}
