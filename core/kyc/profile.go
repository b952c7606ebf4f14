package kyc

import (
	"fmt"
	"strings"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
)

// MaxLevel is the highest verification level.
const MaxLevel = 2

// MaxReasonLen bounds a rejection reason, in bytes; longer ones are cut at a character
// boundary.
const MaxReasonLen = 500

// Status describes a user's latest submission (`kyc_status`).
type Status struct{ name string }

var (
	// StatusNotSubmitted: the user never submitted.
	StatusNotSubmitted = Status{"not_submitted"}
	// StatusPending: a submission waits for the inquiry or for staff.
	StatusPending = Status{"pending"}
	// StatusApproved: the latest submission was approved at its level.
	StatusApproved = Status{"approved"}
	// StatusRejected: the latest submission was rejected; the user may submit again.
	StatusRejected = Status{"rejected"}
)

// ParseStatus returns the status named s. Errors wrap [core.ErrInvalidInput].
func ParseStatus(s string) (Status, error) {
	for _, st := range []Status{StatusNotSubmitted, StatusPending, StatusApproved, StatusRejected} {
		if st.name == s {
			return st, nil
		}
	}
	return Status{}, fmt.Errorf("%w: unknown kyc status %q", core.ErrInvalidInput, s)
}

// String returns the status's wire name.
func (s Status) String() string { return s.name }

// IsZero reports whether the status is unset.
func (s Status) IsZero() bool { return s.name == "" }

// Check is the state of the mobile-ownership (Shahkar) inquiry of a submission.
type Check struct{ name string }

var (
	// CheckPending: the inquiry has not answered yet (it is retried).
	CheckPending = Check{"pending"}
	// CheckPassed: the phone belongs to the national id.
	CheckPassed = Check{"passed"}
	// CheckFailed: the phone belongs to someone else.
	CheckFailed = Check{"failed"}
	// CheckSkipped: no inquiry was needed (level 1 was granted before).
	CheckSkipped = Check{"skipped"}
)

// ParseCheck returns the check named s. Errors wrap [core.ErrInvalidInput].
func ParseCheck(s string) (Check, error) {
	for _, c := range []Check{CheckPending, CheckPassed, CheckFailed, CheckSkipped} {
		if c.name == s {
			return c, nil
		}
	}
	return Check{}, fmt.Errorf("%w: unknown inquiry check %q", core.ErrInvalidInput, s)
}

// String returns the check's wire name.
func (c Check) String() string { return c.name }

// ProfileRecord is the stored form of a [Profile]. Zero values mean "not given".
type ProfileRecord struct {
	User        core.UserID
	Status      Status
	Level       int
	TargetLevel int
	FirstName   string
	LastName    string
	NationalID  iran.NationalCode
	// BirthDate is a civil date at midnight UTC.
	BirthDate       time.Time
	Shahkar         Check
	RejectionReason string
	ReviewedBy      core.UserID
	SubmittedAt     time.Time
	ReviewedAt      time.Time
	UpdatedAt       time.Time
}

// Profile is one user's identity verification: the level granted so far and the latest
// submission. Build one with [NewProfile]; stores rebuild it with [RehydrateProfile].
type Profile struct{ r ProfileRecord }

// NewProfile returns the profile of a user who never submitted: level 0.
func NewProfile(user core.UserID) *Profile {
	return &Profile{r: ProfileRecord{User: user, Status: StatusNotSubmitted}}
}

// RehydrateProfile rebuilds a stored profile; only store adapters call it.
func RehydrateProfile(r ProfileRecord) *Profile { return &Profile{r: r} }

// Record returns the profile's stored form.
func (p *Profile) Record() ProfileRecord { return p.r }

// User returns the profile's user.
func (p *Profile) User() core.UserID { return p.r.User }

// Level returns the level granted so far.
func (p *Profile) Level() int { return p.r.Level }

// Status returns the status of the latest submission.
func (p *Profile) Status() Status { return p.r.Status }

// Locked reports whether the user's names and date of birth may no longer change outside
// a submission: a submission is under review, or a level was granted.
func (p *Profile) Locked() bool { return p.r.Status == StatusPending || p.r.Level > 0 }

// Submission is what a user submits to reach a level.
type Submission struct {
	FirstName, LastName string
	NationalID          iran.NationalCode
	// BirthDate is a civil date at midnight UTC, already checked (age ≥ 18).
	BirthDate time.Time
	// TargetLevel is 1 or 2; zero means 2 when documents are complete, else 1.
	TargetLevel int
}

// Submit records s as the pending submission at now. documentsComplete says whether the user
// holds the documents level 2 needs ([RequiredDocuments]). It refuses a submission while
// another is pending, one for a level already granted ([*core.InvalidStateError]), one for
// level 2 without the documents ([*core.DocumentsMissingError]), and, once level 1 is
// granted, a national id other than the verified one ([core.ErrKYCLocked]). The mobile
// inquiry is needed (CheckPending) until level 1 is granted.
func (p *Profile) Submit(s Submission, documentsComplete bool, missing []DocumentKind, now time.Time) error {
	target := s.TargetLevel
	if target == 0 {
		target = 1
		if documentsComplete {
			target = 2
		}
	}
	switch {
	case target < 1 || target > MaxLevel:
		return core.FieldError("target_level", "سطح درخواستی باید ۱ یا ۲ باشد")
	case s.NationalID.IsZero():
		return core.FieldError("national_id", "کد ملی لازم است")
	case p.r.Status == StatusPending:
		return p.refuse("submit")
	case p.r.Level >= target:
		return p.refuse("submit")
	case target == 2 && !documentsComplete:
		names := make([]string, len(missing))
		for i, k := range missing {
			names[i] = k.String()
		}
		return &core.DocumentsMissingError{Missing: names}
	case p.r.Level > 0 && s.NationalID != p.r.NationalID:
		return core.ErrKYCLocked
	}
	p.r.FirstName, p.r.LastName = strings.TrimSpace(s.FirstName), strings.TrimSpace(s.LastName)
	p.r.NationalID, p.r.BirthDate = s.NationalID, s.BirthDate
	p.r.TargetLevel, p.r.Status = target, StatusPending
	p.r.Shahkar = CheckPending
	if p.r.Level >= 1 {
		p.r.Shahkar = CheckSkipped
	}
	p.r.RejectionReason, p.r.ReviewedBy, p.r.ReviewedAt = "", 0, time.Time{}
	p.r.SubmittedAt, p.r.UpdatedAt = now, now
	return nil
}

// NeedsInquiry reports whether the pending submission waits for the mobile inquiry.
func (p *Profile) NeedsInquiry() bool {
	return p.r.Status == StatusPending && p.r.Shahkar == CheckPending
}

// InquiryAnswered records the mobile inquiry's answer at now: a match grants level 1 (and
// approves a submission that asked for no more); a mismatch rejects the submission. Only a
// submission waiting for the inquiry takes an answer.
func (p *Profile) InquiryAnswered(match bool, now time.Time) error {
	if !p.NeedsInquiry() {
		return p.refuse("record the inquiry")
	}
	p.r.UpdatedAt = now
	if !match {
		p.r.Shahkar, p.r.Status = CheckFailed, StatusRejected
		p.r.RejectionReason, p.r.ReviewedAt = "شماره موبایل به نام صاحب این کد ملی نیست", now
		return nil
	}
	p.r.Shahkar, p.r.Level = CheckPassed, max(p.r.Level, 1)
	if p.r.TargetLevel <= 1 {
		p.r.Status, p.r.ReviewedAt = StatusApproved, now
	}
	return nil
}

// Approve approves the pending submission at level (1 or 2) by staff member by. Level 2
// needs the documents, which the service checks; a submission still waiting for the
// inquiry can be approved by hand (staff checked the identity another way).
func (p *Profile) Approve(level int, by core.UserID, now time.Time) error {
	if level < 1 || level > MaxLevel {
		return core.FieldError("level", "سطح باید ۱ یا ۲ باشد")
	}
	if p.r.Status != StatusPending {
		return p.refuse("approve")
	}
	if p.r.Shahkar == CheckPending {
		p.r.Shahkar = CheckSkipped
	}
	p.r.Status, p.r.Level = StatusApproved, max(p.r.Level, level)
	p.r.ReviewedBy, p.r.ReviewedAt, p.r.UpdatedAt = by, now, now
	return nil
}

// Reject rejects the pending submission for reason by staff member by; the level granted
// before stays.
func (p *Profile) Reject(reason string, by core.UserID, now time.Time) error {
	reason = core.CutText(reason, MaxReasonLen)
	if reason == "" {
		return core.FieldError("reason", "دلیل لازم است")
	}
	if p.r.Status != StatusPending {
		return p.refuse("reject")
	}
	p.r.Status, p.r.RejectionReason = StatusRejected, reason
	p.r.ReviewedBy, p.r.ReviewedAt, p.r.UpdatedAt = by, now, now
	return nil
}

// Erase removes the personal data of a deleted account: names, national id and birth date.
// The level and dates stay for the records.
func (p *Profile) Erase(now time.Time) {
	p.r.FirstName, p.r.LastName, p.r.NationalID, p.r.BirthDate = "", "", iran.NationalCode{}, time.Time{}
	p.r.RejectionReason, p.r.UpdatedAt = "", now
}

func (p *Profile) refuse(action string) error {
	return &core.InvalidStateError{Object: "kyc submission", State: p.r.Status.String(), Action: action}
}
