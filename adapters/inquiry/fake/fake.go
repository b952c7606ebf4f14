// Package fake is the development [ports.OwnershipInquiry] and [ports.MobileInquiry]: it asks
// no bank and no Shahkar. Every Sheba and every mobile number belongs to whoever asks, except
// those registered with [Inquiry.SetOwner] or [Inquiry.SetMobileOwner], which belong to that
// national id only; [Inquiry.FailNext] makes it unavailable for a number of calls. So a
// developer can verify bank accounts offline, and service tests can script a mismatch or an
// outage. It checks its arguments as a real inquiry service would.
package fake

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/ports"
)

// Inquiry answers ownership inquiries from memory. Build it with [New]; it is safe for
// concurrent use.
type Inquiry struct {
	mu      sync.Mutex
	owners  map[iran.Sheba]string  // Sheba → national id
	mobiles map[iran.Mobile]string // mobile → national id
	fail    int                    // calls left to fail
	calls   int
}

var (
	_ ports.OwnershipInquiry = (*Inquiry)(nil)
	_ ports.MobileInquiry    = (*Inquiry)(nil)
)

// New returns an inquiry under which every Sheba belongs to whoever asks.
func New() *Inquiry {
	return &Inquiry{owners: map[iran.Sheba]string{}, mobiles: map[iran.Mobile]string{}}
}

// SetOwner makes sheba belong to the person with nationalID only, replacing an earlier owner.
// It returns an error matching [core.ErrInvalidInput] when sheba is the zero value or
// nationalID is not a valid national code of ten digits.
func (q *Inquiry) SetOwner(sheba iran.Sheba, nationalID string) error {
	if err := checkArgs(sheba, nationalID, false); err != nil {
		return err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.owners[sheba] = nationalID
	return nil
}

// FailNext makes the next n calls of ShebaOwner with valid arguments return
// [core.ErrInquiryUnavailable], replacing any count set before; n <= 0 heals the inquiry.
func (q *Inquiry) FailNext(n int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.fail = max(n, 0)
}

// Calls returns how many calls of ShebaOwner got past their argument checks, failed ones
// included: the inquiries a real service would have received.
func (q *Inquiry) Calls() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.calls
}

// ShebaOwner reports whether sheba belongs to nationalID: always, unless [Inquiry.SetOwner]
// gave it another owner. An empty nationalID (a development user who has not done KYC)
// matches only Shebas without a registered owner. birthDate is not consulted. See
// [ports.OwnershipInquiry]: a zero sheba or a nationalID that is neither empty nor a valid
// ten-digit national code reads as
// [core.ErrInvalidInput], checked before any scripted failure is used up; an ended context
// reads as its error.
func (q *Inquiry) ShebaOwner(ctx context.Context, sheba iran.Sheba, nationalID string, _ time.Time) (bool, error) {
	if err := checkArgs(sheba, nationalID, true); err != nil {
		return false, err
	}
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("fake inquiry: %w", err)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.calls++
	if q.fail > 0 {
		q.fail--
		return false, fmt.Errorf("fake inquiry: %w: scripted failure", core.ErrInquiryUnavailable)
	}
	owner, registered := q.owners[sheba]
	return !registered || owner == nationalID, nil
}

// checkArgs refuses a zero Sheba and a national id that is not ten valid digits (or empty,
// when allowEmpty). The code is not normalized: callers pass the canonical form they stored.
func checkArgs(sheba iran.Sheba, nationalID string, allowEmpty bool) error {
	if sheba.IsZero() {
		return fmt.Errorf("fake inquiry: %w: sheba is required", core.ErrInvalidInput)
	}
	if nationalID == "" && allowEmpty {
		return nil
	}
	code, err := iran.ParseNationalCode(nationalID)
	if err != nil {
		return fmt.Errorf("fake inquiry: %w", err)
	}
	if code.String() != nationalID {
		return fmt.Errorf("fake inquiry: %w: national id must be ten ascii digits", iran.ErrInvalidNationalCode)
	}
	return nil
}

// SetMobileOwner makes mobile registered to nationalID only, replacing an earlier owner.
func (q *Inquiry) SetMobileOwner(mobile iran.Mobile, nationalID iran.NationalCode) error {
	if mobile.IsZero() || nationalID.IsZero() {
		return fmt.Errorf("fake inquiry: %w: mobile and national id are required", core.ErrInvalidInput)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.mobiles[mobile] = nationalID.String()
	return nil
}

// MobileOwner reports whether mobile is registered to nationalID: always, unless
// [Inquiry.SetMobileOwner] gave it another owner. Zero arguments read as
// [core.ErrInvalidInput]; scripted failures ([Inquiry.FailNext]) apply as for ShebaOwner.
func (q *Inquiry) MobileOwner(ctx context.Context, mobile iran.Mobile, nationalID iran.NationalCode) (bool, error) {
	if mobile.IsZero() || nationalID.IsZero() {
		return false, fmt.Errorf("fake inquiry: %w: mobile and national id are required", core.ErrInvalidInput)
	}
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("fake inquiry: %w", err)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.calls++
	if q.fail > 0 {
		q.fail--
		return false, fmt.Errorf("fake inquiry: %w: scripted failure", core.ErrInquiryUnavailable)
	}
	owner, registered := q.mobiles[mobile]
	return !registered || owner == nationalID.String(), nil
}
