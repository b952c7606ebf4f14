package app

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/sony/gobreaker/v2"

	"github.com/talabin/talabin/ports"
)

// jobCountTimeout bounds the job queue's count query of one scrape.
const jobCountTimeout = 2 * time.Second

// RegisterScrapeCollectors registers on reg the metrics read when scraped rather than
// counted: the age of the active price (prices, clock), the job queue's depth and the
// database pool's statistics (db).
func RegisterScrapeCollectors(reg prometheus.Registerer, db Database, prices ports.Prices, clock ports.Clock) error {
	cs := []prometheus.Collector{
		&priceAgeCollector{prices: prices, clock: clock},
	}
	switch s := db.(type) {
	case interface{ JobPool() *pgxpool.Pool }:
		cs = append(cs,
			&jobsCollector{count: func(ctx context.Context) (jobCounts, error) { return countJobsPgx(ctx, s.JobPool()) }},
			&pgxPoolCollector{pool: s.JobPool()})
	case interface{ JobDB() *sql.DB }:
		cs = append(cs,
			&jobsCollector{count: func(ctx context.Context) (jobCounts, error) { return countJobsSQL(ctx, s.JobDB()) }},
			collectors.NewDBStatsCollector(s.JobDB(), "sqlite_write"))
	default:
		return fmt.Errorf("metrics: store %T offers no job database", db)
	}
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return fmt.Errorf("metrics: %w", err)
		}
	}
	return nil
}

// priceAgeDesc describes talabin_price_age_seconds.
var priceAgeDesc = prometheus.NewDesc("talabin_price_age_seconds",
	"Age of the active gold price at scrape time: now minus the time its source observed it. Absent while no price was ever accepted.",
	nil, nil)

// priceAgeCollector reads the active price's age from the trading service's memory copy.
type priceAgeCollector struct {
	prices ports.Prices
	clock  ports.Clock
}

func (c *priceAgeCollector) Describe(ch chan<- *prometheus.Desc) { ch <- priceAgeDesc }

func (c *priceAgeCollector) Collect(ch chan<- prometheus.Metric) {
	view, err := c.prices.Current(context.Background()) // from memory: no I/O to bound
	if err != nil {
		return // no price yet: the series is absent, which an alert on absent() catches
	}
	ch <- prometheus.MustNewConstMetric(priceAgeDesc, prometheus.GaugeValue, c.clock.Now().Sub(view.At).Seconds())
}

// jobsDesc describes talabin_jobs.
var jobsDesc = prometheus.NewDesc("talabin_jobs",
	"Background jobs not finished yet, by state (available, pending, retryable, running, scheduled) and kind, counted at scrape time.",
	[]string{"state", "kind"}, nil)

// jobCounts holds the number of unfinished jobs by state and kind.
type jobCounts map[[2]string]int64

// openJobStates are the River job states that make up the queue's depth; finished jobs
// (completed, cancelled, discarded) stay in the table for a while and are not counted.
const openJobStates = `('available', 'pending', 'retryable', 'running', 'scheduled')`

// jobsCollector counts the queue with one query per scrape, bounded by [jobCountTimeout].
type jobsCollector struct {
	count func(ctx context.Context) (jobCounts, error)
}

func (c *jobsCollector) Describe(ch chan<- *prometheus.Desc) { ch <- jobsDesc }

func (c *jobsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), jobCountTimeout)
	defer cancel()
	counts, err := c.count(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(jobsDesc, fmt.Errorf("count jobs: %w", err))
		return
	}
	for k, n := range counts {
		ch <- prometheus.MustNewConstMetric(jobsDesc, prometheus.GaugeValue, float64(n), k[0], k[1])
	}
}

// countJobsPgx counts the open jobs of River's PostgreSQL table.
func countJobsPgx(ctx context.Context, pool *pgxpool.Pool) (jobCounts, error) {
	rows, err := pool.Query(ctx, `SELECT state::text, kind, count(*) FROM river_job WHERE state IN `+openJobStates+` GROUP BY state, kind`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return scanJobCounts(rows)
}

// countJobsSQL counts the open jobs of River's SQLite table.
func countJobsSQL(ctx context.Context, db *sql.DB) (jobCounts, error) {
	rows, err := db.QueryContext(ctx, //nolint:rowserrcheck // scanJobCounts returns rows.Err()
		`SELECT state, kind, count(*) FROM river_job WHERE state IN `+openJobStates+` GROUP BY state, kind`)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	return scanJobCounts(rows)
}

// jobCountRows is what pgx.Rows and *sql.Rows share: rows of (state, kind, count).
type jobCountRows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// scanJobCounts reads the (state, kind, count) rows of either engine.
func scanJobCounts(rows jobCountRows) (jobCounts, error) {
	out := jobCounts{}
	for rows.Next() {
		var (
			state, kind string
			n           int64
		)
		if err := rows.Scan(&state, &kind, &n); err != nil {
			return nil, err
		}
		out[[2]string{state, kind}] = n
	}
	return out, rows.Err()
}

// The pgxpool statistics, read at scrape time.
var (
	poolAcquiredDesc = prometheus.NewDesc("talabin_db_pool_acquired_connections",
		"PostgreSQL pool connections in use.", nil, nil)
	poolIdleDesc = prometheus.NewDesc("talabin_db_pool_idle_connections",
		"PostgreSQL pool connections idle.", nil, nil)
	poolTotalDesc = prometheus.NewDesc("talabin_db_pool_total_connections",
		"PostgreSQL pool connections open (in use, idle and being opened).", nil, nil)
	poolMaxDesc = prometheus.NewDesc("talabin_db_pool_max_connections",
		"Most connections the PostgreSQL pool opens.", nil, nil)
	poolAcquiresDesc = prometheus.NewDesc("talabin_db_pool_acquires_total",
		"Connections acquired from the PostgreSQL pool.", nil, nil)
	poolAcquireSecondsDesc = prometheus.NewDesc("talabin_db_pool_acquire_duration_seconds_total",
		"Time spent acquiring connections from the PostgreSQL pool.", nil, nil)
	poolWaitsDesc = prometheus.NewDesc("talabin_db_pool_empty_acquires_total",
		"Acquires that waited because the PostgreSQL pool had no idle connection.", nil, nil)
	poolWaitSecondsDesc = prometheus.NewDesc("talabin_db_pool_empty_acquire_wait_seconds_total",
		"Time acquires waited for a connection because the PostgreSQL pool had none idle.", nil, nil)
	poolCanceledDesc = prometheus.NewDesc("talabin_db_pool_canceled_acquires_total",
		"Acquires from the PostgreSQL pool abandoned because their context ended.", nil, nil)
)

// pgxPoolCollector exports pgxpool.Stat.
type pgxPoolCollector struct {
	pool *pgxpool.Pool
}

func (c *pgxPoolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolAcquiredDesc, poolIdleDesc, poolTotalDesc, poolMaxDesc, poolAcquiresDesc,
		poolAcquireSecondsDesc, poolWaitsDesc, poolWaitSecondsDesc, poolCanceledDesc} {
		ch <- d
	}
}

func (c *pgxPoolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.pool.Stat()
	gauge, counter := prometheus.GaugeValue, prometheus.CounterValue
	ch <- prometheus.MustNewConstMetric(poolAcquiredDesc, gauge, float64(s.AcquiredConns()))
	ch <- prometheus.MustNewConstMetric(poolIdleDesc, gauge, float64(s.IdleConns()))
	ch <- prometheus.MustNewConstMetric(poolTotalDesc, gauge, float64(s.TotalConns()))
	ch <- prometheus.MustNewConstMetric(poolMaxDesc, gauge, float64(s.MaxConns()))
	ch <- prometheus.MustNewConstMetric(poolAcquiresDesc, counter, float64(s.AcquireCount()))
	ch <- prometheus.MustNewConstMetric(poolAcquireSecondsDesc, counter, s.AcquireDuration().Seconds())
	ch <- prometheus.MustNewConstMetric(poolWaitsDesc, counter, float64(s.EmptyAcquireCount()))
	ch <- prometheus.MustNewConstMetric(poolWaitSecondsDesc, counter, s.EmptyAcquireWaitTime().Seconds())
	ch <- prometheus.MustNewConstMetric(poolCanceledDesc, counter, float64(s.CanceledAcquireCount()))
}

// breakerStateDesc describes talabin_breaker_state.
var breakerStateDesc = prometheus.NewDesc("talabin_breaker_state",
	"Circuit breaker state of each outbound provider (SMS, payment gateway, price feed): 0 closed, 1 half-open, 2 open.",
	[]string{"provider"}, nil)

// BreakerStates exports the state of every circuit breaker the outbound adapters build,
// read at scrape time. The adapters report their breakers through the WatchFunc of their
// breaker configuration ([BreakerStates.WatchFunc]). A nil *BreakerStates watches nothing.
type BreakerStates struct {
	mu     sync.Mutex
	states map[string]func() gobreaker.State
}

// NewBreakerStates returns the breaker states' collector, registered on reg.
func NewBreakerStates(reg *prometheus.Registry) (*BreakerStates, error) {
	b := &BreakerStates{states: map[string]func() gobreaker.State{}}
	if err := reg.Register(b); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	return b, nil
}

// WatchFunc returns the function an adapter's breaker configuration calls with each
// breaker it builds, or nil for a nil b.
func (b *BreakerStates) WatchFunc() func(name string, state func() gobreaker.State) {
	if b == nil {
		return nil
	}
	return b.watch
}

// watch adds the breaker called name; a second breaker of one name replaces the first.
func (b *BreakerStates) watch(name string, state func() gobreaker.State) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.states[name] = state
}

func (b *BreakerStates) Describe(ch chan<- *prometheus.Desc) { ch <- breakerStateDesc }

func (b *BreakerStates) Collect(ch chan<- prometheus.Metric) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for name, state := range b.states {
		ch <- prometheus.MustNewConstMetric(breakerStateDesc, prometheus.GaugeValue, breakerValue(state()), name)
	}
}

// breakerValue is the gauge value of s: 0 closed, 1 half-open, 2 open.
func breakerValue(s gobreaker.State) float64 {
	switch s {
	case gobreaker.StateHalfOpen:
		return 1
	case gobreaker.StateOpen:
		return 2
	default:
		return 0
	}
}
