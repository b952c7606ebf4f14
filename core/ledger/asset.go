package ledger

import (
	"fmt"

	"github.com/talabin/talabin/core"
)

// Asset is what an account holds: rials or micrograms of 750 gold.
type Asset struct{ code string }

var (
	// IRR is the Iranian rial; amounts are [core.Rial].
	IRR = Asset{"IRR"}
	// Gold is 18-karat (750) gold; amounts are [core.Microgram].
	Gold = Asset{"GOLD"}
)

// Assets lists every asset, in a stable order.
var Assets = []Asset{IRR, Gold}

// ParseAsset returns the asset named by code ("IRR" or "GOLD").
func ParseAsset(code string) (Asset, error) {
	for _, a := range Assets {
		if a.code == code {
			return a, nil
		}
	}
	return Asset{}, fmt.Errorf("%w: unknown asset %q", core.ErrInvalidInput, code)
}

// String returns the asset code.
func (a Asset) String() string { return a.code }

// IsZero reports whether the asset is unset.
func (a Asset) IsZero() bool { return a.code == "" }
