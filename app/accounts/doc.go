// Package accounts will hold the accounts use cases of API.md §3.1: sign-up with phone and
// password, phone verification, sign-in by password or one-time code, sessions (refresh-token
// rotation, logout, revocation by `sid`), password change and reset. The domain rules live in
// core/identity; this package will drive them through the ports.
//
// For now it holds the two building blocks those use cases need:
//
//   - [AccessTokens] issues and verifies the signed access tokens of API.md §1.5: HS256 JWTs
//     with the claims sub, sid, jti, iat, exp, role, iss, aud and typ, signed by the newest
//     of a set of rotating keys and verified by any of them;
//   - [PasswordHasher] hashes and verifies passwords with argon2id in the PHC string format,
//     refuses stored hashes whose cost would be a denial of service, reports hashes made with
//     older parameters, and offers [PasswordHasher.DummyVerify] so that an unknown phone
//     costs as much as a wrong password.
//
// Refresh tokens and sessions are not here: they are opaque random strings whose rules
// (rotation, grace replay, reuse detection) are in [identity.Session].
package accounts
