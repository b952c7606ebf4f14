package accounts

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// The default argon2id parameters of [PasswordConfig]: the second recommended option of
// RFC 9106 §4 (t=3, 64 MiB) with one lane per core of the 2-core production server instead
// of four. There one hash or verification takes about 70 ms (BenchmarkHash: 68–78 ms/op,
// BenchmarkVerify and BenchmarkDummyVerify alike), a cost the login rate limits of API.md
// §3.1 make cheap for us and dear for a guesser.
const (
	// DefaultPasswordMemory is the memory cost, in KiB: 64 MiB.
	DefaultPasswordMemory = 64 * 1024
	// DefaultPasswordTime is the number of passes over the memory.
	DefaultPasswordTime = 3
	// DefaultPasswordThreads is the degree of parallelism, one lane per core.
	DefaultPasswordThreads = 2
	// DefaultPasswordSaltLen is the salt length, in bytes.
	DefaultPasswordSaltLen = 16
	// DefaultPasswordKeyLen is the hash length, in bytes.
	DefaultPasswordKeyLen = 32
	// DefaultPasswordMaxConcurrent is how many hashes run at once by default: 256 MiB of
	// memory at the default cost.
	DefaultPasswordMaxConcurrent = 4
)

// The bounds of the parameters a hash may have, in the configuration and in stored hashes.
// They keep a stored hash with a huge cost (m=4 GiB, say) from becoming a denial of service.
const (
	maxPasswordMemory  = 256 * 1024 // KiB
	maxPasswordTime    = 16
	maxPasswordThreads = 16
	minPasswordSaltLen = 8
	maxPasswordSaltLen = 64
	minPasswordKeyLen  = 16
	maxPasswordKeyLen  = 64
	// maxEncodedLen is comfortably above the longest string the bounds allow.
	maxEncodedLen = 256
)

// phcPrefix starts every hash this package writes and reads: argon2id, version 0x13.
const phcPrefix = "$argon2id$v=19$"

// ErrUnsupportedPasswordHash is returned by [PasswordHasher.Verify] when the stored hash is
// not an argon2id PHC string within the bounds this package accepts: malformed, another
// algorithm or version, or a cost out of range. It means a corrupt or foreign hash, not a
// wrong password.
var ErrUnsupportedPasswordHash = errors.New("unsupported password hash")

// PasswordConfig holds the argon2id parameters of new hashes. A zero field means its
// default. Memory must be 8 to 262144 KiB (256 MiB) and at least 8 × Threads, Time 1 to 16,
// Threads 1 to 16, SaltLen 8 to 64 and KeyLen 16 to 64.
type PasswordConfig struct {
	// Memory is the memory cost m in KiB; default [DefaultPasswordMemory] (64 MiB).
	Memory uint32
	// Time is the number of passes t; default [DefaultPasswordTime].
	Time uint32
	// Threads is the parallelism p; default [DefaultPasswordThreads].
	Threads uint8
	// SaltLen is the length of new salts in bytes; default [DefaultPasswordSaltLen].
	SaltLen int
	// KeyLen is the length of new hashes in bytes; default [DefaultPasswordKeyLen].
	KeyLen int
	// MaxConcurrent bounds how many hashes and verifications run at once, and so the memory
	// they hold (MaxConcurrent × Memory); further callers wait. Default
	// [DefaultPasswordMaxConcurrent].
	MaxConcurrent int
	// Rand is the source of salts; nil means crypto/rand.Reader. It must be a CSPRNG.
	Rand io.Reader
}

// withDefaults returns c with its zero fields set to the defaults.
func (c PasswordConfig) withDefaults() PasswordConfig {
	if c.Memory == 0 {
		c.Memory = DefaultPasswordMemory
	}
	if c.Time == 0 {
		c.Time = DefaultPasswordTime
	}
	if c.Threads == 0 {
		c.Threads = DefaultPasswordThreads
	}
	if c.SaltLen == 0 {
		c.SaltLen = DefaultPasswordSaltLen
	}
	if c.KeyLen == 0 {
		c.KeyLen = DefaultPasswordKeyLen
	}
	if c.MaxConcurrent == 0 {
		c.MaxConcurrent = DefaultPasswordMaxConcurrent
	}
	if c.Rand == nil {
		c.Rand = rand.Reader
	}
	return c
}

// PasswordHasher hashes and verifies passwords with argon2id, in the PHC string format
// `$argon2id$v=19$m=65536,t=3,p=2$<salt>$<hash>` (salt and hash in unpadded standard
// base64). It is safe for concurrent use. Build one with [NewPasswordHasher].
type PasswordHasher struct {
	params phcParams
	rand   io.Reader
	slots  chan struct{}
	// dummy is a well-formed hash with the current parameters that no password matches in
	// practice (its hash is all zeros); DummyVerify checks against it.
	dummy string
	// keyFunc derives a hash: argon2.IDKey, replaced in tests to observe the calls.
	keyFunc func(password, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte
}

// NewPasswordHasher returns a hasher for cfg (zero fields take their defaults). It returns
// an error when a parameter is out of the bounds documented on [PasswordConfig] or
// MaxConcurrent is negative.
func NewPasswordHasher(cfg PasswordConfig) (*PasswordHasher, error) {
	cfg = cfg.withDefaults()
	if cfg.MaxConcurrent < 0 {
		return nil, fmt.Errorf("password hasher: max concurrent %d is negative", cfg.MaxConcurrent)
	}
	if cfg.SaltLen < minPasswordSaltLen || cfg.SaltLen > maxPasswordSaltLen {
		return nil, fmt.Errorf("password hasher: salt length %d is outside %d to %d bytes", cfg.SaltLen, minPasswordSaltLen, maxPasswordSaltLen)
	}
	if cfg.KeyLen < minPasswordKeyLen || cfg.KeyLen > maxPasswordKeyLen {
		return nil, fmt.Errorf("password hasher: key length %d is outside %d to %d bytes", cfg.KeyLen, minPasswordKeyLen, maxPasswordKeyLen)
	}
	p := phcParams{
		memory:  cfg.Memory,
		time:    cfg.Time,
		threads: cfg.Threads,
		salt:    make([]byte, cfg.SaltLen),
		key:     make([]byte, cfg.KeyLen),
	}
	if err := p.check(); err != nil {
		return nil, fmt.Errorf("password hasher: %w", err)
	}
	return &PasswordHasher{
		params:  p,
		rand:    cfg.Rand,
		slots:   make(chan struct{}, cfg.MaxConcurrent),
		dummy:   p.encode(),
		keyFunc: argon2.IDKey,
	}, nil
}

// Hash returns the PHC string of password under a fresh random salt and the configured
// parameters. It fails only when the salt source fails.
func (h *PasswordHasher) Hash(password string) (string, error) {
	p := h.params
	p.salt = make([]byte, len(h.params.salt))
	if _, err := io.ReadFull(h.rand, p.salt); err != nil {
		return "", fmt.Errorf("hash password: generate salt: %w", err)
	}
	p.key = h.derive(password, p, len(h.params.key))
	return p.encode(), nil
}

// Verify reports whether password matches encoded, a PHC string from [PasswordHasher.Hash]
// (possibly made with other parameters). It derives the hash with the stored parameters and
// compares in constant time. needsRehash is true when the password matched but encoded
// was made with parameters other than the configured ones (memory, time, threads, salt or
// hash length): the caller then stores a fresh [PasswordHasher.Hash] of the password. A
// wrong password returns false, false, nil. A malformed or unsupported encoded, including
// one whose cost is beyond the bounds of [PasswordConfig], returns an error wrapping
// [ErrUnsupportedPasswordHash] without deriving anything.
func (h *PasswordHasher) Verify(encoded, password string) (ok, needsRehash bool, err error) {
	p, err := parsePHC(encoded)
	if err != nil {
		return false, false, err
	}
	got := h.derive(password, p, len(p.key))
	if subtle.ConstantTimeCompare(got, p.key) != 1 {
		return false, false, nil
	}
	return true, !p.sameCost(h.params), nil
}

// DummyVerify costs what a [PasswordHasher.Verify] of password against a hash with the
// configured parameters costs, and does nothing else: it runs Verify itself, against a
// fixed hash that no password matches. Sign-in calls it when the phone is unknown or the
// account has no password, so that the answer takes as long as for a wrong password
// (API.md §3.1: the same error in constant time).
func (h *PasswordHasher) DummyVerify(password string) {
	// The result is known (no match) and the dummy hash always parses.
	_, _, _ = h.Verify(h.dummy, password)
}

// derive runs the key function for password with the cost and salt of p, waiting for a
// free slot first.
func (h *PasswordHasher) derive(password string, p phcParams, keyLen int) []byte {
	h.slots <- struct{}{}
	defer func() { <-h.slots }()
	return h.keyFunc([]byte(password), p.salt, p.time, p.memory, p.threads, uint32(keyLen))
}

// phcParams is a parsed argon2id PHC string.
type phcParams struct {
	memory  uint32
	time    uint32
	threads uint8
	salt    []byte
	key     []byte
}

// check returns an error when a parameter is out of bounds.
func (p phcParams) check() error {
	switch {
	case p.threads < 1 || p.threads > maxPasswordThreads:
		return fmt.Errorf("parallelism %d is outside 1 to %d", p.threads, maxPasswordThreads)
	case p.memory < 8*uint32(p.threads) || p.memory > maxPasswordMemory:
		return fmt.Errorf("memory %d KiB is outside %d to %d KiB", p.memory, 8*uint32(p.threads), maxPasswordMemory)
	case p.time < 1 || p.time > maxPasswordTime:
		return fmt.Errorf("time %d is outside 1 to %d", p.time, maxPasswordTime)
	case len(p.salt) < minPasswordSaltLen || len(p.salt) > maxPasswordSaltLen:
		return fmt.Errorf("salt of %d bytes is outside %d to %d bytes", len(p.salt), minPasswordSaltLen, maxPasswordSaltLen)
	case len(p.key) < minPasswordKeyLen || len(p.key) > maxPasswordKeyLen:
		return fmt.Errorf("hash of %d bytes is outside %d to %d bytes", len(p.key), minPasswordKeyLen, maxPasswordKeyLen)
	}
	return nil
}

// sameCost reports whether p and q have the same parameters (not the same salt or hash).
func (p phcParams) sameCost(q phcParams) bool {
	return p.memory == q.memory && p.time == q.time && p.threads == q.threads &&
		len(p.salt) == len(q.salt) && len(p.key) == len(q.key)
}

// encode returns p as a PHC string.
func (p phcParams) encode() string {
	return fmt.Sprintf("%sm=%d,t=%d,p=%d$%s$%s", phcPrefix, p.memory, p.time, p.threads,
		base64.RawStdEncoding.EncodeToString(p.salt), base64.RawStdEncoding.EncodeToString(p.key))
}

// parsePHC parses an argon2id PHC string, strictly: the prefix `$argon2id$v=19$`, then
// exactly `m=<n>,t=<n>,p=<n>` in that order with canonical decimals, then the salt and the
// hash in canonical unpadded standard base64, every parameter within bounds. The error
// never quotes encoded, which is secret.
func parsePHC(encoded string) (phcParams, error) {
	bad := func(format string, args ...any) (phcParams, error) {
		return phcParams{}, fmt.Errorf("%w: %s", ErrUnsupportedPasswordHash, fmt.Sprintf(format, args...))
	}
	if len(encoded) > maxEncodedLen {
		return bad("longer than %d bytes", maxEncodedLen)
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return bad("not a PHC string of 5 fields")
	}
	if parts[1] != "argon2id" {
		return bad("algorithm is not argon2id")
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return bad("version is not %d", argon2.Version)
	}
	fields := strings.Split(parts[3], ",")
	if len(fields) != 3 {
		return bad("parameters are not m, t and p")
	}
	var nums [3]uint32
	for i, name := range []string{"m", "t", "p"} {
		v, ok := strings.CutPrefix(fields[i], name+"=")
		if !ok {
			return bad("parameter %d is not %s", i+1, name)
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil || strconv.FormatUint(n, 10) != v {
			return bad("parameter %s is not a canonical decimal", name)
		}
		nums[i] = uint32(n)
	}
	if nums[2] > maxPasswordThreads {
		return bad("parallelism %d is above %d", nums[2], maxPasswordThreads)
	}
	salt, err := decodeB64(parts[4])
	if err != nil {
		return bad("salt: %v", err)
	}
	key, err := decodeB64(parts[5])
	if err != nil {
		return bad("hash: %v", err)
	}
	p := phcParams{memory: nums[0], time: nums[1], threads: uint8(nums[2]), salt: salt, key: key}
	if err := p.check(); err != nil {
		return bad("%v", err)
	}
	return p, nil
}

// decodeB64 decodes unpadded standard base64 and refuses any non-canonical form (padding,
// line breaks, stray trailing bits).
func decodeB64(s string) ([]byte, error) {
	b, err := base64.RawStdEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, errors.New("not unpadded standard base64")
	}
	if base64.RawStdEncoding.EncodeToString(b) != s {
		return nil, errors.New("not canonical base64")
	}
	return b, nil
}
