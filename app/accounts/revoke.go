package accounts

import (
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
)

// SessionsRevoked hears that another use case (a staff disable, app/backoffice) revoked
// every session of user in the store, n of them, for reason: it forgets what this instance
// cached of user's sessions, so that their access tokens fail here at once (other instances
// read the revocation within [ports.RevocationCacheTTL]), and counts the revocations.
func (s *Service) SessionsRevoked(user core.UserID, reason identity.RevokeReason, n int64) {
	s.sessions.forgetUser(user, "")
	s.metrics.revoked(reason, n)
}
