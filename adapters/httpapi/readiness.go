package httpapi

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"
)

// ShutdownCheckName is the name /readyz reports as failing once [Readiness.Drain] has been
// called. No [ReadinessCheck] may use it.
const ShutdownCheckName = "shutdown"

// ReadinessCheck is one named dependency check behind /readyz, such as "db", "migrations" or
// "price". CheckFunc returns nil when the dependency is usable; it must honour ctx, which
// carries the per-check timeout.
//
// An Advisory check is reported like any other, but its failure leaves the instance ready:
// it is for a dependency whose loss stops one feature while the rest of the API still
// serves, where taking every instance out of the load balancer would turn a partial outage
// into a full one.
type ReadinessCheck struct {
	Name      string
	CheckFunc func(ctx context.Context) error
	Advisory  bool
}

// CheckResult is the outcome of one readiness check: Err is nil when it passed. Advisory is
// the check's [ReadinessCheck.Advisory].
type CheckResult struct {
	Name     string
	Err      error
	Advisory bool
}

// Readiness holds the readiness checks and whether the server is draining. It is safe for
// concurrent use.
type Readiness struct {
	checks   []ReadinessCheck
	timeout  time.Duration
	draining atomic.Bool
}

// NewReadiness returns a Readiness that runs checks concurrently, each bounded by timeout.
// It fails when timeout is not positive, or a check has an empty, duplicate or reserved
// ([ShutdownCheckName]) name or a nil CheckFunc. With no checks the server is ready until it
// drains.
func NewReadiness(checks []ReadinessCheck, timeout time.Duration) (*Readiness, error) {
	if timeout <= 0 {
		return nil, fmt.Errorf("readiness: check timeout must be positive, got %s", timeout)
	}
	seen := make(map[string]bool, len(checks))
	for i, c := range checks {
		switch {
		case c.Name == "":
			return nil, fmt.Errorf("readiness: check %d has no name", i)
		case c.Name == ShutdownCheckName:
			return nil, fmt.Errorf("readiness: check name %q is reserved", c.Name)
		case seen[c.Name]:
			return nil, fmt.Errorf("readiness: duplicate check name %q", c.Name)
		case c.CheckFunc == nil:
			return nil, fmt.Errorf("readiness: check %q has no CheckFunc", c.Name)
		}
		seen[c.Name] = true
	}
	return &Readiness{checks: append([]ReadinessCheck(nil), checks...), timeout: timeout}, nil
}

// Drain marks the server as shutting down: from then on [Readiness.Check] reports
// [ShutdownCheckName] as failing without running the checks, so load balancers stop sending
// new traffic while in-flight requests finish. Drain cannot be undone.
func (r *Readiness) Drain() { r.draining.Store(true) }

// Draining reports whether [Readiness.Drain] has been called.
func (r *Readiness) Draining() bool { return r.draining.Load() }

// errDraining is the result reported for [ShutdownCheckName] while the server drains.
var errDraining = errors.New("server is shutting down")

// Check runs every check concurrently, each with its own timeout, and returns their results in
// the order the checks were given. A check still running at its deadline counts as failed with
// [context.DeadlineExceeded]; its goroutine is left to finish on its own. While draining, the
// only result is a failed [ShutdownCheckName].
func (r *Readiness) Check(ctx context.Context) []CheckResult {
	if r.Draining() {
		return []CheckResult{{Name: ShutdownCheckName, Err: errDraining}}
	}
	results := make([]CheckResult, len(r.checks))
	done := make(chan struct{}, len(r.checks))
	for i, c := range r.checks {
		go func() {
			results[i] = CheckResult{Name: c.Name, Err: r.runOne(ctx, c), Advisory: c.Advisory}
			done <- struct{}{}
		}()
	}
	for range r.checks {
		<-done
	}
	return results
}

// runOne runs c under the per-check timeout and gives up waiting when the timeout passes even
// if c ignores its context.
func (r *Readiness) runOne(ctx context.Context, c ReadinessCheck) error {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- c.CheckFunc(ctx) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return fmt.Errorf("check %q: %w", c.Name, context.Cause(ctx))
	}
}
