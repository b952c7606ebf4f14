package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"time"

	"github.com/talabin/talabin/integration/loadrig"
)

// report is one scenario's result, as <scenario>.json holds it.
type report struct {
	Scenario string    `json:"scenario"`
	Load     string    `json:"load"`
	Command  string    `json:"command"`
	Started  time.Time `json:"started"`
	// DurationS is the measured run's requested length, ElapsedS its wall time until the
	// last answer, WarmupS the unmeasured load before it.
	DurationS float64 `json:"duration_s"`
	ElapsedS  float64 `json:"elapsed_s"`
	WarmupS   float64 `json:"warmup_s"`
	// TargetRate is the open loop's requests per second; 0 for a closed loop.
	TargetRate int         `json:"target_rate_per_second"`
	Users      int         `json:"users"`
	Machine    machine     `json:"machine"`
	Total      stats       `json:"total"`
	Endpoints  []stats     `json:"endpoints"`
	Objective  *objective  `json:"objective,omitempty"`
	Stored     storedCheck `json:"stored"`
	// Problems are the failed requests and stored-data mismatches that fail the run.
	Problems []string `json:"problems"`
	Chart    string   `json:"chart"`
}

// machine describes where the figures come from.
type machine struct {
	Go          string `json:"go"`
	CPUs        int    `json:"cpus"`
	GOMAXPROCS  int    `json:"gomaxprocs"`
	LoadAverage string `json:"load_average_before"`
	PostgreSQL  string `json:"postgresql"`
	// SynchronousCommit is the benchmark database's setting (on: every commit waits for
	// its WAL flush).
	SynchronousCommit string `json:"synchronous_commit"`
	// CPUBusyPercent is the share of the whole machine's CPU time (database included) that
	// was busy during the measured run.
	CPUBusyPercent float64 `json:"cpu_busy_percent"`
}

// storedCheck is what the run left in the database after the app stopped.
type storedCheck struct {
	// Answered201 counts the place_order requests answered 201, warm-up included.
	Answered201 int64  `json:"orders_answered_201"`
	Completed   int64  `json:"orders_completed"`
	Failed      int64  `json:"orders_failed"`
	Other       int64  `json:"orders_other"`
	Audited     int64  `json:"order_place_audit_events"`
	LedgerOK    bool   `json:"ledger_ok"`
	Ledger      string `json:"ledger_verify"`
}

// runScenario runs sc on a rig of its own, checks what it stored and writes its results.
func runScenario(ctx context.Context, o options, sc scenario, out io.Writer) (rep report, err error) {
	d := sc.duration
	if o.Duration > 0 {
		d = o.Duration
	}
	load := loadrig.LoadAverage()
	rig, err := loadrig.Start(ctx, loadrig.Options{
		AdminDSN: o.AdminDSN, Users: sc.users, Name: "loadtest-" + sc.name, LogFile: o.LogFile, Keep: o.Keep,
	})
	if err != nil {
		return report{}, err
	}
	defer func() { err = errors.Join(err, rig.Close(ctx, out)) }()
	_, _ = fmt.Fprintf(out, "loadtest %s: %s of load after %s of warm-up...\n", sc.name, d, o.Warmup)

	orders := slices.Index(sc.endpoints, placeOrder)
	var placed int64
	if o.Warmup > 0 {
		warm := newRecorder(sc.endpoints)
		sc.attack(rig.Base, rig.Users, o.Warmup, 1, warm)
		placed += warm.count(orders)
	}
	if ctx.Err() != nil {
		return report{}, ctx.Err()
	}
	cpu0 := loadrig.MachineCPU()
	rec := newRecorder(sc.endpoints)
	sc.attack(rig.Base, rig.Users, d, 0, rec)
	elapsed := time.Since(rec.start)
	busy := loadrig.MachineCPU().BusySince(cpu0)
	placed += rec.count(orders)
	if ctx.Err() != nil {
		return report{}, ctx.Err()
	}
	stored, err := rig.Check(ctx)
	if err != nil {
		return report{}, err
	}

	seconds := int(math.Ceil(d.Seconds()))
	rep = report{
		Scenario: sc.name, Load: sc.load, Command: o.Command, Started: rec.start.UTC(),
		DurationS: d.Seconds(), ElapsedS: elapsed.Seconds(), WarmupS: o.Warmup.Seconds(),
		TargetRate: sc.rate, Users: len(rig.Users),
		Machine: machine{
			Go: runtime.Version(), CPUs: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), LoadAverage: load,
			PostgreSQL: rig.Server.Version, SynchronousCommit: rig.Server.SynchronousCommit,
			CPUBusyPercent: float64(int(1000*busy)) / 10,
		},
		Total: summarise("all requests", rec.samples, elapsed, seconds),
		Stored: storedCheck{
			Answered201: placed, Completed: stored.Orders.Completed, Failed: stored.Orders.Failed,
			Other: stored.Orders.Other, Audited: stored.Orders.Audited, LedgerOK: stored.LedgerOK, Ledger: stored.Ledger,
		},
		Problems: []string{},
	}
	for i, ep := range sc.endpoints {
		st := summarise(ep.Name, filterEndpoint(rec.samples, i), elapsed, seconds)
		st.FirstError = rec.firstError[i]
		rep.Endpoints = append(rep.Endpoints, st)
		if st.Errors > 0 {
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s: %d of %d requests failed, e.g. %s", ep.Name, st.Errors, st.Requests, st.FirstError))
		}
	}
	if stray := len(filterEndpoint(rec.samples, -1)); stray > 0 {
		rep.Problems = append(rep.Problems, fmt.Sprintf("%d results matched no endpoint, e.g. %s", stray, rec.firstError[-1]))
	}
	if s := rep.Stored; s.Completed != placed || s.Audited != placed || s.Failed != 0 || s.Other != 0 {
		rep.Problems = append(rep.Problems, fmt.Sprintf("stored orders do not match the %d answers 201: %d completed, %d failed, %d other, %d order.place audit events",
			placed, s.Completed, s.Failed, s.Other, s.Audited))
	}
	if !stored.LedgerOK {
		rep.Problems = append(rep.Problems, "ledger verify: "+stored.Ledger)
	}
	if sc.objective != nil {
		judged := sc.objective.judge(rep.Total)
		rep.Objective = &judged
	}
	if err := writeResults(o.Out, &rep); err != nil {
		return rep, err
	}
	printSummary(out, rep)
	return rep, nil
}

// filterEndpoint returns the samples of endpoint ep.
func filterEndpoint(samples []sample, ep int) []sample {
	var out []sample
	for _, s := range samples {
		if s.Endpoint == ep {
			out = append(out, s)
		}
	}
	return out
}
