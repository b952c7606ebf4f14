package trading

import (
	"errors"
	"fmt"
	"io"
	"time"
)

// Order numbers (API.md §2): "TXN", the creation time in Asia/Tehran as YYYYMMDDHHMMSS, and
// six random characters from [A-Z0-9], e.g. "TXN20250301133000K7Q2ZD". Unique in storage; a
// store that meets a duplicate draws again.
const (
	orderNumberPrefix  = "TXN"
	orderNumberLayout  = "20060102150405"
	orderNumberRandLen = 6
	orderNumberLen     = len(orderNumberPrefix) + len(orderNumberLayout) + orderNumberRandLen
	orderNumberSymbols = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
)

// orderNumberDrawLimit is the largest multiple of 36 that fits a byte: bytes at or above it
// are rejected, so every symbol is equally likely (no modulo bias).
const orderNumberDrawLimit = 256 / len(orderNumberSymbols) * len(orderNumberSymbols)

// maxOrderNumberReads bounds the reads of [NewOrderNumber]: a read of 16 bytes rejects each
// byte with probability 4/256, so a working CSPRNG never gets near it; a broken reader gets
// an error instead of a hang.
const maxOrderNumberReads = 8

// tehranOffset is Iran Standard Time, +03:30; Iran has not observed daylight saving time
// since 2022.
const tehranOffset = 3*60*60 + 30*60

// tehran is the zone of order numbers: Asia/Tehran from the zone database (right for
// historical daylight-saving offsets too), or a fixed +03:30 when the database is missing.
// Binaries that must not depend on the host's zone files import time/tzdata.
var tehran = loadTehran(time.LoadLocation)

// loadTehran returns Asia/Tehran as load finds it, or the fixed +03:30 zone.
func loadTehran(load func(name string) (*time.Location, error)) *time.Location {
	if loc, err := load("Asia/Tehran"); err == nil {
		return loc
	}
	return time.FixedZone("+0330", tehranOffset)
}

// NewOrderNumber returns a new order number for an order created at now, with its random
// part drawn from r (a CSPRNG, crypto/rand.Reader in production) without modulo bias. It
// fails only when r fails or keeps yielding rejected bytes.
func NewOrderNumber(now time.Time, r io.Reader) (string, error) {
	b := make([]byte, 0, orderNumberLen)
	b = append(b, orderNumberPrefix...)
	b = now.In(tehran).AppendFormat(b, orderNumberLayout)
	var buf [16]byte
	for range maxOrderNumberReads {
		if _, err := io.ReadFull(r, buf[:]); err != nil {
			return "", fmt.Errorf("generate order number: %w", err)
		}
		for _, v := range buf {
			if int(v) >= orderNumberDrawLimit {
				continue
			}
			b = append(b, orderNumberSymbols[int(v)%len(orderNumberSymbols)])
			if len(b) == orderNumberLen {
				return string(b), nil
			}
		}
	}
	return "", errors.New("generate order number: random source keeps yielding rejected values")
}

// validOrderNumber reports whether s has the shape of an order number.
func validOrderNumber(s string) bool {
	if len(s) != orderNumberLen || s[:len(orderNumberPrefix)] != orderNumberPrefix {
		return false
	}
	stamp := s[len(orderNumberPrefix) : len(orderNumberPrefix)+len(orderNumberLayout)]
	if _, err := time.Parse(orderNumberLayout, stamp); err != nil {
		return false
	}
	for _, c := range []byte(s[len(s)-orderNumberRandLen:]) {
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}
