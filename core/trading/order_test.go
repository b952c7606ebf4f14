package trading_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/core/trading"
)

const testNumber = "TXN20250301133000ABC123"

func TestNewOrder(t *testing.T) {
	t.Parallel()

	terms := exampleBuy(t)
	tests := []struct {
		name   string
		number string
		user   core.UserID
		terms  trading.Terms
		quote  trading.QuoteID
		ok     bool
	}{
		{name: "WithQuote", number: testNumber, user: testUser, terms: terms, quote: "q_AAAAAAAAAAAAAAAAAAAAAA", ok: true},
		{name: "WithoutQuote", number: testNumber, user: testUser, terms: terms, ok: true},
		{name: "NoNumber", number: "", user: testUser, terms: terms},
		{name: "LowercaseSuffix", number: "TXN20250301133000abc123", user: testUser, terms: terms},
		{name: "BadStamp", number: "TXN20251301133000ABC123", user: testUser, terms: terms},
		{name: "WrongPrefix", number: "ORD20250301133000ABC123", user: testUser, terms: terms},
		{name: "TooLong", number: testNumber + "X", user: testUser, terms: terms},
		{name: "NoUser", number: testNumber, terms: terms},
		{name: "InvalidTerms", number: testNumber, user: testUser, terms: trading.Terms{Side: trading.Buy}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o, err := trading.NewOrder(tt.number, tt.user, tt.terms, tt.quote, t0)
			if !tt.ok {
				require.ErrorIs(t, err, core.ErrInvalidInput)
				require.Nil(t, o)
				return
			}
			require.NoError(t, err)
			require.Equal(t, trading.OrderRecord{
				Number: tt.number, User: tt.user, Terms: tt.terms, QuoteID: tt.quote,
				Status: trading.OrderPending, CreatedAt: t0,
			}, o.Record())
			require.True(t, o.ID().IsZero())
			require.Equal(t, trading.Buy, o.Side())
		})
	}
}

// orderIn returns a buy order of testUser rehydrated in status.
func orderIn(t *testing.T, status trading.OrderStatus) *trading.Order {
	t.Helper()
	r := newTestOrder(t, exampleBuy(t)).Record()
	r.ID, r.Status = 7, status
	return trading.RehydrateOrder(r)
}

func TestOrderTransitions(t *testing.T) {
	t.Parallel()

	later := t0.Add(time.Second)
	actions := []struct {
		name  string
		do    func(*trading.Order) error
		to    trading.OrderStatus
		check func(*testing.T, *trading.Order)
	}{
		{name: "process", do: (*trading.Order).Process, to: trading.OrderProcessing, check: func(t *testing.T, o *trading.Order) {
			require.True(t, o.ExecutedAt().IsZero())
		}},
		{name: "complete", do: func(o *trading.Order) error { return o.Complete(later) }, to: trading.OrderCompleted,
			check: func(t *testing.T, o *trading.Order) { require.Equal(t, later, o.ExecutedAt()) }},
		{name: "fail", do: func(o *trading.Order) error { return o.Fail(" insufficient balance ") }, to: trading.OrderFailed,
			check: func(t *testing.T, o *trading.Order) {
				require.Equal(t, "insufficient balance", o.FailureReason())
				require.True(t, o.ExecutedAt().IsZero())
			}},
		{name: "cancel", do: func(o *trading.Order) error { return o.Cancel(later) }, to: trading.OrderCancelled,
			check: func(t *testing.T, o *trading.Order) { require.Equal(t, later, o.CancelledAt()) }},
	}
	allowed := map[trading.OrderStatus][]string{
		trading.OrderPending:    {"process", "complete", "fail", "cancel"},
		trading.OrderProcessing: {"complete", "fail"},
	}
	for _, from := range trading.OrderStatuses() {
		for _, a := range actions {
			t.Run(from.String()+"/"+a.name, func(t *testing.T) {
				t.Parallel()
				o := orderIn(t, from)
				before := o.Record()
				err := a.do(o)
				if !slices.Contains(allowed[from], a.name) {
					require.ErrorIs(t, err, core.ErrInvalidState)
					var se *core.InvalidStateError
					require.ErrorAs(t, err, &se)
					require.Equal(t, &core.InvalidStateError{Object: "order", State: from.String(), Action: a.name}, se)
					require.Equal(t, before, o.Record(), "a refused transition changes nothing")
					require.False(t, from.CanBecome(a.to))
					return
				}
				require.NoError(t, err)
				require.Equal(t, a.to, o.Status())
				require.True(t, from.CanBecome(a.to))
				a.check(t, o)
			})
		}
	}
}

func TestOrderStatusFinal(t *testing.T) {
	t.Parallel()

	final := map[trading.OrderStatus]bool{
		trading.OrderPending: false, trading.OrderProcessing: false,
		trading.OrderCompleted: true, trading.OrderFailed: true, trading.OrderCancelled: true,
	}
	for _, s := range trading.OrderStatuses() {
		require.Equal(t, final[s], s.Final(), s.String())
		parsed, err := trading.ParseOrderStatus(s.String())
		require.NoError(t, err)
		require.Equal(t, s, parsed)
	}
	_, err := trading.ParseOrderStatus("Completed")
	require.ErrorIs(t, err, core.ErrInvalidInput)
	require.True(t, trading.OrderStatus{}.IsZero())
}

func TestOrderFailReasonIsCut(t *testing.T) {
	t.Parallel()

	o := newTestOrder(t, exampleBuy(t))
	reason := strings.Repeat("a", 254) + "ی" // the two-byte letter straddles the 255-byte limit
	require.NoError(t, o.Fail(reason))
	require.Equal(t, strings.Repeat("a", 254), o.FailureReason())
}

func TestOrderJournal(t *testing.T) {
	t.Parallel()

	for _, terms := range []trading.Terms{exampleBuy(t), exampleSell(t)} {
		t.Run(terms.Side.String(), func(t *testing.T) {
			t.Parallel()
			o := newTestOrder(t, terms)
			j, err := o.Journal()
			require.NoError(t, err)
			want, err := terms.Journal(testUser, o.Number())
			require.NoError(t, err)
			require.Equal(t, want, j)
			require.Equal(t, o.Number(), j.Reference())
			if terms.Side == trading.Buy {
				require.Equal(t, ledger.JournalBuy, j.Type())
			} else {
				require.Equal(t, ledger.JournalSell, j.Type())
			}
		})
	}
}

func TestOrderJournalRefusedWhenNothingMoves(t *testing.T) {
	t.Parallel()

	for _, status := range []trading.OrderStatus{trading.OrderFailed, trading.OrderCancelled} {
		_, err := orderIn(t, status).Journal()
		require.ErrorIs(t, err, core.ErrInvalidState)
	}
	for _, status := range []trading.OrderStatus{trading.OrderPending, trading.OrderProcessing, trading.OrderCompleted} {
		_, err := orderIn(t, status).Journal()
		require.NoError(t, err)
	}
}

func TestOrderRecordRoundTrip(t *testing.T) {
	t.Parallel()

	r := trading.OrderRecord{
		ID: 9, Number: testNumber, User: testUser, Terms: exampleSell(t), QuoteID: "q_AAAAAAAAAAAAAAAAAAAAAA",
		Status: trading.OrderCancelled, FailureReason: "", CreatedAt: t0, CancelledAt: t0.Add(time.Minute),
	}
	o := trading.RehydrateOrder(r)
	require.Equal(t, r, o.Record())
	require.Equal(t, trading.OrderID(9), o.ID())
	require.Equal(t, testNumber, o.Number())
	require.Equal(t, testUser, o.User())
	require.Equal(t, trading.Sell, o.Side())
	require.Equal(t, r.Terms, o.Terms())
	require.Equal(t, r.QuoteID, o.QuoteID())
	require.Equal(t, trading.OrderCancelled, o.Status())
	require.Equal(t, t0, o.CreatedAt())
	require.Equal(t, t0.Add(time.Minute), o.CancelledAt())
}

func TestParseOrderID(t *testing.T) {
	t.Parallel()

	tests := []struct {
		in   string
		want trading.OrderID
		ok   bool
	}{
		{in: "1", want: 1, ok: true},
		{in: "۴۲", want: 42, ok: true},
		{in: "0"},
		{in: "-3"},
		{in: "abc"},
		{in: ""},
		{in: "9223372036854775808"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := trading.ParseOrderID(tt.in)
			if !tt.ok {
				require.ErrorIs(t, err, core.ErrInvalidInput)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
			again, err := trading.ParseOrderID(got.String())
			require.NoError(t, err)
			require.Equal(t, got, again)
		})
	}
}
