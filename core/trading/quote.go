package trading

import (
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/talabin/talabin/core"
)

// The quote rules of API.md §3.9.
const (
	// DefaultQuoteTTL is how long a quote holds its price.
	DefaultQuoteTTL = 30 * time.Second
	// MaxQuoteTTL is the longest a quote may be configured to hold its price.
	MaxQuoteTTL = 10 * time.Minute
)

// quoteIDPrefix starts every quote id.
const quoteIDPrefix = "q_"

// quoteIDBytes is the entropy of a quote id: 128 bits.
const quoteIDBytes = 16

// QuoteID identifies a quote: "q_" followed by 128 random bits in base64url without padding
// (24 characters in all). It is opaque to clients (the `quote_id` of API.md §2).
type QuoteID string

// NewQuoteID returns a new quote id drawn from r, a CSPRNG (crypto/rand.Reader in
// production).
func NewQuoteID(r io.Reader) (QuoteID, error) {
	var b [quoteIDBytes]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("generate quote id: %w", err)
	}
	return QuoteID(quoteIDPrefix + base64.RawURLEncoding.EncodeToString(b[:])), nil
}

// ParseQuoteID returns s as a quote id when it has the shape [NewQuoteID] produces, else a
// [core.ValidationError] on quote_id. A well-formed id may still name no quote.
func ParseQuoteID(s string) (QuoteID, error) {
	raw, ok := strings.CutPrefix(s, quoteIDPrefix)
	if !ok || len(raw) != base64.RawURLEncoding.EncodedLen(quoteIDBytes) {
		return "", core.FieldError(fieldQuoteID, msgQuoteIDFormat)
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(raw)
	if err != nil || len(b) != quoteIDBytes {
		return "", core.FieldError(fieldQuoteID, msgQuoteIDFormat)
	}
	return QuoteID(s), nil
}

// String returns the id.
func (id QuoteID) String() string { return string(id) }

// IsZero reports whether the id is unset.
func (id QuoteID) IsZero() bool { return id == "" }

// Quote holds the terms a user was shown for ExpiresAt − CreatedAt, so that the order placed
// within that time trades at the previewed price. It is single use and bound to its user, its
// side, its amount (rials, or gold for a quote priced by gold) and its price. Build new quotes
// with [NewQuote]; stores rebuild them with [RehydrateQuote].
type Quote struct {
	id        QuoteID
	user      core.UserID
	terms     Terms
	byGold    bool
	createdAt time.Time
	expiresAt time.Time
	usedAt    time.Time
}

// NewQuote returns a quote not yet stored, with an id drawn from r (a CSPRNG), for user's
// req priced as terms (normally [TermsFor] of req). It expires ttl after now; a zero ttl means
// [DefaultQuoteTTL], and a ttl below zero or above [MaxQuoteTTL] is an error. terms must be
// valid ([Terms.Validate]) and match req ([Quote.Matches]); errors wrap
// [core.ErrInvalidInput].
func NewQuote(r io.Reader, user core.UserID, req Request, terms Terms, now time.Time, ttl time.Duration) (*Quote, error) {
	if ttl == 0 {
		ttl = DefaultQuoteTTL
	}
	if ttl < 0 || ttl > MaxQuoteTTL {
		return nil, fmt.Errorf("%w: quote ttl %s outside (0, %s]", core.ErrInvalidInput, ttl, MaxQuoteTTL)
	}
	if user <= 0 {
		return nil, fmt.Errorf("%w: quote needs a user", core.ErrInvalidInput)
	}
	if err := terms.Validate(); err != nil {
		return nil, err
	}
	q := &Quote{user: user, terms: terms, byGold: req.ByGold(), createdAt: now, expiresAt: now.Add(ttl)}
	if !q.Matches(req) {
		return nil, fmt.Errorf("%w: quote terms do not match the request", core.ErrInvalidInput)
	}
	id, err := NewQuoteID(r)
	if err != nil {
		return nil, err
	}
	q.id = id
	return q, nil
}

// QuoteRecord is the stored form of a [Quote], for store adapters. ByGold says the quote was
// priced by its gold amount (a sell by `gold_amount`); a zero UsedAt means unused.
type QuoteRecord struct {
	ID        QuoteID
	User      core.UserID
	Terms     Terms
	ByGold    bool
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time
}

// RehydrateQuote rebuilds a stored quote; only store adapters call it.
func RehydrateQuote(r QuoteRecord) *Quote {
	return &Quote{
		id:        r.ID,
		user:      r.User,
		terms:     r.Terms,
		byGold:    r.ByGold,
		createdAt: r.CreatedAt,
		expiresAt: r.ExpiresAt,
		usedAt:    r.UsedAt,
	}
}

// Record returns the quote's stored form.
func (q *Quote) Record() QuoteRecord {
	return QuoteRecord{
		ID:        q.id,
		User:      q.user,
		Terms:     q.terms,
		ByGold:    q.byGold,
		CreatedAt: q.createdAt,
		ExpiresAt: q.expiresAt,
		UsedAt:    q.usedAt,
	}
}

// Matches reports whether req asks for what q priced: the same side and the same amount,
// in the same unit (a quote priced by gold matches only that gold amount, one priced by rials
// only that rial amount). This is the "body ≠ quote" test of API.md §3.9.
func (q *Quote) Matches(req Request) bool {
	if req.Side != q.terms.Side || req.ByGold() != q.byGold {
		return false
	}
	if q.byGold {
		return req.Gold == q.terms.Gold && req.Amount == 0
	}
	return req.Amount == q.terms.AmountIRR
}

// MatchesImplicit reports whether q may price user's req at now without the client naming
// it (the implicit quote of API.md §3.9): q is user's, unused, unexpired and [Quote.Matches]
// req. Of several such quotes the most recently created one applies; a store finds it by
// (user, side, amount or gold, unused, expires_at > now) ordered by creation, newest first.
func (q *Quote) MatchesImplicit(user core.UserID, req Request, now time.Time) bool {
	return q.user == user && !q.Used() && !q.Expired(now) && q.Matches(req)
}

// Redeem uses q to price user's req at now. The rules apply in this order:
//
//  1. another user's quote returns [core.ErrNotFound] (indistinguishable from none);
//  2. a used quote returns [core.ErrQuoteUsed];
//  3. at or after ExpiresAt it returns a [*core.QuoteExpiredError];
//  4. when req does not match ([Quote.Matches]) it returns an error wrapping
//     [core.ErrQuoteMismatch];
//  5. otherwise q is marked used at now and its [Quote.Terms] price the order.
//
// The store must persist q after a nil return with a conditional update (used_at IS NULL),
// so that two racing orders cannot both redeem it; the loser gets [core.ErrQuoteUsed].
func (q *Quote) Redeem(user core.UserID, req Request, now time.Time) error {
	switch {
	case q.user != user:
		return fmt.Errorf("quote %s: %w", q.id, core.ErrNotFound)
	case q.Used():
		return core.ErrQuoteUsed
	case q.Expired(now):
		return &core.QuoteExpiredError{QuoteID: string(q.id), ExpiredAt: q.expiresAt}
	case !q.Matches(req):
		return fmt.Errorf("%w: quote %s is for %s", core.ErrQuoteMismatch, q.id, q.describe())
	}
	q.usedAt = now
	return nil
}

// describe names what q priced, for a mismatch message.
func (q *Quote) describe() string {
	if q.byGold {
		return fmt.Sprintf("%s gold_amount %s", q.terms.Side, q.terms.Gold)
	}
	return fmt.Sprintf("%s amount_irr %s", q.terms.Side, q.terms.AmountIRR)
}

// Expired reports whether q is expired at now: now is at or after ExpiresAt.
func (q *Quote) Expired(now time.Time) bool { return !now.Before(q.expiresAt) }

// ID returns the quote's id.
func (q *Quote) ID() QuoteID { return q.id }

// User returns the user the quote was made for.
func (q *Quote) User() core.UserID { return q.user }

// Terms returns the quoted terms.
func (q *Quote) Terms() Terms { return q.terms }

// ByGold reports whether the quote was priced by its gold amount.
func (q *Quote) ByGold() bool { return q.byGold }

// Request returns the request the quote answers: its side and its rial or gold amount.
func (q *Quote) Request() Request {
	if q.byGold {
		return Request{Side: q.terms.Side, Gold: q.terms.Gold}
	}
	return Request{Side: q.terms.Side, Amount: q.terms.AmountIRR}
}

// CreatedAt returns when the quote was made.
func (q *Quote) CreatedAt() time.Time { return q.createdAt }

// ExpiresAt returns the first instant at which the quote is expired.
func (q *Quote) ExpiresAt() time.Time { return q.expiresAt }

// Used reports whether the quote priced an order.
func (q *Quote) Used() bool { return !q.usedAt.IsZero() }

// UsedAt returns when the quote priced an order, or the zero time.
func (q *Quote) UsedAt() time.Time { return q.usedAt }
