package backoffice_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/app/backoffice"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/integration/accountstest"
	"github.com/talabin/talabin/ports"
	"github.com/talabin/talabin/ports/ratelimittest"
)

// revocation is one notice a [recordingRevoker] heard.
type revocation struct {
	user   core.UserID
	reason identity.RevokeReason
	n      int64
}

// recordingRevoker is a [backoffice.SessionRevoker] that remembers what it was told.
type recordingRevoker struct {
	mu    sync.Mutex
	heard []revocation
}

func (r *recordingRevoker) SessionsRevoked(user core.UserID, reason identity.RevokeReason, n int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.heard = append(r.heard, revocation{user: user, reason: reason, n: n})
}

func (r *recordingRevoker) notices() []revocation {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]revocation(nil), r.heard...)
}

// bundle is one test's service over a fresh in-memory SQLite store and a clock that moves
// only when told to.
type bundle struct {
	clock   *ratelimittest.Clock
	store   *accountstest.Store
	revoker *recordingRevoker
	svc     *backoffice.Service
	seq     int
}

func setup(t *testing.T) *bundle {
	t.Helper()
	b := &bundle{clock: ratelimittest.NewClock(), revoker: &recordingRevoker{}}
	b.store = accountstest.NewStore(t, b.clock)
	var err error
	b.svc, err = backoffice.NewService(b.store, b.clock, b.revoker, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	return b
}

// newUser registers a user of role with a verified phone and open accounts, named after its
// sequence number (User1 Test).
func (b *bundle) newUser(t *testing.T, role identity.Role) core.UserID {
	t.Helper()
	return b.newNamedUser(t, role, fmt.Sprintf("User%d", b.seq+1))
}

// newNamedUser is newUser with first name first.
func (b *bundle) newNamedUser(t *testing.T, role identity.Role, first string) core.UserID {
	t.Helper()
	b.seq++
	now := b.clock.Now()
	rec := identity.UserRecord{
		Phone: b.phone(b.seq), FirstName: first, LastName: "Test",
		Role: role, PhoneVerifiedAt: now, CreatedAt: now,
	}
	var id core.UserID
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		var err error
		if id, err = tx.Users().Create(ctx, identity.RehydrateUserRecord(rec)); err != nil {
			return err
		}
		return tx.Ledger().OpenUserAccounts(ctx, id)
	})
	return id
}

// phone returns the i-th test mobile number, in E.164 form.
func (b *bundle) phone(i int) string { return fmt.Sprintf("+98912%07d", i) }

// principal is user signed in with role.
func (b *bundle) principal(user core.UserID, role identity.Role) ports.Principal {
	return ports.Principal{
		UserID: user, SessionID: "ses_" + user.String(), Role: role,
		Client: ports.Client{IP: "203.0.113.7", UserAgent: "test-agent/1.0", RequestID: "req-1"},
	}
}

// admin and operator register a staff member of that role and sign it in.
func (b *bundle) admin(t *testing.T) ports.Principal {
	t.Helper()
	return b.principal(b.newUser(t, identity.RoleAdmin), identity.RoleAdmin)
}

func (b *bundle) operator(t *testing.T) ports.Principal {
	t.Helper()
	return b.principal(b.newUser(t, identity.RoleOperator), identity.RoleOperator)
}

// signIn stores a new session of user and returns its id.
func (b *bundle) signIn(t *testing.T, user core.UserID) string {
	t.Helper()
	b.seq++
	id := fmt.Sprintf("ses_test_%d", b.seq)
	var hash [32]byte
	hash[0], hash[1] = byte(b.seq), byte(b.seq>>8)
	s, err := identity.NewSession(id, user, hash, "test-agent/1.0", "203.0.113.7", b.clock.Now(), 0)
	require.NoError(t, err)
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error { return tx.Sessions().Create(ctx, s) })
	return id
}

// session reads a stored session.
func (b *bundle) session(t *testing.T, id string) *identity.Session {
	t.Helper()
	var s *identity.Session
	b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
		var err error
		s, err = tx.Sessions().Get(ctx, id)
		return err
	})
	return s
}

// user reads a stored user.
func (b *bundle) user(t *testing.T, id core.UserID) identity.User {
	t.Helper()
	var u identity.User
	b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
		var err error
		u, err = tx.Users().Get(ctx, id)
		return err
	})
	return u
}

// post posts a journal.
func (b *bundle) post(t *testing.T, j ledger.Journal, err error) {
	t.Helper()
	require.NoError(t, err)
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		_, err := tx.Ledger().Post(ctx, j)
		return err
	})
}

// audit lists every audit event, newest first.
func (b *bundle) audit(t *testing.T) []ports.AuditEvent {
	t.Helper()
	var events []ports.AuditEvent
	b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
		var err error
		events, _, err = tx.Audit().List(ctx, ports.AuditFilter{}, 0, 100)
		return err
	})
	return events
}

func (b *bundle) inTx(t *testing.T, fn func(ctx context.Context, tx ports.Tx) error) {
	t.Helper()
	require.NoError(t, b.store.InTx(t.Context(), fn))
}

func (b *bundle) snapshot(t *testing.T, fn func(ctx context.Context, tx ports.Tx) error) {
	t.Helper()
	require.NoError(t, b.store.Snapshot(t.Context(), fn))
}
