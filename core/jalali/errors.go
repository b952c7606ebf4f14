package jalali

import "github.com/talabin/talabin/core"

// ErrInvalidDate is returned by [New], [Parse] and [FromGregorian] when the input is not a
// valid date: a malformed string, a month outside 1–12, a day past the end of its month, or
// a year outside [MinYear]..[MaxYear]. It is wrapped with the reason and matches
// [core.ErrInvalidInput] under errors.Is.
var ErrInvalidDate error = &invalidError{"invalid jalali date"}

// invalidError is a sentinel whose chain continues to core.ErrInvalidInput.
type invalidError struct{ msg string }

// Error returns the sentinel's message.
func (e *invalidError) Error() string { return e.msg }

// Unwrap returns core.ErrInvalidInput.
func (e *invalidError) Unwrap() error { return core.ErrInvalidInput }
