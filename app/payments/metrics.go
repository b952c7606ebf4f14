package payments

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/ports"
)

// Metrics counts the deposits and withdrawals this instance moved, for Prometheus: counters
// per instance, incremented once the change's transaction committed (a replayed
// Idempotency-Key, or a deposit another caller already closed, counts nothing). Build it
// with [NewMetrics] and set it in [Config.Metrics]. A nil *Metrics counts nothing.
//
// Label values come from fixed sets: methods, statuses and the configured gateway names
// (none for a bank transfer).
type Metrics struct {
	deposits        *prometheus.CounterVec
	depositRials    *prometheus.CounterVec
	withdrawals     *prometheus.CounterVec
	withdrawalRials prometheus.Counter
}

// noGateway is the gateway label of a deposit that has none (a bank transfer).
const noGateway = "none"

// NewMetrics returns the payments counters registered on reg. It fails when reg already
// holds counters of these names.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	if reg == nil {
		return nil, errors.New("payments metrics: registerer is required")
	}
	m := &Metrics{
		deposits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "talabin_deposits_total",
			Help: "Deposits closed, by method (online, bank_transfer), gateway (none for bank transfers) and final status: verified (credited), failed, rejected, cancelled.",
		}, []string{"method", "gateway", "status"}),
		depositRials: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "talabin_deposits_credited_rials_total",
			Help: "Rials credited to wallets by verified deposits, by method and gateway.",
		}, []string{"method", "gateway"}),
		withdrawals: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "talabin_withdrawals_total",
			Help: "Withdrawals entering a status: pending (requested), approved, processing, completed (paid out), rejected, cancelled.",
		}, []string{"status"}),
		withdrawalRials: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "talabin_withdrawals_paid_rials_total",
			Help: "Rials paid out by completed withdrawals, fees excluded.",
		}),
	}
	for _, c := range []prometheus.Collector{m.deposits, m.depositRials, m.withdrawals, m.withdrawalRials} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("payments metrics: %w", err)
		}
	}
	for _, st := range []payment.WithdrawalStatus{payment.WithdrawalPending, payment.WithdrawalApproved,
		payment.WithdrawalProcessing, payment.WithdrawalCompleted, payment.WithdrawalRejected, payment.WithdrawalCancelled} {
		m.withdrawals.WithLabelValues(st.String())
	}
	return m, nil
}

// depositClosed counts d, which this call moved to a final status.
func (m *Metrics) depositClosed(d *payment.Deposit) {
	if m == nil || d == nil {
		return
	}
	r := d.Record()
	gateway := r.Gateway
	if gateway == "" {
		gateway = noGateway
	}
	m.deposits.WithLabelValues(r.Method.String(), gateway, r.Status.String()).Inc()
	if r.Status == payment.DepositVerified {
		m.depositRials.WithLabelValues(r.Method.String(), gateway).Add(float64(r.Credited))
	}
}

// countDeposit counts the deposit a committed, not replayed use case closed, and passes its
// outcome through.
func (m *Metrics) countDeposit(out ports.Outcome[*payment.Deposit], err error) (ports.Outcome[*payment.Deposit], error) {
	if err == nil && out.Replayed == nil {
		m.depositClosed(out.Result)
	}
	return out, err
}

// countWithdrawal counts the status a committed, not replayed use case moved a withdrawal
// to, and passes its outcome through.
func (m *Metrics) countWithdrawal(out ports.Outcome[*payment.Withdrawal], err error) (ports.Outcome[*payment.Withdrawal], error) {
	if m == nil || err != nil || out.Replayed != nil || out.Result == nil {
		return out, err
	}
	r := out.Result.Record()
	m.withdrawals.WithLabelValues(r.Status.String()).Inc()
	if r.Status == payment.WithdrawalCompleted {
		m.withdrawalRials.Add(float64(r.Amount))
	}
	return out, err
}
