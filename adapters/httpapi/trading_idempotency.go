package httpapi

import (
	"net/http"

	"github.com/talabin/talabin/ports"
)

// idempotentCall is [idempotentCall] for a trading operation, with keys required when the
// configuration says so.
func (t *Trading) idempotentCall(r *http.Request, in *Body, op string, render renderFunc) (ports.IdempotentCall, error) {
	return idempotentCall(r, in, op, t.required, render)
}
