package httpapi

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestResolveClientIP(t *testing.T) {
	t.Parallel()
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	tests := []struct {
		name      string
		peer      string
		forwarded []string
		trusted   []netip.Prefix
		want      string
	}{
		{name: "PeerWithoutProxies", peer: "203.0.113.7:51000", want: "203.0.113.7"},
		{name: "SpoofedHeaderNoProxiesConfigured", peer: "203.0.113.7:51000", forwarded: []string{"198.51.100.1"}, want: "203.0.113.7"},
		{name: "SpoofedHeaderFromUntrustedPeer", peer: "203.0.113.7:51000", forwarded: []string{"198.51.100.1"}, trusted: trusted, want: "203.0.113.7"},
		{name: "TrustedPeerWithoutHeader", peer: "10.0.0.5:443", trusted: trusted, want: "10.0.0.5"},
		{name: "TrustedPeer", peer: "10.0.0.5:443", forwarded: []string{"203.0.113.7"}, trusted: trusted, want: "203.0.113.7"},
		{name: "ChainOfTrustedProxies", peer: "10.0.0.5:443", forwarded: []string{"203.0.113.7, 10.0.0.9"}, trusted: trusted, want: "203.0.113.7"},
		{name: "ClientPrependedSpoof", peer: "10.0.0.5:443", forwarded: []string{"1.2.3.4, 203.0.113.7"}, trusted: trusted, want: "203.0.113.7"},
		{name: "SeveralHeaders", peer: "10.0.0.5:443", forwarded: []string{"1.2.3.4", "203.0.113.7,10.0.0.9"}, trusted: trusted, want: "203.0.113.7"},
		{name: "OnlyTrustedHops", peer: "10.0.0.5:443", forwarded: []string{"10.0.0.8, 10.0.0.9"}, trusted: trusted, want: "10.0.0.8"},
		{name: "MalformedHopNextToProxy", peer: "10.0.0.5:443", forwarded: []string{"203.0.113.7, garbage"}, trusted: trusted, want: "10.0.0.5"},
		{name: "MalformedHopBeyondClient", peer: "10.0.0.5:443", forwarded: []string{"garbage, 203.0.113.7"}, trusted: trusted, want: "203.0.113.7"},
		{name: "EmptyHeader", peer: "10.0.0.5:443", forwarded: []string{""}, trusted: trusted, want: "10.0.0.5"},
		{name: "HopWithPort", peer: "10.0.0.5:443", forwarded: []string{"203.0.113.7:4711"}, trusted: trusted, want: "203.0.113.7"},
		{name: "IPv6Peer", peer: "[2001:db8::1]:443", want: "2001:db8::1"},
		{name: "IPv6ProxyAndHops", peer: "[fd00::5]:443", forwarded: []string{"[2001:db8::7]:4711, fd00::6"}, trusted: trusted, want: "2001:db8::7"},
		{name: "BracketedHop", peer: "[fd00::5]:443", forwarded: []string{"[2001:db8::7]"}, trusted: trusted, want: "2001:db8::7"},
		{name: "MappedIPv4", peer: "[::ffff:203.0.113.7]:443", want: "203.0.113.7"},
		{name: "MappedIPv4Proxy", peer: "[::ffff:10.0.0.5]:443", forwarded: []string{"203.0.113.7"}, trusted: trusted, want: "203.0.113.7"},
		{name: "ZoneDropped", peer: "[fe80::1%eth0]:443", want: "fe80::1"},
		{name: "UnixSocket", peer: "@", want: ""},
		{name: "NoPeer", peer: "", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			got := resolveClientIP(tt.peer, tt.forwarded, tt.trusted)

			require.Equal(t, tt.want, got)
		})
	}
}
