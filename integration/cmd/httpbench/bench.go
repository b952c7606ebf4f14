package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"time"

	"github.com/talabin/talabin/integration/loadrig"
)

// bench runs the whole benchmark and writes its report to out.
func bench(ctx context.Context, o options, out io.Writer) (err error) {
	rig, err := loadrig.Start(ctx, loadrig.Options{
		AdminDSN: o.AdminDSN, Users: o.Users, Name: "httpbench", LogFile: o.LogFile, Keep: o.Keep,
	})
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, rig.Close(ctx, out)) }()
	printHeader(out, o, rig.Server)

	var measured, all []outcome
	attack := func(warm bool, do func(d time.Duration) outcome) {
		if warm && o.Warmup > 0 {
			all = append(all, do(o.Warmup))
			return
		}
		if !warm {
			cpu0 := loadrig.MachineCPU()
			res := do(o.Duration)
			res.CPUBusy = loadrig.MachineCPU().BusySince(cpu0)
			measured, all = append(measured, res), append(all, res)
			printOutcome(out, res)
		}
	}
	priceAttack := func(d time.Duration) outcome { return attackPrice(rig.Base, o.Conns, d) }
	attack(true, priceAttack)
	stopProfile, err := startProfile(o.PriceCPUProfile)
	if err != nil {
		return err
	}
	attack(false, priceAttack)
	if err := stopProfile(); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}

	stopProfile, err = startProfile(o.CPUProfile)
	if err != nil {
		return err
	}
	for _, keyed := range []bool{false, true} {
		for _, warm := range []bool{true, false} {
			run := fmt.Sprintf("keyed%t-warm%t", keyed, warm)
			attack(warm, func(d time.Duration) outcome {
				return attackPlace(rig.Base, rig.Users, d, keyed, run, o.Seed)
			})
		}
	}
	if err := stopProfile(); err != nil {
		return err
	}
	stored, err := rig.Check(ctx)
	if err != nil {
		return err
	}
	printTable(out, measured)
	return check(out, stored, all)
}

// check counts failed requests and compares the 201s with the orders stored and what the
// ledger verification found. Any problem is an error.
func check(out io.Writer, stored loadrig.Stored, all []outcome) error {
	var errs []error
	var placed, keyed int64
	for _, o := range all {
		if o.Errors > 0 {
			errs = append(errs, fmt.Errorf("%s: %d of %d requests failed, e.g. %s", o.Name, o.Errors, o.Requests, o.FirstError))
		}
		if o.placeOrders {
			placed += int64(o.OK)
		}
		if o.keyed {
			keyed += int64(o.OK)
		}
	}
	counts := stored.Orders
	_, _ = fmt.Fprintf(out, "\norders: %d answered 201 (warm-ups included), %d keyed; stored: %d completed, %d failed, %d other, "+
		"%d order.place audit events, %d idempotency records\n",
		placed, keyed, counts.Completed, counts.Failed, counts.Other, counts.Audited, counts.Idempotent)
	want := loadrig.OrderCounts{Completed: placed, Audited: placed, Idempotent: keyed}
	if counts != want {
		errs = append(errs, fmt.Errorf("what is stored does not match the 201 answers: got %+v, want %+v", counts, want))
	}
	if !stored.LedgerOK {
		errs = append(errs, fmt.Errorf("ledger verify: %s", stored.Ledger))
	} else {
		_, _ = fmt.Fprintln(out, "ledger verify:", stored.Ledger)
	}
	return errors.Join(errs...)
}

// startProfile starts a CPU profile into path; with no path it does nothing.
func startProfile(path string) (stop func() error, err error) {
	if path == "" {
		return func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		return nil, errors.Join(err, f.Close())
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
}
