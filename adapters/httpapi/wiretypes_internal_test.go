package httpapi

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestTehranFallsBackToFixedOffset(t *testing.T) {
	t.Parallel()
	loc := loadTehran(func(string) (*time.Location, error) { return nil, errors.New("no zoneinfo") })

	got := time.Date(2025, 3, 1, 11, 0, 0, 0, time.UTC).In(loc).Format(time.RFC3339)

	require.Equal(t, "2025-03-01T14:30:00+03:30", got)
}
