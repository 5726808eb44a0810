package main

import (
	"context"
	"flag"
	"io"
	"os"
	"time"

	"zhijia/internal/bench"
)

// cmdBench prints the figures the issues name, as ratios against baselines
// measured in the same run.
func cmdBench(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	o := bench.Options{Out: stdout}
	fs.StringVar(&o.PG, "pg", os.Getenv("ZHIJIA_TEST_PG"), "PostgreSQL URL for the PostgreSQL figures (a scratch database is created and dropped)")
	fs.DurationVar(&o.Duration, "duration", 4*time.Second, "length of each load phase")
	fs.IntVar(&o.Conns, "conns", 64, "concurrent loopback connections")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "zhijia-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	o.Dir = dir
	if o.PG != "" {
		url, drop, err := bench.ScratchPG(ctx, o.PG)
		if err != nil {
			return err
		}
		defer drop()
		o.PG = url
	}
	return bench.Run(ctx, o)
}
