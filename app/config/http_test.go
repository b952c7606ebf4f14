package config_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/app/config"
)

func TestHTTPServerSettingsDefaults(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load(production(nil))
	require.NoError(t, err)

	require.Equal(t, 5*time.Second, cfg.HTTPReadHeaderTimeout)
	require.Equal(t, 15*time.Second, cfg.HTTPReadTimeout)
	require.Equal(t, 30*time.Second, cfg.HTTPWriteTimeout)
	require.Equal(t, 120*time.Second, cfg.HTTPIdleTimeout)
	require.Equal(t, 64<<10, cfg.HTTPMaxHeaderBytes)
	require.False(t, cfg.SecureSSLRedirect)
}

func TestHTTPServerSettingsRead(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load(production(map[string]string{
		"HTTP_READ_HEADER_TIMEOUT": "2s",
		"HTTP_READ_TIMEOUT":        "1m",
		"HTTP_WRITE_TIMEOUT":       "90s",
		"HTTP_IDLE_TIMEOUT":        "5m",
		"HTTP_MAX_HEADER_BYTES":    "16384",
		"SECURE_SSL_REDIRECT":      "true",
		"TRUSTED_PROXIES":          "10.0.0.0/8",
	}))
	require.NoError(t, err)

	require.Equal(t, 2*time.Second, cfg.HTTPReadHeaderTimeout)
	require.Equal(t, time.Minute, cfg.HTTPReadTimeout)
	require.Equal(t, 90*time.Second, cfg.HTTPWriteTimeout)
	require.Equal(t, 5*time.Minute, cfg.HTTPIdleTimeout)
	require.Equal(t, 16384, cfg.HTTPMaxHeaderBytes)
	require.True(t, cfg.SecureSSLRedirect)
}

func TestHTTPServerSettingsRejected(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		env     map[string]string
		wantMsg string
	}{
		{"ReadHeaderTimeoutZero", map[string]string{"HTTP_READ_HEADER_TIMEOUT": "0s"}, `config: HTTP_READ_HEADER_TIMEOUT: must be a positive duration such as 20s or 1m30s, got "0s"`},
		{"ReadTimeoutNegative", map[string]string{"HTTP_READ_TIMEOUT": "-1s"}, `config: HTTP_READ_TIMEOUT: must be a positive duration such as 20s or 1m30s, got "-1s"`},
		{"WriteTimeoutNotDuration", map[string]string{"HTTP_WRITE_TIMEOUT": "30"}, `config: HTTP_WRITE_TIMEOUT: must be a positive duration such as 20s or 1m30s, got "30"`},
		{"IdleTimeoutZero", map[string]string{"HTTP_IDLE_TIMEOUT": "0s"}, `config: HTTP_IDLE_TIMEOUT: must be a positive duration such as 20s or 1m30s, got "0s"`},
		{"HeaderTimeoutAboveReadTimeout", map[string]string{"HTTP_READ_HEADER_TIMEOUT": "20s"}, `config: HTTP_READ_HEADER_TIMEOUT: must be a positive duration such as 5s, not above HTTP_READ_TIMEOUT, got "20s"`},
		{"MaxHeaderBytesTooSmall", map[string]string{"HTTP_MAX_HEADER_BYTES": "4096"}, `config: HTTP_MAX_HEADER_BYTES: must be a whole number of bytes from 8192 to 1048576, got "4096"`},
		{"MaxHeaderBytesTooLarge", map[string]string{"HTTP_MAX_HEADER_BYTES": "1048577"}, `config: HTTP_MAX_HEADER_BYTES: must be a whole number of bytes from 8192 to 1048576, got "1048577"`},
		{"SSLRedirectWithoutProxy", map[string]string{"SECURE_SSL_REDIRECT": "true"}, `config: SECURE_SSL_REDIRECT: must be false when TRUSTED_PROXIES is empty: the app serves plain HTTP and learns of HTTPS only from a trusted proxy's X-Forwarded-Proto, so it would redirect every request, got "true"`},
		{"SSLRedirectNotBool", map[string]string{"SECURE_SSL_REDIRECT": "yes please"}, `config: SECURE_SSL_REDIRECT: must be true or false, got "yes please"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := config.Load(production(tt.env))
			require.EqualError(t, err, tt.wantMsg)
		})
	}
}

func TestAllowedHostsPatterns(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		hosts string
		ok    bool
	}{
		{"HostName", "api.talabin.ir", true},
		{"Domain", ".talabin.ir", true},
		{"Any", "*", true},
		{"IPv4", "192.0.2.7", true},
		{"IPv6", "[2001:db8::1]", true},
		{"TrailingDot", "api.talabin.ir.", true},
		{"Port", "api.talabin.ir:8000", false},
		{"IPv6WithoutBrackets", "2001:db8::1", false},
		{"WildcardLabel", "*.talabin.ir", false},
		{"Underscore", "api_1.talabin.ir", false},
		{"URL", "https://talabin.ir", false},
		{"LoneDot", ".", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := config.Load(production(map[string]string{"ALLOWED_HOSTS": tt.hosts}))
			if tt.ok {
				require.NoError(t, err)
			} else {
				require.EqualError(t, err, `config: ALLOWED_HOSTS: must be a comma-separated list of host names, such as api.example.com,.example.com, got "`+tt.hosts+`"`)
			}
		})
	}
}

func TestHosts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"Configured", production(map[string]string{"ALLOWED_HOSTS": "api.talabin.ir,.talabin.ir"}), []string{"api.talabin.ir", ".talabin.ir"}},
		{"DebugDefaultIsLocal", map[string]string{"DEBUG": "true"}, []string{".localhost", "127.0.0.1", "[::1]"}},
		{"DebugConfiguredWins", map[string]string{"DEBUG": "true", "ALLOWED_HOSTS": "dev.talabin.ir"}, []string{"dev.talabin.ir"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := config.Load(tt.env)
			require.NoError(t, err)
			require.Equal(t, tt.want, cfg.Hosts())
		})
	}
}
