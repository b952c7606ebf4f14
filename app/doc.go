// Package app is Talabin's composition root: it builds the bundled application from its
// configuration ([config.Config]) and runs it ([App.Run]). Together with app/config and the
// CLI in app/cmd/talabin it is the only code that imports adapters and Wire; the use-case
// services in app/<service> packages import core and ports only (dependency_rule_test.go at the
// repository root enforces this).
//
// The injector in wire.go is compiled by Wire into wire_gen.go (make generate). Every provider
// is a plain function, so wiring by hand stays a one-file change.
package app
