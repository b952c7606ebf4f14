package core

import (
	"fmt"
	"strconv"
)

// UserID identifies a user. IDs are positive integers because the web client types them as
// numbers (API.md §1.1).
type UserID int64

// ParseUserID parses a positive decimal user id, after digit normalisation.
func ParseUserID(s string) (UserID, error) {
	id, err := parsePositiveID(s)
	return UserID(id), err
}

// String returns the decimal form of the id.
func (id UserID) String() string { return strconv.FormatInt(int64(id), 10) }

// IsZero reports whether the id is unset.
func (id UserID) IsZero() bool { return id == 0 }

func parsePositiveID(s string) (int64, error) {
	n, err := strconv.ParseInt(NormalizeDigits(s), 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%w: id must be a positive integer", ErrInvalidInput)
	}
	return n, nil
}
