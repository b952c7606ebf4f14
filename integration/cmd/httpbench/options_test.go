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
	tests := []struct {
		name    string
		args    []string
		dsn     string
		want    options
		wantErr string
	}{
		{
			name: "Defaults",
			dsn:  dsn,
			want: options{AdminDSN: dsn, Duration: 10 * time.Second, Warmup: 2 * time.Second, Conns: 64, Users: 64, Seed: 1},
		},
		{
			name: "Flags",
			args: []string{"-duration", "30s", "-warmup", "0", "-conns", "8", "-users", "16", "-keep", "-cpuprofile", "p.pprof"},
			dsn:  dsn,
			want: options{AdminDSN: dsn, Duration: 30 * time.Second, Conns: 8, Users: 16, Seed: 1, CPUProfile: "p.pprof", Keep: true},
		},
		{name: "NoServer", wantErr: "TALABIN_TEST_DATABASE_URL must name a PostgreSQL server whose role may create databases"},
		{name: "NoUsers", dsn: dsn, args: []string{"-users", "0"}, wantErr: "-conns and -users must be at least 1"},
		{name: "NoDuration", dsn: dsn, args: []string{"-duration", "0s"}, wantErr: "-duration must be positive and -warmup not negative"},
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
		})
	}
}
