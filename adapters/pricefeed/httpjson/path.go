package httpjson

import (
	"errors"
	"fmt"
	"strings"
)

// pathSpecials are the characters that give a gjson path more than key-and-index meaning:
// wildcards, queries and array counts, modifiers and literals, pipes, multipaths and
// escapes.
const pathSpecials = `*?#@!|\[]{}()`

// checkPath reports whether p is a plain path: dot-separated, non-empty segments, each an
// object key or a numeric array index, with none of [pathSpecials] nor control characters.
func checkPath(p string) error {
	if p == "" {
		return errors.New("path is empty")
	}
	for seg := range strings.SplitSeq(p, ".") {
		if seg == "" {
			return fmt.Errorf("path %q has an empty segment", p)
		}
		for _, r := range seg {
			if r < ' ' || r == 0x7f || strings.ContainsRune(pathSpecials, r) {
				return fmt.Errorf("path %q may only hold object keys and array indexes separated by dots", p)
			}
		}
	}
	return nil
}
