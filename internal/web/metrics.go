package web

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"zhijia/internal/platform"
)

// Latency buckets in seconds, Prometheus style.
var buckets = []float64{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

type routeStats struct {
	count  [6]atomic.Uint64 // by status class 1xx..5xx (index 1..5)
	bucket []atomic.Uint64
	sumUS  atomic.Uint64
	total  atomic.Uint64
}

type metrics struct {
	routes sync.Map // pattern -> *routeStats
}

func newMetrics() *metrics { return &metrics{} }

func (m *metrics) observe(pattern string, status int, d time.Duration) {
	v, ok := m.routes.Load(pattern)
	if !ok {
		v, _ = m.routes.LoadOrStore(pattern, &routeStats{bucket: make([]atomic.Uint64, len(buckets))})
	}
	st := v.(*routeStats)
	if c := status / 100; c >= 1 && c <= 5 {
		st.count[c].Add(1)
	}
	sec := d.Seconds()
	for i, b := range buckets {
		if sec <= b {
			st.bucket[i].Add(1)
		}
	}
	st.sumUS.Add(uint64(d.Microseconds()))
	st.total.Add(1)
}

// writeDB prints the database's write counters.
func writeDB(w io.Writer, st platform.WriteStats) {
	fmt.Fprintf(w, "# HELP zhijia_db_write_transactions_total Committed write transactions (SQLite).\n# TYPE zhijia_db_write_transactions_total counter\nzhijia_db_write_transactions_total %d\n", st.Transactions)
	fmt.Fprintf(w, "# HELP zhijia_db_commits_total Commits that carried them: several transactions arriving together share one (SQLite).\n# TYPE zhijia_db_commits_total counter\nzhijia_db_commits_total %d\n", st.Commits)
}

// write prints the Prometheus text exposition format.
func (m *metrics) write(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	var names []string
	m.routes.Range(func(k, _ any) bool { names = append(names, k.(string)); return true })
	sort.Strings(names)
	io.WriteString(w, "# HELP zhijia_http_requests_total HTTP requests by route and status class.\n# TYPE zhijia_http_requests_total counter\n")
	for _, n := range names {
		st := m.stats(n)
		for c := 1; c <= 5; c++ {
			if v := st.count[c].Load(); v > 0 {
				fmt.Fprintf(w, "zhijia_http_requests_total{route=%s,code=\"%dxx\"} %d\n", strconv.Quote(n), c, v)
			}
		}
	}
	io.WriteString(w, "# HELP zhijia_http_request_duration_seconds Request latency by route.\n# TYPE zhijia_http_request_duration_seconds histogram\n")
	for _, n := range names {
		st := m.stats(n)
		q := strconv.Quote(n)
		for i, b := range buckets {
			fmt.Fprintf(w, "zhijia_http_request_duration_seconds_bucket{route=%s,le=\"%g\"} %d\n", q, b, st.bucket[i].Load())
		}
		total := st.total.Load()
		fmt.Fprintf(w, "zhijia_http_request_duration_seconds_bucket{route=%s,le=\"+Inf\"} %d\n", q, total)
		fmt.Fprintf(w, "zhijia_http_request_duration_seconds_sum{route=%s} %g\n", q, float64(st.sumUS.Load())/1e6)
		fmt.Fprintf(w, "zhijia_http_request_duration_seconds_count{route=%s} %d\n", q, total)
	}
}

func (m *metrics) stats(n string) *routeStats {
	v, _ := m.routes.Load(n)
	return v.(*routeStats)
}
