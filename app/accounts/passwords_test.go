package accounts

import (
	"encoding/base64"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/argon2"
)

// cheap are parameters that keep the tests fast; the defaults are exercised by
// TestPasswordHasherDefaults and the benchmarks.
var cheap = PasswordConfig{Memory: 256, Time: 1, Threads: 1}

// keyCall is one recorded call of a hasher's key function.
type keyCall struct {
	password string
	saltLen  int
	time     uint32
	memory   uint32
	threads  uint8
	keyLen   uint32
}

// passwordBundle is what the password tests share.
type passwordBundle struct {
	hasher *PasswordHasher
	mu     *sync.Mutex
	calls  *[]keyCall
}

// recorded returns the key function calls so far.
func (b passwordBundle) recorded() []keyCall {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]keyCall(nil), *b.calls...)
}

// setupPasswords returns a hasher for cfg whose key function is argon2.IDKey, recorded.
func setupPasswords(t *testing.T, cfg PasswordConfig) passwordBundle {
	t.Helper()
	h, err := NewPasswordHasher(cfg)
	require.NoError(t, err)
	b := passwordBundle{hasher: h, mu: &sync.Mutex{}, calls: &[]keyCall{}}
	h.keyFunc = func(password, salt []byte, passes, memory uint32, threads uint8, keyLen uint32) []byte {
		b.mu.Lock()
		*b.calls = append(*b.calls, keyCall{string(password), len(salt), passes, memory, threads, keyLen})
		b.mu.Unlock()
		return argon2.IDKey(password, salt, passes, memory, threads, keyLen)
	}
	return b
}

func TestPasswordHasherRoundTrip(t *testing.T) {
	t.Parallel()
	b := setupPasswords(t, cheap)
	for _, pw := range []string{"correct horse battery", "رمز\u200cعبور۱۲۳", "", strings.Repeat("x", 1000)} {
		encoded, err := b.hasher.Hash(pw)
		require.NoError(t, err)
		require.Regexp(t, `^\$argon2id\$v=19\$m=256,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`, encoded)
		ok, needsRehash, err := b.hasher.Verify(encoded, pw)
		require.NoError(t, err)
		require.True(t, ok)
		require.False(t, needsRehash)
	}
}

func TestPasswordHasherWrongPassword(t *testing.T) {
	t.Parallel()
	b := setupPasswords(t, cheap)
	encoded, err := b.hasher.Hash("correct horse battery")
	require.NoError(t, err)
	for _, pw := range []string{"Correct horse battery", "correct horse batter", "correct horse battery ", ""} {
		ok, needsRehash, err := b.hasher.Verify(encoded, pw)
		require.NoError(t, err)
		require.False(t, ok, pw)
		require.False(t, needsRehash)
	}
}

// TestPasswordHasherReferenceVector verifies a hash from the argon2 reference implementation
// (the x/crypto test vector argon2id t=3 m=256 p=2, password "password", salt "somesalt"),
// so the encoding matches other implementations, not only itself.
func TestPasswordHasherReferenceVector(t *testing.T) {
	t.Parallel()
	b := setupPasswords(t, cheap)
	const vector = "$argon2id$v=19$m=256,t=3,p=2$c29tZXNhbHQ$RmjTCsQYfmh47t6s8P2DxaCjDbLMFu8L"
	ok, needsRehash, err := b.hasher.Verify(vector, "password")
	require.NoError(t, err)
	require.True(t, ok)
	require.True(t, needsRehash, "other cost, salt and hash length than the config")
	ok, _, err = b.hasher.Verify(vector, "passwore")
	require.NoError(t, err)
	require.False(t, ok)
}

func TestPasswordHasherUniqueSalts(t *testing.T) {
	t.Parallel()
	b := setupPasswords(t, cheap)
	salts := map[string]bool{}
	for range 20 {
		encoded, err := b.hasher.Hash("same password")
		require.NoError(t, err)
		p, err := parsePHC(encoded)
		require.NoError(t, err)
		require.Len(t, p.salt, DefaultPasswordSaltLen)
		require.False(t, salts[string(p.salt)], "salt repeated")
		salts[string(p.salt)] = true
	}
}

func TestParsePHC(t *testing.T) {
	t.Parallel()
	salt := base64.RawStdEncoding.EncodeToString([]byte("0123456789abcdef"))
	hash := base64.RawStdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))
	tail := "$" + salt + "$" + hash
	tests := []struct {
		name    string
		encoded string
		ok      bool
	}{
		{"Valid", "$argon2id$v=19$m=65536,t=3,p=2" + tail, true},
		{"ValidAtBounds", "$argon2id$v=19$m=262144,t=16,p=16" + tail, true},
		{"WrongVariantArgon2i", "$argon2i$v=19$m=65536,t=3,p=2" + tail, false},
		{"WrongVariantArgon2d", "$argon2d$v=19$m=65536,t=3,p=2" + tail, false},
		{"Version16", "$argon2id$v=16$m=65536,t=3,p=2" + tail, false},
		{"NoVersion", "$argon2id$m=65536,t=3,p=2" + tail, false},
		{"BadBase64Salt", "$argon2id$v=19$m=65536,t=3,p=2$not*base64!$" + hash, false},
		{"BadBase64Hash", "$argon2id$v=19$m=65536,t=3,p=2$" + salt + "$###", false},
		{"PaddedSalt", "$argon2id$v=19$m=65536,t=3,p=2$" + salt + "==$" + hash, false},
		{"NonCanonicalSalt", "$argon2id$v=19$m=65536,t=3,p=2$" + salt[:len(salt)-1] + "h$" + hash, false},
		{"LineBreakInHash", "$argon2id$v=19$m=65536,t=3,p=2$" + salt + "$" + hash[:10] + "\n" + hash[10:], false},
		{"URLBase64Salt", "$argon2id$v=19$m=65536,t=3,p=2$" + strings.ReplaceAll(salt, "/", "_") + "_$" + hash, false},
		{"HugeMemory", "$argon2id$v=19$m=4194304,t=3,p=2" + tail, false},
		{"MemoryJustAboveBound", "$argon2id$v=19$m=262145,t=3,p=2" + tail, false},
		{"MemoryOverflow", "$argon2id$v=19$m=99999999999,t=3,p=2" + tail, false},
		{"MemoryBelow8PerLane", "$argon2id$v=19$m=15,t=3,p=2" + tail, false},
		{"ZeroTime", "$argon2id$v=19$m=65536,t=0,p=2" + tail, false},
		{"HugeTime", "$argon2id$v=19$m=65536,t=17,p=2" + tail, false},
		{"ZeroParallelism", "$argon2id$v=19$m=65536,t=3,p=0" + tail, false},
		{"HugeParallelism", "$argon2id$v=19$m=65536,t=3,p=255" + tail, false},
		{"ParallelismOverflowingByte", "$argon2id$v=19$m=65536,t=3,p=258" + tail, false},
		{"LeadingZero", "$argon2id$v=19$m=065536,t=3,p=2" + tail, false},
		{"Signed", "$argon2id$v=19$m=+65536,t=3,p=2" + tail, false},
		{"ParamsOutOfOrder", "$argon2id$v=19$t=3,m=65536,p=2" + tail, false},
		{"ExtraParam", "$argon2id$v=19$m=65536,t=3,p=2,keyid=x" + tail, false},
		{"MissingParam", "$argon2id$v=19$m=65536,t=3" + tail, false},
		{"MissingHash", "$argon2id$v=19$m=65536,t=3,p=2$" + salt, false},
		{"ExtraField", "$argon2id$v=19$m=65536,t=3,p=2" + tail + "$x", false},
		{"NoLeadingDollar", "argon2id$v=19$m=65536,t=3,p=2" + tail, false},
		{"ShortSalt", "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$" + hash, false},
		{"ShortHash", "$argon2id$v=19$m=65536,t=3,p=2$" + salt + "$aGFzaA", false},
		{"Bcrypt", "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW", false},
		{"DjangoPBKDF2", "pbkdf2_sha256$600000$salt$aGFzaA==", false},
		{"Empty", "", false},
		{"TooLong", "$argon2id$v=19$m=65536,t=3,p=2$" + strings.Repeat("A", 300) + "$" + hash, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupPasswords(t, cheap)
			p, err := parsePHC(tt.encoded)
			if tt.ok {
				// Verify is not run: it would derive at these costs.
				require.NoError(t, err)
				require.Equal(t, tt.encoded, p.encode(), "encode inverts parse")
				return
			}
			require.ErrorIs(t, err, ErrUnsupportedPasswordHash)
			ok, needsRehash, verr := b.hasher.Verify(tt.encoded, "0123456789")
			require.ErrorIs(t, verr, ErrUnsupportedPasswordHash)
			require.NotContains(t, verr.Error(), hash, "the stored hash is not quoted")
			require.False(t, ok)
			require.False(t, needsRehash)
			require.Empty(t, b.recorded(), "nothing is derived for a refused hash")
		})
	}
}

func TestPasswordHasherNeedsRehash(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		current PasswordConfig
	}{
		{"Memory", PasswordConfig{Memory: 512, Time: 1, Threads: 1}},
		{"Time", PasswordConfig{Memory: 256, Time: 2, Threads: 1}},
		{"Threads", PasswordConfig{Memory: 256, Time: 1, Threads: 2}},
		{"SaltLen", PasswordConfig{Memory: 256, Time: 1, Threads: 1, SaltLen: 32}},
		{"KeyLen", PasswordConfig{Memory: 256, Time: 1, Threads: 1, KeyLen: 64}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			old := setupPasswords(t, cheap)
			encoded, err := old.hasher.Hash("correct horse battery")
			require.NoError(t, err)
			current := setupPasswords(t, tt.current)

			ok, needsRehash, err := current.hasher.Verify(encoded, "correct horse battery")
			require.NoError(t, err)
			require.True(t, ok)
			require.True(t, needsRehash)
			require.Equal(t, uint32(256), current.recorded()[0].memory, "the stored cost verifies")

			ok, needsRehash, err = current.hasher.Verify(encoded, "wrong horse battery")
			require.NoError(t, err)
			require.False(t, ok)
			require.False(t, needsRehash, "only a matching password is worth rehashing")

			fresh, err := current.hasher.Hash("correct horse battery")
			require.NoError(t, err)
			ok, needsRehash, err = current.hasher.Verify(fresh, "correct horse battery")
			require.NoError(t, err)
			require.True(t, ok)
			require.False(t, needsRehash)
		})
	}
}

// TestDummyVerifySameCodePath checks that DummyVerify derives exactly what a Verify of a
// wrong password against a current hash derives: one key-function call with the same cost,
// salt length, hash length and password. The cost of argon2id depends on nothing else, so
// an unknown phone and a wrong password take the same time without a timing assertion.
func TestDummyVerifySameCodePath(t *testing.T) {
	t.Parallel()
	b := setupPasswords(t, PasswordConfig{Memory: 512, Time: 2, Threads: 2, SaltLen: 24, KeyLen: 48})
	encoded, err := b.hasher.Hash("correct horse battery")
	require.NoError(t, err)

	ok, _, err := b.hasher.Verify(encoded, "guess")
	require.NoError(t, err)
	require.False(t, ok)
	b.hasher.DummyVerify("guess")

	calls := b.recorded()
	require.Len(t, calls, 3, "hash, verify, dummy verify")
	require.Equal(t, calls[1], calls[2])
	require.Equal(t, keyCall{"guess", 24, 2, 512, 2, 48}, calls[2])

	dummy, err := parsePHC(b.hasher.dummy)
	require.NoError(t, err)
	require.True(t, dummy.sameCost(b.hasher.params))
	for _, pw := range []string{"", "guess", "correct horse battery"} {
		ok, _, err := b.hasher.Verify(b.hasher.dummy, pw)
		require.NoError(t, err)
		require.False(t, ok, "no password matches the dummy hash")
	}
}

func TestPasswordHasherMaxConcurrent(t *testing.T) {
	t.Parallel()
	h, err := NewPasswordHasher(PasswordConfig{Memory: 256, Time: 1, Threads: 1, MaxConcurrent: 2})
	require.NoError(t, err)
	var inFlight, peak, total atomic.Int32
	h.keyFunc = func(password, salt []byte, passes, memory uint32, threads uint8, keyLen uint32) []byte {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		total.Add(1)
		time.Sleep(5 * time.Millisecond)
		return argon2.IDKey(password, salt, passes, memory, threads, keyLen)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { h.DummyVerify("guess") })
	}
	wg.Wait()
	require.Equal(t, int32(8), total.Load())
	require.LessOrEqual(t, peak.Load(), int32(2))
}

func TestPasswordHasherDefaults(t *testing.T) {
	t.Parallel()
	h, err := NewPasswordHasher(PasswordConfig{})
	require.NoError(t, err)
	require.Equal(t, phcParams{memory: 65536, time: 3, threads: 2, salt: make([]byte, 16), key: make([]byte, 32)}, h.params)
	require.Equal(t, DefaultPasswordMaxConcurrent, cap(h.slots))
	require.Equal(t, "$argon2id$v=19$m=65536,t=3,p=2$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", h.dummy)

	encoded, err := h.Hash("correct horse battery")
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(encoded, "$argon2id$v=19$m=65536,t=3,p=2$"), encoded)
	ok, needsRehash, err := h.Verify(encoded, "correct horse battery")
	require.NoError(t, err)
	require.True(t, ok)
	require.False(t, needsRehash)
}

func TestNewPasswordHasherConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  PasswordConfig
		ok   bool
	}{
		{"Cheap", cheap, true},
		{"MaxBounds", PasswordConfig{Memory: 256 * 1024, Time: 16, Threads: 16, SaltLen: 64, KeyLen: 64}, true},
		{"MemoryTooBig", PasswordConfig{Memory: 256*1024 + 1}, false},
		{"MemoryBelow8PerLane", PasswordConfig{Memory: 15, Threads: 2}, false},
		{"TimeTooBig", PasswordConfig{Time: 17}, false},
		{"ThreadsTooBig", PasswordConfig{Threads: 17}, false},
		{"SaltTooShort", PasswordConfig{SaltLen: 7}, false},
		{"SaltTooLong", PasswordConfig{SaltLen: 65}, false},
		{"KeyTooShort", PasswordConfig{KeyLen: 15}, false},
		{"KeyTooLong", PasswordConfig{KeyLen: 65}, false},
		{"NegativeSalt", PasswordConfig{SaltLen: -1}, false},
		{"NegativeMaxConcurrent", PasswordConfig{MaxConcurrent: -1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h, err := NewPasswordHasher(tt.cfg)
			if !tt.ok {
				require.Error(t, err)
				require.Nil(t, h)
				return
			}
			require.NoError(t, err)
			_, err = parsePHC(h.dummy)
			require.NoError(t, err, "the configured cost is one Verify accepts")
		})
	}
}

// failingRand fails every read.
type failingRand struct{}

func (failingRand) Read([]byte) (int, error) { return 0, errors.New("entropy exhausted") }

func TestPasswordHasherRandFailure(t *testing.T) {
	t.Parallel()
	cfg := cheap
	cfg.Rand = failingRand{}
	b := setupPasswords(t, cfg)
	encoded, err := b.hasher.Hash("correct horse battery")
	require.ErrorContains(t, err, "entropy exhausted")
	require.Empty(t, encoded)
	require.Empty(t, b.recorded())
}

// benchHasher returns a hasher with the default (production) parameters.
func benchHasher(b *testing.B) *PasswordHasher {
	b.Helper()
	h, err := NewPasswordHasher(PasswordConfig{})
	require.NoError(b, err)
	return h
}

func BenchmarkHash(b *testing.B) {
	h := benchHasher(b)
	for b.Loop() {
		_, err := h.Hash("correct horse battery")
		require.NoError(b, err)
	}
}

func BenchmarkVerify(b *testing.B) {
	h := benchHasher(b)
	encoded, err := h.Hash("correct horse battery")
	require.NoError(b, err)
	for b.Loop() {
		ok, _, err := h.Verify(encoded, "wrong horse battery")
		require.NoError(b, err)
		require.False(b, ok)
	}
}

func BenchmarkDummyVerify(b *testing.B) {
	h := benchHasher(b)
	for b.Loop() {
		h.DummyVerify("wrong horse battery")
	}
}
