// Package bench measures the figures the issues name, each as a ratio against a
// baseline measured in the same run on the same machine (this machine is shared
// and noisy, so absolute numbers alone mean little). Load goes to 127.0.0.1 only,
// bounded in time and count.
package bench

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// LoadResult is one bounded load run.
type LoadResult struct {
	Requests int64
	Errors   int64
	Elapsed  time.Duration
	P50, P99 time.Duration
}

// RPS is requests per second.
func (r LoadResult) RPS() float64 { return float64(r.Requests) / r.Elapsed.Seconds() }

func (r LoadResult) String() string {
	return fmt.Sprintf("%8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  (%d requests, %d errors)",
		r.RPS(), ms(r.P50), ms(r.P99), r.Requests, r.Errors)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Serve runs h on a loopback listener until ctx ends; it returns the base URL.
func Serve(ctx context.Context, h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	go func() { <-ctx.Done(); srv.Close() }()
	return "http://" + ln.Addr().String(), nil
}

// Load sends GET url from conns keep-alive connections for d (at most maxReq
// requests), with the given cookie, and reports throughput and latency.
func Load(url, cookie string, conns int, d time.Duration, maxReq int64) LoadResult {
	tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	var sent, errs atomic.Int64
	lat := make([][]time.Duration, conns)
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for i := 0; i < conns; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for time.Now().Before(deadline) && sent.Add(1) <= maxReq {
				t0 := time.Now()
				req, _ := http.NewRequest(http.MethodGet, url, nil)
				if cookie != "" {
					req.Header.Set("Cookie", cookie)
				}
				res, err := client.Do(req)
				if err != nil {
					errs.Add(1)
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					errs.Add(1)
				}
				lat[i] = append(lat[i], time.Since(t0))
			}
		}(i)
	}
	wg.Wait()
	elapsed := time.Since(start)
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	r := LoadResult{Requests: int64(len(all)), Errors: errs.Load(), Elapsed: elapsed}
	if n := len(all); n > 0 {
		r.P50, r.P99 = all[n/2], all[n*99/100]
	}
	return r
}
