package main

import (
	"fmt"
	"html"
	"io"
	"math"
	"slices"
	"strings"
)

// The chart's geometry in SVG pixels.
const (
	chartWidth   = 960
	chartLeft    = 64 // room for the y axis' labels
	chartRight   = 16
	chartTop     = 28 // room for the panel's title
	chartBottom  = 30 // room for the x axis' labels
	latencyPlotH = 220
	rateBarPlotH = 110
)

// The lines' colours: p50, p99, max, the objective, and the rate panel's bars.
const (
	colorP50       = "#1f77b4"
	colorP99       = "#ff7f0e"
	colorMax       = "#aaaaaa"
	colorObjective = "#d62728"
	colorRequests  = "#8fbc8f"
	colorErrors    = "#d62728"
)

// drawChart writes <scenario>.html: a page with no script and no outside resource, one
// latency-over-time panel per endpoint (and one for all requests when there are several) —
// the p50, p99 and max of the requests sent in each second on a logarithmic axis, the
// objective as a dashed line — then a panel of requests and errors per second, and the text
// summary.
func drawChart(w io.Writer, rep report) error {
	var b strings.Builder
	title := fmt.Sprintf("loadtest %s: latency over time", rep.Scenario)
	fmt.Fprintf(&b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s</title>\n", html.EscapeString(title))
	b.WriteString("<style>body{font-family:system-ui,sans-serif;margin:24px;color:#222}svg{display:block;margin:8px 0}" +
		"svg text{font-family:system-ui,sans-serif;font-size:12px;fill:#333}pre{background:#f6f6f6;padding:12px;overflow:auto}</style></head><body>\n")
	fmt.Fprintf(&b, "<h1>%s</h1>\n<p>%s — %s measured after %s warm-up, started %s.</p>\n",
		html.EscapeString(title), html.EscapeString(rep.Load), fmtSeconds(rep.DurationS), fmtSeconds(rep.WarmupS), rep.Started.Format("2006-01-02 15:04:05 MST"))
	fmt.Fprintf(&b, "<p><span style=\"color:%s\">■ p50</span> &nbsp; <span style=\"color:%s\">■ p99</span> &nbsp; "+
		"<span style=\"color:%s\">■ max</span> of the requests sent in each second", colorP50, colorP99, colorMax)
	if rep.Objective != nil {
		fmt.Fprintf(&b, " &nbsp; <span style=\"color:%s\">- - objective %s</span>", colorObjective, html.EscapeString(rep.Objective.Name))
	}
	b.WriteString("</p>\n")
	var objectiveMS float64
	if rep.Objective != nil {
		objectiveMS = rep.Objective.LimitMS
	}
	panels := rep.Endpoints
	if len(panels) > 1 {
		panels = append(slices.Clone(panels), rep.Total)
	}
	for _, st := range panels {
		latencyPanel(&b, st, objectiveMS)
	}
	ratePanel(&b, rep.Total)
	fmt.Fprintf(&b, "<pre>%s</pre>\n</body></html>\n", html.EscapeString(summary(rep)))
	_, err := io.WriteString(w, b.String())
	return err
}

// latencyPanel draws one endpoint's per-second percentiles on a logarithmic axis.
func latencyPanel(b *strings.Builder, st stats, objectiveMS float64) {
	secs := st.PerSecond
	lo, hi := math.Inf(1), 0.0
	for _, s := range secs {
		if s.Requests > 0 {
			lo, hi = min(lo, s.P50), max(hi, s.Max)
		}
	}
	if objectiveMS > 0 {
		lo, hi = min(lo, objectiveMS), max(hi, objectiveMS)
	}
	if hi <= 0 {
		return
	}
	lo = math.Pow(10, math.Floor(math.Log10(max(lo, 0.001))))
	hi = math.Pow(10, math.Ceil(math.Log10(hi)))
	if hi <= lo {
		hi = lo * 10
	}
	plotW := float64(chartWidth - chartLeft - chartRight)
	y := func(v float64) float64 {
		f := (math.Log10(v) - math.Log10(lo)) / (math.Log10(hi) - math.Log10(lo))
		return chartTop + latencyPlotH*(1-f)
	}
	x := func(t int) float64 { return chartLeft + plotW*(float64(t)+0.5)/float64(len(secs)) }

	openPanel(b, latencyPlotH, fmt.Sprintf("%s — p50 %.2f ms, p99 %.2f ms, max %.2f ms over %d requests",
		st.Name, st.LatencyMS.P50, st.LatencyMS.P99, st.LatencyMS.Max, st.Requests))
	for decade := lo; decade < hi*1.0001; decade *= 10 {
		for _, m := range []float64{1, 2, 5} {
			if v := decade * m; v <= hi*1.0001 {
				gridLine(b, y(v), fmtMillis(v), m == 1)
			}
		}
	}
	timeAxis(b, len(secs), latencyPlotH)
	if objectiveMS > 0 {
		fmt.Fprintf(b, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-dasharray=\"6 4\"/>\n",
			chartLeft, chartWidth-chartRight, y(objectiveMS), y(objectiveMS), colorObjective)
	}
	for _, line := range []struct {
		color string
		value func(second) float64
	}{
		{colorMax, func(s second) float64 { return s.Max }},
		{colorP99, func(s second) float64 { return s.P99 }},
		{colorP50, func(s second) float64 { return s.P50 }},
	} {
		var pts []string
		for _, s := range secs {
			if s.Requests > 0 {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(s.T), y(max(line.value(s), lo))))
			}
		}
		fmt.Fprintf(b, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>\n", line.color, strings.Join(pts, " "))
	}
	b.WriteString("</svg>\n")
}

// ratePanel draws the requests sent and the failed ones in each second.
func ratePanel(b *strings.Builder, total stats) {
	secs := total.PerSecond
	if len(secs) == 0 {
		return
	}
	peak := 1
	for _, s := range secs {
		peak = max(peak, s.Requests)
	}
	top := niceCeil(float64(peak))
	plotW := float64(chartWidth - chartLeft - chartRight)
	barW := plotW / float64(len(secs))
	y := func(v float64) float64 { return chartTop + rateBarPlotH*(1-v/top) }
	openPanel(b, rateBarPlotH, fmt.Sprintf("requests per second (%.0f/s on average) and failed requests (%d in all)", total.Rate, total.Errors))
	for _, v := range []float64{0, top / 2, top} {
		gridLine(b, y(v), fmt.Sprintf("%.0f", v), v == 0)
	}
	timeAxis(b, len(secs), rateBarPlotH)
	for _, s := range secs {
		x0 := chartLeft + barW*float64(s.T)
		fmt.Fprintf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n",
			x0, y(float64(s.Requests)), max(barW-1, 0.5), rateBarPlotH-(y(float64(s.Requests))-chartTop), colorRequests)
		if s.Errors > 0 {
			fmt.Fprintf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n",
				x0, y(float64(s.Errors)), max(barW-1, 0.5), rateBarPlotH-(y(float64(s.Errors))-chartTop), colorErrors)
		}
	}
	b.WriteString("</svg>\n")
}

// openPanel starts a panel's SVG with its title.
func openPanel(b *strings.Builder, plotH int, title string) {
	h := chartTop + plotH + chartBottom
	fmt.Fprintf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n", chartWidth, h, chartWidth, h)
	fmt.Fprintf(b, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n", chartWidth, h)
	fmt.Fprintf(b, "<text x=\"%d\" y=\"18\" style=\"font-weight:bold\">%s</text>\n", chartLeft, html.EscapeString(title))
}

// gridLine draws a horizontal grid line at y labelled on the left; a major one is darker.
func gridLine(b *strings.Builder, y float64, label string, major bool) {
	stroke := "#eeeeee"
	if major {
		stroke = "#cccccc"
	}
	fmt.Fprintf(b, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n", chartLeft, chartWidth-chartRight, y, y, stroke)
	fmt.Fprintf(b, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", chartLeft-6, y+4, label)
}

// timeAxis labels the x axis in seconds from the start of the run, about ten ticks.
func timeAxis(b *strings.Builder, n, plotH int) {
	plotW := float64(chartWidth - chartLeft - chartRight)
	step := max(1, int(niceCeil(float64(n)/10)))
	base := chartTop + plotH
	for t := 0; t <= n; t += step {
		x := chartLeft + plotW*float64(t)/float64(n)
		fmt.Fprintf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#999\"/>\n", x, x, base, base+4)
		fmt.Fprintf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d s</text>\n", x, base+18, t)
	}
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

// fmtMillis labels a latency axis tick.
func fmtMillis(v float64) string {
	if v >= 1000 {
		return fmt.Sprintf("%g s", v/1000)
	}
	return fmt.Sprintf("%g ms", v)
}

// fmtSeconds formats a duration given in seconds.
func fmtSeconds(s float64) string { return fmt.Sprintf("%g s", s) }
