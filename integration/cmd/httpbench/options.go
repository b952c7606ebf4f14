package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/talabin/talabin/integration/pgtest"
)

// options configure one benchmark run.
type options struct {
	// AdminDSN is a role on the server that may create databases.
	AdminDSN        string
	Duration        time.Duration
	Warmup          time.Duration
	Conns           int
	Users           int
	Seed            uint64
	CPUProfile      string
	PriceCPUProfile string
	LogFile         string
	Keep            bool
}

// parseOptions reads the flags and TALABIN_TEST_DATABASE_URL.
func parseOptions(args []string, getenv func(string) string, stderr io.Writer) (options, error) {
	o := options{AdminDSN: getenv(pgtest.EnvDatabaseURL)}
	fs := flag.NewFlagSet("httpbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.DurationVar(&o.Duration, "duration", 10*time.Second, "length of each measured attack")
	fs.DurationVar(&o.Warmup, "warmup", 2*time.Second, "unmeasured attack before each measured one (0: none)")
	fs.IntVar(&o.Conns, "conns", 64, "keep-alive connections of the current-price attack")
	fs.IntVar(&o.Users, "users", 64, "concurrent traders of the place_order attacks, each with its own wallet")
	fs.Uint64Var(&o.Seed, "seed", 1, "seed of the order amounts")
	fs.StringVar(&o.CPUProfile, "cpuprofile", "", "write a CPU profile of the process (server and load generator) during the place_order attacks to this file")
	fs.StringVar(&o.PriceCPUProfile, "price-cpuprofile", "", "write a CPU profile of the process during the current-price attack to this file")
	fs.StringVar(&o.LogFile, "log", "", "write the app's JSON log to this file (default: a temporary file, removed at the end)")
	fs.BoolVar(&o.Keep, "keep", false, "keep the benchmark database instead of dropping it")
	if err := fs.Parse(args); err != nil {
		return options{}, err
	}
	var errs []error
	if fs.NArg() > 0 {
		errs = append(errs, fmt.Errorf("unexpected arguments %q", fs.Args()))
	}
	if o.AdminDSN == "" {
		errs = append(errs, fmt.Errorf("%s must name a PostgreSQL server whose role may create databases", pgtest.EnvDatabaseURL))
	}
	if o.Duration <= 0 || o.Warmup < 0 {
		errs = append(errs, errors.New("-duration must be positive and -warmup not negative"))
	}
	if o.Conns < 1 || o.Users < 1 {
		errs = append(errs, errors.New("-conns and -users must be at least 1"))
	}
	return o, errors.Join(errs...)
}
