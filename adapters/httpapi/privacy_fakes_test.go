package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/idempotency"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/core/trading"
	"github.com/talabin/talabin/ports"
)

// fixturePersonalData is the fixture user's export: every part of the other fixtures, the
// current session and the terms accepted at registration.
func fixturePersonalData() ports.PersonalData {
	session := identity.RehydrateSession(identity.SessionRecord{
		ID: fakeSessionID, UserID: fakeUserID, CreatedAt: fakeCreatedAt, RotatedAt: fixtureAt,
		ExpiresAt: fakeCreatedAt.Add(fakeRefreshTTL), UserAgent: "Firefox", IP: clientAddr,
	})
	completed := withWithdrawal(fixtureWithdrawal(), func(r *payment.WithdrawalRecord) {
		r.Status, r.TrackingCode, r.ProcessedAt = payment.WithdrawalCompleted, "TRK-1", fixtureAt
	})
	gone := withWithdrawal(fixtureWithdrawal(), func(r *payment.WithdrawalRecord) {
		r.ID, r.BankAccount, r.Status = 32, 6, payment.WithdrawalCancelled // to an account deleted since
	})
	return ports.PersonalData{
		GeneratedAt:  fixtureAt.Add(time.Hour),
		User:         fakeUser(),
		KYC:          fixturePendingStatus(),
		BankAccounts: []*payment.BankAccount{fixtureAccount()},
		Wallet: ports.Wallet{
			User: fakeUserID, BuyPrice: fixturePrice.Buy, TotalValue: 994_999, CreatedAt: fakeCreatedAt, UpdatedAt: fixtureAt,
			IRR: ledger.Balance{Available: 994_999},
		},
		Transactions: fixtureEntries(),
		Orders:       []*trading.Order{fixtureOrder()},
		Deposits:     []*payment.Deposit{fixtureOnlineDeposit()},
		Withdrawals:  []*payment.Withdrawal{completed, gone},
		Sessions:     []*identity.Session{session},
		Consents:     []ports.Consent{{ID: 1, User: fakeUserID, Kind: "terms", Version: "2025-01", At: fakeCreatedAt, IP: clientAddr}},
	}
}

// deleteCall records one DeleteAccount call: the caller, the input and the idempotent call.
type deleteCall struct {
	Principal ports.Principal
	Input     ports.AccountDeletion
	Call      ports.IdempotentCall
}

// fakePrivacy implements [ports.Privacy] with func fields that answer with the fixture; a
// test replaces the ones it needs. DeleteAccount keeps responses like a store would: a
// completed key replays, another body with the key is refused.
type fakePrivacy struct {
	ExportFunc func(context.Context, ports.Principal) (ports.PersonalData, error)
	DeleteFunc func(context.Context, ports.Principal, ports.AccountDeletion) error

	mu      sync.Mutex
	exports []ports.Principal
	deletes []deleteCall
	stored  map[idempotency.Key]storedResponse
}

var _ ports.Privacy = (*fakePrivacy)(nil)

func newFakePrivacy() *fakePrivacy {
	return &fakePrivacy{
		ExportFunc: func(context.Context, ports.Principal) (ports.PersonalData, error) { return fixturePersonalData(), nil },
		DeleteFunc: func(context.Context, ports.Principal, ports.AccountDeletion) error { return nil },
		stored:     map[idempotency.Key]storedResponse{},
	}
}

func (f *fakePrivacy) Export(ctx context.Context, p ports.Principal) (ports.PersonalData, error) {
	f.mu.Lock()
	f.exports = append(f.exports, p)
	f.mu.Unlock()
	return f.ExportFunc(ctx, p)
}

func (f *fakePrivacy) DeleteAccount(ctx context.Context, p ports.Principal, in ports.AccountDeletion, call ports.IdempotentCall) (ports.Outcome[struct{}], error) {
	f.mu.Lock()
	f.deletes = append(f.deletes, deleteCall{Principal: p, Input: in, Call: call})
	keyed := call.Key != (idempotency.Key{})
	if keyed {
		if s, ok := f.stored[call.Key]; ok {
			f.mu.Unlock()
			if s.fp != call.Fingerprint {
				return ports.Outcome[struct{}]{}, core.ErrIdempotencyKeyReused
			}
			resp := s.resp
			return ports.Outcome[struct{}]{Replayed: &resp}, nil
		}
	}
	f.mu.Unlock()
	err := f.DeleteFunc(ctx, p, in)
	if keyed && call.Respond != nil {
		if resp, ok := call.Respond(struct{}{}, err); ok {
			f.mu.Lock()
			f.stored[call.Key] = storedResponse{fp: call.Fingerprint, resp: resp}
			f.mu.Unlock()
		}
	}
	if err != nil {
		return ports.Outcome[struct{}]{}, err
	}
	return ports.Outcome[struct{}]{}, nil
}

// lastDelete returns the last DeleteAccount call.
func (f *fakePrivacy) lastDelete() (deleteCall, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.deletes) == 0 {
		return deleteCall{}, false
	}
	return f.deletes[len(f.deletes)-1], true
}

// deleteRuns returns how many DeleteAccount calls reached the service.
func (f *fakePrivacy) deleteRuns() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.deletes)
}

// privacyBundle is the API router with the personal-data endpoints over fakes.
type privacyBundle struct {
	handler  http.Handler
	privacy  *fakePrivacy
	accounts *fakeAccounts
	limiter  *countingLimiter
}

// setupPrivacy returns the router over fresh fakes; configure changes the configuration
// first.
func setupPrivacy(t *testing.T, configure ...func(*httpapi.PrivacyConfig)) privacyBundle {
	t.Helper()
	b := privacyBundle{privacy: newFakePrivacy(), accounts: newFakeAccounts(), limiter: newCountingLimiter()}
	cfg := httpapi.PrivacyConfig{Privacy: b.privacy}
	for _, c := range configure {
		c(&cfg)
	}
	h, err := httpapi.NewRouter(discardLogger(), mustReadiness(t), testAuthConfig(b.accounts, b.limiter),
		httpapi.MetricsEndpoint{}, httpapi.WithPrivacy(cfg))
	require.NoError(t, err)
	b.handler = h
	return b
}

// send serves one request through the bundle's router (see [send]).
func (b privacyBundle) send(t *testing.T, method, path, body string, opts ...requestOption) *httptest.ResponseRecorder {
	t.Helper()
	return send(t, b.handler, method, path, body, opts...)
}
