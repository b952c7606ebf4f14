package httpapi

import (
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/audit"
	"github.com/talabin/talabin/ports"
)

// staffUserJSON is a user as staff see it (API.md §3.13 users/): the User object, whether it
// is disabled, its role, its wallet's balances and its verification.
type staffUserJSON struct {
	userJSON
	IsDisabled bool            `json:"is_disabled"`
	Role       string          `json:"role"`
	Wallet     staffWalletJSON `json:"wallet"`
	KYC        staffKYCJSON    `json:"kyc"`
}

// staffWalletJSON is the balances part of a [staffUserJSON]; balance_* is available plus
// frozen, as in the Wallet object.
type staffWalletJSON struct {
	BalanceIRR        core.Rial `json:"balance_irr"`
	FrozenBalanceIRR  core.Rial `json:"frozen_balance_irr"`
	GoldBalance       Gold      `json:"gold_balance"`
	FrozenGoldBalance Gold      `json:"frozen_gold_balance"`
}

// staffKYCJSON is the verification part of a [staffUserJSON].
type staffKYCJSON struct {
	Status string `json:"status"`
	Level  int    `json:"level"`
}

// staffUserWire returns s as staff see it.
func staffUserWire(s ports.UserSummary) staffUserJSON {
	v := userKYCView(s.KYC)
	return staffUserJSON{
		userJSON:   userWire(s.User, s.KYC),
		IsDisabled: s.User.Disabled(),
		Role:       s.User.Role().String(),
		Wallet: staffWalletJSON{
			BalanceIRR:        core.Rial(s.IRR.Total()),
			FrozenBalanceIRR:  core.Rial(s.IRR.Held),
			GoldBalance:       Gold(s.Gold.Total()),
			FrozenGoldBalance: Gold(s.Gold.Held),
		},
		KYC: staffKYCJSON{Status: v.KYCStatus, Level: v.KYCLevel},
	}
}

// auditEventJSON is one audit-log entry (API.md §3.13 audit-log/). actor_id is null for the
// system's own actions; the texts a recorder may leave empty are null then. chain names the
// hash chain the entry is in; prev_hash and hash, in hex, link the entry into it (the
// tamper-evident log); they are null before the chains began (and prev_hash is null for a
// chain's first entry). With chain, a reader can recompute every link.
type auditEventJSON struct {
	ID           int64        `json:"id"`
	At           Timestamp    `json:"at"`
	ActorID      *core.UserID `json:"actor_id"`
	ActorRole    string       `json:"actor_role"`
	Action       string       `json:"action"`
	Entity       string       `json:"entity"`
	EntityID     string       `json:"entity_id"`
	Reason       *string      `json:"reason"`
	IP           *string      `json:"ip"`
	UserAgent    *string      `json:"user_agent"`
	RequestID    *string      `json:"request_id"`
	BeforeDigest *string      `json:"before_digest"`
	AfterDigest  *string      `json:"after_digest"`
	Chain        int          `json:"chain"`
	PrevHash     *string      `json:"prev_hash"`
	Hash         *string      `json:"hash"`
}

// auditEventWire returns e as an audit-log entry.
func auditEventWire(e ports.AuditEvent) auditEventJSON {
	out := auditEventJSON{
		ID:           e.ID,
		At:           Timestamp(e.At),
		ActorRole:    e.ActorRole,
		Action:       e.Action,
		Entity:       e.Entity,
		EntityID:     e.EntityID,
		Reason:       nonEmpty(e.Reason),
		IP:           nonEmpty(e.IP),
		UserAgent:    nonEmpty(e.UserAgent),
		RequestID:    nonEmpty(e.RequestID),
		BeforeDigest: nonEmpty(e.BeforeDigest),
		AfterDigest:  nonEmpty(e.AfterDigest),
		Chain:        e.Chain,
		PrevHash:     hashWire(e.PrevHash),
		Hash:         hashWire(e.Hash),
	}
	if e.ActorID != 0 {
		actor := e.ActorID
		out.ActorID = &actor
	}
	return out
}

// hashWire returns h in hex, nil (JSON null) for the zero hash ("none").
func hashWire(h audit.Hash) *string {
	if h.IsZero() {
		return nil
	}
	return nonEmpty(h.String())
}
