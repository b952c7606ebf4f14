package kyc_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/core/kyc"
)

func TestStatus(t *testing.T) {
	t.Parallel()

	tests := []struct {
		status kyc.Status
		name   string
	}{
		{status: kyc.StatusNotSubmitted, name: "not_submitted"},
		{status: kyc.StatusPending, name: "pending"},
		{status: kyc.StatusApproved, name: "approved"},
		{status: kyc.StatusRejected, name: "rejected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.name, tt.status.String())
			require.False(t, tt.status.IsZero())
			parsed, err := kyc.ParseStatus(tt.name)
			require.NoError(t, err)
			require.Equal(t, tt.status, parsed)
		})
	}
	for _, bad := range []string{"", "Pending", "verified", "submitted", " approved", "notsubmitted"} {
		s, err := kyc.ParseStatus(bad)
		require.ErrorIs(t, err, core.ErrInvalidInput, bad)
		require.True(t, s.IsZero(), bad)
	}
	require.True(t, kyc.Status{}.IsZero())
	require.Empty(t, kyc.Status{}.String())
}

func TestCheck(t *testing.T) {
	t.Parallel()

	tests := []struct {
		check kyc.Check
		name  string
	}{
		{check: kyc.CheckPending, name: "pending"},
		{check: kyc.CheckPassed, name: "passed"},
		{check: kyc.CheckFailed, name: "failed"},
		{check: kyc.CheckSkipped, name: "skipped"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.name, tt.check.String())
			parsed, err := kyc.ParseCheck(tt.name)
			require.NoError(t, err)
			require.Equal(t, tt.check, parsed)
		})
	}
	for _, bad := range []string{"", "Passed", "ok", "match", "skipped "} {
		c, err := kyc.ParseCheck(bad)
		require.ErrorIs(t, err, core.ErrInvalidInput, bad)
		require.Equal(t, kyc.Check{}, c, bad)
	}
}

func TestNewProfile(t *testing.T) {
	t.Parallel()

	p := kyc.NewProfile(testUser)
	require.Equal(t, kyc.ProfileRecord{User: testUser, Status: kyc.StatusNotSubmitted}, p.Record())
	require.Equal(t, testUser, p.User())
	require.Zero(t, p.Level())
	require.Equal(t, kyc.StatusNotSubmitted, p.Status())
	require.False(t, p.Locked())
	require.False(t, p.NeedsInquiry())
}

func TestRehydrateProfile(t *testing.T) {
	t.Parallel()

	for _, s := range profileStates(t) {
		p := kyc.RehydrateProfile(s.r)
		require.Equal(t, s.r, p.Record(), s.name)
		require.Equal(t, s.r.User, p.User(), s.name)
		require.Equal(t, s.r.Level, p.Level(), s.name)
		require.Equal(t, s.r.Status, p.Status(), s.name)
	}
}

// TestProfileTransitions runs every action from every stored state: an allowed one changes
// exactly what it should, a refused one returns the exact refusal and changes nothing, and
// invalid input is refused whatever the state.
func TestProfileTransitions(t *testing.T) {
	t.Parallel()

	submitted := func(target int, shahkar kyc.Check) func(string, kyc.ProfileRecord) kyc.ProfileRecord {
		return func(_ string, r kyc.ProfileRecord) kyc.ProfileRecord {
			r.FirstName, r.LastName, r.NationalID, r.BirthDate = firstName, lastName, mustNationalID(t, testNationalID), birth
			r.Status, r.TargetLevel, r.Shahkar = kyc.StatusPending, target, shahkar
			r.RejectionReason, r.ReviewedBy, r.ReviewedAt = "", 0, time.Time{}
			r.SubmittedAt, r.UpdatedAt = later, later
			return r
		}
	}
	// shahkarAfterSubmit is the inquiry state a submission starts with: pending before level
	// 1, skipped after.
	shahkarAfterSubmit := map[string]kyc.Check{
		"NotSubmitted": kyc.CheckPending, "RejectedL0": kyc.CheckPending,
		"ApprovedL1": kyc.CheckSkipped, "RejectedL1": kyc.CheckSkipped,
	}
	approved := func(level int) func(string, kyc.ProfileRecord) kyc.ProfileRecord {
		return func(_ string, r kyc.ProfileRecord) kyc.ProfileRecord {
			if r.Shahkar == kyc.CheckPending {
				r.Shahkar = kyc.CheckSkipped
			}
			r.Status, r.Level = kyc.StatusApproved, max(r.Level, level)
			r.ReviewedBy, r.ReviewedAt, r.UpdatedAt = staffUser, later, later
			return r
		}
	}

	actions := []struct {
		name   string
		do     func(*kyc.Profile) error
		want   func(from string, r kyc.ProfileRecord) kyc.ProfileRecord
		action string // the refused action's name; "" when the input is refused whatever the state
		field  string // the refused field when action is ""
	}{
		{
			name: "SubmitL1", action: "submit",
			do: func(p *kyc.Profile) error { return p.Submit(submission(t, 1), true, nil, later) },
			want: func(from string, r kyc.ProfileRecord) kyc.ProfileRecord {
				return submitted(1, shahkarAfterSubmit[from])(from, r)
			},
		},
		{
			name: "SubmitL2", action: "submit",
			do: func(p *kyc.Profile) error { return p.Submit(submission(t, 2), true, nil, later) },
			want: func(from string, r kyc.ProfileRecord) kyc.ProfileRecord {
				return submitted(2, shahkarAfterSubmit[from])(from, r)
			},
		},
		{
			name: "InquiryMatch", action: "record the inquiry",
			do: func(p *kyc.Profile) error { return p.InquiryAnswered(true, later) },
			want: func(from string, r kyc.ProfileRecord) kyc.ProfileRecord {
				r.Shahkar, r.Level, r.UpdatedAt = kyc.CheckPassed, 1, later
				if from == "PendingInquiryL1" { // asked for no more than level 1
					r.Status, r.ReviewedAt = kyc.StatusApproved, later
				}
				return r
			},
		},
		{
			name: "InquiryMismatch", action: "record the inquiry",
			do: func(p *kyc.Profile) error { return p.InquiryAnswered(false, later) },
			want: func(_ string, r kyc.ProfileRecord) kyc.ProfileRecord {
				r.Shahkar, r.Status, r.RejectionReason = kyc.CheckFailed, kyc.StatusRejected, inquiryReason
				r.ReviewedAt, r.UpdatedAt = later, later
				return r
			},
		},
		{
			name: "ApproveL1", action: "approve",
			do:   func(p *kyc.Profile) error { return p.Approve(1, staffUser, later) },
			want: approved(1),
		},
		{
			name: "ApproveL2", action: "approve",
			do:   func(p *kyc.Profile) error { return p.Approve(2, staffUser, later) },
			want: approved(2),
		},
		{
			name: "Reject", action: "reject",
			do: func(p *kyc.Profile) error { return p.Reject(" \t"+staffReason+"\n ", staffUser, later) },
			want: func(_ string, r kyc.ProfileRecord) kyc.ProfileRecord {
				r.Status, r.RejectionReason = kyc.StatusRejected, staffReason
				r.ReviewedBy, r.ReviewedAt, r.UpdatedAt = staffUser, later, later
				return r
			},
		},
		{name: "SubmitTarget3", field: "target_level", do: func(p *kyc.Profile) error {
			return p.Submit(submission(t, 3), true, nil, later)
		}},
		{name: "SubmitTargetNegative", field: "target_level", do: func(p *kyc.Profile) error {
			return p.Submit(submission(t, -1), true, nil, later)
		}},
		{name: "SubmitNoNationalID", field: "national_id", do: func(p *kyc.Profile) error {
			s := submission(t, 1)
			s.NationalID = iran.NationalCode{}
			return p.Submit(s, true, nil, later)
		}},
		{name: "ApproveL0", field: "level", do: func(p *kyc.Profile) error { return p.Approve(0, staffUser, later) }},
		{name: "ApproveL3", field: "level", do: func(p *kyc.Profile) error { return p.Approve(3, staffUser, later) }},
		{name: "ApproveNegative", field: "level", do: func(p *kyc.Profile) error { return p.Approve(-1, staffUser, later) }},
		{name: "RejectNoReason", field: "reason", do: func(p *kyc.Profile) error { return p.Reject("", staffUser, later) }},
		{name: "RejectBlankReason", field: "reason", do: func(p *kyc.Profile) error { return p.Reject(" \t\n ", staffUser, later) }},
	}
	allowed := map[string][]string{
		"NotSubmitted":         {"SubmitL1", "SubmitL2"},
		"PendingInquiryL1":     {"InquiryMatch", "InquiryMismatch", "ApproveL1", "ApproveL2", "Reject"},
		"PendingInquiryL2":     {"InquiryMatch", "InquiryMismatch", "ApproveL1", "ApproveL2", "Reject"},
		"PendingReviewPassed":  {"ApproveL1", "ApproveL2", "Reject"},
		"PendingReviewSkipped": {"ApproveL1", "ApproveL2", "Reject"},
		"ApprovedL1":           {"SubmitL2"},
		"ApprovedL2":           nil,
		"RejectedL0":           {"SubmitL1", "SubmitL2"},
		"RejectedL1":           {"SubmitL2"},
	}
	states := profileStates(t)
	require.Len(t, allowed, len(states))
	for _, from := range states {
		for _, a := range actions {
			t.Run(from.name+"/"+a.name, func(t *testing.T) {
				t.Parallel()
				p := kyc.RehydrateProfile(from.r)
				before := p.Record()
				err := a.do(p)
				switch {
				case a.action == "":
					requireFieldError(t, err, a.field)
					require.Equal(t, before, p.Record(), "refused input changes nothing")
				case !slices.Contains(allowed[from.name], a.name):
					requireInvalidState(t, err, from.r.Status, a.action)
					require.Equal(t, before, p.Record(), "a refused transition changes nothing")
				default:
					require.NoError(t, err)
					require.Equal(t, a.want(from.name, before), p.Record())
					require.GreaterOrEqual(t, p.Level(), before.Level, "the level never goes down")
					require.Equal(t, before.User, p.User())
				}
			})
		}
	}
}

func TestSubmitTargetDefault(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name       string
		from       string
		docs       bool
		wantTarget int
		refused    bool
	}{
		{name: "DocumentsCompleteAsksLevel2", from: "NotSubmitted", docs: true, wantTarget: 2},
		{name: "DocumentsMissingAsksLevel1", from: "NotSubmitted", wantTarget: 1},
		{name: "RejectedDocumentsMissingAsksLevel1", from: "RejectedL0", wantTarget: 1},
		{name: "Level1DocumentsCompleteAsksLevel2", from: "ApprovedL1", docs: true, wantTarget: 2},
		// Without documents the default is level 1, which is granted already.
		{name: "Level1DocumentsMissingIsRefused", from: "ApprovedL1", refused: true},
		{name: "Level2DocumentsCompleteIsRefused", from: "ApprovedL2", docs: true, refused: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := profileIn(t, tt.from)
			before := p.Record()
			var missing []kyc.DocumentKind
			if !tt.docs {
				missing = kyc.RequiredDocuments()
			}
			err := p.Submit(submission(t, 0), tt.docs, missing, later)
			if tt.refused {
				requireInvalidState(t, err, before.Status, "submit")
				require.Equal(t, before, p.Record())
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.wantTarget, p.Record().TargetLevel)
			require.Equal(t, kyc.StatusPending, p.Status())
		})
	}
}

func TestSubmitRefusals(t *testing.T) {
	t.Parallel()

	front := []kyc.DocumentKind{kyc.NationalCardFront, kyc.Selfie}
	tests := []struct {
		name    string
		from    string
		sub     func(*testing.T) kyc.Submission
		docs    bool
		missing []kyc.DocumentKind
		check   func(*testing.T, error)
	}{
		{
			name: "Level2WithoutDocuments", from: "NotSubmitted", missing: front,
			sub: func(t *testing.T) kyc.Submission { return submission(t, 2) },
			check: func(t *testing.T, err error) {
				requireDocumentsMissing(t, err, "national_card_front", "selfie")
			},
		},
		{
			name: "Level2WithoutAnyDocumentAfterLevel1", from: "ApprovedL1", missing: kyc.RequiredDocuments(),
			sub: func(t *testing.T) kyc.Submission { return submission(t, 2) },
			check: func(t *testing.T, err error) {
				requireDocumentsMissing(t, err, "national_card_front", "national_card_back", "selfie")
			},
		},
		{
			name: "Level2WithoutDocumentsAfterRejection", from: "RejectedL1", missing: []kyc.DocumentKind{kyc.NationalCardBack},
			sub: func(t *testing.T) kyc.Submission { return submission(t, 2) },
			check: func(t *testing.T, err error) {
				requireDocumentsMissing(t, err, "national_card_back")
			},
		},
		{
			name: "PendingBeforeDocuments", from: "PendingInquiryL1", missing: front,
			sub: func(t *testing.T) kyc.Submission { return submission(t, 2) },
			check: func(t *testing.T, err error) {
				requireInvalidState(t, err, kyc.StatusPending, "submit")
			},
		},
		{
			name: "OtherNationalIDAfterLevel1", from: "ApprovedL1", docs: true,
			sub: func(t *testing.T) kyc.Submission {
				s := submission(t, 2)
				s.NationalID = mustNationalID(t, otherNationalID)
				return s
			},
			check: func(t *testing.T, err error) {
				require.ErrorIs(t, err, core.ErrKYCLocked)
				require.NotErrorIs(t, err, core.ErrInvalidState)
			},
		},
		{
			name: "OtherNationalIDAfterRejectedLevel2", from: "RejectedL1", docs: true,
			sub: func(t *testing.T) kyc.Submission {
				s := submission(t, 0)
				s.NationalID = mustNationalID(t, otherNationalID)
				return s
			},
			check: func(t *testing.T, err error) {
				require.ErrorIs(t, err, core.ErrKYCLocked)
			},
		},
		{
			name: "TargetOutOfRangeBeforeState", from: "ApprovedL2", docs: true,
			sub: func(t *testing.T) kyc.Submission { return submission(t, kyc.MaxLevel+1) },
			check: func(t *testing.T, err error) {
				requireFieldError(t, err, "target_level")
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := profileIn(t, tt.from)
			before := p.Record()
			tt.check(t, p.Submit(tt.sub(t), tt.docs, tt.missing, later))
			require.Equal(t, before, p.Record(), "a refused submission changes nothing")
		})
	}
}

// requireDocumentsMissing asserts that err is exactly the lack of the documents named.
func requireDocumentsMissing(t *testing.T, err error, names ...string) {
	t.Helper()
	require.ErrorIs(t, err, core.ErrDocumentsMissing)
	var de *core.DocumentsMissingError
	require.ErrorAs(t, err, &de)
	require.Equal(t, &core.DocumentsMissingError{Missing: names}, de)
}

func TestSubmitNationalID(t *testing.T) {
	t.Parallel()

	t.Run("OtherIDBeforeLevel1", func(t *testing.T) {
		t.Parallel()
		// The inquiry rejected the first id; nothing is verified yet, so another may be tried.
		p := profileIn(t, "RejectedL0")
		s := submission(t, 1)
		s.NationalID = mustNationalID(t, otherNationalID)
		require.NoError(t, p.Submit(s, false, kyc.RequiredDocuments(), later))
		require.Equal(t, s.NationalID, p.Record().NationalID)
		require.Equal(t, kyc.CheckPending, p.Record().Shahkar)
		require.True(t, p.NeedsInquiry())
	})
	t.Run("SameIDAfterLevel1", func(t *testing.T) {
		t.Parallel()
		p := profileIn(t, "ApprovedL1")
		require.NoError(t, p.Submit(submission(t, 2), true, nil, later))
		require.Equal(t, mustNationalID(t, testNationalID), p.Record().NationalID)
		require.Equal(t, kyc.CheckSkipped, p.Record().Shahkar)
		require.False(t, p.NeedsInquiry(), "level 1 was granted: no inquiry")
	})
}

func TestSubmitTrimsNames(t *testing.T) {
	t.Parallel()

	p := kyc.NewProfile(testUser)
	s := submission(t, 1)
	s.FirstName, s.LastName = " \t"+firstName+" ", "\n"+lastName+"  "
	require.NoError(t, p.Submit(s, false, kyc.RequiredDocuments(), later))
	require.Equal(t, firstName, p.Record().FirstName)
	require.Equal(t, lastName, p.Record().LastName)
	require.Equal(t, birth, p.Record().BirthDate)
	require.Equal(t, later, p.Record().SubmittedAt)
}

func TestNeedsInquiryAndLocked(t *testing.T) {
	t.Parallel()

	tests := map[string]struct{ needsInquiry, locked bool }{
		"NotSubmitted":         {},
		"PendingInquiryL1":     {needsInquiry: true, locked: true},
		"PendingInquiryL2":     {needsInquiry: true, locked: true},
		"PendingReviewPassed":  {locked: true},
		"PendingReviewSkipped": {locked: true},
		"ApprovedL1":           {locked: true},
		"ApprovedL2":           {locked: true},
		"RejectedL0":           {},
		"RejectedL1":           {locked: true},
	}
	states := profileStates(t)
	require.Len(t, tests, len(states))
	for _, s := range states {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			want, ok := tests[s.name]
			require.True(t, ok)
			p := kyc.RehydrateProfile(s.r)
			require.Equal(t, want.needsInquiry, p.NeedsInquiry())
			require.Equal(t, want.locked, p.Locked())
		})
	}

	// Staff rejected a submission before the inquiry answered: the inquiry state stays pending,
	// but nothing waits for it any more.
	p := profileIn(t, "PendingInquiryL1")
	require.NoError(t, p.Reject(staffReason, staffUser, later))
	require.Equal(t, kyc.CheckPending, p.Record().Shahkar)
	require.False(t, p.NeedsInquiry())
	requireInvalidState(t, p.InquiryAnswered(true, later), kyc.StatusRejected, "record the inquiry")
}

// TestProfileFlows walks whole verifications through the public methods.
func TestProfileFlows(t *testing.T) {
	t.Parallel()

	t.Run("InquiryThenStaffLevel2", func(t *testing.T) {
		t.Parallel()
		p := kyc.NewProfile(testUser)
		require.NoError(t, p.Submit(submission(t, 0), true, nil, t0))
		require.Equal(t, 2, p.Record().TargetLevel)
		require.True(t, p.NeedsInquiry())
		require.True(t, p.Locked())

		require.NoError(t, p.InquiryAnswered(true, t0.Add(time.Second)))
		require.Equal(t, 1, p.Level(), "the inquiry grants level 1")
		require.Equal(t, kyc.StatusPending, p.Status(), "level 2 still waits for staff")
		require.False(t, p.NeedsInquiry())

		require.NoError(t, p.Approve(2, staffUser, later))
		require.Equal(t, 2, p.Level())
		require.Equal(t, kyc.StatusApproved, p.Status())
		require.Equal(t, kyc.CheckPassed, p.Record().Shahkar)
		requireInvalidState(t, p.Submit(submission(t, 0), true, nil, later), kyc.StatusApproved, "submit")
	})
	t.Run("ApprovedByHandBeforeTheInquiry", func(t *testing.T) {
		t.Parallel()
		p := kyc.NewProfile(testUser)
		require.NoError(t, p.Submit(submission(t, 1), false, kyc.RequiredDocuments(), t0))
		require.NoError(t, p.Approve(1, staffUser, later))
		require.Equal(t, kyc.CheckSkipped, p.Record().Shahkar)
		require.Equal(t, 1, p.Level())
		requireInvalidState(t, p.InquiryAnswered(true, later), kyc.StatusApproved, "record the inquiry")
	})
	t.Run("RejectedLevel2KeepsLevel1", func(t *testing.T) {
		t.Parallel()
		p := profileIn(t, "ApprovedL1")
		require.NoError(t, p.Submit(submission(t, 2), true, nil, t0))
		require.NoError(t, p.Reject(staffReason, staffUser, later))
		require.Equal(t, 1, p.Level())
		require.Equal(t, kyc.StatusRejected, p.Status())
		require.True(t, p.Locked(), "level 1 was granted")
		require.NoError(t, p.Submit(submission(t, 2), true, nil, later), "a rejected user may submit again")
		require.Empty(t, p.Record().RejectionReason)
		require.Zero(t, p.Record().ReviewedBy)
		require.True(t, p.Record().ReviewedAt.IsZero())
	})
}

func TestApproveNeverLowersLevel(t *testing.T) {
	t.Parallel()

	for _, level := range []int{1, 2} {
		// A stored pending submission above the approved level (no submission reaches it, but
		// a store may hold one) keeps its level.
		r := profileIn(t, "ApprovedL2").Record()
		r.Status = kyc.StatusPending
		p := kyc.RehydrateProfile(r)
		require.NoError(t, p.Approve(level, staffUser, later))
		require.Equal(t, 2, p.Level())
	}
	p := profileIn(t, "PendingReviewSkipped")
	require.NoError(t, p.Approve(1, staffUser, later))
	require.Equal(t, 1, p.Level())
}

func TestRejectReason(t *testing.T) {
	t.Parallel()

	ascii := strings.Repeat("a", kyc.MaxReasonLen)
	tests := []struct {
		name   string
		reason string
		want   string
	}{
		{name: "Trimmed", reason: "  " + staffReason + "\t", want: staffReason},
		{name: "ExactlyMax", reason: ascii, want: ascii},
		{name: "ExactlyMaxAfterTrim", reason: " \n" + ascii + " ", want: ascii},
		{name: "OneByteOver", reason: ascii + "b", want: ascii},
		{name: "TwoByteCharacterAtLimit", reason: "a" + strings.Repeat("ر", kyc.MaxReasonLen), want: "a" + strings.Repeat("ر", (kyc.MaxReasonLen-1)/2)},
		{name: "TwoByteCharacters", reason: strings.Repeat("ر", kyc.MaxReasonLen), want: strings.Repeat("ر", kyc.MaxReasonLen/2)},
		{name: "FourByteCharacterAtLimit", reason: strings.Repeat("a", kyc.MaxReasonLen-2) + "😀", want: strings.Repeat("a", kyc.MaxReasonLen-2)},
		{name: "OneCharacter", reason: "x", want: "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := profileIn(t, "PendingReviewPassed")
			require.NoError(t, p.Reject(tt.reason, staffUser, later))
			got := p.Record().RejectionReason
			require.Equal(t, tt.want, got)
			requireCut(t, tt.reason, kyc.MaxReasonLen, got)
			require.Equal(t, 1, p.Level(), "the level granted before stays")
		})
	}
}

// requireCut asserts that got is in, trimmed and cut to at most n bytes at a character
// boundary: valid UTF-8, a prefix of the trimmed input, and no more than one
// character shorter than the limit when the input was longer.
func requireCut(t *testing.T, in string, n int, got string) {
	t.Helper()
	trimmed := strings.TrimSpace(in)
	require.LessOrEqual(t, len(got), n)
	require.True(t, utf8.ValidString(got), "cut must keep valid UTF-8: %q", got)
	require.True(t, strings.HasPrefix(trimmed, got), "cut must keep a prefix of the trimmed text")
	if len(trimmed) <= n {
		require.Equal(t, trimmed, got)
		return
	}
	require.Greater(t, len(got), n-utf8.UTFMax, "cut removes at most one character past the limit")
}

func TestErase(t *testing.T) {
	t.Parallel()

	for _, s := range profileStates(t) {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			p := kyc.RehydrateProfile(s.r)
			p.Erase(later)
			want := s.r
			want.FirstName, want.LastName, want.NationalID, want.BirthDate = "", "", iran.NationalCode{}, time.Time{}
			want.RejectionReason, want.UpdatedAt = "", later
			require.Equal(t, want, p.Record(), "only personal data goes; level, status and dates stay")
			require.True(t, p.Record().NationalID.IsZero())
		})
	}
}

func FuzzSubmitNeverPanics(f *testing.F) {
	f.Add(firstName, lastName, testNationalID, 0, true, uint8(0))
	f.Add(" رضا ", "", otherNationalID, 2, false, uint8(5))
	f.Add("", "", "", 1, true, uint8(1))
	f.Add("\xff\xfe", "a\x00b", "1111111111", -1, false, uint8(7))
	f.Add(strings.Repeat("ر", 400), "\t", "۰۴۹۹۳۷۰۸۹۹", 3, true, uint8(8))
	f.Add("x", "y", testNationalID, 1<<40, true, uint8(255))
	f.Fuzz(func(t *testing.T, first, last, national string, target int, docs bool, state uint8) {
		t.Parallel()
		states := profileStates(t)
		from := states[int(state)%len(states)]
		p := kyc.RehydrateProfile(from.r)
		id, err := iran.ParseNationalCode(national)
		if err != nil {
			id = iran.NationalCode{}
		}
		var missing []kyc.DocumentKind
		if !docs {
			missing = kyc.RequiredDocuments()
		}
		sub := kyc.Submission{FirstName: first, LastName: last, NationalID: id, BirthDate: birth, TargetLevel: target}
		if err := p.Submit(sub, docs, missing, later); err != nil {
			require.Equal(t, from.r, p.Record(), "a refused submission changes nothing")
			known := []error{core.ErrInvalidInput, core.ErrInvalidState, core.ErrDocumentsMissing, core.ErrKYCLocked}
			require.True(t, slices.ContainsFunc(known, func(e error) bool { return errors.Is(err, e) }), "unexpected error %v", err)
			return
		}
		r := p.Record()
		require.NotEqual(t, kyc.StatusPending, from.r.Status, "a pending submission is never replaced")
		require.Equal(t, kyc.StatusPending, r.Status)
		require.GreaterOrEqual(t, r.TargetLevel, 1)
		require.LessOrEqual(t, r.TargetLevel, kyc.MaxLevel)
		require.Greater(t, r.TargetLevel, from.r.Level, "a granted level is never asked again")
		if r.TargetLevel == 2 {
			require.True(t, docs, "level 2 needs the documents")
		}
		require.Equal(t, from.r.Level, r.Level, "submitting grants nothing")
		require.Equal(t, strings.TrimSpace(first), r.FirstName)
		require.Equal(t, strings.TrimSpace(last), r.LastName)
		require.Equal(t, id, r.NationalID)
		require.False(t, r.NationalID.IsZero())
		if from.r.Level > 0 {
			require.Equal(t, from.r.NationalID, r.NationalID, "a verified national id never changes")
		}
		require.Equal(t, r.Level == 0, p.NeedsInquiry())
		require.True(t, p.Locked())

		// Rejecting with the submitted name as the reason exercises the cut on any text
		// (reasons arrive as JSON strings, so valid UTF-8).
		if !utf8.ValidString(first) {
			return
		}
		before := p.Record()
		err = p.Reject(first, staffUser, later)
		if strings.TrimSpace(first) == "" {
			requireFieldError(t, err, "reason")
			require.Equal(t, before, p.Record())
			return
		}
		require.NoError(t, err)
		requireCut(t, first, kyc.MaxReasonLen, p.Record().RejectionReason)
		require.NotEmpty(t, p.Record().RejectionReason)
		require.Equal(t, before.Level, p.Level())
	})
}
