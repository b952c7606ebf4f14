package ledger_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
)

func TestAccountCodeRoundTrip(t *testing.T) {
	t.Parallel()
	for _, a := range []ledger.Account{
		ledger.UserAccount(42, ledger.IRR), ledger.UserAccount(7, ledger.Gold),
		ledger.HouseAccount(ledger.IRR), ledger.HouseAccount(ledger.Gold), ledger.FeesAccount(),
		ledger.PayableAccount(), ledger.ClearingAccount("zarinpal"), ledger.ExternalAccount(ledger.Gold),
	} {
		t.Run(a.Code(), func(t *testing.T) {
			t.Parallel()
			got, err := ledger.ParseAccount(a.Code())
			require.NoError(t, err)
			require.Equal(t, a, got)
		})
	}
}

func TestParseAccountRejects(t *testing.T) {
	t.Parallel()
	for _, code := range []string{
		"", "user", "user:0:IRR", "user:-1:IRR", "user:01:IRR", "user:x:IRR", "user:1:EUR", "house",
		"fees:GOLD", "payable:GOLD", "clearing:IRR", "clearing:Bad:IRR", "clearing:a:GOLD", "house:IRR:x",
		"nobody:IRR", "user:1:2:IRR",
	} {
		t.Run(code, func(t *testing.T) {
			t.Parallel()
			_, err := ledger.ParseAccount(code)
			require.ErrorIs(t, err, core.ErrInvalidInput)
		})
	}
}

func FuzzParseAccount(f *testing.F) {
	for _, s := range []string{"user:42:IRR", "house:GOLD", "clearing:idpay:IRR", "fees:IRR", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		a, err := ledger.ParseAccount(code)
		if err != nil {
			return
		}
		again, err := ledger.ParseAccount(a.Code())
		require.NoError(t, err)
		require.Equal(t, a, again)
		require.Equal(t, code, a.Code())
	})
}

func TestMayGoNegative(t *testing.T) {
	t.Parallel()
	require.True(t, ledger.ExternalAccount(ledger.IRR).MayGoNegative())
	require.True(t, ledger.ClearingAccount("idpay").MayGoNegative())
	for _, a := range []ledger.Account{
		ledger.UserAccount(1, ledger.IRR), ledger.HouseAccount(ledger.Gold), ledger.FeesAccount(), ledger.PayableAccount(),
	} {
		require.False(t, a.MayGoNegative(), a.Code())
	}
}

func TestNewJournal(t *testing.T) {
	t.Parallel()
	user := ledger.UserAccount(1, ledger.IRR)
	house := ledger.HouseAccount(ledger.IRR)
	gold := ledger.HouseAccount(ledger.Gold)
	tests := []struct {
		name     string
		typ      ledger.JournalType
		ref      string
		postings []ledger.Posting
		wantErr  error
	}{
		{"Balanced", ledger.JournalCorrection, "r", []ledger.Posting{{Account: user, Amount: -5}, {Account: house, Amount: 5}}, nil},
		{"NoType", ledger.JournalType{}, "r", []ledger.Posting{{Account: user, Amount: -5}, {Account: house, Amount: 5}}, core.ErrInvalidInput},
		{"OnePosting", ledger.JournalCorrection, "r", []ledger.Posting{{Account: user, Amount: 0}}, core.ErrInvalidInput},
		{"Unbalanced", ledger.JournalCorrection, "r", []ledger.Posting{{Account: user, Amount: -5}, {Account: house, Amount: 4}}, core.ErrInvalidInput},
		{"ZeroAmount", ledger.JournalCorrection, "r", []ledger.Posting{{Account: user, Amount: 0}, {Account: house, Amount: 0}}, core.ErrInvalidInput},
		{"CrossAssetDoesNotBalance", ledger.JournalCorrection, "r", []ledger.Posting{{Account: user, Amount: -5}, {Account: gold, Amount: 5}}, core.ErrInvalidInput},
		{"HeldOnSystemAccount", ledger.JournalCorrection, "r", []ledger.Posting{{Account: house, Bucket: ledger.Held, Amount: -5}, {Account: user, Amount: 5}}, core.ErrInvalidInput},
		{"UnknownBucket", ledger.JournalCorrection, "r", []ledger.Posting{{Account: user, Bucket: 9, Amount: -5}, {Account: house, Amount: 5}}, core.ErrInvalidInput},
		{"ZeroAccount", ledger.JournalCorrection, "r", []ledger.Posting{{Amount: -5}, {Account: house, Amount: 5}}, core.ErrInvalidInput},
		{"LongReference", ledger.JournalCorrection, string(make([]byte, ledger.MaxReferenceLen+1)), []ledger.Posting{{Account: user, Amount: -5}, {Account: house, Amount: 5}}, core.ErrInvalidInput},
		{"Overflow", ledger.JournalCorrection, "r", []ledger.Posting{
			{Account: user, Amount: 1 << 62}, {Account: house, Amount: 1 << 62}, {Account: ledger.FeesAccount(), Amount: 1 << 62},
		}, core.ErrOverflow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			j, err := ledger.NewJournal(tt.typ, tt.ref, tt.postings...)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.postings, j.Postings())
			require.Equal(t, tt.typ, j.Type())
		})
	}
}

func TestJournalPostingsAreCopied(t *testing.T) {
	t.Parallel()
	j, err := ledger.DepositJournal(1, ledger.ExternalAccount(ledger.IRR), 10, "d")
	require.NoError(t, err)
	p := j.Postings()
	p[0].Amount = 999
	require.EqualValues(t, -10, j.Postings()[0].Amount)
}

func sums(j ledger.Journal) map[string]int64 {
	out := map[string]int64{}
	for _, p := range j.Postings() {
		out[p.Account.Code()+"/"+p.Bucket.String()] += p.Amount
	}
	return out
}

func TestEventJournals(t *testing.T) {
	t.Parallel()
	buy, err := ledger.BuyJournal(7, 1_000_000, 5_000, 123_456, "TXN1")
	require.NoError(t, err)
	require.Equal(t, ledger.JournalBuy, buy.Type())
	require.Equal(t, map[string]int64{
		"user:7:IRR/available": -1_005_000, "house:IRR/available": 1_000_000, "fees:IRR/available": 5_000,
		"house:GOLD/available": -123_456, "user:7:GOLD/available": 123_456,
	}, sums(buy))

	sell, err := ledger.SellJournal(7, 100_000, 400_000, 2_000, "TXN2")
	require.NoError(t, err)
	require.Equal(t, map[string]int64{
		"user:7:GOLD/available": -100_000, "house:GOLD/available": 100_000, "house:IRR/available": -400_000,
		"user:7:IRR/available": 398_000, "fees:IRR/available": 2_000,
	}, sums(sell))

	noFee, err := ledger.BuyJournal(7, 1_000, 0, 1, "TXN3")
	require.NoError(t, err)
	require.Len(t, noFee.Postings(), 4)

	for name, fn := range map[string]func() error{
		"BuyZeroCost":      func() error { _, err := ledger.BuyJournal(7, 0, 0, 1, ""); return err },
		"BuyNegativeFee":   func() error { _, err := ledger.BuyJournal(7, 1, -1, 1, ""); return err },
		"BuyZeroGold":      func() error { _, err := ledger.BuyJournal(7, 1, 0, 0, ""); return err },
		"SellFeeEatsAll":   func() error { _, err := ledger.SellJournal(7, 1, 100, 100, ""); return err },
		"DepositFromHouse": func() error { _, err := ledger.DepositJournal(7, ledger.HouseAccount(ledger.IRR), 1, ""); return err },
		"DepositZero": func() error {
			_, err := ledger.DepositJournal(7, ledger.ExternalAccount(ledger.IRR), 0, "")
			return err
		},
		"DepositFromGoldSide": func() error {
			_, err := ledger.DepositJournal(7, ledger.ExternalAccount(ledger.Gold), 1, "")
			return err
		},
		"TreasuryInZero":      func() error { _, err := ledger.TreasuryInJournal(ledger.Gold, 0, ""); return err },
		"TreasuryOutNegative": func() error { _, err := ledger.TreasuryOutJournal(ledger.Gold, -1, ""); return err },
		"PayoutZero":          func() error { _, err := ledger.PayoutJournal(0, ""); return err },
	} {
		require.ErrorIs(t, fn(), core.ErrInvalidInput, name)
	}
	_, err = ledger.BuyJournal(7, 1<<62, 1<<62, 1, "")
	require.ErrorIs(t, err, core.ErrOverflow)
}

func TestHoldStateMachine(t *testing.T) {
	t.Parallel()
	t.Run("ReleaseOnce", func(t *testing.T) {
		t.Parallel()
		h, err := ledger.NewHold(3, ledger.IRR, 60_000, "WD")
		require.NoError(t, err)
		place, err := h.PlaceJournal()
		require.NoError(t, err)
		require.Equal(t, map[string]int64{"user:3:IRR/available": -60_000, "user:3:IRR/held": 60_000}, sums(place))
		rel, err := h.Release()
		require.NoError(t, err)
		require.Equal(t, map[string]int64{"user:3:IRR/available": 60_000, "user:3:IRR/held": -60_000}, sums(rel))
		require.Equal(t, ledger.HoldReleased, h.State())
		_, err = h.Release()
		require.ErrorIs(t, err, core.ErrInvalidState)
		_, err = h.Settle(ledger.WithdrawalCredits(60_000, 0)...)
		require.ErrorIs(t, err, core.ErrInvalidState)
	})
	t.Run("SettleOnce", func(t *testing.T) {
		t.Parallel()
		h := ledger.RehydrateHold(9, ledger.UserAccount(3, ledger.IRR), 60_000, ledger.HoldPlaced, "WD")
		_, err := h.Settle(ledger.WithdrawalCredits(50_000, 5_000)...)
		require.ErrorIs(t, err, core.ErrInvalidInput, "credits must add up to the held amount")
		require.Equal(t, ledger.HoldPlaced, h.State())
		j, err := h.Settle(ledger.WithdrawalCredits(55_000, 5_000)...)
		require.NoError(t, err)
		require.Equal(t, ledger.JournalWithdrawalSettle, j.Type())
		require.Equal(t, map[string]int64{
			"user:3:IRR/held": -60_000, "payable:IRR/available": 55_000, "fees:IRR/available": 5_000,
		}, sums(j))
		require.Equal(t, ledger.HoldSettled, h.State())
		_, err = h.Release()
		require.ErrorIs(t, err, core.ErrInvalidState)
	})
	t.Run("Invalid", func(t *testing.T) {
		t.Parallel()
		_, err := ledger.NewHold(0, ledger.IRR, 1, "")
		require.ErrorIs(t, err, core.ErrInvalidInput)
		_, err = ledger.NewHold(1, ledger.IRR, 0, "")
		require.ErrorIs(t, err, core.ErrInvalidInput)
		h := ledger.RehydrateHold(9, ledger.UserAccount(3, ledger.IRR), 60_000, ledger.HoldPlaced, "WD")
		_, err = h.Settle(ledger.Posting{Account: ledger.PayableAccount(), Amount: -60_000})
		require.ErrorIs(t, err, core.ErrInvalidInput)
	})
}

func TestReconcile(t *testing.T) {
	t.Parallel()
	user := ledger.UserAccount(1, ledger.IRR)
	ext := ledger.ExternalAccount(ledger.IRR)
	house := ledger.HouseAccount(ledger.Gold)
	good := []ledger.AccountBalance{
		{Account: user, Balance: ledger.Balance{Available: 70, Held: 30}},
		{Account: ext, Balance: ledger.Balance{Available: -100}},
		{Account: house},
	}
	t.Run("Clean", func(t *testing.T) {
		t.Parallel()
		r := ledger.Reconcile(good, good, nil, 3, 6)
		require.True(t, r.OK(), r.String())
		require.Equal(t, 3, r.Accounts)
		require.Contains(t, r.String(), "ok")
	})
	tests := []struct {
		name       string
		stored     []ledger.AccountBalance
		derived    []ledger.AccountBalance
		unbalanced []ledger.JournalID
		want       string
	}{
		{"StoredDiffersFromPostings", good, []ledger.AccountBalance{
			{Account: user, Balance: ledger.Balance{Available: 71, Held: 29}}, {Account: ext, Balance: ledger.Balance{Available: -100}},
		}, nil, "user:1:IRR: stored"},
		{"Negative", []ledger.AccountBalance{
			{Account: user, Balance: ledger.Balance{Available: -5}}, {Account: ext, Balance: ledger.Balance{Available: 5}},
		}, []ledger.AccountBalance{
			{Account: user, Balance: ledger.Balance{Available: -5}}, {Account: ext, Balance: ledger.Balance{Available: 5}},
		}, nil, "negative balance"},
		{"NotConserved", []ledger.AccountBalance{{Account: user, Balance: ledger.Balance{Available: 5}}},
			[]ledger.AccountBalance{{Account: user, Balance: ledger.Balance{Available: 5}}}, nil, "IRR: stored balances sum to 5"},
		{"Unbalanced", good, good, []ledger.JournalID{17}, "journal 17"},
		{"PostingsWithoutAccount", good, append([]ledger.AccountBalance{{Account: ledger.FeesAccount(), Balance: ledger.Balance{Available: 1}}}, good...), nil, "fees:IRR: postings exist"},
		{"HeldOnSystem", []ledger.AccountBalance{{Account: house, Balance: ledger.Balance{Held: 1}}, {Account: ledger.ExternalAccount(ledger.Gold), Balance: ledger.Balance{Available: -1}}},
			[]ledger.AccountBalance{{Account: house, Balance: ledger.Balance{Held: 1}}, {Account: ledger.ExternalAccount(ledger.Gold), Balance: ledger.Balance{Available: -1}}}, nil, "system account with a held amount"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := ledger.Reconcile(tt.stored, tt.derived, tt.unbalanced, 1, 2)
			require.False(t, r.OK())
			require.Contains(t, r.String(), tt.want)
		})
	}
}
