package main

import (
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/talabin/talabin/integration/loadrig"
)

// order is a place_order or preview body.
type order struct {
	OrderType string `json:"order_type"`
	AmountIRR int    `json:"amount_irr"`
}

// decodeOrder decodes body and checks the amount is one the API accepts.
func decodeOrder(t *testing.T, body []byte) order {
	t.Helper()
	var o order
	require.NoError(t, json.Unmarshal(body, &o))
	require.GreaterOrEqual(t, o.AmountIRR, 100_000)
	require.LessOrEqual(t, o.AmountIRR, 1_000_000)
	require.Zero(t, o.AmountIRR%1000)
	return o
}

func TestOrderTargeterAlternatesBuyAndSell(t *testing.T) {
	t.Parallel()
	tr := orderTargeter("http://127.0.0.1:1", loadrig.User{ID: 7, Token: "tok"}, rand.New(rand.NewPCG(1, 2)))
	for i := range 20 {
		var tgt vegeta.Target
		require.NoError(t, tr(&tgt))
		require.Equal(t, http.MethodPost, tgt.Method)
		require.Equal(t, "http://127.0.0.1:1/api/trading/orders/place_order/", tgt.URL)
		require.Equal(t, "Bearer tok", tgt.Header.Get("Authorization"))
		want := "buy"
		if i%2 == 1 {
			want = "sell"
		}
		require.Equal(t, want, decodeOrder(t, tgt.Body).OrderType)
	}
}

// TestMixedTargeterShares draws 20,000 requests (a fixed seed: the same every run) and
// checks each endpoint's share within two points, that the price is read without a token
// and everything else with one of the users', and that orders are both buys and sells.
func TestMixedTargeterShares(t *testing.T) {
	t.Parallel()
	const base, n = "http://127.0.0.1:1", 20_000
	users := []loadrig.User{{ID: 1, Token: "a"}, {ID: 2, Token: "b"}}
	tr := mixedTargeter(base, users, 1)
	count := map[string]int{}
	sides := map[string]int{}
	tokens := map[string]int{}
	for range n {
		var tgt vegeta.Target
		require.NoError(t, tr(&tgt))
		switch tgt.Method + " " + tgt.URL {
		case "GET " + base + currentPrice.Path:
			require.Empty(t, tgt.Header.Get("Authorization"))
			count["price"]++
			continue
		case "GET " + base + balance.Path:
			count["balance"]++
		case "GET " + base + transactions.Path:
			count["transactions"]++
		case "POST " + base + preview.Path:
			count["preview"]++
			decodeOrder(t, tgt.Body)
		case "POST " + base + placeOrder.Path:
			count["order"]++
			sides[decodeOrder(t, tgt.Body).OrderType]++
		default:
			t.Fatalf("unexpected request %s %s", tgt.Method, tgt.URL)
		}
		tokens[tgt.Header.Get("Authorization")]++
	}
	for name, share := range map[string]float64{"price": 0.40, "balance": 0.20, "transactions": 0.15, "preview": 0.15, "order": 0.10} {
		require.InDelta(t, share, float64(count[name])/n, 0.02, name)
	}
	require.Len(t, tokens, 2)
	require.Positive(t, tokens["Bearer a"])
	require.Positive(t, sides["buy"])
	require.Positive(t, sides["sell"])
}
