package httpapi_test

import (
	"context"
	"sync"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/idempotency"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/core/trading"
	"github.com/talabin/talabin/ports"
)

// Fixture values of [newFakeTrading].
var (
	fixtureAt     = time.Date(2025, 3, 1, 11, 0, 0, 0, time.UTC) // 14:30 in Tehran
	fixturePrice  = pricing.Point{ID: 7, Price: pricing.Price{Buy: 2_990_000, Sell: 3_050_000, Source: "manual", At: fixtureAt}}
	fixtureTerms  = trading.Terms{Side: trading.Buy, AmountIRR: 1_000_000, Gold: 327_868, Price: 3_050_000, Fee: 5_000, Total: 1_005_000}
	fixtureQuote  = trading.QuoteID("q_AAAAAAAAAAAAAAAAAAAAAA")
	fixtureNumber = "TXN20250301143000K7Q2ZD"
)

// fixtureView is the active fixture price.
func fixtureView() ports.PriceView {
	return ports.PriceView{Point: fixturePrice, Active: true, TradingEnabled: true}
}

// fixtureOrder returns the fixture user's completed buy order 11.
func fixtureOrder() *trading.Order {
	return trading.RehydrateOrder(trading.OrderRecord{
		ID: 11, Number: fixtureNumber, User: fakeUserID, Terms: fixtureTerms, QuoteID: fixtureQuote,
		Status: trading.OrderCompleted, CreatedAt: fixtureAt, ExecutedAt: fixtureAt,
	})
}

// fixtureQuoteOf returns a quote of req priced as the fixture.
func fixtureQuoteOf() *trading.Quote {
	return trading.RehydrateQuote(trading.QuoteRecord{
		ID: fixtureQuote, User: fakeUserID, Terms: fixtureTerms, CreatedAt: fixtureAt, ExpiresAt: fixtureAt.Add(30 * time.Second),
	})
}

// fixtureEntries are the fixture user's journals, newest first: a buy and a deposit.
func fixtureEntries() []ports.LedgerEntry {
	return []ports.LedgerEntry{
		{Journal: 31, Type: ledger.JournalBuy, Reference: fixtureNumber, IRR: -1_005_000, Gold: 327_868, CreatedAt: fixtureAt},
		{Journal: 30, Type: ledger.JournalDeposit, Reference: "DEP1", IRR: 2_000_000, CreatedAt: fixtureAt.Add(-time.Hour)},
	}
}

// fakeTrading implements the four trading ports with func fields that answer with the
// fixture; a test replaces the ones it needs. Its idempotent methods keep responses like a
// store would: a completed key replays, another body with the key is refused.
type fakeTrading struct {
	CurrentFunc  func(context.Context) (ports.PriceView, error)
	HistoryFunc  func(context.Context, ports.HistoryQuery) ([]pricing.Point, error)
	CandlesFunc  func(context.Context, ports.HistoryQuery, time.Duration) ([]pricing.Candle, error)
	ListFunc     func(context.Context, int, int) ([]ports.PriceView, int, error)
	GetFunc      func(context.Context, int64) (ports.PriceView, error)
	SetPriceFunc func(context.Context, ports.Principal, ports.SetPriceInput) (ports.PriceView, error)
	HaltFunc     func(context.Context, ports.Principal, string) (ports.TradingStatus, error)
	ResumeFunc   func(context.Context, ports.Principal, ports.ResumeInput) (ports.TradingStatus, error)
	StatusFunc   func(context.Context, ports.Principal) (ports.TradingStatus, error)
	PreviewFunc  func(context.Context, ports.Principal, trading.Request) (*trading.Quote, error)
	PlaceFunc    func(context.Context, ports.Principal, ports.PlaceInput) (*trading.Order, error)
	OrdersFunc   func(context.Context, ports.Principal, ports.OrderFilter, int, int) ([]*trading.Order, int, error)
	OrderFunc    func(context.Context, ports.Principal, trading.OrderID) (*trading.Order, error)
	CancelFunc   func(context.Context, ports.Principal, trading.OrderID) (*trading.Order, error)
	WalletFunc   func(context.Context, ports.Principal) (ports.Wallet, error)
	EntriesFunc  func(context.Context, ports.Principal, []ledger.JournalType, int, int) ([]ports.LedgerEntry, int, error)
	EntryFunc    func(context.Context, ports.Principal, ledger.JournalID) (ports.LedgerEntry, error)
	SummaryFunc  func(context.Context, ports.Principal) (ports.TransactionSummary, error)

	mu     sync.Mutex
	calls  []any
	stored map[idempotency.Key]storedResponse
	runs   int // idempotent operations that ran (not replays)
}

// storedResponse is a kept answer of an idempotent request.
type storedResponse struct {
	fp   idempotency.Fingerprint
	resp idempotency.Response
}

var (
	_ ports.Prices         = (*fakeTrading)(nil)
	_ ports.TradingControl = (*fakeTrading)(nil)
	_ ports.Trading        = (*fakeTrading)(nil)
	_ ports.Wallets        = (*fakeTrading)(nil)
)

// newFakeTrading returns a fake that answers with the fixtures.
func newFakeTrading() *fakeTrading {
	f := &fakeTrading{stored: map[idempotency.Key]storedResponse{}}
	f.CurrentFunc = func(context.Context) (ports.PriceView, error) { return fixtureView(), nil }
	f.HistoryFunc = func(context.Context, ports.HistoryQuery) ([]pricing.Point, error) {
		older := fixturePrice
		older.ID, older.At = 6, fixtureAt.Add(-time.Hour)
		return []pricing.Point{older, fixturePrice}, nil
	}
	f.CandlesFunc = func(context.Context, ports.HistoryQuery, time.Duration) ([]pricing.Candle, error) {
		return []pricing.Candle{{
			Start: fixtureAt.Truncate(time.Hour), Open: 3_000_000, High: 3_100_000, Low: 2_990_000, Close: 3_050_000, Count: 4,
		}}, nil
	}
	f.ListFunc = func(context.Context, int, int) ([]ports.PriceView, int, error) {
		return []ports.PriceView{fixtureView()}, 1, nil
	}
	f.GetFunc = func(_ context.Context, id int64) (ports.PriceView, error) {
		if id != fixturePrice.ID {
			return ports.PriceView{}, core.ErrNotFound
		}
		return fixtureView(), nil
	}
	f.SetPriceFunc = func(_ context.Context, _ ports.Principal, in ports.SetPriceInput) (ports.PriceView, error) {
		v := fixtureView()
		v.ID, v.Buy, v.Sell, v.Source = 8, in.Buy, in.Sell, in.Source
		return v, nil
	}
	f.HaltFunc = func(_ context.Context, p ports.Principal, reason string) (ports.TradingStatus, error) {
		v := fixtureView()
		v.TradingEnabled = false
		return ports.TradingStatus{State: ports.TradingState{Halted: true, Reason: reason, ChangedBy: p.UserID, ChangedAt: fixtureAt}, Active: &v}, nil
	}
	f.ResumeFunc = func(_ context.Context, p ports.Principal, in ports.ResumeInput) (ports.TradingStatus, error) {
		v := fixtureView()
		return ports.TradingStatus{State: ports.TradingState{Reason: in.Reason, ChangedBy: p.UserID, ChangedAt: fixtureAt}, Active: &v}, nil
	}
	f.StatusFunc = func(context.Context, ports.Principal) (ports.TradingStatus, error) {
		v := fixtureView()
		return ports.TradingStatus{Active: &v}, nil
	}
	f.PreviewFunc = func(context.Context, ports.Principal, trading.Request) (*trading.Quote, error) {
		return fixtureQuoteOf(), nil
	}
	f.PlaceFunc = func(context.Context, ports.Principal, ports.PlaceInput) (*trading.Order, error) {
		return fixtureOrder(), nil
	}
	f.OrdersFunc = func(context.Context, ports.Principal, ports.OrderFilter, int, int) ([]*trading.Order, int, error) {
		return []*trading.Order{fixtureOrder()}, 1, nil
	}
	f.OrderFunc = func(_ context.Context, p ports.Principal, id trading.OrderID) (*trading.Order, error) {
		if id != 11 || p.UserID != fakeUserID {
			return nil, core.ErrNotFound
		}
		return fixtureOrder(), nil
	}
	f.CancelFunc = func(context.Context, ports.Principal, trading.OrderID) (*trading.Order, error) {
		return nil, &core.InvalidStateError{Object: "order", State: "completed", Action: "cancel"}
	}
	f.WalletFunc = func(_ context.Context, p ports.Principal) (ports.Wallet, error) {
		return ports.Wallet{
			User: p.UserID, IRR: ledger.Balance{Available: 900_000, Held: 95_000}, Gold: ledger.Balance{Available: 327_868},
			BuyPrice: 2_990_000, TotalValue: 995_000 + 980_325, CreatedAt: fakeCreatedAt, UpdatedAt: fixtureAt,
		}, nil
	}
	f.EntriesFunc = func(context.Context, ports.Principal, []ledger.JournalType, int, int) ([]ports.LedgerEntry, int, error) {
		return fixtureEntries(), 2, nil
	}
	f.EntryFunc = func(_ context.Context, _ ports.Principal, id ledger.JournalID) (ports.LedgerEntry, error) {
		for _, e := range fixtureEntries() {
			if e.Journal == id {
				return e, nil
			}
		}
		return ports.LedgerEntry{}, core.ErrNotFound
	}
	f.SummaryFunc = func(context.Context, ports.Principal) (ports.TransactionSummary, error) {
		return ports.TransactionSummary{Deposits: 2_000_000, Buys: 1_000_000, Fees: 5_000, Count: 2}, nil
	}
	return f
}

func (f *fakeTrading) record(call any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call)
}

// lastTradingCall returns the latest call of type T.
func lastTradingCall[T any](f *fakeTrading) (T, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.calls) - 1; i >= 0; i-- {
		if v, ok := f.calls[i].(T); ok {
			return v, true
		}
	}
	var zero T
	return zero, false
}

// Runs returns how many idempotent operations ran.
func (f *fakeTrading) Runs() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.runs
}

// idempotent runs fn under call as a store would: replay, refuse a reused key, or run and
// keep what Respond stores.
func idempotent[T any](f *fakeTrading, call ports.IdempotentCall, fn func() (T, error)) (ports.Outcome[T], error) {
	if call.Key != (idempotency.Key{}) {
		f.mu.Lock()
		s, ok := f.stored[call.Key]
		f.mu.Unlock()
		if ok {
			if s.fp != call.Fingerprint {
				return ports.Outcome[T]{}, core.ErrIdempotencyKeyReused
			}
			resp := s.resp
			return ports.Outcome[T]{Replayed: &resp}, nil
		}
	}
	f.mu.Lock()
	f.runs++
	f.mu.Unlock()
	result, err := fn()
	if call.Key != (idempotency.Key{}) {
		if resp, ok := call.Respond(result, err); ok {
			f.mu.Lock()
			f.stored[call.Key] = storedResponse{fp: call.Fingerprint, resp: resp}
			f.mu.Unlock()
		}
	}
	if err != nil {
		return ports.Outcome[T]{}, err
	}
	return ports.Outcome[T]{Result: result}, nil
}

// historyCall, setPriceCall, ... record the inputs of the fake's methods.
type (
	historyCall struct{ Query ports.HistoryQuery }
	candlesCall struct {
		Query    ports.HistoryQuery
		Interval time.Duration
	}
	listCall     struct{ Offset, Limit int }
	setPriceCall struct {
		Principal ports.Principal
		Input     ports.SetPriceInput
	}
	haltCall struct {
		Principal ports.Principal
		Reason    string
	}
	resumeCall  struct{ Input ports.ResumeInput }
	previewCall struct {
		Principal ports.Principal
		Request   trading.Request
	}
	placeCall struct {
		Principal ports.Principal
		Input     ports.PlaceInput
		Call      ports.IdempotentCall
	}
	ordersCall struct {
		Filter        ports.OrderFilter
		Offset, Limit int
	}
	cancelCall  struct{ ID trading.OrderID }
	entriesCall struct {
		Types         []ledger.JournalType
		Offset, Limit int
	}
)

func (f *fakeTrading) Current(ctx context.Context) (ports.PriceView, error) {
	return f.CurrentFunc(ctx)
}

func (f *fakeTrading) History(ctx context.Context, q ports.HistoryQuery) ([]pricing.Point, error) {
	f.record(historyCall{Query: q})
	return f.HistoryFunc(ctx, q)
}

func (f *fakeTrading) Candles(ctx context.Context, q ports.HistoryQuery, interval time.Duration) ([]pricing.Candle, error) {
	f.record(candlesCall{Query: q, Interval: interval})
	return f.CandlesFunc(ctx, q, interval)
}

func (f *fakeTrading) List(ctx context.Context, offset, limit int) ([]ports.PriceView, int, error) {
	f.record(listCall{Offset: offset, Limit: limit})
	return f.ListFunc(ctx, offset, limit)
}

func (f *fakeTrading) Get(ctx context.Context, id int64) (ports.PriceView, error) {
	return f.GetFunc(ctx, id)
}

func (f *fakeTrading) SetPrice(ctx context.Context, p ports.Principal, in ports.SetPriceInput, call ports.IdempotentCall) (ports.Outcome[ports.PriceView], error) {
	f.record(setPriceCall{Principal: p, Input: in})
	return idempotent(f, call, func() (ports.PriceView, error) { return f.SetPriceFunc(ctx, p, in) })
}

func (f *fakeTrading) Halt(ctx context.Context, p ports.Principal, reason string, call ports.IdempotentCall) (ports.Outcome[ports.TradingStatus], error) {
	f.record(haltCall{Principal: p, Reason: reason})
	return idempotent(f, call, func() (ports.TradingStatus, error) { return f.HaltFunc(ctx, p, reason) })
}

func (f *fakeTrading) Resume(ctx context.Context, p ports.Principal, in ports.ResumeInput, call ports.IdempotentCall) (ports.Outcome[ports.TradingStatus], error) {
	f.record(resumeCall{Input: in})
	return idempotent(f, call, func() (ports.TradingStatus, error) { return f.ResumeFunc(ctx, p, in) })
}

func (f *fakeTrading) Status(ctx context.Context, p ports.Principal) (ports.TradingStatus, error) {
	return f.StatusFunc(ctx, p)
}

func (f *fakeTrading) Preview(ctx context.Context, p ports.Principal, req trading.Request) (*trading.Quote, error) {
	f.record(previewCall{Principal: p, Request: req})
	return f.PreviewFunc(ctx, p, req)
}

func (f *fakeTrading) Place(ctx context.Context, p ports.Principal, in ports.PlaceInput, call ports.IdempotentCall) (ports.Outcome[*trading.Order], error) {
	f.record(placeCall{Principal: p, Input: in, Call: call})
	return idempotent(f, call, func() (*trading.Order, error) { return f.PlaceFunc(ctx, p, in) })
}

func (f *fakeTrading) Orders(ctx context.Context, p ports.Principal, filter ports.OrderFilter, offset, limit int) ([]*trading.Order, int, error) {
	f.record(ordersCall{Filter: filter, Offset: offset, Limit: limit})
	return f.OrdersFunc(ctx, p, filter, offset, limit)
}

func (f *fakeTrading) Order(ctx context.Context, p ports.Principal, id trading.OrderID) (*trading.Order, error) {
	return f.OrderFunc(ctx, p, id)
}

func (f *fakeTrading) Cancel(ctx context.Context, p ports.Principal, id trading.OrderID, call ports.IdempotentCall) (ports.Outcome[*trading.Order], error) {
	f.record(cancelCall{ID: id})
	return idempotent(f, call, func() (*trading.Order, error) { return f.CancelFunc(ctx, p, id) })
}

func (f *fakeTrading) Wallet(ctx context.Context, p ports.Principal) (ports.Wallet, error) {
	return f.WalletFunc(ctx, p)
}

func (f *fakeTrading) Entries(ctx context.Context, p ports.Principal, types []ledger.JournalType, offset, limit int) ([]ports.LedgerEntry, int, error) {
	f.record(entriesCall{Types: types, Offset: offset, Limit: limit})
	return f.EntriesFunc(ctx, p, types, offset, limit)
}

func (f *fakeTrading) Entry(ctx context.Context, p ports.Principal, id ledger.JournalID) (ports.LedgerEntry, error) {
	return f.EntryFunc(ctx, p, id)
}

func (f *fakeTrading) Summary(ctx context.Context, p ports.Principal) (ports.TransactionSummary, error) {
	return f.SummaryFunc(ctx, p)
}
