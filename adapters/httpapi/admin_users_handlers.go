package httpapi

import (
	"context"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// Operations of the staff's user changes; each ends with the user's id.
const (
	opDisableUser = "admin.users.disable:"
	opEnableUser  = "admin.users.enable:"
)

// maxFilterLen bounds the text filters of the user list and the audit log, in characters.
const maxFilterLen = 100

// userStatuses are the status filters of the user list.
var userStatuses = []string{"active", "disabled"}

// Messages of the staff's user endpoints.
var (
	msgUserDisabled = localized{"حساب کاربر غیرفعال شد و نشست\u200cهای او باطل شد", "The user was disabled and signed out everywhere."}
	msgUserEnabled  = localized{"حساب کاربر فعال شد", "The user was enabled."}
	msgBadTime      = localized{"یک زمان معتبر (RFC 3339، مانند 2026-03-21T09:00:00+03:30) وارد کنید.", "A valid RFC 3339 time (like 2026-03-21T09:00:00+03:30) is required."}
	msgTimeOrder    = localized{"این زمان باید بعد از from باشد.", "This time must be after from."}
)

// staffUserID reads the {id} of a user's path; anything but a positive integer names no
// user: 404, as an unknown one.
func staffUserID(r *http.Request) (core.UserID, error) {
	return pathParamID(r, "id", "user", core.ParseUserID)
}

// queryText reads the text query parameter name, trimmed; longer than maxFilterLen
// characters is an error recorded on ve.
func queryText(r *http.Request, ve *core.ValidationError, lang Language, name string) string {
	s := strings.TrimSpace(r.URL.Query().Get(name))
	if utf8.RuneCountInString(s) > maxFilterLen {
		ve.Add(name, msgTooLong.withNumber(lang, maxFilterLen))
		return ""
	}
	return s
}

// queryID reads the query parameter name as a user id: zero when absent, an error recorded
// on ve when it is not a positive integer.
func queryID(r *http.Request, ve *core.ValidationError, lang Language, name string) core.UserID {
	raw := strings.TrimSpace(r.URL.Query().Get(name))
	if raw == "" {
		return 0
	}
	id, err := core.ParseUserID(raw)
	if err != nil {
		ve.Add(name, msgNotID.in(lang))
		return 0
	}
	return id
}

// queryTime reads the query parameter name as an RFC 3339 time: zero when absent, an error
// recorded on ve when malformed. Persian digits are read as ASCII ones, and a space as the
// '+' of an offset sent unescaped (a URL query reads '+' as a space).
func queryTime(r *http.Request, ve *core.ValidationError, lang Language, name string) time.Time {
	raw := strings.TrimSpace(r.URL.Query().Get(name))
	if raw == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, core.NormalizeDigits(strings.ReplaceAll(raw, " ", "+")))
	if err != nil {
		ve.Add(name, msgBadTime.in(lang))
		return time.Time{}
	}
	return t
}

// list is GET admin/users/: one page of users, newest first, with their wallets and
// verification; q matches an id (all digits), a mobile number or a part of the phone, the
// names or the email, and status is active or disabled.
func (s *StaffUsers) list(w http.ResponseWriter, r *http.Request) error {
	pr, err := principal(r)
	if err != nil {
		return err
	}
	page, err := ParsePage(r)
	if err != nil {
		return err
	}
	ve := core.NewValidationError()
	lang := LanguageOf(r)
	f := ports.UserFilter{Query: queryText(r, ve, lang, "q")}
	if v, ok := queryEnum(r, ve, lang, "status", userStatuses); ok {
		disabled := v == "disabled"
		f.Disabled = &disabled
	}
	if err := ve.Err(); err != nil {
		return err
	}
	users, count, err := s.users.Users(r.Context(), pr, f, page.Offset(), page.Limit())
	if err != nil {
		return err
	}
	items := make([]staffUserJSON, len(users))
	for i, u := range users {
		items[i] = staffUserWire(u)
	}
	WriteList(w, r, page, count, items)
	return nil
}

// get is GET admin/users/{id}/: one user with its wallet and verification.
func (s *StaffUsers) get(w http.ResponseWriter, r *http.Request) error {
	pr, err := principal(r)
	if err != nil {
		return err
	}
	id, err := staffUserID(r)
	if err != nil {
		return err
	}
	u, err := s.users.User(r.Context(), pr, id)
	if err != nil {
		return err
	}
	WriteData(w, r, http.StatusOK, staffUserWire(u))
	return nil
}

// disable is POST admin/users/{id}/disable/ with a reason (required, ≤ 500 characters): the
// user is disabled and signed out everywhere (admin; staff and oneself: 409 invalid_state).
func (s *StaffUsers) disable(w http.ResponseWriter, r *http.Request) error {
	return s.change(w, r, opDisableUser, msgUserDisabled, s.users.Disable)
}

// enable is POST admin/users/{id}/enable/ with a reason (required, ≤ 500 characters): a
// disabled user may sign in again (admin).
func (s *StaffUsers) enable(w http.ResponseWriter, r *http.Request) error {
	return s.change(w, r, opEnableUser, msgUserEnabled, s.users.Enable)
}

// change answers a disable or enable, run by do, with msg and the user.
//
// The Idempotency-Key header is checked as API.md §1.6 says (400 idempotency_key_invalid,
// 428 when keys are required) but not stored: [ports.StaffUsers] takes no
// [ports.IdempotentCall]. Both changes are idempotent in effect (a repeat changes nothing
// and audits nothing), so a retry answers as the first request did.
func (s *StaffUsers) change(w http.ResponseWriter, r *http.Request, op string, msg localized,
	do func(ctx context.Context, p ports.Principal, id core.UserID, reason string) (ports.UserSummary, error),
) error {
	pr, err := principal(r)
	if err != nil {
		return err
	}
	id, err := staffUserID(r)
	if err != nil {
		return err
	}
	in, err := Decode(r)
	if err != nil {
		return err
	}
	if _, err := idempotentCall(r, in, op+id.String(), s.required, nil); err != nil {
		return err
	}
	reason := requiredReason(in)
	if err := in.Err(); err != nil {
		return err
	}
	u, err := do(r.Context(), pr, id, reason)
	if err != nil {
		return err
	}
	WriteMessage(w, r, http.StatusOK, msg.in(LanguageOf(r)), staffUserWire(u))
	return nil
}

// auditLog is GET admin/audit-log/: one page of audit events, newest first, filtered by
// actor_id, action, entity, entity_id and the RFC 3339 times from (inclusive) and to
// (exclusive) (admin).
func (s *StaffUsers) auditLog(w http.ResponseWriter, r *http.Request) error {
	pr, err := principal(r)
	if err != nil {
		return err
	}
	page, err := ParsePage(r)
	if err != nil {
		return err
	}
	ve := core.NewValidationError()
	lang := LanguageOf(r)
	f := ports.AuditFilter{
		ActorID:  queryID(r, ve, lang, "actor_id"),
		Action:   queryText(r, ve, lang, "action"),
		Entity:   queryText(r, ve, lang, "entity"),
		EntityID: queryText(r, ve, lang, "entity_id"),
		From:     queryTime(r, ve, lang, "from"),
		To:       queryTime(r, ve, lang, "to"),
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.To.After(f.From) {
		ve.Add("to", msgTimeOrder.in(lang))
	}
	if err := ve.Err(); err != nil {
		return err
	}
	events, count, err := s.users.AuditLog(r.Context(), pr, f, page.Offset(), page.Limit())
	if err != nil {
		return err
	}
	items := make([]auditEventJSON, len(events))
	for i, e := range events {
		items[i] = auditEventWire(e)
	}
	WriteList(w, r, page, count, items)
	return nil
}
