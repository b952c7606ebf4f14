package trading

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/trading"
	"github.com/talabin/talabin/ports"
)

// Metrics counts the orders this instance placed, for Prometheus: counters per instance,
// incremented once the order's transaction committed (a replayed Idempotency-Key counts
// nothing). Build it with [NewMetrics] and set it in [Config.Metrics]. A nil *Metrics
// counts nothing.
type Metrics struct {
	orders *prometheus.CounterVec
	rials  *prometheus.CounterVec
	gold   *prometheus.CounterVec
	fees   *prometheus.CounterVec
}

// Statuses of a placed order (talabin_orders_total).
const (
	orderCompleted = "completed"
	orderFailed    = "failed" // kept with its shortfall: the user's balance was short
)

// NewMetrics returns the trading counters registered on reg. It fails when reg already
// holds counters of these names.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	if reg == nil {
		return nil, errors.New("trading metrics: registerer is required")
	}
	m := &Metrics{
		orders: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "talabin_orders_total",
			Help: "Orders placed, by side (buy, sell) and status: completed, or failed (kept because the user's balance was short).",
		}, []string{"side", "status"}),
		rials: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "talabin_order_volume_rials_total",
			Help: "Rial value of completed orders before the fee, by side.",
		}, []string{"side"}),
		gold: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "talabin_order_gold_micrograms_total",
			Help: "Gold bought or sold by completed orders, in micrograms of 750 gold, by side.",
		}, []string{"side"}),
		fees: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "talabin_order_fees_rials_total",
			Help: "Trading fees charged on completed orders, in rials, by side.",
		}, []string{"side"}),
	}
	for _, c := range []prometheus.Collector{m.orders, m.rials, m.gold, m.fees} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("trading metrics: %w", err)
		}
	}
	for _, side := range []trading.Side{trading.Buy, trading.Sell} {
		m.orders.WithLabelValues(side.String(), orderCompleted)
		m.orders.WithLabelValues(side.String(), orderFailed)
		m.rials.WithLabelValues(side.String())
		m.gold.WithLabelValues(side.String())
		m.fees.WithLabelValues(side.String())
	}
	return m, nil
}

// placed counts the outcome of a committed [Service.Place] of a side order: out's completed
// order, or the failed order a [*core.InsufficientBalanceError] reports. Refusals, errors
// and replays count nothing.
func (m *Metrics) placed(side trading.Side, out ports.Outcome[*trading.Order], err error) {
	if m == nil || out.Replayed != nil {
		return
	}
	var short *core.InsufficientBalanceError
	switch {
	case err == nil && out.Result != nil:
		t := out.Result.Terms()
		s := t.Side.String()
		m.orders.WithLabelValues(s, orderCompleted).Inc()
		m.rials.WithLabelValues(s).Add(float64(t.AmountIRR))
		m.gold.WithLabelValues(s).Add(float64(t.Gold))
		m.fees.WithLabelValues(s).Add(float64(t.Fee))
	case errors.As(err, &short):
		m.orders.WithLabelValues(side.String(), orderFailed).Inc()
	}
}
