package identity

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
)

// CodeLength is the number of decimal digits in a one-time code.
const CodeLength = 6

// Purpose says what a one-time code proves. A code is bound to its phone and purpose: a
// login code never verifies a password reset. The zero value is not a purpose; use the
// declared values or [ParsePurpose].
type Purpose struct{ name string }

// The purposes a code is sent for. The first four are the `otp_type` values of API.md §3.1;
// the last two confirm money-moving actions.
var (
	// PurposeRegistration confirms the phone of a new account.
	PurposeRegistration = Purpose{"registration"}
	// PurposeLogin signs a user in by code.
	PurposeLogin = Purpose{"login"}
	// PurposePasswordReset proves the phone before a new password is set.
	PurposePasswordReset = Purpose{"password_reset"}
	// PurposePhoneVerification confirms the phone of an existing account.
	PurposePhoneVerification = Purpose{"phone_verification"}
	// PurposeWithdrawal confirms a withdrawal request.
	PurposeWithdrawal = Purpose{"withdrawal"}
	// PurposeBankAccount confirms adding a bank account.
	PurposeBankAccount = Purpose{"bank_account"}
	// PurposeAccountDeletion confirms deleting one's account.
	PurposeAccountDeletion = Purpose{"account_deletion"}
)

var purposes = []Purpose{
	PurposeRegistration, PurposeLogin, PurposePasswordReset, PurposePhoneVerification,
	PurposeWithdrawal, PurposeBankAccount, PurposeAccountDeletion,
}

// Purposes returns every purpose, in declaration order.
func Purposes() []Purpose { return append([]Purpose(nil), purposes...) }

// ParsePurpose returns the purpose named s (for example "password_reset"). An unknown name
// returns an error wrapping [core.ErrInvalidInput].
func ParsePurpose(s string) (Purpose, error) {
	for _, p := range purposes {
		if p.name == s {
			return p, nil
		}
	}
	return Purpose{}, fmt.Errorf("%w: unknown otp purpose %q", core.ErrInvalidInput, s)
}

// String returns the purpose's stable name, e.g. "login", or "" for the zero value.
func (p Purpose) String() string { return p.name }

// IsZero reports whether the purpose is unset.
func (p Purpose) IsZero() bool { return p.name == "" }

// maxCodeDraws bounds the rejection sampling of [GenerateCode]. A draw is rejected with
// probability 967,296/2^32 (about 0.02%), so a working CSPRNG never gets near the bound; a
// broken reader that keeps returning the same high bytes gets an error instead of a hang.
const maxCodeDraws = 32

// codeSpace is the number of distinct codes, 10^CodeLength.
const codeSpace = 1_000_000

// codeDrawLimit is the largest multiple of codeSpace that fits in 32 bits: draws at or above
// it are rejected, so every code is equally likely (no modulo bias).
const codeDrawLimit = (1 << 32) / codeSpace * codeSpace

// GenerateCode returns a one-time code of [CodeLength] uniformly random decimal digits
// (leading zeros included) read from r, which must be a CSPRNG (crypto/rand.Reader in
// production). It draws 32-bit values and rejects those at or above the largest multiple of
// 10^6, so there is no modulo bias. It fails only when r fails or keeps yielding rejected
// values.
func GenerateCode(r io.Reader) (string, error) {
	var buf [4]byte
	for range maxCodeDraws {
		if _, err := io.ReadFull(r, buf[:]); err != nil {
			return "", fmt.Errorf("generate otp code: %w", err)
		}
		v := binary.BigEndian.Uint32(buf[:])
		if v >= codeDrawLimit {
			continue
		}
		s := strconv.FormatUint(uint64(v%codeSpace), 10)
		for len(s) < CodeLength {
			s = "0" + s
		}
		return s, nil
	}
	return "", errors.New("generate otp code: random source keeps yielding rejected values")
}

// isCode reports whether s is exactly [CodeLength] ASCII digits.
func isCode(s string) bool {
	if len(s) != CodeLength {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// OTPID identifies a stored one-time code. The store assigns it; it is never shown to
// clients.
type OTPID int64

// IsZero reports whether the id is unset (the code is not stored yet).
func (id OTPID) IsZero() bool { return id == 0 }

// String returns the decimal form of the id.
func (id OTPID) String() string { return strconv.FormatInt(int64(id), 10) }

// OTP is one code sent to one phone for one [Purpose]. Only the code's MAC is kept (see
// [CodeMAC]); the code itself is never stored. Build new codes with [NewOTP] or
// [OTPPolicy.NewOTP]; stores rebuild them with [RehydrateOTP]. The rules of API.md §3.1 are
// methods: [OTP.Verify] (single use, expiry, attempt cap) and [OTP.Void] (a new send voids
// older codes).
type OTP struct {
	id          OTPID
	phone       string
	purpose     Purpose
	keyID       string
	mac         []byte
	createdAt   time.Time
	expiresAt   time.Time
	attempts    int
	maxAttempts int
	consumedAt  time.Time
	voidedAt    time.Time
}

// NewOTP returns a code not yet stored, for phone (any form [iran.ParseMobile] accepts; it
// is kept in E.164 form) and purpose, MACed with the current key of keys. The code itself
// must be [CodeLength] ASCII digits, normally from [GenerateCode]. It expires ttl after now;
// a zero ttl means [DefaultOTPTTL], and a ttl below zero or above [MaxOTPTTL] is an error.
// The code allows [MaxOTPAttempts] verification attempts.
func NewOTP(phone string, purpose Purpose, code string, keys CodeKeys, now time.Time, ttl time.Duration) (*OTP, error) {
	return newOTP(phone, purpose, code, keys, now, ttl, MaxOTPAttempts)
}

func newOTP(phone string, purpose Purpose, code string, keys CodeKeys, now time.Time, ttl time.Duration, maxAttempts int) (*OTP, error) {
	if ttl == 0 {
		ttl = DefaultOTPTTL
	}
	if ttl < 0 || ttl > MaxOTPTTL {
		return nil, fmt.Errorf("otp ttl %s outside (0, %s]", ttl, MaxOTPTTL)
	}
	if maxAttempts < 1 || maxAttempts > MaxOTPAttempts {
		return nil, fmt.Errorf("otp max attempts %d outside [1, %d]", maxAttempts, MaxOTPAttempts)
	}
	m, err := iran.ParseMobile(phone)
	if err != nil {
		return nil, err
	}
	if purpose.IsZero() {
		return nil, errors.New("otp purpose is required")
	}
	if !isCode(code) {
		return nil, fmt.Errorf("otp code must be %d ascii digits", CodeLength)
	}
	if keys.IsZero() {
		return nil, errors.New("otp code keys are required")
	}
	keyID, mac := keys.sign(m.String(), purpose, code)
	return &OTP{
		phone:       m.String(),
		purpose:     purpose,
		keyID:       keyID,
		mac:         mac,
		createdAt:   now,
		expiresAt:   now.Add(ttl),
		maxAttempts: maxAttempts,
	}, nil
}

// OTPRecord is the stored form of an [OTP], for store adapters. Zero times mean "not
// happened"; a zero MaxAttempts reads as [MaxOTPAttempts].
type OTPRecord struct {
	ID          OTPID
	Phone       string
	Purpose     Purpose
	KeyID       string
	MAC         []byte
	CreatedAt   time.Time
	ExpiresAt   time.Time
	Attempts    int
	MaxAttempts int
	ConsumedAt  time.Time
	VoidedAt    time.Time
}

// RehydrateOTP rebuilds a stored code; only store adapters call it.
func RehydrateOTP(r OTPRecord) *OTP {
	maxAttempts := r.MaxAttempts
	if maxAttempts == 0 {
		maxAttempts = MaxOTPAttempts
	}
	return &OTP{
		id:          r.ID,
		phone:       r.Phone,
		purpose:     r.Purpose,
		keyID:       r.KeyID,
		mac:         append([]byte(nil), r.MAC...),
		createdAt:   r.CreatedAt,
		expiresAt:   r.ExpiresAt,
		attempts:    r.Attempts,
		maxAttempts: maxAttempts,
		consumedAt:  r.ConsumedAt,
		voidedAt:    r.VoidedAt,
	}
}

// Record returns the code's stored form.
func (o *OTP) Record() OTPRecord {
	return OTPRecord{
		ID:          o.id,
		Phone:       o.phone,
		Purpose:     o.purpose,
		KeyID:       o.keyID,
		MAC:         o.MAC(),
		CreatedAt:   o.createdAt,
		ExpiresAt:   o.expiresAt,
		Attempts:    o.attempts,
		MaxAttempts: o.maxAttempts,
		ConsumedAt:  o.consumedAt,
		VoidedAt:    o.voidedAt,
	}
}

// Verify checks code (after digit normalisation, so Persian digits work) against o at now.
// The rules apply in this order:
//
//  1. a consumed or voided code returns [core.ErrOTPInvalid];
//  2. at or after its expiry it returns [core.ErrOTPExpired];
//  3. when its attempts are used up it returns [core.ErrOTPAttemptsExceeded];
//  4. otherwise the attempt is counted first, then code is compared in constant time
//     (through [CodeKeys.Verify]): a wrong code returns [core.ErrOTPInvalid], and once the
//     last attempt is spent later calls return [core.ErrOTPAttemptsExceeded]; the right code
//     marks o consumed at now, so it verifies only once.
//
// The store must persist o after every call that returned nil, [core.ErrOTPInvalid] from
// step 4 or anything that changed [OTP.Attempts]: the counted attempt stands even when the
// code was wrong. It should consume with a conditional update (consumed_at IS NULL) so two
// racing requests cannot both succeed.
func (o *OTP) Verify(code string, keys CodeKeys, now time.Time) error {
	switch {
	case o.Consumed() || o.Voided():
		return core.ErrOTPInvalid
	case !now.Before(o.expiresAt):
		return core.ErrOTPExpired
	case o.attempts >= o.maxAttempts:
		return core.ErrOTPAttemptsExceeded
	}
	o.attempts++
	if !keys.Verify(o.keyID, o.phone, o.purpose, core.NormalizeDigits(code), o.mac) {
		return core.ErrOTPInvalid
	}
	o.consumedAt = now
	return nil
}

// Void retires o at now because a newer code was sent for the same phone and purpose; a
// voided code never verifies again. Voiding a consumed or already voided code changes
// nothing.
func (o *OTP) Void(now time.Time) {
	if o.Consumed() || o.Voided() {
		return
	}
	o.voidedAt = now
}

// Usable reports whether o could still verify at now: not consumed, not voided, not expired
// and with attempts left.
func (o *OTP) Usable(now time.Time) bool {
	return !o.Consumed() && !o.Voided() && now.Before(o.expiresAt) && o.attempts < o.maxAttempts
}

// ID returns the stored id, or zero before the code is stored.
func (o *OTP) ID() OTPID { return o.id }

// Phone returns the mobile number the code was sent to, in E.164 form.
func (o *OTP) Phone() string { return o.phone }

// Purpose returns what the code proves.
func (o *OTP) Purpose() Purpose { return o.purpose }

// KeyID returns the id of the [CodeKey] that MACed the code.
func (o *OTP) KeyID() string { return o.keyID }

// MAC returns a copy of the code's MAC (see [CodeMAC]).
func (o *OTP) MAC() []byte { return append([]byte(nil), o.mac...) }

// CreatedAt returns when the code was issued.
func (o *OTP) CreatedAt() time.Time { return o.createdAt }

// ExpiresAt returns the first instant at which the code is expired.
func (o *OTP) ExpiresAt() time.Time { return o.expiresAt }

// Attempts returns how many verification attempts were counted.
func (o *OTP) Attempts() int { return o.attempts }

// MaxAttempts returns how many verification attempts the code allows.
func (o *OTP) MaxAttempts() int { return o.maxAttempts }

// Consumed reports whether the code was verified (and so used up).
func (o *OTP) Consumed() bool { return !o.consumedAt.IsZero() }

// ConsumedAt returns when the code was verified, or the zero time.
func (o *OTP) ConsumedAt() time.Time { return o.consumedAt }

// Voided reports whether a newer code retired this one.
func (o *OTP) Voided() bool { return !o.voidedAt.IsZero() }

// VoidedAt returns when a newer code retired this one, or the zero time.
func (o *OTP) VoidedAt() time.Time { return o.voidedAt }
