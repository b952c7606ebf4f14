package accounts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/ports"
)

// StepUpMaxAge is how old a step-up code may be when it is redeemed, whatever OTP_TTL says:
// a withdrawal, a new payout account or an account deletion is confirmed by a code sent at
// most five minutes ago.
const StepUpMaxAge = 5 * time.Minute

// stepUpPurpose reports whether p confirms one action (a withdrawal, a new bank account, an
// account deletion): its codes are sent by send-otp and redeemed only by [Service.RedeemStepUp].
func stepUpPurpose(p identity.Purpose) bool {
	switch p {
	case identity.PurposeWithdrawal, identity.PurposeBankAccount, identity.PurposeAccountDeletion:
		return true
	}
	return false
}

// RedeemStepUp checks code, a one-time code of a step-up purpose (withdrawal, bank_account
// or account_deletion) sent to user's phone through send-otp, inside the caller's
// transaction tx, and consumes it on success. The attempt is saved in tx, so the caller must
// commit tx even when the code is wrong, or the attempt counter would not count. It returns
// nil, a verdict ([core.ErrOTPInvalid], [core.ErrOTPExpired], [core.ErrOTPAttemptsExceeded]),
// or a storage error.
func (s *Service) RedeemStepUp(ctx context.Context, tx ports.Tx, user core.UserID, purpose identity.Purpose, code string) error {
	if !stepUpPurpose(purpose) {
		return fmt.Errorf("%w: %s is not a step-up purpose", core.ErrInvalidInput, purpose)
	}
	u, err := tx.Users().Get(ctx, user)
	if errors.Is(err, core.ErrNotFound) {
		return core.ErrOTPInvalid
	}
	if err != nil {
		return err
	}
	phone, err := iran.ParseMobile(u.Phone())
	if err != nil {
		return fmt.Errorf("stored phone of user %d: %w", user, err)
	}
	otp, err := tx.OTPs().Latest(ctx, phone.String(), purpose)
	switch {
	case errors.Is(err, core.ErrNotFound):
		return core.ErrOTPInvalid
	case err != nil:
		return err
	case s.now().Sub(otp.CreatedAt()) > StepUpMaxAge:
		return core.ErrOTPExpired
	}
	return s.checkCode(ctx, tx, phone, purpose, code)
}
