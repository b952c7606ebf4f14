package s3

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/talabin/talabin/core"
)

// errBodyDone is what a read of an upload body returns once its Put has returned.
var errBodyDone = errors.New("s3: upload body read after the put returned")

// exactBody is the body of one upload: it yields exactly size bytes of r or fails before the
// last of them goes out. S3 keeps nothing of a request whose body is shorter than its
// Content-Length, so a reader with too few bytes fails the upload with the bytes it had, and
// a reader with too many fails it while one byte is still held back: the server never sees a
// whole body of the wrong blob.
//
// The HTTP transport reads it on its own goroutine and may go on after the request has
// failed; [exactBody.finish] waits out a read in flight and stops later ones, so that Put
// never touches r after it returns.
type exactBody struct {
	mu   sync.Mutex
	r    io.Reader
	size int64
	left int64
	err  error // the first failure, also returned by every later Read
	done bool
}

func newExactBody(r io.Reader, size int64) *exactBody {
	return &exactBody{r: r, size: size, left: size}
}

// Read implements [io.Reader].
func (b *exactBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.done:
		return 0, errBodyDone
	case b.err != nil:
		return 0, b.err
	case b.left == 0:
		if err := b.checkEnd(); err != nil {
			return 0, err
		}
		return 0, io.EOF
	case len(p) == 0:
		return 0, nil
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	switch {
	case err != nil && !errors.Is(err, io.EOF):
		return n, b.fail(fmt.Errorf("s3: read blob: %w", err))
	case b.left == 0 && err != nil:
		return n, io.EOF
	case b.left == 0:
		if err := b.checkEnd(); err != nil {
			return 0, err // hold back the last bytes: the body must stay incomplete
		}
		return n, io.EOF
	case err != nil:
		return n, b.fail(fmt.Errorf("%w: blob has %d bytes, expected %d", core.ErrInvalidInput, b.size-b.left, b.size))
	}
	return n, nil
}

// checkEmpty checks that r, the reader of an empty blob, has no byte: no request reads the
// body of an empty upload.
func (b *exactBody) checkEmpty() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.checkEnd()
}

// checkEnd makes sure r has nothing after the size bytes it gave.
func (b *exactBody) checkEnd() error {
	var probe [1]byte
	n, err := io.ReadFull(b.r, probe[:])
	switch {
	case n > 0:
		return b.fail(fmt.Errorf("%w: blob has more than %d bytes", core.ErrInvalidInput, b.size))
	case errors.Is(err, io.EOF):
		return nil
	default:
		return b.fail(fmt.Errorf("s3: read blob: %w", err))
	}
}

func (b *exactBody) fail(err error) error {
	b.err = err
	return err
}

// finish waits for a read in flight, stops every later one and returns the body's failure,
// if any.
func (b *exactBody) finish() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done = true
	return b.err
}
