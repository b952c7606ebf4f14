package idpay

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// text is a field IDPay sends as a JSON string in some answers and as a number in others
// (amount, date, track_id, status, error_code: PROVIDERS.md §5.3); null reads as "".
type text string

// UnmarshalJSON accepts a string, a number or null.
func (t *text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*t = ""
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = text(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*t = text(n.String())
	return nil
}

// int returns the field as an integer, and whether it is one.
func (t text) int() (int64, bool) {
	n, err := strconv.ParseInt(string(t), 10, 64)
	return n, err == nil
}

// record is the payment IDPay returns from payment/verify and payment/inquiry.
type record struct {
	Status  text            `json:"status"`
	TrackID text            `json:"track_id"`
	ID      text            `json:"id"`
	OrderID text            `json:"order_id"`
	Amount  text            `json:"amount"`
	Payment json.RawMessage `json:"payment"`
}

// paymentBlock is the record's payment member: the bank's side of a paid session.
type paymentBlock struct {
	TrackID      text `json:"track_id"`
	Amount       text `json:"amount"`
	CardNo       text `json:"card_no"`
	HashedCardNo text `json:"hashed_card_no"`
}

// payment reads the payment member; an absent, null or otherwise shaped one (an empty array
// where there is no payment yet) reads as empty.
func (r record) payment() paymentBlock {
	var p paymentBlock
	if json.Unmarshal(r.Payment, &p) != nil {
		return paymentBlock{}
	}
	return p
}
