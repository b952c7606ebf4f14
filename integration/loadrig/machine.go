package loadrig

import (
	"os"
	"strconv"
	"strings"
)

// CPUTicks is the first line of /proc/stat: busy and total jiffies of every core.
type CPUTicks struct{ busy, total float64 }

// MachineCPU reads /proc/stat; zero where it cannot (not Linux).
func MachineCPU() CPUTicks {
	raw, err := os.ReadFile("/proc/stat")
	if err != nil {
		return CPUTicks{}
	}
	line, _, _ := strings.Cut(string(raw), "\n")
	fields := strings.Fields(line)
	var t CPUTicks
	for i, f := range fields[1:] {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return CPUTicks{}
		}
		t.total += v
		if i != 3 && i != 4 { // idle, iowait
			t.busy += v
		}
	}
	return t
}

// BusySince returns the busy share of the CPU time since before, 0 to 1.
func (t CPUTicks) BusySince(before CPUTicks) float64 {
	if d := t.total - before.total; d > 0 {
		return (t.busy - before.busy) / d
	}
	return 0
}

// LoadAverage returns the 1-, 5- and 15-minute load averages from /proc/loadavg, or "".
func LoadAverage() string {
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
