package accounts_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/app/accounts"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

func TestRedeemStepUp(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(1)
	user := b.signUp(t, phone)
	redeem := func(purpose identity.Purpose, code string) error {
		var verdict error
		require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
			verdict = b.svc.RedeemStepUp(ctx, tx, user.ID(), purpose, code)
			return nil // committed like the callers do, wrong code included
		}))
		return verdict
	}

	require.ErrorIs(t, redeem(identity.PurposeWithdrawal, "123456"), core.ErrOTPInvalid, "no code was sent")
	b.advance(identity.DefaultOTPResendInterval)
	sent, err := b.sendOTP(t, phone, identity.PurposeWithdrawal, defaultClient)
	require.NoError(t, err)
	require.NotEmpty(t, sent.DebugCode, "a step-up code goes to a verified account")

	require.ErrorIs(t, redeem(identity.PurposeBankAccount, sent.DebugCode), core.ErrOTPInvalid, "bound to its purpose")
	wrong := "000000"
	if sent.DebugCode == wrong {
		wrong = "111111"
	}
	require.ErrorIs(t, redeem(identity.PurposeWithdrawal, wrong), core.ErrOTPInvalid)
	otp, err := b.latestOTP(t, phone, identity.PurposeWithdrawal)
	require.NoError(t, err)
	require.Equal(t, 1, otp.Attempts(), "the wrong attempt counts")
	require.NoError(t, redeem(identity.PurposeWithdrawal, sent.DebugCode))
	require.ErrorIs(t, redeem(identity.PurposeWithdrawal, sent.DebugCode), core.ErrOTPInvalid, "single use")

	_, err = b.svc.VerifyOTP(t.Context(), ports.VerifyOTPInput{Phone: phone, Code: sent.DebugCode, Purpose: identity.PurposeWithdrawal})
	var ve *core.ValidationError
	require.ErrorAs(t, err, &ve, "verify-otp never redeems a step-up code")

	require.ErrorIs(t, redeem(identity.PurposeLogin, "123456"), core.ErrInvalidInput)
}

func TestRedeemStepUpOlderThanFiveMinutes(t *testing.T) {
	t.Parallel()
	b := setupService(t, func(c *accounts.ServiceConfig) {
		c.OTPPolicy = identity.DefaultOTPPolicy()
		c.OTPPolicy.TTL = identity.MaxOTPTTL // a long OTP_TTL does not stretch a step-up code
	})
	phone := testPhone(2)
	user := b.signUp(t, phone)
	b.advance(identity.DefaultOTPResendInterval)
	sent, err := b.sendOTP(t, phone, identity.PurposeBankAccount, defaultClient)
	require.NoError(t, err)
	b.advance(accounts.StepUpMaxAge + time.Second)
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		require.ErrorIs(t, b.svc.RedeemStepUp(ctx, tx, user.ID(), identity.PurposeBankAccount, sent.DebugCode), core.ErrOTPExpired)
		return nil
	}))
}

func TestRedeemStepUpAccountDeletion(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	phone := testPhone(3)
	user := b.signUp(t, phone)
	b.advance(identity.DefaultOTPResendInterval)

	sent, err := b.sendOTP(t, phone, identity.PurposeAccountDeletion, defaultClient)

	require.NoError(t, err)
	require.NotEmpty(t, sent.DebugCode, "send-otp sends account_deletion codes to verified accounts")
	redeem := func(purpose identity.Purpose) error {
		var verdict error
		require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
			verdict = b.svc.RedeemStepUp(ctx, tx, user.ID(), purpose, sent.DebugCode)
			return nil
		}))
		return verdict
	}
	require.ErrorIs(t, redeem(identity.PurposeWithdrawal), core.ErrOTPInvalid, "bound to its purpose")
	require.NoError(t, redeem(identity.PurposeAccountDeletion))
	require.ErrorIs(t, redeem(identity.PurposeAccountDeletion), core.ErrOTPInvalid, "single use")
}
