// Package accounts holds the accounts use cases of API.md §3.1 behind [ports.Accounts]:
// sign-up with phone and password, phone verification, sign-in by password or one-time
// code, sessions (refresh-token rotation, logout, revocation by `sid`), profile, password
// change and reset. The domain rules live in core/identity; [Service] drives them through
// the store, the rate limiter and the clock.
//
// Its building blocks:
//
//   - [AccessTokens] issues and verifies the signed access tokens of API.md §1.5: HS256 JWTs
//     with the claims sub, sid, jti, iat, exp, role, iss, aud and typ, signed by the newest
//     of a set of rotating keys and verified by any of them;
//   - [PasswordHasher] hashes and verifies passwords with argon2id in the PHC string format,
//     refuses stored hashes whose cost would be a denial of service, reports hashes made with
//     older parameters, and offers [PasswordHasher.DummyVerify] so that an unknown phone
//     costs as much as a wrong password;
//   - [OTPSMSWorker] is the River worker that sends the codes the service enqueues (job kind
//     [OTPSMSKind]) in the transaction that stores them.
//
// Refresh tokens are opaque random strings whose rules (rotation, grace replay, reuse
// detection) are in [identity.Session]; password reset tokens are stateless MACs bound to
// the password they replace.
//
// Transactions that must keep a write although the use case fails (a wrong code's counted
// attempt, a reused refresh token's revocation) commit and carry the refusal out, since
// [ports.Store.InTx] rolls back on any error.
package accounts
