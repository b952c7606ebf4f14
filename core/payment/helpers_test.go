package payment_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
)

// t0 is the fixed "now" of the tests (core never reads the clock); later is when a
// transition happens.
var (
	t0    = time.Date(2025, time.March, 1, 10, 0, 0, 0, time.UTC)
	later = t0.Add(time.Minute)
)

const (
	testUser    core.UserID = 42
	staffUser   core.UserID = 7
	testGateway             = "zarinpal"
	testNumber              = "TXN20250301100000ABC123"
)

// requireInvalidState asserts that err is exactly the refusal of action on object in state.
func requireInvalidState(t *testing.T, err error, object, state, action string) {
	t.Helper()
	require.ErrorIs(t, err, core.ErrInvalidState)
	var se *core.InvalidStateError
	require.ErrorAs(t, err, &se)
	require.Equal(t, &core.InvalidStateError{Object: object, State: state, Action: action}, se)
}

// requireLimit asserts that err is exactly the breach of limit (bound) by actual.
func requireLimit(t *testing.T, err error, limit string, bound, actual int64) {
	t.Helper()
	require.ErrorIs(t, err, core.ErrLimitExceeded)
	var le *core.LimitExceededError
	require.ErrorAs(t, err, &le)
	require.Equal(t, &core.LimitExceededError{Limit: limit, Bound: bound, Actual: actual}, le)
}

// requireCut asserts that got is in, trimmed and cut to at most n bytes at a character
// boundary: valid UTF-8, a prefix of the trimmed input, and no more than one character
// shorter than the limit when the input was longer.
func requireCut(t *testing.T, in string, n int, got string) {
	t.Helper()
	trimmed := strings.TrimSpace(in)
	require.LessOrEqual(t, len(got), n)
	require.True(t, utf8.ValidString(got), "cut must keep valid UTF-8: %q", got)
	require.True(t, strings.HasPrefix(trimmed, got), "cut must keep a prefix of the trimmed text")
	if len(trimmed) <= n {
		require.Equal(t, trimmed, got)
		return
	}
	require.Greater(t, len(got), n-utf8.UTFMax, "cut removes at most one character past the limit")
}
