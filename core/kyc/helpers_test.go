package kyc_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/core/kyc"
)

// t0 is the fixed "now" of the tests (core never reads the clock); later is when a
// transition happens.
var (
	t0    = time.Date(2025, time.March, 1, 10, 0, 0, 0, time.UTC)
	later = t0.Add(time.Minute)
	birth = time.Date(1990, time.June, 15, 0, 0, 0, 0, time.UTC)
)

const (
	testUser  core.UserID = 42
	staffUser core.UserID = 7
	firstName             = "رضا"
	lastName              = "کریمی"
	// testNationalID and otherNationalID are valid national codes (checksum included).
	testNationalID  = "0499370899"
	otherNationalID = "0790419904"
	inquiryReason   = "شماره موبایل به نام صاحب این کد ملی نیست"
	staffReason     = "تصویر کارت ملی خوانا نیست"
)

func mustNationalID(t testing.TB, s string) iran.NationalCode {
	t.Helper()
	c, err := iran.ParseNationalCode(s)
	require.NoError(t, err)
	return c
}

// submission returns testUser's submission asking for target.
func submission(t testing.TB, target int) kyc.Submission {
	t.Helper()
	return kyc.Submission{
		FirstName: firstName, LastName: lastName, NationalID: mustNationalID(t, testNationalID),
		BirthDate: birth, TargetLevel: target,
	}
}

// profileState is a named, stored profile the transition tests start from.
type profileState struct {
	name string
	r    kyc.ProfileRecord
}

// profileStates returns one stored profile for every status, and for every level and
// inquiry state a profile in that status can hold.
func profileStates(t testing.TB) []profileState {
	t.Helper()
	submitted := kyc.ProfileRecord{
		User: testUser, FirstName: firstName, LastName: lastName,
		NationalID: mustNationalID(t, testNationalID), BirthDate: birth, SubmittedAt: t0, UpdatedAt: t0,
	}
	with := func(change func(*kyc.ProfileRecord)) kyc.ProfileRecord {
		r := submitted
		change(&r)
		return r
	}
	return []profileState{
		{name: "NotSubmitted", r: kyc.ProfileRecord{User: testUser, Status: kyc.StatusNotSubmitted}},
		{name: "PendingInquiryL1", r: with(func(r *kyc.ProfileRecord) {
			r.Status, r.TargetLevel, r.Shahkar = kyc.StatusPending, 1, kyc.CheckPending
		})},
		{name: "PendingInquiryL2", r: with(func(r *kyc.ProfileRecord) {
			r.Status, r.TargetLevel, r.Shahkar = kyc.StatusPending, 2, kyc.CheckPending
		})},
		{name: "PendingReviewPassed", r: with(func(r *kyc.ProfileRecord) {
			r.Status, r.Level, r.TargetLevel, r.Shahkar = kyc.StatusPending, 1, 2, kyc.CheckPassed
		})},
		{name: "PendingReviewSkipped", r: with(func(r *kyc.ProfileRecord) {
			r.Status, r.Level, r.TargetLevel, r.Shahkar = kyc.StatusPending, 1, 2, kyc.CheckSkipped
		})},
		{name: "ApprovedL1", r: with(func(r *kyc.ProfileRecord) {
			r.Status, r.Level, r.TargetLevel, r.Shahkar, r.ReviewedAt = kyc.StatusApproved, 1, 1, kyc.CheckPassed, t0
		})},
		{name: "ApprovedL2", r: with(func(r *kyc.ProfileRecord) {
			r.Status, r.Level, r.TargetLevel, r.Shahkar = kyc.StatusApproved, 2, 2, kyc.CheckSkipped
			r.ReviewedBy, r.ReviewedAt = staffUser, t0
		})},
		{name: "RejectedL0", r: with(func(r *kyc.ProfileRecord) {
			r.Status, r.TargetLevel, r.Shahkar = kyc.StatusRejected, 1, kyc.CheckFailed
			r.RejectionReason, r.ReviewedAt = inquiryReason, t0
		})},
		{name: "RejectedL1", r: with(func(r *kyc.ProfileRecord) {
			r.Status, r.Level, r.TargetLevel, r.Shahkar = kyc.StatusRejected, 1, 2, kyc.CheckSkipped
			r.RejectionReason, r.ReviewedBy, r.ReviewedAt = staffReason, staffUser, t0
		})},
	}
}

// profileIn returns the stored profile of the state named name.
func profileIn(t testing.TB, name string) *kyc.Profile {
	t.Helper()
	for _, s := range profileStates(t) {
		if s.name == name {
			return kyc.RehydrateProfile(s.r)
		}
	}
	t.Fatalf("no profile state %q", name)
	return nil
}

// requireInvalidState asserts that err is exactly the refusal of action on a submission in
// state.
func requireInvalidState(t *testing.T, err error, state kyc.Status, action string) {
	t.Helper()
	require.ErrorIs(t, err, core.ErrInvalidState)
	var se *core.InvalidStateError
	require.ErrorAs(t, err, &se)
	require.Equal(t, &core.InvalidStateError{Object: "kyc submission", State: state.String(), Action: action}, se)
}

// requireFieldError asserts that err is a validation error about field alone.
func requireFieldError(t *testing.T, err error, field string) {
	t.Helper()
	require.ErrorIs(t, err, core.ErrInvalidInput)
	require.NotErrorIs(t, err, core.ErrInvalidState)
	var ve *core.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, []string{field}, ve.FieldNames())
	require.Len(t, ve.Fields[field], 1)
}
