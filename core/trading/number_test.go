package trading_test

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"testing"
	"testing/iotest"
	"time"
	_ "time/tzdata" // Asia/Tehran's history, whatever the host's zone files

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core/trading"
)

var orderNumberPattern = regexp.MustCompile(`^TXN[0-9]{14}[A-Z0-9]{6}$`)

func TestNewOrderNumberTehranTime(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name  string
		now   time.Time
		stamp string
	}{
		{name: "IranStandardTime", now: t0, stamp: "TXN20250301133000"},
		{name: "AcrossMidnight", now: time.Date(2025, time.March, 20, 21, 0, 59, 999, time.UTC), stamp: "TXN20250321003059"},
		{name: "OtherZoneSameInstant", now: t0.In(time.FixedZone("-0500", -5*60*60)), stamp: "TXN20250301133000"},
		// Iran observed daylight saving time (+04:30) until 2022.
		{name: "HistoricalSummerTime", now: time.Date(2021, time.July, 1, 12, 0, 0, 0, time.UTC), stamp: "TXN20210701163000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := trading.NewOrderNumber(tt.now, seeded(3))
			require.NoError(t, err)
			require.Regexp(t, orderNumberPattern, got)
			require.Equal(t, tt.stamp, got[:17])
		})
	}
}

func TestNewOrderNumberIsAcceptedByNewOrder(t *testing.T) {
	t.Parallel()

	number, err := trading.NewOrderNumber(t0, seeded(4))
	require.NoError(t, err)
	_, err = trading.NewOrder(number, testUser, exampleBuy(t), "", t0)
	require.NoError(t, err)
}

func TestNewOrderNumberUnique(t *testing.T) {
	t.Parallel()

	r := seeded(5)
	seen := map[string]bool{}
	for range 2_000 {
		n, err := trading.NewOrderNumber(t0, r)
		require.NoError(t, err)
		require.Regexp(t, orderNumberPattern, n)
		require.False(t, seen[n], "duplicate %s", n)
		seen[n] = true
	}
}

func TestNewOrderNumberRandomPart(t *testing.T) {
	t.Parallel()

	// 252..255 are rejected (no modulo bias); 0 is 'A', 25 'Z', 26 '0', 35 '9', 251 = 6·36+35 → '9'.
	draws := append(bytes.Repeat([]byte{252, 253, 254, 255}, 3), 0, 25, 26, 35, 251, 36)
	draws = append(draws, make([]byte, 32-len(draws))...) // the generator reads 16 bytes at a time
	got, err := trading.NewOrderNumber(t0, bytes.NewReader(draws))
	require.NoError(t, err)
	require.Equal(t, "TXN20250301133000AZ09"+"9A", got)
}

func TestNewOrderNumberRandomFailure(t *testing.T) {
	t.Parallel()

	_, err := trading.NewOrderNumber(t0, iotest.ErrReader(errors.New("no entropy")))
	require.Error(t, err)

	// A reader that only yields rejected bytes gets an error, not a hang.
	_, err = trading.NewOrderNumber(t0, io.LimitReader(constReader(255), 1<<20))
	require.Error(t, err)
}

// constReader yields its byte forever.
type constReader byte

func (c constReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(c)
	}
	return len(p), nil
}
