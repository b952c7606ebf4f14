// Package manual is the [ports.Payout] of withdrawals that staff pay by hand in the bank's
// own channels: Pay sends nothing and only takes the tracking code staff got from the bank,
// so that the withdrawal is completed with it (ARCHITECTURE.md §5).
//
// It remembers the first tracking code of each reference in memory, so a repeated Pay (a
// retried request, a double click) within one process returns the code already given. The
// durable record is the withdrawal the caller stores; a restart forgets the codes, which the
// caller's own state machine makes harmless. Memory grows by one short entry per withdrawal
// paid, which staff work keeps small.
package manual

import (
	"context"
	"fmt"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// MaxFieldLen is the longest reference and tracking code accepted, in bytes.
const MaxFieldLen = 100

// Payout records payouts made by hand. Build it with [New]; it is safe for concurrent use.
type Payout struct {
	mu    sync.Mutex
	codes map[string]string // reference → first tracking code
}

var _ ports.Payout = (*Payout)(nil)

// New returns a payout that remembers nothing yet.
func New() *Payout {
	return &Payout{codes: map[string]string{}}
}

// Pay returns p.TrackingCode, or the tracking code of the first Pay of p.Reference when it is
// a repeat, even if the repeat carries another code. See [ports.Payout]: a request with an
// empty reference or tracking code, either longer than [MaxFieldLen] bytes or holding
// characters that are not printable, a zero Sheba or an amount that is not positive reads as
// [core.ErrInvalidInput]; an ended context reads as its error. It never fails otherwise.
func (m *Payout) Pay(ctx context.Context, p ports.PayoutRequest) (string, error) {
	if err := checkField("reference", p.Reference); err != nil {
		return "", err
	}
	if err := checkField("tracking code", p.TrackingCode); err != nil {
		return "", err
	}
	if p.Sheba.IsZero() {
		return "", fmt.Errorf("manual payout: %w: sheba is required", core.ErrInvalidInput)
	}
	if p.Amount <= 0 {
		return "", fmt.Errorf("manual payout: %w: amount must be positive", core.ErrInvalidInput)
	}
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("manual payout: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if code, ok := m.codes[p.Reference]; ok {
		return code, nil
	}
	m.codes[p.Reference] = p.TrackingCode
	return p.TrackingCode, nil
}

// checkField refuses an empty, overlong or unprintable value.
func checkField(name, v string) error {
	if v == "" || len(v) > MaxFieldLen {
		return fmt.Errorf("manual payout: %w: %s must be 1 to %d bytes", core.ErrInvalidInput, name, MaxFieldLen)
	}
	if !utf8.ValidString(v) {
		return fmt.Errorf("manual payout: %w: %s is not utf-8", core.ErrInvalidInput, name)
	}
	for _, r := range v {
		if !unicode.IsPrint(r) {
			return fmt.Errorf("manual payout: %w: %s holds a character that is not printable", core.ErrInvalidInput, name)
		}
	}
	return nil
}
