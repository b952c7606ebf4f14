package core

import "errors"

// ErrInvalidInput is returned by parsers and constructors in core when a value breaks its
// format or range rule. It is wrapped with the specific reason.
var ErrInvalidInput = errors.New("invalid input")
