package httpapi

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// opDeleteAccount is the operation of the deletion's Idempotency-Key: both routes are one.
const opDeleteAccount = "auth.delete_account"

// confirmDelete is the confirm value a deletion needs; maxConfirmLen bounds what is read of it.
const (
	confirmDelete = "DELETE"
	maxConfirmLen = 32
)

// export is GET auth/me/export/: everything the platform keeps about the caller, as a JSON
// file to save (Content-Disposition: attachment).
func (p *Privacy) export(w http.ResponseWriter, r *http.Request) error {
	pr, err := principal(r)
	if err != nil {
		return err
	}
	d, err := p.privacy.Export(r.Context(), pr)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="talabin-export-%s.json"`, pr.UserID))
	WriteData(w, r, http.StatusOK, exportWire(d, pr.SessionID))
	return nil
}

// deleteAccount is DELETE auth/me/ and POST auth/me/delete/: confirm ("DELETE") and the
// password or a fresh code of otp_type account_deletion (code, alias otp_code). 200 {} with a
// message; in cookie mode the auth cookies are cleared, as logout/ does. Idempotency-Key
// honoured; the fingerprint covers whether a password was given, not the password.
func (p *Privacy) deleteAccount(w http.ResponseWriter, r *http.Request) error {
	pr, err := principal(r)
	if err != nil {
		return err
	}
	in, err := Decode(r)
	if err != nil {
		return err
	}
	call, err := idempotentCall(r, withoutPassword(in), opDeleteAccount, p.required, writeAccountDeleted)
	if err != nil {
		return err
	}
	lang := LanguageOf(r)
	in.Require("confirm")
	confirm, _ := in.String("confirm", maxConfirmLen)
	password, _ := in.String("password", maxPasswordLen)
	code, _ := in.String(codeField(in), maxCodeLen)
	if confirm != "" && confirm != confirmDelete {
		in.AddError("confirm", msgDeleteConfirm.in(lang))
	}
	if password == "" && code == "" {
		in.AddError(core.NonFieldErrors, msgDeleteProof.in(lang))
	}
	if err := in.Err(); err != nil {
		return err
	}
	out, err := p.privacy.DeleteAccount(r.Context(), pr, ports.AccountDeletion{
		Password: password, Code: core.NormalizeDigits(code), Confirm: confirm,
	}, call)
	if err == nil && inCookieMode(r) {
		p.auth.clearCookies(w)
	}
	return answerOutcome(w, r, out, err, writeAccountDeleted)
}

// writeAccountDeleted answers a deletion: {} and a message, nothing that names the person
// (the answer is also the stored response of its Idempotency-Key, which outlives the data).
func writeAccountDeleted(w http.ResponseWriter, r *http.Request, _ any) {
	WriteMessage(w, r, http.StatusOK, msgAccountDeleted.in(LanguageOf(r)), nil)
}

// withoutPassword returns in with the password replaced by true, for the fingerprint of an
// idempotent deletion: a stored hash of the body must not be a hash of the password. The
// service checks the password before it replays, so leaving it out loses nothing.
func withoutPassword(in *Body) *Body {
	if _, ok := in.raw("password"); !ok {
		return in
	}
	fields := maps.Clone(in.d.fields)
	fields["password"] = json.RawMessage("true")
	return newBody(&decodedBody{fields: fields, files: in.d.files}, in.lang)
}
