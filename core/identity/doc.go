// Package identity holds users and the rules of who they are: registration and profile
// data ([User]), one-time codes sent by SMS ([OTP], [CodeKeys], [OTPPolicy]), password
// rules ([ValidatePassword]) and sign-in sessions with rotating refresh tokens ([Session]).
//
// Like the rest of core it is pure: it never reads the clock, the environment or a random
// source of its own. Callers pass the time, the keys and a CSPRNG reader in, and stores
// persist what the entities' methods changed.
package identity
