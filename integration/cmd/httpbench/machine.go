package main

import (
	"os"
	"strconv"
	"strings"
)

// cpuTicks is the first line of /proc/stat: busy and total jiffies of every core.
type cpuTicks struct{ busy, total float64 }

// machineCPU reads /proc/stat; zero where it cannot (not Linux).
func machineCPU() cpuTicks {
	raw, err := os.ReadFile("/proc/stat")
	if err != nil {
		return cpuTicks{}
	}
	line, _, _ := strings.Cut(string(raw), "\n")
	fields := strings.Fields(line)
	var t cpuTicks
	for i, f := range fields[1:] {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return cpuTicks{}
		}
		t.total += v
		if i != 3 && i != 4 { // idle, iowait
			t.busy += v
		}
	}
	return t
}

// busySince returns the busy share of the CPU time since before, 0 to 1.
func (t cpuTicks) busySince(before cpuTicks) float64 {
	if d := t.total - before.total; d > 0 {
		return (t.busy - before.busy) / d
	}
	return 0
}

// loadAverage returns the 1-, 5- and 15-minute load averages from /proc/loadavg, or "".
func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}
