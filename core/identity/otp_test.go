package identity_test

import (
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
)

func TestParsePurpose(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want identity.Purpose
		ok   bool
	}{
		{name: "Registration", in: "registration", want: identity.PurposeRegistration, ok: true},
		{name: "Login", in: "login", want: identity.PurposeLogin, ok: true},
		{name: "PasswordReset", in: "password_reset", want: identity.PurposePasswordReset, ok: true},
		{name: "PhoneVerification", in: "phone_verification", want: identity.PurposePhoneVerification, ok: true},
		{name: "Withdrawal", in: "withdrawal", want: identity.PurposeWithdrawal, ok: true},
		{name: "BankAccount", in: "bank_account", want: identity.PurposeBankAccount, ok: true},
		{name: "Empty", in: ""},
		{name: "UpperCase", in: "LOGIN"},
		{name: "Unknown", in: "signup"},
		{name: "Spaces", in: " login"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := identity.ParsePurpose(tt.in)
			if !tt.ok {
				require.ErrorIs(t, err, core.ErrInvalidInput)
				require.True(t, p.IsZero())
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, p)
			require.Equal(t, tt.in, p.String())
			require.False(t, p.IsZero())
		})
	}
}

func TestPurposesRoundTrip(t *testing.T) {
	t.Parallel()
	all := identity.Purposes()
	require.Len(t, all, 7)
	for _, p := range all {
		back, err := identity.ParsePurpose(p.String())
		require.NoError(t, err)
		require.Equal(t, p, back)
	}
	all[0] = identity.Purpose{}
	require.Equal(t, identity.PurposeRegistration, identity.Purposes()[0], "Purposes returns a copy")
}

func TestGenerateCodeDistribution(t *testing.T) {
	t.Parallel()
	const draws = 200_000
	r := seeded(7)
	var leadingZero, doubleZero int
	var perPosition [identity.CodeLength][10]int
	for range draws {
		code, err := identity.GenerateCode(r)
		require.NoError(t, err)
		require.Len(t, code, identity.CodeLength)
		for i := range len(code) {
			require.True(t, code[i] >= '0' && code[i] <= '9', "code %q", code)
			perPosition[i][code[i]-'0']++
		}
		if code[0] == '0' {
			leadingZero++
		}
		if strings.HasPrefix(code, "00") {
			doubleZero++
		}
	}
	// Expected 10% and 1%; the bounds are more than 10 standard deviations wide.
	require.InDelta(t, draws/10, leadingZero, 1_500)
	require.InDelta(t, draws/100, doubleZero, 500)
	for pos, counts := range perPosition {
		for digit, n := range counts {
			require.InDelta(t, draws/10, n, 1_500, "position %d digit %d", pos, digit)
		}
	}
}

func TestGenerateCodeDeterministicPerSeed(t *testing.T) {
	t.Parallel()
	a, err := identity.GenerateCode(seeded(1))
	require.NoError(t, err)
	b, err := identity.GenerateCode(seeded(1))
	require.NoError(t, err)
	require.Equal(t, a, b)
}

// uint32s is a reader that yields the given 32-bit values big-endian, then EOF.
func uint32s(vs ...uint32) io.Reader {
	var b []byte
	for _, v := range vs {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	return strings.NewReader(string(b))
}

// constReader yields b forever.
type constReader byte

func (c constReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(c)
	}
	return len(p), nil
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("entropy exhausted") }

func TestGenerateCodeRejectionSampling(t *testing.T) {
	t.Parallel()
	const limit = 4_294_000_000 // the largest multiple of 10^6 below 2^32
	tests := []struct {
		name    string
		r       io.Reader
		want    string
		wantErr bool
	}{
		{name: "Zero", r: uint32s(0), want: "000000"},
		{name: "SmallValueKeepsLeadingZeros", r: uint32s(42), want: "000042"},
		{name: "Modulo", r: uint32s(3_123_456), want: "123456"},
		{name: "LastAccepted", r: uint32s(limit - 1), want: "999999"},
		{name: "LimitRejectedNextUsed", r: uint32s(limit, 7), want: "000007"},
		{name: "MaxRejectedNextUsed", r: uint32s(1<<32-1, 1<<32-1, 555_555), want: "555555"},
		{name: "ReaderFails", r: failingReader{}, wantErr: true},
		{name: "ShortRead", r: strings.NewReader("\x00\x01"), wantErr: true},
		{name: "AllRejectedEOF", r: uint32s(limit, limit), wantErr: true},
		{name: "AlwaysRejectedNoHang", r: constReader(0xff), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, err := identity.GenerateCode(tt.r)
			if tt.wantErr {
				require.Error(t, err)
				require.Empty(t, code)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, code)
		})
	}
}

func TestNewOTP(t *testing.T) {
	t.Parallel()
	keys := testKeys(t)
	tests := []struct {
		name      string
		phone     string
		purpose   identity.Purpose
		code      string
		keys      identity.CodeKeys
		ttl       time.Duration
		wantTTL   time.Duration
		wantErr   bool
		wantInput bool // the error matches core.ErrInvalidInput
	}{
		{name: "DefaultTTL", phone: testPhone, purpose: identity.PurposeLogin, code: "012345", keys: keys, wantTTL: 5 * time.Minute},
		{name: "ExplicitTTL", phone: testPhone, purpose: identity.PurposeLogin, code: "012345", keys: keys, ttl: 2 * time.Minute, wantTTL: 2 * time.Minute},
		{name: "MaxTTL", phone: testPhone, purpose: identity.PurposeLogin, code: "012345", keys: keys, ttl: 10 * time.Minute, wantTTL: 10 * time.Minute},
		{name: "LocalPhoneForm", phone: "0912 123 4567", purpose: identity.PurposeRegistration, code: "999999", keys: keys, wantTTL: 5 * time.Minute},
		{name: "TTLTooLong", phone: testPhone, purpose: identity.PurposeLogin, code: "012345", keys: keys, ttl: 10*time.Minute + time.Nanosecond, wantErr: true},
		{name: "NegativeTTL", phone: testPhone, purpose: identity.PurposeLogin, code: "012345", keys: keys, ttl: -time.Second, wantErr: true},
		{name: "InvalidPhone", phone: "02112345678", purpose: identity.PurposeLogin, code: "012345", keys: keys, wantErr: true, wantInput: true},
		{name: "ZeroPurpose", phone: testPhone, code: "012345", keys: keys, wantErr: true},
		{name: "CodeTooShort", phone: testPhone, purpose: identity.PurposeLogin, code: "12345", keys: keys, wantErr: true},
		{name: "CodeTooLong", phone: testPhone, purpose: identity.PurposeLogin, code: "1234567", keys: keys, wantErr: true},
		{name: "CodeNotDigits", phone: testPhone, purpose: identity.PurposeLogin, code: "12a456", keys: keys, wantErr: true},
		{name: "CodePersianDigits", phone: testPhone, purpose: identity.PurposeLogin, code: "۱۲۳۴۵۶", keys: keys, wantErr: true},
		{name: "ZeroKeys", phone: testPhone, purpose: identity.PurposeLogin, code: "012345", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o, err := identity.NewOTP(tt.phone, tt.purpose, tt.code, tt.keys, t0, tt.ttl)
			if tt.wantErr {
				require.Error(t, err)
				require.Equal(t, tt.wantInput, errors.Is(err, core.ErrInvalidInput))
				require.Nil(t, o)
				return
			}
			require.NoError(t, err)
			require.Equal(t, testPhone, o.Phone())
			require.Equal(t, tt.purpose, o.Purpose())
			require.Equal(t, "k1", o.KeyID())
			require.Equal(t, identity.CodeMAC(testKey("k1", 1).Secret, testPhone, tt.purpose, tt.code), o.MAC())
			require.Equal(t, t0, o.CreatedAt())
			require.Equal(t, t0.Add(tt.wantTTL), o.ExpiresAt())
			require.Zero(t, o.Attempts())
			require.Equal(t, identity.MaxOTPAttempts, o.MaxAttempts())
			require.True(t, o.ID().IsZero())
			require.False(t, o.Consumed())
			require.False(t, o.Voided())
			require.True(t, o.Usable(t0))
			require.NotContains(t, string(o.MAC()), tt.code)
		})
	}
}

func TestOTPVerifyRightCodeIsSingleUse(t *testing.T) {
	t.Parallel()
	keys := testKeys(t)
	o := newTestOTP(t, "048213", keys)
	at := t0.Add(time.Minute)

	require.NoError(t, o.Verify("048213", keys, at))
	require.True(t, o.Consumed())
	require.Equal(t, at, o.ConsumedAt())
	require.Equal(t, 1, o.Attempts())
	require.False(t, o.Usable(at))

	require.ErrorIs(t, o.Verify("048213", keys, at.Add(time.Second)), core.ErrOTPInvalid)
	require.Equal(t, at, o.ConsumedAt(), "the first use stands")
	require.Equal(t, 1, o.Attempts(), "a used code counts no attempts")
}

func TestOTPVerifyNormalisesDigits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		input string
	}{
		{name: "PersianDigits", input: "۰۴۸۲۱۳"},
		{name: "ArabicIndicDigits", input: "٠٤٨٢١٣"},
		{name: "SpacesInside", input: "048 213"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			keys := testKeys(t)
			o := newTestOTP(t, "048213", keys)
			require.NoError(t, o.Verify(tt.input, keys, t0))
		})
	}
}

func TestOTPVerifyExpiry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		at      time.Time
		wantErr error
	}{
		{name: "AtIssue", at: t0},
		{name: "JustBeforeExpiry", at: t0.Add(5*time.Minute - time.Nanosecond)},
		{name: "AtExpiry", at: t0.Add(5 * time.Minute), wantErr: core.ErrOTPExpired},
		{name: "AfterExpiry", at: t0.Add(time.Hour), wantErr: core.ErrOTPExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			keys := testKeys(t)
			o := newTestOTP(t, "555123", keys)
			err := o.Verify("555123", keys, tt.at)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				require.Zero(t, o.Attempts(), "an expired code counts no attempts")
				require.False(t, o.Consumed())
				return
			}
			require.NoError(t, err)
		})
	}
}

func TestOTPVerifyCountsAttemptBeforeCompare(t *testing.T) {
	t.Parallel()
	keys := testKeys(t)
	o := newTestOTP(t, "111222", keys)

	require.ErrorIs(t, o.Verify("111223", keys, t0), core.ErrOTPInvalid)
	require.Equal(t, 1, o.Attempts(), "a wrong code is counted")
	require.False(t, o.Consumed())

	require.ErrorIs(t, o.Verify("", keys, t0), core.ErrOTPInvalid)
	require.Equal(t, 2, o.Attempts(), "a malformed code is counted too")

	require.NoError(t, o.Verify("111222", keys, t0))
	require.Equal(t, 3, o.Attempts(), "the right code is counted before it is accepted")
}

func TestOTPFifthWrongAttemptKillsCode(t *testing.T) {
	t.Parallel()
	keys := testKeys(t)
	o := newTestOTP(t, "314159", keys)
	for i := 1; i <= identity.MaxOTPAttempts; i++ {
		require.ErrorIs(t, o.Verify("000000", keys, t0), core.ErrOTPInvalid, "attempt %d", i)
		require.Equal(t, i, o.Attempts())
	}
	require.False(t, o.Usable(t0))

	err := o.Verify("314159", keys, t0)
	require.ErrorIs(t, err, core.ErrOTPAttemptsExceeded, "the right code no longer helps")
	require.Equal(t, identity.MaxOTPAttempts, o.Attempts(), "a dead code counts no more attempts")
	require.False(t, o.Consumed())
}

func TestOTPFourWrongThenRight(t *testing.T) {
	t.Parallel()
	keys := testKeys(t)
	o := newTestOTP(t, "271828", keys)
	for range identity.MaxOTPAttempts - 1 {
		require.ErrorIs(t, o.Verify("271829", keys, t0), core.ErrOTPInvalid)
	}
	require.NoError(t, o.Verify("271828", keys, t0))
	require.Equal(t, identity.MaxOTPAttempts, o.Attempts())
}

func TestOTPNewCodeVoidsOld(t *testing.T) {
	t.Parallel()
	keys := testKeys(t)
	old := newTestOTP(t, "123123", keys)
	resentAt := t0.Add(time.Minute)
	fresh, err := identity.NewOTP(testPhone, identity.PurposeLogin, "456456", keys, resentAt, 0)
	require.NoError(t, err)

	old.Void(resentAt)
	require.True(t, old.Voided())
	require.Equal(t, resentAt, old.VoidedAt())
	require.False(t, old.Usable(resentAt))
	require.ErrorIs(t, old.Verify("123123", keys, resentAt), core.ErrOTPInvalid)
	require.Zero(t, old.Attempts(), "a voided code counts no attempts")

	old.Void(resentAt.Add(time.Minute))
	require.Equal(t, resentAt, old.VoidedAt(), "voiding again keeps the first time")

	require.NoError(t, fresh.Verify("456456", keys, resentAt.Add(time.Second)))
}

func TestOTPVoidAfterConsumeChangesNothing(t *testing.T) {
	t.Parallel()
	keys := testKeys(t)
	o := newTestOTP(t, "123123", keys)
	require.NoError(t, o.Verify("123123", keys, t0))
	o.Void(t0.Add(time.Second))
	require.False(t, o.Voided())
	require.True(t, o.Consumed())
}

func TestOTPVerifyRuleOrder(t *testing.T) {
	t.Parallel()
	keys := testKeys(t)
	base := newTestOTP(t, "606060", keys).Record()
	expired := t0.Add(time.Hour)
	tests := []struct {
		name    string
		mutate  func(*identity.OTPRecord)
		at      time.Time
		wantErr error
	}{
		{name: "ConsumedBeatsExpired", mutate: func(r *identity.OTPRecord) { r.ConsumedAt = t0 }, at: expired, wantErr: core.ErrOTPInvalid},
		{name: "VoidedBeatsExpired", mutate: func(r *identity.OTPRecord) { r.VoidedAt = t0 }, at: expired, wantErr: core.ErrOTPInvalid},
		{name: "VoidedBeatsAttempts", mutate: func(r *identity.OTPRecord) { r.VoidedAt = t0; r.Attempts = 5 }, at: t0, wantErr: core.ErrOTPInvalid},
		{name: "ExpiredBeatsAttempts", mutate: func(r *identity.OTPRecord) { r.Attempts = 5 }, at: expired, wantErr: core.ErrOTPExpired},
		{name: "AttemptsExceeded", mutate: func(r *identity.OTPRecord) { r.Attempts = 5 }, at: t0, wantErr: core.ErrOTPAttemptsExceeded},
		{name: "StoredMaxAttempts", mutate: func(r *identity.OTPRecord) { r.Attempts = 2; r.MaxAttempts = 2 }, at: t0, wantErr: core.ErrOTPAttemptsExceeded},
		{name: "ZeroMaxAttemptsReadsAsFive", mutate: func(r *identity.OTPRecord) { r.Attempts = 4; r.MaxAttempts = 0 }, at: t0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := base
			rec.MAC = append([]byte(nil), base.MAC...)
			tt.mutate(&rec)
			o := identity.RehydrateOTP(rec)
			err := o.Verify("606060", keys, tt.at)
			if tt.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			require.Equal(t, rec.Attempts, o.Attempts(), "a refused check counts no attempt")
		})
	}
}

func TestOTPBoundToPhoneAndPurpose(t *testing.T) {
	t.Parallel()
	keys := testKeys(t)
	base := newTestOTP(t, "777000", keys).Record()
	tests := []struct {
		name   string
		mutate func(*identity.OTPRecord)
	}{
		{name: "OtherPurpose", mutate: func(r *identity.OTPRecord) { r.Purpose = identity.PurposePasswordReset }},
		{name: "OtherPhone", mutate: func(r *identity.OTPRecord) { r.Phone = "+989121234568" }},
		{name: "TamperedMAC", mutate: func(r *identity.OTPRecord) { r.MAC[0] ^= 1 }},
		{name: "TruncatedMAC", mutate: func(r *identity.OTPRecord) { r.MAC = r.MAC[:16] }},
		{name: "NoMAC", mutate: func(r *identity.OTPRecord) { r.MAC = nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := base
			rec.MAC = append([]byte(nil), base.MAC...)
			tt.mutate(&rec)
			o := identity.RehydrateOTP(rec)
			require.ErrorIs(t, o.Verify("777000", keys, t0), core.ErrOTPInvalid)
			require.Equal(t, 1, o.Attempts())
		})
	}
}

func TestOTPKeyRotation(t *testing.T) {
	t.Parallel()
	oldKeys, err := identity.NewCodeKeys(testKey("2024-a", 1))
	require.NoError(t, err)
	rotated, err := identity.NewCodeKeys(testKey("2025-a", 2), testKey("2024-a", 1))
	require.NoError(t, err)
	onlyNew, err := identity.NewCodeKeys(testKey("2025-a", 2))
	require.NoError(t, err)

	t.Run("OldKeyStillVerifies", func(t *testing.T) {
		t.Parallel()
		o, err := identity.NewOTP(testPhone, identity.PurposeLogin, "246810", oldKeys, t0, 0)
		require.NoError(t, err)
		require.Equal(t, "2024-a", o.KeyID())
		require.NoError(t, o.Verify("246810", rotated, t0))
	})
	t.Run("NewCodesUseCurrentKey", func(t *testing.T) {
		t.Parallel()
		o, err := identity.NewOTP(testPhone, identity.PurposeLogin, "246810", rotated, t0, 0)
		require.NoError(t, err)
		require.Equal(t, "2025-a", o.KeyID())
		require.Equal(t, "2025-a", rotated.CurrentID())
		require.NoError(t, o.Verify("246810", onlyNew, t0))
	})
	t.Run("RetiredKeyFails", func(t *testing.T) {
		t.Parallel()
		o, err := identity.NewOTP(testPhone, identity.PurposeLogin, "246810", oldKeys, t0, 0)
		require.NoError(t, err)
		require.ErrorIs(t, o.Verify("246810", onlyNew, t0), core.ErrOTPInvalid)
		require.Equal(t, 1, o.Attempts())
	})
	t.Run("UnknownKeyIDFails", func(t *testing.T) {
		t.Parallel()
		rec := newTestOTP(t, "246810", rotated).Record()
		rec.KeyID = "nope"
		require.ErrorIs(t, identity.RehydrateOTP(rec).Verify("246810", rotated, t0), core.ErrOTPInvalid)
	})
	t.Run("SameIDOtherSecretFails", func(t *testing.T) {
		t.Parallel()
		swapped, err := identity.NewCodeKeys(testKey("2024-a", 3))
		require.NoError(t, err)
		o, err := identity.NewOTP(testPhone, identity.PurposeLogin, "246810", oldKeys, t0, 0)
		require.NoError(t, err)
		require.ErrorIs(t, o.Verify("246810", swapped, t0), core.ErrOTPInvalid)
	})
}

func TestCodeKeysVerify(t *testing.T) {
	t.Parallel()
	keys, err := identity.NewCodeKeys(testKey("cur", 9), testKey("old", 8))
	require.NoError(t, err)
	mac := identity.CodeMAC(testKey("old", 8).Secret, testPhone, identity.PurposeLogin, "123456")
	require.True(t, keys.Verify("old", testPhone, identity.PurposeLogin, "123456", mac))
	require.False(t, keys.Verify("cur", testPhone, identity.PurposeLogin, "123456", mac))
	require.False(t, keys.Verify("", testPhone, identity.PurposeLogin, "123456", mac))
	require.False(t, keys.Verify("old", testPhone, identity.PurposeLogin, "123457", mac))
	require.False(t, identity.CodeKeys{}.Verify("old", testPhone, identity.PurposeLogin, "123456", mac))
}

func TestNewCodeKeys(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		current identity.CodeKey
		older   []identity.CodeKey
		ok      bool
	}{
		{name: "OneKey", current: testKey("k1", 1), ok: true},
		{name: "WithOlder", current: testKey("k2", 2), older: []identity.CodeKey{testKey("k1", 1), testKey("k0", 0)}, ok: true},
		{name: "AllowedPunctuation", current: testKey("2025.03_a-b", 1), ok: true},
		{name: "LongestID", current: testKey(strings.Repeat("k", 32), 1), ok: true},
		{name: "LongSecret", current: identity.CodeKey{ID: "k", Secret: make([]byte, 64)}, ok: true},
		{name: "EmptyID", current: testKey("", 1)},
		{name: "IDTooLong", current: testKey(strings.Repeat("k", 33), 1)},
		{name: "IDWithSpace", current: testKey("k 1", 1)},
		{name: "IDWithColon", current: testKey("k:1", 1)},
		{name: "IDNonASCII", current: testKey("کلید", 1)},
		{name: "ShortSecret", current: identity.CodeKey{ID: "k", Secret: make([]byte, 31)}},
		{name: "NoSecret", current: identity.CodeKey{ID: "k"}},
		{name: "BadOlderKey", current: testKey("k2", 2), older: []identity.CodeKey{{ID: "k1", Secret: []byte("short")}}},
		{name: "DuplicateID", current: testKey("k1", 2), older: []identity.CodeKey{testKey("k1", 1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			keys, err := identity.NewCodeKeys(tt.current, tt.older...)
			if !tt.ok {
				require.Error(t, err)
				require.True(t, keys.IsZero())
				return
			}
			require.NoError(t, err)
			require.False(t, keys.IsZero())
			require.Equal(t, tt.current.ID, keys.CurrentID())
		})
	}
}

func TestNewCodeKeysCopiesSecrets(t *testing.T) {
	t.Parallel()
	k := testKey("k1", 1)
	keys, err := identity.NewCodeKeys(k)
	require.NoError(t, err)
	o := newTestOTP(t, "135790", keys)
	k.Secret[0] = 0xaa
	require.NoError(t, o.Verify("135790", keys, t0))
}

func TestCodeMAC(t *testing.T) {
	t.Parallel()
	key := testKey("k", 1).Secret
	base := identity.CodeMAC(key, testPhone, identity.PurposeLogin, "123456")
	require.Len(t, base, 32)
	require.Equal(t, base, identity.CodeMAC(key, testPhone, identity.PurposeLogin, "123456"))

	tests := []struct {
		name string
		mac  []byte
	}{
		{name: "OtherKey", mac: identity.CodeMAC(testKey("k", 2).Secret, testPhone, identity.PurposeLogin, "123456")},
		{name: "OtherPhone", mac: identity.CodeMAC(key, "+989121234568", identity.PurposeLogin, "123456")},
		{name: "OtherPurpose", mac: identity.CodeMAC(key, testPhone, identity.PurposeRegistration, "123456")},
		{name: "OtherCode", mac: identity.CodeMAC(key, testPhone, identity.PurposeLogin, "123457")},
		// Moving characters across a field boundary changes the message: fields are
		// length-prefixed, not just concatenated.
		{name: "PhoneCodeBoundary", mac: identity.CodeMAC(key, testPhone+"1", identity.PurposeLogin, "23456")},
		{name: "CodeIntoPhone", mac: identity.CodeMAC(key, "+98912123456", identity.PurposeLogin, "7123456")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Len(t, tt.mac, 32)
			require.NotEqual(t, base, tt.mac)
		})
	}
}

func TestOTPRecordRoundTrip(t *testing.T) {
	t.Parallel()
	keys := testKeys(t)
	o := newTestOTP(t, "808080", keys)
	require.ErrorIs(t, o.Verify("808081", keys, t0), core.ErrOTPInvalid)
	rec := o.Record()
	rec.ID = 42
	back := identity.RehydrateOTP(rec)
	require.Equal(t, identity.OTPID(42), back.ID())
	require.Equal(t, "42", back.ID().String())
	require.Equal(t, rec, back.Record())
	require.Equal(t, 1, back.Attempts())

	rec.MAC[0] ^= 0xff
	require.NotEqual(t, rec.MAC, back.MAC(), "RehydrateOTP copies the MAC")
	m := back.MAC()
	m[0] ^= 0xff
	require.NotEqual(t, m, back.MAC(), "MAC returns a copy")
	require.NoError(t, back.Verify("808080", keys, t0))
}

func TestOTPPolicyValidate(t *testing.T) {
	t.Parallel()
	require.NoError(t, identity.DefaultOTPPolicy().Validate())
	def := identity.DefaultOTPPolicy()
	require.Equal(t, 5*time.Minute, def.TTL)
	require.Equal(t, 5, def.MaxAttempts)
	require.Equal(t, 60*time.Second, def.ResendInterval)
	require.Equal(t, 5, def.MaxPerHour)
	require.Equal(t, 10, def.MaxPerDay)
	require.Equal(t, 20, def.MaxPerIPPerHour)
	require.Equal(t, 20, def.MaxFailedPerPhonePerHour)

	tests := []struct {
		name   string
		mutate func(*identity.OTPPolicy)
		ok     bool
	}{
		{name: "MaxTTL", mutate: func(p *identity.OTPPolicy) { p.TTL = 10 * time.Minute }, ok: true},
		{name: "NoResendWait", mutate: func(p *identity.OTPPolicy) { p.ResendInterval = 0 }, ok: true},
		{name: "OneAttempt", mutate: func(p *identity.OTPPolicy) { p.MaxAttempts = 1 }, ok: true},
		{name: "TTLTooLong", mutate: func(p *identity.OTPPolicy) { p.TTL = 10*time.Minute + time.Second }},
		{name: "ZeroTTL", mutate: func(p *identity.OTPPolicy) { p.TTL = 0 }},
		{name: "NegativeTTL", mutate: func(p *identity.OTPPolicy) { p.TTL = -time.Minute }},
		{name: "ZeroAttempts", mutate: func(p *identity.OTPPolicy) { p.MaxAttempts = 0 }},
		{name: "TooManyAttempts", mutate: func(p *identity.OTPPolicy) { p.MaxAttempts = 6 }},
		{name: "NegativeResend", mutate: func(p *identity.OTPPolicy) { p.ResendInterval = -time.Second }},
		{name: "ResendLongerThanTTL", mutate: func(p *identity.OTPPolicy) { p.ResendInterval = 6 * time.Minute }},
		{name: "ZeroPerHour", mutate: func(p *identity.OTPPolicy) { p.MaxPerHour = 0 }},
		{name: "DayBelowHour", mutate: func(p *identity.OTPPolicy) { p.MaxPerDay = 4 }},
		{name: "ZeroPerIP", mutate: func(p *identity.OTPPolicy) { p.MaxPerIPPerHour = 0 }},
		{name: "ZeroFailed", mutate: func(p *identity.OTPPolicy) { p.MaxFailedPerPhonePerHour = 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := identity.DefaultOTPPolicy()
			tt.mutate(&p)
			if tt.ok {
				require.NoError(t, p.Validate())
				return
			}
			require.Error(t, p.Validate())
		})
	}
}

func TestOTPPolicyValidateReportsEveryField(t *testing.T) {
	t.Parallel()
	err := identity.OTPPolicy{}.Validate()
	require.Error(t, err)
	for _, part := range []string{"ttl", "max attempts", "max per hour", "max per ip per hour", "max failed"} {
		require.Contains(t, err.Error(), part)
	}
}

func TestOTPPolicyNewOTP(t *testing.T) {
	t.Parallel()
	keys := testKeys(t)
	p := identity.DefaultOTPPolicy()
	p.TTL = 2 * time.Minute
	p.MaxAttempts = 3
	o, err := p.NewOTP(testPhone, identity.PurposeWithdrawal, "112358", keys, t0)
	require.NoError(t, err)
	require.Equal(t, t0.Add(2*time.Minute), o.ExpiresAt())
	require.Equal(t, 3, o.MaxAttempts())
	for range 3 {
		require.ErrorIs(t, o.Verify("000000", keys, t0), core.ErrOTPInvalid)
	}
	require.ErrorIs(t, o.Verify("112358", keys, t0), core.ErrOTPAttemptsExceeded)

	p.TTL = time.Hour
	_, err = p.NewOTP(testPhone, identity.PurposeWithdrawal, "112358", keys, t0)
	require.Error(t, err)
}

func FuzzVerifyOTP(f *testing.F) {
	f.Add(uint64(0), "000000")
	f.Add(uint64(0), "535694") // the code seed 0 draws
	f.Add(uint64(0), "۵۳۵۶۹۴")
	f.Add(uint64(1), "123456")
	f.Add(uint64(2), "۱۲۳۴۵۶")
	f.Add(uint64(3), "")
	f.Add(uint64(4), "12345\x00")
	f.Add(uint64(5), "1234567")
	f.Add(uint64(6), " 1 2 3 4 5 6 ")
	f.Fuzz(func(t *testing.T, seed uint64, guess string) {
		t.Parallel()
		var s [32]byte
		binary.LittleEndian.PutUint64(s[:], seed)
		code, err := identity.GenerateCode(newChaCha(s))
		require.NoError(t, err)
		keys := testKeys(t)
		o, err := identity.NewOTP(testPhone, identity.PurposeLogin, code, keys, t0, 0)
		require.NoError(t, err)

		err = o.Verify(guess, keys, t0)
		require.Equal(t, 1, o.Attempts())
		if core.NormalizeDigits(guess) == code {
			require.NoError(t, err)
			require.True(t, o.Consumed())
			require.ErrorIs(t, o.Verify(guess, keys, t0), core.ErrOTPInvalid)
			return
		}
		require.ErrorIs(t, err, core.ErrOTPInvalid)
		require.False(t, o.Consumed())
		// The same wrong guess never turns right, and the right code still works.
		require.ErrorIs(t, o.Verify(guess, keys, t0), core.ErrOTPInvalid)
		require.NoError(t, o.Verify(code, keys, t0))
	})
}
