// Package core is Talabin's pure domain: money and gold amounts, identifiers, the error
// catalogue and the rules that need no I/O. It imports only the standard library, never reads
// the clock or the environment, and never logs; callers pass time and configuration in.
package core
