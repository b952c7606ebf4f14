package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/talabin/talabin/integration/pgtest"
)

// options configure one run of one or more scenarios.
type options struct {
	// AdminDSN is a role on the server that may create databases.
	AdminDSN string
	// Scenario is all or one scenario's name.
	Scenario string
	// Duration overrides every scenario's own default length when positive.
	Duration time.Duration
	// Warmup is an unmeasured attack before each measured one.
	Warmup    time.Duration
	Users     int
	PriceRate int
	MixedRate int
	Seed      uint64
	Out       string
	Strict    bool
	LogFile   string
	Keep      bool
	// Command is the command line, recorded in the results.
	Command string
}

// parseOptions reads the flags and TALABIN_TEST_DATABASE_URL.
func parseOptions(args []string, getenv func(string) string, stderr io.Writer) (options, error) {
	o := options{AdminDSN: getenv(pgtest.EnvDatabaseURL)}
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.Scenario, "scenario", "all", "the scenario to run: all, "+scenarioNames())
	fs.DurationVar(&o.Duration, "duration", 0, "length of each measured run (default: orders 30s, prices 30s, mixed 60s)")
	fs.DurationVar(&o.Warmup, "warmup", 2*time.Second, "unmeasured load before each measured run (0: none)")
	fs.IntVar(&o.Users, "users", 100, "users of the orders and mixed scenarios, each with its own session and wallet")
	fs.IntVar(&o.PriceRate, "price-rate", 1000, "requests per second of the prices scenario")
	fs.IntVar(&o.MixedRate, "mixed-rate", 200, "requests per second of the mixed scenario")
	fs.Uint64Var(&o.Seed, "seed", 1, "seed of the order amounts and the mixed scenario's choices")
	fs.StringVar(&o.Out, "out", "load-results", "folder of the results: <scenario>.json, .txt and .html")
	fs.BoolVar(&o.Strict, "strict", false, "exit 1 when a latency objective is missed")
	fs.StringVar(&o.LogFile, "log", "", "write the app's JSON log to this file (default: a temporary file, removed at the end)")
	fs.BoolVar(&o.Keep, "keep", false, "keep each scenario's database instead of dropping it")
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
	if o.selected() == nil {
		errs = append(errs, fmt.Errorf("-scenario must be all or one of %s, not %q", scenarioNames(), o.Scenario))
	}
	if o.Duration < 0 || o.Warmup < 0 {
		errs = append(errs, errors.New("-duration and -warmup must not be negative"))
	}
	if o.Users < 1 || o.PriceRate < 1 || o.MixedRate < 1 {
		errs = append(errs, errors.New("-users, -price-rate and -mixed-rate must be at least 1"))
	}
	if o.Out == "" {
		errs = append(errs, errors.New("-out must name a folder"))
	}
	return o, errors.Join(errs...)
}
