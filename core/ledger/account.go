package ledger

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/talabin/talabin/core"
)

// AccountKind says whose an account is and which rules apply to it.
type AccountKind struct{ name string }

var (
	// KindUser is a user's wallet for one asset, with available and held buckets.
	KindUser = AccountKind{"user"}
	// KindHouse is the platform's own inventory: rials it trades with and the gold it holds
	// (the treasury). It never goes negative: the platform sells only gold it has.
	KindHouse = AccountKind{"house"}
	// KindFees collects trading and withdrawal fees.
	KindFees = AccountKind{"fees"}
	// KindPayable holds approved withdrawals until they are paid out to a bank.
	KindPayable = AccountKind{"payable"}
	// KindClearing is one payment gateway's clearing account: the external side of online
	// deposits through that gateway. Like [KindExternal] it may go negative; its balance is
	// minus what the gateway has collected for us.
	KindClearing = AccountKind{"clearing"}
	// KindExternal is the outside world: money and metal entering or leaving the platform.
	KindExternal = AccountKind{"external"}
)

var accountKinds = []AccountKind{KindUser, KindHouse, KindFees, KindPayable, KindClearing, KindExternal}

// String returns the kind's name.
func (k AccountKind) String() string { return k.name }

// IsZero reports whether the kind is unset.
func (k AccountKind) IsZero() bool { return k.name == "" }

// Account identifies one ledger account. The zero value is not a valid account; use the
// constructors.
type Account struct {
	kind    AccountKind
	user    core.UserID
	gateway string
	asset   Asset
}

// UserAccount is user's wallet for asset.
func UserAccount(user core.UserID, asset Asset) Account {
	return Account{kind: KindUser, user: user, asset: asset}
}

// HouseAccount is the platform's inventory of asset.
func HouseAccount(asset Asset) Account { return Account{kind: KindHouse, asset: asset} }

// FeesAccount is where fees are collected, in rials.
func FeesAccount() Account { return Account{kind: KindFees, asset: IRR} }

// PayableAccount holds approved withdrawals until payout, in rials.
func PayableAccount() Account { return Account{kind: KindPayable, asset: IRR} }

// ClearingAccount is the clearing account of one payment gateway, in rials.
func ClearingAccount(gateway string) Account {
	return Account{kind: KindClearing, gateway: gateway, asset: IRR}
}

// ExternalAccount is the outside world for asset.
func ExternalAccount(asset Asset) Account { return Account{kind: KindExternal, asset: asset} }

// SystemAccounts lists the system accounts that exist from the first migration on. Clearing
// accounts are added per gateway.
func SystemAccounts() []Account {
	return []Account{
		HouseAccount(IRR), HouseAccount(Gold), FeesAccount(), PayableAccount(),
		ExternalAccount(IRR), ExternalAccount(Gold),
	}
}

// Kind returns the account's kind.
func (a Account) Kind() AccountKind { return a.kind }

// User returns the owner of a user account, or zero for system accounts.
func (a Account) User() core.UserID { return a.user }

// Gateway returns the gateway of a clearing account, or "".
func (a Account) Gateway() string { return a.gateway }

// Asset returns what the account holds.
func (a Account) Asset() Asset { return a.asset }

// IsUser reports whether the account is a user wallet.
func (a Account) IsUser() bool { return a.kind == KindUser }

// IsZero reports whether the account is unset.
func (a Account) IsZero() bool { return a.kind.IsZero() }

// MayGoNegative reports whether the balance may drop below zero: only for accounts that
// stand for the outside world.
func (a Account) MayGoNegative() bool { return a.kind == KindExternal || a.kind == KindClearing }

// Code is the account's stable textual key, used in storage and reports:
// "user:42:IRR", "house:GOLD", "fees:IRR", "clearing:zarinpal:IRR", "external:IRR".
func (a Account) Code() string {
	switch a.kind {
	case KindUser:
		return "user:" + a.user.String() + ":" + a.asset.code
	case KindClearing:
		return "clearing:" + a.gateway + ":" + a.asset.code
	default:
		return a.kind.name + ":" + a.asset.code
	}
}

// String returns [Account.Code].
func (a Account) String() string { return a.Code() }

// Validate reports whether the account is well formed.
func (a Account) Validate() error {
	_, err := ParseAccount(a.Code())
	return err
}

// ParseAccount parses a [Account.Code].
func ParseAccount(code string) (Account, error) {
	parts := strings.Split(code, ":")
	bad := fmt.Errorf("%w: account code %q", core.ErrInvalidInput, code)
	var kind AccountKind
	for _, k := range accountKinds {
		if k.name == parts[0] {
			kind = k
		}
	}
	if kind.IsZero() {
		return Account{}, bad
	}
	asset, err := ParseAsset(parts[len(parts)-1])
	if err != nil {
		return Account{}, bad
	}
	switch kind {
	case KindUser:
		if len(parts) != 3 {
			return Account{}, bad
		}
		id, err := strconv.ParseInt(parts[1], 10, 64)
		if err != nil || id <= 0 || strconv.FormatInt(id, 10) != parts[1] {
			return Account{}, bad
		}
		return UserAccount(core.UserID(id), asset), nil
	case KindClearing:
		if len(parts) != 3 || !validGatewayName(parts[1]) || asset != IRR {
			return Account{}, bad
		}
		return ClearingAccount(parts[1]), nil
	case KindFees, KindPayable:
		if len(parts) != 2 || asset != IRR {
			return Account{}, bad
		}
	default:
		if len(parts) != 2 {
			return Account{}, bad
		}
	}
	return Account{kind: kind, asset: asset}, nil
}

func validGatewayName(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' {
			return false
		}
	}
	return true
}
