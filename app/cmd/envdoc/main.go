// Command envdoc writes docs/configuration.md, the reference of every environment variable
// the app reads, from [config.Config] itself: the names, defaults and types from the struct's
// env and envDefault tags (by reflection), the descriptions from the fields' doc comments (by
// parsing the config package's source). A variable added to the struct therefore only needs
// a regeneration, and the test beside this file fails while docs/configuration.md lags
// behind the struct.
//
// Run it from the repository root:
//
//	make docs    # go run ./app/cmd/envdoc -config app/config -o docs/configuration.md
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

//go:generate go run . -config ../../config -o ../../../docs/configuration.md

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

// run parses args, writes the reference and returns the exit code.
func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("envdoc", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("config", "app/config", "folder of the config package's source")
	out := fs.String("o", "docs/configuration.md", "file to write; - for standard output")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	doc, err := Generate(*dir)
	if err != nil {
		_, _ = fmt.Fprintf(stderr, "envdoc: %v\n", err)
		return 1
	}
	if *out == "-" {
		_, err = os.Stdout.Write(doc)
	} else {
		err = os.WriteFile(*out, doc, 0o644) //nolint:gosec // a documentation file, world-readable on purpose
	}
	if err != nil {
		_, _ = fmt.Fprintf(stderr, "envdoc: %v\n", err)
		return 1
	}
	return 0
}
