package trading

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestLoadTehranFallsBackToFixedOffset(t *testing.T) {
	t.Parallel()

	loc := loadTehran(func(string) (*time.Location, error) { return nil, errors.New("no zone database") })
	_, offset := time.Date(2025, time.March, 1, 10, 0, 0, 0, time.UTC).In(loc).Zone()
	require.Equal(t, 3*60*60+30*60, offset)
}
