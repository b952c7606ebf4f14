package outbound

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptrace"
	"net/url"
	"sync/atomic"
	"time"
)

// StartRequest returns the context of one request to an upstream: ctx bounded by timeout,
// whose cause once timeout passes reads "no answer within <timeout>" and wraps
// [context.DeadlineExceeded]; and written, which reports whether the whole request had been
// written by then. An exchange that fails before the request was written certainly had no
// effect; one that fails after it may have had one (a payment taken, an SMS sent), and must
// read as an unknown outcome, never as a failure to retry. Call cancel once the answer is
// read.
func StartRequest(ctx context.Context, timeout time.Duration) (reqCtx context.Context, written func() bool, cancel context.CancelFunc) {
	reqCtx, cancel = context.WithTimeoutCause(ctx, timeout,
		fmt.Errorf("no answer within %s: %w", timeout, context.DeadlineExceeded))
	var wrote atomic.Bool
	reqCtx = httptrace.WithClientTrace(reqCtx, &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				wrote.Store(true)
			}
		},
	})
	return reqCtx, wrote.Load, cancel
}

// WithoutURL returns the error a [*url.Error] in err's chain holds, dropping the URL that
// its text would show (and with it any key in the URL), or err itself when there is none.
func WithoutURL(err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return urlErr.Err
	}
	return err
}
