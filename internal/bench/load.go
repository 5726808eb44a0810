// Package bench measures the figures the issues name, each as a ratio against a
// baseline measured in the same run on the same machine (this machine is shared
// and noisy, so absolute numbers alone mean little). Load goes to 127.0.0.1 only,
// bounded in time and count.
package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
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
// requests), with the given cookie, and reports throughput and latency. Each
// connection speaks HTTP/1.1 directly over TCP, so the generator costs little
// beside the server on the same two cores.
func Load(rawURL, cookie string, conns int, d time.Duration, maxReq int64) LoadResult {
	u, err := url.Parse(rawURL)
	if err != nil {
		return LoadResult{Errors: 1}
	}
	req := "GET " + u.RequestURI() + " HTTP/1.1\r\nHost: " + u.Host + "\r\nUser-Agent: zhijia-bench\r\n"
	if cookie != "" {
		req += "Cookie: " + cookie + "\r\n"
	}
	req += "\r\n"
	var sent, errs atomic.Int64
	lat := make([][]time.Duration, conns)
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for i := 0; i < conns; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			lat[i] = worker(u.Host, req, deadline, maxReq, &sent, &errs)
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

// worker runs one connection's request loop, reconnecting after an error.
func worker(host, req string, deadline time.Time, maxReq int64, sent, errs *atomic.Int64) []time.Duration {
	var lat []time.Duration
	var conn net.Conn
	var br *bufio.Reader
	defer func() {
		if conn != nil {
			conn.Close()
		}
	}()
	for time.Now().Before(deadline) && sent.Add(1) <= maxReq {
		if conn == nil {
			c, err := net.DialTimeout("tcp", host, 5*time.Second)
			if err != nil {
				errs.Add(1)
				time.Sleep(10 * time.Millisecond)
				continue
			}
			conn, br = c, bufio.NewReaderSize(c, 32<<10)
		}
		t0 := time.Now()
		conn.SetDeadline(t0.Add(10 * time.Second))
		_, err := io.WriteString(conn, req)
		var res *http.Response
		if err == nil {
			res, err = http.ReadResponse(br, nil)
		}
		if err == nil {
			_, err = io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
		if err != nil || res.StatusCode != http.StatusOK {
			errs.Add(1)
			conn.Close()
			conn = nil
			continue
		}
		lat = append(lat, time.Since(t0))
	}
	return lat
}
