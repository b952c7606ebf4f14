package config_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/app/config"
)

func TestRateLimitScale(t *testing.T) {
	t.Parallel()
	debug := func(scale string) map[string]string {
		return map[string]string{"DEBUG": "true", "RATE_LIMIT_SCALE": scale}
	}
	tests := []struct {
		name    string
		env     map[string]string
		want    int
		wantMsg string
	}{
		{name: "DefaultIsOne", env: production(nil), want: 1},
		{name: "OneInProduction", env: production(map[string]string{"RATE_LIMIT_SCALE": "1"}), want: 1},
		{name: "RaisedInDebug", env: debug("1000"), want: 1000},
		{name: "Largest", env: debug("100000"), want: config.MaxRateLimitScale},
		{
			name:    "RaisedInProduction",
			env:     production(map[string]string{"RATE_LIMIT_SCALE": "2"}),
			wantMsg: `config: RATE_LIMIT_SCALE: must be 1 when DEBUG is false: it lifts the rate limits, for load tests only, got "2"`,
		},
		{name: "Zero", env: debug("0"), wantMsg: `config: RATE_LIMIT_SCALE: must be a whole number from 1 to 100000, got "0"`},
		{name: "TooLarge", env: debug("100001"), wantMsg: `config: RATE_LIMIT_SCALE: must be a whole number from 1 to 100000, got "100001"`},
		{name: "NotNumber", env: debug("lots"), wantMsg: `config: RATE_LIMIT_SCALE: must be a whole number from 1 to 100000, got "lots"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := config.Load(tt.env)
			if tt.wantMsg != "" {
				require.EqualError(t, err, tt.wantMsg)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, cfg.RateLimitScale)
		})
	}
}
