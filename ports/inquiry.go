package ports

import (
	"context"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
)

// OwnershipInquiry asks a banking inquiry service whether a Sheba (IBAN) belongs to a
// person (ARCHITECTURE.md §5, identity inquiry). Money is paid out only to accounts it
// confirmed.
type OwnershipInquiry interface {
	// ShebaOwner reports whether sheba is held by the person with nationalID (born on
	// birthDate, when the service asks for it; zero when unknown). A definite "no" is
	// (false, nil). Errors: [core.ErrInquiryUnavailable] when the service cannot answer now
	// (retry later), [core.ErrInvalidInput] when an argument is malformed. Idempotent.
	ShebaOwner(ctx context.Context, sheba iran.Sheba, nationalID string, birthDate time.Time) (bool, error)
}

// Payout pays a completed withdrawal out to the user's bank (ARCHITECTURE.md §5). The manual
// adapter records what staff did by hand; a bank API adapter would transfer the money.
type Payout interface {
	// Pay sends p and returns the bank's tracking code. Idempotent per p.Reference: a
	// repeat returns the first tracking code. Errors: [core.ErrInvalidInput] for a malformed
	// request (a manual payout without a tracking code), [core.ErrGatewayUnavailable] when
	// the bank cannot be reached (nothing was sent).
	Pay(ctx context.Context, p PayoutRequest) (trackingCode string, err error)
}

// PayoutRequest is one payout.
type PayoutRequest struct {
	// Reference is the withdrawal number.
	Reference string
	Sheba     iran.Sheba
	// Amount is what the user receives, in rials (the fee is kept).
	Amount core.Rial
	// HolderName is the account holder's name as the user gave it.
	HolderName string
	// TrackingCode is the code staff got from the bank when they paid by hand; empty for
	// automatic adapters.
	TrackingCode string
}
