package accounts

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"strconv"
	"strings"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
)

// resetTokenLabel separates reset token MACs from any other use of the same key.
const resetTokenLabel = "talabin/password-reset/v1"

// maxResetTokenLen is the longest token parsed, in bytes; ours are about 80.
const maxResetTokenLen = 256

// resetTokens issues and checks the password reset tokens that a verified password_reset
// code yields: stateless, "<base64url(phone.expiry)>.<base64url(mac)>", where the MAC
// (HMAC-SHA256 under [ServiceConfig.ResetTokenKey]) binds the phone, the expiry and the
// account's current password (its hash and change time), the way Django's
// PasswordResetTokenGenerator does. Setting a password changes both, so a token works once
// and dies with any password change, without a table of used tokens.
type resetTokens struct {
	key []byte
	ttl time.Duration
}

// issue returns a token for user valid from now for the configured TTL (to the second).
func (r resetTokens) issue(user identity.User, now time.Time) string {
	exp := now.Add(r.ttl).Unix()
	payload := user.Phone() + "." + strconv.FormatInt(exp, 10)
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." +
		base64.RawURLEncoding.EncodeToString(r.mac(user, exp))
}

// phone returns the phone a token names, without checking it, or [core.ErrOTPInvalid] when
// the token is malformed.
func (r resetTokens) phone(token string) (string, error) {
	phone, _, _, err := r.parse(token)
	return phone, err
}

// check returns nil when token was issued for user's current password and has not
// expired at now; else [core.ErrOTPInvalid] (forged, another phone, used, or the password
// changed since) or [core.ErrOTPExpired].
func (r resetTokens) check(token string, user identity.User, now time.Time) error {
	phone, exp, mac, err := r.parse(token)
	if err != nil {
		return err
	}
	if phone != user.Phone() || !hmac.Equal(mac, r.mac(user, exp)) {
		return core.ErrOTPInvalid
	}
	if !now.Before(time.Unix(exp, 0)) {
		return core.ErrOTPExpired
	}
	return nil
}

// parse splits token into its phone, expiry (Unix seconds) and MAC.
func (r resetTokens) parse(token string) (phone string, exp int64, mac []byte, err error) {
	if len(token) > maxResetTokenLen {
		return "", 0, nil, core.ErrOTPInvalid
	}
	enc, encMAC, ok := strings.Cut(token, ".")
	if !ok {
		return "", 0, nil, core.ErrOTPInvalid
	}
	payload, err1 := base64.RawURLEncoding.Strict().DecodeString(enc)
	mac, err2 := base64.RawURLEncoding.Strict().DecodeString(encMAC)
	if err1 != nil || err2 != nil || len(mac) != sha256.Size {
		return "", 0, nil, core.ErrOTPInvalid
	}
	phone, expText, ok := strings.Cut(string(payload), ".")
	if !ok {
		return "", 0, nil, core.ErrOTPInvalid
	}
	exp, err = strconv.ParseInt(expText, 10, 64)
	if err != nil {
		return "", 0, nil, core.ErrOTPInvalid
	}
	return phone, exp, mac, nil
}

// mac is the token MAC for user and expiry exp: a fixed label, then the phone, the expiry,
// the password change time in microseconds (what stores keep) and the password hash, each
// string prefixed with its length so no two inputs share a message.
func (r resetTokens) mac(user identity.User, exp int64) []byte {
	h := hmac.New(sha256.New, r.key)
	var buf []byte
	buf = append(buf, resetTokenLabel...)
	buf = binary.BigEndian.AppendUint32(buf, uint32(len(user.Phone())))
	buf = append(buf, user.Phone()...)
	buf = binary.BigEndian.AppendUint64(buf, uint64(exp))
	buf = binary.BigEndian.AppendUint64(buf, uint64(user.PasswordChangedAt().UnixMicro()))
	buf = binary.BigEndian.AppendUint32(buf, uint32(len(user.PasswordHash())))
	buf = append(buf, user.PasswordHash()...)
	h.Write(buf)
	return h.Sum(nil)
}
