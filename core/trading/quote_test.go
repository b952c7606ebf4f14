package trading_test

import (
	"errors"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/trading"
)

var (
	buyReq      = trading.Request{Side: trading.Buy, Amount: 1_000_000}
	sellReq     = trading.Request{Side: trading.Sell, Amount: 1_000_000}
	sellGoldReq = trading.Request{Side: trading.Sell, Gold: 334_449}
)

// newTestQuote quotes testUser's req at testPrice with the default TTL.
func newTestQuote(t *testing.T, req trading.Request) *trading.Quote {
	t.Helper()
	terms, err := trading.TermsFor(req, testPrice, feeRate, trading.OrderLimits{})
	require.NoError(t, err)
	q, err := trading.NewQuote(seeded(7), testUser, req, terms, t0, 0)
	require.NoError(t, err)
	return q
}

func TestQuoteID(t *testing.T) {
	t.Parallel()

	id, err := trading.NewQuoteID(seeded(1))
	require.NoError(t, err)
	require.Len(t, id.String(), 24)
	require.True(t, strings.HasPrefix(id.String(), "q_"))
	parsed, err := trading.ParseQuoteID(id.String())
	require.NoError(t, err)
	require.Equal(t, id, parsed)

	other, err := trading.NewQuoteID(seeded(2))
	require.NoError(t, err)
	require.NotEqual(t, id, other)

	_, err = trading.NewQuoteID(iotest.ErrReader(errors.New("no entropy")))
	require.Error(t, err)
}

func TestParseQuoteID(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{name: "Valid", in: "q_AAAAAAAAAAAAAAAAAAAAAA", ok: true},
		{name: "ValidURLAlphabet", in: "q_-_-_-_-_-_-_-_-_-_-_-w", ok: true},
		{name: "Empty", in: ""},
		{name: "NoPrefix", in: "AAAAAAAAAAAAAAAAAAAAAAAA"},
		{name: "OtherPrefix", in: "s_AAAAAAAAAAAAAAAAAAAAAA"},
		{name: "TooShort", in: "q_AAAAAAAAAAAAAAAAAAAAA"},
		{name: "TooLong", in: "q_AAAAAAAAAAAAAAAAAAAAAAA"},
		{name: "StdAlphabet", in: "q_+/AAAAAAAAAAAAAAAAAAAA"},
		{name: "NonCanonicalTail", in: "q_AAAAAAAAAAAAAAAAAAAAAB"},
		{name: "Padded", in: "q_AAAAAAAAAAAAAAAAAAAA=="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := trading.ParseQuoteID(tt.in)
			if tt.ok {
				require.NoError(t, err)
				require.Equal(t, trading.QuoteID(tt.in), got)
				return
			}
			requireField(t, err, "quote_id")
			require.True(t, got.IsZero())
		})
	}
}

func TestNewQuote(t *testing.T) {
	t.Parallel()

	terms := exampleBuy(t)
	tests := []struct {
		name    string
		user    core.UserID
		req     trading.Request
		terms   trading.Terms
		ttl     time.Duration
		expires time.Time
		ok      bool
	}{
		{name: "DefaultTTL", user: testUser, req: buyReq, terms: terms, expires: t0.Add(30 * time.Second), ok: true},
		{name: "CustomTTL", user: testUser, req: buyReq, terms: terms, ttl: time.Minute, expires: t0.Add(time.Minute), ok: true},
		{name: "MaxTTL", user: testUser, req: buyReq, terms: terms, ttl: 10 * time.Minute, expires: t0.Add(10 * time.Minute), ok: true},
		{name: "TTLTooLong", user: testUser, req: buyReq, terms: terms, ttl: 10*time.Minute + 1},
		{name: "NegativeTTL", user: testUser, req: buyReq, terms: terms, ttl: -time.Second},
		{name: "NoUser", req: buyReq, terms: terms},
		{name: "InvalidTerms", user: testUser, req: buyReq, terms: trading.Terms{Side: trading.Buy}},
		{name: "TermsForAnotherAmount", user: testUser, req: trading.Request{Side: trading.Buy, Amount: 2_000_000}, terms: terms},
		{name: "TermsForAnotherSide", user: testUser, req: trading.Request{Side: trading.Sell, Amount: 1_000_000}, terms: terms},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q, err := trading.NewQuote(seeded(1), tt.user, tt.req, tt.terms, t0, tt.ttl)
			if !tt.ok {
				require.ErrorIs(t, err, core.ErrInvalidInput)
				require.Nil(t, q)
				return
			}
			require.NoError(t, err)
			_, err = trading.ParseQuoteID(q.ID().String())
			require.NoError(t, err)
			require.Equal(t, tt.user, q.User())
			require.Equal(t, tt.terms, q.Terms())
			require.Equal(t, t0, q.CreatedAt())
			require.Equal(t, tt.expires, q.ExpiresAt())
			require.False(t, q.Used())
			require.Equal(t, tt.req, q.Request())
		})
	}
}

func TestNewQuoteRandomFailure(t *testing.T) {
	t.Parallel()

	_, err := trading.NewQuote(iotest.ErrReader(errors.New("no entropy")), testUser, buyReq, exampleBuy(t), t0, 0)
	require.Error(t, err)
}

func TestQuoteRedeem(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		quote   trading.Request
		used    bool
		user    core.UserID
		req     trading.Request
		at      time.Time
		wantErr error
	}{
		{name: "Buy", quote: buyReq, user: testUser, req: buyReq, at: t0},
		{name: "SellByRials", quote: sellReq, user: testUser, req: sellReq, at: t0.Add(10 * time.Second)},
		{name: "SellByGold", quote: sellGoldReq, user: testUser, req: sellGoldReq, at: t0},
		{name: "LastNanosecond", quote: buyReq, user: testUser, req: buyReq, at: t0.Add(30*time.Second - 1)},
		{name: "ExpiredAtExactlyExpiresAt", quote: buyReq, user: testUser, req: buyReq, at: t0.Add(30 * time.Second),
			wantErr: core.ErrQuoteExpired},
		{name: "ExpiredLater", quote: buyReq, user: testUser, req: buyReq, at: t0.Add(time.Hour), wantErr: core.ErrQuoteExpired},
		{name: "AlreadyUsed", quote: buyReq, used: true, user: testUser, req: buyReq, at: t0, wantErr: core.ErrQuoteUsed},
		{name: "UsedWinsOverExpired", quote: buyReq, used: true, user: testUser, req: buyReq, at: t0.Add(time.Hour),
			wantErr: core.ErrQuoteUsed},
		{name: "OtherUserIsNotFound", quote: buyReq, user: otherUser, req: buyReq, at: t0, wantErr: core.ErrNotFound},
		{name: "OtherUserUsedIsNotFound", quote: buyReq, used: true, user: otherUser, req: buyReq, at: t0,
			wantErr: core.ErrNotFound},
		{name: "OtherSide", quote: buyReq, user: testUser, req: trading.Request{Side: trading.Sell, Amount: 1_000_000}, at: t0,
			wantErr: core.ErrQuoteMismatch},
		{name: "OtherAmount", quote: buyReq, user: testUser, req: trading.Request{Side: trading.Buy, Amount: 1_001_000}, at: t0,
			wantErr: core.ErrQuoteMismatch},
		{name: "GoldQuoteRialBody", quote: sellGoldReq, user: testUser, req: trading.Request{Side: trading.Sell, Amount: 1_000_002},
			at: t0, wantErr: core.ErrQuoteMismatch},
		{name: "RialQuoteGoldBody", quote: sellReq, user: testUser, req: trading.Request{Side: trading.Sell, Gold: 334_449},
			at: t0, wantErr: core.ErrQuoteMismatch},
		{name: "OtherGold", quote: sellGoldReq, user: testUser, req: trading.Request{Side: trading.Sell, Gold: 334_450},
			at: t0, wantErr: core.ErrQuoteMismatch},
		{name: "BothAmounts", quote: sellGoldReq, user: testUser,
			req: trading.Request{Side: trading.Sell, Gold: 334_449, Amount: 1_000_002}, at: t0, wantErr: core.ErrQuoteMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := newTestQuote(t, tt.quote)
			usedAt := time.Time{}
			if tt.used {
				require.NoError(t, q.Redeem(testUser, tt.quote, t0.Add(time.Second)))
				usedAt = t0.Add(time.Second)
			}
			err := q.Redeem(tt.user, tt.req, tt.at)
			if tt.wantErr == nil {
				require.NoError(t, err)
				require.True(t, q.Used())
				require.Equal(t, tt.at, q.UsedAt())
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			require.Equal(t, usedAt, q.UsedAt(), "a refused redeem changes nothing")
		})
	}
}

func TestQuoteRedeemTwice(t *testing.T) {
	t.Parallel()

	q := newTestQuote(t, buyReq)
	require.NoError(t, q.Redeem(testUser, buyReq, t0))
	require.ErrorIs(t, q.Redeem(testUser, buyReq, t0), core.ErrQuoteUsed)
	require.Equal(t, t0, q.UsedAt())
}

func TestQuoteExpiredError(t *testing.T) {
	t.Parallel()

	q := newTestQuote(t, buyReq)
	err := q.Redeem(testUser, buyReq, t0.Add(time.Minute))
	var qe *core.QuoteExpiredError
	require.ErrorAs(t, err, &qe)
	require.Equal(t, &core.QuoteExpiredError{QuoteID: q.ID().String(), ExpiredAt: t0.Add(30 * time.Second)}, qe)
}

func TestQuoteMatchesImplicit(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		used bool
		user core.UserID
		req  trading.Request
		at   time.Time
		want bool
	}{
		{name: "Matches", user: testUser, req: buyReq, at: t0.Add(29 * time.Second), want: true},
		{name: "Expired", user: testUser, req: buyReq, at: t0.Add(30 * time.Second)},
		{name: "Used", used: true, user: testUser, req: buyReq, at: t0},
		{name: "OtherUser", user: otherUser, req: buyReq, at: t0},
		{name: "OtherSide", user: testUser, req: sellReq, at: t0},
		{name: "OtherAmount", user: testUser, req: trading.Request{Side: trading.Buy, Amount: 2_000_000}, at: t0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := newTestQuote(t, buyReq)
			if tt.used {
				require.NoError(t, q.Redeem(testUser, buyReq, t0))
			}
			require.Equal(t, tt.want, q.MatchesImplicit(tt.user, tt.req, tt.at))
		})
	}
}

func TestQuoteRecordRoundTrip(t *testing.T) {
	t.Parallel()

	for _, req := range []trading.Request{buyReq, sellReq, sellGoldReq} {
		q := newTestQuote(t, req)
		require.NoError(t, q.Redeem(testUser, req, t0.Add(time.Second)))
		r := q.Record()
		require.Equal(t, req.ByGold(), r.ByGold)
		back := trading.RehydrateQuote(r)
		require.Equal(t, q, back)
		require.Equal(t, r, back.Record())
		require.Equal(t, req, back.Request())
	}
}
