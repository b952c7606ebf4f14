package accounts

import "sync/atomic"

// CountDerivations makes h add one to n for every key derivation it runs (hash,
// verification or dummy verification), so tests can tell that work happened without
// timing it. Call it before h is used.
func CountDerivations(h *PasswordHasher, n *atomic.Int64) {
	next := h.keyFunc
	h.keyFunc = func(password, salt []byte, passes, memory uint32, threads uint8, keyLen uint32) []byte {
		n.Add(1)
		return next(password, salt, passes, memory, threads, keyLen)
	}
}
