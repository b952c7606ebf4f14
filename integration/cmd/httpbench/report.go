package main

import (
	"fmt"
	"io"
	"maps"
	"runtime"
	"slices"
	"time"

	"github.com/talabin/talabin/integration/loadrig"
)

// printHeader describes the machine and the run.
func printHeader(out io.Writer, o options, f loadrig.ServerFacts) {
	_, _ = fmt.Fprintf(out, "httpbench: %s, %d CPUs (GOMAXPROCS %d), load average %s; PostgreSQL %s, synchronous_commit=%s\n",
		runtime.Version(), runtime.NumCPU(), runtime.GOMAXPROCS(0), loadrig.LoadAverage(), f.Version, f.SynchronousCommit)
	_, _ = fmt.Fprintf(out, "attacks of %s after %s warm-up; current price on %d connections; place_order by %d traders\n\n",
		o.Duration, o.Warmup, o.Conns, o.Users)
}

// printOutcome writes one attack's line as it finishes.
func printOutcome(out io.Writer, o outcome) {
	codes := slices.Sorted(maps.Keys(o.Codes))
	_, _ = fmt.Fprintf(out, "%s: %d requests in %s, %.0f ok/s, p50 %s p99 %s max %s, %d errors, CPU %.0f%%, codes",
		o.Name, o.Requests, o.Elapsed.Round(time.Millisecond), o.Rate(), ms(o.P50), ms(o.P99), ms(o.Max), o.Errors, 100*o.CPUBusy)
	for _, c := range codes {
		_, _ = fmt.Fprintf(out, " %d×%d", c, o.Codes[c])
	}
	_, _ = fmt.Fprintln(out)
	if o.Errors > 0 {
		_, _ = fmt.Fprintln(out, "  first error:", o.FirstError)
	}
}

// printTable writes the measured attacks as a Markdown table, as README.md shows them.
func printTable(out io.Writer, all []outcome) {
	_, _ = fmt.Fprintln(out, "\n| attack | requests | ok/s | p50 | p99 | max | errors | CPU busy |")
	_, _ = fmt.Fprintln(out, "|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, o := range all {
		_, _ = fmt.Fprintf(out, "| %s | %d | %.0f | %s | %s | %s | %d | %.0f%% |\n",
			o.Name, o.Requests, o.Rate(), ms(o.P50), ms(o.P99), ms(o.Max), o.Errors, 100*o.CPUBusy)
	}
}

// ms formats d in milliseconds with two decimals.
func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }
