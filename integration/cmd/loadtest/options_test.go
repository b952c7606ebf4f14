package main

import (
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseOptions(t *testing.T) {
	t.Parallel()
	env := func(dsn string) func(string) string {
		return func(name string) string {
			if name == "TALABIN_TEST_DATABASE_URL" {
				return dsn
			}
			return ""
		}
	}
	const dsn = "postgres://postgres@127.0.0.1:5432/test"
	defaults := options{AdminDSN: dsn, Scenario: "all", Warmup: 2 * time.Second, Users: 100, PriceRate: 1000, MixedRate: 200, Seed: 1, Out: "load-results"}
	tests := []struct {
		name          string
		args          []string
		dsn           string
		want          options
		wantScenarios []string
		wantErr       string
	}{
		{name: "Defaults", dsn: dsn, want: defaults, wantScenarios: []string{"orders", "prices", "mixed"}},
		{
			name: "SustainedMixed",
			args: []string{"-scenario", "mixed", "-duration", "10m", "-strict", "-out", "r"},
			dsn:  dsn,
			want: func() options {
				o := defaults
				o.Scenario, o.Duration, o.Strict, o.Out = "mixed", 10*time.Minute, true, "r"
				return o
			}(),
			wantScenarios: []string{"mixed"},
		},
		{name: "NoServer", wantErr: "TALABIN_TEST_DATABASE_URL must name a PostgreSQL server whose role may create databases"},
		{name: "UnknownScenario", dsn: dsn, args: []string{"-scenario", "soak"}, wantErr: `-scenario must be all or one of orders, prices, mixed, not "soak"`},
		{name: "NegativeDuration", dsn: dsn, args: []string{"-duration", "-1s"}, wantErr: "-duration and -warmup must not be negative"},
		{name: "NoRate", dsn: dsn, args: []string{"-price-rate", "0"}, wantErr: "-users, -price-rate and -mixed-rate must be at least 1"},
		{name: "StrayArgument", dsn: dsn, args: []string{"now"}, wantErr: `unexpected arguments ["now"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseOptions(tt.args, env(tt.dsn), io.Discard)
			if tt.wantErr != "" {
				require.EqualError(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
			var names []string
			for _, sc := range got.selected() {
				names = append(names, sc.name)
			}
			require.Equal(t, tt.wantScenarios, names)
		})
	}
}
