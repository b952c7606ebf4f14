package trading_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/core/trading"
)

func TestBuyByRials(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		amount  core.Rial
		price   core.RialsPerGram
		rate    core.BasisPoints
		want    trading.Terms
		field   string
		wantErr error
	}{
		{name: "WorkedExample", amount: 1_000_000, price: 3_050_000, rate: 50,
			want: trading.Terms{Side: trading.Buy, AmountIRR: 1_000_000, Gold: 327_868, Price: 3_050_000, Fee: 5_000, Total: 1_005_000}},
		{name: "MinimumOrder", amount: 100_000, price: 3_050_000, rate: 50,
			want: trading.Terms{Side: trading.Buy, AmountIRR: 100_000, Gold: 32_786, Price: 3_050_000, Fee: 500, Total: 100_500}},
		{name: "FeeRoundsUp", amount: 100_001, price: 3_050_000, rate: 50,
			want: trading.Terms{Side: trading.Buy, AmountIRR: 100_001, Gold: 32_787, Price: 3_050_000, Fee: 501, Total: 100_502}},
		{name: "NoFee", amount: 1_000_000, price: 3_050_000, rate: 0,
			want: trading.Terms{Side: trading.Buy, AmountIRR: 1_000_000, Gold: 327_868, Price: 3_050_000, Fee: 0, Total: 1_000_000}},
		{name: "MaxOrderAtHighestPrice", amount: 1_000_000_000, price: 10_000_000_000, rate: 50,
			want: trading.Terms{Side: trading.Buy, AmountIRR: 1_000_000_000, Gold: 100_000, Price: 10_000_000_000, Fee: 5_000_000, Total: 1_005_000_000}},
		{name: "BuysNoGold", amount: 3, price: 3_050_000, rate: 50, field: "amount_irr"},
		{name: "ZeroAmount", amount: 0, price: 3_050_000, rate: 50, field: "amount_irr"},
		{name: "NegativeAmount", amount: -1_000, price: 3_050_000, rate: 50, field: "amount_irr"},
		{name: "ZeroPrice", amount: 1_000_000, price: 0, rate: 50, wantErr: core.ErrInvalidInput},
		{name: "BadRate", amount: 1_000_000, price: 3_050_000, rate: 10_001, wantErr: core.ErrInvalidInput},
		{name: "GoldOverflows", amount: core.MaxRialInput, price: 1, rate: 50, wantErr: core.ErrOverflow},
		{name: "TotalOverflows", amount: math.MaxInt64, price: math.MaxInt64, rate: 50, wantErr: core.ErrOverflow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := trading.BuyByRials(tt.amount, tt.price, tt.rate)
			checkTermsResult(t, got, err, tt.want, tt.field, tt.wantErr)
		})
	}
}

func TestSellByRials(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		amount  core.Rial
		price   core.RialsPerGram
		rate    core.BasisPoints
		want    trading.Terms
		field   string
		wantErr error
	}{
		{name: "GoldRoundsUp", amount: 1_000_000, price: 2_990_000, rate: 50,
			want: trading.Terms{Side: trading.Sell, AmountIRR: 1_000_000, Gold: 334_449, Price: 2_990_000, Fee: 5_000, Total: 995_000}},
		{name: "ExactGram", amount: 2_990_000, price: 2_990_000, rate: 50,
			want: trading.Terms{Side: trading.Sell, AmountIRR: 2_990_000, Gold: 1_000_000, Price: 2_990_000, Fee: 14_950, Total: 2_975_050}},
		{name: "OneRial", amount: 1, price: 2_990_000, rate: 0,
			want: trading.Terms{Side: trading.Sell, AmountIRR: 1, Gold: 1, Price: 2_990_000, Fee: 0, Total: 1}},
		{name: "FeeTakesEverything", amount: 1, price: 2_990_000, rate: 50, field: "amount_irr"},
		{name: "FullFee", amount: 1_000_000, price: 2_990_000, rate: 10_000, field: "amount_irr"},
		{name: "ZeroAmount", amount: 0, price: 2_990_000, rate: 50, field: "amount_irr"},
		{name: "NegativePrice", amount: 1_000_000, price: -1, rate: 50, wantErr: core.ErrInvalidInput},
		{name: "GoldOverflows", amount: core.MaxRialInput, price: 1, rate: 50, wantErr: core.ErrOverflow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := trading.SellByRials(tt.amount, tt.price, tt.rate)
			checkTermsResult(t, got, err, tt.want, tt.field, tt.wantErr)
		})
	}
}

func TestSellByGold(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		gold    core.Microgram
		price   core.RialsPerGram
		rate    core.BasisPoints
		want    trading.Terms
		field   string
		wantErr error
	}{
		{name: "AmountRoundsDown", gold: 334_449, price: 2_990_000, rate: 50,
			want: trading.Terms{Side: trading.Sell, AmountIRR: 1_000_002, Gold: 334_449, Price: 2_990_000, Fee: 5_001, Total: 995_001}},
		{name: "OneGram", gold: 1_000_000, price: 2_990_000, rate: 50,
			want: trading.Terms{Side: trading.Sell, AmountIRR: 2_990_000, Gold: 1_000_000, Price: 2_990_000, Fee: 14_950, Total: 2_975_050}},
		{name: "WorthLessThanOneRial", gold: 1, price: 999_999, rate: 0, field: "gold_amount"},
		{name: "FeeTakesEverything", gold: 1, price: 1_500_000, rate: 50, field: "gold_amount"},
		{name: "ZeroGold", gold: 0, price: 2_990_000, rate: 50, field: "gold_amount"},
		{name: "NegativeGold", gold: -1, price: 2_990_000, rate: 50, field: "gold_amount"},
		{name: "WorthMoreThanInt64", gold: math.MaxInt64, price: 2_990_000, rate: 50, field: "gold_amount"},
		{name: "ZeroPrice", gold: 1_000_000, price: 0, rate: 50, wantErr: core.ErrInvalidInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := trading.SellByGold(tt.gold, tt.price, tt.rate)
			checkTermsResult(t, got, err, tt.want, tt.field, tt.wantErr)
		})
	}
}

// checkTermsResult asserts a terms function's outcome: want, a validation error on field, or
// an error matching wantErr.
func checkTermsResult(t *testing.T, got trading.Terms, err error, want trading.Terms, field string, wantErr error) {
	t.Helper()
	switch {
	case field != "":
		requireField(t, err, field)
		require.Zero(t, got)
	case wantErr != nil:
		require.ErrorIs(t, err, wantErr)
		require.Zero(t, got)
	default:
		require.NoError(t, err)
		require.Equal(t, want, got)
		require.NoError(t, got.Validate())
	}
}

func TestTermsFor(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		req     trading.Request
		price   pricing.Price
		limits  trading.OrderLimits
		want    trading.Terms
		field   string
		wantErr error
	}{
		{name: "BuyUsesSellPrice", req: trading.Request{Side: trading.Buy, Amount: 1_000_000}, price: testPrice,
			want: trading.Terms{Side: trading.Buy, AmountIRR: 1_000_000, Gold: 327_868, Price: sellPrice, Fee: 5_000, Total: 1_005_000}},
		{name: "SellUsesBuyPrice", req: trading.Request{Side: trading.Sell, Amount: 1_000_000}, price: testPrice,
			want: trading.Terms{Side: trading.Sell, AmountIRR: 1_000_000, Gold: 334_449, Price: buyPrice, Fee: 5_000, Total: 995_000}},
		{name: "SellByGold", req: trading.Request{Side: trading.Sell, Gold: 334_449}, price: testPrice,
			want: trading.Terms{Side: trading.Sell, AmountIRR: 1_000_002, Gold: 334_449, Price: buyPrice, Fee: 5_001, Total: 995_001}},
		{name: "SellByGoldAtDerivedMinimum", req: trading.Request{Side: trading.Sell, Gold: 33_445}, price: testPrice,
			want: trading.Terms{Side: trading.Sell, AmountIRR: 100_000, Gold: 33_445, Price: buyPrice, Fee: 500, Total: 99_500}},
		{name: "SellByGoldBelowDerivedMinimum", req: trading.Request{Side: trading.Sell, Gold: 33_444}, price: testPrice, field: "gold_amount"},
		{name: "SellByGoldAboveDerivedMaximum", req: trading.Request{Side: trading.Sell, Gold: 1_000_000_000}, price: testPrice, field: "gold_amount"},
		{name: "SellByGoldBeyondInt64", req: trading.Request{Side: trading.Sell, Gold: math.MaxInt64}, price: testPrice, field: "gold_amount"},
		{name: "BuyBelowMinimum", req: trading.Request{Side: trading.Buy, Amount: 99_000}, price: testPrice, field: "amount_irr"},
		{name: "BuyOffStep", req: trading.Request{Side: trading.Buy, Amount: 100_100}, price: testPrice, field: "amount_irr"},
		{name: "CustomLimits", req: trading.Request{Side: trading.Buy, Amount: 100_100}, price: testPrice,
			limits: trading.OrderLimits{Step: 100},
			want:   trading.Terms{Side: trading.Buy, AmountIRR: 100_100, Gold: 32_819, Price: sellPrice, Fee: 501, Total: 100_601}},
		{name: "BuyByGold", req: trading.Request{Side: trading.Buy, Gold: 1_000_000}, price: testPrice, field: "gold_amount"},
		{name: "NoPrice", req: trading.Request{Side: trading.Buy, Amount: 1_000_000}, price: pricing.Price{}, wantErr: core.ErrPriceUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := trading.TermsFor(tt.req, tt.price, feeRate, tt.limits)
			checkTermsResult(t, got, err, tt.want, tt.field, tt.wantErr)
			if tt.wantErr != nil {
				require.NotErrorIs(t, err, core.ErrInvalidInput, "a broken price is not the client's fault")
			}
		})
	}
}

func TestTermsValidate(t *testing.T) {
	t.Parallel()

	buy := trading.Terms{Side: trading.Buy, AmountIRR: 1_000_000, Gold: 327_868, Price: sellPrice, Fee: 5_000, Total: 1_005_000}
	sell := trading.Terms{Side: trading.Sell, AmountIRR: 1_000_000, Gold: 334_449, Price: buyPrice, Fee: 5_000, Total: 995_000}
	with := func(base trading.Terms, change func(*trading.Terms)) trading.Terms {
		change(&base)
		return base
	}
	tests := []struct {
		name  string
		terms trading.Terms
		ok    bool
	}{
		{name: "Buy", terms: buy, ok: true},
		{name: "Sell", terms: sell, ok: true},
		{name: "BuyFeeIsWholeAmount", terms: with(buy, func(t *trading.Terms) { t.Fee, t.Total = 1_000_000, 2_000_000 }), ok: true},
		{name: "NoSide", terms: with(buy, func(t *trading.Terms) { t.Side = trading.Side{} })},
		{name: "ZeroAmount", terms: with(buy, func(t *trading.Terms) { t.AmountIRR = 0 })},
		{name: "ZeroGold", terms: with(buy, func(t *trading.Terms) { t.Gold = 0 })},
		{name: "ZeroPrice", terms: with(buy, func(t *trading.Terms) { t.Price = 0 })},
		{name: "NegativeFee", terms: with(buy, func(t *trading.Terms) { t.Fee, t.Total = -1, 999_999 })},
		{name: "FeeAboveAmount", terms: with(buy, func(t *trading.Terms) { t.Fee, t.Total = 1_000_001, 2_000_001 })},
		{name: "SellFeeIsWholeAmount", terms: with(sell, func(t *trading.Terms) { t.Fee, t.Total = 1_000_000, 0 })},
		{name: "BuyTotalWrong", terms: with(buy, func(t *trading.Terms) { t.Total = 995_000 })},
		{name: "SellTotalWrong", terms: with(sell, func(t *trading.Terms) { t.Total = 1_005_000 })},
		{name: "BuyTotalOverflows", terms: with(buy, func(t *trading.Terms) { t.AmountIRR, t.Fee = math.MaxInt64, 1 })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.terms.Validate()
			if tt.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, core.ErrInvalidInput)
		})
	}
}

func TestTermsJournal(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name  string
		terms trading.Terms
		typ   ledger.JournalType
		want  map[string]int64
	}{
		{name: "Buy", terms: exampleBuy(t), typ: ledger.JournalBuy, want: map[string]int64{
			"user:42:IRR": -1_005_000, "house:IRR": 1_000_000, "fees:IRR": 5_000,
			"house:GOLD": -327_868, "user:42:GOLD": 327_868,
		}},
		{name: "Sell", terms: exampleSell(t), typ: ledger.JournalSell, want: map[string]int64{
			"user:42:GOLD": -334_449, "house:GOLD": 334_449,
			"house:IRR": -1_000_000, "user:42:IRR": 995_000, "fees:IRR": 5_000,
		}},
		{name: "SellWithoutFee", terms: trading.Terms{Side: trading.Sell, AmountIRR: 1_000_000, Gold: 334_449, Price: buyPrice, Total: 1_000_000},
			typ: ledger.JournalSell, want: map[string]int64{
				"user:42:GOLD": -334_449, "house:GOLD": 334_449, "house:IRR": -1_000_000, "user:42:IRR": 1_000_000,
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			j, err := tt.terms.Journal(testUser, "TXN20250301133000ABC123")
			require.NoError(t, err)
			require.Equal(t, tt.typ, j.Type())
			require.Equal(t, "TXN20250301133000ABC123", j.Reference())
			require.Equal(t, tt.want, postingsByAccount(t, j))
		})
	}
}

func TestTermsJournalRefusesInvalidTerms(t *testing.T) {
	t.Parallel()

	_, err := trading.Terms{Side: trading.Buy}.Journal(testUser, "TXN20250301133000ABC123")
	require.ErrorIs(t, err, core.ErrInvalidInput)
	_, err = exampleBuy(t).Journal(0, "TXN20250301133000ABC123")
	require.ErrorIs(t, err, core.ErrInvalidInput)
}

// postingsByAccount sums j's postings per account code, requiring every posting to touch an
// available bucket (trades never touch holds).
func postingsByAccount(t *testing.T, j ledger.Journal) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, p := range j.Postings() {
		require.Equal(t, ledger.Available, p.Bucket)
		out[p.Account.Code()] += p.Amount
	}
	return out
}
