package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// writeResults writes <scenario>.json, .txt and .html into dir and names the chart in rep.
func writeResults(dir string, rep *report) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	rep.Chart = rep.Scenario + ".html"
	raw, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	var chart bytes.Buffer
	if err := drawChart(&chart, *rep); err != nil {
		return fmt.Errorf("chart: %w", err)
	}
	return errors.Join(
		os.WriteFile(filepath.Join(dir, rep.Scenario+".json"), append(raw, '\n'), 0o600),
		os.WriteFile(filepath.Join(dir, rep.Scenario+".txt"), []byte(summary(*rep)), 0o600),
		os.WriteFile(filepath.Join(dir, rep.Chart), chart.Bytes(), 0o600),
	)
}

// printSummary writes the text summary to out.
func printSummary(out io.Writer, rep report) {
	_, _ = io.WriteString(out, summary(rep))
	_, _ = fmt.Fprintln(out)
}

// summary is <scenario>.txt: the run, a table per endpoint, the objective and the checks.
func summary(rep report) string {
	var b strings.Builder
	m := rep.Machine
	fmt.Fprintf(&b, "loadtest %s: %s\n", rep.Scenario, rep.Load)
	fmt.Fprintf(&b, "command: %s\n", rep.Command)
	fmt.Fprintf(&b, "run: %s measured (%.1f s to the last answer) after %s warm-up, started %s\n",
		time.Duration(rep.DurationS*float64(time.Second)), rep.ElapsedS, time.Duration(rep.WarmupS*float64(time.Second)), rep.Started.Format(time.RFC3339))
	fmt.Fprintf(&b, "machine: %s, %d CPUs (GOMAXPROCS %d), load average %s before, CPU %.0f%% busy during the run; PostgreSQL %s, synchronous_commit=%s\n\n",
		m.Go, m.CPUs, m.GOMAXPROCS, m.LoadAverage, m.CPUBusyPercent, m.PostgreSQL, m.SynchronousCommit)

	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	_, _ = fmt.Fprintln(tw, "endpoint\trequests\treq/s\tok/s\tp50 ms\tp95 ms\tp99 ms\tmax ms\terrors\tstatuses\t")
	rows := rep.Endpoints
	if len(rows) > 1 {
		rows = append(slices.Clone(rows), rep.Total)
	}
	for _, st := range rows {
		l := st.LatencyMS
		_, _ = fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.0f\t%.2f\t%.2f\t%.2f\t%.2f\t%d\t%s\t\n",
			st.Name, st.Requests, st.Rate, st.OKRate, l.P50, l.P95, l.P99, l.Max, st.Errors, statuses(st.Statuses))
	}
	_ = tw.Flush()

	if o := rep.Objective; o != nil {
		verdict := "met"
		if !o.Met {
			verdict = "NOT met"
		}
		fmt.Fprintf(&b, "\nobjective %s: %s (p99 %.2f ms over %d requests)\n", o.Name, verdict, o.P99MS, rep.Total.Requests)
	}
	if secs := rep.Total.PerSecond; len(secs) > 0 {
		worst := slices.MaxFunc(secs, func(a, b second) int { return cmp.Compare(a.P99, b.P99) })
		p99s := make([]float64, len(secs))
		for i, s := range secs {
			p99s[i] = s.P99
		}
		slices.Sort(p99s)
		fmt.Fprintf(&b, "\nper second (%d s): p99 of each second from %.2f to %.2f ms, median %.2f ms; the slowest second, t=%d s, p99 %.2f ms max %.2f ms\n",
			len(secs), p99s[0], p99s[len(p99s)-1], p99s[len(p99s)/2], worst.T, worst.P99, worst.Max)
	}
	s := rep.Stored
	fmt.Fprintf(&b, "\nstored: %d place_order answers 201 (warm-up included); %d orders completed, %d failed, %d other; %d order.place audit events\n",
		s.Answered201, s.Completed, s.Failed, s.Other, s.Audited)
	fmt.Fprintf(&b, "ledger verify: %s\n", s.Ledger)
	if len(rep.Problems) == 0 {
		fmt.Fprintln(&b, "problems: none")
	}
	for _, p := range rep.Problems {
		fmt.Fprintln(&b, "PROBLEM:", p)
	}
	fmt.Fprintf(&b, "chart: %s (p50, p99 and max of each second, and requests per second)\n", rep.Chart)
	return b.String()
}

// statuses formats the status counts as 201×5012 0×1.
func statuses(counts map[string]int) string {
	keys := slices.Sorted(maps.Keys(counts))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s×%d", k, counts[k])
	}
	return strings.Join(parts, " ")
}
