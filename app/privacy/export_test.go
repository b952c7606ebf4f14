package privacy_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/app/accounts"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/kyc"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/core/trading"
	"github.com/talabin/talabin/ports"
)

func TestExport(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.signUp(t)
	other := b.signUp(t)
	b.fullHistory(t, c)
	b.credit(t, other.p.UserID, 300_000) // another customer's activity stays out
	b.pendingDeposit(t, c.p.UserID)

	d, err := b.svc.Export(t.Context(), c.p)

	require.NoError(t, err)
	require.Equal(t, b.clock.Now(), d.GeneratedAt)
	require.Equal(t, c.p.UserID, d.User.ID())
	require.Equal(t, c.phone, d.User.Phone())
	require.Equal(t, c.first, d.User.FirstName())
	require.Equal(t, c.last, d.User.LastName())
	require.Equal(t, c.email, d.User.Email())

	require.NotNil(t, d.KYC.Profile)
	require.Equal(t, c.nationalID, d.KYC.Profile.Record().NationalID.String())
	require.Len(t, d.KYC.Documents, len(kyc.RequiredDocuments()))
	require.Empty(t, d.KYC.Required, "every document is there")

	require.Len(t, d.BankAccounts, 1)
	require.Equal(t, c.sheba, d.BankAccounts[0].Record().Sheba.String())

	require.Equal(t, ports.Wallet{
		User: c.p.UserID, BuyPrice: buyPrice, CreatedAt: d.User.CreatedAt(), UpdatedAt: d.Wallet.UpdatedAt,
	}, d.Wallet, "the history left the wallet empty")

	types := make([]ledger.JournalType, 0, len(d.Transactions))
	for _, e := range d.Transactions {
		types = append(types, e.Type)
	}
	require.ElementsMatch(t, []ledger.JournalType{
		ledger.JournalDeposit, ledger.JournalBuy, ledger.JournalSell, ledger.JournalWithdrawalSettle,
	}, types, "the user's movements, without the hold")

	require.Len(t, d.Orders, 2)
	sides := []trading.Side{d.Orders[0].Side(), d.Orders[1].Side()}
	require.ElementsMatch(t, []trading.Side{trading.Buy, trading.Sell}, sides)

	statuses := make([]payment.DepositStatus, 0, len(d.Deposits))
	for _, dep := range d.Deposits {
		require.Equal(t, c.p.UserID, dep.User())
		statuses = append(statuses, dep.Status())
	}
	require.ElementsMatch(t, []payment.DepositStatus{payment.DepositVerified, payment.DepositRejected, payment.DepositPending}, statuses)

	require.Len(t, d.Withdrawals, 1)
	require.Equal(t, payment.WithdrawalCompleted, d.Withdrawals[0].Status())

	require.Len(t, d.Sessions, 1)
	require.Equal(t, c.p.SessionID, d.Sessions[0].ID())
	require.Equal(t, "203.0.113.7", d.Sessions[0].IP())

	require.Len(t, d.Consents, 1)
	require.Equal(t, ports.Consent{
		ID: d.Consents[0].ID, User: c.p.UserID, Kind: accounts.ConsentTerms, Version: termsVersion,
		At: d.Consents[0].At, IP: "203.0.113.7",
	}, d.Consents[0])
}

func TestExportOfNewcomer(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.signUp(t)

	d, err := b.svc.Export(t.Context(), c.p)

	require.NoError(t, err)
	require.Equal(t, c.p.UserID, d.User.ID())
	require.NotNil(t, d.KYC.Profile)
	require.Equal(t, kyc.RequiredDocuments(), d.KYC.Required)
	require.Empty(t, d.KYC.Documents)
	require.Empty(t, d.BankAccounts)
	require.Empty(t, d.Transactions)
	require.Empty(t, d.Orders)
	require.Empty(t, d.Deposits)
	require.Empty(t, d.Withdrawals)
	require.Zero(t, d.Wallet.TotalValue)
	require.Len(t, d.Sessions, 1)
}

func TestExportPagesThroughLongHistories(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.signUp(t)
	const deposits = 105 // more than one page
	for range deposits {
		b.credit(t, c.p.UserID, 10_000)
	}

	d, err := b.svc.Export(t.Context(), c.p)

	require.NoError(t, err)
	require.Len(t, d.Deposits, deposits)
	require.Len(t, d.Transactions, deposits)
	require.Equal(t, int64(deposits*10_000), d.Wallet.IRR.Available)
	require.Equal(t, core.Rial(deposits*10_000), d.Wallet.TotalValue, "no price: the rials alone")
}

func TestExportRefusesAnonymous(t *testing.T) {
	t.Parallel()
	b := setup(t)

	_, err := b.svc.Export(t.Context(), ports.Principal{})
	require.ErrorIs(t, err, core.ErrNotAuthenticated)

	_, err = b.svc.Export(t.Context(), ports.Principal{UserID: 9999, Role: identity.RoleUser})
	require.ErrorIs(t, err, core.ErrNotAuthenticated, "a user that is gone")
}
