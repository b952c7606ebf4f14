package core_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
)

func TestParseUserID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want core.UserID
		ok   bool
	}{
		{"Plain", "42", 42, true},
		{"PersianDigits", "۴۲", 42, true},
		{"Zero", "0", 0, false},
		{"Negative", "-1", 0, false},
		{"Letters", "x1", 0, false},
		{"Empty", "", 0, false},
		{"Overflow", "9223372036854775808", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := core.ParseUserID(tt.in)
			if !tt.ok {
				require.ErrorIs(t, err, core.ErrInvalidInput)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
			require.Equal(t, tt.in == "42", got.String() == tt.in)
			require.False(t, got.IsZero())
		})
	}
}
